import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM

/// `terraform show -json` output (state and plan): the same typed resources as the AWS CLI
/// exports, read from the resources' attribute values (`TerraformDocument`).
///
/// Terraform writes policies and security configurations as JSON strings; they are parsed in
/// place, so findings point at the characters inside the string. Each resource's address names
/// it in labels ("trust policy of role x (module.emr.aws_iam_role.runtime)").
///
/// Accounts come from ARNs, else from the document's account folder or configured path
/// (`accountOf`), else are unknown.
///
/// In a plan, a value known only after apply is unknown, never an error. Where the
/// configuration's `references` name the resource of the same module it comes from, it is worked
/// out from that resource (a role's ARN from the account, its path and name; a profile's or
/// security configuration's name) and located at that expression. Otherwise it is left out so
/// that no rule judges it:
/// - an identifier (a role's ARN, a cluster's or domain's ID) is left out, or replaced by the
///   resource's address where other resources join on it;
/// - a cluster attribute a rule would read as missing (release, applications, security
///   configuration, instance profile) points at its `after_unknown` mark, which no rule reads
///   as a value;
/// - a role whose permission policies are not all known (a policy document, an attached policy)
///   gets a permissions boundary that is not among the inputs, so the evaluator does not judge
///   what it may call, and no finding says a policy is missing;
/// - a Studio domain or user profile whose EMR role lists hold a role that cannot be worked out
///   is left out (which runtime roles it offers is not known).
extension ModelBuilder {
    mutating func addTerraform(_ doc: ClassifiedDocument) {
        let tf = TerraformDocument(doc.root)
        let docAccount = accountOf(doc)
        func of(_ types: String...) -> [TerraformResource] { tf.resources.filter { types.contains($0.type) } }

        // Managed policies first, so attachments can name them.
        var unknownPolicies: Set<String> = []
        for r in of("aws_iam_policy") where !tfAddManagedPolicy(r, tf, docAccount, in: doc) && r.unknownNode("policy") != nil {
            unknownPolicies.insert(Self.tfPolicyKey(r, docAccount))
        }
        // Roles; then the policies attached to them by resources of their own; then the role's
        // own inline_policy and managed_policy_arns (which a state also lists for those).
        for r in of("aws_iam_role") { tfAddRole(r, docAccount, in: doc) }
        var inlineNames: Set<String> = []
        for r in of("aws_iam_role_policy") {
            let name = r.string("name")?.text ?? r.address
            guard let roleName = tfRoleName(r, ["role"], tf) else {
                // The role is not known: the policy is still checked on its own.
                tfAddPolicy(r, ["policy"], kind: .identity, label: "inline policy \(name) (\(r.address))", origin: .inlineRole(role: "?"), in: doc)
                continue
            }
            let role = role(named: roleName, arn: nil, account: Self.tfRoleAccount(roleName, tf, docAccount), node: r.node)
            inlineNames.insert(Self.tfKey(role, name))
            if let p = tfAddPolicy(r, ["policy"], kind: .identity, label: "inline policy \(name) of role \(roleName) (\(r.address))",
                                   origin: .inlineRole(role: roleName), in: doc) {
                role.inlinePolicies.append(p)
            } else if r.unknownNode("policy") != nil {
                Self.tfPermissionsUnknown(role)
            }
        }
        for r in of("aws_iam_role_policy_attachment", "aws_iam_policy_attachment") {
            let names: [String]
            if r.type == "aws_iam_role_policy_attachment" {
                names = tfRoleName(r, ["role"], tf).map { [$0] } ?? []
            } else {
                names = (r.value("roles")?.elements ?? []).compactMap(\.string)
            }
            for roleName in names {
                let role = role(named: roleName, arn: nil, account: Self.tfRoleAccount(roleName, tf, docAccount), node: r.node)
                if let (arn, node) = tfPolicyArn(r, ["policy_arn"], tf, docAccount) {
                    if !role.attachedPolicyArns.contains(where: { $0.arn == arn }) { role.attachedPolicyArns.append((arn, node)) }
                } else {
                    Self.tfPermissionsUnknown(role)
                }
            }
        }
        for r in of("aws_iam_role") where !r.isData { tfAddRolePolicies(r, tf, docAccount, inlineNames: inlineNames, in: doc) }
        // A managed policy whose document is known only after apply: the roles it is attached
        // to have permissions that are not known yet (not a policy missing from the inputs).
        for role in roles where role.attachedPolicyArns.contains(where: { unknownPolicies.contains($0.arn) }) {
            role.attachedPolicyArns.removeAll { unknownPolicies.contains($0.arn) }
            Self.tfPermissionsUnknown(role)
        }

        for r in of("aws_iam_instance_profile") {
            let arn = r.string("arn")?.text
            // `role` (a data source: `role_name`); very old states: `roles`.
            let roleNames = (tfRoleName(r, ["role"], tf) ?? r.string("role_name")?.text).map { [$0] }
                ?? (r.value("roles")?.elements ?? []).compactMap(\.string)
            instanceProfiles.append(InstanceProfileResource(
                name: r.string("name")?.text ?? r.address, arn: arn, account: Self.account(arn) ?? docAccount,
                roleArns: [], roleNames: roleNames, node: r.node))
        }

        // Security configurations whose content is known only after apply: a cluster naming one
        // has an unknown configuration, not a missing one.
        var unknownConfigurations: Set<String> = []
        for r in of("aws_emr_security_configuration") {
            let name = r.string("name")?.text ?? r.address
            guard let value = r.value("configuration") else {
                if r.unknownNode("configuration") != nil { unknownConfigurations.insert(name) }
                continue
            }
            guard let configuration = embeddedObject(value, what: "the configuration string", in: doc) else { continue }
            securityConfigurations.append(SecurityConfiguration(name: name, nameNode: r.value("name") ?? r.node,
                                                                configuration: configuration, source: doc, account: docAccount))
        }
        for r in of("aws_emr_cluster") { tfAddCluster(r, tf, docAccount, unknownConfigurations: unknownConfigurations, in: doc) }

        for r in of("aws_s3_bucket_policy") {
            let bucket = r.string("bucket")?.text
            if let p = tfAddPolicy(r, ["policy"], kind: .resource, label: "bucket policy of \(bucket ?? "?") (\(r.address))", origin: .bucket, in: doc) {
                let named = Self.buckets(of: p)
                bucketPolicies.append(BucketPolicyResource(buckets: named.isEmpty ? bucket.map { [$0] } ?? [] : named,
                                                           account: docAccount, policy: p))
            }
        }

        tfAddStudio(tf, docAccount)

        // Lake Formation settings (the resource, or the data source that reads them): the
        // catalog's account when `catalog_id` names one, else the document's.
        for r in of("aws_lakeformation_data_lake_settings") {
            let values = (r.value("authorized_session_tag_value_list")?.elements ?? []).compactMap { n in n.string.map { ($0, n) } }
            // Terraform lists account IDs (the API: DataLakePrincipal objects).
            let allow = (r.value("external_data_filtering_allow_list")?.elements ?? []).compactMap { n in
                n.string ?? n["data_lake_principal_identifier"]?.string
            }
            let catalog = r.string("catalog_id")?.text
            lakeFormation.append(LakeFormationSettingsResource(
                account: catalog.flatMap { ARN.isAccountID($0) ? $0 : nil } ?? docAccount,
                authorizedSessionTagValues: values,
                authorizedSessionTagValueNode: r.value("authorized_session_tag_value_list"),
                allowExternalDataFiltering: r.value("allow_external_data_filtering")?.bool,
                externalDataFilteringAllowList: allow, node: r.node))
        }
    }

