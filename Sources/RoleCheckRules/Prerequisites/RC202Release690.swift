import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC202: `emr-6.9.0` works with Studio only with the patch its release notes document.
public struct RC202Release690: SetupRule {
    public let id: RuleID = .RC202
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        for cluster in setup.resources.clusters where setup.isInRuntimeRoleScope(cluster) {
            guard let label = cluster.releaseLabel, let node = cluster.releaseNode,
                  EMRReleaseLabel.version(label) == EMRReleaseLabel.studioMinimum else { continue }
            var related: [RelatedLocation] = []
            var patchNote = ""
            if !cluster.bootstrapActions.isEmpty, let actions = cluster.bootstrapActionsNode {
                related.append(RelatedLocation(location: Location(node: actions),
                                               message: "the cluster's bootstrap actions (rolecheck cannot tell whether one of them is the patch)"))
                patchNote = " If one of this cluster's bootstrap actions applies that patch, this warning can be suppressed."
            }
            context.report("\(cluster.label) runs \(label): with this release, connections from SageMaker Studio can fail intermittently unless the patch that the emr-6.9.0 release notes describe is applied with a bootstrap action. Launch clusters with emr-6.10.0 or later, or apply the patch.\(patchNote)",
                           at: node, related: related, about: [.entity(cluster.entity)])
        }
    }
}
