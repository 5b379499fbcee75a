import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM

/// One piece of evidence that something belongs to a runtime-role setup, with where it is.
public struct ScopeEvidence: Sendable {
    /// "its security configuration analytics-rr sets EnableApplicationScopedIAMRole".
    public let reason: String
    public let node: Node?
}

/// Which clusters and security configurations are meant for runtime roles. Most clusters in
/// real repositories are reached some other way (No-Auth, Kerberos, LDAP, EMR Studio) or not
/// from Studio at all; the prerequisite rules judge only those the inputs show are meant for
/// runtime roles, or every one when the configuration requires runtime roles.
public struct RuntimeRoleScope: Sendable {
    /// The first evidence found per cluster, by the cluster's index in `SetupResources.clusters`.
    public let clusterEvidence: [ScopeEvidence?]
    /// The configuration's `setup.require-runtime-roles`.
    public let required: Bool
    /// Cluster indices by their node (document and record), to find a cluster without a search.
    let indexByNode: [NodeKey: Int]

    struct NodeKey: Hashable {
        let document: ObjectIdentifier
        let index: Int32
        init(_ node: Node) {
            document = ObjectIdentifier(node.document)
            index = node.index
        }
    }

    /// Whether the runtime-role prerequisites apply to a cluster.
    public func includes(_ index: Int) -> Bool { required || clusterEvidence[index] != nil }
}

extension ClusterResource {
    /// Whether the cluster names this security configuration (of its account, when either
    /// account is known).
    public func uses(_ config: SecurityConfiguration) -> Bool {
        guard let name = securityConfigurationName, name == config.name else { return false }
        return config.account == nil || account == nil || config.account == account
    }
}

extension SecurityConfiguration {
    /// An `AuthorizationConfiguration.IAMConfiguration` (whatever `EnableApplicationScopedIAMRole`
    /// says, even when it is missing) or a Lake Formation session tag: writing them at all shows
    /// the configuration is meant for runtime roles.
    public var mentionsRuntimeRoles: Bool {
        let authz = configuration["AuthorizationConfiguration"]
        return authz?["IAMConfiguration"] != nil || authz?["LakeFormationConfiguration"]?["AuthorizedSessionTagValue"] != nil
    }

    /// How Studio connects to a cluster with this configuration when not with runtime roles.
    public var otherAuthentication: String? {
        if configuration["AuthenticationConfiguration"]?["KerberosConfiguration"] != nil { return "Kerberos" }
        return nil
    }
}

extension Setup {
    /// Whether a policy is used only as a permissions boundary among the inputs: a boundary
    /// grants nothing, it only caps, so rules about what a policy grants do not judge it.
    public func isBoundaryOnly(_ policy: PolicyDocument) -> Bool {
        boundaryCache.withLock { cache in
            if cache == nil {
                let boundaries = Set(resources.roles.compactMap(\.boundaryArn))
                let attached = Set(resources.roles.flatMap { $0.attachedPolicyArns.map(\.arn) })
                var only: Set<ObjectIdentifier> = []
                for m in resources.managedPolicies where boundaries.contains(m.arn) && !attached.contains(m.arn) {
                    only.insert(ObjectIdentifier(m.document))
                }
                cache = only
            }
            return cache!.contains(ObjectIdentifier(policy))
        }
    }

    /// Which clusters are meant for runtime roles, worked out once.
    public var runtimeRoleScope: RuntimeRoleScope {
        scopeCache.withLock { cache in
            if let cache { return cache }
            // The statements and trusts that can be evidence, found in one pass each, and only
            // when a cluster has none of the cheaper evidence.
            var grants: [(PolicyStatement, [String])]?
            var tagTrusts: [RoleResource]?
            let found = resources.clusters.map { cluster in
                self.evidence(for: cluster, grants: {
                    if grants == nil { grants = executionRoleGrants() }
                    return grants!
                }, tagTrusts: {
                    if tagTrusts == nil {
                        tagTrusts = resources.roles.filter { role in
                            role.trust?.statements.contains { s in
                                s.effect == .allow && s.action?.values.contains { Wildcard.matches($0.text, "sts:TagSession", caseInsensitive: true) } == true
                            } == true
                        }
                    }
                    return tagTrusts!
                })
            }
            let scope = RuntimeRoleScope(clusterEvidence: found, required: requiresRuntimeRoles,
                                         indexByNode: Dictionary(resources.clusters.enumerated().map { (.init($1.node), $0) },
                                                                 uniquingKeysWith: { a, _ in a }))
            cache = scope
            return scope
        }
    }

    /// Whether the runtime-role prerequisites apply to this cluster.
    public func isInRuntimeRoleScope(_ cluster: ClusterResource) -> Bool {
        let scope = runtimeRoleScope
        guard let i = scope.indexByNode[.init(cluster.node)] else { return requiresRuntimeRoles }
        return scope.includes(i)
    }

    /// Whether the runtime-role prerequisites apply to this security configuration: it says so
    /// itself, a cluster meant for runtime roles uses it, or the configuration requires them.
    public func isInRuntimeRoleScope(_ config: SecurityConfiguration) -> Bool {
        if requiresRuntimeRoles || config.mentionsRuntimeRoles { return true }
        let scope = runtimeRoleScope
        return resources.clusters.indices.contains { i in resources.clusters[i].uses(config) && scope.includes(i) }
    }