    // MARK: IAM

    /// The key of a role's inline policy, to tell whether a resource of its own attaches it.
    static func tfKey(_ role: RoleResource, _ policy: String) -> String {
        "\(role.account ?? "?")|\(Wildcard.asciiLowered(role.name))|\(policy)"
    }

    /// The account of the role of this name that the document defines, else the document's.
    static func tfRoleAccount(_ name: String, _ tf: TerraformDocument, _ docAccount: String?) -> String? {
        let r = tf.resources.first { $0.type == "aws_iam_role" && ($0.string("name")?.text ?? $0.address) == name }
        return account(r?.string("arn")?.text) ?? docAccount
    }

    static func account(_ arn: String?) -> String? {
        guard let a = arn.flatMap({ ARN($0) }), ARN.isAccountID(a.account) else { return nil }
        return a.account
    }

    /// A role whose permission policies are not all known until apply: not judged on what it may
    /// call, and no finding about it.
    static func tfPermissionsUnknown(_ role: RoleResource) {
        role.permissionsUnknown = true
    }

    /// Parses the policy string at a path (nil when it is absent or known only after apply).
    @discardableResult
    mutating func tfAddPolicy(_ r: TerraformResource, _ path: [String], kind: PolicyKind, label: String, origin: PolicyOrigin,
                              in doc: ClassifiedDocument) -> PolicyDocument? {
        guard let node = r.value(path) else { return nil }
        if node.kind == .string, node.string?.isEmpty == true { return nil }
        return addPolicy(node, kind: kind, label: label, origin: origin, in: doc)
    }

