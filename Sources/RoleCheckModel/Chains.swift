import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM

/// The documented arrangements of Studio, cluster, runtime role and data.
public enum ConnectionOption: String, Sendable, CaseIterable {
    /// Studio, cluster, runtime role and data in one account.
    case sameAccount = "same account"
    /// Cluster and runtime role in another account, reached through an access role there.
    case option1 = "option 1"
    /// Cluster and runtime role in the Studio account, data in another account (bucket policy).
    case option2 = "option 2"
    /// Cluster in the Studio account, runtime role in another account.
    case option3 = "option 3"

    public var explanation: String {
        switch self {
        case .sameAccount: "Studio, cluster and runtime role in one account"
        case .option1: "cluster and runtime role in another account, reached through an EMR access role there"
        case .option2: "cluster and runtime role in the Studio account, data in another account through its bucket policy"
        case .option3: "cluster in the Studio account, runtime role in another account"
        }
    }
}

/// One Studio user (or a domain's defaults) and how it reaches EMR.
public struct StudioContext: Sendable {
    public let app: StudioApp
    /// "user profile alice of domain d-abc (JupyterLab)".
    public let label: String
    public let account: String?
    public let executionRoleArn: String?
    public let executionRoleNode: Node?
    /// Runtime roles offered, by cluster account (Studio Classic's configuration file), or one
    /// list for every cluster (JupyterLab's `EmrSettings.ExecutionRoleArns`, account nil).
    public let runtimeRoles: [(clusterAccount: String?, list: RoleList)]
    /// Access roles by account (discovery file or `EmrSettings.AssumableRoleArns`).
    public let accessRoles: [(account: String, arn: String, node: Node)]
    /// Where the preloaded runtime roles are (or belong): for a missing list, the settings object.
    public let preloadNode: Node
    /// `ExecutionRoleIdentityConfig` is `USER_PROFILE_NAME`: Studio sets the source identity.
    public let propagatesSourceIdentity: Bool
    public let sourceIdentityNode: Node?
    public let node: Node
    /// The SageMaker domain the context belongs to, when known.
    public var domainId: String? = nil
}

/// One path a Studio user takes: this context, this cluster, this runtime role.
public struct Chain: Sendable {
    public let studio: StudioContext
    public let cluster: ClusterResource
    public let runtimeRoleArn: String
    /// The runtime role's entry in the preloaded list.
    public let runtimeRoleNode: Node
    public let option: ConnectionOption
    /// For option 1: the access role Studio assumes in the cluster's account.
    public let accessRole: (arn: String, node: Node)?

    /// "Studio (user profile alice …) → cluster j-… → runtime role emr-runtime-analyst".
    public var label: String {
        "\(studio.label) → \(cluster.label) → runtime role \(StatementMatcher.roleName(runtimeRoleArn))"
    }
}

extension StatementMatcher {
    package static func roleName(_ arn: String) -> String {
        ARN.lastPathComponent(arn).map(String.init) ?? arn
    }
}

