import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckModel
@testable import RoleCheckEngine

/// A working setup with ordinary guardrails: conditions on keys whose values the inputs do not
/// give (a principal tag, the Region, a resource tag) are doubts — a warning that names the key —
/// never errors. A condition that fails on a value the inputs do give stays an error.
@Suite struct GuardrailTests {
    static let folder = "samples/setups/same-account-jupyterlab"

    /// The working same-account sample with one text replaced in its IAM export.
    static func lint(replacing old: String, with new: String) throws -> LintReport {
        try lint([("111122223333-studio/iam.json", old, new)])
    }

    /// The runtime roles' statement that lets the instance-profile role assume them (as the
    /// sample's export lays it out).
    static let trustStatement = "\"AWS\": \"arn:aws:iam::111122223333:role/EMR_EC2_RuntimeRolesRole\"\n"
        + "                        },\n                        \"Action\": \"sts:AssumeRole\""

    /// The start of the Studio role's GetClusterSessionCredentials condition.
    static let sessionCondition = "\"Condition\": {\n                                    \"ArnLike\": {\n"
        + "                                        \"elasticmapreduce:ExecutionRoleArn\""

    static func sessionCondition(adding entry: String) -> String {
        "\"Condition\": {\(entry), \"ArnLike\": {\"elasticmapreduce:ExecutionRoleArn\""
    }

    @Test func theSampleItselfHasNoError() throws {
        let report = Linter().lint(files: try OrderIndependenceTests.files(of: Self.folder))
        #expect(report.count(.error) == 0 && report.count(.warning) == 0)
    }

    /// The sample with its files edited: each (file suffix, old text, new text) in turn.
    static func lint(_ edits: [(String, String, String)]) throws -> LintReport {
        try TestSupport.lint(folder: folder, edits: edits)
    }

