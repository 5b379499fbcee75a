import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckIAM
@testable import RoleCheckModel
@testable import RoleCheckRules
@testable import RoleCheckEngine
@testable import RoleCheckReporting

#if canImport(Glibc)
import Glibc
#endif

/// Helpers shared by the suppression, baseline and configuration tests.
enum FilterSupport {
    /// The day the tests run on (suppression dates are compared with it).
    static let today = CalendarDate(year: 2026, month: 6, day: 1)!

    /// A security configuration with runtime roles off: RC205 at line 3, column 37.
    static let rc205 = """
    AuthorizationConfiguration:
      IAMConfiguration:
        EnableApplicationScopedIAMRole: false
    """

    static let rc205JSON = "{\"AuthorizationConfiguration\": {\"IAMConfiguration\": {\"EnableApplicationScopedIAMRole\": false}}}\n"

    static func config(_ yaml: String, path: String = "rolecheck.yaml") throws -> Configuration {
        try ConfigurationLoader.load(path: path, bytes: Array(yaml.utf8)).get()
    }

    static func lint(_ files: [(String, String)], config: Configuration? = nil, baseline: Baseline? = nil,
                     today: CalendarDate = FilterSupport.today) -> LintReport {
        var options = LintOptions()
        options.configuration = config
        options.baseline = baseline
        options.today = today
        return Linter(options: options).lint(files: files.map { SourceFile(path: $0.0, text: $0.1) })
    }

    /// `file:line:col RCnnn` of each finding.
    static func positions(_ findings: [Finding]) -> [String] {
        findings.map { "\($0.location.file):\($0.location.range.start.line):\($0.location.range.start.column) \($0.ruleId)" }
    }

    /// A new empty folder under /tmp.
    static func temporaryFolder() -> String {
        var template = Array("/tmp/rolecheck-filters-XXXXXX".utf8CString)
        return String(cString: mkdtemp(&template)!)
    }

    /// Writes a file, creating its folders.
    static func write(_ path: String, _ text: String) {
        var folder = ""
        for part in path.split(separator: "/").dropLast() {
            folder += "/" + part
            if !Inputs.isDirectory(folder) { mkdir(folder, 0o755) }
        }
        let f = fopen(path, "wb")!
        let bytes = Array(text.utf8)
        fwrite(bytes, 1, bytes.count, f)
        fclose(f)
    }

    static func removeTree(_ path: String) {
        _ = ReportingTests.Helpers.run(["rm", "-rf", path], outputPath: "/dev/null")
    }
}

@Suite struct SuppressionTests {
    typealias S = FilterSupport

    // MARK: Inline comments

    @Test func commentOnTheFindingsLineSuppressesIt() throws {
        let yaml = S.rc205 + "  # rolecheck:ignore RC205 -- legacy cluster, ticket SEC-12\n"
        let report = S.lint([("sc.yaml", yaml)])
        #expect(report.findings.isEmpty, "\(S.positions(report.findings))")
        let hidden = try #require(report.suppressed.first)
        #expect(report.suppressed.count == 1)
        #expect(hidden.finding.ruleId == "RC205")
        #expect(hidden.suppression.source == .comment)
        #expect(hidden.suppression.kind == "inSource")
        #expect(hidden.suppression.justification == "legacy cluster, ticket SEC-12")
        #expect(hidden.suppression.location?.range.start.line == 3)
        #expect(hidden.suppression.location?.range.start.column == 44)
        #expect(!report.fails(at: .note))
        #expect(report.suppressedCount == 1 && report.baselinedCount == 0)
    }

    @Test func commentOnTheLineBeforeSuppressesIt() {
        let yaml = """
        AuthorizationConfiguration:
          IAMConfiguration:
            # rolecheck:ignore RC205 -- legacy cluster
            EnableApplicationScopedIAMRole: false
        """
        let report = S.lint([("sc.yaml", yaml)])
        #expect(report.findings.isEmpty, "\(S.positions(report.findings))")
        #expect(report.suppressed.map(\.finding.ruleId) == ["RC205"])
    }

    @Test func aTrailingCommentCoversOnlyItsOwnLine() {
        let yaml = """
        AuthorizationConfiguration:
          IAMConfiguration:  # rolecheck:ignore RC205 -- not the next line
            EnableApplicationScopedIAMRole: false
        """
        let report = S.lint([("sc.yaml", yaml)])
        #expect(S.positions(report.findings) == ["sc.yaml:2:22 RC006", "sc.yaml:3:37 RC205"])
        #expect(report.findings.first?.message == "unused suppression: there is no RC205 finding on this line; remove the comment")
    }

