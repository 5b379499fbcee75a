import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC106: a trust or resource policy allows any principal without a condition that narrows who.
public struct RC106PublicPrincipal: PolicyRule {
    public let id: RuleID = .RC106
    public init() {}
    /// An RCP names "*" as its principal by design, and grants nothing; nor does a boundary.
    public let judgesBoundaries = false

    /// Condition keys that narrow who (or from where) a request comes.
    static let narrowingKeys: [String] = [
        "aws:principalarn", "aws:principalaccount", "aws:principalorgid", "aws:principalorgpaths", "aws:userid",
        "aws:username", "aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid", "aws:sourceorgpaths", "aws:sourcevpc",
        "aws:sourcevpce", "aws:sourcevpcarn", "aws:sourceip", "aws:vpcsourceip", "aws:principalservicename",
        "sts:externalid", "aws:federatedprovider", "aws:calledvia", "aws:calledviafirst", "aws:calledvialast",
    ]

    static func narrows(_ c: ConditionEntry) -> Bool {
        guard let op = c.op, !op.isNegated, !op.ifExists, op.base != .null, op.qualifier != .forAllValues else { return false }
        let key = Wildcard.asciiLowered(c.key)
        guard narrowingKeys.contains(key) || key.hasPrefix("aws:principaltag/") else { return false }
        // A value that is itself a bare wildcard narrows nothing.
        return c.values.contains { $0.text != "*" && $0.text != "arn:aws:iam::*:*" && $0.text != "arn:*" }
    }

    public func check(_ policy: PolicyDocument, _ context: inout RuleContext) {
        guard policy.kind != .identity else { return }
        for s in policy.statements where s.effect == .allow {
            guard let p = s.principal, !p.negated, p.allowsAnyone else { continue }
            if s.conditions.contains(where: Self.narrows) { continue }
            let node = p.isWildcardString ? p.node : (p.entries.first { $0.type == "AWS" }?.values.first { $0.text == "*" }?.node ?? p.node)
            let what = policy.kind == .trust ? "anyone in any AWS account may assume this role" : "anyone may use this resource"
            context.report("\(s.label) of \(policy.label) allows any principal without a condition that narrows it: \(what); name the principals, or add a condition on aws:PrincipalOrgID, aws:PrincipalArn or aws:SourceAccount",
                           at: node, identity: s.sid?.text ?? String(s.index))
        }
    }
}
