import Foundation
import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckCollect
@testable import RoleCheckIAM

#if canImport(Glibc)
import Glibc
#endif

/// `rolecheck collect` against the moto emulator (https://github.com/getmoto/moto): each test
/// starts `moto_server` on 127.0.0.1, seeds it with a sample setup (scripts/moto-seed.py, boto3),
/// runs the built `rolecheck collect` through the AWS CLI (`aws`) into a temporary folder, lints
/// it, and compares the findings with those of the same setup as hand-written exports: the
/// sample folder as the seed script writes it with `--expected` (the sample's files that moto can
/// hold, under the sample's own IDs).
///
/// collect reads as a user would: the AWS CLI's default credentials (an IAM user the seed made in
/// the first account), `--role-arn` for the others (a role the seed made there). Once seeded,
/// moto checks every call against the caller's IAM policies (`--enforce-iam`), and those are
/// docs/collect-policy.json plus `sts:AssumeRole` on the member roles: the least-privilege policy
/// is tested with the rest.
///
/// What is compared, finding by finding: rule, severity, the kind of document it is in (the
/// export's file name without collect's Region and ID suffixes), its JSON Pointer with array
/// indexes left out (moto lists roles in another order), and its message with moto's IDs put
/// back to the sample's (cluster and domain IDs, which moto picks; account IDs, when the accounts
/// are members that moto's organisation created) and with managed policies named by name: moto's
/// get-account-authorization-details leaves `PolicyName` out of `Policies`, so lint names a
/// customer managed policy by its ARN there. Line and column are not compared (the CLI prints
/// other whitespace). Findings at collect's `manifest.json` (the RC004 gaps) are checked apart.
///
/// Needs `moto_server`, `aws` and `python3` with boto3 on PATH (`.ci/run` installs moto[server],
/// boto3 and awscli into .venv-ci from requirements/test.txt). Without them the tests say so and
/// skip, except under CI=true, where they fail.
@Suite struct CollectMotoTests {
    // MARK: The scenarios

