import Foundation
import Testing
@testable import RoleCheckKit
@testable import RoleCheckDocuments
@testable import RoleCheckScaffold

/// `rolecheck scaffold`: every option × app × format, linted by rolecheck itself (no error, no
/// warning, and RC400 naming the option for each runtime role), checked by cfn-lint
/// (CloudFormation), held to golden files, and refused with a message on bad input.
///
/// The golden files are `Fixtures/scaffold/<option>-<app>-<format>/`; `UPDATE_SNAPSHOTS=1`
/// rewrites them (review the diff).
@Suite struct ScaffoldTests {
    static let studio = "111122223333"
    static let data = "444455556666"

    struct Combination: CustomStringConvertible {
        let option: ScaffoldOption
        let app: ScaffoldApp
        let format: ScaffoldFormat
        var description: String { "\(option.rawValue == "same-account" ? "same-account" : "option\(option.rawValue)")-\(app.rawValue)-\(format.rawValue)" }
    }

    static var combinations: [Combination] {
        ScaffoldOption.allCases.flatMap { o in ScaffoldApp.allCases.flatMap { a in ScaffoldFormat.allCases.map { Combination(option: o, app: a, format: $0) } } }
    }

    /// The request the golden files hold: only the required options (defaults for the rest).
    static func request(_ c: Combination) -> ScaffoldRequest {
        var r = ScaffoldRequest(option: c.option, app: c.app, format: c.format, studioAccount: studio)
        if c.option != .sameAccount { r.dataAccount = data }
        return r
    }

    /// The same with every optional value given: two runtime roles, another Region, a domain,
    /// a subnet and a cluster name (option 1 names its account with --cluster-account).
    static func fullRequest(_ c: Combination) -> ScaffoldRequest {
        var r = ScaffoldRequest(option: c.option, app: c.app, format: c.format, studioAccount: studio)
        if c.option == .option1 { r.clusterAccount = data } else if c.option != .sameAccount { r.dataAccount = data }
        r.runtimeRoles = ["ml-analyst", "ml.engineer"]
        r.region = "eu-west-1"
        r.domainId = "d-7xkqm2ab9frt"
        r.subnetId = "subnet-02f177dc26a03616b"
        r.clusterName = "ml-shared"
        r.userProfile = "priya-raman"
        r.dataBucket = "ml-curated-data"
        r.releaseLabel = "emr-6.15.0"
        return r
    }

    /// A fresh temporary folder, removed by the caller.
    static func temporaryFolder(_ name: String) -> String {
        let path = NSTemporaryDirectory() + "rolecheck-scaffold-\(getpid())-\(name)"
        try? FileManager.default.removeItem(atPath: path)
        return path
    }

    // MARK: rolecheck lints every scaffold clean

    @Test(arguments: combinations)
    func everyScaffoldLintsCleanAsItsOption(_ c: Combination) throws {
        for (variant, request) in [("defaults", Self.request(c)), ("full", Self.fullRequest(c))] {
            let folder = Self.temporaryFolder("\(c)-\(variant)")
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let files = try Scaffold.files(for: request)
            _ = try ScaffoldWriter.write(files, to: folder, force: false)
            let run = try CLITests().run(["lint", folder, "--format", "json", "--fail-on", "never"])
            #expect(run.status == 0, "\(c) \(variant): \(run.stderr)")
            let report = try JSONParser.parse(file: SourceFile(path: "report.json", text: run.stdout)).get().root
            let findings = try #require(report["findings"]).elements
            let loud = findings.filter { $0["severity"]?.string != "note" }
            #expect(loud.isEmpty, "\(c) \(variant): \(loud.map { "\($0["ruleId"]!.string!) \($0["message"]!.string!)" })")
            // One RC400 note per runtime role, naming the option; no other note.
            let topology = findings.filter { $0["ruleId"]?.string == "RC400" }
            #expect(topology.count == findings.count, "\(c) \(variant): notes other than RC400: \(findings.map { $0["ruleId"]!.string! })")
            #expect(topology.count == (request.runtimeRoles.isEmpty ? 1 : request.runtimeRoles.count), "\(c) \(variant): \(topology.count) RC400 notes")
            let option = c.option == .sameAccount ? ": same account (" : ": option \(c.option.rawValue) ("
            for note in topology {
                let message = note["message"]?.string ?? ""
                #expect(message.contains(option), "\(c) \(variant): \(message)")
                #expect(message.contains(c.app == .classic ? "(Studio Classic)" : "(JupyterLab)"), "\(c) \(variant): \(message)")
            }
            // Option 3 in the JupyterLab app: the two findings its README explains are accepted
            // by rolecheck.yaml (and used: an unused suppression would be an RC006 warning).
            let suppressed = (report["suppressed"]?.elements ?? []).compactMap { $0["ruleId"]?.string }.sorted()
            // RC309 once for the cluster, RC406 once per runtime role.
            let expected = c.option == .option3 && c.app == .jupyterlab ? ["RC309"] + Array(repeating: "RC406", count: topology.count) : []
            #expect(suppressed == expected.sorted(), "\(c) \(variant): suppressed \(suppressed)")
        }
    }

