import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckIAM
@testable import RoleCheckModel
@testable import RoleCheckRules
@testable import RoleCheckEngine
@testable import RoleCheckReporting

/// Cases of the RC2xx rules, RC404 and RC005 beyond their documented examples.
@Suite struct PrerequisiteRuleTests {
    /// The rule's findings, every cluster judged as a runtime-role cluster (the scope is tested in
    /// ScopeTests).
    func findings(_ id: String, _ files: [(String, String)]) -> [Finding] {
        TestSupport.lintRequiringRuntimeRoles(files).findings.filter { $0.ruleId == id }
    }

    func cluster(_ members: String) -> (String, String) {
        ("describe-cluster.json", "{\"Cluster\": {\"Id\": \"j-TEST\", \(members)}}")
    }

    func clusterWithRelease(_ label: String) -> (String, String) {
        cluster("\"ReleaseLabel\": \"\(label)\", \"Applications\": [{\"Name\": \"Spark\"}, {\"Name\": \"Livy\"}], \"SecurityConfiguration\": \"sc\"")
    }

    // MARK: Release labels

    @Test(arguments: [
        ("emr-6.10.0", [6, 10, 0]), ("emr-6.9.0", [6, 9, 0]), ("emr-7.0.0", [7, 0, 0]), ("emr-6.9", [6, 9]),
        ("EMR-6.15.0", [6, 15, 0]), ("emr-5.36.2", [5, 36, 2]),
    ])
    func releaseLabelsParse(_ label: String, _ parts: [Int]) {
        #expect(EMRReleaseLabel.version(label) == DottedVersion(parts))
    }

    @Test(arguments: ["emr-", "emr-6.x", "6.9.0", "emr-6.9.0.1", "emr-6..0", "emr-6.9.0-beta", "", "emr-v6.9.0"])
    func unreadableReleaseLabels(_ label: String) {
        #expect(EMRReleaseLabel.version(label) == nil)
    }

    @Test func releasesCompareNumericallyPartByPart() {
        let v = { EMRReleaseLabel.version($0)! }
        #expect(v("emr-6.10.0") > v("emr-6.9.0"))
        #expect(v("emr-7.0.0") > v("emr-6.15.0"))
        #expect(v("emr-6.9") == v("emr-6.9.0"))
        #expect(v("emr-6.8.1") < v("emr-6.9.0"))
        #expect(v("emr-6.13.0") < EMRReleaseLabel.lakeFormationFineGrained)
        #expect(Set([v("emr-6.9"), v("emr-6.9.0")]).count == 1)
    }

    @Test(arguments: [
        ("emr-6.10.0", false, false), ("emr-6.9.0", false, true), ("emr-6.9", false, true), ("emr-7.0.0", false, false),
        ("emr-6.8.1", true, false), ("emr-4.9.6", true, false),
    ])
    func rc201AndRc202SplitTheReleases(_ label: String, _ tooOld: Bool, _ patch: Bool) {
        let files = [clusterWithRelease(label)]
        #expect(findings("RC201", files).count == (tooOld ? 1 : 0))
        #expect(findings("RC202", files).count == (patch ? 1 : 0))
    }

    @Test func missingReleaseLabelPointsAtTheCluster() throws {
        let f = try #require(findings("RC201", [cluster("\"Applications\": [{\"Name\": \"Livy\"}]")]).first)
        #expect(f.severity == .error)
        #expect(f.location.pointer == "/Cluster")
        #expect(f.message.contains("no ReleaseLabel"))
    }

    @Test func unreadableReleaseLabelIsAWarning() throws {
        let f = try #require(findings("RC201", [clusterWithRelease("emr-6.x")]).first)
        #expect(f.severity == .warning)
        #expect(f.location.pointer == "/Cluster/ReleaseLabel")
    }

    @Test func nonStringReleaseLabelIsRC005Only() {
        let files = [cluster("\"ReleaseLabel\": 6.9, \"Applications\": [{\"Name\": \"Livy\"}]")]
        #expect(findings("RC201", files).isEmpty)
        #expect(findings("RC005", files).map(\.location.pointer) == ["/Cluster/ReleaseLabel"])
    }

