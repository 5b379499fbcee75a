import Synchronization
import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM

/// A chain with the resources it runs through resolved and its hops decided, shared by the chain rules.
/// A class: every chain rule walks every chain, and copying a struct of a dozen references (each
/// retained and released) for each step cost more than the rules' own work. Its hops are set
/// once, while the setup builds its chains under a lock, and never change after.
public final class ChainFacts: @unchecked Sendable {
    public let chain: Chain
    public let runtimeRole: RoleResource?
    public let instanceProfileRole: RoleResource?
    public let instanceProfile: InstanceProfileResource?
    public let securityConfiguration: SecurityConfiguration?
    public let studioRole: RoleResource?
    public let accessRole: RoleResource?
    /// The hops of the chain with their questions decided, in the order a connection takes them.
    public package(set) var hops: [Hop] = []

    init(chain: Chain, runtimeRole: RoleResource?, instanceProfileRole: RoleResource?, instanceProfile: InstanceProfileResource?,
         securityConfiguration: SecurityConfiguration?, studioRole: RoleResource?, accessRole: RoleResource?) {
        self.chain = chain
        self.runtimeRole = runtimeRole
        self.instanceProfileRole = instanceProfileRole
        self.instanceProfile = instanceProfile
        self.securityConfiguration = securityConfiguration
        self.studioRole = studioRole
        self.accessRole = accessRole
    }

    /// Who calls `GetClusterSessionCredentials`: the access role in option 1, else the Studio
    /// execution role.
    public var callerArn: String? { chain.option == .option1 ? chain.accessRole?.arn : chain.studio.executionRoleArn }
    public var caller: RoleResource? { chain.option == .option1 ? accessRole : studioRole }

    /// `ApplicationScopedIAMRoleConfiguration.PropagateSourceIdentity` of the cluster's configuration.
    public var propagatesSourceIdentity: Bool {
        // The string "true" counts as on, as RC205 and RC005 read strings (and warn about them).
        let flag = securityConfiguration?.configuration["AuthorizationConfiguration"]?["IAMConfiguration"]?["ApplicationScopedIAMRoleConfiguration"]?["PropagateSourceIdentity"]
        return flag?.bool == true || flag?.string?.lowercased() == "true"
    }

    /// `ApplicationScopedIAMRoleConfiguration.ExternalId`: EMR generates one for a security
    /// configuration with runtime roles and shows it in `describe-security-configuration`; it
    /// passes it as `sts:ExternalId` when it assumes a runtime role. Nil in an authored
    /// configuration (the ID does not exist before the configuration does).
    public var externalId: String? {
        securityConfiguration?.configuration["AuthorizationConfiguration"]?["IAMConfiguration"]?["ApplicationScopedIAMRoleConfiguration"]?["ExternalId"]?.string
    }

    /// `LakeFormationConfiguration.AuthorizedSessionTagValue`, when Lake Formation is configured.
    public var lakeFormationTag: (value: String, node: Node)? {
        guard let n = securityConfiguration?.configuration["AuthorizationConfiguration"]?["LakeFormationConfiguration"]?["AuthorizedSessionTagValue"],
              let v = n.string else { return nil }
        return (v, n)
    }
}

extension Setup {
    /// The Studio users (and domain defaults) of the run, worked out once.
    public var studioContexts: [StudioContext] {
        contextCache.withLock { cache in
            if let cache { return cache }
            let contexts = ChainBuilder.contexts(resources)
            cache = contexts
            return contexts
        }
    }

    /// The chains of the run with their hops decided, built once (rules, the graph and reports share them).
    public var chainFacts: [ChainFacts] {
        chainCache.withLock { cache in
            if let cache { return cache }
            let r = resources
            let evaluator = HopEvaluator(r)
            var facts = ChainBuilder.chains(r, contexts: studioContexts).map { chain -> ChainFacts in
                let (ipRole, profile) = r.instanceProfileRole(of: chain.cluster)
                let configs = chain.cluster.securityConfigurationName.map { name in
                    r.securityConfigurations(named: name).filter { $0.account == nil || $0.account == chain.cluster.account }
                } ?? []
                return ChainFacts(chain: chain, runtimeRole: r.role(arn: chain.runtimeRoleArn), instanceProfileRole: ipRole,
                                  instanceProfile: profile, securityConfiguration: configs.first,
                                  studioRole: chain.studio.executionRoleArn.flatMap { r.role(arn: $0) },
                                  accessRole: chain.accessRole.flatMap { r.role(arn: $0.arn) })
            }
            if let focus, focusNarrowsChains(focus) { facts = facts.filter { $0.runsThrough(focus, r) } }
            for f in facts { f.hops = evaluator.hops(f) }
            cache = facts
            return facts
        }
    }
}


extension Setup {
    /// Whether chains can be left out for a focus: not when a focused file holds what any chain
    /// may run through without naming it (a bucket policy, Lake Formation's settings, an
    /// organisation's policies, a collection manifest): then every chain is decided.
    func focusNarrowsChains(_ focus: (String) -> Bool) -> Bool {
        let global: Set<DocumentKind> = [.getBucketPolicy, .dataLakeSettings, .organizationPolicies, .collectManifest]
        if documents.contains(where: { global.contains($0.kind) && focus($0.document.file.path) }) { return false }
        if resources.bucketPolicies.contains(where: { focus($0.policy.root.document.file.path) }) { return false }
        if resources.lakeFormation.contains(where: { focus($0.node.document.file.path) }) { return false }
        return true
    }
}

extension ChainFacts {
    /// Whether the chain runs through a focused file: its Studio context and lists, its cluster,
    /// its roles (with their trust, inline, attached and boundary policies), its instance profile
    /// and its security configuration. A finding about a chain is located in one of those, so a
    /// chain that touches no focused file can only have findings that are not reported.
    func runsThrough(_ focus: (String) -> Bool, _ r: SetupResources) -> Bool {
        func hit(_ n: Node?) -> Bool { n.map { focus($0.document.file.path) } ?? false }
        let s = chain.studio
        if hit(s.node) || hit(s.preloadNode) || hit(s.executionRoleNode) || hit(s.sourceIdentityNode) { return true }
        if s.runtimeRoles.contains(where: { hit($0.list.node) }) || s.accessRoles.contains(where: { hit($0.node) }) { return true }
        if hit(chain.runtimeRoleNode) || hit(chain.accessRole?.node) || hit(chain.cluster.node) { return true }
        if hit(instanceProfile?.node) || hit(securityConfiguration?.configuration) || hit(securityConfiguration?.nameNode) { return true }
        for role in [runtimeRole, instanceProfileRole, studioRole, accessRole].compactMap({ $0 }) {
            if hit(role.node) || hit(role.trust?.root) { return true }
            if role.attachedPolicyArns.contains(where: { hit($0.node) }) { return true }
            if r.identityPolicies(of: role).policies.contains(where: { hit($0.root) }) { return true }
            if let boundary = role.boundaryArn, let m = r.managedPolicy(arn: boundary), hit(m.document.root) { return true }
        }
        return false
    }
}