    @Test func commentsStackedAboveALineAllCoverIt() {
        let yaml = """
        AuthorizationConfiguration:
          IAMConfiguration:
            EnableApplicationScopedIAMRole: true
            # rolecheck:ignore RC205 -- duplicate kept for the migration
            # rolecheck:ignore RC002 -- duplicate kept for the migration
            EnableApplicationScopedIAMRole: false
        """
        let report = S.lint([("sc.yaml", yaml)])
        #expect(report.findings.isEmpty, "\(S.positions(report.findings))")
        #expect(report.suppressed.map(\.finding.ruleId) == ["RC002", "RC205"])
    }

    @Test func aReasonIsRequired() {
        for comment in ["# rolecheck:ignore RC205", "# rolecheck:ignore RC205 --", "# rolecheck:ignore RC205 --   until: 2026-12-31",
                        "# rolecheck:ignore RC205 because"] {
            let yaml = "AuthorizationConfiguration:\n  IAMConfiguration:\n    \(comment)\n    EnableApplicationScopedIAMRole: false\n"
            let report = S.lint([("sc.yaml", yaml)])
            #expect(S.positions(report.findings) == ["sc.yaml:3:5 RC006", "sc.yaml:4:37 RC205"], "\(comment)")
            #expect(report.findings.first?.message.contains("no reason") == true, "\(report.findings.first?.message ?? "")")
            #expect(report.suppressed.isEmpty)
        }
    }

    @Test func severalRuleIds() {
        // The repeated key is RC002 and its value RC205, on the same line.
        let yaml = """
        AuthorizationConfiguration:
          IAMConfiguration:
            EnableApplicationScopedIAMRole: true
            # rolecheck:ignore RC002, RC205 -- duplicate kept for the migration
            EnableApplicationScopedIAMRole: false
        """
        let report = S.lint([("sc.yaml", yaml)])
        #expect(report.findings.isEmpty, "\(S.positions(report.findings))")
        #expect(report.suppressed.map(\.finding.ruleId) == ["RC002", "RC205"])

        // One of the ids suppresses nothing: RC006 names it.
        let partly = S.lint([("sc.yaml", S.rc205 + "  # rolecheck:ignore rc205 RC301 -- legacy\n")])
        #expect(S.positions(partly.findings) == ["sc.yaml:3:44 RC006"])
        #expect(partly.findings.first?.message == "RC301 in this suppression is unused: there is no RC301 finding on this line; remove it from the comment")
        #expect(partly.suppressed.map(\.finding.ruleId) == ["RC205"])
    }

    @Test func untilInTheFutureSuppressesAndInThePastDoesNot() {
        func run(_ until: String) -> LintReport {
            S.lint([("sc.yaml", S.rc205 + "  # rolecheck:ignore RC205 -- vendor role, ticket SEC-12 until: \(until)\n")])
        }
        let future = run("2026-12-31")
        #expect(future.findings.isEmpty)
        #expect(future.suppressed.first?.suppression.until == CalendarDate(year: 2026, month: 12, day: 31))
        #expect(future.suppressed.first?.suppression.justification == "vendor role, ticket SEC-12")
        // The date is the last day the suppression applies.
        #expect(run("2026-06-01").findings.isEmpty)

        let past = run("2026-05-31")
        #expect(S.positions(past.findings) == ["sc.yaml:3:37 RC205", "sc.yaml:3:44 RC006"])
        #expect(past.findings.last?.message == "this suppression of RC205 expired on 2026-05-31 and no longer hides anything; fix what it hid, or renew the date if the reason (vendor role, ticket SEC-12) still holds")
        #expect(past.suppressed.isEmpty)

        let badDate = run("2026-02-30")
        #expect(S.positions(badDate.findings) == ["sc.yaml:3:37 RC205", "sc.yaml:3:44 RC006"])
        #expect(badDate.findings.last?.message.contains("is not a date written YYYY-MM-DD") == true)
    }

    @Test func unusedSuppressionIsReportedAtTheComment() throws {
        let yaml = """
        AuthorizationConfiguration:
          IAMConfiguration:
            # rolecheck:ignore RC205 -- legacy cluster
            EnableApplicationScopedIAMRole: true
        """
        let report = S.lint([("sc.yaml", yaml)])
        let f = try #require(report.findings.first)
        #expect(report.findings.count == 1)
        #expect(f.ruleId == "RC006" && f.severity == .warning)
        #expect(f.location.range.start.line == 3 && f.location.range.start.column == 5)
        #expect(f.location.range.end.column == 47)
        #expect(f.location.pointer == nil)
        #expect(f.message == "unused suppression: there is no RC205 finding on line 4, the line it covers; remove the comment")
        // The identity does not depend on the line: moving the comment keeps the fingerprint.
        let moved = S.lint([("sc.yaml", "\n\n" + yaml)])
        #expect(moved.findings.map(\.fingerprint) == [f.fingerprint])
    }