    // MARK: Applications and primary nodes

    @Test func applicationNamesIgnoreCaseAndPrestoSQLDoesNotCount() throws {
        #expect(findings("RC203", [cluster("\"ReleaseLabel\": \"emr-7.1.0\", \"Applications\": [{\"Name\": \"spark\"}, {\"Name\": \"LIVY\"}]")]).isEmpty)
        let f = try #require(findings("RC203", [cluster("\"ReleaseLabel\": \"emr-6.2.0\", \"Applications\": [{\"Name\": \"PrestoSQL\"}]")]).first)
        #expect(f.severity == .error)
        #expect(f.message.contains("Trino"))
    }

    @Test func missingApplicationsIsAWarningAtTheCluster() throws {
        let f = try #require(findings("RC203", [cluster("\"ReleaseLabel\": \"emr-7.1.0\"")]).first)
        #expect(f.severity == .warning)
        #expect(f.location.pointer == "/Cluster")
    }

    @Test func sparkAloneIsAnError() throws {
        let f = try #require(findings("RC203", [cluster("\"ReleaseLabel\": \"emr-7.1.0\", \"Applications\": [{\"Name\": \"Spark\"}]")]).first)
        #expect(f.severity == .error)
    }

    @Test func spotCapacityOfThePrimaryFleetCounts() throws {
        let files = [cluster("""
            "InstanceFleets": [{"InstanceFleetType": "MASTER", "TargetOnDemandCapacity": 0, "TargetSpotCapacity": 3},
                               {"InstanceFleetType": "CORE", "TargetOnDemandCapacity": 8}]
            """)]
        let f = try #require(findings("RC204", files).first)
        #expect(f.location.pointer == "/Cluster/InstanceFleets/0/TargetSpotCapacity")
    }

    @Test func runningCountIsUsedWhenNoRequestedCount() {
        let files = [cluster("\"InstanceGroups\": [{\"InstanceGroupType\": \"MASTER\", \"RunningInstanceCount\": 3}]")]
        #expect(findings("RC204", files).map(\.location.pointer) == ["/Cluster/InstanceGroups/0/RunningInstanceCount"])
    }

    @Test func impossibleCountsAreRC005() {
        let files = [cluster("\"InstanceGroups\": [{\"InstanceGroupType\": \"CORE\", \"RequestedInstanceCount\": -1, \"RunningInstanceCount\": 2.5}]")]
        #expect(findings("RC005", files).count == 2)
    }

    // MARK: Security configuration of a cluster

    func describeConfig(_ name: String, _ json: String, path: String = "describe-security-configuration.json") -> (String, String) {
        let escaped = json.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
        return (path, "{\"Name\": \"\(name)\", \"SecurityConfiguration\": \"\(escaped)\"}")
    }

    static let runtimeRoles = #"{"AuthorizationConfiguration":{"IAMConfiguration":{"EnableApplicationScopedIAMRole":true}}}"#

    @Test func nullSecurityConfigurationIsRC206NotRC005() {
        let files = [cluster("\"ReleaseLabel\": \"emr-7.1.0\", \"SecurityConfiguration\": null")]
        #expect(findings("RC206", files).map(\.location.pointer) == ["/Cluster/SecurityConfiguration"])
        #expect(findings("RC005", files).isEmpty)
    }

    @Test func aNameNoInputDefinesIsLeftToRC004() {
        #expect(findings("RC206", [clusterWithRelease("emr-7.1.0")]).isEmpty)
    }