    /// Adds a managed policy; false when its document is not known.
    @discardableResult
    mutating func tfAddManagedPolicy(_ r: TerraformResource, _ tf: TerraformDocument, _ docAccount: String?, in doc: ClassifiedDocument) -> Bool {
        let name = r.string("name")?.text ?? r.address
        let arn = Self.tfPolicyKey(r, docAccount)
        let awsOwned = arn.hasPrefix("arn:aws:iam::aws:")
        if let p = tfAddPolicy(r, ["policy"], kind: .identity, label: "managed policy \(name) (\(r.address))",
                               origin: awsOwned ? .awsManaged : .managed, in: doc) {
            managedPolicies.append(ManagedPolicyResource(arn: arn, name: name, document: p))
            return true
        }
        return false
    }

    /// A managed policy's ARN; for a policy created by the plan, the ARN it will have (from the
    /// account, path and name), else its address, which attachments resolve to as well.
    static func tfPolicyKey(_ r: TerraformResource, _ docAccount: String?) -> String {
        if let arn = r.string("arn")?.text { return arn }
        if let account = docAccount, let name = r.string("name")?.text {
            return "arn:aws:iam::\(account):policy\(r.string("path")?.text ?? "/")\(name)"
        }
        return r.address
    }

    /// The managed policy ARN at a path, or the policy it will be once applied.
    func tfPolicyArn(_ r: TerraformResource, _ path: [String], _ tf: TerraformDocument, _ docAccount: String?) -> (String, Node)? {
        if let (arn, node) = r.string(path) { return (arn, node) }
        guard let unknown = r.unknownNode(path) else { return nil }
        let (targets, complete) = tf.referenced(by: r.references(path), from: r, types: ["aws_iam_policy"])
        guard complete, targets.count == 1 else { return nil }
        return (Self.tfPolicyKey(targets[0], docAccount), r.expression(path) ?? unknown)
    }

    /// The role name at a path (a role attribute takes a name), worked out from the role it
    /// references when known only after apply.
    func tfRoleName(_ r: TerraformResource, _ path: [String], _ tf: TerraformDocument) -> String? {
        if let (text, _) = r.string(path) {
            // A role ARN where a name belongs: its last path segment is the name.
            return text.hasPrefix("arn:") ? StatementMatcher.roleName(text) : text
        }
        guard r.unknownNode(path) != nil else { return nil }
        let (targets, complete) = tf.referenced(by: r.references(path), from: r, types: ["aws_iam_role"])
        guard complete, targets.count == 1 else { return nil }
        return targets[0].string("name")?.text ?? targets[0].address
    }

    /// A role's ARN: as the state shows it, or the one it will have (from the account, path and
    /// name) when known only after apply. Nil when neither is known.
    static func tfRoleArn(_ r: TerraformResource, _ docAccount: String?) -> String? {
        if let arn = r.string("arn")?.text { return arn }
        guard let account = docAccount, let name = r.string("name")?.text else { return nil }
        return "arn:aws:iam::\(account):role\(r.string("path")?.text ?? "/")\(name)"
    }