    @Test func malformedCommentsSuppressNothing() {
        let cases: [(String, String)] = [
            ("# rolecheck:ignore RC999 -- x", "'RC999' is not a rolecheck rule"),
            ("# rolecheck:ignore -- x", "name the rules to ignore"),
            ("# rolecheck:ignore RC006 -- x", "RC006 cannot be suppressed"),
            ("# rolecheck:ignroe RC205 -- x", "'rolecheck:ignroe' is not a rolecheck directive"),
            ("# rolecheck:ignore RC205 -- x until: tomorrow", "'until: tomorrow' is not a date"),
        ]
        for (comment, message) in cases {
            let yaml = "AuthorizationConfiguration:\n  IAMConfiguration:\n    \(comment)\n    EnableApplicationScopedIAMRole: false\n"
            let report = S.lint([("sc.yaml", yaml)])
            #expect(S.positions(report.findings) == ["sc.yaml:3:5 RC006", "sc.yaml:4:37 RC205"], "\(comment)")
            #expect(report.findings.first?.message.contains(message) == true, "\(report.findings.first?.message ?? "")")
        }
    }

    @Test func onlyRealCommentsCount() {
        let yaml = """
        AuthorizationConfiguration:
          IAMConfiguration:
            EnableApplicationScopedIAMRole: true
        Description: "write # rolecheck:ignore RC205 -- x"
        Notes: 'also # rolecheck:ignore RC205 -- x'
        Text: |
          # rolecheck:ignore RC205 -- inside a block scalar
        Plain: a#rolecheck:ignore RC205 -- no space before the hash
        """
        let report = S.lint([("sc.yaml", yaml)])
        #expect(report.findings.filter { $0.ruleId == "RC006" }.isEmpty, "\(S.positions(report.findings))")
        // In JSON, # starts no comment (and the file does not parse).
        let json = S.lint([("sc.json", "{\"a\": 1} # rolecheck:ignore RC001 -- x\n")])
        #expect(json.findings.map(\.ruleId) == ["RC001"])
    }

    @Test func theQuoteHeuristicForFilesThatDoNotParse() {
        func start(_ line: String) -> Int? {
            let bytes = Array(line.utf8)
            return SuppressionScanner.commentStart(bytes, 0, bytes.count, [], heuristic: true)
        }
        #expect(start("# rolecheck:ignore RC001 -- x") == 0)
        #expect(start("a: 1 # x") == 5)
        #expect(start("a: 'b # c' # x") == 11)
        #expect(start("a: \"b \\\" # c\" # x") == 14)
        #expect(start("a: it's # x") == 8)
        #expect(start("- 'x # y'") == nil)
        #expect(start("a: b#c") == nil)
        // A broken file: the comment before the error still counts.
        let report = S.lint([("sc.yaml", "# rolecheck:ignore RC205 -- x\nkey: [1, 2\n")])
        #expect(report.findings.map(\.ruleId).sorted() == ["RC001", "RC006"])
    }

    // MARK: Configuration suppressions

    @Test func configurationSuppressesByFilePointerAndRule() throws {
        let config = try S.config("""
        suppressions:
          - file: exports/*.json
            pointer: /AuthorizationConfiguration
            rule: RC205
            reason: legacy cluster, ticket SEC-12
            until: 2026-12-31
        """)
        let report = S.lint([("exports/sc.json", S.rc205JSON), ("other/sc.json", S.rc205JSON)], config: config)
        #expect(S.positions(report.findings) == ["other/sc.json:1:88 RC205"])
        let hidden = try #require(report.suppressed.first)
        #expect(hidden.finding.location.file == "exports/sc.json")
        #expect(hidden.suppression.source == .configuration && hidden.suppression.kind == "external")
        #expect(hidden.suppression.justification == "legacy cluster, ticket SEC-12")
        #expect(hidden.suppression.location?.file == "rolecheck.yaml")
        #expect(hidden.suppression.location?.range.start.line == 2)
    }

