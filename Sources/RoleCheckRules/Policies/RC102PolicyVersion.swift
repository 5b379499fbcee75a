import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC102: `Version` missing or 2008-10-17, so policy variables are literal text.
public struct RC102PolicyVersion: PolicyRule {
    public let id: RuleID = .RC102
    public init() {}
    public func check(_ policy: PolicyDocument, _ context: inout RuleContext) {
        reportProblems(policy, &context) { problem in
            // A missing Version gets the current one, as the first element. "2008-10-17" is left
            // as written: the policy may rely on its literal "${…}" text.
            guard problem.node.kind == .object, policy.root["Version"] == nil else { return nil }
            return Fix.of("add \"Version\": \"2012-10-17\" to the policy",
                          [policy.root.insertingMember("Version", .string("2012-10-17"), first: true)])
        }
    }
}
