/// The AWS CLI format: per account, the JSON documents the AWS CLI takes, in shapes rolecheck
/// reads, and an `apply.sh` with the commands that create them.
///
/// - IAM policies are policy documents on their own (`--assume-role-policy-document file://…`,
///   `--policy-document file://…`); `rolecheck.yaml` says which role or bucket each belongs to.
/// - The security configuration is `create-security-configuration --cli-input-json` input,
///   `{"Name", "SecurityConfiguration": "<JSON string>"}`, which is also what
///   `describe-security-configuration` prints.
/// - The user profile is `create-user-profile --cli-input-json` input, the shape of
///   `describe-user-profile`.
/// - `aws emr create-cluster` takes no JSON input: `emr/cluster.json` describes the cluster as
///   `describe-cluster` will show it, and `apply.sh` passes the same values as options.
struct CLIRenderer {
    let plan: ScaffoldPlan
    var r: ResolvedRequest { plan.request }

    /// One command: its parts (the command, then each option with its value), written on one
    /// line when short and one part per line otherwise.
    struct Step {
        let comment: String
        let parts: [String]

        init(comment: String, command: String...) {
            self.comment = comment
            self.parts = command
        }

        init(comment: String, parts: [String]) {
            self.comment = comment
            self.parts = parts
        }

        var command: String {
            let line = parts.joined(separator: " ")
            return line.count <= 100 ? line : parts.joined(separator: " \\\n    ")
        }
    }

    func literal(_ value: ScaffoldValue, _ what: String) throws(ScaffoldError) -> ScaffoldValue {
        guard let v = value.literal(plan.literal) else {
            throw ScaffoldError("internal error: \(what) refers to a resource whose name is not known before it is created")
        }
        return v
    }