    // MARK: Golden files

    static var goldenRoot: String { TestSupport.packageRoot + "/Tests/RoleCheckKitTests/Fixtures/scaffold" }

    @Test(arguments: combinations)
    func scaffoldMatchesItsGoldenFiles(_ c: Combination) throws {
        let files = try Scaffold.files(for: Self.request(c))
        let folder = Self.goldenRoot + "/\(c)"
        if ProcessInfo.processInfo.environment["UPDATE_SNAPSHOTS"] == "1" {
            try? FileManager.default.removeItem(atPath: folder)
            _ = try ScaffoldWriter.write(files, to: folder, force: false)
            return
        }
        let stored = ScaffoldWriter.listFiles(folder, prefix: "")
        #expect(!stored.isEmpty, "no golden files in \(folder); run with UPDATE_SNAPSHOTS=1 and review them")
        #expect(stored.sorted() == files.map(\.path), "\(c): the files differ from the golden ones (UPDATE_SNAPSHOTS=1 rewrites them)")
        for file in files {
            let golden = TestSupport.readFile(folder + "/" + file.path).map { String(decoding: $0, as: UTF8.self) }
            #expect(golden == file.contents, "\(c): \(file.path) differs from its golden file (UPDATE_SNAPSHOTS=1 rewrites it)")
        }
    }

    @Test func outputIsDeterministic() throws {
        for c in Self.combinations {
            for request in [Self.request(c), Self.fullRequest(c)] {
                #expect(try Scaffold.files(for: request) == Scaffold.files(for: request), "\(c)")
            }
        }
    }

    // MARK: cfn-lint

