/// The Terraform format: one root module per account (`main.tf`, `iam.tf`, `emr.tf`, `s3.tf`,
/// `studio.tf`), policies written with `jsonencode`. Resources of the same root refer to each
/// other (which also orders their creation); the other account's resources are named by ARN.
/// The provider is pinned to the account and Region (`allowed_account_ids`).
struct TerraformRenderer {
    let plan: ScaffoldPlan
    var r: ResolvedRequest { plan.request }

    func address(_ key: ResourceKey) -> String {
        switch key {
        case .instanceProfile: "aws_iam_instance_profile.\(key.name)"
        case .securityConfiguration: "aws_emr_security_configuration.\(key.name)"
        case .cluster: "aws_emr_cluster.\(key.name)"
        case .lifecycleConfig: "aws_sagemaker_studio_lifecycle_config.\(key.name)"
        case .userProfile: "aws_sagemaker_user_profile.\(key.name)"
        case .bucketPolicy: "aws_s3_bucket_policy.\(key.name)"
        default: "aws_iam_role.\(key.name)"
        }
    }

    func reference(_ ref: ResourceRef) -> String {
        let attribute: String
        switch ref.attribute {
        case .arn: attribute = "arn"
        case .name: attribute = "name"
        case .id: attribute = "id"
        }
        return address(ref.resource) + "." + attribute
    }

    func expr(_ value: ScaffoldValue) -> HExpr {
        switch value {
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .array(let items): return .list(items.map(expr))
        case .object(let members): return .object(members.map { ($0.0, expr($0.1)) })
        case .ref(let ref): return .raw(reference(ref))
        case .text(let pieces):
            return .template(pieces.map { piece in
                switch piece {
                case .literal(let t): (t, nil)
                case .ref(let ref): ("", reference(ref))
                }
            })
        }
    }

    /// Settings in Terraform's block syntax: `UserSettings` keys become snake_case blocks
    /// (`JupyterLabAppSettings` → `jupyter_lab_app_settings { … }`), values attributes.
    func blockItems(_ value: ScaffoldValue) -> [HBlock.Item] {
        guard case .object(let members) = value else { return [] }
        var attributes: [HBlock.Item] = []
        var blocks: [HBlock.Item] = []
        for (k, v) in members {
            if case .object = v {
                blocks.append(.block(HBlock(header: Self.snake(k), items: blockItems(v))))
            } else {
                attributes.append(.attribute(Self.snake(k), expr(v)))
            }
        }
        return attributes + (blocks.isEmpty || attributes.isEmpty ? [] : [.blank]) + blocks
    }

    /// `ExecutionRoleArns` → `execution_role_arns`; `EmrSettings` → `emr_settings`.
    static func snake(_ s: String) -> String {
        var out = ""
        let chars = Array(s)
        for (i, c) in chars.enumerated() {
            if c.isUppercase {
                let prevLower = i > 0 && (chars[i - 1].isLowercase || chars[i - 1].isNumber)
                let nextLower = i + 1 < chars.count && chars[i + 1].isLowercase
                if i > 0 && (prevLower || (nextLower && chars[i - 1].isUppercase)) { out += "_" }
                out += c.lowercased()
            } else {
                out.append(c)
            }
        }
        return out
    }

