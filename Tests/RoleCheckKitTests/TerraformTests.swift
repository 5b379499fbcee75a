import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckIAM
@testable import RoleCheckModel
@testable import RoleCheckRules
@testable import RoleCheckEngine
@testable import RoleCheckReporting

/// `terraform show -json` output, state and plan: the same typed resources as the CLI exports.
@Suite struct TerraformTests: InputFamilyTests {
    static let inputKind = DocumentKind.terraformJSON
    static let workingFolder = "samples/terraform/same-account-jupyterlab"
    static let brokenFolder = "samples/terraform/broken/trust-names-ec2-service"
    static let workingFile = workingFolder + "/111122223333-ml-platform/terraform-show-state.json"
    static let brokenFile = brokenFolder + "/111122223333-ml-platform/terraform-show-plan.json"

    /// Findings other than the RC400 topology notes.
    func problems(_ report: LintReport) -> [Finding] { report.findings.filter { $0.ruleId != "RC400" } }

    // MARK: A state

    @Test func theStateYieldsTheResourcesOfTheCLIExports() throws {
        let (report, setup) = try analyze([Self.workingFile])
        let r = setup.resources
        #expect(report.recognizedDocumentCount == 1)
        #expect(setup.documents.map(\.kind) == [.terraformJSON])

        #expect(Set(r.roles.map(\.name)) == ["emr-runtime-ml-analyst", "emr-runtime-ml-engineer", "AmazonSageMaker-ExecutionRole-ml-platform", "EMR_EC2_RuntimeRolesRole"])
        #expect(r.roles.allSatisfy { $0.account == "111122223333" && $0.arn != nil && $0.trust != nil })
        let studio = try #require(r.role(named: "AmazonSageMaker-ExecutionRole-ml-platform", account: "111122223333"))
        #expect(studio.arn == "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-ml-platform")
        // The aws_iam_role_policy and the attachment, not again from the role's computed
        // inline_policy and managed_policy_arns.
        #expect(studio.inlinePolicies.map(\.label) == ["inline policy studio-notebook-baseline of role AmazonSageMaker-ExecutionRole-ml-platform (aws_iam_role_policy.studio_baseline)"])
        #expect(studio.attachedPolicyArns.map(\.arn) == ["arn:aws:iam::111122223333:policy/StudioEmrRuntimeRoleAccess"])
        #expect(r.identityPolicies(of: studio).missing.isEmpty)
        let ip = try #require(r.role(named: "EMR_EC2_RuntimeRolesRole", account: "111122223333"))
        #expect(ip.inlinePolicies.count == 2)
        #expect(ip.trust?.label == "trust policy of role EMR_EC2_RuntimeRolesRole (module.emr.aws_iam_role.instance_profile)")
        // Runtime roles of a for_each, with their inline_policy blocks.
        let analyst = try #require(r.role(arn: "arn:aws:iam::111122223333:role/emr-runtime-ml-analyst"))
        #expect(analyst.inlinePolicies.map(\.label) == ["inline policy curated-data-access of role emr-runtime-ml-analyst (aws_iam_role.runtime[\"ml-analyst\"])"])

        #expect(r.managedPolicies.map(\.arn) == ["arn:aws:iam::111122223333:policy/StudioEmrRuntimeRoleAccess"])
        let profile = try #require(r.instanceProfiles.first)
        #expect(r.instanceProfiles.count == 1)
        #expect(profile.name == "emr-cluster-profile" && profile.roleNames == ["EMR_EC2_RuntimeRolesRole"] && profile.account == "111122223333")

        #expect(r.securityConfigurations.map(\.name) == ["studio-runtime-roles"])
        #expect(r.securityConfigurations.first?.enableRuntimeRoles?.bool == true)

        let cluster = try #require(r.clusters.first)
        #expect(r.clusters.count == 1)
        #expect(cluster.id == "j-2H7XXXXXXK4QD" && cluster.name == "ml-shared-runtime-roles" && cluster.account == "111122223333")
        #expect(cluster.releaseLabel == "emr-7.1.0")
        #expect(cluster.applications.map(\.name) == ["Hadoop", "Hive", "Livy", "Spark"])
        #expect(cluster.securityConfigurationName == "studio-runtime-roles")
        #expect(cluster.instanceProfileName == "arn:aws:iam::111122223333:instance-profile/emr-cluster-profile")
        #expect(cluster.serviceRole == "EMR_DefaultRole_V2")
        #expect(cluster.primaryNodeCount == 1)
        #expect(r.instanceProfileRole(of: cluster).role === ip)

        let domain = try #require(r.domains.first)
        #expect(domain.id == "d-r8xkq2mz4wfa" && domain.account == "111122223333" && domain.name == "ml-studio")
        #expect(domain.defaults.studioWebPortal == "ENABLED")
        #expect(domain.executionRoleIdentityConfig == "DISABLED")
        #expect(domain.defaults.executionRoles?.arns.map(\.arn) == ["arn:aws:iam::111122223333:role/emr-runtime-ml-analyst", "arn:aws:iam::111122223333:role/emr-runtime-ml-engineer"])
        #expect(domain.defaults.assumableRoles == nil) // an empty list, as the API leaves it out
        let user = try #require(r.userProfiles.first)
        #expect(user.domainId == domain.id && user.name == "priya-raman" && user.account == "111122223333")
        #expect(user.settings.executionRole == studio.arn)
        let space = try #require(r.spaces.first)
        #expect(space.sharingType == "Private" && space.owner == "priya-raman" && space.appType == "JupyterLab")
        #expect(space.jupyterLabVersionAlias == "2.4.1")

        // The chains join across the modules as for the CLI exports.
        #expect(setup.chainFacts.count == 2)
        #expect(setup.chainFacts.allSatisfy { $0.runtimeRole != nil && $0.instanceProfileRole === ip && $0.securityConfiguration != nil && $0.studioRole === studio })
    }