    @Test func sameNameInAnotherAccountIsNotAmbiguous() {
        let files = [
            ("111122223333-emr/describe-cluster.json", "{\"Cluster\": {\"Id\": \"j-A\", \"SecurityConfiguration\": \"sc\"}}"),
            describeConfig("sc", Self.runtimeRoles, path: "111122223333-emr/sc.json"),
            describeConfig("sc", #"{"EncryptionConfiguration":{"EnableInTransitEncryption":true}}"#, path: "444455556666-other/sc.json"),
        ]
        #expect(findings("RC206", files).isEmpty)
    }

    @Test func keyOrderDoesNotMakeDefinitionsDifferent() {
        let files = [
            clusterWithRelease("emr-7.1.0"),
            describeConfig("sc", #"{"A":{"x":1,"y":true},"AuthorizationConfiguration":{"IAMConfiguration":{"EnableApplicationScopedIAMRole":true}}}"#, path: "a.json"),
            describeConfig("sc", #"{"AuthorizationConfiguration":{"IAMConfiguration":{"EnableApplicationScopedIAMRole":true}},"A":{"y":true,"x":1.0}}"#, path: "b.json"),
        ]
        #expect(findings("RC206", files).isEmpty)
    }

    @Test func legacySAMLLakeFormationIsNotChecked() {
        let legacy = #"{"AuthorizationConfiguration":{"IAMConfiguration":{"EnableApplicationScopedIAMRole":true},"LakeFormationConfiguration":{"IdPMetadataS3Path":"s3://idp/metadata.xml"}}}"#
        #expect(findings("RC210", [clusterWithRelease("emr-6.7.0"), describeConfig("sc", legacy)]).isEmpty)
        let current = #"{"AuthorizationConfiguration":{"IAMConfiguration":{"EnableApplicationScopedIAMRole":true},"LakeFormationConfiguration":{"AuthorizedSessionTagValue":"Amazon EMR"}}}"#
        let f = findings("RC210", [clusterWithRelease("emr-6.7.0"), describeConfig("sc", current)])
        #expect(f.map(\.severity) == [.warning])
        #expect(f.first?.related.first?.location.file == "describe-security-configuration.json")
    }

    // MARK: In-transit encryption and booleans

    func securityConfiguration(_ encryption: String, flag: String = "true") -> (String, String) {
        ("sc.json", "{\"AuthorizationConfiguration\": {\"IAMConfiguration\": {\"EnableApplicationScopedIAMRole\": \(flag)}}, \"EncryptionConfiguration\": \(encryption)}")
    }

    static let studioDomain = ("describe-domain.json", "{\"DomainId\": \"d-test\", \"DefaultUserSettings\": {\"StudioWebPortal\": \"ENABLED\"}}")

    @Test func rc209NeedsStudioAmongTheInputs() throws {
        let config = securityConfiguration("{\"EnableInTransitEncryption\": false}")
        #expect(findings("RC209", [config]).isEmpty)
        let f = try #require(findings("RC209", [config, Self.studioDomain]).first)
        #expect(f.location.pointer == "/EncryptionConfiguration/EnableInTransitEncryption")
        #expect(f.related.first?.location.file == "describe-domain.json")
    }

    @Test func stringTrueCountsAsOnForRC209AndIsAnRC005Warning() {
        let files = [securityConfiguration("{\"EnableInTransitEncryption\": \"true\"}"), Self.studioDomain]
        #expect(findings("RC209", files).isEmpty)
        #expect(findings("RC005", files).map(\.severity) == [.warning])
    }

    @Test func stringFalseIsOffForRC209() {
        #expect(findings("RC209", [securityConfiguration("{\"EnableInTransitEncryption\": \"False\"}"), Self.studioDomain]).count == 1)
    }

    @Test func configurationsWithoutRuntimeRolesAreNotRC209s() {
        #expect(findings("RC209", [securityConfiguration("{\"EnableInTransitEncryption\": false}", flag: "false"), Self.studioDomain]).isEmpty)
        #expect(findings("RC209", [securityConfiguration("{\"EnableInTransitEncryption\": false}", flag: "\"true\""), Self.studioDomain]).count == 1)
    }

    @Test(arguments: ["\"yes\"", "null", "0", "[]"])
    func nonBooleanFlagsAreRC005Errors(_ value: String) {
        let f = findings("RC005", [securityConfiguration("{\"EnableInTransitEncryption\": true, \"EnableAtRestEncryption\": \(value)}")])
        #expect(f.map(\.severity) == [.error])
        #expect(f.first?.location.pointer == "/EncryptionConfiguration/EnableAtRestEncryption")
    }

    @Test func nonObjectSectionIsRC005AndRC209StaysQuiet() {
        let files = [securityConfiguration("\"TLS\""), Self.studioDomain]
        #expect(findings("RC005", files).map(\.location.pointer) == ["/EncryptionConfiguration"])
        #expect(findings("RC209", files).isEmpty)
    }

    // MARK: Studio images

    func domain(_ settings: String, id: String = "d-test") -> (String, String) {
        ("describe-domain.json", "{\"DomainId\": \"\(id)\", \"DomainArn\": \"arn:aws:sagemaker:us-east-1:111122223333:domain/\(id)\", \"DefaultUserSettings\": {\(settings)}}")
    }

    @Test(arguments: [
        ("1.9.0", nil, "1.9.0"), ("1.10", nil, "1.10"), ("2.0.0-cpu", nil, "2.0.0"), ("latest", nil, nil),
        (nil, "arn:aws:sagemaker:us-east-1:885854791233:image/sagemaker-distribution-cpu", nil),
        (nil, "public.ecr.aws/sagemaker/sagemaker-distribution:1.9.0-cpu", "1.9.0"),
        (nil, "arn:aws:sagemaker:us-east-1:885854791233:image-version/sagemaker-distribution-cpu/12", nil),
        ("1.8", "arn:aws:sagemaker:us-east-1:885854791233:image/sagemaker-distribution-gpu", "1.8"),
    ] as [(String?, String?, String?)])
    func distributionVersions(_ alias: String?, _ image: String?, _ expected: String?) {
        #expect(SageMakerDistribution.version(alias: alias, imageArn: image) == expected.flatMap { DottedVersion.parse($0) })
    }

    @Test func distributionVersionsCompareNumerically() {
        #expect(DottedVersion.parse("1.10")! >= SageMakerDistribution.studioMinimum)
        #expect(DottedVersion.parse("1.9.9")! < SageMakerDistribution.studioMinimum)
        #expect(DottedVersion.parse("1.10.0") == DottedVersion.parse("1.10"))
    }

    @Test func classicImageFromTheVersionArnAndUnknownImages() {
        let jl1 = domain("\"JupyterServerAppSettings\": {\"DefaultResourceSpec\": {\"SageMakerImageVersionArn\": \"arn:aws:sagemaker:us-east-1:081325390199:image-version/jupyter-server/1\"}}")
        #expect(findings("RC207", [jl1]).map(\.severity) == [.error])
        let custom = domain("\"JupyterServerAppSettings\": {\"DefaultResourceSpec\": {\"SageMakerImageArn\": \"arn:aws:sagemaker:us-east-1:111122223333:image/my-server\"}}")
        #expect(findings("RC207", [custom]).map(\.severity) == [.warning])
    }

    @Test func emrSettingsWithoutClassicFilesMakeAJupyterLabUser() {
        let settings = """
            "JupyterServerAppSettings": {"DefaultResourceSpec": {"SageMakerImageArn": "arn:aws:sagemaker:us-east-1:081325390199:image/jupyter-server"}},
            "JupyterLabAppSettings": {"EmrSettings": {"ExecutionRoleArns": ["arn:aws:iam::111122223333:role/emr-runtime"]}}
            """
        #expect(findings("RC207", [domain(settings)]).isEmpty)
    }

    @Test func aDomainImageIsReportedOnceForAllItsUsers() throws {
        let d = domain("\"StudioWebPortal\": \"DISABLED\", \"JupyterServerAppSettings\": {\"DefaultResourceSpec\": {\"SageMakerImageArn\": \"arn:aws:sagemaker:us-east-1:081325390199:image/jupyter-server\"}}")
        let profile = { (name: String) in
            ("\(name).json", "{\"DomainId\": \"d-test\", \"UserProfileName\": \"\(name)\", \"UserSettings\": {}}")
        }
        let f = findings("RC207", [d, profile("alice"), profile("bob")])
        #expect(f.count == 1)
        #expect(f.first?.related.count == 2)
        #expect(f.first?.message.contains("alice") == true && f.first?.message.contains("bob") == true)
    }

    @Test func imageVersionArnAloneIsNotJudgedForRC208() {
        let d = domain("\"StudioWebPortal\": \"ENABLED\", \"JupyterLabAppSettings\": {\"DefaultResourceSpec\": {\"SageMakerImageVersionArn\": \"arn:aws:sagemaker:us-east-1:885854791233:image-version/sagemaker-distribution-cpu/3\"}}")
        #expect(findings("RC208", [d]).isEmpty)
    }

    @Test func sharedSpaceWithoutAppTypeIsReportedWhenEMRIsUsed() {
        let space = ("space.json", "{\"DomainId\": \"d-test\", \"SpaceName\": \"s\", \"SpaceSharingSettings\": {\"SharingType\": \"Shared\"}}")
        #expect(findings("RC211", [space, clusterWithRelease("emr-7.1.0")]).count == 1)
        #expect(findings("RC211", [space]).isEmpty)
    }

    // MARK: Studio role lists

    @Test(arguments: [
        ("arn:aws:iam::111122223333:role/emr-runtime", nil),
        ("arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole", nil),
        ("arn:aws-cn:iam::111122223333:role/x", nil),
        ("arn:aws:iam::111122223333:role/emr-*", "wildcard"),
        ("arn:aws:iam::11112222333:role/x", "not 12 digits"),
        ("arn:aws:iam:us-east-1:111122223333:role/x", "Region"),
        ("arn:aws:sts::111122223333:assumed-role/x/session", "assumed-role"),
        ("arn:aws:iam::111122223333:user/x", "user"),
        ("arn:aws:s3:::bucket", "service s3"),
        ("111122223333", "account ID"),
        ("arn:aws:iam::111122223333:role/", "characters"),
        ("arn:aws:iam:111122223333:role/x", "six parts"),
    ] as [(String, String?)])
    func roleArnChecks(_ text: String, _ problem: String?) {
        let found = RoleArnCheck.problem(text)
        if let problem {
            #expect(found?.contains(problem) == true, "\(text): \(found ?? "no problem")")
        } else {
            #expect(found == nil, "\(text): \(found ?? "")")
        }
    }

    @Test func classicFileWithSixAccountsIsAWarningAtTheSixth() throws {
        let accounts = (1...6).map { String(repeating: String($0), count: 12) }
        let body = accounts.map { "\"\($0)\": [\"arn:aws:iam::\($0):role/r\"]" }.joined(separator: ", ")
        let f = findings("RC404", [("emr-configurations-DO_NOT_DELETE.json", "{\"emr-execution-role-arns\": {\(body)}}")])
        #expect(f.map(\.severity) == [.warning])
        #expect(f.first?.location.pointer == "/emr-execution-role-arns/666666666666")
    }

    @Test func discoveryFileWithSixAccountsIsAnError() {
        let accounts = (1...6).map { String(repeating: String($0), count: 12) }
        let body = accounts.map { "\"\($0)\": \"arn:aws:iam::\($0):role/AssumableRole\"" }.joined(separator: ", ")
        let f = findings("RC404", [("discovery.json", "{\(body)}")])
        #expect(f.map(\.severity) == [.error])
    }

    @Test func discoveryRoleInAnotherAccountIsAWarning() {
        let f = findings("RC404", [("discovery.json", "{\"444455556666\": \"arn:aws:iam::111122223333:role/AssumableRole\"}")])
        #expect(f.map(\.severity) == [.warning])
    }

    @Test func nonStringListItemsAreErrors() {
        let profile = """
            {"DomainId": "d-test", "UserProfileName": "alice", "UserSettings": {"JupyterLabAppSettings": {"EmrSettings": {"ExecutionRoleArns": [{"Arn": "arn:aws:iam::111122223333:role/r"}]}}}}
            """
        #expect(findings("RC404", [("profile.json", profile)]).map(\.location.pointer) == ["/UserSettings/JupyterLabAppSettings/EmrSettings/ExecutionRoleArns/0"])
    }

    @Test func duplicatesIgnoreCase() {
        let list = "[\"arn:aws:iam::111122223333:role/Runtime\", \"arn:aws:iam::111122223333:role/runtime\"]"
        let profile = "{\"DomainId\": \"d-test\", \"UserProfileName\": \"a\", \"UserSettings\": {\"JupyterLabAppSettings\": {\"EmrSettings\": {\"ExecutionRoleArns\": \(list)}}}}"
        #expect(findings("RC404", [("p.json", profile)]).map(\.severity) == [.warning])
    }
}
