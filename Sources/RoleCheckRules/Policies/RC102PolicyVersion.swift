import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC102: `Version` missing or 2008-10-17, so policy variables are literal text.
public struct RC102PolicyVersion: PolicyRule {
    public let id: RuleID = .RC102
    public init() {}
    public func check(_ policy: PolicyDocument, _ context: inout RuleContext) { reportProblems(policy, &context) }
}