    @Test func configurationSuppressionWithoutPointerCoversTheWholeFile() throws {
        let config = try S.config("suppressions: [{file: sc.json, rule: RC205, reason: accepted}]\n")
        #expect(S.lint([("sc.json", S.rc205JSON)], config: config).findings.isEmpty)
        #expect(S.lint([("./sc.json", S.rc205JSON)], config: config).findings.isEmpty)
    }

    @Test func unusedAndExpiredConfigurationSuppressions() throws {
        let config = try S.config("""
        suppressions:
          - {file: sc.json, pointer: /Other, rule: RC205, reason: wrong place}
          - {file: sc.json, rule: RC205, reason: too late, until: 2026-01-01}
          - {file: not-linted.json, rule: RC205, reason: another run}
        """)
        let report = S.lint([("sc.json", S.rc205JSON)], config: config)
        #expect(S.positions(report.findings) == ["rolecheck.yaml:2:5 RC006", "rolecheck.yaml:3:5 RC006", "sc.json:1:88 RC205"])
        #expect(report.findings[0].message == "the configured suppression of RC205 for sc.json at /Other is unused: no RC205 finding there; remove it")
        #expect(report.findings[1].message.hasPrefix("the configured suppression of RC205 for sc.json expired on 2026-01-01"))
    }

    // MARK: Rule settings

    @Test func rulesOffAndSeverityOverrides() throws {
        let off = S.lint([("sc.yaml", S.rc205)], config: try S.config("rules: {RC205: off}\n"))
        #expect(off.findings.isEmpty && off.suppressed.isEmpty)
        let warning = S.lint([("sc.yaml", S.rc205)], config: try S.config("rules:\n  RC205: warning\n"))
        #expect(warning.findings.map(\.severity) == [.warning])
        #expect(!warning.fails(at: .error) && warning.fails(at: .warning))
        let note = S.lint([("a.json", "{\"x\": 1}")], config: try S.config("rules: {RC003: error}\n"))
        #expect(note.findings.map { "\($0.ruleId) \($0.severity)" } == ["RC003 error"])

        // RC006 follows the settings too, and a suppression of a rule that is off is not "unused".
        let unused = S.rc205 + "  # rolecheck:ignore RC205, RC301 -- legacy\n"
        #expect(S.lint([("sc.yaml", unused)], config: try S.config("rules: {RC006: off}\n")).findings.isEmpty)
        #expect(S.lint([("sc.yaml", unused)], config: try S.config("rules: {RC006: error}\n")).findings.map(\.severity) == [.error])
        #expect(S.lint([("sc.yaml", unused)], config: try S.config("rules: {RC301: off}\n")).findings.isEmpty)
    }

    // MARK: include / exclude

    @Test func includeAndExcludeApplyToFoldersOnly() throws {
        let dir = S.temporaryFolder()
        defer { S.removeTree(dir) }
        for name in ["infra/a.json", "infra/b.yaml", "infra/vendor/c.json", "infra/generated/d.json", "notes/e.yaml"] {
            S.write(dir + "/" + name, "{}")
        }
        let config = try S.config("""
        include: ["infra/**"]
        exclude: [infra/vendor, "**/generated/*.json"]
        """, path: dir + "/rolecheck.yaml")
        let collected = Inputs.collect([dir], filter: config.admits)
        #expect(collected.paths == [dir + "/infra/a.json", dir + "/infra/b.yaml"])
        // A file named explicitly is always linted.
        let explicit = Inputs.collect([dir + "/infra/vendor/c.json", dir + "/notes"], filter: config.admits)
        #expect(explicit.paths == [dir + "/infra/vendor/c.json"])
        #expect(Inputs.collect([dir]).paths.count == 5)
    }

    @Test func patternsMatchWhenTheConfigurationWasFoundByAbsolutePath() throws {
        let cwd = try #require(PathPattern.workingDirectory)
        let config = try S.config("exclude: [vendor]\n", path: cwd + "/rolecheck.yaml")
        #expect(!config.admits("vendor/a.json"))
        #expect(config.admits("infra/a.json"))
    }

    // MARK: Reports

    func mixedReport() throws -> LintReport {
        let config = try S.config("suppressions: [{file: sc.json, rule: RC205, reason: \"accepted until the cluster is recreated\", until: 2026-12-31}]\n")
        let files = [("sc.json", S.rc205JSON), ("sc.yaml", S.rc205 + "  # rolecheck:ignore RC205 -- legacy\n"),
                     ("new.yaml", S.rc205), ("dup.json", "{\"a\": 1, \"a\": 2}")]
        var report = S.lint(files, config: config)
        report.applyBaseline(Baseline(findings: report.findings.filter { $0.location.file == "dup.json" }))
        return report
    }

