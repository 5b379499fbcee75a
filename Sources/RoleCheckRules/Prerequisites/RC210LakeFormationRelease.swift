import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC210: Lake Formation with runtime roles needs a recent enough release: table-level access
/// control from emr-6.13, row-, column- and cell-level from emr-6.15.
public struct RC210LakeFormationRelease: SetupRule {
    public let id: RuleID = .RC210
    public init() {}

    /// The runtime-role form of `LakeFormationConfiguration` (a session tag), not the older SAML
    /// integration that carried identity-provider fields.
    static func lakeFormation(_ config: SecurityConfiguration) -> Node? {
        guard let lf = config.configuration["AuthorizationConfiguration"]?["LakeFormationConfiguration"], lf.kind == .object else { return nil }
        let legacy = ["IdPMetadataS3Path", "EmrRoleForUsersARN", "LakeFormationRoleForSAMLPrincipalARN"]
        if lf["AuthorizedSessionTagValue"] == nil && legacy.contains(where: { lf[$0] != nil }) { return nil }
        return lf
    }

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        let r = setup.resources
        for cluster in r.clusters where setup.isInRuntimeRoleScope(cluster) {
            guard let label = cluster.releaseLabel, let node = cluster.releaseNode,
                  let version = EMRReleaseLabel.version(label) else { continue } // RC201 speaks
            guard version < EMRReleaseLabel.lakeFormationFineGrained else { continue }
            let configs = r.securityConfigurations(for: cluster)
            guard let (config, lf) = configs.lazy.compactMap({ c in Self.lakeFormation(c).map { (c, $0) } }).first else { continue }
            let name = config.name.map { "\"\($0)\"" } ?? ""
            let related = [RelatedLocation(location: Location(node: lf.keyNode ?? lf),
                                           message: "Lake Formation is configured in security configuration \(name)")]
            let key = cluster.id ?? cluster.arn ?? cluster.name ?? ""
            if version < EMRReleaseLabel.lakeFormationTables {
                context.report("\(cluster.label) runs \(label) with Lake Formation configured in its security configuration \(name), but Lake Formation table-level access control needs emr-6.13 or later (row-, column- and cell-level emr-6.15 or later): queries from Studio under a runtime role may not get the Lake Formation permissions you expect. Launch the cluster with emr-6.15.0 or later",
                               at: node, related: related, identity: "\(key)|tables", about: [.entity(cluster.entity), .entity(config.entity)])
            } else {
                context.report("\(cluster.label) runs \(label): Lake Formation table-level access control works, but row-, column- and cell-level filters need emr-6.15 or later; if your Lake Formation grants use data filters, launch the cluster with emr-6.15.0 or later",
                               at: node, severity: .note, related: related, identity: "\(key)|fine-grained", about: [.entity(cluster.entity), .entity(config.entity)])
            }
        }
    }
}
