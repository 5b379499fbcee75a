import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC212: a cluster (or a security configuration no cluster among the inputs uses) that nothing
/// shows is meant for runtime roles: the runtime-role prerequisites were not applied to it.
public struct RC212NotSetUpForRuntimeRoles: SetupRule {
    public let id: RuleID = .RC212
    public init() {}

    static let evidence = "no security configuration with an IAMConfiguration, no Studio role list offering runtime roles for its account, no grant of GetClusterSessionCredentials or AddJobFlowSteps with an elasticmapreduce:ExecutionRoleArn condition on it, no role whose trust lets its instance-profile role tag sessions"

    /// A security configuration the input sets but whose name is not known (Terraform after
    /// apply, an unresolved CloudFormation value): whether the cluster is meant for runtime roles
    /// cannot be told, so nothing is said.
    static func configurationUnknown(_ cluster: ClusterResource) -> Bool {
        guard cluster.securityConfigurationName == nil, let node = cluster.securityConfigurationNode else { return false }
        return !(node.isNull || node.string?.isEmpty == true)
    }

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        let r = setup.resources
        for cluster in r.clusters where !setup.isInRuntimeRoleScope(cluster) && !Self.configurationUnknown(cluster) {
            context.report("\(cluster.label) is not set up for runtime roles, so the runtime-role prerequisites (release, applications, primary nodes, security configuration) were not applied to it: nothing among the inputs uses it with runtime roles (\(Self.evidence)); \(setup.otherAccess(of: cluster)). If it should use runtime roles, give it a security configuration that enables them and offer its runtime roles in Studio; to judge every cluster as a runtime-role cluster, set setup.require-runtime-roles: true in rolecheck.yaml",
                           at: cluster.node, identity: "cluster|\(cluster.effectiveArn)", about: [.entity(cluster.entity)])
        }
        for config in r.securityConfigurations where !setup.isInRuntimeRoleScope(config) {
            // A configuration a cluster among the inputs uses is covered by that cluster's note.
            guard !r.clusters.contains(where: { $0.uses(config) }) else { continue }
            let name = config.name.map { "security configuration \"\($0)\"" } ?? "this security configuration"
            let auth = config.otherAuthentication.map { "; it authenticates with \($0), which Studio connects through instead" } ?? ""
            context.report("\(name) does not enable runtime roles, and nothing among the inputs uses it for them (it has no IAMConfiguration, and no cluster among the inputs names it)\(auth), so it was not judged as a runtime-role configuration (RC205). If it is meant for runtime roles, add AuthorizationConfiguration.IAMConfiguration.EnableApplicationScopedIAMRole: true",
                           at: config.configuration, identity: "security-configuration|\(config.name ?? "")", about: [.entity(config.entity)])
        }
    }
}
