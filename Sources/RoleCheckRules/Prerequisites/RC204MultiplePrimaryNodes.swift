import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC204: EMR does not support runtime roles on highly available clusters (several primary nodes).
public struct RC204MultiplePrimaryNodes: SetupRule {
    public let id: RuleID = .RC204
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        for cluster in setup.resources.clusters where setup.isInRuntimeRoleScope(cluster) {
            guard let (count, node, what) = Self.primaryNodes(cluster), count > 1 else { continue }
            context.report("\(cluster.label) has \(count) primary nodes (\(what)): it is a highly available cluster, and EMR does not support runtime roles on those, so Studio cannot connect with a runtime role. \(cluster.launchFix(template: "Set a single primary node", export: "Launch a new cluster with a single primary node"))",
                           at: node, identity: "\(cluster.id ?? cluster.arn ?? cluster.name ?? "")|\(count)", about: [.entity(cluster.entity)])
        }
    }

    /// The primary-node count the export shows (the AWS CLI adds instance groups or fleets to
    /// describe-cluster; the raw API does not), with the node that says it. Falls back to the
    /// model's count for inputs read elsewhere.
    static func primaryNodes(_ cluster: ClusterResource) -> (Int, Node, String)? {
        var found: (Int, Node, String)?
        for g in cluster.node["InstanceGroups"]?.elements ?? [] where g["InstanceGroupType"]?.string == "MASTER" {
            for field in ["RequestedInstanceCount", "RunningInstanceCount"] {
                if let n = g[field], let v = n.number, v.isFinite {
                    found = (Int(v), n, "its MASTER instance group's \(field) is \(Int(v))")
                    break
                }
            }
        }
        for f in cluster.node["InstanceFleets"]?.elements ?? [] where f["InstanceFleetType"]?.string == "MASTER" {
            var total = 0.0
            var largest: (Double, Node)?
            for field in ["TargetOnDemandCapacity", "TargetSpotCapacity"] {
                guard let n = f[field], let v = n.number, v.isFinite else { continue }
                total += v
                if largest == nil || v > largest!.0 { largest = (v, n) }
            }
            if let largest { found = (Int(total), largest.1, "its MASTER instance fleet has a target capacity of \(Int(total))") }
        }
        if found == nil, let count = cluster.primaryNodeCount, let node = cluster.primaryNodeCountNode {
            found = (count, node, "as the input states")
        }
        return found
    }
}
