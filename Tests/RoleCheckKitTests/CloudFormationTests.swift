import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckIAM
@testable import RoleCheckModel
@testable import RoleCheckRules
@testable import RoleCheckEngine
@testable import RoleCheckReporting

/// CloudFormation templates, JSON and YAML, short and long forms: the same typed resources as the
/// CLI exports, with intrinsics resolved symbolically.
@Suite struct CloudFormationTests: InputFamilyTests {
    static let inputKind = DocumentKind.cloudFormationTemplate
    static let workingFile = "samples/cloudformation/same-account-jupyterlab/111122223333-ml-platform/template.yaml"
    static let brokenFile = "samples/cloudformation/broken/trust-names-ec2-service/111122223333-ml-platform/template.yaml"

    /// 1-based line and column (in characters) of the first occurrence of `needle` in `text`.
    func position(of needle: String, in text: String, after marker: String? = nil) throws -> (line: Int, column: Int) {
        var searchFrom = text.startIndex
        if let marker { searchFrom = try #require(text.firstRange(of: marker)).upperBound }
        let r = try #require(text[searchFrom...].firstRange(of: needle))
        let before = text[..<r.lowerBound]
        let line = before.filter { $0 == "\n" }.count + 1
        let lineStart = before.lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex
        return (line, text.unicodeScalars[lineStart..<r.lowerBound].count + 1)
    }

    // MARK: Short and long forms

    static let shortForm = """
    AWSTemplateFormatVersion: "2010-09-09"
    Parameters:
      Prefix:
        Type: String
        Default: ml
    Resources:
      IpRole:
        Type: AWS::IAM::Role
        Properties:
          RoleName: !Sub "${Prefix}-instance-profile"
          AssumeRolePolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal: { Service: ec2.amazonaws.com }
                Action: sts:AssumeRole
      Runtime:
        Type: AWS::IAM::Role
        Properties:
          Path: /runtime/
          AssumeRolePolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal:
                  AWS: !GetAtt IpRole.Arn
                Action: [sts:AssumeRole, sts:TagSession]
      Profile:
        Type: AWS::IAM::InstanceProfile
        Properties:
          Roles: [!Ref IpRole]
      Access:
        Type: AWS::IAM::Policy
        Properties:
          PolicyName: assume-runtime
          Roles: [!Ref IpRole]
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: [sts:AssumeRole, sts:TagSession]
                Resource: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/runtime/${Runtime}"
    """

    static let longForm = """
    {
      "AWSTemplateFormatVersion": "2010-09-09",
      "Parameters": {"Prefix": {"Type": "String", "Default": "ml"}},
      "Resources": {
        "IpRole": {
          "Type": "AWS::IAM::Role",
          "Properties": {
            "RoleName": {"Fn::Join": ["-", [{"Ref": "Prefix"}, "instance-profile"]]},
            "AssumeRolePolicyDocument": {
              "Version": "2012-10-17",
              "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]
            }
          }
        },
        "Runtime": {
          "Type": "AWS::IAM::Role",
          "Properties": {
            "Path": "/runtime/",
            "AssumeRolePolicyDocument": {
              "Version": "2012-10-17",
              "Statement": [{"Effect": "Allow", "Principal": {"AWS": {"Fn::GetAtt": ["IpRole", "Arn"]}},
                             "Action": ["sts:AssumeRole", "sts:TagSession"]}]
            }
          }
        },
        "Profile": {"Type": "AWS::IAM::InstanceProfile", "Properties": {"Roles": [{"Ref": "IpRole"}]}},
        "Access": {
          "Type": "AWS::IAM::Policy",
          "Properties": {
            "PolicyName": "assume-runtime",
            "Roles": [{"Ref": "IpRole"}],
            "PolicyDocument": {
              "Version": "2012-10-17",
              "Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"],
                             "Resource": {"Fn::Sub": ["arn:${AWS::Partition}:iam::${AWS::AccountId}:role/runtime/${Name}", {"Name": {"Ref": "Runtime"}}]}}]
            }
          }
        }
      }
    }
    """

    @Test(arguments: [("111122223333-a/template.yaml", shortForm), ("111122223333-a/template.json", longForm)])
    func shortAndLongFormsGiveTheSameResources(_ path: String, _ text: String) throws {
        let (report, setup) = analyze([(path, text)])
        #expect(setup.documents.map(\.kind) == [.cloudFormationTemplate])
        let r = setup.resources
        #expect(Set(r.roles.map(\.name)) == ["ml-instance-profile", "template-Runtime"])
        let ip = try #require(r.role(named: "ml-instance-profile", account: "111122223333"))
        #expect(ip.arn == "arn:aws:iam::111122223333:role/ml-instance-profile")
        #expect(ip.inlinePolicies.count == 1)
        let runtime = try #require(r.role(arn: "arn:aws:iam::111122223333:role/runtime/template-Runtime"))
        #expect(runtime.arn == "arn:aws:iam::111122223333:role/runtime/template-Runtime")
        // The trust names the instance-profile role by the ARN !GetAtt gives.
        let principal = try #require(runtime.trust?.statements.first?.principal?.entries.first?.values.first)
        #expect(principal.text == "arn:aws:iam::111122223333:role/ml-instance-profile")
        // The policy's Resource (!Sub) names the runtime role by the same ARN.
        let resource = try #require(ip.inlinePolicies.first?.statements.first?.resource?.values.first)
        #expect(resource.text == runtime.arn)
        #expect(r.instanceProfiles.map(\.roleNames) == [["ml-instance-profile"]])
        #expect(r.instanceProfiles.first?.name == "template-Profile")
        #expect(setup.policies.allSatisfy { $0.problems.allSatisfy { $0.kind == .version } })
        #expect(report.findings.filter { $0.severity == .error }.isEmpty)
        #expect(documentRuleFindings(setup).filter { $0.severity == .error }.isEmpty)
    }

    // MARK: GetAtt and Sub denote the same role

    @Test func getAttAndSubDenoteTheSameRole() throws {
        let (report, setup) = try analyze([Self.workingFile])
        let r = setup.resources
        let profile = try #require(r.userProfiles.first)
        let arns = try #require(profile.settings.executionRoles).arns.map(\.arn)
        // One from !GetAtt AnalystRuntimeRole.Arn, one from !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${EngineerRuntimeRole}".
        #expect(arns == ["arn:aws:iam::111122223333:role/emr-runtime-ml-analyst", "arn:aws:iam::111122223333:role/template-EngineerRuntimeRole"])
        // (EngineerRuntimeRole names no RoleName: CloudFormation generates one scoped to the stack.)
        for arn in arns { #expect(r.role(arn: arn)?.trust != nil) }
        // The instance-profile role's policy names the engineer role with Fn::Sub, its trust with Fn::Join.
        let ip = try #require(r.role(named: "EMR_EC2_RuntimeRolesRole", account: "111122223333"))
        let resources = ip.inlinePolicies.flatMap { $0.statements.flatMap { $0.resource?.values.map(\.text) ?? [] } }
        #expect(resources == arns)
        let engineer = try #require(r.role(arn: arns[1]))
        #expect(engineer.trust?.statements.first?.principal?.entries.first?.values.map(\.text) == [ip.arn!])
        // The studio role's managed policy (!Ref of an AWS::IAM::ManagedPolicy is its ARN).
        let studio = try #require(r.role(named: "AmazonSageMaker-ExecutionRole-ml-platform", account: "111122223333"))
        #expect(studio.arn == "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-ml-platform")
        #expect(studio.attachedPolicyArns.map(\.arn) == ["arn:aws:iam::111122223333:policy/StudioEmrRuntimeRoleAccess"])
        #expect(r.identityPolicies(of: studio).missing.isEmpty)
        // The cluster joins its profile, security configuration and parameter default.
        let cluster = try #require(r.clusters.first)
        #expect(cluster.releaseLabel == "emr-7.1.0" && cluster.instanceProfileName == "emr-cluster-profile")
        #expect(cluster.securityConfigurationName == "studio-runtime-roles" && cluster.primaryNodeCount == 1)
        #expect(cluster.applications.map(\.name) == ["Hadoop", "Hive", "Livy", "Spark"])
        #expect(r.instanceProfileRole(of: cluster).role === ip)
        #expect(r.securityConfigurations.first?.enableRuntimeRoles?.bool == true)
        #expect(r.domains.first?.defaults.studioWebPortal == "ENABLED")
        #expect(profile.domainId == r.domains.first?.id)
        #expect(r.spaces.first?.owner == "priya-raman")
        // Both chains are checked end to end.
        // Every resource is held by the template's document, though it lives in the resolved copy.
        let template = try #require(setup.documents(of: .cloudFormationTemplate).first)
        #expect(r.roles.allSatisfy { template.holds($0.node) && $0.node.document !== template.document })
        #expect(r.securityConfigurations.allSatisfy { template.holds($0.configuration) })
        #expect(setup.policies.allSatisfy { template.holds($0.root) })
        #expect(setup.policies(in: template).count == setup.policies.count)
        #expect(setup.securityConfigurations(in: template).count == 1)
        #expect(setup.chainFacts.count == 2)
        #expect(setup.chainFacts.allSatisfy { $0.runtimeRole != nil && $0.instanceProfileRole === ip && $0.studioRole === studio })
        #expect(report.findings.filter { $0.ruleId == "RC400" }.count == 2)
    }

    // MARK: The samples

    @Test func theWorkingTemplateHasNoErrorOrWarning() throws {
        let (report, setup) = try analyze([Self.workingFile])
        #expect(report.findings.filter { $0.severity != .note }.map { "\($0.ruleId) \($0.message)" } == [])
        #expect(documentRuleFindings(setup).filter { $0.severity != .note }.map { "\($0.ruleId) \($0.message)" } == [])
    }

    @Test func theWorkingTemplateOutsideAnAccountFolderUsesTheSymbolicAccount() throws {
        let text = String(decoding: try #require(TestSupport.readFile(TestSupport.packageRoot + "/" + Self.workingFile)), as: UTF8.self)
        let (report, setup) = analyze([("infra/template.yaml", text)])
        let r = setup.resources
        #expect(r.roles.allSatisfy { $0.account == ARN.symbolicAccount })
        #expect(r.role(arn: "arn:aws:iam::\(ARN.symbolicAccount):role/emr-runtime-ml-analyst") != nil)
        #expect(setup.chainFacts.count == 2 && setup.chainFacts.allSatisfy { $0.chain.option == .sameAccount })
        #expect(report.findings.filter { $0.severity != .note }.map { "\($0.ruleId) \($0.message)" } == [])
        // The symbolic account passes the grammar's account checks (RC104).
        #expect(documentRuleFindings(setup).filter { $0.severity != .note }.map { "\($0.ruleId) \($0.message)" } == [])
    }

    @Test func theBrokenTemplateGivesRC305AtTheServiceValue() throws {
        let (report, _) = try analyze([Self.brokenFile])
        let text = String(decoding: try #require(TestSupport.readFile(TestSupport.packageRoot + "/" + Self.brokenFile)), as: UTF8.self)
        let errors = report.findings.filter { $0.severity == .error }
        #expect(errors.map(\.ruleId) == ["RC305"])
        let f = try #require(errors.first)
        let (line, column) = try position(of: "ec2.amazonaws.com", in: text, after: "AnalystRuntimeRole:")
        #expect(f.location.file == Self.brokenFile)
        #expect(f.location.range.start.line == line && f.location.range.start.column == column)
        #expect(f.location.pointer == "/Resources/AnalystRuntimeRole/Properties/AssumeRolePolicyDocument/Statement/0/Principal/Service")
    }

    // MARK: Positions

    @Test func aFindingInsideATrustPointsAtTheElementInTheTemplate() throws {
        let text = """
        Resources:
          Runtime:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Principal:
                      AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/emr-*"
                    Action: sts:AssumeRole
        """
        let (_, setup) = analyze([("111122223333-a/template.yaml", text)])
        let findings = documentRuleFindings(setup).filter { $0.ruleId == "RC104" }
        let f = try #require(findings.first)
        #expect(f.message.contains("arn:aws:iam::111122223333:role/emr-*"))
        let (line, column) = try position(of: "!Sub", in: text)
        #expect(f.location.range.start.line == line && f.location.range.start.column == column)
        #expect(f.location.pointer == "/Resources/Runtime/Properties/AssumeRolePolicyDocument/Statement/0/Principal/AWS")
    }

    @Test func aPolicyStringBuiltBySubPointsAtTheSub() throws {
        let text = """
        {"Resources": {"Bucket": {"Type": "AWS::S3::BucketPolicy", "Properties": {
          "Bucket": "data",
          "PolicyDocument": {"Fn::Sub": "{\\"Version\\": \\"2012-10-17\\", \\"Statement\\": [{\\"Effect\\": \\"Allow\\", \\"Principal\\": {\\"AWS\\": \\"${AWS::AccountId}\\"}, \\"Action\\": \\"s3:GetObject\\", \\"Resource\\": \\"arn:aws:s3:::data/*\\"}]}"}}}}}
        """
        let (report, setup) = analyze([("111122223333-a/template.json", text)])
        #expect(report.findings.filter { $0.severity == .error }.isEmpty)
        let bucket = try #require(setup.resources.bucketPolicies.first)
        #expect(bucket.buckets == ["data"])
        let principal = try #require(bucket.policy.statements.first?.principal?.entries.first?.values.first)
        #expect(principal.text == "111122223333")
        let (line, column) = try position(of: "{\"Fn::Sub\"", in: text)
        #expect(principal.node.range.start.line == line && principal.node.range.start.column == column)
    }

    // MARK: Unknowns

    @Test func unknownsGiveNoErrorFinding() throws {
        let text = """
        AWSTemplateFormatVersion: "2010-09-09"
        Parameters:
          ClusterConfig:
            Type: String
        Conditions:
          UseFleet: !Equals [!Ref ClusterConfig, fleet]
        Resources:
          IpRole:
            Type: AWS::IAM::Role
            Properties:
              RoleName: ip-role
              AssumeRolePolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Principal: { Service: ec2.amazonaws.com }
                    Action: sts:AssumeRole
              Policies:
                - PolicyName: assume
                  PolicyDocument:
                    Version: "2012-10-17"
                    Statement:
                      - Effect: Allow
                        Action: [sts:AssumeRole, sts:TagSession]
                        Resource: !ImportValue shared-runtime-role-arn
          Runtime:
            Type: AWS::IAM::Role
            Properties:
              RoleName: runtime
              AssumeRolePolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Principal:
                      AWS: !ImportValue instance-profile-role-arn
                    Action: [sts:AssumeRole, sts:TagSession]
          Profile:
            Type: AWS::IAM::InstanceProfile
            Properties:
              InstanceProfileName: profile
              Roles: [!Ref IpRole]
          Studio:
            Type: AWS::IAM::Role
            Properties:
              RoleName: studio
              AssumeRolePolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Principal: { Service: sagemaker.amazonaws.com }
                    Action: sts:AssumeRole
              Policies:
                - PolicyName: emr
                  PolicyDocument:
                    Version: "2012-10-17"
                    Statement:
                      - Effect: Allow
                        Action: elasticmapreduce:GetClusterSessionCredentials
                        Resource: !Sub "arn:${AWS::Partition}:elasticmapreduce:${AWS::Region}:${AWS::AccountId}:cluster/${Cluster}"
                        Condition:
                          StringEquals:
                            elasticmapreduce:ExecutionRoleArn: !Ref ClusterConfig
          Config:
            Type: AWS::EMR::SecurityConfiguration
            Properties:
              Name: runtime-roles
              SecurityConfiguration: !ImportValue shared-security-configuration
          Cluster:
            Type: AWS::EMR::Cluster
            Properties:
              Name: shared
              ReleaseLabel: !ImportValue release
              Applications: !If [UseFleet, [{Name: Spark}], [{Name: Livy}]]
              JobFlowRole: !Ref Profile
              ServiceRole: EMR_DefaultRole_V2
              SecurityConfiguration: !Ref Config
              Instances:
                MasterInstanceGroup:
                  InstanceCount: !Ref ClusterConfig
          Domain:
            Type: AWS::SageMaker::Domain
            Properties:
              DomainName: studio
              AuthMode: IAM
              DefaultUserSettings:
                ExecutionRole: !GetAtt Studio.Arn
                StudioWebPortal: ENABLED
          Analyst:
            Type: AWS::SageMaker::UserProfile
            Properties:
              DomainId: !GetAtt Domain.DomainId
              UserProfileName: analyst
              UserSettings:
                ExecutionRole: !GetAtt Studio.Arn
                JupyterLabAppSettings:
                  EmrSettings:
                    ExecutionRoleArns:
                      - !GetAtt Runtime.Arn
          Other:
            Type: AWS::SageMaker::UserProfile
            Properties:
              DomainId: !GetAtt Domain.DomainId
              UserProfileName: other
              UserSettings:
                ExecutionRole: !GetAtt Studio.Arn
                JupyterLabAppSettings:
                  EmrSettings:
                    ExecutionRoleArns:
                      - !ImportValue another-runtime-role
        """
        let (report, setup) = analyze([("111122223333-a/template.yaml", text)])
        let r = setup.resources
        // The runtime role's trust is unknown: not parsed, so not judged.
        let runtime = try #require(r.role(named: "runtime", account: "111122223333"))
        #expect(runtime.trust == nil)
        // The instance-profile role's permissions are not all known: not judged either.
        let ip = try #require(r.role(named: "ip-role", account: "111122223333"))
        #expect(ip.inlinePolicies.isEmpty && ip.permissionsUnknown && ip.boundaryArn == nil)
        let studio = try #require(r.role(named: "studio", account: "111122223333"))
        #expect(studio.permissionsUnknown)
        // Unknown cluster properties are neither values nor missing.
        let cluster = try #require(r.clusters.first)
        #expect(cluster.releaseLabel == nil && cluster.releaseNode != nil)
        #expect(cluster.applications.isEmpty && cluster.applicationsNode != nil)
        #expect(cluster.securityConfigurationName == nil && cluster.securityConfigurationNode != nil)
        #expect(cluster.primaryNodeCount == nil)
        // A user profile whose role list holds an unknown is left out.
        #expect(r.domains.map(\.name) == ["studio"])
        #expect(r.userProfiles.map(\.name) == ["analyst"])
        #expect(setup.chainFacts.count == 1)
        let errors = (report.findings + documentRuleFindings(setup)).filter { $0.severity == .error }
        #expect(errors.map { "\($0.ruleId) \($0.message)" } == [])
    }

    @Test func conditionsMappingsSelectAndNoValue() throws {
        let text = """
        {
          "Parameters": {"Env": {"Type": "String", "Default": "prod"}, "Roles": {"Type": "CommaDelimitedList", "Default": "a, b"}},
          "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}, "IsDev": {"Fn::Not": [{"Condition": "IsProd"}]}},
          "Mappings": {"Releases": {"prod": {"Label": "emr-7.1.0"}}},
          "Resources": {
            "DevOnly": {"Type": "AWS::IAM::Role", "Condition": "IsDev", "Properties": {"RoleName": "dev"}},
            "Role": {"Type": "AWS::IAM::Role", "Properties": {
              "RoleName": {"Fn::Select": [1, {"Ref": "Roles"}]},
              "PermissionsBoundary": {"Fn::If": ["IsProd", {"Ref": "AWS::NoValue"}, "arn:aws:iam::111122223333:policy/b"]},
              "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}},
            "Cluster": {"Type": "AWS::EMR::Cluster", "Properties": {
              "ReleaseLabel": {"Fn::FindInMap": ["Releases", {"Ref": "Env"}, "Label"]},
              "Instances": {"MasterInstanceFleet": {"TargetOnDemandCapacity": 1}}}}
          }
        }
        """
        let (_, setup) = analyze([("111122223333-a/template.json", text)])
        let r = setup.resources
        #expect(r.roles.map(\.name) == ["b"])
        #expect(r.roles.first?.boundaryArn == nil)
        let cluster = try #require(r.clusters.first)
        #expect(cluster.releaseLabel == "emr-7.1.0" && cluster.primaryNodeCount == 1)
        let (line, column) = try position(of: "{\"Fn::FindInMap\"", in: text)
        #expect(cluster.releaseNode?.range.start.line == line && cluster.releaseNode?.range.start.column == column)
    }

    /// CloudFormation's AWS::SageMaker::Domain has no EmrSettings (the API's domain does): RC005 at
    /// the key, and the lists are not read into the setup.
    @Test func emrSettingsOnADomainAreReportedAndNotRead() throws {
        let text = """
        Resources:
          Domain:
            Type: AWS::SageMaker::Domain
            Properties:
              DomainName: d
              AuthMode: IAM
              VpcId: vpc-0123456789abcdef0
              SubnetIds: [subnet-0123456789abcdef0]
              DefaultUserSettings:
                ExecutionRole: arn:aws:iam::111122223333:role/studio
                JupyterLabAppSettings:
                  EmrSettings:
                    ExecutionRoleArns: [arn:aws:iam::111122223333:role/emr-runtime]
        """
        let (report, setup) = analyze([("111122223333-a/template.yaml", text)])
        let f = try #require(report.findings.first { $0.ruleId == "RC005" })
        #expect(f.severity == .error)
        #expect(f.location.range.start.line == 12 && f.location.range.start.column == 11)
        let domain = try #require(setup.resources.domains.first)
        #expect(domain.defaults.executionRoles == nil && domain.defaults.assumableRoles == nil)
    }
}

/// `Fn::ImportValue` reads what another template of the run exports.
@Suite struct CloudFormationImportTests {
    static let roles = """
    Resources:
      RuntimeRole:
        Type: AWS::IAM::Role
        Properties:
          RoleName: emr-runtime-analyst
          AssumeRolePolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal: {Service: ec2.amazonaws.com}
                Action: sts:AssumeRole
    Outputs:
      RuntimeRoleArn:
        Value: !GetAtt RuntimeRole.Arn
        Export:
          Name: !Sub "${AWS::StackName}-runtime-role-arn"
    """

    static let studio = """
    Resources:
      StudioRole:
        Type: AWS::IAM::Role
        Properties:
          RoleName: studio-execution
          AssumeRolePolicyDocument:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Principal: {Service: sagemaker.amazonaws.com}, Action: sts:AssumeRole}
          Policies:
            - PolicyName: emr
              PolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Action: elasticmapreduce:GetClusterSessionCredentials
                    Resource: "*"
                    Condition:
                      StringEquals:
                        elasticmapreduce:ExecutionRoleArn: !ImportValue emr-roles-runtime-role-arn
    """

    @Test func anImportedRoleArnIsTheExportingTemplatesRole() {
        // The runtime role trusts EC2 instead of the instance-profile role: RC305, found only
        // because the condition's ARN is joined to the other template's export.
        let joined = TestSupport.lint([("111122223333-a/emr-roles.yaml", Self.roles), ("111122223333-a/studio.yaml", Self.studio)])
        #expect(joined.findings.contains { $0.ruleId == "RC305" && $0.location.file.hasSuffix("emr-roles.yaml") },
                "\(joined.findings.map { "\($0.ruleId) \($0.message)" })")
        // Alone, the import is unknown: the policy is not judged, so nothing names the role.
        let alone = TestSupport.lint([("111122223333-a/studio.yaml", Self.studio)])
        #expect(!alone.findings.contains { $0.ruleId == "RC305" })
        // An export under another stack name (another file name) is not this import.
        let renamed = TestSupport.lint([("111122223333-a/other-roles.yaml", Self.roles), ("111122223333-a/studio.yaml", Self.studio)])
        #expect(!renamed.findings.contains { $0.ruleId == "RC305" && $0.message.contains("emr-runtime-analyst") && $0.location.file.hasSuffix("studio.yaml") })
    }
}