    mutating func tfAddRole(_ r: TerraformResource, _ docAccount: String?, in doc: ClassifiedDocument) {
        let name = r.string("name")?.text ?? r.address
        let arn = r.string("arn")?.text
        // Without an ARN (a role the plan creates), the role joins by name within its account.
        let role = role(named: name, arn: arn, account: Self.account(arn) ?? docAccount, node: r.node)
        role.node = r.node
        if let p = tfAddPolicy(r, ["assume_role_policy"], kind: .trust, label: "trust policy of role \(name) (\(r.address))",
                               origin: .trust(role: name), in: doc) {
            role.trust = p
        }
        if let boundary = r.string("permissions_boundary")?.text {
            role.boundaryArn = boundary
        } else if r.unknownNode("permissions_boundary") != nil {
            Self.tfPermissionsUnknown(role)
        }
    }

    /// The role's `inline_policy` blocks and `managed_policy_arns`, except those that resources
    /// of their own attach (a state lists those here too). Either list is also computed: known
    /// only after apply as a whole, it is the copy of what other resources attach, unless the
    /// configuration sets it.
    mutating func tfAddRolePolicies(_ r: TerraformResource, _ tf: TerraformDocument, _ docAccount: String?, inlineNames: Set<String>,
                                    in doc: ClassifiedDocument) {
        let name = r.string("name")?.text ?? r.address
        let arn = r.string("arn")?.text
        let role = role(named: name, arn: arn, account: Self.account(arn) ?? docAccount, node: r.node)
        // The resource lists the role's policies (none, when it has none); those known only
        // after apply are marked below by a boundary that is not among the inputs.
        role.permissionsListed = true
        let configured = { (key: String) in r.expressions?[key] != nil }

        if let inline = r.value("inline_policy") {
            let unknown = r.unknownElements(["inline_policy"])
            for (i, item) in inline.elements.enumerated() {
                let policyName = item["name"]?.string ?? "?"
                guard !inlineNames.contains(Self.tfKey(role, policyName)) else { continue }
                if let d = item["policy"], !d.isNull, d.string?.isEmpty != true {
                    if let p = addPolicy(d, kind: .identity, label: "inline policy \(policyName) of role \(name) (\(r.address))",
                                         origin: .inlineRole(role: name), in: doc) {
                        role.inlinePolicies.append(p)
                    }
                } else if unknown.contains(i) || Self.unknownMember(r.unknown?["inline_policy"], i, "policy") {
                    Self.tfPermissionsUnknown(role)
                }
            }
        } else if r.unknownNode("inline_policy") != nil && configured("inline_policy") {
            Self.tfPermissionsUnknown(role)
        }

        var unknownArns = 0
        var known: [String] = []
        if let managed = r.value("managed_policy_arns") {
            for m in managed.elements {
                if let arn = m.string, !arn.isEmpty {
                    known.append(arn)
                    if !role.attachedPolicyArns.contains(where: { $0.arn == arn }) { role.attachedPolicyArns.append((arn, m)) }
                } else {
                    unknownArns += 1
                }
            }
        }
        let wholeUnknown = r.value("managed_policy_arns") == nil && r.unknownNode("managed_policy_arns") != nil && configured("managed_policy_arns")
        guard unknownArns > 0 || wholeUnknown else { return }
        // Policies the plan creates, named by the configuration's references.
        let refs = r.references(["managed_policy_arns"])
        let (targets, complete) = tf.referenced(by: refs, from: r, types: ["aws_iam_policy"])
        let keys = targets.map { Self.tfPolicyKey($0, docAccount) }.filter { !known.contains($0) }
        if complete && !refs.isEmpty && (wholeUnknown || keys.count == unknownArns) {
            for k in keys where !role.attachedPolicyArns.contains(where: { $0.arn == k }) { role.attachedPolicyArns.append((k, r.node)) }
        } else {
            Self.tfPermissionsUnknown(role)
        }
    }

    /// Whether `after_unknown` marks a member of a list element (`inline_policy[i].policy`).
    static func unknownMember(_ list: Node?, _ i: Int, _ key: String) -> Bool {
        guard let list, list.kind == .array, i < list.count else { return false }
        let e = list.elements[i]
        return e.bool == true || e[key]?.bool == true
    }

    // MARK: EMR