    @Test func jsonOutputListsSuppressedFindings() throws {
        let report = try mixedReport()
        let root = try ReportingTests.Helpers.parseJSON(JSONReporter().render(report))
        #expect(ReportingTests.Helpers.keys(root) == ["schemaVersion", "tool", "findings", "suppressed", "summary"])
        #expect(try #require(root["findings"]).elements.map { $0["location"]?["file"]?.string } == ["new.yaml"])
        let suppressed = try #require(root["suppressed"]).elements
        #expect(suppressed.map { "\($0["location"]!["file"]!.string!) \($0["ruleId"]!.string!) \($0["suppression"]!["source"]!.string!)" }
                == ["dup.json RC003 baseline", "dup.json RC002 baseline", "sc.json RC205 configuration", "sc.yaml RC205 comment"])
        let comment = try #require(suppressed.last?["suppression"])
        #expect(ReportingTests.Helpers.keys(comment) == ["kind", "source", "justification", "until", "location"])
        #expect(comment["kind"]?.string == "inSource" && comment["justification"]?.string == "legacy")
        #expect(comment["until"]?.kind == .null)
        #expect(ReportingTests.Helpers.int(comment["location"]?["line"]) == 3)
        let external = try #require(suppressed[2]["suppression"])
        #expect(external["kind"]?.string == "external" && external["until"]?.string == "2026-12-31")
        #expect(suppressed[0]["suppression"]?["location"]?.kind == .null)
        let summary = try #require(root["summary"])
        #expect(ReportingTests.Helpers.int(summary["total"]) == 1)
        #expect(ReportingTests.Helpers.int(summary["suppressed"]) == 2)
        #expect(ReportingTests.Helpers.int(summary["baselined"]) == 2)

        let schema = TestSupport.packageRoot + "/docs/schemas/rolecheck-report-v1.schema.json"
        ReportingTests.Helpers.expectValid(JSONReporter().render(report), schemaPath: schema)
    }

    @Test func sarifMarksSuppressedResultsAndStaysValid() throws {
        let report = try mixedReport()
        let sarif = SARIFReporter(srcRoot: "/work/repo/").render(report)
        let root = try ReportingTests.Helpers.parseJSON(sarif)
        let results = try #require(root["runs"]?.elements.first?["results"]).elements
        #expect(results.count == 5)
        let kinds = results.map { r -> String in
            let file = r["locations"]!.elements[0]["physicalLocation"]!["artifactLocation"]!["uri"]!.string!
            guard let s = r["suppressions"]?.elements.first else { return "\(file) -" }
            return "\(file) \(s["kind"]!.string!) \(s["justification"]!.string!)"
        }
        #expect(kinds == ["dup.json external baseline", "dup.json external baseline", "new.yaml -",
                          "sc.json external accepted until the cluster is recreated", "sc.yaml inSource legacy"])
        let inSource = try #require(results.last?["suppressions"]?.elements.first)
        #expect(inSource["status"]?.string == "accepted")
        #expect(ReportingTests.Helpers.int(inSource["location"]?["physicalLocation"]?["region"]?["startLine"]) == 3)

        if let schemaPath = TestSupport.sharedData("sarif").map({ $0 + "/sarif-schema-2.1.0.json" }) {
            ReportingTests.Helpers.expectValid(sarif, schemaPath: schemaPath, alsoDraft7: true)
            ReportingTests.Helpers.expectValid(SARIFReporter(maxResults: 2).render(report), schemaPath: schemaPath, alsoDraft7: true)
        }
        // Over the cap, reported findings are kept before suppressed ones.
        let capped = try ReportingTests.Helpers.parseJSON(SARIFReporter(maxResults: 1).render(report))
        let kept = try #require(capped["runs"]?.elements.first?["results"]).elements
        #expect(kept.count == 1 && kept[0]["suppressions"] == nil)
    }

    @Test func textShowsOnlyReportedFindingsAndCountsTheRest() throws {
        let report = try mixedReport()
        let text = TextReporter(color: false).render(report)
        #expect(text.hasSuffix("1 error, 0 warnings, 0 notes in 4 files (4 documents); 2 suppressed, 2 baselined\n"))
        #expect(!text.contains("sc.json:"))
        #expect(TextReporter(color: false).renderQuiet(report) == ReportSupport.plainLine(report.findings[0]) + "\n")
        // Nothing hidden: the summary is unchanged.
        #expect(TextReporter(color: false).render(S.lint([("new.yaml", S.rc205)])).hasSuffix("(1 document)\n"))
    }
}
