import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC305: the runtime role trusts EC2 or the EMR service role instead of the instance-profile role.
public struct RC305TrustsServiceInsteadOfRole: SetupRule {
    public let id: RuleID = .RC305
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        let pairs = RuntimeRoleTrust.pairs(setup)
        // The instance-profile roles each runtime role must admit: the fix is certain only when
        // there is one (a role shared by clusters of different roles needs the user's choice).
        var admits: [ObjectIdentifier: Set<String>] = [:]
        for (ip, rt, _, _) in pairs { admits[ObjectIdentifier(rt), default: []].insert(ip.effectiveArn ?? ip.name) }
        for (ip, rt, trust, f) in pairs {
            guard let result = RuntimeRoleTrust.trustAnswer(f, "sts:AssumeRole"), result.resourceAllows != true, let (wrong, what) = RuntimeRoleTrust.wrongPrincipalDescribed(trust, cluster: f.chain.cluster) else { continue }
            context.report("runtime role \(rt.name) trusts \(what), but EMR assumes runtime roles with the cluster's instance-profile role, \(ip.effectiveArn ?? ip.name); trust that role instead (with \(RuntimeRoleTrust.allActions(f))). Trusting EC2 or the EMR service role is the most common runtime-role mistake",
                           at: wrong.node, related: ChainQuestions.related(f, except: wrong.node), identity: "\(rt.name)|\(wrong.text)",
                           about: RuntimeRoleTrust.subjects(f),
                           fix: admits[ObjectIdentifier(rt)]?.count == 1 ? Self.fix(wrong.node, trusting: ip, in: trust) : nil)
        }
        // Runtime roles the inputs name without a cluster to complete the chain (a template with
        // the Studio role's ExecutionRoleArn condition and the runtime role, say): a trust that
        // admits only EC2 or EMR, and no role at all, cannot admit any instance-profile role.
        for candidate in setup.runtimeRolesOutsideChains {
            let rt = candidate.role
            guard let trust = rt.trust, !Self.trustsSomeRole(trust),
                  let (wrong, what) = RuntimeRoleTrust.wrongPrincipalDescribed(trust, serviceRole: nil) else { continue }
            var related: [RelatedLocation] = []
            if let n = candidate.evidence.node { related.append(RelatedLocation(location: Location(node: n), message: candidate.evidence.reason)) }
            context.report("runtime role \(rt.name) trusts \(what) and no role, but EMR assumes runtime roles with the cluster's instance-profile role (\(candidate.evidence.reason), so it is a runtime role): trust the instance-profile role of the clusters it runs on instead, with sts:AssumeRole and sts:TagSession. Trusting EC2 or the EMR service role is the most common runtime-role mistake",
                           at: wrong.node, related: related, identity: "\(rt.name)|\(wrong.text)", about: [.entity(rt.entity)])
        }
    }

    /// The wrong principal replaced by the instance-profile role: `"Service": "ec2…"` (alone in
    /// the Principal, possibly as a one-element list) becomes `"AWS": <the role>`; an EMR service
    /// role under `AWS` is replaced in place. Anything else (a Principal that also names other
    /// principals) is left to the user.
    static func fix(_ wrong: Node, trusting ip: RoleResource, in trust: PolicyDocument) -> Fix? {
        guard let value = TrustFixes.principalValue(for: ip, in: trust) else { return nil }
        let description = "trust the instance-profile role \(ip.effectiveArn ?? ip.name) instead"
        // The value of the principal type's key: the wrong string itself or the list holding it.
        let typeValue = wrong.parent?.kind == .array ? wrong.parent! : wrong
        guard let typeKey = typeValue.keyNode, let principal = typeValue.parent, principal.kind == .object else { return nil }
        if typeKey.string == "AWS" {
            return Fix.of(description, [wrong.replaced(with: value)])
        }
        guard typeKey.string == "Service", principal.count == 1, typeValue.kind != .array || typeValue.count == 1 else { return nil }
        return Fix.of(description, [typeKey.replaced(with: .string("AWS")), wrong.replaced(with: value)])
    }

    /// Whether a trust admits some IAM role or account (which could be an instance-profile role).
    static func trustsSomeRole(_ trust: PolicyDocument) -> Bool {
        trust.statements.contains { s in
            s.effect == .allow && (s.principal?.entries.contains { $0.type == "AWS" } ?? false)
        }
    }
}