    mutating func tfAddCluster(_ r: TerraformResource, _ tf: TerraformDocument, _ docAccount: String?, unknownConfigurations: Set<String>,
                               in doc: ClassifiedDocument) {
        let arn = r.string("arn")?.text
        // A cluster the plan creates (or replaces) has no ID yet: its address stands in.
        let id = r.string("id")?.text ?? r.address
        let apps = (r.value("applications")?.elements ?? []).compactMap { n in n.string.map { ($0, n) } }

        // Security configuration: by name, or the configuration resource it references.
        var configName = r.string("security_configuration")?.text
        var configNode = r.values["security_configuration"] // null or "": no configuration
        if configName == nil, let unknown = r.unknownNode("security_configuration") {
            configNode = unknown
            let (targets, complete) = tf.referenced(by: r.references(["security_configuration"]), from: r,
                                                   types: ["aws_emr_security_configuration"])
            if complete, targets.count == 1 {
                configName = targets[0].string("name")?.text ?? targets[0].address
                configNode = r.expression(["security_configuration"]) ?? unknown
            }
        }
        if let name = configName, unknownConfigurations.contains(name) {
            // Named, but its content is known only after apply.
            configName = nil
            configNode = r.unknownNode("security_configuration") ?? tf.resources.first {
                $0.type == "aws_emr_security_configuration" && ($0.string("name")?.text ?? $0.address) == name
            }?.unknownNode("configuration") ?? configNode
        }

        // Instance profile: a name or an ARN, or the profile resource it references.
        var profile = r.string("ec2_attributes", "instance_profile")
        if profile == nil, let unknown = r.unknownNode("ec2_attributes", "instance_profile") {
            let (targets, complete) = tf.referenced(by: r.references(["ec2_attributes", "instance_profile"]), from: r,
                                                   types: ["aws_iam_instance_profile"])
            if complete, targets.count == 1 {
                profile = (targets[0].string("name")?.text ?? targets[0].address, r.expression(["ec2_attributes", "instance_profile"]) ?? unknown)
            }
        }

        // Primary nodes: the master instance group's count, or the master fleet's target capacity.
        var primary: Int?
        var primaryNode: Node?
        if let n = r.value("master_instance_group", "instance_count"), let v = n.number {
            primary = Int(v)
            primaryNode = n
        } else if r.value("master_instance_fleet") != nil {
            let onDemand = r.value("master_instance_fleet", "target_on_demand_capacity")
            let spot = r.value("master_instance_fleet", "target_spot_capacity")
            let (o, s) = (onDemand?.number ?? 0, spot?.number ?? 0)
            if onDemand?.number != nil || spot?.number != nil {
                primary = Int(o + s)
                primaryNode = s > o ? spot : (onDemand ?? spot)
            }
        }

        clusters.append(ClusterResource(
            id: id, name: r.string("name")?.text, arn: arn, account: Self.account(arn) ?? docAccount,
            releaseLabel: r.string("release_label")?.text, releaseNode: r.value("release_label") ?? r.unknownNode("release_label"),
            applications: apps, applicationsNode: r.value("applications") ?? r.unknownNode("applications"),
            securityConfigurationName: configName, securityConfigurationNode: configNode,
            instanceProfileName: profile?.text, instanceProfileNode: profile?.node ?? r.unknownNode("ec2_attributes", "instance_profile"),
            serviceRole: r.string("service_role")?.text, primaryNodeCount: primary, primaryNodeCountNode: primaryNode,
            node: r.node, source: doc,
            bootstrapActions: (r.value("bootstrap_action")?.elements ?? []).map { a in (a["name"]?.string, a) },
            bootstrapActionsNode: r.value("bootstrap_action") ?? r.unknownNode("bootstrap_action")))
    }

    // MARK: SageMaker Studio

