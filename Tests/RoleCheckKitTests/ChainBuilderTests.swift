import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckIAM
@testable import RoleCheckModel
@testable import RoleCheckEngine

/// The chain builder on its own: which Studio contexts the inputs hold, which clusters each
/// reaches, which runtime roles it offers, which documented option each chain is, and the hops a
/// chain is made of.
@Suite struct ChainBuilderTests {
    static func setup(_ files: [(String, String)]) -> Setup {
        Linter().analyze(inputs: files.map { .file(SourceFile(path: $0.0, text: $0.1)) }).setup
    }

    static func setup(folder: String) throws -> Setup {
        Linter().analyze(inputs: try OrderIndependenceTests.files(of: folder).map { .file($0) }).setup
    }

    static let studio = "111122223333"
    static let data = "444455556666"

    static func role(_ account: String, _ name: String) -> String { "arn:aws:iam::\(account):role/\(name)" }

    static func domain(runtimeRoles: [String], assumable: [String] = []) -> String {
        """
        {"DomainId": "d-1", "DomainArn": "arn:aws:sagemaker:eu-west-1:\(studio):domain/d-1",
         "DefaultUserSettings": {"ExecutionRole": "\(role(studio, "studio-exec"))",
           "StudioWebPortal": "ENABLED",
           "JupyterLabAppSettings": {"EmrSettings": {"ExecutionRoleArns": \(json(runtimeRoles)), "AssumableRoleArns": \(json(assumable))}}}}
        """
    }

    static func profile(_ name: String, runtimeRoles: [String]?) -> String {
        let emr = runtimeRoles.map { ", \"JupyterLabAppSettings\": {\"EmrSettings\": {\"ExecutionRoleArns\": \(json($0))}}" } ?? ""
        return """
        {"DomainId": "d-1", "UserProfileName": "\(name)", "UserSettings": {"ExecutionRole": "\(role(studio, "studio-exec"))"\(emr)}}
        """
    }

    static func cluster(_ account: String, id: String) -> String {
        """
        {"Cluster": {"Id": "\(id)", "Name": "c", "ClusterArn": "arn:aws:elasticmapreduce:eu-west-1:\(account):cluster/\(id)",
          "ReleaseLabel": "emr-7.1.0", "Applications": [{"Name": "Livy"}, {"Name": "Spark"}],
          "SecurityConfiguration": "rr", "Ec2InstanceAttributes": {"IamInstanceProfile": "arn:aws:iam::\(account):instance-profile/p"}}}
        """
    }

    static func json(_ list: [String]) -> String { "[" + list.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }

    @Test func aUserProfileWithListsReplacesTheDomainsAndADomainWithoutProfilesIsItsOwnContext() {
        let s = Self.setup([
            ("\(Self.studio)-studio/describe-domain.json", Self.domain(runtimeRoles: [Self.role(Self.studio, "domain-runtime")])),
            ("\(Self.studio)-studio/describe-user-profile-alice.json", Self.profile("alice", runtimeRoles: [Self.role(Self.studio, "alice-runtime")])),
            ("\(Self.studio)-studio/describe-user-profile-bob.json", Self.profile("bob", runtimeRoles: nil)),
        ])
        let contexts = s.studioContexts
        #expect(contexts.map(\.label) == ["user profile alice of domain d-1 (JupyterLab)", "user profile bob of domain d-1 (JupyterLab)"])
        // alice's own list replaces the domain's (no merge); bob has none and takes the domain's.
        #expect(contexts[0].runtimeRoles.flatMap { $0.list.arns.map(\.arn) } == [Self.role(Self.studio, "alice-runtime")])
        #expect(contexts[1].runtimeRoles.flatMap { $0.list.arns.map(\.arn) } == [Self.role(Self.studio, "domain-runtime")])
        #expect(contexts.allSatisfy { $0.domainId == "d-1" && $0.entity == .role(Self.role(Self.studio, "studio-exec")) })

        let domainOnly = Self.setup([("\(Self.studio)-studio/describe-domain.json", Self.domain(runtimeRoles: []))])
        #expect(domainOnly.studioContexts.map(\.label) == ["the default user settings of domain d-1 (JupyterLab)"])
    }