    func render() -> [ScaffoldFile] {
        var files: [ScaffoldFile] = []
        var sections: [ScaffoldReadme.AccountSection] = []
        var suppressions: [ScaffoldConfig.Suppression] = []
        for account in plan.accounts {
            let folder = account.folder
            var docs: [ScaffoldReadme.DocumentRow] = []

            // main.tf: the provider, pinned to this account and Region, and the variables.
            var main: [(comment: String?, block: HBlock)] = [
                ("The \(account.title) part of the runtime-role setup (\(r.option.title), \(r.app.title)), written by rolecheck scaffold.",
                 HBlock(header: "terraform", items: [.block(HBlock(header: "required_providers", items: [
                    .attribute("aws", .object([("source", .string("hashicorp/aws")), ("version", .string(">= 5.60"))])),
                 ]))])),
                (nil, HBlock(header: "provider \"aws\"", items: [
                    .attribute("region", .string(r.region)),
                    .attribute("allowed_account_ids", .list([.string(account.account)])),
                ])),
            ]
            if account.userProfile != nil {
                var items: [HBlock.Item] = [.attribute("description", .string("The ID of the SageMaker domain the user profile joins")),
                                            .attribute("type", .raw("string"))]
                if let d = r.domainId { items.append(.attribute("default", .string(d))) }
                main.append((nil, HBlock(header: "variable \"domain_id\"", items: items)))
            }
            if account.cluster != nil {
                var items: [HBlock.Item] = [.attribute("description", .string("The subnet the EMR cluster runs in")), .attribute("type", .raw("string"))]
                if let s = r.subnetId { items.append(.attribute("default", .string(s))) }
                main.append((nil, HBlock(header: "variable \"subnet_id\"", items: items)))
            }
            files.append(ScaffoldFile(path: "\(folder)/main.tf", contents: HCLEmitter.file(main)))
            docs.append(.init(path: "main.tf", purpose: "the AWS provider, allowed to act only in account \(account.account), in \(r.region)\(account.userProfile != nil || account.cluster != nil ? "; the variables asked for when you apply" : "")"))

            // iam.tf: roles, their policies, the instance profile.
            var iam: [(comment: String?, block: HBlock)] = []
            for role in account.roles {
                iam.append((role.purpose.prefix(1).uppercased() + role.purpose.dropFirst() + ".", HBlock(header: "resource \"aws_iam_role\" \"\(role.key.name)\"", items: [
                    .attribute("name", .string(role.name)),
                    .attribute("description", .string(role.description)),
                    .attribute("assume_role_policy", .call("jsonencode", expr(role.trust))),
                ])))
                for p in role.policies {
                    iam.append((nil, HBlock(header: "resource \"aws_iam_role_policy\" \"\(role.key.name)_\(p.name.replacing("-", with: "_"))\"", items: [
                        .attribute("name", .string(p.name)),
                        .attribute("role", .raw(address(role.key) + ".name")),
                        .attribute("policy", .call("jsonencode", expr(p.document))),
                    ])))
                }
                for arn in role.managedPolicyArns {
                    let name = arn.split(separator: "/").last.map { String($0).lowercased() } ?? "managed"
                    iam.append((nil, HBlock(header: "resource \"aws_iam_role_policy_attachment\" \"\(role.key.name)_\(name)\"", items: [
                        .attribute("role", .raw(address(role.key) + ".name")),
                        .attribute("policy_arn", .string(arn)),
                    ])))
                }
                if let profile = account.instanceProfile, profile.role == role.key {
                    iam.append(("The cluster's instance profile, named like its role.", HBlock(header: "resource \"aws_iam_instance_profile\" \"\(profile.key.name)\"", items: [
                        .attribute("name", .string(profile.name)),
                        .attribute("role", .raw(address(role.key) + ".name")),
                    ])))
                }
                docs.append(.init(path: "iam.tf#\(role.key.name)", purpose: "`\(role.name)`, \(role.purpose); \(role.policyList)"))
            }
            if let p = account.instanceProfile {
                docs.append(.init(path: "iam.tf#\(p.key.name)", purpose: "the cluster's instance profile `\(p.name)`"))
            }
            files.append(ScaffoldFile(path: "\(folder)/iam.tf", contents: HCLEmitter.file(iam)))

            // emr.tf: the security configuration and the cluster.
            if let sc = account.securityConfiguration, let c = account.cluster {
                let emr: [(comment: String?, block: HBlock)] = [
                    ("Runtime roles on, the caller's source identity propagated, in-transit encryption.",
                     HBlock(header: "resource \"aws_emr_security_configuration\" \"\(sc.key.name)\"", items: [
                        .attribute("name", .string(sc.name)),
                        .attribute("configuration", .call("jsonencode", expr(sc.configuration))),
                     ])),
                    ("One primary node (runtime roles do not support several); Studio connects through Livy.",
                     HBlock(header: "resource \"aws_emr_cluster\" \"\(c.key.name)\"", items: [
                        .attribute("name", .string(c.name)),
                        .attribute("release_label", .string(c.releaseLabel)),
                        .attribute("applications", .list(c.applications.map { .string($0) })),
                        .attribute("service_role", .raw(address(c.serviceRole) + ".arn")),
                        .attribute("security_configuration", .raw(address(c.securityConfiguration) + ".name")),
                        .blank,
                        .block(HBlock(header: "ec2_attributes", items: [
                            .attribute("instance_profile", .raw(address(c.instanceProfile) + ".arn")),
                            .attribute("subnet_id", .raw("var.subnet_id")),
                        ])),
                        .blank,
                        .block(HBlock(header: "master_instance_group", items: [.attribute("instance_type", .string(c.instanceType)), .attribute("instance_count", .int(1))])),
                        .blank,
                        .block(HBlock(header: "core_instance_group", items: [.attribute("instance_type", .string(c.instanceType)), .attribute("instance_count", .int(c.coreCount))])),
                        .blank,
                        .comment("The roles' policies must be in place before EMR uses the roles."),
                        .attribute("depends_on", .list(c.dependsOnPolicies.map { .raw("aws_iam_role_policy.\($0.role.name)_\($0.policy.replacing("-", with: "_"))") }
                            + [.raw("aws_iam_role_policy_attachment.\(c.serviceRole.name)_amazonemrservicepolicy_v2")])),
                     ])),
                    (nil, HBlock(header: "output \"cluster_id\"", items: [
                        .attribute("description", .string("The ID of the cluster \(c.name)")),
                        .attribute("value", .raw(address(c.key) + ".id")),
                    ])),
                ]
                files.append(ScaffoldFile(path: "\(folder)/emr.tf", contents: HCLEmitter.file(emr)))
                docs.append(.init(path: "emr.tf#\(sc.key.name)", purpose: "the EMR security configuration `\(sc.name)`: runtime roles on, the caller's source identity propagated, in-transit encryption with the certificates at `\(r.certificates)`"))
                docs.append(.init(path: "emr.tf#\(c.key.name)", purpose: "the cluster `\(c.name)`: `\(c.releaseLabel)`, \(c.applications.joined(separator: ", ")), one primary node, the instance profile, the service role and the security configuration; its ID is the output `cluster_id`"))
            }

            // s3.tf: the bucket policy.
            if let b = account.bucketPolicy {
                files.append(ScaffoldFile(path: "\(folder)/s3.tf", contents: HCLEmitter.file([
                    ("The Studio account's runtime roles may list and read the data bucket, over TLS only.\nIt replaces the bucket's current policy.",
                     HBlock(header: "resource \"aws_s3_bucket_policy\" \"\(b.key.name)\"", items: [
                        .attribute("bucket", .string(b.bucket)),
                        .attribute("policy", .call("jsonencode", expr(b.document))),
                     ])),
                ])))
                docs.append(.init(path: "s3.tf", purpose: "the bucket policy of `\(b.bucket)`: the Studio account's runtime roles may list the bucket and read its objects (their own policies allow the same: across accounts both sides must), over TLS only"))
            }

            // studio.tf: the lifecycle configuration (Classic) and the user profile.
            if let u = account.userProfile {
                var studio: [(comment: String?, block: HBlock)] = []
                if let l = account.lifecycleConfig {
                    let script = "studio/\(l.name).sh"
                    files.append(ScaffoldFile(path: "\(folder)/\(script)", contents: l.script))
                    studio.append(("Studio Classic: preloads the runtime roles into each user's home (\(script)).",
                                   HBlock(header: "resource \"aws_sagemaker_studio_lifecycle_config\" \"\(l.key.name)\"", items: [
                        .attribute("studio_lifecycle_config_name", .string(l.name)),
                        .attribute("studio_lifecycle_config_app_type", .string("JupyterServer")),
                        .attribute("studio_lifecycle_config_content", .raw("filebase64(\"${path.module}/\(script)\")")),
                    ])))
                    docs.append(.init(path: script, purpose: "the Studio Classic lifecycle configuration (JupyterServer app) that writes the files below into each user's home when the Jupyter server starts"))
                    for f in l.files {
                        files.append(ScaffoldFile(path: "\(folder)/studio/\(f.name)", contents: f.content))
                        docs.append(.init(path: "studio/\(f.name)", purpose: "a copy of what the lifecycle configuration writes to `\(f.path)/`, for review and for rolecheck (Terraform does not read it)"))
                    }
                }
                studio.append((r.app == .jupyterlab ? "The user profile: its execution role, and the runtime roles Studio offers (EmrSettings)." : "The user profile: its execution role, Studio Classic on JupyterLab 3, the lifecycle configuration.",
                               HBlock(header: "resource \"aws_sagemaker_user_profile\" \"\(u.key.name)\"", items: [
                    .attribute("domain_id", .raw("var.domain_id")),
                    .attribute("user_profile_name", .string(u.name)),
                    .blank,
                    .block(HBlock(header: "user_settings", items: blockItems(u.settings))),
                ])))
                files.append(ScaffoldFile(path: "\(folder)/studio.tf", contents: HCLEmitter.file(studio)))
                docs.append(.init(path: "studio.tf#\(u.key.name)", purpose: r.app == .jupyterlab
                    ? "the user profile `\(u.name)`: its execution role, the new Studio, and `emr_settings` with the runtime roles\(r.option == .option1 ? " and the EMR access role (`assumable_role_arns`)" : "")"
                    : "the user profile `\(u.name)`: its execution role, Studio Classic on the JupyterLab 3 image, and the lifecycle configuration as its default"))
                if r.option == .option3 && r.app == .jupyterlab {
                    // Findings in .tf files carry pointers into the plan rolecheck derives, which other
                    // resources would shift: the suppression covers the file, which holds only the profile.
                    suppressions += ScaffoldConfig.optionThree(file: "\(folder)/studio.tf", pointer: nil)
                }
            }

            var vars: [String] = []
            if account.userProfile != nil && r.domainId == nil { vars.append("-var domain_id=d-…") }
            if account.cluster != nil && r.subnetId == nil { vars.append("-var subnet_id=subnet-…") }
            var apply = "With credentials of account \(account.account) (the provider refuses any other):\n\n```sh\n"
            apply += "cd \(folder)\nterraform init\nterraform apply\(vars.isEmpty ? "" : " " + vars.joined(separator: " "))\n```\n"
            if !vars.isEmpty {
                apply += "\n(Or pass `--\(vars.map { $0.hasPrefix("-var domain") ? "domain-id" : "subnet-id" }.joined(separator: "` and `--"))` to `rolecheck scaffold` to make them the variables' defaults.)\n"
            }
            sections.append(.init(account: account, documents: docs, apply: apply))
        }
        files.append(ScaffoldFile(path: "rolecheck.yaml", contents: ScaffoldConfig(plan: plan, suppressions: suppressions).render()))
        let readme = ScaffoldReadme(
            plan: plan, formatName: "Terraform root modules",
            layout: "Each account has a folder named after it, which is how rolecheck tells the accounts apart, holding that account's Terraform root module. Within a root, resources refer to each other (so Terraform creates them in order); resources of the other account are named by their ARNs. rolecheck reads the `.tf` files as they are, without `terraform init`.",
            sections: sections)
        files.append(ScaffoldFile(path: "README.md", contents: readme.render()))
        return files
    }
}
