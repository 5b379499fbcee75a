import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckIAM
@testable import RoleCheckModel
@testable import RoleCheckRules
@testable import RoleCheckEngine
@testable import RoleCheckReporting

@Suite struct ModelTests {
    @Test(arguments: [
        ("111122223333-studio/iam.json", "111122223333"),
        ("exports/444455556666/iam.json", "444455556666"),
        ("a/111122223333-x/b/444455556666-data/iam.json", "444455556666"),
        ("1111222233334-x/iam.json", nil),
        ("iam.json", nil),
        ("111122223333.json", nil),
    ] as [(String, String?)])
    func accountFolders(_ path: String, _ account: String?) {
        #expect(AccountFolders.account(forPath: path) == account)
    }

    @Test func anUnknownRegionInABuiltARNMatchesAnyRegion() {
        let built = "arn:aws:elasticmapreduce:*:111122223333:cluster/j-1"
        #expect(ARN.matches(pattern: "arn:aws:elasticmapreduce:us-east-1:111122223333:cluster/*", value: built))
        #expect(!ARN.matches(pattern: "arn:aws:elasticmapreduce:us-east-1:444455556666:cluster/*", value: built))
        // Only a whole part that is `*` is unknown; a wildcard inside a real value is literal text.
        #expect(!ARN.matches(pattern: "arn:aws:s3:::bucket/a", value: "arn:aws:s3:::bucket/*"))
    }

    @Test func accountsNamedInEmrSettingsAreKnown() throws {
        let profile = """
        {"DomainId": "d-1", "UserProfileName": "alice", "UserProfileArn": "arn:aws:sagemaker:us-east-1:111122223333:user-profile/d-1/alice",
         "UserSettings": {"ExecutionRole": "arn:aws:iam::111122223333:role/studio",
           "JupyterLabAppSettings": {"EmrSettings": {"ExecutionRoleArns": ["arn:aws:iam::444455556666:role/runtime"]}}}}
        """
        let (_, setup) = Linter().analyze(inputs: [.file(SourceFile(path: "p.json", text: profile))])
        #expect(setup.resources.knownAccounts == ["111122223333", "444455556666"])
    }

    @Test func lakeFormationSettingsWithoutAnAccountFolderApply() {
        let lf = "{\"DataLakeSettings\": {\"AuthorizedSessionTagValueList\": [\"Amazon EMR\"]}}"
        let (_, setup) = Linter().analyze(inputs: [.file(SourceFile(path: "lf.json", text: lf))])
        #expect(setup.resources.lakeFormationSettings(account: "444455556666")?.authorizedSessionTagValues.map(\.value) == ["Amazon EMR"])
    }

    @Test func instanceProfileNamesResolveToTheirRole() throws {
        let iam = """
        {"RoleDetailList": [{"RoleName": "EMR_EC2_RuntimeRolesRole", "Arn": "arn:aws:iam::111122223333:role/EMR_EC2_RuntimeRolesRole",
          "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
          "InstanceProfileList": [{"InstanceProfileName": "emr-profile", "Arn": "arn:aws:iam::111122223333:instance-profile/emr-profile",
            "Roles": [{"RoleName": "EMR_EC2_RuntimeRolesRole", "Arn": "arn:aws:iam::111122223333:role/EMR_EC2_RuntimeRolesRole"}]}],
          "RolePolicyList": [], "AttachedManagedPolicies": []}]}
        """
        let cluster = "{\"Cluster\": {\"Id\": \"j-1\", \"ClusterArn\": \"arn:aws:elasticmapreduce:us-east-1:111122223333:cluster/j-1\", \"Ec2InstanceAttributes\": {\"IamInstanceProfile\": \"emr-profile\"}}}"
        let (_, setup) = Linter().analyze(inputs: [.file(SourceFile(path: "iam.json", text: iam)), .file(SourceFile(path: "c.json", text: cluster))])
        let c = try #require(setup.resources.clusters.first)
        #expect(setup.resources.instanceProfileRole(of: c).role?.name == "EMR_EC2_RuntimeRolesRole")
    }
}
