/// The setup a scaffold writes, independent of the format: per account, the roles with their
/// trust and permission policies, the instance profile, the security configuration, the cluster,
/// the bucket policy and the Studio settings, each with what it is for.
///
/// The documents follow what AWS documents for runtime roles (docs/scaffold.md lists the
/// sources): the runtime roles trust only the cluster's instance-profile role, with
/// `sts:AssumeRole`, `sts:TagSession` and `sts:SetSourceIdentity` (the security configuration
/// propagates the source identity); `GetClusterSessionCredentials` is allowed only with an
/// `elasticmapreduce:ExecutionRoleArn` condition that lists the runtime roles; the EMR access
/// role of option 1 trusts only the Studio execution role.
struct ScaffoldPlan: Sendable {
    let request: ResolvedRequest
    var accounts: [AccountPlan]

    struct AccountPlan: Sendable {
        let account: String
        /// `studio` or `data`: the account's folder is `<account>-<kind>`.
        let kind: String
        var roles: [PlannedRole] = []
        var instanceProfile: PlannedInstanceProfile?
        var securityConfiguration: PlannedSecurityConfiguration?
        var cluster: PlannedCluster?
        var bucketPolicy: PlannedBucketPolicy?
        var lifecycleConfig: PlannedLifecycleConfig?
        var userProfile: PlannedUserProfile?

        var folder: String { "\(account)-\(kind)" }
        var title: String { kind == "studio" ? "Studio account \(account)" : "data account \(account)" }
    }

    struct PlannedPolicy: Sendable {
        let name: String
        let purpose: String
        let document: ScaffoldValue
        /// Written as its own resource in CloudFormation and Terraform (it names roles whose
        /// trust names this role: inline, the two would depend on each other).
        var separate = false
    }

    struct PlannedRole: Sendable {
        let key: ResourceKey
        let name: String
        let description: String
        /// What the role is for, in the README.
        let purpose: String
        let trust: ScaffoldValue
        var policies: [PlannedPolicy]
        /// AWS managed policies attached by ARN.
        var managedPolicyArns: [String] = []

        /// "policies: `name`: purpose; …", for the README.
        var policyList: String {
            var parts = policies.map { "`\($0.name)`: \($0.purpose)" }
            parts += managedPolicyArns.map { "`\($0.split(separator: "/").last ?? "")` (AWS managed)" }
            return "policies: " + parts.joined(separator: "; ")
        }
    }

    struct PlannedInstanceProfile: Sendable {
        let key: ResourceKey
        let name: String
        let role: ResourceKey
    }

    struct PlannedSecurityConfiguration: Sendable {
        let key: ResourceKey
        let name: String
        let configuration: ScaffoldValue
    }

    struct PlannedCluster: Sendable {
        let key: ResourceKey
        let name: String
        let releaseLabel: String
        let applications: [String]
        let instanceProfile: ResourceKey
        let serviceRole: ResourceKey
        let securityConfiguration: ResourceKey
        let instanceType: String
        let coreCount: Int
        /// What the cluster needs before it is created (its roles' policies).
        let dependsOnPolicies: [(role: ResourceKey, policy: String)]
    }

    struct PlannedBucketPolicy: Sendable {
        let key: ResourceKey
        let bucket: String
        let document: ScaffoldValue
    }

    struct PlannedLifecycleConfig: Sendable {
        let key: ResourceKey
        let name: String
        /// The script, and the files it writes (name → content), which are also written beside
        /// it for review and for rolecheck.
        let script: String
        let files: [(name: String, path: String, content: String)]
    }

    struct PlannedUserProfile: Sendable {
        let key: ResourceKey
        let name: String
        let settings: ScaffoldValue
    }

    // MARK: Names

    var studio: AccountPlan { accounts[0] }

    func account(_ id: String) -> AccountPlan? { accounts.first { $0.account == id } }