    func render() throws(ScaffoldError) -> [ScaffoldFile] {
        var files: [ScaffoldFile] = []
        var sections: [ScaffoldReadme.AccountSection] = []
        var mappings: [ScaffoldConfig.PolicyMapping] = []
        for account in plan.accounts {
            let folder = account.folder
            var docs: [ScaffoldReadme.DocumentRow] = []
            var steps: [Step] = []

            for role in account.roles {
                let trustPath = "iam/\(role.name).trust.json"
                files.append(ScaffoldFile(path: "\(folder)/\(trustPath)", contents: ScaffoldJSON.document(try literal(role.trust, "the trust policy of \(role.name)"))))
                docs.append(.init(path: trustPath, purpose: "trust policy of `\(role.name)`, \(role.purpose)"))
                mappings.append(.init(file: "\(folder)/\(trustPath)", role: "arn:aws:iam::\(account.account):role/\(role.name)", trust: true))
                steps.append(Step(comment: "Role \(role.name), \(role.purpose).",
                                  command: "aws iam create-role", "--role-name \(role.name)", "--description \(shell(role.description))",
                                  "--assume-role-policy-document file://\(trustPath)"))
                steps.append(Step(comment: "", command: "aws iam wait role-exists --role-name \(role.name)"))
                for p in role.policies {
                    let path = "iam/\(role.name).\(p.name).json"
                    files.append(ScaffoldFile(path: "\(folder)/\(path)", contents: ScaffoldJSON.document(try literal(p.document, "the policy \(p.name) of \(role.name)"))))
                    docs.append(.init(path: path, purpose: "permission policy `\(p.name)` of `\(role.name)`: \(p.purpose)"))
                    mappings.append(.init(file: "\(folder)/\(path)", role: "arn:aws:iam::\(account.account):role/\(role.name)", trust: false))
                    steps.append(Step(comment: "", command: "aws iam put-role-policy", "--role-name \(role.name)", "--policy-name \(p.name)",
                                      "--policy-document file://\(path)"))
                }
                for arn in role.managedPolicyArns {
                    steps.append(Step(comment: "", command: "aws iam attach-role-policy", "--role-name \(role.name)", "--policy-arn \(arn)"))
                }
                if let profile = account.instanceProfile, profile.role == role.key {
                    steps.append(Step(comment: "Its instance profile, named like the role (the cluster names the profile).",
                                      command: "aws iam create-instance-profile --instance-profile-name \(profile.name)"))
                    steps.append(Step(comment: "", command: "aws iam add-role-to-instance-profile", "--instance-profile-name \(profile.name)", "--role-name \(role.name)"))
                    steps.append(Step(comment: "", command: "aws iam wait instance-profile-exists --instance-profile-name \(profile.name)"))
                }
            }

            if let sc = account.securityConfiguration {
                let path = "emr/security-configuration.json"
                let document = ScaffoldValue.object([("Name", .string(sc.name)), ("SecurityConfiguration", .string(ScaffoldJSON.compact(sc.configuration)))])
                files.append(ScaffoldFile(path: "\(folder)/\(path)", contents: ScaffoldJSON.document(document)))
                docs.append(.init(path: path, purpose: "the EMR security configuration `\(sc.name)` (`create-security-configuration` input; the configuration is a JSON string): runtime roles on (`EnableApplicationScopedIAMRole`), the caller's source identity propagated to the runtime-role sessions, in-transit encryption with the certificates at `\(r.certificates)`"))
                steps.append(Step(comment: "The security configuration: runtime roles, source identity, in-transit encryption.",
                                  command: "aws emr create-security-configuration", "--region \"$REGION\"", "--cli-input-json file://\(path)"))
            }
            if let c = account.cluster {
                let path = "emr/cluster.json"
                files.append(ScaffoldFile(path: "\(folder)/\(path)", contents: ScaffoldJSON.document(clusterDocument(c))))
                docs.append(.init(path: path, purpose: "the cluster `\(c.name)` as `aws emr describe-cluster` will show it (the fields this setup decides): `\(c.releaseLabel)`, \(c.applications.joined(separator: ", ")) (Studio connects through Livy), one primary node (runtime roles do not support several), the instance profile, the service role and the security configuration. `create-cluster` takes no JSON input, so `apply.sh` passes these values as options."))
                steps.append(Step(comment: "The cluster. Its ID is printed; the policies name the account's clusters and the runtime roles, not the ID.",
                                  parts: createCluster(c)))
                steps.append(Step(comment: "", command: "echo \"cluster \(c.name): $CLUSTER_ID\""))
            }
            if let b = account.bucketPolicy {
                let path = "s3/\(b.bucket).bucket-policy.json"
                files.append(ScaffoldFile(path: "\(folder)/\(path)", contents: ScaffoldJSON.document(try literal(b.document, "the bucket policy"))))
                docs.append(.init(path: path, purpose: "the bucket policy of `\(b.bucket)`: the Studio account's runtime roles may list the bucket and read its objects (their own policies allow the same: across accounts both sides must), over TLS only"))
                mappings.append(.init(file: "\(folder)/\(path)", bucket: b.bucket, account: account.account))
                steps.append(Step(comment: "The data bucket's policy (it replaces the bucket's current policy: merge first if it has one).",
                                  command: "aws s3api put-bucket-policy", "--bucket \(b.bucket)", "--policy file://\(path)"))
            }
            if let l = account.lifecycleConfig {
                let path = "studio/\(l.name).sh"
                files.append(ScaffoldFile(path: "\(folder)/\(path)", contents: l.script))
                docs.append(.init(path: path, purpose: "the Studio Classic lifecycle configuration (JupyterServer app) that writes the files below into each user's home when the Jupyter server starts"))
                for f in l.files {
                    files.append(ScaffoldFile(path: "\(folder)/studio/\(f.name)", contents: f.content))
                    docs.append(.init(path: "studio/\(f.name)", purpose: f.name.hasPrefix("emr-configurations")
                        ? "what the lifecycle configuration writes to `\(f.path)/`: the runtime roles Studio Classic offers, keyed by the cluster's account (kept here for review and for rolecheck; the script holds the same text)"
                        : "what the lifecycle configuration writes to `\(f.path)/`: the EMR access role Studio Classic assumes to reach account \(r.clusterAccount) (kept here for review and for rolecheck)"))
                }
                steps.append(Step(comment: "The lifecycle configuration that preloads the runtime roles (its content is base64).",
                                  command: "aws sagemaker create-studio-lifecycle-config", "--region \"$REGION\"",
                                  "--studio-lifecycle-config-name \(l.name)", "--studio-lifecycle-config-app-type JupyterServer",
                                  "--studio-lifecycle-config-content \"$(openssl base64 -A -in \(path))\""))
            }
            if let u = account.userProfile {
                let path = "studio/user-profile.json"
                let document = ScaffoldValue.object([
                    ("DomainId", .string(r.domainId ?? "DOMAIN_ID")),
                    ("UserProfileName", .string(u.name)),
                    ("UserSettings", try literal(u.settings, "the user profile")),
                ])
                files.append(ScaffoldFile(path: "\(folder)/\(path)", contents: ScaffoldJSON.document(document)))
                docs.append(.init(path: path, purpose: r.app == .jupyterlab
                    ? "the user profile `\(u.name)` (`create-user-profile` input): its execution role, the new Studio, and `JupyterLabAppSettings.EmrSettings` with the runtime roles\(r.option == .option1 ? " (`ExecutionRoleArns`) and the EMR access role (`AssumableRoleArns`)" : "")\(r.domainId == nil ? "; `apply.sh` gives the domain ID on the command line, which takes precedence over `DomainId`" : "")"
                    : "the user profile `\(u.name)` (`create-user-profile` input): its execution role, Studio Classic on the JupyterLab 3 image, and the lifecycle configuration as its default\(r.domainId == nil ? "; `apply.sh` gives the domain ID on the command line, which takes precedence over `DomainId`" : "")"))
                steps.append(Step(comment: "The user profile, in the domain.",
                                  command: "aws sagemaker create-user-profile", "--region \"$REGION\"", "--cli-input-json file://\(path)",
                                  "--domain-id \"$DOMAIN_ID\""))
            }
            docs.append(.init(path: "apply.sh", purpose: "the AWS CLI commands that create this account's part, in order"))
            files.append(ScaffoldFile(path: "\(folder)/apply.sh", contents: applyScript(account, steps), executable: true))

            var apply = "With credentials of account \(account.account), run `\(folder)/apply.sh`"
            apply += account.userProfile != nil && r.domainId == nil ? " with `DOMAIN_ID` set to the SageMaker domain's ID" : ""
            apply += account.cluster != nil && r.subnetId == nil ? (account.userProfile != nil && r.domainId == nil ? " and" : " with") + " `SUBNET_ID` set to the cluster's subnet" : ""
            apply += ". It checks the account first, then runs:\n\n```sh\n"
            apply += steps.map(\.command).joined(separator: "\n") + "\n```\n"
            sections.append(.init(account: account, documents: docs, apply: apply))
        }

        let suppressions = r.option == .option3 && r.app == .jupyterlab
            ? ScaffoldConfig.optionThree(file: "\(plan.studio.folder)/studio/user-profile.json",
                                         pointer: "/UserSettings/JupyterLabAppSettings/EmrSettings/ExecutionRoleArns")
            : []
        files.append(ScaffoldFile(path: "rolecheck.yaml", contents: ScaffoldConfig(plan: plan, mappings: mappings, suppressions: suppressions).render()))
        var readme = ScaffoldReadme(
            plan: plan, formatName: "AWS CLI documents",
            layout: "Each account has a folder named after it, which is how rolecheck tells the accounts apart. The folder holds the JSON documents the AWS CLI takes (policies as policy documents of their own, `file://` arguments) and `apply.sh`, the commands that create them. `rolecheck.yaml` tells rolecheck which role or bucket each policy document belongs to.",
            sections: sections)
        readme.applyNote = "`apply.sh` creates; it does not update, and it stops at the first command that fails. IAM is eventually consistent: if a command fails because a role it names is not known yet, wait a few seconds and run the remaining commands by hand."
        readme.prerequisites = ["The AWS CLI with credentials for each account, and `openssl`\(r.app == .classic ? " (the lifecycle configuration is passed base64-encoded)" : "")."]
        files.append(ScaffoldFile(path: "README.md", contents: readme.render()))
        return files
    }

