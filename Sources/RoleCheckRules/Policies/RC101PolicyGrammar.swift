import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC101: the policy breaks IAM's grammar (IAM would reject it).
public struct RC101PolicyGrammar: PolicyRule {
    public let id: RuleID = .RC101
    public init() {}
    public func check(_ policy: PolicyDocument, _ context: inout RuleContext) { reportProblems(policy, &context) }
}
