import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC201: SageMaker Studio connects to a cluster with runtime roles only from release `emr-6.9.0`
/// on; a cluster without a release label predates release labels (AMI versions, before 4.0).
public struct RC201ReleaseTooOld: SetupRule {
    public let id: RuleID = .RC201
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        let minimum = EMRReleaseLabel.studioMinimum
        for cluster in setup.resources.clusters where setup.isInRuntimeRoleScope(cluster) {
            let key = cluster.id ?? cluster.arn ?? cluster.name ?? ""
            guard let node = cluster.releaseNode, !node.isNull else {
                // No ReleaseLabel: an AMI-version cluster (EMR before 4.0), or an incomplete export.
                if let ami = cluster.node["RequestedAmiVersion"] ?? cluster.node["RunningAmiVersion"], let v = ami.scalarText {
                    context.report("\(cluster.label) runs AMI version \(v) (EMR before release 4.0, which has no release label); SageMaker Studio connects with runtime roles only to emr-6.9.0 or later (emr-6.10.0 or later avoids the emr-6.9.0 known issue): launch a new cluster with ReleaseLabel emr-6.10.0 or later",
                                   at: ami, identity: "\(key)|ami", about: [.entity(cluster.entity)])
                } else {
                    context.report("\(cluster.label) has no ReleaseLabel, so its release cannot be shown to be emr-6.9.0 or later, the first release SageMaker Studio connects to with runtime roles: add the cluster's ReleaseLabel (describe-cluster returns it for every release since 4.0), and launch clusters with emr-6.10.0 or later",
                                   at: cluster.node, identity: "\(key)|no-release", about: [.entity(cluster.entity)])
                }
                continue
            }
            // The values a template's parameter allows besides its default, when the default
            // itself is unknown or new enough (an old default is the error below).
            if cluster.releaseLabel.flatMap(EMRReleaseLabel.version).map({ $0 >= minimum }) ?? true {
                checkAllowedValues(cluster, minimum, &context)
            }
            guard let label = cluster.releaseLabel else { continue } // not a string: RC005
            guard let version = EMRReleaseLabel.version(label) else {
                context.report("\(cluster.label) has ReleaseLabel \"\(label)\", which is not of the form emr-x.y.z, so rolecheck cannot tell whether it is emr-6.9.0 or later (the first release SageMaker Studio connects to with runtime roles); write the label as EMR returns it, such as emr-6.15.0",
                               at: node, severity: .warning, about: [.entity(cluster.entity)])
                continue
            }
            if version < minimum {
                context.report("\(cluster.label) runs \(label), older than emr-6.9.0: SageMaker Studio connects to EMR with runtime roles only from emr-6.9.0 on (and EMR steps only from emr-6.7.0), so Studio cannot use this cluster's runtime roles; \(cluster.launchFix(template: "set ReleaseLabel to emr-6.10.0 or later", export: "a cluster's release cannot be changed: launch a new cluster with emr-6.10.0 or later"))",
                               at: node, about: [.entity(cluster.entity)])
            }
        }
    }

    /// A template's `ReleaseLabel` given by a parameter with `AllowedValues`: the values other than
    /// the default (which the checks above judge) may be chosen at launch. All of them too old,
    /// with no default: an error, as every stack fails. Some of them: a warning at those values.
    func checkAllowedValues(_ cluster: ClusterResource, _ minimum: DottedVersion, _ context: inout RuleContext) {
        guard let parameter = cluster.releaseParameter, !cluster.releaseAlternatives.isEmpty else { return }
        let old = cluster.releaseAlternatives.filter { EMRReleaseLabel.version($0.label).map { $0 < minimum } ?? false }
        guard let first = old.first else { return }
        let key = cluster.id ?? cluster.arn ?? cluster.name ?? ""
        let names = old.map(\.label).joined(separator: ", ")
        let related = old.dropFirst().map { RelatedLocation(location: Location(node: $0.node), message: "also allowed: \($0.label)") }
            + (cluster.releaseNode.map { [RelatedLocation(location: Location(node: $0), message: "\(cluster.label) takes its ReleaseLabel from parameter \(parameter)")] } ?? [])
        if cluster.releaseLabel == nil && old.count == cluster.releaseAlternatives.count {
            context.report("every ReleaseLabel that parameter \(parameter) allows for \(cluster.label) (\(names)) is older than emr-6.9.0, the first release SageMaker Studio connects to with runtime roles: no stack launched from this template can be used by Studio with runtime roles. Allow emr-6.10.0 or later in AllowedValues",
                           at: first.node, related: related, identity: "\(key)|allowed-all", about: [.entity(cluster.entity)])
        } else {
            let given = cluster.releaseLabel.map { "its default \($0) is fine, but " } ?? ""
            context.report("parameter \(parameter), which gives \(cluster.label) its ReleaseLabel, allows \(names), older than emr-6.9.0: \(given)a stack launched with \(old.count == 1 ? "that value" : "one of those values") has a cluster SageMaker Studio cannot use with runtime roles. Remove \(old.count == 1 ? "it" : "them") from AllowedValues",
                           at: first.node, severity: .warning, related: related, identity: "\(key)|allowed", about: [.entity(cluster.entity)])
        }
    }
}