    @Test func theWorkingStateHasNoProblem() throws {
        let (report, setup) = try analyze([Self.workingFile])
        #expect(problems(report).isEmpty, "\(problems(report).map { "\($0.ruleId) \($0.message)" })")
        #expect(documentRuleFindings(setup).isEmpty, "\(documentRuleFindings(setup).map { "\($0.ruleId) \($0.message)" })")
        #expect(report.findings.filter { $0.ruleId == "RC400" }.count == 2)
    }

    @Test func childModulesAreRecursedAndAddressesNameTheResources() {
        let state = """
        {"format_version": "1.0", "terraform_version": "1.9.5", "values": {"root_module": {"resources": [], "child_modules": [
          {"address": "module.emr", "resources": [], "child_modules": [
            {"address": "module.emr.module.roles", "resources": [
              {"address": "module.emr.module.roles.aws_iam_role.runtime", "mode": "managed", "type": "aws_iam_role", "name": "runtime",
               "values": {"name": "emr-runtime", "arn": "arn:aws:iam::444455556666:role/emr-runtime",
                 "assume_role_policy": "{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Principal\\":{\\"AWS\\":\\"arn:aws:iam::444455556666:role/EMR_EC2_DefaultRole\\"},\\"Action\\":[\\"sts:AssumeRole\\",\\"sts:TagSession\\"]}]}",
                 "permissions_boundary": ""}}]}]}]}}}
        """
        let (_, setup) = analyze([("state.json", state)])
        let role = setup.resources.roles.first
        #expect(setup.resources.roles.count == 1)
        #expect(role?.name == "emr-runtime" && role?.account == "444455556666")
        #expect(role?.boundaryArn == nil) // "" is not set
        #expect(role?.trust?.label == "trust policy of role emr-runtime (module.emr.module.roles.aws_iam_role.runtime)")
    }

    @Test func aPolicyFindingPointsInsideTheJSONString() throws {
        // The one-line output terraform show -json writes: the finding's column counts into the string.
        let trust = #"{\"Statement\":[{\"Action\":\"sts:AssumeRole\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"}}],\"Version\":\"2012-10-17\"}"#
        let state = #"{"format_version":"1.0","terraform_version":"1.9.5","values":{"root_module":{"resources":[{"address":"aws_iam_role.r","mode":"managed","type":"aws_iam_role","name":"r","values":{"name":"r","arn":"arn:aws:iam::111122223333:role/r","assume_role_policy":""# + trust + #""}}]}}}"#
        let (_, setup) = analyze([("111122223333-x/state.json", state)])
        let trustPolicy = try #require(setup.resources.roles.first?.trust)
        let service = try #require(trustPolicy.statements.first?.principal?.entries.first?.values.first)
        #expect(service.text == "ec2.amazonaws.com")
        let location = Location(node: service.node)
        let column = try #require(state.utf8.firstRange(of: #"\"ec2.amazonaws.com\""#.utf8)).lowerBound
        #expect(location.range.start.line == 1)
        #expect(location.range.start.column == state.utf8.distance(from: state.utf8.startIndex, to: column) + 1)
        #expect(location.pointer?.hasPrefix("/values/root_module/resources/0/values/assume_role_policy") == true)
    }

    /// Document rules (RC1xx on policies, RC205 and RC209 on security configurations) read the
    /// policies and configurations the model keeps for each document, so they apply to a
    /// Terraform document as they are, wherever the engine hands it to them.
    @Test func documentRulesPointInsideTheStrings() throws {
        let state = #"{"format_version":"1.0","terraform_version":"1.9.5","values":{"root_module":{"resources":[{"address":"aws_iam_role.r","mode":"managed","type":"aws_iam_role","name":"r","values":{"name":"r","arn":"arn:aws:iam::111122223333:role/r","assume_role_policy":"{\"Statement\":[{\"Action\":\"sts:AssumeRole\",\"Effect\":\"Allow\",\"Principal\":\"*\"}],\"Version\":\"2012-10-17\"}"}},{"address":"aws_emr_security_configuration.s","mode":"managed","type":"aws_emr_security_configuration","name":"s","values":{"name":"s","configuration":"{\"AuthorizationConfiguration\":{\"IAMConfiguration\":{\"EnableApplicationScopedIAMRole\":false}}}"}}]}}}"#
        let (_, setup) = analyze([("111122223333-x/state.json", state)])
        let found = documentRuleFindings(setup)
        func column(of text: String) throws -> Int {
            let r = try #require(state.utf8.firstRange(of: text.utf8))
            return state.utf8.distance(from: state.utf8.startIndex, to: r.lowerBound) + 1
        }
        let rc106 = try #require(found.first { $0.ruleId == "RC106" })
        #expect(rc106.location.range.start.line == 1)
        #expect(rc106.location.range.start.column == (try column(of: #"\"*\""#)))
        #expect(rc106.message.contains("aws_iam_role.r"))
        let rc205 = try #require(found.first { $0.ruleId == "RC205" })
        #expect(rc205.location.range.start.column == (try column(of: "false}}}")))
    }

    // MARK: A plan

