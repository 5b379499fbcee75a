import Foundation
import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckIAM
@testable import RoleCheckRules
@testable import RoleCheckEngine
@testable import RoleCheckReporting

/// AWS's service reference format read into the catalog (ServiceReference.swift), catalogs laid
/// over the embedded one (IAMCatalog.overlay, CatalogDirectory), and the rules judging by them.
/// The fixtures are in Fixtures/service-reference (see its README).
@Suite("Service reference and catalog overlays")
struct ServiceReferenceTests {
    static let fixtures = TestSupport.packageRoot + "/Tests/RoleCheckKitTests/Fixtures/service-reference"

    static func file(_ relative: String) throws -> SourceFile {
        let path = fixtures + "/" + relative
        return SourceFile(path: path, bytes: try #require(TestSupport.readFile(path), "cannot read \(path)"))
    }

    static func services() throws -> [ServiceReference.Service] {
        try ["v1/ledgerlake/ledgerlake.json", "v1/sts/sts.json"].map { try ServiceReference.parseService(file($0)).get() }
    }

    static let header: [(String, String)] = [("source", "AWS service reference, @SOURCE@"), ("date", "2026-12-07"),
                                             ("schema", "aws-service-reference v1")]

    /// The fixtures' catalog, laid over the embedded one.
    static func overlay() throws -> IAMCatalog {
        let (text, _) = ServiceReference.catalogText(try services(), header: header,
                                                     typeHints: IAMCatalog.shared.globalConditionKeys, globals: nil)
        return try IAMCatalog.overlay(Array(text.utf8), path: "fixture/iam-catalog.txt", directory: "fixture").get()
    }

    // MARK: Reading AWS's format

    @Test func theFixturesGiveTheExpectedCatalog() throws {
        let (text, counts) = ServiceReference.catalogText(try Self.services(), header: Self.header,
                                                          typeHints: IAMCatalog.shared.globalConditionKeys, globals: nil)
        let expected = try Self.file("expected-iam-catalog.txt")
        #expect(text == String(decoding: expected.bytes, as: UTF8.self))
        #expect(counts == ServiceReference.Counts(services: 2, actions: 9, resources: 4, keys: 10, globals: 0))
    }

    @Test func theOutputDoesNotDependOnTheOrderOfTheInput() throws {
        let services = try Self.services()
        let forward = ServiceReference.catalogText(services, header: Self.header, typeHints: [], globals: nil).text
        let backward = ServiceReference.catalogText(services.reversed(), header: Self.header, typeHints: [], globals: nil).text
        #expect(forward == backward)
    }

    @Test func serviceListEntriesAreRead() throws {
        let entries = try ServiceReference.parseServiceList(Self.file("service-list.json")).get()
        #expect(entries.map(\.service) == ["ledgerlake", "sts"])
        #expect(entries[1].url == "https://servicereference.us-east-1.amazonaws.com/v1/sts/sts.json")
        // Prefixes are case-insensitive: the catalog keeps them in lower case.
        let upper = try ServiceReference.parseService(SourceFile(path: "s", text: #"{"Name": "STS", "Actions": [{"Name": "GetX"}]}"#),
                                                      expectedPrefix: "sts").get()
        #expect(upper.prefix == "sts" && upper.name == "sts")
    }

    @Test func accessLevelsComeFromTheAnnotations() throws {
        let catalog = try Self.overlay()
        #expect(catalog.action("ledgerlake:CreateLedger")?.accessLevel == .write)
        #expect(catalog.action("ledgerlake:GetLedger")?.accessLevel == .read)
        #expect(catalog.action("ledgerlake:ListLedgers")?.accessLevel == .list)
        // IsPermissionManagement and IsTaggingOnly win over IsWrite, which AWS sets beside them.
        #expect(catalog.action("ledgerlake:PutLedgerPolicy")?.accessLevel == .permissionsManagement)
        #expect(catalog.action("ledgerlake:TagResource")?.accessLevel == .tagging)
        #expect(catalog.action("sts:TagSession")?.accessLevel == .tagging)
    }

    // MARK: The overlay

    @Test func anOverlayReplacesItsServicesAndKeepsTheOthers() throws {
        let catalog = try Self.overlay()
        // New in the overlay: an action of a known service, and a service.
        #expect(IAMCatalog.shared.action("sts:GetSessionContextToken") == nil)
        #expect(catalog.action("sts:getsessioncontexttoken")?.fullName == "sts:GetSessionContextToken")
        #expect(!IAMCatalog.shared.hasService("ledgerlake"))
        #expect(catalog.hasService("LedgerLake"))
        // Its services replace the embedded ones whole: STS actions it does not list are gone.
        #expect(IAMCatalog.shared.action("sts:AssumeRoleWithSAML") != nil)
        #expect(catalog.action("sts:AssumeRoleWithSAML") == nil)
        #expect(catalog.actions(matching: "sts:*").map(\.name) == ["AssumeRole", "GetCallerIdentity", "GetSessionContextToken", "TagSession"])
        // Every other service is the embedded one.
        #expect(catalog.action("s3:GetObject") == IAMCatalog.shared.action("s3:GetObject"))
        #expect(catalog.servicePrefixes.count == IAMCatalog.shared.servicePrefixes.count + 1)
        #expect(catalog.servicePrefixes == catalog.servicePrefixes.sorted())
        #expect(catalog.actionCount(matching: "*") == IAMCatalog.shared.actionCount(matching: "*")
                - IAMCatalog.shared.actionCount(matching: "sts:*") + 4 + 5)
        // Global keys stay the embedded ones; service keys come from the overlay first.
        #expect(catalog.globalConditionKeys == IAMCatalog.shared.globalConditionKeys)
        #expect(catalog.conditionKeyType("sts:ContextScope") == .string)
        #expect(IAMCatalog.shared.conditionKeyType("sts:ContextScope") == nil)
        #expect(catalog.isKnownConditionKey("ledgerlake:Shape"))
        #expect(catalog.conditionKeyType("ledgerlake:Shape") == nil)  // a type rolecheck does not know
        let token = try #require(catalog.action("sts:GetSessionContextToken"))
        #expect(catalog.conditionKey("sts:ContextScope", appliesTo: token))
        #expect(!catalog.conditionKey("sts:ExternalId", appliesTo: token))
        // Suggestions see the overlay.
        #expect(catalog.suggestions(forUnknownAction: "sts:GetSessionContextTokn") == ["sts:GetSessionContextToken"])
        // Which catalog, of what date.
        #expect(catalog.info == IAMCatalogInfo(source: "AWS service reference, @SOURCE@", date: "2026-12-07", directory: "fixture", serviceCount: 2))
        #expect(catalog.underlying?.date == IAMCatalog.dataDate)
        #expect(catalog.dataDate == "2026-12-07")
        #expect(IAMCatalog.shared.info.directory == nil && IAMCatalog.shared.underlying == nil)
    }

    @Test func everyARNFormatOfAResourceTypeMatches() throws {
        let catalog = try Self.overlay()
        let get = try #require(catalog.action("ledgerlake:GetLedger"))
        let ledger = try #require(catalog.resourceTypes(for: get).first)
        #expect(ledger.arnTemplates.count == 2)
        #expect(catalog.resourceTypesMatching(arn: "arn:aws:ledgerlake:us-east-1:111122223333:ledger/books", for: get).count == 1)
        #expect(catalog.resourceTypesMatching(arn: "arn:aws:ledgerlake:us-east-1:111122223333:archive/books/7", for: get).count == 1)
        #expect(catalog.resourceTypesMatching(arn: "arn:aws:ledgerlake:us-east-1:111122223333:other/books", for: get).isEmpty)
    }

    @Test func rulesJudgeByTheRunsCatalog() throws {
        let policy = """
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
              "Action": ["sts:GetSessionContextToken", "ledgerlake:GetLedger"],
              "Resource": ["arn:aws:sts::111122223333:self", "arn:aws:ledgerlake:us-east-1:111122223333:archive/books/7"],
              "Condition": {"StringEquals": {"ledgerlake:LedgerTier": "gold"}}}]}
            """
        let file = SourceFile(path: "policy.json", text: policy)
        let embedded = Linter().lint(files: [file])
        let rc103 = embedded.findings.filter { $0.ruleId == "RC103" }
        #expect(rc103.count == 2)
        #expect(rc103.allSatisfy { $0.message.contains("IAM catalog of \(IAMCatalog.dataDate)") })
        #expect(embedded.findings.contains { $0.ruleId == "RC105" && $0.message.contains("ledgerlake:LedgerTier") })

        var options = LintOptions()
        options.catalog = try Self.overlay()
        let overlaid = Linter(options: options).lint(files: [file])
        #expect(overlaid.findings.map { "\($0.ruleId) \($0.message)" } == [])
        #expect(overlaid.catalog.info.directory == "fixture")

        // An action the overlay dropped is unknown, with the overlay's date; the embedded run in
        // the same process is not affected (the rules' caches are per catalog).
        let dropped = SourceFile(path: "dropped.json", text: """
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithSAML", "Resource": "*"}]}
            """)
        let withOverlay = Linter(options: options).lint(files: [dropped]).findings.filter { $0.ruleId == "RC103" }
        #expect(withOverlay.count == 1 && withOverlay[0].message.contains("IAM catalog of 2026-12-07"))
        #expect(Linter().lint(files: [dropped]).findings.filter { $0.ruleId == "RC103" }.isEmpty)
    }

    static let cleanPolicy = #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#

    @Test func reportsNameTheCatalog() throws {
        var options = LintOptions()
        options.catalog = try Self.overlay()
        let report = Linter(options: options).lint(files: [SourceFile(path: "p.json", text: Self.cleanPolicy)])
        let json = try JSONParser.parse(file: SourceFile(path: "r.json", text: JSONReporter().render(report))).get().root
        let catalog = try #require(json["tool"]?["iamCatalog"])
        #expect(catalog["directory"]?.string == "fixture")
        #expect(catalog["date"]?.string == "2026-12-07")
        #expect(catalog["services"]?.number == 2)
        #expect(catalog["embedded"]?["date"]?.string == IAMCatalog.dataDate)
        let sarif = try JSONParser.parse(file: SourceFile(path: "r.sarif", text: SARIFReporter().render(report))).get().root
        let run = try #require(sarif["runs"]?.elements.first)
        #expect(run["properties"]?["iamCatalog"]?["directory"]?.string == "fixture")
        #expect(run["tool"]?["extensions"]?.elements.first?["version"]?.string == "2026-12-07")
        let text = TextReporter(color: false).render(report)
        #expect(text.hasSuffix("no findings in 1 file (1 document)\nIAM catalog: fixture (AWS service reference, @SOURCE@, data of 2026-12-07; 2 services), over the embedded one of \(IAMCatalog.dataDate)\n"))
        #expect(HTMLReporter().render(report, graph: SetupGraph.build(Linter(options: options).analyze(inputs: []).setup, findings: [])).contains("IAM catalog: fixture (AWS service reference, @SOURCE@"))

        // The embedded catalog: the JSON keeps its two members, text output is as it was.
        let plain = Linter().lint(files: [SourceFile(path: "p.json", text: Self.cleanPolicy)])
        let plainJSON = try JSONParser.parse(file: SourceFile(path: "r.json", text: JSONReporter().render(plain))).get().root
        #expect(plainJSON["tool"]?["iamCatalog"]?.members.compactMap(\.key.string) == ["source", "date"])
        #expect(TextReporter(color: false).render(plain) == "no findings in 1 file (1 document)\n")
    }

    // MARK: Hostile input

    /// Each broken service file is an error that names the file, line and column, never a crash.
    @Test(arguments: [
        ("{\"Name\": \"sts\", \"Actions\": [", "sts.json:1:", "invalid JSON"),
        ("[]", "sts.json:1:1:", "must be an object"),
        ("{\"Actions\": []}", "sts.json:1:1:", "\"Name\" is missing"),
        ("{\"Name\": \"s t s\"}", "sts.json:1:10:", "not a service prefix"),
        ("{\"Name\": \"iam\"}", "sts.json:1:10:", "calls this file's service sts, but its Name is iam"),
        ("{\"Name\": \"sts\", \"Version\": \"v2.0\"}", "sts.json:1:28:", "version \"v2.0\" is not one rolecheck reads"),
        ("{\"Name\": \"sts\", \"Actions\": {}}", "sts.json:1:28:", "Actions must be an array"),
        ("{\"Name\": \"sts\", \"Actions\": [{\"Name\": 7}]}", "sts.json:1:38:", "must be a string"),
        ("{\"Name\": \"sts\", \"Actions\": [{\"Name\": \"Get:Thing\"}]}", "sts.json:1:38:", "without spaces, ':', '*' or '?'"),
        ("{\"Name\": \"sts\", \"Actions\": [{\"Name\": \"A\\tB\"}]}", "sts.json:1:38:", "contains a tab or line break"),
        ("{\"Name\": \"sts\", \"Actions\": [{\"Name\": \"GetX\"}, {\"Name\": \"getx\"}]}", "sts.json:1:56:", "differ only in case"),
        ("{\"Name\": \"sts\", \"Actions\": [{\"Name\": \"GetX\", \"Resources\": [{\"Name\": \"role\"}]}]}", "sts.json:1:69:", "does not define"),
        ("{\"Name\": \"sts\", \"Actions\": [{\"Name\": \"GetX\", \"ActionConditionKeys\": [\"a|b\"]}]}", "sts.json:1:70:", "contains one of | , * ?"),
        ("{\"Name\": \"sts\", \"Actions\": [{\"Name\": \"GetX\", \"Annotations\": {\"Properties\": {\"IsWrite\": \"yes\"}}}]}", "sts.json:1:88:", "IsWrite must be true or false"),
        ("{\"Name\": \"sts\", \"Resources\": [{\"Name\": \"role\", \"ARNFormats\": []}]}", "sts.json:1:62:", "needs at least one ARN format"),
        ("{\"Name\": \"sts\", \"Resources\": [{\"Name\": \"role\", \"ARNFormats\": [\"a\"]}, {\"Name\": \"role\", \"ARNFormats\": [\"b\"]}]}", "sts.json:1:79:", "defined twice"),
        ("{\"Name\": \"sts\", \"ConditionKeys\": [{\"Name\": \"sts:X\"}, {\"Name\": \"sts:X\"}]}", "sts.json:1:63:", "defined twice"),
    ])
    func aBrokenServiceFileIsAnErrorThatSaysWhere(_ json: String, _ position: String, _ message: String) {
        switch ServiceReference.parseService(SourceFile(path: "https://example.test/v1/sts/sts.json", text: json), expectedPrefix: "sts") {
        case .success: Issue.record("\(json) was accepted")
        case .failure(let f):
            #expect(f.message.hasPrefix("https://example.test/v1/sts/" + position), "\(f.message)")
            #expect(f.message.contains(message), "\(f.message)")
        }
    }

    @Test(arguments: [
        ("{}", "list:1:1:", "must be a JSON array"),
        ("[7]", "list:1:2:", "must be an object"),
        ("[{\"service\": \"s3\"}]", "list:1:2:", "\"url\" is missing"),
        ("[{\"service\": \"S 3\", \"url\": \"x\"}]", "list:1:14:", "not a service prefix"),
        ("[{\"service\": \"s3\", \"url\": \"a\"}, {\"service\": \"S3\", \"url\": \"b\"}]", "list:1:45:", "service s3 is listed twice"),
        ("[{\"service\": \"s3\", \"url\": \"a\"}, {\"service\": \"s3\", \"url\": \"b\"}]", "list:1:45:", "listed twice (first at line 1, column 14)"),
    ])
    func aBrokenServiceListIsAnErrorThatSaysWhere(_ json: String, _ position: String, _ message: String) {
        switch ServiceReference.parseServiceList(SourceFile(path: "list", text: json)) {
        case .success: Issue.record("\(json) was accepted")
        case .failure(let f):
            #expect(f.message.hasPrefix(position), "\(f.message)")
            #expect(f.message.contains(message), "\(f.message)")
        }
    }

    /// A damaged catalog file is refused with its line, or read safely: every truncation and
    /// thousands of single-byte changes of the fixtures' catalog, each followed by lookups.
    @Test func aDamagedCatalogFileNeverCrashes() throws {
        let good = Array(try Self.file("expected-iam-catalog.txt").bytes)
        func exercise(_ bytes: [UInt8]) -> Bool {
            guard case .success(let c) = IAMCatalog.overlay(bytes, path: "d/iam-catalog.txt", directory: "d") else { return false }
            for p in c.servicePrefixes.prefix(500) { _ = c.service(p)?.actions.count }
            _ = c.actions(matching: "ledgerlake:*")
            _ = c.conditionKeyType("ledgerlake:LedgerTier")
            _ = c.isKnownConditionKey("sts:ExternalId")
            if let a = c.action("ledgerlake:GetLedger") {
                _ = c.resourceTypesMatching(arn: "arn:aws:ledgerlake:us-east-1:1:ledger/x", for: a)
                _ = c.conditionKey("ledgerlake:Shape", appliesTo: a)
            }
            return true
        }
        #expect(exercise(good))
        var accepted = 0
        for end in stride(from: 0, to: good.count, by: 7) where exercise(Array(good[..<end])) { accepted += 1 }
        #expect(accepted < good.count / 7)  // most truncations lose a section the header names
        var seed: UInt64 = 0x5EED
        func random(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        let replacements: [UInt8] = Array("0123456789\t\n|,:*-%S A R".utf8) + [0xFF, 0xC3, 0x00]
        for _ in 0..<3000 {
            var bytes = good
            for _ in 0..<(1 + random(3)) { bytes[random(bytes.count)] = replacements[random(replacements.count)] }
            _ = exercise(bytes)
        }
    }

    @Test(arguments: [
        ([UInt8]([0xFF, 0xFE]), "d/iam-catalog.txt: not UTF-8 text"),
        (Array("{\"Name\": \"sts\"}".utf8), "d/iam-catalog.txt:1: not an IAM catalog written by rolecheck catalog update"),
        (Array("rolecheck-iam-catalog\t2\n".utf8), "d/iam-catalog.txt:1: catalog format 2 is not the one this rolecheck reads"),
        (Array("rolecheck-iam-catalog\t1\nsource\tx\ndate\t2026-12-07\nsection\tG\t0\t0\t0\n%%\n".utf8), "d/iam-catalog.txt: the header is damaged"),
        (Array("rolecheck-iam-catalog\t1\nsource\tx\ndate\tyesterday\nsection\tG\t0\t0\t0\nsection\tK\t0\t0\t0\nsection\tI\t0\t0\t0\nsection\tB\t0\t0\t0\n%%\n".utf8),
         "d/iam-catalog.txt: the header's date \"yesterday\" is not a date"),
    ])
    func aCatalogFileThatIsNotOneIsRefused(_ bytes: [UInt8], _ message: String) {
        switch IAMCatalog.overlay(bytes, path: "d/iam-catalog.txt", directory: "d") {
        case .success: Issue.record("accepted")
        case .failure(let e): #expect(e.message.hasPrefix(message), "\(e.message)")
        }
    }

    @Test func aCatalogDirectoryIsCheckedBeforeUse() throws {
        let dir = NSTemporaryDirectory() + "rolecheck-catalog-dir-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func message(_ path: String) -> String? {
            if case .failure(let e) = CatalogDirectory.load(path) { return e.message }
            return nil
        }
        #expect(message(dir + "/missing") == "--catalog \(dir)/missing: no such directory (rolecheck catalog update --output DIR writes one)")
        #expect(message(dir) == "--catalog \(dir): it holds no iam-catalog.txt (rolecheck catalog update --output \(dir) writes it)")
        try Data("rolecheck-iam-catalog\t1\ngarbage".utf8).write(to: URL(fileURLWithPath: dir + "/iam-catalog.txt"))
        #expect(message(dir)?.hasPrefix("--catalog \(dir): \(dir)/iam-catalog.txt: the header is damaged") == true)
        try Data(try Self.file("expected-iam-catalog.txt").bytes).write(to: URL(fileURLWithPath: dir + "/iam-catalog.txt"))
        let loaded = try CatalogDirectory.load(dir).get()
        #expect(loaded.info.directory == dir && loaded.hasService("ledgerlake"))
        #expect(CatalogDirectory.describe(IAMCatalog.shared) == "IAM catalog: \(IAMCatalog.source), data of \(IAMCatalog.dataDate)")
    }

    // MARK: One format for the embedded catalog and catalog update

    /// The embedded catalog goes through the service reference format: the generator's files,
    /// read by the Swift reader, make the embedded catalog's sections byte for byte.
    @Test func theGeneratorsServiceReferenceFilesMakeTheEmbeddedCatalog() async throws {
        guard let data = TestSupport.sharedData("iam") else { return }
        guard let python = TestSupport.which("python3") else {
            if TestSupport.isCI { Issue.record("python3 is missing, and CI=true requires it") } else { print("note: skipping: no python3") }
            return
        }
        let dir = NSTemporaryDirectory() + "rolecheck-sr-export-\(getpid())-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try await Subprocess.run(python, [TestSupport.packageRoot + "/scripts/generate-iam-catalog.py",
                                                    data + "/iam-definition.json", "--export-service-reference", dir],
                                           env: [:], in: TestSupport.packageRoot)
        try #require(run.status == 0, "\(run.stdout)\(run.stderr)")
        let list = try ServiceReference.parseServiceList(SourceFile(path: dir + "/service-list.json",
                                                                    bytes: try #require(TestSupport.readFile(dir + "/service-list.json")))).get()
        #expect(list.count == 445)
        var services: [ServiceReference.Service] = []
        for entry in list {
            let path = dir + "/v1/\(entry.service)/\(entry.service).json"
            services.append(try ServiceReference.parseService(SourceFile(path: path, bytes: try #require(TestSupport.readFile(path))),
                                                              expectedPrefix: entry.service).get())
        }
        let shared = IAMCatalog.shared
        let header = ["source", "date", "schema", "input-sha256"].map { ($0, shared.header.values[$0] ?? "") }
        let (text, counts) = ServiceReference.catalogText(services, header: header, typeHints: shared.globalConditionKeys,
                                                          globals: shared.globalConditionKeys)
        #expect(counts == ServiceReference.Counts(services: 445, actions: 20_455, resources: 2_167, keys: 1_382, globals: shared.globalConditionKeys.count))
        #expect(text == IAMCatalogData.text, "the Swift reader and scripts/generate-iam-catalog.py disagree")
    }
}