    /// The account that holds a resource.
    func owner(of key: ResourceKey) -> String? {
        for a in accounts {
            if a.roles.contains(where: { $0.key == key }) || a.instanceProfile?.key == key || a.securityConfiguration?.key == key
                || a.cluster?.key == key || a.bucketPolicy?.key == key || a.lifecycleConfig?.key == key || a.userProfile?.key == key {
                return a.account
            }
        }
        return nil
    }

    /// What a reference denotes before anything is created; nil for a cluster's ID.
    func literal(_ ref: ResourceRef) -> String? {
        let region = request.region
        for a in accounts {
            if let role = a.roles.first(where: { $0.key == ref.resource }) {
                return ref.attribute == .name ? role.name : "arn:aws:iam::\(a.account):role/\(role.name)"
            }
            if let p = a.instanceProfile, p.key == ref.resource {
                return ref.attribute == .name ? p.name : "arn:aws:iam::\(a.account):instance-profile/\(p.name)"
            }
            if let s = a.securityConfiguration, s.key == ref.resource { return s.name }
            if let c = a.cluster, c.key == ref.resource { return ref.attribute == .name ? c.name : nil }
            if let l = a.lifecycleConfig, l.key == ref.resource {
                return ref.attribute == .name ? l.name : "arn:aws:sagemaker:\(region):\(a.account):studio-lifecycle-config/\(l.name)"
            }
        }
        return nil
    }

    // MARK: Building

    static func build(_ r: ResolvedRequest) -> ScaffoldPlan {
        var builder = Builder(r: r)
        return builder.build()
    }

    struct Builder {
        let r: ResolvedRequest
        /// Whether the format can name the cluster it creates in a policy (CloudFormation and
        /// Terraform can, by reference; an AWS CLI document is written before the cluster exists).
        var clusterIdKnown: Bool { r.format != .cli }

        var runtimeKeys: [ResourceKey] {
            let sanitized = r.runtimeRoles.map { name in
                ResourceKey(name: "runtime_role_" + String(name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }))
            }
            if Set(sanitized).count == sanitized.count { return sanitized }
            return r.runtimeRoles.indices.map { ResourceKey(name: "runtime_role_\($0 + 1)") }
        }

        var instanceRoleName: String { "\(r.clusterName)-ec2-role" }
        var serviceRoleName: String { "\(r.clusterName)-service-role" }
        var studioRoleName: String { "\(r.clusterName)-studio-role" }
        var accessRoleName: String { "\(r.clusterName)-access-role" }
        var securityConfigurationName: String { "\(r.clusterName)-security-config" }
        var lifecycleConfigName: String { "\(r.clusterName)-preload-roles" }

        func roleArn(_ account: String, _ name: String) -> String { "arn:aws:iam::\(account):role/\(name)" }

        /// A role of the setup: a reference within its account, the literal ARN across accounts
        /// (a template or module cannot refer to another account's resources).
        func roleValue(_ key: ResourceKey, name: String, account: String, from: String) -> ScaffoldValue {
            account == from ? .ref(ResourceRef(resource: key, attribute: .arn)) : .string(roleArn(account, name))
        }

        func runtimeRoleValues(from: String) -> [ScaffoldValue] {
            zip(runtimeKeys, r.runtimeRoles).map { roleValue($0, name: $1, account: r.runtimeRoleAccount, from: from) }
        }

        static func policy(_ statements: [ScaffoldValue]) -> ScaffoldValue {
            .object([("Version", .string("2012-10-17")), ("Statement", .array(statements))])
        }

        static func statement(_ sid: String, _ actions: [String], _ resource: ScaffoldValue, effect: String = "Allow",
                              principal: ScaffoldValue? = nil, condition: ScaffoldValue? = nil) -> ScaffoldValue {
            var m: [(String, ScaffoldValue)] = [("Sid", .string(sid)), ("Effect", .string(effect))]
            if let principal { m.append(("Principal", principal)) }
            m.append(("Action", actions.count == 1 ? .string(actions[0]) : .strings(actions)))
            m.append(("Resource", resource))
            if let condition { m.append(("Condition", condition)) }
            return .object(m)
        }

