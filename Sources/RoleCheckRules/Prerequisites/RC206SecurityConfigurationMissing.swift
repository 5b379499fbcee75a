import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC206: runtime roles live in the cluster's security configuration; a cluster without one has
/// none, and a name the setup defines twice, differently, cannot be checked.
public struct RC206SecurityConfigurationMissing: SetupRule {
    public let id: RuleID = .RC206
    public init() {}

    /// Keys EMR adds when it returns a configuration, which a definition (a template, the file
    /// passed to create-security-configuration) does not carry.
    static let generatedKeys: Set<String> = ["ExternalId"]

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        let r = setup.resources
        for cluster in r.clusters where setup.isInRuntimeRoleScope(cluster) {
            let key = cluster.id ?? cluster.arn ?? cluster.name ?? ""
            let fix = cluster.isFromTemplate
                ? "runtime roles are enabled only through a security configuration with AuthorizationConfiguration.IAMConfiguration.EnableApplicationScopedIAMRole: true: add SecurityConfiguration to the cluster in the template, naming one (deploying the change replaces the cluster)"
                : "runtime roles are enabled only through a security configuration with AuthorizationConfiguration.IAMConfiguration.EnableApplicationScopedIAMRole: true, and a cluster's security configuration is set at launch: launch a new cluster with --security-configuration naming one"
            // Configurations of the cluster's account that enable runtime roles: the one it was
            // probably meant to use.
            let candidates = r.securityConfigurations.filter { c in
                (c.account == nil || cluster.account == nil || c.account == cluster.account) && RC209InTransitEncryption.enablesRuntimeRoles(c)
            }
            let unused = candidates.prefix(3).map { c in
                RelatedLocation(location: Location(node: c.nameNode ?? c.configuration),
                                message: "security configuration \(c.name.map { "\"\($0)\"" } ?? "in \(c.source.document.file.path)") enables runtime roles, but the cluster does not use it")
            }
            guard let node = cluster.securityConfigurationNode else {
                context.report("\(cluster.label) has no SecurityConfiguration, so it has no runtime roles: Studio cannot connect to it with a runtime role; \(fix)",
                               at: cluster.node, related: Array(unused), identity: "\(key)|none", about: [.entity(cluster.entity)])
                continue
            }
            if node.isNull || node.string?.isEmpty == true {
                context.report("\(cluster.label) has an empty SecurityConfiguration, so it has no runtime roles; \(fix)",
                               at: node, related: Array(unused), identity: "\(key)|empty", about: [.entity(cluster.entity)])
                continue
            }
            guard let name = cluster.securityConfigurationName else { continue } // not a string: RC005
            let configs = r.securityConfigurations(for: cluster)
            guard configs.count > 1 else { continue } // none: RC004
            var variants: [String: SecurityConfiguration] = [:]
            var order: [String] = []
            for c in configs {
                let text = c.configuration.canonical(ignoring: Self.generatedKeys)
                if variants[text] == nil { variants[text] = c; order.append(text) }
            }
            guard order.count > 1 else { continue }
            let related = order.compactMap { variants[$0] }.map { c in
                RelatedLocation(location: Location(node: c.nameNode ?? c.configuration),
                                message: "a definition of \"\(name)\" in \(c.source.document.file.path)")
            }
            context.report("\(cluster.label) uses security configuration \"\(name)\", which the inputs define in \(order.count) different ways, so rolecheck cannot tell which one the cluster runs with (the chain checks used the first). Keep one definition per name and account (exports from different Regions belong in separate runs)",
                           at: node, related: related, identity: "\(key)|ambiguous|\(name)", about: [.entity(cluster.entity)])
        }
    }
}
