import Foundation
import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckIAM

#if canImport(Glibc)
import Glibc
#endif

/// `rolecheck catalog update` against a local HTTP server (scripts/catalog-test-server.py on
/// 127.0.0.1, serving Fixtures/service-reference and misbehaving paths), and `lint --catalog` /
/// `simulate --catalog` with what it writes. Needs python3 (standard library only).
@Suite(.serialized) struct CatalogUpdateTests {
    static let fixtures = ServiceReferenceTests.fixtures
    /// 2026-12-07, the date of the expected catalog.
    static let epoch = ["SOURCE_DATE_EPOCH": "1796601600"]

    /// A temporary folder with the fixtures (the list's URLs pointing at the server), served.
    final class Site {
        let dir: String
        let server: TestHTTPServer
        var base: String { "http://127.0.0.1:\(server.port)" }

        init?() throws {
            guard let python = TestSupport.which("python3") else {
                if TestSupport.isCI { Issue.record("python3 is missing, and CI=true requires it") } else { print("note: skipping: no python3") }
                return nil
            }
            dir = NSTemporaryDirectory() + "rolecheck-catalog-site-\(getpid())-\(UUID().uuidString)"
            let fm = FileManager.default
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try fm.copyItem(atPath: CatalogUpdateTests.fixtures + "/v1", toPath: dir + "/v1")
            server = try TestHTTPServer.start(python: python, root: dir)
            try write("service-list.json", list(["ledgerlake": "/v1/ledgerlake/ledgerlake.json", "sts": "/v1/sts/sts.json"]))
        }

        deinit {
            server.stop()
            try? FileManager.default.removeItem(atPath: dir)
        }

        /// A service list naming each service's path on this server (or an absolute URL).
        func list(_ services: [String: String]) -> String {
            "[" + services.keys.sorted().map { name in
                let url = services[name]!
                return #"{"service": "\#(name)", "url": "\#(url.hasPrefix("/") ? base + url : url)"}"#
            }.joined(separator: ", ") + "]"
        }

        func write(_ relative: String, _ text: String) throws {
            let path = dir + "/" + relative
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        }

        func temporary(_ name: String) -> String { dir + "/out-" + name }
    }

    func run(_ args: [String], env: [String: String] = CatalogUpdateTests.epoch) throws -> CLITests.Run {
        try CLITests().run(args, env: env)
    }

