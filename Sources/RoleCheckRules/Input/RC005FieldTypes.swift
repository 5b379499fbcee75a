import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC005: a field of a security configuration or a cluster export has the wrong type or an
/// impossible value. Kept to the fields rolecheck reads; Studio's role lists are RC404's, and
/// `EnableApplicationScopedIAMRole` is RC205's. In Terraform output only the security
/// configurations are checked: the `configuration` JSON string is parsed in place and its values
/// are as untyped as a raw file's, while Terraform has already typed a cluster's attributes
/// (`release_label` a string, `applications` a list of strings, counts numbers).
public struct RC005FieldTypes: DocumentRule {
    public let id: RuleID = .RC005
    public let kinds: Set<DocumentKind> = [.securityConfiguration, .describeSecurityConfiguration, .describeCluster, .terraformJSON]

    public init() {}

    public func check(_ document: ClassifiedDocument, in setup: Setup, _ context: inout RuleContext) {
        switch document.kind {
        case .describeCluster:
            if let cluster = document.root["Cluster"] { checkCluster(cluster, &context) }
        default:
            // A security configuration document, or each aws_emr_security_configuration of a
            // Terraform document.
            for config in setup.securityConfigurations(in: document) { checkSecurityConfiguration(config.configuration, &context) }
        }
    }

    // MARK: Security configuration

    /// Sections that must be objects (AuthorizationConfiguration and IAMConfiguration: RC205).
    static let sections: [[String]] = [
        ["EncryptionConfiguration"], ["AuthenticationConfiguration"], ["InstanceMetadataServiceConfiguration"],
        ["EncryptionConfiguration", "InTransitEncryptionConfiguration"],
        ["AuthorizationConfiguration", "IAMConfiguration", "ApplicationScopedIAMRoleConfiguration"],
        ["AuthorizationConfiguration", "LakeFormationConfiguration"],
    ]

    /// Booleans of a security configuration (EnableApplicationScopedIAMRole: RC205).
    static let booleans: [[String]] = [
        ["EncryptionConfiguration", "EnableInTransitEncryption"],
        ["EncryptionConfiguration", "EnableAtRestEncryption"],
        ["AuthorizationConfiguration", "IAMConfiguration", "ApplicationScopedIAMRoleConfiguration", "PropagateSourceIdentity"],
    ]

    static func walk(_ root: Node, _ path: [String]) -> Node? {
        var cur: Node? = root
        for key in path {
            guard let c = cur, c.kind == .object else { return nil }
            cur = c[key]
        }
        return cur
    }

    func checkSecurityConfiguration(_ root: Node, _ context: inout RuleContext) {
        for path in Self.sections {
            guard let node = Self.walk(root, path), node.kind != .object else { continue }
            context.report("\(path.last!) is \(node.describedValue), but EMR reads it as an object of settings; write it as an object (\(path.joined(separator: ".")): {…}) or remove it",
                           at: node, identity: path.joined(separator: "."))
        }
        for path in Self.booleans {
            guard let node = Self.walk(root, path), node.kind != .bool else { continue }
            let name = path.last!
            if let text = node.string, ["true", "false"].contains(text.lowercased()) {
                context.report("\(name) is the string \"\(text)\", not the boolean \(text.lowercased()) that EMR documents; write \(text.lowercased()) without quotes (one AWS example writes these flags as strings, so EMR may accept it, but a boolean leaves no doubt)",
                               at: node, severity: .warning)
            } else {
                context.report("\(name) must be a boolean (true or false), but it is \(node.describedValue); EMR rejects the configuration or reads the setting as off",
                               at: node)
            }
        }
        if let tag = Self.walk(root, ["AuthorizationConfiguration", "LakeFormationConfiguration", "AuthorizedSessionTagValue"]),
           tag.kind != .string {
            context.report("AuthorizedSessionTagValue must be a string (Lake Formation expects \"Amazon EMR\"), but it is \(tag.describedValue)",
                           at: tag)
        }
    }

    // MARK: Cluster

    func checkCluster(_ c: Node, _ context: inout RuleContext) {
        guard c.kind == .object else { return }
        if let n = c["ReleaseLabel"], !n.isNull, n.kind != .string {
            context.report("ReleaseLabel must be a string such as \"emr-6.15.0\", but it is \(n.describedValue)", at: n)
        }
        if let n = c["SecurityConfiguration"], !n.isNull, n.kind != .string {
            let hint = n.kind == .object
                ? "; a cluster names its security configuration, whose contents are a separate document (describe-security-configuration)"
                : ""
            context.report("the cluster's SecurityConfiguration must be the name of a security configuration (a string), but it is \(n.describedValue)\(hint)",
                           at: n, identity: "SecurityConfiguration")
        }
        if let n = c["Ec2InstanceAttributes"]?["IamInstanceProfile"], !n.isNull, n.kind != .string {
            context.report("Ec2InstanceAttributes.IamInstanceProfile must be the instance profile's name or ARN (a string), but it is \(n.describedValue)",
                           at: n, identity: "IamInstanceProfile")
        }
        checkApplications(c["Applications"], &context)
        for g in c["InstanceGroups"]?.elements ?? [] {
            for field in ["RequestedInstanceCount", "RunningInstanceCount"] { checkCount(g[field], field, &context) }
        }
        for f in c["InstanceFleets"]?.elements ?? [] {
            for field in ["TargetOnDemandCapacity", "TargetSpotCapacity", "ProvisionedOnDemandCapacity", "ProvisionedSpotCapacity"] {
                checkCount(f[field], field, &context)
            }
        }
    }

    func checkApplications(_ apps: Node?, _ context: inout RuleContext) {
        guard let apps, !apps.isNull else { return }
        guard apps.kind == .array else {
            context.report("Applications must be a list of objects such as {\"Name\": \"Livy\"}, but it is \(apps.describedValue)",
                           at: apps, identity: "Applications")
            return
        }
        for (i, app) in apps.elements.enumerated() {
            guard app.kind == .object else {
                let hint = app.kind == .string ? "; write {\"Name\": \"\(app.string ?? "")\"}" : ""
                context.report("Applications entry \(i + 1) is \(app.describedValue), not an object with a Name\(hint)",
                               at: app, identity: "Applications|\(i)")
                continue
            }
            guard let name = app["Name"] else {
                context.report("Applications entry \(i + 1) has no Name, so rolecheck cannot tell which application it is; add its Name (such as \"Livy\")",
                               at: app, identity: "Applications|\(i)")
                continue
            }
            if name.kind != .string || name.string?.isEmpty == true {
                context.report("the Name of Applications entry \(i + 1) must be an application name such as \"Livy\", but it is \(name.describedValue)",
                               at: name, identity: "Applications|\(i)")
            }
        }
    }

    func checkCount(_ node: Node?, _ field: String, _ context: inout RuleContext) {
        guard let node, !node.isNull else { return }
        guard let v = node.number else {
            context.report("\(field) must be a number, but it is \(node.describedValue); rolecheck cannot count the cluster's nodes",
                           at: node, identity: field)
            return
        }
        if !v.isFinite || v < 0 || v.rounded() != v {
            context.report("\(field) is \(node.scalarText ?? ""), which no instance count can be (a whole number, 0 or more)",
                           at: node, identity: field)
        }
    }
}
