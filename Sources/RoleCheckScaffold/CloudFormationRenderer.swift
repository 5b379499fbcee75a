/// The CloudFormation format: one template per account (YAML, short-form intrinsics). Resources
/// of the same template are joined by `!Ref` and `!GetAtt`, which also orders their creation;
/// the other account's resources are named by their ARNs.
struct CloudFormationRenderer {
    let plan: ScaffoldPlan
    var r: ResolvedRequest { plan.request }

    static let templateName = "template.yaml"

    /// A reference as the template writes it.
    func tagged(_ ref: ResourceRef) -> YNode {
        let id = ref.resource.logicalId
        switch ref.attribute {
        case .arn: return .tagged("GetAtt", ref.resource == .lifecycleConfig ? "\(id).StudioLifecycleConfigArn" : "\(id).Arn")
        case .name, .id: return .tagged("Ref", id)
        }
    }

    func subName(_ ref: ResourceRef) -> String {
        let id = ref.resource.logicalId
        switch ref.attribute {
        case .arn: return ref.resource == .lifecycleConfig ? "${\(id).StudioLifecycleConfigArn}" : "${\(id).Arn}"
        case .name, .id: return "${\(id)}"
        }
    }

    func node(_ value: ScaffoldValue) -> YNode {
        switch value {
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .array(let items): return .seq(items.map(node))
        case .object(let members): return .map(members.map { ($0.0, node($0.1)) })
        case .ref(let ref): return tagged(ref)
        case .text(let pieces):
            let text = pieces.map { piece in
                switch piece {
                case .literal(let t): t.replacing("${", with: "${!")
                case .ref(let ref): subName(ref)
                }
            }.joined()
            return .tagged("Sub", ScaffoldJSON.quoted(text))
        }
    }

