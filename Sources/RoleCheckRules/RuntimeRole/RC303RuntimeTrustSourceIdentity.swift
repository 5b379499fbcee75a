import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC303: `PropagateSourceIdentity` is on but the trust does not allow `sts:SetSourceIdentity`.
public struct RC303RuntimeTrustSourceIdentity: SetupRule {
    public let id: RuleID = .RC303
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        for (ip, rt, trust, f) in RuntimeRoleTrust.pairs(setup, where: { $0.propagatesSourceIdentity }) {
            guard let result = RuntimeRoleTrust.trustAnswer(f, "sts:SetSourceIdentity"), result.resourceAllows != true else { continue }
            // A trust that does not even allow sts:AssumeRole is RC301's (or RC305's) finding, which names this action too.
            guard let assume = RuntimeRoleTrust.trustAnswer(f, "sts:AssumeRole"), assume.resourceAllows == true else { continue }
            // The source identity is the Studio user's name, unknown here: a condition on it is a doubt.
            let onIdentity = result.reasons.contains {
                if case .condition(let k)? = $0.mismatch { return Wildcard.asciiLowered(k) == "sts:sourceidentity" }
                return false
            }
            let at = RuntimeRoleTrust.whereToAdd(result, assume: assume, trust: trust)
            let related = ChainQuestions.related(f, except: at)
                + [f.securityConfiguration.map { sc in
                    let flag = sc.configuration["AuthorizationConfiguration"]?["IAMConfiguration"]?["ApplicationScopedIAMRoleConfiguration"]?["PropagateSourceIdentity"]
                    return RelatedLocation(location: Location(node: flag ?? sc.configuration), message: "PropagateSourceIdentity is on here")
                }].compactMap { $0 }
            let message = onIdentity
                ? "hop instance-profile role → runtime role: the cluster's security configuration propagates the source identity, and the trust policy of runtime role \(rt.name) lets the instance-profile role \(ip.name) call sts:SetSourceIdentity only for the source identities its condition lists (\(result.because(about: trust))); the source identity is the Studio user's name, so check that the condition admits every user who connects with this role"
                : "hop instance-profile role → runtime role: the cluster's security configuration propagates the source identity, but the trust policy of runtime role \(rt.name) does not let the instance-profile role \(ip.name) call sts:SetSourceIdentity (\(result.because(about: trust))); \(RuntimeRoleTrust.fix(ip, "sts:SetSourceIdentity"))"
            context.report(message,
                           at: at, severity: onIdentity ? .warning : nil, related: related, identity: "\(ip.name)|\(rt.name)",
                           about: RuntimeRoleTrust.subjects(f),
                           fix: onIdentity ? nil : RuntimeRoleTrust.addActionFix("sts:SetSourceIdentity", result, assume: assume, trust: trust))
        }
    }
}