    func expected(source: String) throws -> String {
        let text = String(decoding: try #require(TestSupport.readFile(Self.fixtures + "/expected-iam-catalog.txt")), as: UTF8.self)
        return text.replacing("@SOURCE@", with: source)
    }

    func read(_ path: String) -> String? {
        TestSupport.readFile(path).map { String(decoding: $0, as: UTF8.self) }
    }

    // MARK: Fetching

    @Test func updateWritesTheExpectedCatalogByteForByte() throws {
        guard let site = try Site() else { return }
        let source = site.base + "/service-list.json"
        let out = site.temporary("a")
        let r = try run(["catalog", "update", "--source", source, "--output", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "wrote \(out)/iam-catalog.txt: 2 services, 9 actions, 4 resource types, 10 condition keys (AWS service reference, \(source), data of 2026-12-07); use it with --catalog \(out)\n")
        #expect(r.stderr == "rolecheck: warning: condition key ledgerlake:Shape has type Polygon, which this rolecheck does not know; the key is kept without a type\n")
        #expect(read(out + "/iam-catalog.txt") == (try expected(source: source)))
        // Again, with one request at a time: the same bytes.
        let again = try run(["catalog", "update", "--source", source, "--output", site.temporary("b"), "--jobs", "1", "--quiet"])
        #expect(again.status == 0 && again.stdout.isEmpty)
        #expect(read(site.temporary("b") + "/iam-catalog.txt") == read(out + "/iam-catalog.txt"))
        // Offline: the same files as a folder, or a file:// URL of the list.
        let local = try run(["catalog", "update", "--source", Self.fixtures, "--output", site.temporary("c"), "--quiet"])
        #expect(local.status == 0, "\(local.stderr)")
        #expect(read(site.temporary("c") + "/iam-catalog.txt") == (try expected(source: Self.fixtures)))
        let fileURL = "file://" + Self.fixtures + "/service-list.json"
        let viaFile = try run(["catalog", "update", "--source", fileURL, "--output", site.temporary("d"), "--quiet"])
        #expect(viaFile.status == 0, "\(viaFile.stderr)")
        #expect(read(site.temporary("d") + "/iam-catalog.txt") == (try expected(source: fileURL)))
    }

    /// Each way a source can fail: the exit code, a message naming the URL, and nothing written
    /// (a catalog already there is left as it was).
    @Test func badSourcesFailClearlyAndWriteNothing() throws {
        guard let site = try Site() else { return }
        let out = site.temporary("kept")
        #expect(try run(["catalog", "update", "--source", site.base + "/service-list.json", "--output", out, "--quiet"]).status == 0)
        let before = read(out + "/iam-catalog.txt")
        #expect(before != nil)

        let sts = try #require(read(site.dir + "/v1/sts/sts.json"))
        try site.write("broken/sts.json", String(sts.prefix(300)))
        try site.write("lists/broken.json", site.list(["sts": "/broken/sts.json"]))
        try site.write("lists/endless.json", site.list(["sts": "/_endless"]))
        try site.write("lists/missing.json", site.list(["sts": "/_status/404"]))
        try site.write("lists/slow.json", site.list(["sts": "/_slow"]))
        try site.write("lists/redirect.json", site.list(["sts": "/_redirect-away"]))
        try site.write("lists/elsewhere.json", site.list(["sts": "http://127.0.0.2:\(site.server.port)/v1/sts/sts.json"]))
        try site.write("lists/not-a-list.json", #"{"services": []}"#)
        try site.write("lists/empty.json", "[]")
        let nobody = try TestHTTPServer.unusedPort()

        let cases: [(args: [String], status: Int32, message: String)] = [
            (["--source", site.base + "/lists/broken.json"], 4,
             "rolecheck: error: \(site.base)/broken/sts.json:\(sts.prefix(300).filter { $0 == "\n" }.count + 1):"),
            (["--source", site.base + "/lists/broken.json"], 4, "invalid JSON: unexpected end of input"),
            (["--source", site.base + "/service-list.json", "--max-file-size", "2048"], 4,
             "rolecheck: error: \(site.base)/v1/"),
            (["--source", site.base + "/service-list.json", "--max-file-size", "2048"], 4, "larger than the 2048-byte limit for one file (--max-file-size)"),
            (["--source", site.base + "/lists/endless.json", "--max-file-size", "100000"], 4,
             "rolecheck: error: \(site.base)/_endless: larger than the 100000-byte limit"),
            (["--source", site.base + "/lists/missing.json"], 3, "rolecheck: error: \(site.base)/_status/404: HTTP status 404"),
            (["--source", site.base + "/lists/slow.json", "--timeout", "1"], 3, "rolecheck: error: \(site.base)/_slow: no answer within 1 s (--timeout)"),
            (["--source", site.base + "/lists/redirect.json"], 3,
             "rolecheck: error: \(site.base)/_redirect-away: redirected to http://127.0.0.2:9/elsewhere.json, away from \(site.base); not followed"),
            (["--source", site.base + "/lists/elsewhere.json"], 4,
             "rolecheck: error: \(site.base)/lists/elsewhere.json: service sts: url \"http://127.0.0.2:\(site.server.port)/v1/sts/sts.json\" is not on \(site.base)"),
            (["--source", site.base + "/lists/not-a-list.json"], 4,
             "rolecheck: error: \(site.base)/lists/not-a-list.json:1:1: the service list must be a JSON array"),
            (["--source", site.base + "/lists/empty.json"], 4, "the service list is empty"),
            (["--source", "http://127.0.0.1:\(nobody)/service-list.json"], 3, "rolecheck: error: http://127.0.0.1:\(nobody)/service-list.json: "),
            (["--source", site.base + "/no-such-list.json"], 3, "rolecheck: error: \(site.base)/no-such-list.json: HTTP status 404"),
        ]
        for c in cases {
            let r = try run(["catalog", "update", "--output", out, "--quiet"] + c.args)
            #expect(r.status == c.status, "\(c.args): \(r.stderr)")
            #expect(r.stderr.contains(c.message), "\(c.args): \(r.stderr)")
            #expect(r.stdout.isEmpty)
            #expect(read(out + "/iam-catalog.txt") == before, "\(c.args) changed the catalog")
        }
        // Nothing else was left in the folder (no temporary file).
        #expect(TestSupport.listDirectory(out) == ["iam-catalog.txt"])
    }

    @Test func localSourcesStayInTheirFolder() throws {
        guard let site = try Site() else { return }
        try site.write("local/service-list.json", #"[{"service": "sts", "url": "../../etc/passwd"}]"#)
        let r = try run(["catalog", "update", "--source", site.dir + "/local", "--output", site.temporary("x")])
        #expect(r.status == 4)
        #expect(r.stderr.contains("service sts: url \"../../etc/passwd\" does not name a file below the source folder"), "\(r.stderr)")
        try site.write("local2/service-list.json", #"[{"service": "sts", "url": "v1/sts/sts.json"}]"#)
        let missing = try run(["catalog", "update", "--source", site.dir + "/local2", "--output", site.temporary("y")])
        #expect(missing.status == 3)
        #expect(missing.stderr.contains("\(site.dir)/local2/v1/sts/sts.json: cannot be read"), "\(missing.stderr)")
        // The output folder this run made is gone again.
        #expect(!FileManager.default.fileExists(atPath: site.temporary("y")))
    }

    @Test func usageErrorsExitTwo() throws {
        guard let site = try Site() else { return }
        let file = site.temporary("file")
        try site.write("out-file", "not a directory")
        let cases: [([String], String)] = [
            (["--source", site.base + "/service-list.json", "--output", file], "--output \(file): exists and is not a directory"),
            (["--source", site.dir + "/nothing-here", "--output", site.temporary("z")], "--source \(site.dir)/nothing-here: no such file or directory"),
            (["--source", "ftp://example.com/list.json", "--output", site.temporary("z")], "rolecheck reads http, https and file URLs"),
            (["--output", site.temporary("z"), "--jobs", "0"], "--jobs must be between 1 and 64"),
        ]
        for (args, message) in cases {
            let r = try run(["catalog", "update"] + args)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
        }
        let badEpoch = try run(["catalog", "update", "--source", Self.fixtures, "--output", site.temporary("z")], env: ["SOURCE_DATE_EPOCH": "soon"])
        #expect(badEpoch.status == 2 && badEpoch.stderr.contains("SOURCE_DATE_EPOCH soon is not a number of seconds"))
    }

    // MARK: Using the catalog

    static let policy = """
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
          "Action": ["sts:GetSessionContextToken", "ledgerlake:GetLedger"],
          "Resource": ["arn:aws:sts::111122223333:self", "arn:aws:ledgerlake:us-east-1:111122223333:archive/books/7"]}]}
        """

    @Test func lintWithTheCatalogKnowsWhatTheEmbeddedOneDoesNot() throws {
        guard let site = try Site() else { return }
        let catalog = site.temporary("cat")
        #expect(try run(["catalog", "update", "--source", site.base + "/service-list.json", "--output", catalog, "--quiet"]).status == 0)
        try site.write("policies/policy.json", Self.policy)
        let policy = site.dir + "/policies/policy.json"

        let without = try run(["lint", policy, "--format", "json"])
        let rc103 = try CLITests().findings(without.stdout).filter { $0.hasSuffix("RC103") }
        #expect(rc103.count == 2, "\(without.stdout)")

        let with = try run(["lint", policy, "--catalog", catalog])
        #expect(with.status == 0, "\(with.stderr)")
        #expect(with.stdout == "no findings in 1 file (1 document)\nIAM catalog: \(catalog) (AWS service reference, \(site.base)/service-list.json, data of 2026-12-07; 2 services), over the embedded one of \(IAMCatalog.dataDate)\n")

        let json = try run(["lint", policy, "--catalog", catalog, "--format", "json"])
        #expect(try CLITests().findings(json.stdout).isEmpty)
        let root = try JSONParser.parse(file: SourceFile(path: "r.json", text: json.stdout)).get().root
        #expect(root["tool"]?["iamCatalog"]?["directory"]?.string == catalog)
        #expect(root["tool"]?["iamCatalog"]?["date"]?.string == "2026-12-07")
        #expect(root["tool"]?["iamCatalog"]?["embedded"]?["date"]?.string == IAMCatalog.dataDate)
        ReportingTests.Helpers.expectValid(json.stdout, schemaPath: TestSupport.packageRoot + "/docs/schemas/rolecheck-report-v1.schema.json")

        let sarif = try run(["lint", policy, "--catalog", catalog, "--format", "sarif"])
        let run0 = try JSONParser.parse(file: SourceFile(path: "r.sarif", text: sarif.stdout)).get().root["runs"]?.elements.first
        #expect(run0?["properties"]?["iamCatalog"]?["directory"]?.string == catalog)
        if let schema = TestSupport.sharedData("sarif").map({ $0 + "/sarif-schema-2.1.0.json" }) {
            ReportingTests.Helpers.expectValid(sarif.stdout, schemaPath: schema, alsoDraft7: true)
        }

        // The same from the configuration, relative to it; --catalog wins over it.
        try site.write("policies/rolecheck.yaml", "catalog: ../out-cat\n")
        let configured = try run(["lint", site.dir + "/policies"])
        #expect(configured.status == 0)
        #expect(configured.stdout.hasSuffix("IAM catalog: \(site.dir)/policies/../out-cat (AWS service reference, \(site.base)/service-list.json, data of 2026-12-07; 2 services), over the embedded one of \(IAMCatalog.dataDate)\n"), "\(configured.stdout)")
        try site.write("policies/rolecheck.yaml", "catalog: ../nowhere\n")
        let misconfigured = try run(["lint", site.dir + "/policies"])
        #expect(misconfigured.status == 2)
        #expect(misconfigured.stderr == "rolecheck: error: \(site.dir)/policies/rolecheck.yaml:1:10: catalog \(site.dir)/policies/../nowhere: no such directory (rolecheck catalog update --output DIR writes one)\n")
        #expect(try run(["lint", site.dir + "/policies", "--catalog", catalog]).status == 0)
    }

    @Test func lintRefusesACatalogItCannotUse() throws {
        guard let site = try Site() else { return }
        try site.write("policies/policy.json", Self.policy)
        let policy = site.dir + "/policies/policy.json"
        try site.write("damaged/iam-catalog.txt", "rolecheck-iam-catalog\t1\nsource\tx\n")
        let cases: [(String, String)] = [
            (site.dir + "/none", "rolecheck: error: --catalog \(site.dir)/none: no such directory"),
            (site.dir + "/v1", "rolecheck: error: --catalog \(site.dir)/v1: it holds no iam-catalog.txt"),
            (site.dir + "/damaged", "rolecheck: error: --catalog \(site.dir)/damaged: \(site.dir)/damaged/iam-catalog.txt: the header is damaged"),
        ]
        for (dir, message) in cases {
            let r = try run(["lint", policy, "--catalog", dir])
            #expect(r.status == 2)
            #expect(r.stderr.hasPrefix(message), "\(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
    }

    @Test func simulateWithTheCatalog() throws {
        guard let site = try Site() else { return }
        let catalog = site.temporary("cat")
        #expect(try run(["catalog", "update", "--source", site.base + "/service-list.json", "--output", catalog, "--quiet"]).status == 0)
        try site.write("policies/policy.json", Self.policy)
        let args = ["simulate", "--principal", "arn:aws:iam::111122223333:role/analyst", "--action", "sts:GetSessionContextToken",
                    "--resource", "arn:aws:sts::111122223333:self", "--identity-policy", site.dir + "/policies/policy.json"]
        let embedded = try run(args)
        #expect(embedded.status == 0)
        #expect(embedded.stderr == "rolecheck: note: action sts:GetSessionContextToken is not in the IAM catalog of \(IAMCatalog.dataDate) (the evaluator matches it as written)\n")
        let overlaid = try run(args + ["--catalog", catalog])
        #expect(overlaid.status == 0 && overlaid.stderr.isEmpty, "\(overlaid.stderr)")
        #expect(overlaid.stdout.hasSuffix("IAM catalog: \(catalog) (AWS service reference, \(site.base)/service-list.json, data of 2026-12-07; 2 services), over the embedded one of \(IAMCatalog.dataDate)\n"))
        let json = try run(args + ["--catalog", catalog, "--format", "json"])
        let root = try JSONParser.parse(file: SourceFile(path: "s.json", text: json.stdout)).get().root
        #expect(root["iamCatalog"]?["directory"]?.string == catalog)
        let typo = try run(["simulate", "--principal", "111122223333", "--action", "sts:GetSessionContextTokn", "--catalog", catalog])
        #expect(typo.stderr.contains("action sts:GetSessionContextTokn is not in the IAM catalog of 2026-12-07; did you mean sts:GetSessionContextToken?"))
    }
}

/// scripts/catalog-test-server.py: an HTTP server on 127.0.0.1 on a port the system picked.
final class TestHTTPServer: @unchecked Sendable {
    let process: Process
    let input: Pipe
    let port: Int

    private init(process: Process, input: Pipe, port: Int) {
        self.process = process
        self.input = input
        self.port = port
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    static func start(python: String, root: String) throws -> TestHTTPServer {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [TestSupport.packageRoot + "/scripts/catalog-test-server.py", root]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = FileHandle.nullDevice
        try p.run()
        // The first line is the port; read it byte by byte (the server keeps the pipe open).
        var line: [UInt8] = []
        let handle = output.fileHandleForReading
        while line.count < 16 {
            let byte = handle.readData(ofLength: 1)
            if byte.isEmpty || byte[0] == 0x0A { break }
            line.append(byte[0])
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)), port > 0 else {
            p.terminate()
            throw Failure(description: "catalog-test-server.py did not print its port (\(String(decoding: line, as: UTF8.self)))")
        }
        return TestHTTPServer(process: p, input: input, port: port)
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    /// A port nothing listens on now.
    static func unusedPort() throws -> Int { Int(try MotoServer.freePort()) }
}