    /// Domains, user profiles and spaces. A domain's or profile's EMR role lists that hold a role
    /// known only after apply, and that the configuration does not name, leave it out (and the
    /// profiles that take the domain's lists): which runtime roles it offers is not known.
    mutating func tfAddStudio(_ tf: TerraformDocument, _ docAccount: String?) {
        var unknownDomains: Set<String> = []
        for r in tf.resources where r.type == "aws_sagemaker_domain" {
            let arn = r.string("arn")?.text
            let id = r.string("id")?.text ?? r.address
            let (settings, complete) = tfSettings(r, "default_user_settings", tf, docAccount) ?? (Self.noSettings, true)
            guard complete else {
                unknownDomains.insert(id)
                continue
            }
            var domain = StudioDomainResource(
                id: id, arn: arn, name: r.string("domain_name")?.text, account: Self.account(arn) ?? docAccount,
                defaults: settings,
                executionRoleIdentityConfig: r.string("domain_settings", "execution_role_identity_config")?.text,
                executionRoleIdentityConfigNode: r.value("domain_settings", "execution_role_identity_config"), node: r.node)
            // Default space settings: only their EmrSettings lists are read (RC404), as far as known.
            domain.defaultSpaceSettings = tfSettings(r, "default_space_settings", tf, docAccount)?.0
            domains.append(domain)
        }
        for r in tf.resources where r.type == "aws_sagemaker_user_profile" {
            let arn = r.string("arn")?.text
            let domainId = tfDomainId(r, tf)
            let (settings, complete) = tfSettings(r, "user_settings", tf, docAccount) ?? (Self.noSettings, true)
            guard complete else { continue }
            let ownLists = !(settings.executionRoles?.isEmpty ?? true) || !(settings.assumableRoles?.isEmpty ?? true)
            if !ownLists && unknownDomains.contains(domainId) { continue }
            userProfiles.append(StudioUserProfileResource(
                domainId: domainId, name: r.string("user_profile_name")?.text ?? r.address, arn: arn,
                account: Self.account(arn) ?? docAccount, settings: settings, node: r.node))
        }
        for r in tf.resources where r.type == "aws_sagemaker_space" {
            let arn = r.string("arn")?.text
            let spec = ["space_settings", "jupyter_lab_app_settings", "default_resource_spec"]
            spaces.append(StudioSpaceResource(
                domainId: tfDomainId(r, tf), name: r.string("space_name")?.text ?? r.address,
                account: Self.account(arn) ?? docAccount,
                sharingType: r.string("space_sharing_settings", "sharing_type")?.text,
                sharingTypeNode: r.value("space_sharing_settings", "sharing_type"),
                owner: r.string("ownership_settings", "owner_user_profile_name")?.text,
                appType: r.string("space_settings", "app_type")?.text,
                jupyterLabImage: r.string(spec + ["sagemaker_image_arn"])?.text,
                jupyterLabVersionAlias: r.string(spec + ["sagemaker_image_version_alias"])?.text,
                jupyterLabImageNode: r.string(spec + ["sagemaker_image_version_alias"])?.node ?? r.string(spec + ["sagemaker_image_arn"])?.node,
                node: r.node, jupyterLabSpec: Self.tfResourceSpec(r, spec)))
        }
    }

    static let noSettings = StudioSettings(
        executionRole: nil, executionRoleNode: nil, jupyterServerImage: nil, jupyterServerImageNode: nil,
        jupyterLabImage: nil, jupyterLabVersionAlias: nil, jupyterLabImageNode: nil,
        assumableRoles: nil, executionRoles: nil, studioWebPortal: nil)

    /// A profile's or space's domain: its ID, or the address of the domain resource it
    /// references when the ID is known only after apply (the domain then goes by that address).
    func tfDomainId(_ r: TerraformResource, _ tf: TerraformDocument) -> String {
        if let id = r.string("domain_id")?.text { return id }
        let (targets, complete) = tf.referenced(by: r.references(["domain_id"]), from: r, types: ["aws_sagemaker_domain"])
        if complete, targets.count == 1 { return targets[0].string("id")?.text ?? targets[0].address }
        return "?"
    }