    @Test func theBrokenPlanHasExactlyItsMistake() throws {
        let (report, setup) = try analyze([Self.brokenFile])
        let found = problems(report) + documentRuleFindings(setup)
        #expect(found.count == 1, "\(found.map { "\($0.ruleId) \($0.message)" })")
        let f = try #require(found.first)
        #expect(f.ruleId == "RC305" && f.severity == .error)
        #expect(f.message.contains("runtime role emr-runtime-ml-analyst trusts the EC2 service (ec2.amazonaws.com)"))
        // At "ec2.amazonaws.com" in the planned trust policy string, not in the prior state.
        let text = String(decoding: try #require(TestSupport.readFile(TestSupport.packageRoot + "/" + Self.brokenFile)), as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let line = try #require(lines.firstIndex { $0.contains(#"\"Service\":\"ec2.amazonaws.com\""#) })
        let column = try #require(lines[line].firstRange(of: #"\"ec2.amazonaws.com\""#)).lowerBound
        #expect(f.location.file == Self.brokenFile)
        #expect(f.location.range.start.line == line + 1)
        #expect(f.location.range.start.column == lines[line].distance(from: lines[line].startIndex, to: column) + 1)
        #expect(f.location.pointer?.hasPrefix("/planned_values/root_module/resources/") == true)
        #expect(f.location.pointer?.contains("/values/assume_role_policy/Statement/0/Principal/Service") == true)

        // The replacement security configuration's name and the replaced cluster's ID are known
        // only after apply: the cluster still joins its configuration, through the reference.
        let cluster = try #require(setup.resources.clusters.first)
        #expect(cluster.id == "module.emr.aws_emr_cluster.shared")
        #expect(cluster.arn == nil)
        #expect(cluster.securityConfigurationName == "module.emr.aws_emr_security_configuration.runtime_roles")
        #expect(setup.resources.securityConfigurations(for: cluster).count == 1)
        #expect(setup.chainFacts.allSatisfy { $0.securityConfiguration != nil })
    }

    /// A plan creating a cluster whose values are all known only after apply, and which the
    /// configuration does not let rolecheck work out (variables).
    static let unknownCluster = """
    {"format_version": "1.2", "terraform_version": "1.9.5",
     "planned_values": {"root_module": {"resources": [
       {"address": "aws_emr_cluster.c", "mode": "managed", "type": "aws_emr_cluster", "name": "c",
        "values": {"name": "analytics", "master_instance_group": [{"instance_count": 1, "instance_type": "m5.xlarge"}],
                   "ec2_attributes": [{"subnet_id": "subnet-1"}], "service_role": "EMR_DefaultRole_V2"}}]}},
     "resource_changes": [
       {"address": "aws_emr_cluster.c", "mode": "managed", "type": "aws_emr_cluster", "name": "c",
        "change": {"actions": ["create"], "before": null, "after": {},
                   "after_unknown": {"id": true, "arn": true, "release_label": true, "applications": true, "security_configuration": true,
                                     "ec2_attributes": [{"instance_profile": true}], "master_instance_group": [{"id": true}]}}}],
     "configuration": {"root_module": {"resources": [
       {"address": "aws_emr_cluster.c", "mode": "managed", "type": "aws_emr_cluster", "name": "c",
        "expressions": {"release_label": {"references": ["var.release"]}, "applications": {"references": ["var.applications"]},
                        "security_configuration": {"references": ["var.security_configuration"]},
                        "ec2_attributes": [{"instance_profile": {"references": ["var.instance_profile"]}}]}}]}}}
    """

    @Test func valuesKnownOnlyAfterApplyAreNotFindings() throws {
        let (report, setup) = analyze([("111122223333-x/plan.json", Self.unknownCluster)])
        #expect(documentRuleFindings(setup).isEmpty)
        #expect(report.findings.isEmpty, "\(report.findings.map { "\($0.ruleId) \($0.message)" })")
        let cluster = try #require(setup.resources.clusters.first)
        #expect(cluster.id == "aws_emr_cluster.c" && cluster.arn == nil && cluster.account == "111122223333")
        #expect(cluster.releaseLabel == nil && cluster.securityConfigurationName == nil && cluster.instanceProfileName == nil)
        #expect(cluster.primaryNodeCount == 1)
        // The same values missing from a state are findings (RC201, RC203, RC206) where the
        // cluster is judged as a runtime-role cluster.
        let missing = Self.unknownCluster.replacing(#""after_unknown": {"id": true"#, with: #""after_unknown_was": {"id": true"#)
        let naive = TestSupport.lintRequiringRuntimeRoles([("111122223333-x/plan.json", missing)])
        #expect(Set(naive.findings.map(\.ruleId)).isSuperset(of: ["RC201", "RC203", "RC206"]))
    }

    /// A plan that adds a runtime role and lists it in a user profile: its ARN is known only
    /// after apply; `references` say which role it is.
    static func newRuntimeRolePlan(references: String) -> String {
        let trust = #"{\"Statement\":[{\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"],\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:role/EMR_EC2_DefaultRole\"}}],\"Version\":\"2012-10-17\"}"#
        return """
        {"format_version": "1.2", "terraform_version": "1.9.5",
         "planned_values": {"root_module": {"resources": [
           {"address": "aws_iam_role.scientist", "mode": "managed", "type": "aws_iam_role", "name": "scientist",
            "values": {"name": "emr-runtime-scientist", "path": "/", "assume_role_policy": "\(trust)"}},
           {"address": "aws_sagemaker_user_profile.p", "mode": "managed", "type": "aws_sagemaker_user_profile", "name": "p",
            "values": {"domain_id": "d-1", "user_profile_name": "alice", "user_settings": [{
              "execution_role": "arn:aws:iam::111122223333:role/studio", "studio_web_portal": "ENABLED",
              "jupyter_lab_app_settings": [{"emr_settings": [{"assumable_role_arns": [],
                "execution_role_arns": ["arn:aws:iam::111122223333:role/emr-runtime-analyst", null]}]}]}]}},
           {"address": "aws_emr_cluster.c", "mode": "managed", "type": "aws_emr_cluster", "name": "c",
            "values": {"id": "j-1", "arn": "arn:aws:elasticmapreduce:us-east-1:111122223333:cluster/j-1", "name": "analytics",
                       "release_label": "emr-7.1.0", "applications": ["Livy", "Spark"], "security_configuration": "runtime-roles",
                       "ec2_attributes": [{"instance_profile": "EMR_EC2_DefaultRole"}], "master_instance_group": [{"instance_count": 1}],
                       "service_role": "EMR_DefaultRole_V2"}}]}},
         "resource_changes": [
           {"address": "aws_iam_role.scientist", "mode": "managed", "type": "aws_iam_role", "name": "scientist",
            "change": {"actions": ["create"], "before": null, "after": {}, "after_unknown": {"arn": true, "id": true, "unique_id": true, "inline_policy": true, "managed_policy_arns": true}}},
           {"address": "aws_sagemaker_user_profile.p", "mode": "managed", "type": "aws_sagemaker_user_profile", "name": "p",
            "change": {"actions": ["update"], "before": {}, "after": {},
                       "after_unknown": {"user_settings": [{"jupyter_lab_app_settings": [{"emr_settings": [{"execution_role_arns": [false, true]}]}]}]}}}],
         "configuration": {"root_module": {"resources": [
           {"address": "aws_sagemaker_user_profile.p", "mode": "managed", "type": "aws_sagemaker_user_profile", "name": "p",
            "expressions": {"user_settings": [{"jupyter_lab_app_settings": [{"emr_settings": [{"execution_role_arns": {"references": \(references)}}]}]}]}}]}}}
        """
    }

    @Test func aNewRoleListedInStudioJoinsItsChain() throws {
        // The analyst's ARN comes from a variable (known when Terraform plans), the new role's
        // from the role resource.
        let plan = Self.newRuntimeRolePlan(references: #"["var.analyst_role_arn", "aws_iam_role.scientist.arn", "aws_iam_role.scientist"]"#)
        let (report, setup) = analyze([("111122223333-studio/plan.json", plan)])
        let role = try #require(setup.resources.roles.first { $0.name == "emr-runtime-scientist" })
        // No ARN yet: the role joins by name within the folder's account.
        #expect(role.arn == nil && role.account == "111122223333")
        let profile = try #require(setup.resources.userProfiles.first)
        #expect(profile.settings.executionRoles?.arns.map(\.arn) == ["arn:aws:iam::111122223333:role/emr-runtime-analyst",
                                                                     "arn:aws:iam::111122223333:role/emr-runtime-scientist"])
        let chain = try #require(setup.chainFacts.first { $0.chain.runtimeRoleArn.hasSuffix("/emr-runtime-scientist") })
        #expect(chain.runtimeRole?.name == "emr-runtime-scientist")
        #expect(chain.runtimeRole === role)
        #expect(chain.runtimeRole?.trust != nil)
        #expect(!report.findings.contains { $0.ruleId == "RC309" })
    }

    @Test func aStudioListThatCannotBeWorkedOutIsLeftOut() throws {
        let plan = Self.newRuntimeRolePlan(references: #"["module.roles.scientist_arn", "module.roles"]"#)
        let (report, setup) = analyze([("111122223333-studio/plan.json", plan)])
        // Which runtime roles Alice is offered is known only after apply: no chain, no RC309.
        #expect(setup.resources.userProfiles.isEmpty)
        #expect(!report.findings.contains { $0.ruleId == "RC309" })
    }

    @Test func aPolicyKnownOnlyAfterApplyLeavesTheRolesPermissionsUnjudged() throws {
        let plan = """
        {"format_version": "1.2", "planned_values": {"root_module": {"resources": [
           {"address": "aws_iam_role.ip", "mode": "managed", "type": "aws_iam_role", "name": "ip",
            "values": {"name": "EMR_EC2_DefaultRole", "arn": "arn:aws:iam::111122223333:role/EMR_EC2_DefaultRole", "permissions_boundary": ""}},
           {"address": "aws_iam_role_policy.assume", "mode": "managed", "type": "aws_iam_role_policy", "name": "assume",
            "values": {"name": "assume-runtime-roles", "role": "EMR_EC2_DefaultRole"}}]}},
         "resource_changes": [{"address": "aws_iam_role_policy.assume", "mode": "managed", "type": "aws_iam_role_policy", "name": "assume",
            "change": {"actions": ["update"], "before": {}, "after": {}, "after_unknown": {"policy": true}}}]}
        """
        let (_, setup) = analyze([("plan.json", plan)])
        let role = try #require(setup.resources.roles.first)
        #expect(role.inlinePolicies.isEmpty)
        // Its permissions are unknown: the evaluator does not judge the role, and it has no boundary.
        #expect(role.permissionsUnknown)
        #expect(role.boundaryArn == nil)
    }

    @Test func aManagedPolicyKnownOnlyAfterApplyIsNotAMissingPolicy() throws {
        // A new managed policy whose document names a new role's ARN, attached to the Studio role.
        let plan = """
        {"format_version": "1.2", "planned_values": {"root_module": {"resources": [
           {"address": "aws_iam_role.studio", "mode": "managed", "type": "aws_iam_role", "name": "studio",
            "values": {"name": "studio", "path": "/"}},
           {"address": "aws_iam_policy.emr", "mode": "managed", "type": "aws_iam_policy", "name": "emr",
            "values": {"name": "StudioEmrAccess", "path": "/"}},
           {"address": "aws_iam_role_policy_attachment.emr", "mode": "managed", "type": "aws_iam_role_policy_attachment", "name": "emr",
            "values": {"role": "studio"}}]}},
         "resource_changes": [
           {"address": "aws_iam_role.studio", "change": {"actions": ["create"], "after_unknown": {"arn": true, "inline_policy": true, "managed_policy_arns": true}}},
           {"address": "aws_iam_policy.emr", "change": {"actions": ["create"], "after_unknown": {"arn": true, "policy": true}}},
           {"address": "aws_iam_role_policy_attachment.emr", "change": {"actions": ["create"], "after_unknown": {"policy_arn": true}}}],
         "configuration": {"root_module": {"resources": [
           {"address": "aws_iam_role_policy_attachment.emr", "mode": "managed", "type": "aws_iam_role_policy_attachment", "name": "emr",
            "expressions": {"policy_arn": {"references": ["aws_iam_policy.emr.arn", "aws_iam_policy.emr"]},
                            "role": {"references": ["aws_iam_role.studio.name", "aws_iam_role.studio"]}}}]}}}
        """
        let (report, setup) = analyze([("111122223333-studio/plan.json", plan)])
        let role = try #require(setup.resources.roles.first)
        #expect(setup.resources.roles.count == 1 && role.account == "111122223333")
        #expect(role.attachedPolicyArns.isEmpty)
        #expect(role.permissionsUnknown && role.boundaryArn == nil)
        #expect(report.findings.isEmpty)
    }

    // MARK: Prerequisite rules read the typed resources

    static func workingState() throws -> String {
        String(decoding: try #require(TestSupport.readFile(TestSupport.packageRoot + "/" + workingFile)), as: UTF8.self)
    }

    /// The 1-based line and column of the first occurrence of a text.
    func position(of text: String, in doc: String) throws -> (line: Int, column: Int) {
        let lines = doc.split(separator: "\n", omittingEmptySubsequences: false)
        let i = try #require(lines.firstIndex { $0.contains(text) })
        let r = try #require(lines[i].firstRange(of: text))
        return (i + 1, lines[i].unicodeScalars.distance(from: lines[i].unicodeScalars.startIndex, to: r.lowerBound) + 1)
    }

    func expectAt(_ f: Finding, _ text: String, in doc: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let at = try position(of: text, in: doc)
        #expect(f.location.range.start.line == at.line, sourceLocation: sourceLocation)
        #expect(f.location.range.start.column == at.column, sourceLocation: sourceLocation)
    }

    /// A Studio Classic domain whose Jupyter server image is JupyterLab 1, named by its
    /// image-version ARN: as `describe-domain` exports it and as Terraform's state holds it.
    static let classicDomainCLI = """
    {"DomainArn": "arn:aws:sagemaker:us-east-1:111122223333:domain/d-abc", "DomainId": "d-abc",
     "DefaultUserSettings": {"ExecutionRole": "arn:aws:iam::111122223333:role/studio",
       "JupyterServerAppSettings": {"DefaultResourceSpec": {"InstanceType": "system",
         "SageMakerImageVersionArn": "arn:aws:sagemaker:us-east-1:081325390199:image-version/jupyter-server/1"}}}}
    """
    static let classicDomainTerraform = """
    {"format_version": "1.0", "terraform_version": "1.9.5", "values": {"root_module": {"resources": [
      {"address": "aws_sagemaker_domain.classic", "mode": "managed", "type": "aws_sagemaker_domain", "name": "classic",
       "values": {"id": "d-abc", "arn": "arn:aws:sagemaker:us-east-1:111122223333:domain/d-abc", "domain_name": "classic",
         "default_user_settings": [{"execution_role": "arn:aws:iam::111122223333:role/studio", "studio_web_portal": "DISABLED",
           "jupyter_server_app_settings": [{"default_resource_spec": [{"instance_type": "system", "lifecycle_config_arn": "",
             "sagemaker_image_arn": "",
             "sagemaker_image_version_arn": "arn:aws:sagemaker:us-east-1:081325390199:image-version/jupyter-server/1"}]}]}]}}]}}}
    """

    @Test func rc207ReadsTheTerraformImageVersionArn() throws {
        let tf = analyze([("111122223333-studio/state.json", Self.classicDomainTerraform)]).report
        let f = try #require(tf.findings.first { $0.ruleId == "RC207" })
        #expect(tf.findings.filter { $0.ruleId == "RC207" }.count == 1)
        #expect(f.severity == .error)
        try expectAt(f, #""arn:aws:sagemaker:us-east-1:081325390199:image-version/jupyter-server/1""#, in: Self.classicDomainTerraform)
        #expect(f.location.pointer?.hasSuffix("/jupyter_server_app_settings/0/default_resource_spec/0/sagemaker_image_version_arn") == true)
        // The same rule, the same message as for the CLI export of the same domain.
        let cli = analyze([("111122223333-studio/describe-domain.json", Self.classicDomainCLI)]).report
        let c = try #require(cli.findings.first { $0.ruleId == "RC207" })
        #expect(c.message == f.message)
        #expect(c.location.pointer == "/DefaultUserSettings/JupyterServerAppSettings/DefaultResourceSpec/SageMakerImageVersionArn")
        // jupyter-server-3 is what Studio Classic needs: no finding.
        let fixed = Self.classicDomainTerraform.replacing("image-version/jupyter-server/1", with: "image-version/jupyter-server-3/1")
        #expect(!analyze([("111122223333-studio/state.json", fixed)]).report.findings.contains { $0.ruleId == "RC207" })
    }

    @Test func rc208ReadsTheTerraformDistributionVersions() throws {
        // The space's own alias, and a domain default that the user profile takes.
        let state = try Self.workingState()
            .replacing(#""sagemaker_image_version_alias": "2.4.1""#, with: #""sagemaker_image_version_alias": "1.9.0""#)
            .replacing(#""default_resource_spec": [],"#,
                       with: #""default_resource_spec": [{"instance_type": "", "lifecycle_config_arn": "", "sagemaker_image_arn": "", "sagemaker_image_version_alias": "1.8", "sagemaker_image_version_arn": ""}],"#,
                       maxReplacements: 1)
        let (report, setup) = analyze([(Self.workingFile, state)])
        #expect(setup.resources.domains.first?.defaults.jupyterLabSpec.versionAlias?.string == "1.8")
        let found = report.findings.filter { $0.ruleId == "RC208" }
        #expect(found.count == 2, "\(found.map(\.message))")
        let space = try #require(found.first { $0.message.hasPrefix("space ") })
        try expectAt(space, #""1.9.0""#, in: state)
        #expect(space.message.contains("SageMaker Distribution 1.9.0 (SageMakerImageVersionAlias \"1.9.0\")"))
        let user = try #require(found.first { $0.message.hasPrefix("user profile priya-raman") })
        try expectAt(user, #""1.8""#, in: state)
        #expect(user.location.pointer?.hasSuffix("/default_user_settings/0/jupyter_lab_app_settings/0/default_resource_spec/0/sagemaker_image_version_alias") == true)
        // The working state's 2.4.1 is fine.
        #expect(!(try analyze([Self.workingFile])).report.findings.contains { $0.ruleId == "RC208" })
    }

    @Test func rc202NamesTheTerraformBootstrapActions() throws {
        let release = try Self.workingState().replacing(#""release_label": "emr-7.1.0""#, with: #""release_label": "emr-6.9.0""#)
        // Without bootstrap actions (the state's empty list): no related location.
        let bare = try #require(analyze([(Self.workingFile, release)]).report.findings.first { $0.ruleId == "RC202" })
        try expectAt(bare, #""emr-6.9.0""#, in: release)
        #expect(bare.related.isEmpty && !bare.message.contains("suppressed"))
        // With one: named as related, as for describe-cluster's BootstrapActions.
        let state = release.replacing(#""bootstrap_action": [],"#,
                                      with: #""bootstrap_action": [{"args": [], "name": "apply-emr-690-patch", "path": "s3://example-emr-bootstrap/patch.sh"}],"#)
        let (report, setup) = analyze([(Self.workingFile, state)])
        #expect(setup.resources.clusters.first?.bootstrapActions.map(\.name) == ["apply-emr-690-patch"])
        let f = try #require(report.findings.first { $0.ruleId == "RC202" })
        try expectAt(f, #""emr-6.9.0""#, in: state)
        #expect(f.message.contains("If one of this cluster's bootstrap actions applies that patch"))
        let related = try #require(f.related.first)
        #expect(related.location.pointer?.hasSuffix("/values/bootstrap_action") == true)
        try #require(related.location.range.start.line == (try position(of: #""bootstrap_action""#, in: state)).line)
    }

    static let studioListsTerraform = """
    {"format_version": "1.0", "terraform_version": "1.9.5", "values": {"root_module": {"resources": [
      {"address": "aws_sagemaker_domain.d", "mode": "managed", "type": "aws_sagemaker_domain", "name": "d",
       "values": {"id": "d-abc", "arn": "arn:aws:sagemaker:us-east-1:111122223333:domain/d-abc",
         "default_user_settings": [{"execution_role": "arn:aws:iam::111122223333:role/studio", "studio_web_portal": "ENABLED",
           "jupyter_lab_app_settings": [{"emr_settings": [{"assumable_role_arns": [], "execution_role_arns": ["arn:aws:iam::111122223333:role/emr-runtime-1"]}]}]}],
         "default_space_settings": [{"execution_role": "arn:aws:iam::111122223333:role/studio",
           "jupyter_lab_app_settings": [{"emr_settings": [{"assumable_role_arns": [
             "arn:aws:iam::444455556666:instance-profile/EMR_EC2_DefaultRole"], "execution_role_arns": []}]}]}]}},
      {"address": "aws_sagemaker_user_profile.alice", "mode": "managed", "type": "aws_sagemaker_user_profile", "name": "alice",
       "values": {"domain_id": "d-abc", "user_profile_name": "alice", "arn": "arn:aws:sagemaker:us-east-1:111122223333:user-profile/d-abc/alice",
         "user_settings": [{"execution_role": "arn:aws:iam::111122223333:role/studio",
           "jupyter_lab_app_settings": [{"emr_settings": [{"assumable_role_arns": [], "execution_role_arns": [
             "arn:aws:iam::111122223333:role/emr-runtime-1",
             "emr-runtime-2",
             "arn:aws:iam::111122223333:role/emr-runtime-1"]}]}]}]}}]}}}
    """

    @Test func rc404ChecksTheTerraformEmrSettings() throws {
        let doc = Self.studioListsTerraform
        let found = analyze([("111122223333-studio/state.json", doc)]).report.findings.filter { $0.ruleId == "RC404" }
        #expect(found.count == 3, "\(found.map(\.message))")
        let bare = try #require(found.first { $0.message.contains("\"emr-runtime-2\" is a bare name") })
        try expectAt(bare, #""emr-runtime-2""#, in: doc)
        #expect(bare.severity == .error)
        #expect(bare.message.hasPrefix("emr_settings.execution_role_arns of user profile alice (aws_sagemaker_user_profile.alice)"))
        #expect(bare.location.pointer == "/values/root_module/resources/1/values/user_settings/0/jupyter_lab_app_settings/0/emr_settings/0/execution_role_arns/1")
        let duplicate = try #require(found.first { $0.message.contains("twice") })
        #expect(duplicate.severity == .warning)
        #expect(duplicate.location.pointer?.hasSuffix("/execution_role_arns/2") == true)
        let profile = try #require(found.first { $0.message.contains("instance profile ARN") })
        #expect(profile.message.hasPrefix("emr_settings.assumable_role_arns of domain d-abc (default_space_settings) (aws_sagemaker_domain.d)"))
        #expect(profile.location.pointer == "/values/root_module/resources/0/values/default_space_settings/0/jupyter_lab_app_settings/0/emr_settings/0/assumable_role_arns/0")
        // The working state's lists are well formed.
        #expect(!(try analyze([Self.workingFile])).report.findings.contains { $0.ruleId == "RC404" })
    }

    @Test func rc005ChecksTheTerraformSecurityConfigurationString() throws {
        let state = #"{"format_version":"1.0","terraform_version":"1.9.5","values":{"root_module":{"resources":[{"address":"aws_emr_security_configuration.s","mode":"managed","type":"aws_emr_security_configuration","name":"s","values":{"name":"s","configuration":"{\"AuthorizationConfiguration\":{\"IAMConfiguration\":{\"EnableApplicationScopedIAMRole\":true,\"ApplicationScopedIAMRoleConfiguration\":{\"PropagateSourceIdentity\":1}}},\"EncryptionConfiguration\":{\"EnableInTransitEncryption\":\"true\",\"EnableAtRestEncryption\":false}}"}}]}}}"#
        let found = analyze([("111122223333-x/state.json", state)]).report.findings.filter { $0.ruleId == "RC005" }
        #expect(found.count == 2, "\(found.map(\.message))")
        func column(of text: String) throws -> Int {
            let r = try #require(state.utf8.firstRange(of: text.utf8))
            return state.utf8.distance(from: state.utf8.startIndex, to: r.lowerBound) + 1
        }
        let quoted = try #require(found.first { $0.severity == .warning })
        #expect(quoted.message.hasPrefix("EnableInTransitEncryption is the string \"true\""))
        #expect(quoted.location.range.start.column == (try column(of: #"\"true\""#)))
        let number = try #require(found.first { $0.severity == .error })
        #expect(number.message.hasPrefix("PropagateSourceIdentity must be a boolean"))
        #expect(number.location.range.start.column == (try column(of: "1}}}")))
    }

    static let lakeFormationState = """
    {"format_version": "1.0", "terraform_version": "1.9.5", "values": {"root_module": {"resources": [
      {"address": "aws_lakeformation_data_lake_settings.this", "mode": "managed", "type": "aws_lakeformation_data_lake_settings", "name": "this",
       "values": {"id": "111122223333", "catalog_id": "111122223333", "admins": ["arn:aws:iam::111122223333:role/lf-admin"],
                  "allow_external_data_filtering": true, "external_data_filtering_allow_list": ["111122223333"],
                  "authorized_session_tag_value_list": ["Trino"]}}]}}}
    """

    @Test func lakeFormationSettingsFromTerraform() throws {
        // The working setup with Lake Formation on, and Lake Formation settings that accept
        // another engine's tag.
        let state = try Self.workingState().replacing(
            #"{\"IAMConfiguration\":{\"EnableApplicationScopedIAMRole\":true}}"#,
            with: #"{\"IAMConfiguration\":{\"EnableApplicationScopedIAMRole\":true},\"LakeFormationConfiguration\":{\"AuthorizedSessionTagValue\":\"Amazon EMR\"}}"#)
        let lfPath = "samples/terraform/same-account-jupyterlab/111122223333-data/lakeformation-state.json"
        let (report, setup) = analyze([(Self.workingFile, state), (lfPath, Self.lakeFormationState)])
        let lf = try #require(setup.resources.lakeFormation.first)
        #expect(setup.resources.lakeFormation.count == 1)
        #expect(lf.account == "111122223333")
        #expect(lf.authorizedSessionTagValues.map(\.value) == ["Trino"])
        #expect(lf.allowExternalDataFiltering == true && lf.externalDataFilteringAllowList == ["111122223333"])
        #expect(setup.chainFacts.allSatisfy { $0.lakeFormationTag?.value == "Amazon EMR" })
        let f = try #require(report.findings.first { $0.ruleId == "RC311" && $0.location.file == lfPath })
        #expect(f.message.hasPrefix("Lake Formation accepts session tag values \"Trino\""))
        #expect(f.location.pointer == "/values/root_module/resources/0/values/authorized_session_tag_value_list")
        // "Amazon EMR" among the accepted values: no RC311 there.
        let fixed = Self.lakeFormationState.replacing(#"["Trino"]"#, with: #"["Trino", "Amazon EMR"]"#)
        #expect(!analyze([(Self.workingFile, state), (lfPath, fixed)]).report.findings.contains { $0.ruleId == "RC311" && $0.location.file == lfPath })
    }

    /// A whole chain in one state: the instance profile's role has no policy of its own (fully
    /// known: it has none), the Studio execution role is read through the aws_iam_role data
    /// source, which carries only the trust policy.
    static func missingPoliciesState() -> String {
        let ec2 = #"{\"Statement\":[{\"Action\":\"sts:AssumeRole\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"}}],\"Version\":\"2012-10-17\"}"#
        let sagemaker = #"{\"Statement\":[{\"Action\":\"sts:AssumeRole\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"sagemaker.amazonaws.com\"}}],\"Version\":\"2012-10-17\"}"#
        let runtime = #"{\"Statement\":[{\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"],\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:role/ip-role\"}}],\"Version\":\"2012-10-17\"}"#
        let config = #"{\"AuthorizationConfiguration\":{\"IAMConfiguration\":{\"EnableApplicationScopedIAMRole\":true}}}"#
        return """
        {"format_version": "1.0", "terraform_version": "1.9.5", "values": {"root_module": {"resources": [
          {"address": "aws_sagemaker_domain.d", "mode": "managed", "type": "aws_sagemaker_domain", "name": "d",
           "values": {"id": "d-abc", "arn": "arn:aws:sagemaker:us-east-1:111122223333:domain/d-abc",
             "default_user_settings": [{"execution_role": "arn:aws:iam::111122223333:role/studio", "studio_web_portal": "ENABLED",
               "jupyter_lab_app_settings": [{"emr_settings": [{"assumable_role_arns": [], "execution_role_arns": ["arn:aws:iam::111122223333:role/emr-runtime"]}]}]}]}},
          {"address": "aws_emr_cluster.c", "mode": "managed", "type": "aws_emr_cluster", "name": "c",
           "values": {"id": "j-1", "arn": "arn:aws:elasticmapreduce:us-east-1:111122223333:cluster/j-1", "name": "analytics",
             "release_label": "emr-7.1.0", "applications": ["Livy", "Spark"], "security_configuration": "runtime-roles",
             "ec2_attributes": [{"instance_profile": "ip"}], "master_instance_group": [{"instance_count": 1}], "service_role": "EMR_DefaultRole_V2"}},
          {"address": "aws_emr_security_configuration.rr", "mode": "managed", "type": "aws_emr_security_configuration", "name": "rr",
           "values": {"name": "runtime-roles", "configuration": "\(config)"}},
          {"address": "aws_iam_instance_profile.ip", "mode": "managed", "type": "aws_iam_instance_profile", "name": "ip",
           "values": {"name": "ip", "arn": "arn:aws:iam::111122223333:instance-profile/ip", "role": "ip-role"}},
          {"address": "aws_iam_role.ip", "mode": "managed", "type": "aws_iam_role", "name": "ip",
           "values": {"name": "ip-role", "arn": "arn:aws:iam::111122223333:role/ip-role", "assume_role_policy": "\(ec2)",
                      "inline_policy": [], "managed_policy_arns": [], "permissions_boundary": ""}},
          {"address": "aws_iam_role.runtime", "mode": "managed", "type": "aws_iam_role", "name": "runtime",
           "values": {"name": "emr-runtime", "arn": "arn:aws:iam::111122223333:role/emr-runtime", "assume_role_policy": "\(runtime)",
                      "inline_policy": [], "managed_policy_arns": [], "permissions_boundary": ""}},
          {"address": "data.aws_iam_role.studio", "mode": "data", "type": "aws_iam_role", "name": "studio",
           "values": {"name": "studio", "arn": "arn:aws:iam::111122223333:role/studio", "assume_role_policy": "\(sagemaker)"}}]}}}
        """
    }

    @Test func rc004KnowsWhichTerraformRolesListTheirPolicies() throws {
        let (report, setup) = analyze([("111122223333-emr/state.json", Self.missingPoliciesState())])
        let r = setup.resources
        #expect(setup.chainFacts.count == 1)
        let ip = try #require(r.role(named: "ip-role", account: "111122223333"))
        let studio = try #require(r.role(named: "studio", account: "111122223333"))
        #expect(ip.permissionsListed && ip.inlinePolicies.isEmpty && ip.attachedPolicyArns.isEmpty && ip.boundaryArn == nil)
        #expect(!studio.permissionsListed)
        let rc004 = report.findings.filter { $0.ruleId == "RC004" }
        // The data source's role: its policies are not among the inputs, said at the data source.
        let f = try #require(rc004.first { $0.message.contains("role studio but not its permission policies") })
        #expect(f.location.pointer == "/values/root_module/resources/6")
        #expect(f.message.contains("(data.aws_iam_role.studio: the aws_iam_role data source carries only the trust policy)"))
        // The managed role with no policy has none: nothing is missing.
        #expect(!rc004.contains { $0.message.contains("ip-role") }, "\(rc004.map(\.message))")
    }

    @Test func theWorkingStateAndTheBrokenPlanAreRecognised() throws {
        let (report, _) = try analyze([Self.workingFile, Self.brokenFile])
        #expect(report.recognizedDocumentCount == 2)
        #expect(!report.findings.contains { $0.ruleId == "RC003" || $0.ruleId == "RC001" })
    }
}