    /// One account, a working setup: the same findings as the exports (no error), and the
    /// calls moto lacks are recorded in the manifest and reported by lint as RC004 gaps.
    @Test func aWorkingSameAccountSetupGivesTheFindingsOfItsExports() async throws {
        guard let run = try await Scenario.run("same-account-jupyterlab") else { return }
        #expect(run.expected.filter { $0.rule == "RC400" }.count == 2, "the chains were not found: \(run.expected)")
        #expect(!run.expected.contains { $0.severity == "error" }, "\(run.expected)")
        run.expectSameFindings()

        // The gaps: the manifest records each call moto lacks as not-supported ...
        #expect(run.status(of: "aws emr list-security-configurations") == ["not-supported"])
        #expect(run.status(of: "aws sagemaker list-user-profiles --domain-id-equals d-ml-studio") == ["not-supported"])
        #expect(run.status(of: "aws sagemaker list-spaces --domain-id-equals d-ml-studio") == ["not-supported"])
        // ... with the CLI's own error line, not the HTML page moto answers with ...
        let message = run.calls.first { $0.command == "aws emr list-security-configurations" }?.message ?? ""
        #expect(message.hasPrefix("An error occurred (500) when calling the ListSecurityConfigurations operation"), "\(message)")
        #expect(!message.contains("<"), "\(message)")
        // ... and lint reports each of them once, as an RC004 warning at the manifest.
        let gaps = run.collected.filter { $0.kind == "manifest" }
        #expect(gaps.allSatisfy { $0.rule == "RC004" && $0.severity == "warning" && $0.pointer == "/RolecheckCollect/Calls/#/Status" }, "\(gaps)")
        for command in ["aws emr list-security-configurations", "aws sagemaker list-user-profiles --domain-id-equals d-q4ne8wv1ys0c",
                        "aws sagemaker list-spaces --domain-id-equals d-q4ne8wv1ys0c"] {
            #expect(gaps.filter { $0.message.contains("could not run `\(command)`") && $0.message.contains("not supported") }.count == 1,
                    "\(command): \(gaps)")
        }
        // Nothing else went unanswered (a bucket without a policy, for one, is an answer).
        #expect(Set(run.unanswered.map(\.command)) == ["aws emr list-security-configurations",
                                                        "aws sagemaker list-user-profiles --domain-id-equals d-ml-studio",
                                                        "aws sagemaker list-spaces --domain-id-equals d-ml-studio"], "\(run.unanswered)")
        #expect(gaps.count == run.unanswered.count, "one gap per call not answered: \(run.unanswered.map(\.command)) \(gaps)")
        // What moto cannot hold is not among the expected exports either (other tests lint
        // user profiles and spaces from exports: the samples, RuleExampleTests).
        #expect(Set(run.seed.skipped) == ["111122223333-studio/describe-user-profile.json", "111122223333-studio/describe-space.json"])
        // One folder, named after the account's alias as the sample's is after its role.
        #expect(run.folders == ["111122223333-studio"])
        #expect(run.files.contains("111122223333-studio/iam.json") && run.files.contains("manifest.json"), "\(run.files)")
        // Outside any organisation there are no SCPs to read, and lint does not ask for them.
        #expect(run.status(of: "aws organizations describe-organization") == ["not-supported"])
        #expect(!run.files.contains { $0.hasSuffix("organization-policies.json") })
        #expect(!run.collected.contains { $0.message.contains("service and resource control policies were not read") })
    }

    /// One mistake: the same error, by the same rule, on both sides.
    @Test(arguments: ["multiple-primary-nodes", "unconditioned-session-credentials"])
    func aBrokenSetupGivesTheSameError(_ broken: String) async throws {
        guard let run = try await Scenario.run("broken/" + broken) else { return }
        let errors = run.expected.filter { $0.severity == "error" }
        #expect(!errors.isEmpty, "the sample \(broken) has no error")
        #expect(Set(run.collected.filter { $0.severity == "error" }.map(\.rule)) == Set(errors.map(\.rule)))
        run.expectSameFindings()
    }

    /// Two accounts, the Studio account read through `--role-arn`, in an organisation managed
    /// from the data account (the Studio account a member in an OU, with AWS's default SCP and
    /// RCP, FullAWSAccess and RCPFullAWSAccess, at the root, the OU and each account). collect
    /// assumes the role, writes a folder per account, reads the data bucket's policy with the
    /// account that owns it (so that lint sees option 2: cluster and runtime roles in the Studio
    /// account, data in another), and each account's path to the root into
    /// organization-policies.json; the organisation changes nothing. moto has no user profiles,
    /// and this sample lists the runtime roles only on the user profile: the seed copies them onto
    /// the domain (--emr-settings-to-domain), and so do the expected exports. (Outside any
    /// organisation: the other tests.)
    @Test func twoAccountsInAnOrganizationThroughAnAssumedRole() async throws {
        guard let run = try await Scenario.run("option2-jupyterlab", ["--emr-settings-to-domain", "--organization", "full-access",
                                                                      "--management", "444455556666"]) else { return }
        let member = try #require(run.seed.accounts["111122223333"])
        #expect(member != "111122223333", "the Studio account is a member with the ID moto gave it")
        let role = "arn:aws:iam::\(member):role/rolecheck-collect"
        #expect(run.seed.roleArns == [role])
        #expect(run.folders == ["444455556666-data", "\(member)-studio"].sorted())
        #expect(run.identities == ["default credentials", "role \(role)"])
        #expect(run.status(of: "aws sts assume-role --role-arn \(role) --role-session-name rolecheck-collect") == ["ok"])
        let bucket = run.calls.filter { $0.command == "aws s3api get-bucket-policy --bucket ml-curated-data-444455556666" }
        #expect(bucket.map(\.file) == ["444455556666-data/get-bucket-policy-ml-curated-data-444455556666.json"], "\(bucket)")
        let notes = run.collected.filter { $0.rule == "RC400" }
        #expect(notes.count == 2 && notes.allSatisfy { $0.message.contains("option 2") }, "\(notes)")
        #expect(run.files.contains("\(member)-studio/organization-policies.json") && run.files.contains("444455556666-data/organization-policies.json"),
                "\(run.files)")
        // The root's policies are listed once for both accounts.
        #expect(run.calls.filter { $0.command.hasPrefix("aws organizations list-policies-for-target --target-id r-") }.count == 2)
        #expect(!run.collected.contains { $0.severity == "error" }, "\(run.collected)")
        run.expectSameFindings()
    }

    /// An SCP on the members' OU denies `sts:TagSession`; the organisation is managed from an
    /// account outside the setup, whose credentials collect starts from. The instance-profile
    /// role cannot tag the runtime role's session, and lint says so (RC304) at the SCP in
    /// organization-policies.json, as it does for the same organisation written by hand.
    @Test func anSCPThatDeniesTagSessionBreaksTheChain() async throws {
        guard let run = try await Scenario.run("same-account-jupyterlab", ["--organization", "deny-tag-session"]) else { return }
        #expect(run.folders.count == 2, "the management account and the member: \(run.folders)")
        let errors = run.collected.filter { $0.severity == "error" }
        #expect(errors.count == 2, "one per runtime role: \(errors)")
        #expect(errors.allSatisfy { $0.rule == "RC304" && $0.kind == "organization-policies" && $0.message.contains("sts:TagSession")
                && $0.message.contains("service control policy deny-session-tags") }, "\(errors)")
        run.expectSameFindings()
    }
}

