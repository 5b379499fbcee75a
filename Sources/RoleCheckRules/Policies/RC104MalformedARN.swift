import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC104: a malformed ARN, account ID or principal.
public struct RC104MalformedARN: PolicyRule {
    public let id: RuleID = .RC104
    public init() {}
    public func check(_ policy: PolicyDocument, _ context: inout RuleContext) { reportProblems(policy, &context) }
}