    static func principalTagTrust(_ value: String) -> (String, String, String) {
        ("iam.json", trustStatement, trustStatement + #", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "\#(value)"}}"#)
    }

    /// The instance-profile role's export without its Tags: its tags are then not known.
    static let instanceProfileTagsUnknown = ("iam.json",
        "\"AttachedManagedPolicies\": [],\n            \"Tags\": [\n                {\n                    \"Key\": \"team\",\n                    \"Value\": \"ml-platform\"\n                }\n            ],\n            \"RoleLastUsed\"",
        "\"AttachedManagedPolicies\": [],\n            \"RoleLastUsed\"")

    @Test func aTrustConditionedOnThePrincipalsTagIsDecidedFromItsTags() throws {
        // The instance-profile role carries team=ml-platform: the guard admits it.
        let ok = try Self.lint([Self.principalTagTrust("ml-platform")])
        #expect(ok.count(.error) == 0 && ok.count(.warning) == 0, "\(ok.findings.filter { $0.severity != .note }.map(\.message))")
        // Another value: the listed tags do not match, so the trust refuses.
        let refused = try Self.lint([Self.principalTagTrust("finance")])
        let error = try #require(refused.findings.first { $0.ruleId == "RC301" })
        #expect(error.severity == .error && !error.message.contains("depends on condition key"))
    }

    @Test func aTrustConditionedOnAPrincipalTagOfARoleWithUnlistedTagsIsAWarning() throws {
        let report = try Self.lint([Self.principalTagTrust("finance"), Self.instanceProfileTagsUnknown])
        #expect(report.count(.error) == 0, "\(report.findings.filter { $0.severity == .error }.map(\.message))")
        let warning = try #require(report.findings.first { $0.ruleId == "RC301" })
        #expect(warning.severity == .warning)
        #expect(warning.message.contains("depends on condition key aws:PrincipalTag/team"))
    }

    @Test func aRegionGuardIsDecidedFromTheClustersRegion() throws {
        let same = try Self.lint([("iam.json", Self.sessionCondition, Self.sessionCondition(adding: #""StringEquals": {"aws:RequestedRegion": "us-east-1"}"#))])
        #expect(same.count(.error) == 0 && same.count(.warning) == 0)
        let other = try Self.lint([("iam.json", Self.sessionCondition, Self.sessionCondition(adding: #""StringEquals": {"aws:RequestedRegion": "eu-west-1"}"#))])
        #expect(other.findings.contains { $0.ruleId == "RC306" && $0.severity == .error })
    }

    @Test func aResourceTagConditionAsInTheSageMakerGuideIsDecidedFromTheClustersTags() throws {
        let tagged = try Self.lint([("iam.json", Self.sessionCondition, Self.sessionCondition(adding: #""StringEquals": {"elasticmapreduce:ResourceTag/team": "ml-platform"}"#))])
        #expect(tagged.count(.error) == 0 && tagged.count(.warning) == 0)
        // A describe-cluster without Tags: the cluster's tags are not known, so a doubt.
        let unknown = try Self.lint([
            ("iam.json", Self.sessionCondition, Self.sessionCondition(adding: #""StringEquals": {"elasticmapreduce:ResourceTag/team": "ml"}"#)),
            ("describe-cluster.json", "\"Tags\":", "\"Tagz\":"),
        ])
        #expect(unknown.count(.error) == 0)
        #expect(unknown.findings.contains { $0.ruleId == "RC306" && $0.severity == .warning && $0.message.contains("elasticmapreduce:ResourceTag/team") })
    }

    @Test func aConditionThatFailsOnAKnownValueIsStillAnError() throws {
        // aws:PrincipalArn is known: the caller's role. A condition naming another role fails.
        let report = try Self.lint(replacing: Self.trustStatement,
                                   with: Self.trustStatement + #", "Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/someone-else"}}"#)
        let finding = try #require(report.findings.first { $0.ruleId == "RC301" })
        #expect(finding.severity == .error)
        #expect(!finding.message.contains("depends on condition key"))
    }

    static func trustCondition(_ condition: String) -> (String, String, String) {
        ("iam.json", trustStatement, trustStatement + ", \"Condition\": {\(condition)}")
    }

    static let externalId = "RYV7PMDVQWMWKZOVIQBZPQ4UQIRGDF2PZ5NAURS7KU4R44PG"

    @Test func anExternalIdConditionIsDecidedFromTheSecurityConfiguration() throws {
        // The describe output shows the ID EMR generated: the trust's condition matches it.
        let ok = try Self.lint([Self.trustCondition(#""StringEquals": {"sts:ExternalId": "\#(Self.externalId)"}"#)])
        #expect(ok.count(.error) == 0 && ok.count(.warning) == 0, "\(ok.findings.filter { $0.severity != .note }.map(\.message))")
        // Another department's ID: EMR's AssumeRole carries this configuration's ID, so the trust refuses.
        let other = try Self.lint([Self.trustCondition(#""StringEquals": {"sts:ExternalId": "ANOTHERDEPARTMENTSID"}"#)])
        let error = try #require(other.findings.first { $0.ruleId == "RC301" })
        #expect(error.severity == .error && error.message.contains("sts:ExternalId"))
    }

    @Test func anExternalIdConditionWithTheIdNotShownIsAWarningNamingTheKey() throws {
        // The configuration as authored (no ExternalId yet): the ID is not known.
        let report = try Self.lint([
            Self.trustCondition(#""StringEquals": {"sts:ExternalId": "SOMEID"}"#),
            ("describe-security-configuration.json", #",\"ExternalId\":\"\#(Self.externalId)\""#, ""),
        ])
        #expect(report.count(.error) == 0, "\(report.findings.filter { $0.severity == .error }.map(\.message))")
        #expect(report.findings.contains { $0.ruleId == "RC301" && $0.severity == .warning && $0.message.contains("sts:ExternalId") })
    }

    /// The sample with source identity propagated and the trust's SetSourceIdentity statement
    /// conditioned as given.
    static func sourceIdentity(_ condition: String) throws -> LintReport {
        try lint([
            ("describe-security-configuration.json", #"\"PropagateSourceIdentity\":false"#, #"\"PropagateSourceIdentity\":true"#),
            ("iam.json", trustStatement, trustStatement.replacing("\"Action\": \"sts:AssumeRole\"", with: "\"Action\": \"sts:AssumeRole\"}, {\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:role/EMR_EC2_RuntimeRolesRole\"}, \"Action\": \"sts:SetSourceIdentity\", \"Condition\": {\(condition)}")),
        ])
    }

    @Test func aSourceIdentityConditionThatAnyNamePassesHolds() throws {
        let report = try Self.sourceIdentity(#""StringLike": {"sts:SourceIdentity": "*"}"#)
        // (The instance-profile role's own policy lacks sts:SetSourceIdentity: RC304's warning, not the trust's.)
        let bad = report.findings.filter { ["RC301", "RC303"].contains($0.ruleId) && $0.severity != .note }
        #expect(bad.isEmpty, "\(bad.map { "\($0.ruleId) \($0.message)" })")
    }

    @Test func aSourceIdentityConditionNamingUsersIsAWarningNotAnError() throws {
        // The source identity is each Studio user's name: not among the inputs.
        let report = try Self.sourceIdentity(#""StringEquals": {"sts:SourceIdentity": "alice"}"#)
        #expect(!report.findings.contains { $0.ruleId == "RC303" && $0.severity == .error })
        #expect(report.findings.contains { $0.ruleId == "RC303" && $0.severity == .warning && $0.message.contains("sts:SourceIdentity") },
                "\(report.findings.map { "\($0.ruleId) \($0.message)" })")
    }

    @Test func aRootPrincipalNarrowedByARoleArnWithAPathAdmitsThatRole() throws {
        // The instance-profile role moves under /service/; the trust names the account and
        // narrows it with aws:PrincipalArn, path included.
        let path = "arn:aws:iam::111122223333:role/service/EMR_EC2_RuntimeRolesRole"
        let narrowed = #""AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole", "Condition": {"ArnEquals": {"aws:PrincipalArn": "\#(path)"}}"#
        let report = try Self.lint([
            ("iam.json", "\"Path\": \"/\",\n            \"RoleName\": \"EMR_EC2_RuntimeRolesRole\"", "\"Path\": \"/service/\",\n            \"RoleName\": \"EMR_EC2_RuntimeRolesRole\""),
            ("iam.json", "\"Arn\": \"arn:aws:iam::111122223333:role/EMR_EC2_RuntimeRolesRole\"", "\"Arn\": \"\(path)\""),
            ("iam.json", Self.trustStatement, narrowed),
        ])
        #expect(!report.findings.contains { ["RC301", "RC302", "RC304"].contains($0.ruleId) && $0.severity == .error },
                "\(report.findings.filter { $0.severity == .error }.map(\.message))")
    }

    @Test func anUnknownKeyThatCouldNotHelpIsNoExcuse() throws {
        // The statement also names the wrong principal: no value of the tag would let the
        // instance-profile role in, so the refusal is certain.
        let report = try Self.lint(
            replacing: Self.trustStatement,
            with: #""AWS": "arn:aws:iam::111122223333:role/other"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:PrincipalTag/x": "y"}}"#)
        let finding = try #require(report.findings.first { $0.ruleId == "RC301" })
        #expect(finding.severity == .error)
    }
}

/// The document that refuses is the one a finding blames.
@Suite struct RefusalTests {
    @Test func aDenyInARuntimeRolesTrustIsRC301AtTheDenyNotRC304() throws {
        // The runtime roles' trust gains a Deny for the instance-profile role.
        let report = try GuardrailTests.lint(
            replacing: GuardrailTests.trustStatement,
            with: GuardrailTests.trustStatement + #"}, {"Sid": "NoEmr", "Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111122223333:role/EMR_EC2_RuntimeRolesRole"}, "Action": "sts:AssumeRole""#)
        #expect(!report.findings.contains { $0.ruleId == "RC304" }, "\(report.findings.filter { $0.ruleId == "RC304" }.map(\.message))")
        let finding = try #require(report.findings.first { $0.ruleId == "RC301" })
        #expect(finding.severity == .error)
        #expect(finding.message.contains("statement \"NoEmr\" denies sts:AssumeRole"), "\(finding.message)")
        // It points at the Deny's Effect.
        #expect(finding.location.pointer?.hasSuffix("/Effect") == true, "\(finding.location.pointer ?? "")")
    }
}

/// An account's get-account-authorization-details export is its whole IAM.
@Suite struct CompletenessTests {
    static func lint(profileRole: String, dropExport: Bool = false) throws -> LintReport {
        var files = try OrderIndependenceTests.files(of: GuardrailTests.folder)
        if dropExport { files.removeAll { $0.path.hasSuffix("/iam.json") } }
        for i in files.indices where files[i].path.hasSuffix("describe-user-profile.json") || files[i].path.hasSuffix("describe-domain.json") {
            let text = String(decoding: files[i].bytes, as: UTF8.self)
            files[i] = SourceFile(path: files[i].path, text: text.replacing("role/emr-runtime-ml-engineer", with: "role/\(profileRole)"))
        }
        return Linter().lint(files: files)
    }

    @Test func aRuntimeRoleTheAccountsExportDoesNotListDoesNotExist() throws {
        let report = try Self.lint(profileRole: "emr-runtime-ghost")
        let finding = try #require(report.findings.first { $0.ruleId == "RC004" && $0.message.contains("emr-runtime-ghost") })
        #expect(finding.severity == .error)
        #expect(finding.message.contains("does not exist") && finding.message.contains("lists every role"))
    }

    @Test func withoutTheExportTheRoleIsOnlyNotAmongTheInputs() throws {
        let report = try Self.lint(profileRole: "emr-runtime-ghost", dropExport: true)
        let finding = try #require(report.findings.first { $0.ruleId == "RC004" && $0.message.contains("emr-runtime-ghost") })
        #expect(finding.severity == .warning)
        #expect(finding.message.contains("not among the inputs"))
    }

    @Test func anInstanceProfileListedUnderARoleContainsIt() {
        let export = """
        {"RoleDetailList": [{"RoleName": "EMR_EC2_RuntimeRolesRole", "Arn": "arn:aws:iam::111122223333:role/EMR_EC2_RuntimeRolesRole",
          "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
          "InstanceProfileList": [{"InstanceProfileName": "emr-profile", "Arn": "arn:aws:iam::111122223333:instance-profile/emr-profile", "Roles": []}],
          "RolePolicyList": [], "AttachedManagedPolicies": []}]}
        """
        let setup = Linter().analyze(inputs: [.file(SourceFile(path: "111122223333-x/iam.json", text: export))]).setup
        #expect(setup.resources.instanceProfiles.first?.roleNames == ["EMR_EC2_RuntimeRolesRole"])
        #expect(setup.completeAccounts == ["111122223333"])
    }
}

/// AWS-managed policies are AWS's documents: a finding about one says so and what to do instead.
@Suite struct AWSManagedPolicyTests {
    @Test func anUnconditionedAWSManagedPolicyIsAWarningAboutAttachingIt() throws {
        let export = """
        {"RoleDetailList": [], "Policies": [
          {"PolicyName": "AmazonEMRFullAccessPolicy_v2", "Arn": "arn:aws:iam::aws:policy/AmazonEMRFullAccessPolicy_v2", "DefaultVersionId": "v1",
           "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": {"Version": "2012-10-17", "Statement": [
             {"Sid": "EmrFull", "Effect": "Allow", "Action": "elasticmapreduce:*", "Resource": "*"}]}}]},
          {"PolicyName": "team-emr", "Arn": "arn:aws:iam::111122223333:policy/team-emr", "DefaultVersionId": "v1",
           "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": {"Version": "2012-10-17", "Statement": [
             {"Sid": "EmrFull", "Effect": "Allow", "Action": "elasticmapreduce:*", "Resource": "*"}]}}]}]}
        """
        let report = TestSupport.lint([("111122223333-x/iam.json", export)])
        let rc307 = report.findings.filter { $0.ruleId == "RC307" }
        let aws = rc307.filter { $0.message.contains("AWS-managed") }
        let own = rc307.filter { !$0.message.contains("AWS-managed") }
        #expect(!aws.isEmpty && aws.allSatisfy { $0.severity == .warning && $0.message.contains("cannot be edited") })
        #expect(!own.isEmpty && own.allSatisfy { $0.severity == .error })
    }

    /// AmazonElasticMapReduceFullAccess's document as AWS publishes it, from the corpus:
    /// recognition is by the whole document, so no excerpt would do.
    static func emrFullAccess() -> String? {
        guard let base = TestSupport.sharedData("iam-policies") else { return nil }
        return TestSupport.readFile(base + "/managed/AmazonElasticMapReduceFullAccess.json").map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func aFileHoldingAnAWSManagedPolicyIsJudgedAsAWSs() throws {
        guard let text = Self.emrFullAccess() else { return }
        let report = TestSupport.lint([("policies/emr-full.json", text)])
        // No hygiene findings on AWS's text; RC307 is the warning about attaching it.
        #expect(report.findings.allSatisfy { $0.ruleId == "RC307" && $0.severity == .warning },
                "\(report.findings.map { "\($0.ruleId) \($0.severity) \($0.message)" })")
        #expect(report.findings.contains { $0.message.contains("AmazonElasticMapReduceFullAccess") && $0.message.contains("cannot be edited") })
    }

    @Test func anEditedCopyIsTheUsersOwnPolicy() throws {
        guard let text = Self.emrFullAccess() else { return }
        // One action added: no longer AWS's document, so judged as the user's.
        let edited = text.replacing("\"elasticmapreduce:*\"", with: "\"elasticmapreduce:*\", \"sts:AssumeRole\"")
        #expect(edited != text)
        let report = TestSupport.lint([("policies/emr-full.json", edited)])
        #expect(report.findings.contains { $0.ruleId == "RC307" && $0.severity == .error })
    }

    @Test func aLiveExportIsWithinItsQuota() throws {
        // A trust policy over 2,048 characters: as a file of its own, a warning (the quota may
        // apply); as get-role output, IAM already accepted it.
        let principals = (1...60).map { "\"arn:aws:iam::111122223333:role/team-\($0)-runtime-role\"" }.joined(separator: ", ")
        let trust = #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": [\#(principals)]}, "Action": "sts:AssumeRole"}]}"#
        let standalone = TestSupport.lint([("trust.json", trust)])
        #expect(standalone.findings.contains { $0.ruleId == "RC110" })
        let getRole = #"{"Role": {"Path": "/", "RoleName": "r", "RoleId": "AROAEXAMPLE", "Arn": "arn:aws:iam::111122223333:role/r", "AssumeRolePolicyDocument": \#(trust)}}"#
        let live = TestSupport.lint([("111122223333-x/get-role.json", getRole)])
        #expect(!live.findings.contains { $0.ruleId == "RC110" }, "\(live.findings.map(\.message))")
    }
}

/// Studio's role lists: a user profile's EmrSettings replace the domain's (they are not merged).
@Suite struct ProfileOverDomainTests {
    static let profileList = "                \"ExecutionRoleArns\": [\n"
        + "                    \"arn:aws:iam::111122223333:role/emr-runtime-ml-analyst\",\n"
        + "                    \"arn:aws:iam::111122223333:role/emr-runtime-ml-engineer\"\n"
        + "                ]"

    @Test func aProfileListThatLeavesTheClusterWithoutARuntimeRoleIsAnError() throws {
        // The profile keeps an EmrSettings of its own with no runtime role of the cluster's
        // account: the domain's roles are not used, and JupyterLab cannot connect.
        let report = try GuardrailTests.lint([("describe-user-profile.json", Self.profileList,
                                               #"                "ExecutionRoleArns": ["arn:aws:iam::444455556666:role/emr-runtime-elsewhere"]"#)])
        let finding = try #require(report.findings.first { $0.ruleId == "RC309" })
        #expect(finding.severity == .error)
        #expect(finding.message.contains("not merged"))
        #expect(finding.location.file.hasSuffix("describe-user-profile.json"))
    }

    @Test func aProfileListThatDropsOneOfTheDomainsRolesIsAWarning() throws {
        // One runtime role kept: the user can connect; the other role may be withheld on purpose.
        let report = try GuardrailTests.lint([("describe-user-profile.json", Self.profileList,
                                               #"                "ExecutionRoleArns": ["arn:aws:iam::111122223333:role/emr-runtime-ml-analyst"]"#)])
        let rc309 = report.findings.filter { $0.ruleId == "RC309" }
        #expect(!rc309.isEmpty && rc309.allSatisfy { $0.severity == .warning }, "\(rc309.map(\.message))")
        #expect(report.count(.error) == 0)
    }

    @Test func emptyProfileListsFallBackToTheDomains() throws {
        let report = try GuardrailTests.lint([("describe-user-profile.json", Self.profileList, #"                "ExecutionRoleArns": []"#)])
        #expect(!report.findings.contains { $0.ruleId == "RC309" && $0.severity != .note })
    }
}

/// A fix is worded for the input: a template is edited, a running cluster is replaced.
@Suite struct RemediationWordingTests {
    static let template = """
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      RuntimeRoles:
        Type: AWS::EMR::SecurityConfiguration
        Properties:
          Name: rr
          SecurityConfiguration: {AuthorizationConfiguration: {IAMConfiguration: {EnableApplicationScopedIAMRole: true}}}
      Cluster:
        Type: AWS::EMR::Cluster
        Properties:
          Name: analytics
          ReleaseLabel: emr-6.5.0
          SecurityConfiguration: !Ref RuntimeRoles
          JobFlowRole: emr-profile
          ServiceRole: EMR_DefaultRole_V2
          Instances: {}
          Applications: [{Name: Livy}, {Name: Spark}]
    """

    @Test func aTemplatesReleaseIsSetInTheTemplate() {
        let report = TestSupport.lint([("111122223333-x/template.yaml", Self.template)])
        let finding = report.findings.first { $0.ruleId == "RC201" }
        #expect(finding?.message.contains("set ReleaseLabel to emr-6.10.0 or later in the template") == true, "\(finding?.message ?? "none")")
    }

    @Test func anExportedClustersReleaseNeedsANewCluster() {
        let cluster = """
        {"Cluster": {"Id": "j-1", "ReleaseLabel": "emr-6.5.0", "SecurityConfiguration": "rr", "Applications": [{"Name": "Livy"}],
          "ClusterArn": "arn:aws:elasticmapreduce:us-east-1:111122223333:cluster/j-1"}}
        """
        let report = TestSupport.lintRequiringRuntimeRoles([("111122223333-x/describe-cluster.json", cluster)])
        let finding = report.findings.first { $0.ruleId == "RC201" }
        #expect(finding?.message.contains("launch a new cluster with emr-6.10.0 or later") == true, "\(finding?.message ?? "none")")
    }

    @Test func applicationsAndPrimaryNodesAreFixedWhereTheyAreWritten() {
        let template = Self.template.replacing("Applications: [{Name: Livy}, {Name: Spark}]", with: "Applications: [{Name: Spark}]")
            .replacing("Instances: {}", with: "Instances: {MasterInstanceGroup: {InstanceCount: 3, InstanceType: m5.xlarge}}")
        let report = TestSupport.lint([("111122223333-x/template.yaml", template)])
        let rc203 = report.findings.first { $0.ruleId == "RC203" }
        #expect(rc203?.message.contains("Add Livy (with Spark) to Applications in the template") == true, "\(rc203?.message ?? "none")")
        let rc204 = report.findings.first { $0.ruleId == "RC204" }
        #expect(rc204?.message.contains("in the template") == true, "\(rc204?.message ?? "none")")
        let cluster = """
        {"Cluster": {"Id": "j-1", "ReleaseLabel": "emr-7.1.0", "SecurityConfiguration": "rr", "Applications": [{"Name": "Spark"}],
          "ClusterArn": "arn:aws:elasticmapreduce:us-east-1:111122223333:cluster/j-1"}}
        """
        let exported = TestSupport.lintRequiringRuntimeRoles([("111122223333-x/describe-cluster.json", cluster)])
        let live = exported.findings.first { $0.ruleId == "RC203" }
        #expect(live?.message.contains("launch a new cluster with Livy") == true, "\(live?.message ?? "none")")
    }

    @Test func aSecurityConfigurationIsFixedWhereItLives() {
        let off = #"{"AuthorizationConfiguration": {"IAMConfiguration": {"EnableApplicationScopedIAMRole": false}}}"#
        let file = TestSupport.lintRequiringRuntimeRoles([("sc.json", off)])
        #expect(file.findings.first { $0.ruleId == "RC205" }?.message.contains("before creating the security configuration") == true)
        let describe = #"{"Name": "rr", "SecurityConfiguration": "{\"AuthorizationConfiguration\": {\"IAMConfiguration\": {\"EnableApplicationScopedIAMRole\": false}}}"}"#
        let live = TestSupport.lintRequiringRuntimeRoles([("111122223333-x/describe-security-configuration.json", describe)])
        #expect(live.findings.first { $0.ruleId == "RC205" }?.message.contains("in a new security configuration (an existing one cannot be edited)") == true,
                "\(live.findings.map(\.message))")
        let template = Self.template.replacing("EnableApplicationScopedIAMRole: true", with: "EnableApplicationScopedIAMRole: false")
        let cfn = TestSupport.lint([("111122223333-x/template.yaml", template)])
        #expect(cfn.findings.first { $0.ruleId == "RC205" }?.message.contains("in the template") == true, "\(cfn.findings.map(\.message))")
    }
}

/// AWS Organizations' service and resource control policies, as `rolecheck collect` writes them.
@Suite struct OrganizationPolicyTests {
    static func organization(scps: [String] = [fullAccess], rcps: [String] = [], accounts: [String] = ["111122223333"]) -> String {
        func list(_ policies: [String], _ prefix: String) -> String {
            "[" + policies.enumerated().map { i, p in
                "{\"Id\": \"\(prefix)-\(i)\", \"Name\": \"\(prefix)-\(i)\", \"Content\": \(JSONText.quoted(p))}"
            }.joined(separator: ", ") + "]"
        }
        return """
        {"OrganizationPolicies": {"Account": "111122223333", "OrganizationId": "o-exampleorg", "ManagementAccount": "999999999999",
          "Accounts": [\(accounts.map { "\"\($0)\"" }.joined(separator: ", "))],
          "Levels": [
            {"Target": "r-root", "Type": "ROOT", "ServiceControlPolicies": \(list(scps, "p-root")), "ResourceControlPolicies": \(list(rcps, "p-rcp"))},
            {"Target": "111122223333", "Type": "ACCOUNT", "ServiceControlPolicies": \(list([fullAccess], "p-acct")), "ResourceControlPolicies": []}
          ]}}
        """
    }

    static let fullAccess = #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#

    static func lint(_ organization: String) throws -> LintReport {
        var files = try OrderIndependenceTests.files(of: GuardrailTests.folder)
        files.append(SourceFile(path: GuardrailTests.folder + "/111122223333-studio/organization-policies.json", text: organization))
        return Linter().lint(files: files)
    }

    @Test func fullAccessEverywhereChangesNothing() throws {
        let report = try Self.lint(Self.organization())
        #expect(report.count(.error) == 0 && report.count(.warning) == 0, "\(report.findings.filter { $0.severity != .note }.map(\.message))")
    }

    @Test func anSCPDenyOnTagSessionIsReportedAtTheSCP() throws {
        let deny = #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Sid": "NoSessionTags", "Effect": "Deny", "Action": "sts:TagSession", "Resource": "*"}]}"#
        let report = try Self.lint(Self.organization(scps: [deny]))
        let errors = report.findings.filter { $0.severity == .error }
        #expect(!errors.isEmpty)
        #expect(errors.allSatisfy { $0.location.file.hasSuffix("organization-policies.json") }, "\(errors.map { "\($0.ruleId) \($0.location.file):\($0.location.range.start.line) \($0.message)" })")
        #expect(errors.contains { $0.message.contains("sts:TagSession") && $0.message.contains("service control policy") })
    }

    @Test func anSCPAllowListWithoutTheActionDeniesIt() throws {
        let allowList = #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*", "sts:*", "glue:*", "lakeformation:*", "iam:*"], "Resource": "*"}]}"#
        let report = try Self.lint(Self.organization(scps: [allowList]))
        #expect(report.findings.contains { $0.ruleId == "RC306" && $0.severity == .error && $0.message.contains("service control polic") },
                "\(report.findings.filter { $0.severity != .note }.map { "\($0.ruleId) \($0.message)" })")
    }

    @Test func anRCPLimitedToTheOrganizationAdmitsItsMembers() throws {
        let perimeter = #"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sts:*", "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-exampleorg"}}}]}"#
        let member = try Self.lint(Self.organization(rcps: [perimeter]))
        #expect(member.count(.error) == 0, "\(member.findings.filter { $0.severity == .error }.map(\.message))")
        // The account is not among the organisation's members: the perimeter refuses it.
        let outside = try Self.lint(Self.organization(rcps: [perimeter], accounts: ["444455556666"]))
        #expect(outside.findings.contains { $0.severity == .error && $0.location.file.hasSuffix("organization-policies.json") })
    }
}