// MARK: - Running a scenario

/// A finding as the comparison sees it.
struct MotoFinding: Hashable, CustomStringConvertible {
    var rule: String
    var severity: String
    var kind: String
    var pointer: String
    var message: String
    var description: String { "\(rule) \(severity) \(kind) \(pointer): \(message)" }
}

/// One seeded moto server, collected and linted.
struct Scenario {
    struct Seed {
        var accessKeyId: String
        var secretAccessKey: String
        var roleArns: [String]
        /// The setup's account ID → its ID in moto.
        var accounts: [String: String]
        /// Sample IDs → moto's (clusters, domains).
        var ids: [String: String]
        var skipped: [String]
    }

    struct Call {
        var account: String?
        var command: String
        var status: String
        var message: String?
        var file: String?
    }

    let sample: String
    let seed: Seed
    let collected: [MotoFinding]
    let expected: [MotoFinding]
    let calls: [Call]
    let folders: [String]
    let identities: [String]
    /// Every file collect wrote, relative to its output folder.
    let files: [String]

    var unanswered: [Call] {
        calls.filter { $0.status != "ok" && !($0.command.hasPrefix("aws organizations") && $0.message?.contains("AWSOrganizationsNotInUseException") == true) }
    }

    func status(of command: String) -> [String] { calls.filter { $0.command == command }.map(\.status) }