/// Works out the Studio contexts and the chains the setup makes reachable.
public enum ChainBuilder {
    public static func contexts(_ r: SetupResources) -> [StudioContext] {
        var out: [StudioContext] = []
        let domainsById = Dictionary(r.domains.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var covered: Set<String> = []
        for profile in r.userProfiles {
            let domain = domainsById[profile.domainId]
            covered.insert(profile.domainId)
            out.append(context(settings: profile.settings, defaults: domain?.defaults, domain: domain,
                               label: "user profile \(profile.name) of domain \(profile.domainId)",
                               account: profile.account ?? domain?.account, node: profile.node, r))
        }
        for domain in r.domains where !covered.contains(domain.id) {
            out.append(context(settings: domain.defaults, defaults: nil, domain: domain,
                               label: "the default user settings of domain \(domain.id)",
                               account: domain.account, node: domain.node, r))
        }
        // Studio Classic files without a domain or profile among the inputs.
        if out.isEmpty {
            for config in r.classicRoleConfigs {
                let discovery = r.classicDiscoveryConfigs.first { $0.account == config.account }
                out.append(StudioContext(
                    app: .classic, label: "the Studio Classic configuration \(config.source.document.file.path)",
                    account: config.account, executionRoleArn: nil, executionRoleNode: nil,
                    runtimeRoles: config.rolesByAccount.map { ($0.account, $0.roles) },
                    accessRoles: discovery?.accessRoles.map { ($0.account, $0.arn, $0.node) } ?? [],
                    preloadNode: config.node, propagatesSourceIdentity: false, sourceIdentityNode: nil, node: config.node))
            }
        }
        return out
    }

    package static func context(settings: StudioSettings, defaults: StudioSettings?, domain: StudioDomainResource?, label: String,
                        account: String?, node: Node, _ r: SetupResources) -> StudioContext {
        let portal = settings.studioWebPortal ?? defaults?.studioWebPortal
        // The JupyterLab extension uses the profile's EmrSettings, and the domain's only when
        // both of the profile's lists are empty (no merge).
        let profileHasLists = !(settings.executionRoles?.isEmpty ?? true) || !(settings.assumableRoles?.isEmpty ?? true)
        let execution = profileHasLists ? settings.executionRoles : (defaults?.executionRoles ?? settings.executionRoles)
        let assumable = profileHasLists ? settings.assumableRoles : (defaults?.assumableRoles ?? settings.assumableRoles)
        let hasEmrSettings = execution != nil || assumable != nil
        // A Classic file belongs to this Studio when it is in the same account, or when either
        // account is unknown and it is the only one.
        let classicConfig = r.classicRoleConfigs.first { $0.account != nil && $0.account == account }
            ?? (r.classicRoleConfigs.count == 1 && (account == nil || r.classicRoleConfigs[0].account == nil) ? r.classicRoleConfigs[0] : nil)
        let app: StudioApp = portal == "ENABLED" || (hasEmrSettings && classicConfig == nil) ? .jupyterLab : .classic
        let executionRole = settings.executionRole ?? defaults?.executionRole
        let executionRoleNode = settings.executionRoleNode ?? defaults?.executionRoleNode
        let propagates = domain?.executionRoleIdentityConfig == "USER_PROFILE_NAME"
        let fullLabel = "\(label) (\(app.rawValue))"
        switch app {
        case .jupyterLab:
            let accessRoles = (assumable?.arns ?? []).map { ($0.arn, $0.node) }.compactMap { arn, n -> (String, String, Node)? in
                guard let a = ARN(arn)?.account else { return nil }
                return (a, arn, n)
            }
            return StudioContext(app: .jupyterLab, label: fullLabel, account: account, executionRoleArn: executionRole,
                                 executionRoleNode: executionRoleNode,
                                 runtimeRoles: execution.map { [(nil, $0)] } ?? [], accessRoles: accessRoles,
                                 preloadNode: execution?.node ?? emrSettingsNode(assumable: assumable, node) ?? node, propagatesSourceIdentity: propagates,
                                 sourceIdentityNode: domain?.executionRoleIdentityConfigNode, node: node, domainId: domain?.id)
        case .classic:
            let discovery = r.classicDiscoveryConfigs.first { $0.account != nil && $0.account == account }
                ?? (r.classicDiscoveryConfigs.count == 1 && (account == nil || r.classicDiscoveryConfigs[0].account == nil) ? r.classicDiscoveryConfigs[0] : nil)
            return StudioContext(app: .classic, label: fullLabel, account: account, executionRoleArn: executionRole,
                                 executionRoleNode: executionRoleNode,
                                 runtimeRoles: classicConfig?.rolesByAccount.map { ($0.account, $0.roles) } ?? [],
                                 accessRoles: discovery?.accessRoles.map { ($0.account, $0.arn, $0.node) } ?? [],
                                 preloadNode: classicConfig?.node ?? node, propagatesSourceIdentity: propagates,
                                 sourceIdentityNode: domain?.executionRoleIdentityConfigNode, node: node, domainId: domain?.id)
        }
    }

    /// Where `EmrSettings.ExecutionRoleArns` belongs when there is none: the `EmrSettings` that
    /// holds the assumable roles, else the JupyterLab (or user) settings of the profile or domain.
    static func emrSettingsNode(assumable: RoleList?, _ node: Node) -> Node? {
        if let parent = assumable?.node.parent { return parent }
        for key in ["UserSettings", "DefaultUserSettings"] {
            if let s = node[key] { return s["JupyterLabAppSettings"]?["EmrSettings"] ?? s["JupyterLabAppSettings"] ?? s }
        }
        return nil
    }

    /// The Studio account: the execution role's, else the context's folder.
    package static func studioAccount(_ c: StudioContext) -> String? {
        c.executionRoleArn.flatMap { ARN($0)?.account } ?? c.account
    }

    /// The runtime roles a context offers for a cluster, as its app shows them.
    public static func offered(_ c: StudioContext, for cluster: ClusterResource) -> [(arn: String, node: Node)] {
        var out: [(arn: String, node: Node)] = []
        for (clusterAccount, list) in c.runtimeRoles {
            // An entry that is not a role ARN (an instance profile's, a typo) is RC404's; it
            // starts no chain.
            let roles = list.arns.filter { isRoleArn($0.arn) }
            if let clusterAccount {
                if clusterAccount == cluster.account { out.append(contentsOf: roles) }
            } else {
                // JupyterLab lists every role once; the UI offers those of the cluster's account.
                out.append(contentsOf: roles.filter { ARN($0.arn)?.account == cluster.account })
            }
        }
        return out
    }

    static func isRoleArn(_ text: String) -> Bool {
        guard let arn = ARN(text) else { return false }
        return arn.service == "iam" && arn.resource.hasPrefix("role/")
    }

    /// The runtime roles a chain may use with a cluster: those the app offers and, in the
    /// JupyterLab app, for a cluster of the Studio account, the listed roles of accounts where no
    /// reachable cluster is (option 3: the UI does not offer them, which RC406 reports, but the
    /// `%sm_analytics` command accepts them, so their hops are still worth checking).
    public static func usable(_ c: StudioContext, for cluster: ClusterResource, clusters: [ClusterResource]) -> [(arn: String, node: Node)] {
        var out = offered(c, for: cluster)
        guard c.app == .jupyterLab, let own = studioAccount(c), cluster.account == own else { return out }
        let clusterAccounts = Set(reachable(c, clusters).compactMap(\.account))
        for (account, list) in c.runtimeRoles where account == nil {
            for entry in list.arns where isRoleArn(entry.arn) {
                if let a = ARN(entry.arn)?.account, a != own, !clusterAccounts.contains(a) { out.append(entry) }
            }
        }
        return out
    }

    /// Clusters a context can reach: in its own account, or in an account it has an access role for.
    public static func reachable(_ c: StudioContext, _ clusters: [ClusterResource]) -> [ClusterResource] {
        let own = studioAccount(c)
        var remote = Set(c.accessRoles.map(\.account))
        for (account, list) in c.runtimeRoles {
            if let account { remote.insert(account) } else {
                // JupyterLab: the accounts of the listed runtime roles.
                for entry in list.arns { if let a = ARN(entry.arn)?.account { remote.insert(a) } }
            }
        }
        return clusters.filter { cl in
            guard let a = cl.account else { return true }
            return a == own || remote.contains(a)
        }
    }

    public static func chains(_ r: SetupResources, contexts given: [StudioContext]? = nil) -> [Chain] {
        var out: [Chain] = []
        for c in given ?? contexts(r) {
            let own = studioAccount(c)
            for cluster in reachable(c, r.clusters) {
                let crossCluster = cluster.account != nil && own != nil && cluster.account != own
                let access = crossCluster ? c.accessRoles.first { $0.account == cluster.account }.map { ($0.arn, $0.node) } : nil
                for (arn, node) in usable(c, for: cluster, clusters: r.clusters) {
                    let roleAccount = ARN(arn)?.account
                    let option: ConnectionOption
                    if crossCluster {
                        option = .option1
                    } else if let roleAccount, let own, roleAccount != own {
                        option = .option3
                    } else if dataInOtherAccount(runtimeRole: arn, studioAccount: own, r) {
                        option = .option2
                    } else {
                        option = .sameAccount
                    }
                    out.append(Chain(studio: c, cluster: cluster, runtimeRoleArn: arn, runtimeRoleNode: node, option: option,
                                     accessRole: access))
                }
            }
        }
        return out
    }

    /// Whether the runtime role reads S3 buckets whose policies live in another account.
    static func dataInOtherAccount(runtimeRole arn: String, studioAccount: String?, _ r: SetupResources) -> Bool {
        guard let role = r.role(arn: arn) else { return false }
        return !buckets(usedBy: role, r).filter { bucket in
            r.bucketPolicy(for: bucket).map { $0.account != nil && $0.account != studioAccount } ?? false
        }.isEmpty
    }

    /// Buckets a role's identity policies name in S3 statements.
    public static func buckets(usedBy role: RoleResource, _ r: SetupResources) -> [String] {
        var out: [String] = []
        for p in r.identityPolicies(of: role).policies {
            for s in p.statements where s.effect == .allow {
                guard s.action?.values.contains(where: { Wildcard.asciiLowered($0.text).hasPrefix("s3:") || $0.text == "*" }) == true else { continue }
                for v in s.resource?.values ?? [] {
                    guard let a = ARN(v.text), a.service == "s3" else { continue }
                    let b = String(a.resource.prefix { $0 != "/" })
                    if !b.isEmpty, !Wildcard.hasWildcard(b), !out.contains(b) { out.append(b) }
                }
            }
        }
        return out
    }
}