    @Test func clustersAreReachedInTheOwnAccountAndWhereAnAccessRoleOrARuntimeRoleIs() {
        let s = Self.setup([
            ("\(Self.studio)-studio/describe-domain.json",
             Self.domain(runtimeRoles: [Self.role(Self.studio, "rt"), Self.role(Self.data, "remote-rt")],
                         assumable: [Self.role(Self.data, "access")])),
            ("\(Self.studio)-studio/describe-cluster.json", Self.cluster(Self.studio, id: "j-OWN")),
            ("\(Self.data)-data/describe-cluster.json", Self.cluster(Self.data, id: "j-REMOTE")),
            ("999988887777-other/describe-cluster.json", Self.cluster("999988887777", id: "j-OTHER")),
        ])
        let c = s.studioContexts[0]
        let reached = ChainBuilder.reachable(c, s.resources.clusters).compactMap(\.id).sorted()
        #expect(reached == ["j-OWN", "j-REMOTE"])
        // JupyterLab offers, for each cluster, the listed roles of that cluster's account.
        let own = s.resources.clusters.first { $0.id == "j-OWN" }!
        #expect(ChainBuilder.offered(c, for: own).map(\.arn) == [Self.role(Self.studio, "rt")])

        let chains = s.chainFacts.map(\.chain)
        #expect(chains.map { "\($0.cluster.id ?? "?") \(StatementMatcher.roleName($0.runtimeRoleArn)) \($0.option.rawValue)" }.sorted()
                == ["j-OWN rt same account", "j-REMOTE remote-rt option 1"])
        #expect(chains.first { $0.option == .option1 }?.accessRole?.arn == Self.role(Self.data, "access"))
    }

    @Test(arguments: [
        ("samples/setups/same-account-jupyterlab", ConnectionOption.sameAccount),
        ("samples/setups/option1-jupyterlab", ConnectionOption.option1),
        ("samples/setups/option2-classic", ConnectionOption.option2),
        ("samples/setups/option3-classic", ConnectionOption.option3),
    ])
    func eachDocumentedArrangementIsItsOption(_ folder: String, _ option: ConnectionOption) throws {
        let s = try Self.setup(folder: folder)
        #expect(!s.chainFacts.isEmpty)
        #expect(Set(s.chainFacts.map(\.chain.option)) == [option])
    }

    @Test func aChainIsItsHopsInTheOrderAConnectionTakesThem() throws {
        let s = try Self.setup(folder: "samples/setups/option1-jupyterlab")
        let f = try #require(s.chainFacts.first)
        #expect(f.hops.map(\.kind) == [.assumeAccessRole, .sessionCredentials, .securityConfiguration, .instanceProfile,
                                       .assumeRuntimeRole])
        // Hops join the entities the chain names.
        let access = try #require(f.hop(.assumeAccessRole))
        #expect(access.ref.from == f.studioEntity && access.ref.to == f.accessEntity)
        #expect(f.hop(.sessionCredentials)?.ref.from == f.accessEntity)
        let runtime = try #require(f.hop(.assumeRuntimeRole))
        #expect(runtime.ref.from == f.instanceProfileEntity && runtime.ref.to == f.runtimeEntity)
        // The working arrangement: every question the runtime-role hop asks is allowed.
        for q in runtime.questions where q.variant.isEmpty { #expect(q.result?.allowed == true, "\(q.action) \(q.scope)") }
    }

    @Test func withLakeFormationTheTagIsAskedForAndTheDataHopIsThere() throws {
        let s = try Self.setup(folder: "samples/setups/same-account-jupyterlab")
        let f = try #require(s.chainFacts.first { $0.lakeFormationTag != nil })
        #expect(f.hops.map(\.kind) == [.sessionCredentials, .securityConfiguration, .instanceProfile, .assumeRuntimeRole, .lakeFormation])
        let tag = f.hop(.assumeRuntimeRole)?.question("sts:TagSession", .resourcePolicy)?.request.context
        #expect(tag?.values("aws:RequestTag/LakeFormationAuthorizedCaller") == ["Amazon EMR"])
        #expect(f.hop(.lakeFormation)?.questions.map(\.action) == ["lakeformation:GetDataAccess", "glue:GetTable", "glue:GetDatabase"])
    }

    @Test func aQuestionWhoseCallerPoliciesAreNotAmongTheInputsHasNoAnswer() throws {
        // The runtime role and the instance-profile role are known only from get-role output.
        let s = try Self.setup(folder: "samples/setups/option1-jupyterlab")
        for f in s.chainFacts {
            for q in f.hops.flatMap(\.questions) where q.scope == .full {
                if let caller = s.resources.roles.first(where: { HopEvaluator.session(of: $0.effectiveArn ?? "") == q.request.principal }),
                   !HopEvaluator.policiesKnown(caller) {
                    #expect(q.result == nil, "\(q.action) by \(caller.name) was answered without its policies")
                }
            }
        }
    }

    @Test func aBrokenTrustIsDecidedInTheHopAndExplainedThere() throws {
        let s = try Self.setup(folder: "samples/setups/broken/missing-tag-session")
        let f = try #require(s.chainFacts.first {
            // The trust alone: across accounts the decision also needs the caller's side, so the
            // trust's own answer is `resourceAllows`.
            $0.hop(.assumeRuntimeRole)?.answer("sts:TagSession", .resourcePolicy)?.resourceAllows == false
                && $0.hop(.assumeRuntimeRole)?.answer("sts:AssumeRole", .resourcePolicy)?.resourceAllows == true
        })
        let result = try #require(f.hop(.assumeRuntimeRole)?.answer("sts:TagSession", .resourcePolicy))
        #expect(result.decision == .implicitDeny)
        // The full question agrees: both sides are consulted and the trust refuses.
        #expect(f.hop(.assumeRuntimeRole)?.answer("sts:TagSession", .full)?.allowed == false)
        #expect(result.because().contains("sts:TagSession"))
    }
}