    /// What in the inputs shows a cluster is meant for runtime roles: the first piece found, the
    /// cheapest looked at first (one is enough to judge the cluster).
    func evidence(for cluster: ClusterResource, grants: () -> [(PolicyStatement, [String])], tagTrusts: () -> [RoleResource]) -> ScopeEvidence? {
        if let config = resources.securityConfigurations(for: cluster).first(where: \.mentionsRuntimeRoles) {
            return ScopeEvidence(reason: "its security configuration \(config.name ?? "") has an IAMConfiguration for runtime roles",
                                  node: config.nameNode ?? config.configuration)
        }
        if let chain = chainFacts.first(where: { $0.chain.cluster.node.isSame(cluster.node) }) {
            return ScopeEvidence(reason: "\(chain.chain.studio.label) offers runtime roles for it", node: chain.chain.runtimeRoleNode)
        }
        if let grant = grants().first(where: { _, resources in resources.contains { Wildcard.matches($0, cluster.effectiveArn) || $0 == "*" } })?.0 {
            return ScopeEvidence(reason: "\(grant.label) grants GetClusterSessionCredentials or AddJobFlowSteps on it with an elasticmapreduce:ExecutionRoleArn condition",
                                  node: grant.node)
        }
        if let runtime = roleTrustingTagSession(from: cluster, among: tagTrusts()) {
            return ScopeEvidence(reason: "role \(runtime.name) lets its instance-profile role assume and tag sessions (a runtime role's trust)",
                                  node: runtime.trust?.root)
        }
        return nil
    }

    /// The Allow statements for runtime-role calls conditioned on the runtime role, with the
    /// resources they name.
    func executionRoleGrants() -> [(PolicyStatement, [String])] {
        let actions = ["elasticmapreduce:getclustersessioncredentials", "elasticmapreduce:addjobflowsteps"]
        var out: [(PolicyStatement, [String])] = []
        for policy in policies where policy.kind == .identity {
            for s in policy.statements where s.effect == .allow {
                guard !s.conditions.isEmpty,
                      s.conditions.contains(where: { Wildcard.asciiLowered($0.key) == "elasticmapreduce:executionrolearn" }),
                      let listed = s.action, !listed.negated,
                      listed.values.contains(where: { v in actions.contains { Wildcard.matches(v.text, $0, caseInsensitive: true) } })
                else { continue }
                out.append((s, s.resource.map { $0.negated ? ["*"] : $0.values.map(\.text) } ?? ["*"]))
            }
        }
        return out
    }

    /// A role (other than the instance-profile role) whose trust lets the cluster's instance-profile
    /// role call `sts:TagSession`: what a runtime role's trust does.
    func roleTrustingTagSession(from cluster: ClusterResource, among candidates: [RoleResource]) -> RoleResource? {
        guard !candidates.isEmpty, let ip = resources.instanceProfileRole(of: cluster).role, let ipArn = ip.effectiveArn else { return nil }
        let session = HopEvaluator.session(of: ipArn)
        for role in candidates where role !== ip {
            guard let trust = role.trust else { continue }
            let request = AccessRequest(principal: session, action: "sts:TagSession", resource: role.effectiveArn ?? "*")
            if Evaluator.evaluate(request, PolicySet(resource: trust)).resourceAllows == true { return role }
        }
        return nil
    }

    /// How Studio would reach a cluster that is not set up for runtime roles, in words.
    public func otherAccess(of cluster: ClusterResource) -> String {
        if let auth = resources.securityConfigurations(for: cluster).lazy.compactMap(\.otherAuthentication).first {
            return "its security configuration authenticates with \(auth), which Studio connects through instead"
        }
        if cluster.securityConfigurationName == nil {
            return "it has no security configuration: Studio can reach it without authentication (No-Auth) or through LDAP, not with runtime roles"
        }
        return "its security configuration does not enable runtime roles"
    }
}

/// A role the inputs use as a runtime role, and what shows it.
public struct RuntimeRoleCandidate: Sendable {
    public let role: RoleResource
    public let evidence: ScopeEvidence
}

extension Setup {
    /// Roles used as runtime roles outside any chain the inputs complete (no cluster among
    /// them, or no Studio context): named in an `elasticmapreduce:ExecutionRoleArn` condition of
    /// an Allow statement, or offered in a Studio role list. The trust checks that need no
    /// cluster apply to them.
    public var runtimeRolesOutsideChains: [RuntimeRoleCandidate] {
        let inChains = Set(chainFacts.compactMap { $0.runtimeRole.map(ObjectIdentifier.init) })
        var seen: Set<ObjectIdentifier> = []
        var out: [RuntimeRoleCandidate] = []
        func add(_ role: RoleResource, _ evidence: ScopeEvidence) {
            let id = ObjectIdentifier(role)
            guard !inChains.contains(id), seen.insert(id).inserted else { return }
            out.append(RuntimeRoleCandidate(role: role, evidence: evidence))
        }
        for policy in policies where policy.kind == .identity {
            for s in policy.statements where s.effect == .allow {
                for c in s.conditions where Wildcard.asciiLowered(c.key) == "elasticmapreduce:executionrolearn" {
                    guard let op = c.op, !op.isNegated else { continue }
                    for v in c.values where !Wildcard.hasWildcard(v.text) {
                        if let role = resources.role(arn: v.text) {
                            add(role, ScopeEvidence(reason: "\(policy.label) names it in an elasticmapreduce:ExecutionRoleArn condition", node: v.node))
                        }
                    }
                }
            }
        }
        for c in studioContexts {
            for (_, list) in c.runtimeRoles {
                for entry in list.arns {
                    if let role = resources.role(arn: entry.arn) {
                        add(role, ScopeEvidence(reason: "\(c.label) offers it as a runtime role", node: entry.node))
                    }
                }
            }
        }
        return out
    }
}