    /// The collected findings, the manifest's gaps aside, are the expected ones.
    func expectSameFindings(sourceLocation: SourceLocation = #_sourceLocation) {
        let got = collected.filter { $0.kind != "manifest" }
        var missing = expected, extra: [MotoFinding] = []
        for f in got {
            if let i = missing.firstIndex(of: f) { missing.remove(at: i) } else { extra.append(f) }
        }
        #expect(missing.isEmpty && extra.isEmpty,
                "\(sample): collected and linted ≠ the exports linted.\nonly from the exports:\n\(missing.map { "  \($0)" }.joined(separator: "\n"))\nonly from collect:\n\(extra.map { "  \($0)" }.joined(separator: "\n"))",
                sourceLocation: sourceLocation)
    }

    /// Seeds a new moto server with `samples/setups/<sample>`, collects it and lints both sides;
    /// nil (after saying why) when moto or the AWS CLI is not there.
    static func run(_ sample: String, _ seedOptions: [String] = []) async throws -> Scenario? {
        guard let tools = MotoTools.found else { return nil }
        let dir = NSTemporaryDirectory() + "rolecheck-moto-\(getpid())-\(sample.replacing("/", with: "-"))-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let server = try await MotoServer.start(tools: tools, log: dir + "/moto.log")
        defer { server.stop() }

        // Seed.
        let expectedDir = dir + "/expected", output = dir + "/collected"
        let seeded = try await Subprocess.run(tools.python, [TestSupport.packageRoot + "/scripts/moto-seed.py", server.endpoint,
                                                       TestSupport.packageRoot + "/samples/setups/" + sample, "--expected", expectedDir,
                                                       "--enforce-iam"] + seedOptions,
                                        env: tools.environment(endpoint: server.endpoint), in: dir)
        try #require(seeded.status == 0, "moto-seed.py failed (\(seeded.status)): \(seeded.stderr)\n\(server.logTail)")
        let s = try parse(seeded.stdout)
        // moto refused only what it is known to lack: AWS managed policies, which it does not load.
        for refused in s["Unsupported"]?.elements ?? [] {
            let call = refused["Call"]?.string ?? "", what = refused["What"]?.string ?? ""
            #expect(call == "iam attach_role_policy" && what.hasPrefix("arn:aws:iam::aws:policy/"),
                    "moto refused \(call) (\(what)): \(refused["Error"]?.string ?? "")")
        }
        let seed = Seed(accessKeyId: s["AccessKeyId"]?.string ?? "", secretAccessKey: s["SecretAccessKey"]?.string ?? "",
                        roleArns: (s["RoleArns"]?.elements ?? []).compactMap(\.string),
                        accounts: Dictionary(uniqueKeysWithValues: (s["Accounts"]?.members ?? []).map { ($0.key.scalarText ?? "", $0.value.string ?? "") }),
                        ids: Dictionary(uniqueKeysWithValues: (s["Ids"]?.members ?? []).map { ($0.key.scalarText ?? "", $0.value.string ?? "") }),
                        skipped: (s["Skipped"]?.elements ?? []).compactMap { $0["File"]?.string })

        // Collect, as a user would: the AWS CLI's own credentials, moto as its endpoint.
        var env = tools.environment(endpoint: server.endpoint)
        env["AWS_ACCESS_KEY_ID"] = seed.accessKeyId
        env["AWS_SECRET_ACCESS_KEY"] = seed.secretAccessKey
        let collect = try await Subprocess.run(CLITests.binary, ["collect", "--output", output, "--region", "us-east-1", "--jobs", "8", "--aws-cli", tools.aws]
                                         + seed.roleArns.flatMap { ["--role-arn", $0] }, env: env, in: dir, timeout: 240)
        try #require(collect.status == 0, "rolecheck collect exited \(collect.status): \(collect.stderr)\n\(server.logTail)")

        // Lint both sides.
        let back = Dictionary(uniqueKeysWithValues: (seed.accounts.merging(seed.ids) { a, _ in a }).compactMap { k, v in k == v ? nil : (v, k) })
        let collected = try await lint(output, env: env, restoring: back)
        let expected = try await lint(expectedDir, env: env, restoring: [:])

        let manifest = try parse(String(decoding: try #require(TestSupport.readFile(output + "/manifest.json")), as: UTF8.self))["RolecheckCollect"]
        let calls = (manifest?["Calls"]?.elements ?? []).map { c in
            Call(account: c["Account"]?.string, command: c["Command"]?.string ?? "", status: c["Status"]?.string ?? "",
                 message: c["Message"]?.string, file: c["File"]?.string)
        }
        let accounts = manifest?["Accounts"]?.elements ?? []
        let files = (FileManager.default.subpaths(atPath: output) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        return Scenario(sample: sample, seed: seed, collected: collected, expected: expected, calls: calls,
                        folders: accounts.compactMap { $0["Folder"]?.string }.sorted(),
                        identities: accounts.compactMap { $0["Identity"]?.string }, files: files)
    }

    static func parse(_ json: String) throws -> Node {
        try JSONParser.parse(file: SourceFile(path: "output.json", text: json)).get().root
    }

    /// The document kinds, by the file names of the sample and of collect.
    static let kinds = ["iam", "describe-cluster", "describe-security-configuration", "describe-domain", "describe-user-profile",
                        "describe-space", "get-data-lake-settings", "get-bucket-policy", "organization-policies", "manifest"]

    static func lint(_ folder: String, env: [String: String], restoring ids: [String: String]) async throws -> [MotoFinding] {
        let r = try await Subprocess.run(CLITests.binary, ["lint", folder, "--format", "json", "--fail-on", "never"], env: env, in: folder)
        try #require(r.status == 0, "rolecheck lint \(folder) exited \(r.status): \(r.stderr)")
        let managedByArn = /managed policy arn:aws:iam::\d{12}:policy\/(?:\S*\/)?([^\/\s]+)/
        return try (parse(r.stdout)["findings"]?.elements ?? []).map { f in
            let file = f["location"]?["file"]?.string ?? ""
            let base = file.split(separator: "/").last.map(String.init) ?? file
            var message = f["message"]?.string ?? ""
            for (moto, sample) in ids { message = message.replacing(moto, with: sample) }
            message = message.replacing(managedByArn) { "managed policy \($0.output.1)" }
            return MotoFinding(rule: f["ruleId"]?.string ?? "", severity: f["severity"]?.string ?? "",
                               kind: kinds.filter { base.hasPrefix($0) }.max { $0.count < $1.count } ?? base,
                               pointer: (f["location"]?["pointer"]?.string ?? "").replacing(/\/[0-9]+/, with: "/#"),
                               message: message)
        }
    }
}

/// moto_server, the AWS CLI and python3 with boto3, found on PATH.
struct MotoTools {
    let motoServer: String
    let aws: String
    let python: String

    /// Looked for once; nil when one is missing (a note outside CI, an issue under CI=true).
    static let found: MotoTools? = find()

    static func find() -> MotoTools? {
        func which(_ name: String) -> String? {
            for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
                return resolvingShim("\(dir)/\(name)", name)
            }
            return nil
        }
        var missing: [String] = []
        let moto = which("moto_server"), aws = which("aws"), python = which("python3")
        if moto == nil { missing.append("moto_server (pip install 'moto[server]')") }
        if aws == nil { missing.append("aws (pip install awscli)") }
        if let python {
            if Subprocess.runNow(python, ["-c", "import boto3"]) != 0 { missing.append("boto3 for \(python) (pip install boto3)") }
        } else {
            missing.append("python3")
        }
        if let moto, let aws, let python, missing.isEmpty { return MotoTools(motoServer: moto, aws: aws, python: python) }
        let what = "the moto tests need " + missing.joined(separator: ", ") + " (requirements/test.txt pins them)"
        if TestSupport.isCI { Issue.record("\(what), and CI=true requires them") } else { print("note: skipping: \(what)") }
        return nil
    }

    /// A pyenv shim (a shell script that finds the program on each call) replaced by the program
    /// it runs: collect starts the CLI some 20 times per account.
    static func resolvingShim(_ path: String, _ name: String) -> String {
        guard path.contains("/shims/"), let text = FileManager.default.contents(atPath: path),
              String(decoding: text.prefix(2000), as: UTF8.self).contains("pyenv") else { return path }
        let root = String(path[..<path.range(of: "/shims/")!.lowerBound])
        let out = NSTemporaryDirectory() + "rolecheck-which-\(getpid())-\(name)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        guard let pyenv = [root + "/libexec/pyenv", root + "/bin/pyenv"].first(where: FileManager.default.isExecutableFile(atPath:)),
              Subprocess.runNow(pyenv, ["which", name], output: out) == 0,
              let resolved = FileManager.default.contents(atPath: out).map({ String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }),
              FileManager.default.isExecutableFile(atPath: resolved) else { return path }
        return resolved
    }

    /// The environment of the seed script, collect and lint: the endpoint, a Region, and nothing
    /// of the user's AWS configuration (no profile, no config or credentials file).
    func environment(endpoint: String) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("AWS_") || key.hasPrefix("MOTO_") { env[key] = nil }
        env["AWS_ENDPOINT_URL"] = endpoint
        env["AWS_DEFAULT_REGION"] = "us-east-1"
        env["AWS_CONFIG_FILE"] = "/nonexistent/rolecheck-moto/config"
        env["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/rolecheck-moto/credentials"
        env["AWS_EC2_METADATA_DISABLED"] = "true"
        // moto answers an operation it lacks with HTTP 500, which the CLI retries four times with
        // backoff (about 10 s a call); one attempt gives the same outcome.
        env["AWS_MAX_ATTEMPTS"] = "1"
        env["AWS_ACCESS_KEY_ID"] = "rolecheck-moto"
        env["AWS_SECRET_ACCESS_KEY"] = "rolecheck-moto"
        return env
    }
}

