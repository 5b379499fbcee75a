import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC305: the runtime role trusts EC2 or the EMR service role instead of the instance-profile role.
public struct RC305TrustsServiceInsteadOfRole: SetupRule {
    public let id: RuleID = .RC305
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        for (ip, rt, trust, f) in RuntimeRoleTrust.pairs(setup) {
            guard let result = RuntimeRoleTrust.trustAnswer(f, "sts:AssumeRole"), result.resourceAllows != true, let (wrong, what) = RuntimeRoleTrust.wrongPrincipalDescribed(trust, cluster: f.chain.cluster) else { continue }
            context.report("runtime role \(rt.name) trusts \(what), but EMR assumes runtime roles with the cluster's instance-profile role, \(ip.effectiveArn ?? ip.name); trust that role instead (with \(RuntimeRoleTrust.allActions(f))). Trusting EC2 or the EMR service role is the most common runtime-role mistake",
                           at: wrong.node, related: ChainQuestions.related(f, except: wrong.node), identity: "\(rt.name)|\(wrong.text)",
                           about: RuntimeRoleTrust.subjects(f))
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

    /// Whether a trust admits some IAM role or account (which could be an instance-profile role).
    static func trustsSomeRole(_ trust: PolicyDocument) -> Bool {
        trust.statements.contains { s in
            s.effect == .allow && (s.principal?.entries.contains { $0.type == "AWS" } ?? false)
        }
    }
}
