import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC203: Studio reaches a runtime-role cluster through Livy (Spark), Hive or Presto; its Spark
/// kernels go through Livy.
public struct RC203StudioApplications: SetupRule {
    public let id: RuleID = .RC203
    public init() {}

    static let connectable = ["livy", "hive", "presto"]

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        for cluster in setup.resources.clusters where setup.isInRuntimeRoleScope(cluster) {
            let key = cluster.id ?? cluster.arn ?? cluster.name ?? ""
            guard let appsNode = cluster.applicationsNode else {
                context.report("\(cluster.label) shows no Applications, so rolecheck cannot tell whether it has Livy, Hive or Presto, one of which SageMaker Studio connects through; \(cluster.launchFix(template: "add Applications with Livy and Spark", export: "include the cluster's Applications (describe-cluster returns them), or launch a new cluster with Livy and Spark"))",
                               at: cluster.node, severity: .warning, identity: "\(key)|no-applications", about: [.entity(cluster.entity)])
                continue
            }
            guard appsNode.kind == .array else { continue } // RC005
            let names = cluster.applications.map(\.name)
            let lower = Set(names.map { $0.lowercased() })
            if lower.isDisjoint(with: Self.connectable), !cluster.applicationsDependOn.isEmpty {
                // Applications chosen by a template condition: not known until deploy.
                let conditions = cluster.applicationsDependOn.map { "condition \($0)" }.joined(separator: ", ")
                context.report("\(cluster.label)'s Applications depend on \(conditions), which the template does not decide (a parameter chosen at deploy): whether it gets Livy, Hive or Presto, one of which SageMaker Studio connects through, is known only then\(names.isEmpty ? "" : " (every choice installs \(names.joined(separator: ", ")))"); make sure the choices Studio users deploy include Livy",
                               at: appsNode, severity: .note, identity: "\(key)|depends", about: [.entity(cluster.entity)])
            } else if lower.isDisjoint(with: Self.connectable) {
                let present = names.isEmpty ? "no applications" : "only \(names.joined(separator: ", "))"
                let trino = lower.contains("trino") || lower.contains("prestosql")
                    ? " Trino (PrestoSQL) does not count: EMR and SageMaker document runtime roles for Presto, not Trino." : ""
                context.report("\(cluster.label) has \(present), none of Livy, Hive or Presto, which SageMaker Studio connects through with runtime roles; Studio can list the cluster but cannot run anything on it.\(trino) \(cluster.launchFix(template: "Add Livy (with Spark) to Applications", export: "Applications are chosen at launch: launch a new cluster with Livy and Spark"))",
                               at: appsNode, identity: "\(key)|none", about: [.entity(cluster.entity)])
            } else if let spark = cluster.applications.first(where: { $0.name.lowercased() == "spark" }), !lower.contains("livy") {
                context.report("\(cluster.label) has Spark but not Livy: SageMaker Studio's Spark kernels (SparkMagic, PySpark) reach the cluster through Livy, so only Hive or Presto queries will work from Studio. \(cluster.launchFix(template: "Add Livy to Applications", export: "Applications are chosen at launch: launch a new cluster with Livy"))",
                               at: appsNode, severity: .warning,
                               related: [RelatedLocation(location: Location(node: spark.node), message: "Spark is installed")],
                               identity: "\(key)|spark-without-livy", about: [.entity(cluster.entity)])
            }
        }
    }
}