/// `moto_server -H 127.0.0.1 -p PORT` on a free port, stopped by `stop()`.
final class MotoServer: Sendable {
    let process: Process
    let port: UInt16
    let logPath: String
    var endpoint: String { "http://127.0.0.1:\(port)" }

    private init(process: Process, port: UInt16, logPath: String) {
        self.process = process
        self.port = port
        self.logPath = logPath
    }

    static func start(tools: MotoTools, log: String) async throws -> MotoServer {
        var lastError = "moto_server did not start"
        for _ in 0..<3 {
            let port = try freePort()
            let p = Process()
            p.executableURL = URL(fileURLWithPath: tools.motoServer)
            p.arguments = ["-H", "127.0.0.1", "-p", String(port)]
            var env = tools.environment(endpoint: "")
            env["AWS_ENDPOINT_URL"] = nil
            // As in AWS, an account reads only its own buckets' policies (moto lets every account
            // read every bucket unless told otherwise).
            env["MOTO_S3_ALLOW_CROSSACCOUNT_ACCESS"] = "false"
            p.environment = env
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            p.standardOutput = handle
            p.standardError = handle
            p.standardInput = FileHandle.nullDevice
            try p.run()
            let server = MotoServer(process: p, port: port, logPath: log)
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline && p.isRunning && !answers(port) { try await Task.sleep(for: .milliseconds(100)) }
            // A moto_server that lost the port to another one exits at once: give it the time to.
            if p.isRunning && answers(port) {
                try await Task.sleep(for: .milliseconds(300))
                if p.isRunning { return server }
            }
            server.stop()
            lastError = "moto_server on port \(port) did not answer: " + server.logTail
        }
        throw MotoError(description: lastError)
    }