    func render() -> [ScaffoldFile] {
        var files: [ScaffoldFile] = []
        var sections: [ScaffoldReadme.AccountSection] = []
        var suppressions: [ScaffoldConfig.Suppression] = []
        for account in plan.accounts {
            let folder = account.folder
            var docs: [ScaffoldReadme.DocumentRow] = [
                .init(path: Self.templateName, purpose: "the \(account.title)'s stack: every resource below, and the account it must be deployed to (a rule checks it)"),
            ]
            var resources: [(String, YNode)] = []
            var parameters: [(String, YNode)] = []

            for role in account.roles {
                var props: [(String, YNode)] = [
                    ("RoleName", .string(role.name)),
                    ("Description", .string(role.description)),
                    ("AssumeRolePolicyDocument", node(role.trust)),
                ]
                let inline = role.policies.filter { !$0.separate }
                if !inline.isEmpty {
                    props.append(("Policies", .seq(inline.map { .map([("PolicyName", .string($0.name)), ("PolicyDocument", node($0.document))]) })))
                }
                if !role.managedPolicyArns.isEmpty { props.append(("ManagedPolicyArns", .seq(role.managedPolicyArns.map { .string($0) }))) }
                resources.append(("", .blankLine))
                resources.append(("", .comment(role.purpose.prefix(1).uppercased() + role.purpose.dropFirst() + ".")))
                resources.append((role.key.logicalId, .map([("Type", .string("AWS::IAM::Role")), ("Properties", .map(props))])))
                docs.append(.init(path: "\(Self.templateName)#\(role.key.logicalId)", purpose: "`\(role.name)`, \(role.purpose); \(role.policyList)"))
                for p in role.policies where p.separate {
                    let id = role.key.logicalId + ResourceKey(name: p.name.replacing("-", with: "_")).logicalId
                    resources.append(("", .blankLine))
                    resources.append(("", .comment("The policy \(p.name) of \(role.name), a resource of its own: inline, the role and the\nroles it names (whose trust names this role) would depend on each other.")))
                    resources.append((id, .map([("Type", .string("AWS::IAM::RolePolicy")), ("Properties", .map([
                        ("RoleName", .tagged("Ref", role.key.logicalId)),
                        ("PolicyName", .string(p.name)),
                        ("PolicyDocument", node(p.document)),
                    ]))])))
                }
                if let profile = account.instanceProfile, profile.role == role.key {
                    resources.append(("", .blankLine))
                    resources.append((profile.key.logicalId, .map([("Type", .string("AWS::IAM::InstanceProfile")), ("Properties", .map([
                        ("InstanceProfileName", .string(profile.name)),
                        ("Roles", .seq([.tagged("Ref", role.key.logicalId)])),
                    ]))])))
                    docs.append(.init(path: "\(Self.templateName)#\(profile.key.logicalId)", purpose: "the cluster's instance profile `\(profile.name)`, holding `\(role.name)`"))
                }
            }
            if let sc = account.securityConfiguration {
                resources.append(("", .blankLine))
                resources.append((sc.key.logicalId, .map([("Type", .string("AWS::EMR::SecurityConfiguration")), ("Properties", .map([
                    ("Name", .string(sc.name)),
                    ("SecurityConfiguration", node(sc.configuration)),
                ]))])))
                docs.append(.init(path: "\(Self.templateName)#\(sc.key.logicalId)", purpose: "the EMR security configuration `\(sc.name)`: runtime roles on, the caller's source identity propagated, in-transit encryption with the certificates at `\(r.certificates)`"))
            }
            if let c = account.cluster {
                var subnet: [(String, YNode)] = [("Type", .string("AWS::EC2::Subnet::Id")), ("Description", .string("The subnet the EMR cluster runs in"))]
                if let s = r.subnetId { subnet.append(("Default", .string(s))) }
                parameters.append(("SubnetId", .map(subnet)))
                resources.append(("", .blankLine))
                resources.append((c.key.logicalId, .map([("Type", .string("AWS::EMR::Cluster")), ("Properties", .map([
                    ("Name", .string(c.name)),
                    ("ReleaseLabel", .string(c.releaseLabel)),
                    ("Applications", .seq(c.applications.map { .map([("Name", .string($0))]) })),
                    ("JobFlowRole", .tagged("Ref", c.instanceProfile.logicalId)),
                    ("ServiceRole", .tagged("Ref", c.serviceRole.logicalId)),
                    ("SecurityConfiguration", .tagged("Ref", c.securityConfiguration.logicalId)),
                    ("Instances", .map([
                        ("Ec2SubnetId", .tagged("Ref", "SubnetId")),
                        ("KeepJobFlowAliveWhenNoSteps", .bool(true)),
                        ("MasterInstanceGroup", .map([("Name", .string("Primary")), ("InstanceCount", .int(1)), ("InstanceType", .string(c.instanceType))])),
                        ("CoreInstanceGroup", .map([("Name", .string("Core")), ("InstanceCount", .int(c.coreCount)), ("InstanceType", .string(c.instanceType))])),
                    ])),
                ]))])))
                docs.append(.init(path: "\(Self.templateName)#\(c.key.logicalId)", purpose: "the cluster `\(c.name)`: `\(c.releaseLabel)`, \(c.applications.joined(separator: ", ")) (Studio connects through Livy), one primary node (runtime roles do not support several), the instance profile, the service role and the security configuration"))
            }
            if let b = account.bucketPolicy {
                resources.append(("", .blankLine))
                resources.append((b.key.logicalId, .map([("Type", .string("AWS::S3::BucketPolicy")), ("Properties", .map([
                    ("Bucket", .string(b.bucket)),
                    ("PolicyDocument", node(b.document)),
                ]))])))
                docs.append(.init(path: "\(Self.templateName)#\(b.key.logicalId)", purpose: "the bucket policy of `\(b.bucket)`: the Studio account's runtime roles may list the bucket and read its objects (their own policies allow the same: across accounts both sides must), over TLS only. It replaces the bucket's current policy"))
            }
            if let l = account.lifecycleConfig {
                resources.append(("", .blankLine))
                resources.append((l.key.logicalId, .map([("Type", .string("AWS::SageMaker::StudioLifecycleConfig")), ("Properties", .map([
                    ("StudioLifecycleConfigName", .string(l.name)),
                    ("StudioLifecycleConfigAppType", .string("JupyterServer")),
                    ("StudioLifecycleConfigContent", .map([("Fn::Base64", .block(l.script))])),
                ]))])))
                docs.append(.init(path: "\(Self.templateName)#\(l.key.logicalId)", purpose: "the Studio Classic lifecycle configuration (JupyterServer app) that writes the runtime-role list\(l.files.count > 1 ? " and the discovery file" : "") into each user's home"))
                for f in l.files {
                    files.append(ScaffoldFile(path: "\(folder)/\(f.name)", contents: f.content))
                    docs.append(.init(path: f.name, purpose: "a copy of what the lifecycle configuration writes to `\(f.path)/`, for review and for rolecheck (the template does not read it)"))
                }
            }
            if let u = account.userProfile {
                var domain: [(String, YNode)] = [("Type", .string("String")), ("Description", .string("The ID of the SageMaker domain the user profile joins")),
                                                 ("AllowedPattern", .string("d-(-*[a-z0-9]){1,61}"))]
                if let d = r.domainId { domain.append(("Default", .string(d))) }
                parameters.insert(("DomainId", .map(domain)), at: 0)
                resources.append(("", .blankLine))
                resources.append((u.key.logicalId, .map([("Type", .string("AWS::SageMaker::UserProfile")), ("Properties", .map([
                    ("DomainId", .tagged("Ref", "DomainId")),
                    ("UserProfileName", .string(u.name)),
                    ("UserSettings", node(u.settings)),
                ]))])))
                docs.append(.init(path: "\(Self.templateName)#\(u.key.logicalId)", purpose: r.app == .jupyterlab
                    ? "the user profile `\(u.name)`: its execution role, the new Studio, and `JupyterLabAppSettings.EmrSettings` with the runtime roles\(r.option == .option1 ? " and the EMR access role (`AssumableRoleArns`)" : "") (CloudFormation takes `EmrSettings` on user profiles, not on domains)"
                    : "the user profile `\(u.name)`: its execution role, Studio Classic on the JupyterLab 3 image, and the lifecycle configuration as its default"))
                if r.option == .option3 && r.app == .jupyterlab {
                    suppressions += ScaffoldConfig.optionThree(file: "\(folder)/\(Self.templateName)",
                                                               pointer: "/Resources/\(u.key.logicalId)/Properties/UserSettings/JupyterLabAppSettings/EmrSettings/ExecutionRoleArns")
                }
            }

            var template: [(String, YNode)] = [
                ("AWSTemplateFormatVersion", .string("2010-09-09")),
                ("Description", .string("\(account.title.prefix(1).uppercased() + account.title.dropFirst()): \(r.option.title), \(r.app.title), EMR runtime roles (rolecheck scaffold)")),
            ]
            if !parameters.isEmpty {
                template.append(("", .blankLine))
                template.append(("Parameters", .map(parameters)))
            }
            template.append(("", .blankLine))
            template.append(("Rules", .map([("DeployedToTheRightAccount", .map([("Assertions", .seq([.map([
                ("Assert", .map([("Fn::Equals", .seq([.tagged("Ref", "AWS::AccountId"), .string(account.account)]))])),
                ("AssertDescription", .string("This template is for account \(account.account).")),
            ]), .map([
                ("Assert", .map([("Fn::Equals", .seq([.tagged("Ref", "AWS::Region"), .string(r.region)]))])),
                ("AssertDescription", .string("This template is for the Region \(r.region).")),
            ])]))]))])))
            if let first = resources.first, case .blankLine = first.1 { resources.removeFirst() }
            template.append(("", .blankLine))
            template.append(("Resources", .map(resources)))
            if let c = account.cluster {
                template.append(("", .blankLine))
                template.append(("Outputs", .map([("ClusterId", .map([("Description", .string("The ID of the cluster \(c.name)")), ("Value", .tagged("Ref", c.key.logicalId))]))])))
            }
            files.append(ScaffoldFile(path: "\(folder)/\(Self.templateName)", contents: YAMLEmitter.document(.map(template))))

            var overrides: [String] = []
            if account.userProfile != nil && r.domainId == nil { overrides.append("DomainId=d-…") }
            if account.cluster != nil && r.subnetId == nil { overrides.append("SubnetId=subnet-…") }
            var apply = "With credentials of account \(account.account):\n\n```sh\n"
            apply += "aws cloudformation deploy --region \(r.region) --stack-name \(r.clusterName)-\(account.kind) \\\n"
            apply += "  --template-file \(folder)/\(Self.templateName) --capabilities CAPABILITY_NAMED_IAM"
            apply += overrides.isEmpty ? "\n" : " \\\n  --parameter-overrides \(overrides.joined(separator: " "))\n"
            apply += "```\n"
            if !overrides.isEmpty {
                apply += "\n(\(overrides.map { "`\($0.prefix { $0 != "=" })`" }.joined(separator: " and ")): give the value\(overrides.count > 1 ? "s" : ""), or pass them to `rolecheck scaffold` to make them the parameters' defaults.)\n"
            }
            sections.append(.init(account: account, documents: docs, apply: apply))
        }
        files.append(ScaffoldFile(path: "rolecheck.yaml", contents: ScaffoldConfig(plan: plan, suppressions: suppressions).render()))
        let readme = ScaffoldReadme(
            plan: plan, formatName: "CloudFormation templates",
            layout: "Each account has a folder named after it, which is how rolecheck tells the accounts apart, holding that account's template. Within a template, resources refer to each other with `!Ref` and `!GetAtt` (so CloudFormation creates them in order); resources of the other account are named by their ARNs. Every template passes cfn-lint.",
            sections: sections)
        files.append(ScaffoldFile(path: "README.md", contents: readme.render()))
        return files
    }
}