        static func trust(_ sid: String, _ principal: ScaffoldValue, _ actions: [String], condition: ScaffoldValue? = nil) -> ScaffoldValue {
            var m: [(String, ScaffoldValue)] = [("Sid", .string(sid)), ("Effect", .string("Allow")), ("Principal", principal),
                                                ("Action", actions.count == 1 ? .string(actions[0]) : .strings(actions))]
            if let condition { m.append(("Condition", condition)) }
            return policy([.object(m)])
        }

        /// Discovery and `GetClusterSessionCredentials` for the runtime roles, as the caller in
        /// `from` (the Studio execution role, or the access role of option 1) needs them.
        func clusterAccessStatements(from: String) -> [ScaffoldValue] {
            let clusters = "arn:aws:elasticmapreduce:\(r.region):\(r.clusterAccount):cluster/"
            let sessionResource: ScaffoldValue = clusterIdKnown
                ? .text([.literal(clusters), .ref(ResourceRef(resource: .cluster, attribute: .id))])
                : .string(clusters + "*")
            return [
                Self.statement("AllowClusterDiscovery", ["elasticmapreduce:ListClusters", "elasticmapreduce:DescribeSecurityConfiguration"], .string("*")),
                Self.statement("AllowClusterDetailsDiscovery",
                               ["elasticmapreduce:DescribeCluster", "elasticmapreduce:ListInstances", "elasticmapreduce:ListInstanceGroups"],
                               .string(clusters + "*")),
                Self.statement("AllowRuntimeRoleSessionCredentials", ["elasticmapreduce:GetClusterSessionCredentials"], sessionResource,
                               condition: .object([("ArnEquals", .object([("elasticmapreduce:ExecutionRoleArn", .array(runtimeRoleValues(from: from)))]))])),
            ]
        }