    /// The Studio settings of a domain's `default_user_settings` or a profile's `user_settings`;
    /// `complete` is false when a role list holds a role that is known only after apply and
    /// cannot be worked out.
    func tfSettings(_ r: TerraformResource, _ key: String, _ tf: TerraformDocument, _ docAccount: String?) -> (StudioSettings, Bool)? {
        guard r.value(key) != nil || r.unknownNode(key) != nil else { return nil }
        let server = [key, "jupyter_server_app_settings", "default_resource_spec"]
        let lab = [key, "jupyter_lab_app_settings", "default_resource_spec"]
        let emr = [key, "jupyter_lab_app_settings", "emr_settings"]
        let (execution, executionComplete) = tfRoleList(r, emr + ["execution_role_arns"], tf, docAccount)
        let (assumable, assumableComplete) = tfRoleList(r, emr + ["assumable_role_arns"], tf, docAccount)
        var executionRole = r.string([key, "execution_role"])
        if executionRole == nil, let unknown = r.unknownNode([key, "execution_role"]) {
            let (targets, complete) = tf.referenced(by: r.references([key, "execution_role"]), from: r, types: ["aws_iam_role"])
            if complete, targets.count == 1, let arn = Self.tfRoleArn(targets[0], docAccount) {
                executionRole = (arn, r.expression([key, "execution_role"]) ?? unknown)
            }
        }
        let settings = StudioSettings(
            executionRole: executionRole?.text, executionRoleNode: executionRole?.node,
            jupyterServerImage: r.string(server + ["sagemaker_image_arn"])?.text, jupyterServerImageNode: r.string(server + ["sagemaker_image_arn"])?.node,
            jupyterLabImage: r.string(lab + ["sagemaker_image_arn"])?.text, jupyterLabVersionAlias: r.string(lab + ["sagemaker_image_version_alias"])?.text,
            jupyterLabImageNode: r.string(lab + ["sagemaker_image_version_alias"])?.node ?? r.string(lab + ["sagemaker_image_arn"])?.node,
            assumableRoles: assumable, executionRoles: execution, studioWebPortal: r.string([key, "studio_web_portal"])?.text,
            jupyterServerSpec: Self.tfResourceSpec(r, server), jupyterLabSpec: Self.tfResourceSpec(r, lab))
        return (settings, executionComplete && assumableComplete)
    }

    /// The image fields of a `default_resource_spec` block (a state writes `""` for those not set).
    static func tfResourceSpec(_ r: TerraformResource, _ spec: [String]) -> ResourceSpecImage {
        ResourceSpecImage(imageArn: r.string(spec + ["sagemaker_image_arn"])?.node,
                          imageVersionArn: r.string(spec + ["sagemaker_image_version_arn"])?.node,
                          versionAlias: r.string(spec + ["sagemaker_image_version_alias"])?.node)
    }

    /// A list of role ARNs (`execution_role_arns`, `assumable_role_arns`); nil when absent or
    /// empty. Elements known only after apply (`null` in planned values, or the whole list) are
    /// the roles the configuration's references name; `complete` is false when they cannot be
    /// worked out that way.
    func tfRoleList(_ r: TerraformResource, _ path: [String], _ tf: TerraformDocument, _ docAccount: String?) -> (RoleList?, Bool) {
        let node = r.value(path)
        let wholeUnknown = node == nil ? r.unknownNode(path) : nil
        var arns: [(arn: String, node: Node)] = []
        var slots: [Node] = []
        if let node, node.kind == .array {
            let unknown = r.unknownElements(path)
            for (i, e) in node.elements.enumerated() {
                if let s = e.string, !s.isEmpty { arns.append((s, e)) } else if unknown.contains(i) || e.isNull { slots.append(e) }
            }
        } else if let node {
            // Not a list: kept as Studio would read it.
            return (Self.roleList(node), true)
        }
        // A list known only after apply as a whole: its roles are where the configuration names them.
        guard let listNode = node ?? wholeUnknown.map({ r.expression(path) ?? $0 }) else { return (nil, true) }
        if !slots.isEmpty || wholeUnknown != nil {
            let refs = r.references(path)
            guard !refs.isEmpty else { return (nil, false) } // a plan without its configuration
            let (targets, complete) = tf.referenced(by: refs, from: r, types: ["aws_iam_role"])
            let targetArns = targets.map { Self.tfRoleArn($0, docAccount) }
            guard complete, !targetArns.contains(nil) else { return (nil, false) }
            let known = Set(arns.map(\.arn))
            let candidates = targetArns.compactMap { $0 }.filter { !known.contains($0) }
            if wholeUnknown != nil {
                arns = candidates.map { ($0, listNode) }
            } else {
                guard candidates.count == slots.count else { return (nil, false) }
                arns += zip(candidates, slots).map { ($0, $1) }
            }
        }
        return (arns.isEmpty ? nil : RoleList(node: listNode, arns: arns), true)
    }
}
