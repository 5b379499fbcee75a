import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC313: an `elasticmapreduce:ExecutionRoleArn` condition that matches far more than intended.
public struct RC313BroadExecutionRoleCondition: PolicyRule {
    public let id: RuleID = .RC313
    /// A permissions boundary grants nothing: an unconditioned action in it lets no one call it.
    public let judgesBoundaries = false
    public init() {}

    public func check(_ policy: PolicyDocument, _ context: inout RuleContext) {
        guard policy.kind == .identity else { return }
        for s in policy.statements where s.effect == .allow {
            for c in s.conditions where RC307UnconditionedExecutionRole.restricts(c) {
                for v in c.values {
                    guard let why = Self.breadth(v.text) else { continue }
                    context.report("the elasticmapreduce:ExecutionRoleArn condition \"\(v.text)\" in \(s.label) of \(policy.label) matches \(why): the caller may pass any of them as its runtime role; list the runtime roles (or a narrow name prefix such as role/emr-runtime-analytics-*)",
                                   at: v.node)
                }
            }
        }
    }

    /// What a pattern covers when it is too broad, else nil.
    static func breadth(_ pattern: String) -> String? {
        if pattern == "*" || pattern == "arn:*" || pattern.hasPrefix("arn:aws:iam::*") || pattern.hasPrefix("arn:*") {
            return "roles of every account"
        }
        guard let arn = ARN(pattern), arn.service == "iam" || Wildcard.hasWildcard(arn.service) else { return nil }
        if Wildcard.hasWildcard(arn.account) { return "roles of every account" }
        let resource = arn.resource
        if resource == "*" || resource == "role/*" || resource == "role*" || resource == "*/*" { return "every role of account \(arn.account)" }
        return nil
    }
}