    func clusterDocument(_ c: ScaffoldPlan.PlannedCluster) -> ScaffoldValue {
        var ec2: [(String, ScaffoldValue)] = [("IamInstanceProfile", .string(plan.literal(.init(resource: c.instanceProfile, attribute: .name)) ?? ""))]
        if let subnet = r.subnetId { ec2.append(("Ec2SubnetId", .string(subnet))) }
        return .object([("Cluster", .object([
            ("Name", .string(c.name)),
            ("ReleaseLabel", .string(c.releaseLabel)),
            ("Applications", .array(c.applications.map { .object([("Name", .string($0))]) })),
            ("ServiceRole", .string(plan.literal(.init(resource: c.serviceRole, attribute: .name)) ?? "")),
            ("SecurityConfiguration", .string(plan.literal(.init(resource: c.securityConfiguration, attribute: .name)) ?? "")),
            ("Ec2InstanceAttributes", .object(ec2)),
            ("InstanceCollectionType", .string("INSTANCE_GROUP")),
            ("InstanceGroups", .array([
                .object([("Name", .string("Primary")), ("InstanceGroupType", .string("MASTER")), ("InstanceType", .string(c.instanceType)),
                         ("RequestedInstanceCount", .int(1))]),
                .object([("Name", .string("Core")), ("InstanceGroupType", .string("CORE")), ("InstanceType", .string(c.instanceType)),
                         ("RequestedInstanceCount", .int(c.coreCount))]),
            ])),
            ("AutoTerminate", .bool(false)),
        ]))])
    }