    /// cfn-lint at the version requirements/test.txt pins: the package's .venv-ci (which .ci/run
    /// creates) first, then PATH. Nil when there is none at that version (a note, or a failure
    /// under CI=true): an older cfn-lint does not know every property the templates use.
    static let cfnLint: String? = {
        let requirements = TestSupport.readFile(TestSupport.packageRoot + "/requirements/test.txt").map { String(decoding: $0, as: UTF8.self) } ?? ""
        let pin = requirements.split(separator: "\n").first { $0.hasPrefix("cfn-lint==") }.map { String($0.dropFirst("cfn-lint==".count)) }
        var candidates = [TestSupport.packageRoot + "/.venv-ci/bin/cfn-lint"]
        candidates += (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/cfn-lint" }
        var seen: [String] = []
        for path in candidates where FileManager.default.isExecutableFile(atPath: path) {
            let version = (try? runCfnLint(path, ["--version"]).output)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
            if let pin, version.hasSuffix(" " + pin) { return path }
            seen.append("\(path) is \(version)")
        }
        let what = "no cfn-lint \(pin ?? "?") (requirements/test.txt: python3 -m venv .venv-ci && .venv-ci/bin/pip install -r requirements/test.txt)"
            + (seen.isEmpty ? "" : "; " + seen.joined(separator: ", "))
        if TestSupport.isCI { Issue.record("\(what), and CI=true requires it") } else { print("note: skipping the cfn-lint check: \(what)") }
        return nil
    }()

    static func runCfnLint(_ cfnLint: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: cfnLint)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func everyCloudFormationScaffoldPassesCfnLint() throws {
        guard let cfnLint = Self.cfnLint else { return }
        let root = Self.temporaryFolder("cfn-lint")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var templates: [String] = []
        for c in Self.combinations where c.format == .cloudformation {
            for (variant, request) in [("defaults", Self.request(c)), ("full", Self.fullRequest(c))] {
                let files = try Scaffold.files(for: request)
                _ = try ScaffoldWriter.write(files, to: "\(root)/\(c)-\(variant)", force: false)
                templates += files.filter { $0.path.hasSuffix(".yaml") && $0.path != "rolecheck.yaml" }.map { "\(root)/\(c)-\(variant)/\($0.path)" }
            }
        }
        #expect(templates.count == 28, "\(templates.count) templates") // 2 × (2 same-account + 6 × 2 cross-account)
        let result = try Self.runCfnLint(cfnLint, ["--format", "parseable", "--"] + templates)
        #expect(result.status == 0, "cfn-lint:\n\(result.output)")

        // The check can fail: a property CloudFormation does not know is reported.
        let broken = root + "/broken.yaml"
        let text = String(decoding: try #require(TestSupport.readFile(templates[0])), as: UTF8.self)
        #expect(text.contains("ReleaseLabel: "))
        try text.replacing("ReleaseLabel: ", with: "ReleaseLabl: ").write(toFile: broken, atomically: true, encoding: .utf8)
        let failing = try Self.runCfnLint(cfnLint, ["--format", "parseable", "--", broken])
        #expect(failing.status != 0 && failing.output.contains("ReleaseLabl"), "cfn-lint accepted a broken template:\n\(failing.output)")
    }

    // MARK: What the documents allow

    /// The runtime roles trust only the instance-profile role; the access role only the Studio
    /// execution role; session credentials only with the runtime roles as the condition; `*`
    /// only where the action has no resource type.
    @Test(arguments: ScaffoldOption.allCases)
    func documentsAreLeastPrivilege(_ option: ScaffoldOption) throws {
        let request = Self.fullRequest(Combination(option: option, app: .jupyterlab, format: .cli))
        let resolved = try request.validated()
        let files = try Scaffold.files(for: request)
        func json(_ suffix: String) throws -> Node {
            let file = try #require(files.first { $0.path.hasSuffix(suffix) }, "no \(suffix)")
            return try JSONParser.parse(file: SourceFile(path: file.path, text: file.contents)).get().root
        }
        func roleArn(_ account: String, _ name: String) -> String { "arn:aws:iam::\(account):role/\(name)" }
        let instanceRole = roleArn(resolved.clusterAccount, "ml-shared-ec2-role")
        let runtimeArns = request.runtimeRoles.map { roleArn(resolved.runtimeRoleAccount, $0) }

        for name in request.runtimeRoles {
            let statements = try json("/iam/\(name).trust.json")["Statement"]!.elements
            #expect(statements.count == 1)
            #expect(statements[0]["Principal"]?["AWS"]?.string == instanceRole, "\(option): \(name) trusts \(statements[0]["Principal"].map { String(describing: $0) } ?? "?")")
            #expect(statements[0]["Action"]?.elements.compactMap(\.string) == ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"])
            #expect(statements[0]["Condition"] == nil)
        }
        // Every GetClusterSessionCredentials grant names exactly the runtime roles.
        var grants = 0
        for file in files where file.path.hasSuffix(".json") && file.path.contains("/iam/") && !file.path.hasSuffix(".trust.json") {
            let doc = try JSONParser.parse(file: SourceFile(path: file.path, text: file.contents)).get().root
            for s in doc["Statement"]?.elements ?? [] {
                let actions = s["Action"].map { $0.kind == .array ? $0.elements.compactMap(\.string) : [$0.string ?? ""] } ?? []
                if actions.contains("elasticmapreduce:GetClusterSessionCredentials") {
                    grants += 1
                    #expect(actions == ["elasticmapreduce:GetClusterSessionCredentials"])
                    #expect(s["Condition"]?["ArnEquals"]?["elasticmapreduce:ExecutionRoleArn"]?.elements.compactMap(\.string) == runtimeArns, "\(file.path)")
                }
                if s["Resource"]?.string == "*" {
                    let unscoped: Set<String> = ["elasticmapreduce:ListClusters", "elasticmapreduce:DescribeSecurityConfiguration",
                                                 "sagemaker:ListApps", "sagemaker:ListSpaces"]
                    #expect(Set(actions).isSubset(of: unscoped), "\(file.path): \(actions) on *")
                }
            }
        }
        #expect(grants == 1, "\(option): \(grants) GetClusterSessionCredentials grants")
        if option == .option1 {
            let trust = try json("/iam/ml-shared-access-role.trust.json")["Statement"]!.elements
            #expect(trust.count == 1)
            #expect(trust[0]["Principal"]?["AWS"]?.string == roleArn(Self.studio, "ml-shared-studio-role"))
        } else {
            #expect(!files.contains { $0.path.contains("access-role") })
        }
        let configuration = try json("/emr/security-configuration.json")["SecurityConfiguration"]?.string ?? ""
        #expect(configuration.contains("\"EnableApplicationScopedIAMRole\":true"))
        #expect(configuration.contains("\"PropagateSourceIdentity\":true"))
        #expect(configuration.contains("\"EnableInTransitEncryption\":true"))
        #expect(try json("/emr/cluster.json")["Cluster"]?["ReleaseLabel"]?.string == "emr-6.15.0")
        #expect(files.contains { $0.path.hasSuffix(".bucket-policy.json") } == (option == .option2))
    }

    // MARK: Bad input

    @Test func invalidRequestsAreRefusedWithAClearMessage() {
        func refusal(_ edit: (inout ScaffoldRequest) -> Void, option: ScaffoldOption = .option1, app: ScaffoldApp = .jupyterlab) -> String? {
            var r = ScaffoldRequest(option: option, app: app, format: .cli, studioAccount: Self.studio)
            r.dataAccount = Self.data
            edit(&r)
            do {
                _ = try Scaffold.files(for: r)
                return nil
            } catch {
                return error.message
            }
        }
        let cases: [(String, (inout ScaffoldRequest) -> Void, ScaffoldOption, ScaffoldApp)] = [
            ("--studio-account 11112222333 is not an AWS account ID", { $0.studioAccount = "11112222333" }, .option1, .jupyterlab),
            ("--data-account 44445555666a is not an AWS account ID", { $0.dataAccount = "44445555666a" }, .option1, .jupyterlab),
            ("--cluster-account \"\" is not an AWS account ID", { $0.clusterAccount = "" }, .option1, .jupyterlab),
            ("--option 1 needs the account of the cluster", { $0.dataAccount = nil }, .option1, .jupyterlab),
            ("--option 2 needs the account of the data bucket", { $0.dataAccount = nil }, .option2, .jupyterlab),
            ("--option 3 needs the account of the runtime roles and the data", { $0.dataAccount = nil }, .option3, .classic),
            ("--option same-account keeps everything in the Studio account", { _ in }, .sameAccount, .classic),
            ("--option 2 is a cross-account arrangement", { $0.dataAccount = Self.studio }, .option2, .classic),
            ("--data-account 444455556666 and --cluster-account 777788889999 differ", { $0.clusterAccount = "777788889999" }, .option1, .classic),
            ("--option 3 runs the cluster in the Studio account", { $0.clusterAccount = Self.data }, .option3, .jupyterlab),
            ("--runtime-role ANALYST is given twice", { $0.runtimeRoles = ["analyst", "ANALYST"] }, .option1, .jupyterlab),
            ("at most 5 runtime roles", { $0.runtimeRoles = (1...6).map { "role-\($0)" } }, .option1, .jupyterlab),
            ("--runtime-role emr runtime is not an IAM role name", { $0.runtimeRoles = ["emr runtime"] }, .option1, .jupyterlab),
            ("--cluster-name ml--shared cannot be used", { $0.clusterName = "ml--shared" }, .option1, .jupyterlab),
            ("--cluster-name \(String(repeating: "a", count: 41)) cannot be used", { $0.clusterName = String(repeating: "a", count: 41) }, .option1, .jupyterlab),
            ("--region useast1 is not an AWS Region name", { $0.region = "useast1" }, .option1, .jupyterlab),
            ("--app classic needs the JupyterLab 3 image", { $0.region = "me-central-1" }, .option1, .classic),
            ("--domain-id D-ABC is not a SageMaker domain ID", { $0.domainId = "D-ABC" }, .option1, .jupyterlab),
            ("--subnet-id subnet-xyz is not a subnet ID", { $0.subnetId = "subnet-xyz" }, .option1, .jupyterlab),
            ("--data-bucket Data_Bucket is not a valid S3 bucket name", { $0.dataBucket = "Data_Bucket" }, .option1, .jupyterlab),
            ("--tls-certificates s3://certs is not an S3 object URI", { $0.certificates = "s3://certs" }, .option1, .jupyterlab),
            ("--tls-certificates s3://certs/emr/*.zip is not an S3 object URI", { $0.certificates = "s3://certs/emr/*.zip" }, .option1, .jupyterlab),
            ("--runtime-role studio-runtime-roles-EC2-role is the name of one of the cluster's own roles",
             { $0.runtimeRoles = ["studio-runtime-roles-EC2-role"] }, .option1, .jupyterlab),
            ("--release-label emr-6.9.0 is too old", { $0.releaseLabel = "emr-6.9.0" }, .option1, .jupyterlab),
            ("--release-label 7.1.0 is not an EMR release label", { $0.releaseLabel = "7.1.0" }, .option1, .jupyterlab),
            ("--user-profile -priya is not a valid user profile name", { $0.userProfile = "-priya" }, .option1, .jupyterlab),
        ]
        for (expected, edit, option, app) in cases {
            let message = refusal(edit, option: option, app: app)
            #expect(message?.contains(expected) == true, "expected “\(expected)…”, got \(message ?? "no error")")
        }
        // The limits are limits, not off by one.
        #expect(refusal({ $0.runtimeRoles = (1...5).map { "role-\($0)" } }) == nil)
        #expect(refusal({ $0.clusterName = String(repeating: "a", count: 40) }) == nil)
        #expect(refusal({ $0.releaseLabel = "emr-6.10.0" }) == nil)
        #expect(refusal({ $0.dataAccount = nil; $0.clusterAccount = Self.data }) == nil)
    }

    // MARK: The command

    @Test func theCommandWritesRefusesAFullFolderAndOverwritesWithForce() throws {
        let folder = Self.temporaryFolder("command")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let args = ["scaffold", "--option", "2", "--app", "jupyterlab", "--studio-account", Self.studio, "--data-account", Self.data,
                    "--format", "terraform", "--output", folder]
        let first = try CLITests().run(args)
        #expect(first.status == 0, "\(first.stderr)")
        let expected = try Scaffold.files(for: Self.request(Combination(option: .option2, app: .jupyterlab, format: .terraform)))
        #expect(first.stdout.contains("wrote \(expected.count) files to \(folder)"), "\(first.stdout)")
        #expect(ScaffoldWriter.listFiles(folder, prefix: "").sorted() == expected.map(\.path))

        let again = try CLITests().run(args)
        #expect(again.status == 2)
        #expect(again.stderr.contains("--output \(folder) is not empty (\(expected.count) files)"), "\(again.stderr)")

        try "keep me\n".write(toFile: folder + "/notes.txt", atomically: true, encoding: .utf8)
        try "changed\n".write(toFile: folder + "/README.md", atomically: true, encoding: .utf8)
        let forced = try CLITests().run(args + ["--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stderr.contains("also holds 1 file this scaffold did not write (such as notes.txt)"), "\(forced.stderr)")
        #expect(TestSupport.readFile(folder + "/notes.txt").map { String(decoding: $0, as: UTF8.self) } == "keep me\n")
        #expect(TestSupport.readFile(folder + "/README.md").map { String(decoding: $0, as: UTF8.self) } == expected.first { $0.path == "README.md" }?.contents)

        let bad = try CLITests().run(["scaffold", "--option", "1", "--app", "classic", "--studio-account", "1111-2222-3333",
                                      "--format", "cli", "--output", folder + "-bad"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--studio-account 1111-2222-3333 is not an AWS account ID"), "\(bad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "-bad"))
        let unknown = try CLITests().run(["scaffold", "--option", "4", "--app", "classic", "--studio-account", Self.studio,
                                          "--format", "cli", "--output", folder + "-bad"])
        #expect(unknown.status == 2)
        let empty = try CLITests().run(["scaffold", "--option", "same-account", "--app", "classic", "--studio-account", Self.studio,
                                        "--format", "cli", "--output", ""])
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("--output is empty"), "\(empty.stderr)")
    }

    /// The CLI format's apply.sh is executable and valid shell.
    @Test func applyScriptsAreExecutableShell() throws {
        let folder = Self.temporaryFolder("apply")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let files = try Scaffold.files(for: Self.request(Combination(option: .option1, app: .classic, format: .cli)))
        _ = try ScaffoldWriter.write(files, to: folder, force: false)
        let scripts = files.filter { $0.path.hasSuffix(".sh") }
        #expect(scripts.count == 3) // two apply.sh and the lifecycle configuration
        for script in scripts {
            #expect(FileManager.default.isExecutableFile(atPath: folder + "/" + script.path) == script.executable)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-n", folder + "/" + script.path]
            let err = Pipe()
            process.standardError = err
            try process.run()
            let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(script.path): \(message)")
        }
    }
}
