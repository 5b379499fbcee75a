import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC211: Studio discovers and connects to EMR clusters only from private spaces.
public struct RC211SharedSpace: SetupRule {
    public let id: RuleID = .RC211
    public init() {}

    /// Apps that connect to EMR (JupyterLab; JupyterServer for Studio Classic's shared spaces).
    static let emrApps: Set<String> = ["JupyterLab", "JupyterServer"]

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        let r = setup.resources
        guard r.usesEMR else { return }
        for space in r.spaces {
            guard let sharing = space.sharingType, sharing.lowercased() == "shared", let node = space.sharingTypeNode else { continue }
            if let app = space.appType, !Self.emrApps.contains(app) { continue }
            var related: [RelatedLocation] = []
            if let domain = r.domains.first(where: { $0.id == space.domainId }),
               let emr = domain.defaults.executionRoles?.node ?? domain.defaults.assumableRoles?.node {
                related.append(RelatedLocation(location: Location(node: emr), message: "domain \(domain.id) preloads EMR roles here"))
            } else if let cluster = r.clusters.first {
                related.append(RelatedLocation(location: Location(node: cluster.node), message: cluster.label))
            }
            let app = space.appType ?? "JupyterLab"
            context.report("space \(space.name) of domain \(space.domainId) is shared (SharingType \(sharing)); Studio discovers and connects to EMR clusters only from \(app) apps in private spaces, and a shared space does not pass the user's identity on. Run the notebooks that use EMR in a private space (create-space with SpaceSharingSettings.SharingType Private and OwnershipSettings.OwnerUserProfileName)",
                           at: node, related: related, identity: "\(space.domainId)|\(space.name)", about: setup.studioSubjects(ofDomain: space.domainId))
        }
    }
}