    var logTail: String {
        let text = String(decoding: FileManager.default.contents(atPath: logPath) ?? Data(), as: UTF8.self)
        return "moto_server's log ends:\n" + text.split(separator: "\n").suffix(15).joined(separator: "\n")
    }

    func stop() {
        let p = process
        guard p.isRunning else { p.waitUntilExit(); return }
        p.terminate()
        let deadline = Date().addingTimeInterval(5)
        while p.isRunning && Date() < deadline { usleep(50_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
    }

    struct MotoError: Error, CustomStringConvertible { let description: String }

    /// A port nothing listens on now (the kernel's pick for port 0).
    static func freePort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw MotoError(description: "socket() failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw MotoError(description: "bind() failed") }
        return UInt16(bigEndian: addr.sin_port)
    }

    /// Whether something accepts connections on 127.0.0.1:port.
    static func answers(_ port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = port.bigEndian
        return withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

/// A program run to its end, its output in files (no pipe to fill), within a time limit.
enum Subprocess {
    struct Result { var status: Int32; var stdout: String; var stderr: String }

    static func run(_ executable: String, _ args: [String], env: [String: String], in dir: String, timeout: Double = 120) async throws -> Result {
        let tmp = NSTemporaryDirectory() + "rolecheck-sub-\(getpid())-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: tmp + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: tmp + ".err", contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: tmp + ".out")
            try? FileManager.default.removeItem(atPath: tmp + ".err")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        if !env.isEmpty { p.environment = env }
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: tmp + ".out"))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: tmp + ".err"))
        defer { try? out.close(); try? err.close() }
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        let process = p
        let watchdog = Task {
            try await Task.sleep(for: .seconds(timeout))
            if process.isRunning { process.terminate() }
        }
        defer { watchdog.cancel() }
        let started = Date()
        // Awaited, not waited for: the tests share the cooperative threads, one per core.
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, Error>) in
            process.terminationHandler = { _ in done.resume() }
            do { try process.run() } catch {
                process.terminationHandler = nil
                done.resume(throwing: error)
            }
        }
        var stderr = String(decoding: FileManager.default.contents(atPath: tmp + ".err") ?? Data(), as: UTF8.self)
        if process.terminationReason == .uncaughtSignal && Date().timeIntervalSince(started) >= timeout {
            stderr = "stopped after \(Int(timeout)) s\n" + stderr
        }
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: FileManager.default.contents(atPath: tmp + ".out") ?? Data(), as: UTF8.self),
                      stderr: stderr)
    }

    /// Runs a short program to its end, blocking; its exit status (-1 when it cannot start).
    static func runNow(_ executable: String, _ args: [String], output: String? = nil) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        if let output {
            _ = FileManager.default.createFile(atPath: output, contents: nil)
            p.standardOutput = FileHandle(forWritingAtPath: output)
        } else {
            p.standardOutput = FileHandle.nullDevice
        }
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }
}