        mutating func build() -> ScaffoldPlan {
            let S = r.studioAccount, C = r.clusterAccount, R = r.runtimeRoleAccount
            var plans: [String: AccountPlan] = [S: AccountPlan(account: S, kind: "studio")]
            if let d = r.dataAccount { plans[d] = AccountPlan(account: d, kind: "data") }
            let sessionCredentialsNote = clusterIdKnown
                ? "on this cluster only"
                : "on the account's clusters in \(r.region) (the cluster's ID is not known before it is created)"

            // Studio execution role.
            var studioPolicies = [PlannedPolicy(
                name: "studio-baseline",
                purpose: "what the Studio apps themselves use: their apps\(r.app == .jupyterlab ? " and spaces" : ""), and reading the domain's and profile's settings (add what your notebooks need beyond EMR)",
                document: Self.policy([
                    Self.statement("StudioApps", ["sagemaker:CreateApp", "sagemaker:DeleteApp", "sagemaker:DescribeApp"],
                                   .string("arn:aws:sagemaker:\(r.region):\(S):app/*")),
                ] + (r.app == .jupyterlab ? [
                    // The new Studio runs JupyterLab in spaces that users create.
                    Self.statement("StudioSpaces", ["sagemaker:CreateSpace", "sagemaker:UpdateSpace", "sagemaker:DeleteSpace"],
                                   .string("arn:aws:sagemaker:\(r.region):\(S):space/*")),
                ] : []) + [
                    Self.statement("StudioDescribe", ["sagemaker:DescribeDomain", "sagemaker:DescribeUserProfile", "sagemaker:DescribeSpace"],
                                   .strings(["arn:aws:sagemaker:\(r.region):\(S):domain/*", "arn:aws:sagemaker:\(r.region):\(S):user-profile/*",
                                             "arn:aws:sagemaker:\(r.region):\(S):space/*"])),
                    Self.statement("StudioList", ["sagemaker:ListApps", "sagemaker:ListSpaces"], .string("*")),
                ]))]
            if r.option == .option1 {
                studioPolicies.append(PlannedPolicy(
                    name: "assume-emr-access-role",
                    purpose: "lets Studio assume the EMR access role of the data account (and set the source identity, for domains that propagate it)",
                    document: Self.policy([Self.statement("AllowAssumeEmrAccessRole", ["sts:AssumeRole", "sts:SetSourceIdentity"],
                                                          .string(roleArn(C, accessRoleName)))])))
            } else {
                studioPolicies.append(PlannedPolicy(
                    name: "emr-runtime-role-access",
                    purpose: "lets Studio find the cluster and get session credentials for the runtime roles only (an `elasticmapreduce:ExecutionRoleArn` condition lists them), \(sessionCredentialsNote)",
                    document: Self.policy(clusterAccessStatements(from: S))))
            }
            plans[S]!.roles.append(PlannedRole(
                key: .studioExecutionRole, name: studioRoleName,
                description: "SageMaker Studio execution role of the \(r.userProfile) user profile",
                purpose: "the execution role of the user profile; SageMaker assumes it for the user's apps",
                trust: Self.trust("AllowSageMakerToAssume", .object([("Service", .string("sagemaker.amazonaws.com"))]), ["sts:AssumeRole"]),
                policies: studioPolicies))

            // The cluster's account: instance-profile role, service role, security configuration, cluster.
            let runtimeArns = runtimeRoleValues(from: C)
            plans[C]!.roles.append(PlannedRole(
                key: .instanceRole, name: instanceRoleName,
                description: "EC2 instance-profile role of the EMR cluster \(r.clusterName)",
                purpose: "the role behind the cluster's instance profile: EMR assumes the runtime roles with it",
                trust: Self.trust("AllowEC2ToAssume", .object([("Service", .string("ec2.amazonaws.com"))]), ["sts:AssumeRole"]),
                policies: [
                    PlannedPolicy(name: "cluster-node-access",
                                  purpose: "reads the cluster's TLS certificates (in-transit encryption)",
                                  document: Self.policy([Self.statement("ReadInTransitCertificates", ["s3:GetObject"],
                                                                        .string("arn:aws:s3:::\(r.certificateObject.bucket)/\(r.certificateObject.key)"))])),
                    PlannedPolicy(name: "runtime-role-usage",
                                  purpose: "lets the instance-profile role assume the runtime roles, tag the session and set its source identity (needed on this side too when the roles are in another account)",
                                  document: Self.policy([Self.statement("AllowRuntimeRoleUsage", ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
                                                                        .array(runtimeArns))]),
                                  separate: R == C),
                ]))
            plans[C]!.instanceProfile = PlannedInstanceProfile(key: .instanceProfile, name: instanceRoleName, role: .instanceRole)
            plans[C]!.roles.append(PlannedRole(
                key: .serviceRole, name: serviceRoleName,
                description: "EMR service role of the cluster \(r.clusterName)",
                purpose: "the cluster's service role: EMR manages the cluster's EC2 resources with it (AWS managed policy `AmazonEMRServicePolicy_v2`)",
                trust: Self.trust("AllowEMRToAssume", .object([("Service", .string("elasticmapreduce.amazonaws.com"))]), ["sts:AssumeRole"],
                                  condition: .object([
                                      ("StringEquals", .object([("aws:SourceAccount", .string(C))])),
                                      ("ArnLike", .object([("aws:SourceArn", .string("arn:aws:elasticmapreduce:\(r.region):\(C):*"))])),
                                  ])),
                policies: [PlannedPolicy(
                    name: "pass-instance-profile-role",
                    purpose: "lets EMR pass the instance-profile role to the cluster's EC2 instances (the managed policy passes only roles named EMR_EC2_DefaultRole)",
                    document: Self.policy([Self.statement("PassInstanceProfileRole", ["iam:PassRole"],
                                                          .ref(ResourceRef(resource: .instanceRole, attribute: .arn)),
                                                          condition: .object([("StringEquals", .object([("iam:PassedToService", .string("ec2.amazonaws.com"))]))]))]))],
                managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2"]))
            plans[C]!.securityConfiguration = PlannedSecurityConfiguration(
                key: .securityConfiguration, name: securityConfigurationName,
                configuration: .object([
                    ("AuthorizationConfiguration", .object([
                        ("IAMConfiguration", .object([
                            ("EnableApplicationScopedIAMRole", .bool(true)),
                            ("ApplicationScopedIAMRoleConfiguration", .object([("PropagateSourceIdentity", .bool(true))])),
                        ])),
                    ])),
                    ("EncryptionConfiguration", .object([
                        ("EnableInTransitEncryption", .bool(true)),
                        ("EnableAtRestEncryption", .bool(false)),
                        ("InTransitEncryptionConfiguration", .object([
                            ("TLSCertificateConfiguration", .object([
                                ("CertificateProviderType", .string("PEM")),
                                ("S3Object", .string(r.certificates)),
                            ])),
                        ])),
                    ])),
                ]))
            plans[C]!.cluster = PlannedCluster(
                key: .cluster, name: r.clusterName, releaseLabel: r.releaseLabel, applications: ["Hadoop", "Hive", "Livy", "Spark"],
                instanceProfile: .instanceProfile, serviceRole: .serviceRole, securityConfiguration: .securityConfiguration,
                instanceType: "m5.xlarge", coreCount: 2,
                dependsOnPolicies: [(.instanceRole, "cluster-node-access"), (.serviceRole, "pass-instance-profile-role")])

            // Option 1: the EMR access role, beside the cluster.
            if r.option == .option1 {
                plans[C]!.roles.append(PlannedRole(
                    key: .accessRole, name: accessRoleName,
                    description: "EMR access role that SageMaker Studio in \(S) assumes to reach the cluster \(r.clusterName)",
                    purpose: "the EMR access role: Studio's execution role (and only it) assumes it to find the cluster and get session credentials for the runtime roles, \(sessionCredentialsNote)",
                    trust: Self.trust("AllowStudioExecutionRoleToAssume", .object([("AWS", .string(roleArn(S, studioRoleName)))]),
                                      ["sts:AssumeRole", "sts:SetSourceIdentity"]),
                    policies: [PlannedPolicy(name: "emr-cluster-access",
                                             purpose: "cluster discovery, and session credentials for the runtime roles only",
                                             document: Self.policy(clusterAccessStatements(from: C)))]))
            }

            // Runtime roles.
            let bucketArn = "arn:aws:s3:::\(r.dataBucket)"
            for (key, name) in zip(runtimeKeys, r.runtimeRoles) {
                plans[R]!.roles.append(PlannedRole(
                    key: key, name: name,
                    description: "EMR runtime role for SageMaker Studio users of the cluster \(r.clusterName)",
                    purpose: "a runtime role: Studio users pick it when they connect, and their Spark, Hive and Presto work runs with its permissions",
                    trust: Self.trust("AllowClusterInstanceProfileRole",
                                      .object([("AWS", roleValue(.instanceRole, name: instanceRoleName, account: C, from: R))]),
                                      ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]),
                    policies: [PlannedPolicy(
                        name: "data-access",
                        purpose: "what the role's jobs may read: the data bucket \(r.dataBucket)\(r.option == .option2 ? " (its bucket policy in the data account grants the same)" : "")",
                        document: Self.policy([
                            Self.statement("ListDataBucket", ["s3:ListBucket"], .string(bucketArn)),
                            Self.statement("ReadData", ["s3:GetObject"], .string(bucketArn + "/*")),
                        ]))]))
            }

            // Option 2: the data account's bucket policy names the runtime roles.
            if r.option == .option2 {
                let roles = ScaffoldValue.array(r.runtimeRoles.map { .string(roleArn(R, $0)) })
                plans[r.bucketAccount]!.bucketPolicy = PlannedBucketPolicy(
                    key: .bucketPolicy, bucket: r.dataBucket,
                    document: Self.policy([
                        Self.statement("AllowStudioRuntimeRolesToList", ["s3:ListBucket"], .string(bucketArn), principal: .object([("AWS", roles)])),
                        Self.statement("AllowStudioRuntimeRolesToRead", ["s3:GetObject"], .string(bucketArn + "/*"), principal: .object([("AWS", roles)])),
                        Self.statement("DenyInsecureTransport", ["s3:*"], .strings([bucketArn, bucketArn + "/*"]), effect: "Deny",
                                       principal: .string("*"),
                                       condition: .object([("Bool", .object([("aws:SecureTransport", .string("false"))]))])),
                    ]))
            }

            // Studio settings.
            let executionRoleArns = ScaffoldValue.array(runtimeRoleValues(from: S))
            switch r.app {
            case .jupyterlab:
                var emr: [(String, ScaffoldValue)] = []
                if r.option == .option1 { emr.append(("AssumableRoleArns", .strings([roleArn(C, accessRoleName)]))) }
                emr.append(("ExecutionRoleArns", executionRoleArns))
                plans[S]!.userProfile = PlannedUserProfile(key: .userProfile, name: r.userProfile, settings: .object([
                    ("ExecutionRole", .ref(ResourceRef(resource: .studioExecutionRole, attribute: .arn))),
                    ("StudioWebPortal", .string("ENABLED")),
                    ("DefaultLandingUri", .string("studio::")),
                    ("JupyterLabAppSettings", .object([("EmrSettings", .object(emr))])),
                ]))
            case .classic:
                let lifecycle = ResourceRef(resource: .lifecycleConfig, attribute: .arn)
                plans[S]!.lifecycleConfig = classicLifecycleConfig()
                plans[S]!.userProfile = PlannedUserProfile(key: .userProfile, name: r.userProfile, settings: .object([
                    ("ExecutionRole", .ref(ResourceRef(resource: .studioExecutionRole, attribute: .arn))),
                    ("StudioWebPortal", .string("DISABLED")),
                    ("DefaultLandingUri", .string("app:JupyterServer:")),
                    ("JupyterServerAppSettings", .object([
                        ("DefaultResourceSpec", .object([
                            ("SageMakerImageArn", .string("arn:aws:sagemaker:\(r.region):\(r.classicImageAccount!):image/jupyter-server-3")),
                            ("InstanceType", .string("system")),
                            ("LifecycleConfigArn", .ref(lifecycle)),
                        ])),
                        ("LifecycleConfigArns", .array([.ref(lifecycle)])),
                    ])),
                ]))
            }
            return ScaffoldPlan(request: r, accounts: r.accounts.map { plans[$0]! })
        }

        /// Studio Classic: a JupyterServer lifecycle configuration that writes the runtime-role
        /// list (and, for option 1, the cross-account discovery file) into the user's home.
        func classicLifecycleConfig() -> PlannedLifecycleConfig {
            let roles = r.runtimeRoles.map { roleArn(r.runtimeRoleAccount, $0) }
            // The list is keyed by the cluster's account, whatever account the roles are in.
            let executionRoles = ScaffoldJSON.document(.object([
                ("emr-execution-role-arns", .object([(r.clusterAccount, .array(roles.map { .string($0) }))])),
            ]))
            var files = [(name: "emr-configurations-DO_NOT_DELETE.json",
                          path: "/home/sagemaker-user/.sagemaker-analytics-configuration-DO_NOT_DELETE", content: executionRoles)]
            if r.option == .option1 {
                files.append((name: "emr-discovery-iam-role-arns-DO_NOT_DELETE.json",
                              path: "/home/sagemaker-user/.cross-account-configuration-DO_NOT_DELETE",
                              content: ScaffoldJSON.document(.object([(r.clusterAccount, .string(roleArn(r.clusterAccount, accessRoleName)))]))))
            }
            var script = """
            #!/bin/bash
            # Studio Classic lifecycle configuration (JupyterServer app), written by rolecheck scaffold.
            # It preloads the EMR runtime roles of the cluster \(r.clusterName) into the user's home, where
            # Studio Classic reads them when the Jupyter server starts.
            set -eu

            """
            for f in files {
                script += """

                mkdir -p \(f.path)
                cat > \(f.path)/\(f.name) <<'EOF'
                \(f.content)EOF

                """
            }
            return PlannedLifecycleConfig(key: .lifecycleConfig, name: lifecycleConfigName, script: script, files: files)
        }
    }
}
