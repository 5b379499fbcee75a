import Testing
@testable import RoleCheckKit

/// `terraform show -json` output, state and plan: the same typed resources as the CLI exports.
@Suite struct TerraformTests {
    static let workingFolder = "samples/terraform/same-account-jupyterlab"
    static let brokenFolder = "samples/terraform/broken/trust-names-ec2-service"
    static let workingFile = workingFolder + "/111122223333-ml-platform/terraform-show-state.json"
    static let brokenFile = brokenFolder + "/111122223333-ml-platform/terraform-show-plan.json"

    /// Lints sample files, named relative to the package root (as the CLI shows them).
    func analyze(_ paths: [String]) throws -> (report: LintReport, setup: Setup) {
        let files = try paths.map { p in
            SourceFile(path: p, bytes: try #require(TestSupport.readFile(TestSupport.packageRoot + "/" + p), "\(p) is missing"))
        }
        return Linter().analyze(inputs: files.map { .file($0) })
    }

    func analyze(_ files: [(String, String)]) -> (report: LintReport, setup: Setup) {
        Linter().analyze(inputs: files.map { .file(SourceFile(path: $0.0, text: $0.1)) })
    }

    /// Findings other than the RC400 topology notes.
    func problems(_ report: LintReport) -> [Finding] { report.findings.filter { $0.ruleId != "RC400" } }

    /// What the document rules (RC1xx, RC205, RC209 …) find in each Terraform document, handed
    /// to every one of them whatever kinds it lists.
    func documentRuleFindings(_ setup: Setup) -> [Finding] {
        var found: [Finding] = []
        for doc in setup.documents(of: .terraformJSON) {
            for rule in RuleRegistry.documentRules {
                var context = RuleContext(ruleId: rule.id, defaultSeverity: RuleCatalog.defaultSeverity(rule.id))
                rule.check(doc, in: setup, &context)
                found += context.findings
            }
        }
        return found
    }

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
        // The same values missing from a state are findings (RC201, RC203, RC206).
        let missing = Self.unknownCluster.replacing(#""after_unknown": {"id": true"#, with: #""after_unknown_was": {"id": true"#)
        let naive = analyze([("111122223333-x/plan.json", missing)]).report
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
        // A boundary that is not among the inputs: the evaluator does not judge the role.
        let boundary = try #require(role.boundaryArn)
        #expect(!setup.resources.managedPolicies.contains { $0.arn == boundary })
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
        #expect(role.boundaryArn != nil)
        #expect(report.findings.isEmpty)
    }

    @Test func theWorkingStateAndTheBrokenPlanAreRecognised() throws {
        let (report, _) = try analyze([Self.workingFile, Self.brokenFile])
        #expect(report.recognizedDocumentCount == 2)
        #expect(!report.findings.contains { $0.ruleId == "RC003" || $0.ruleId == "RC001" })
    }
}