    func createCluster(_ c: ScaffoldPlan.PlannedCluster) -> [String] {
        let profile = plan.literal(.init(resource: c.instanceProfile, attribute: .name)) ?? ""
        let service = plan.literal(.init(resource: c.serviceRole, attribute: .name)) ?? ""
        let sc = plan.literal(.init(resource: c.securityConfiguration, attribute: .name)) ?? ""
        return ["CLUSTER_ID=$(aws emr create-cluster", "--region \"$REGION\"", "--name \(c.name)", "--release-label \(c.releaseLabel)",
                "--applications \(c.applications.map { "Name=\($0)" }.joined(separator: " "))",
                "--service-role \(service)", "--ec2-attributes \"InstanceProfile=\(profile),SubnetId=$SUBNET_ID\"",
                "--security-configuration \(sc)",
                "--instance-groups InstanceGroupType=MASTER,InstanceCount=1,InstanceType=\(c.instanceType) InstanceGroupType=CORE,InstanceCount=\(c.coreCount),InstanceType=\(c.instanceType)",
                "--no-auto-terminate", "--query ClusterId --output text)"]
    }

    func applyScript(_ account: ScaffoldPlan.AccountPlan, _ steps: [Step]) -> String {
        var s = "#!/usr/bin/env bash\n"
        s += "# Creates the \(account.title) part of the runtime-role setup (\(r.option.title), \(r.app.title)).\n"
        s += "# Written by rolecheck scaffold; README.md (one folder up) explains each document.\n"
        s += "# Run it with credentials of account \(account.account)"
        s += account.kind == "data" ? ", after the Studio account's apply.sh.\n" : ".\n"
        s += "set -euo pipefail\ncd \"$(dirname \"$0\")\"\n\n"
        s += "REGION=\(r.region)\n"
        if account.userProfile != nil {
            if let d = r.domainId {
                s += "DOMAIN_ID=\"${DOMAIN_ID:-\(d)}\"\n"
            } else {
                s += ": \"${DOMAIN_ID:?set DOMAIN_ID to the ID of the SageMaker domain (aws sagemaker list-domains)}\"\n"
            }
        }
        if account.cluster != nil {
            if let subnet = r.subnetId {
                s += "SUBNET_ID=\"${SUBNET_ID:-\(subnet)}\"\n"
            } else {
                s += ": \"${SUBNET_ID:?set SUBNET_ID to the subnet the cluster runs in}\"\n"
            }
        }
        s += "\nactual=$(aws sts get-caller-identity --query Account --output text)\n"
        s += "if [ \"$actual\" != \"\(account.account)\" ]; then\n"
        s += "  echo \"apply.sh: these credentials are for account $actual, not \(account.account)\" >&2\n  exit 1\nfi\n"
        for step in steps {
            if !step.comment.isEmpty { s += "\n# \(step.comment)\n" }
            s += step.command + "\n"
        }
        return s
    }

    /// Single quotes for the shell (descriptions hold spaces).
    func shell(_ s: String) -> String { "'" + s.replacing("'", with: "'\\''") + "'" }
}
