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

@Suite struct BaselineTests {
    typealias S = FilterSupport

    static let policy = """
    {
      "Version": "2012-10-17",
      "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"}
      ]
    }
    """

    static func files() -> [(String, String)] {
        [("./infra/sc.yaml", S.rc205), ("infra/bucket-policy.json", policy), ("infra/notes.json", "{\"x\": 1}")]
    }

    @Test func roundTripSurvivesMovedLinesAndReportsOnlyNewFindings() throws {
        let first = S.lint(Self.files())
        #expect(first.findings.count >= 3, "\(S.positions(first.findings))")
        let baseline = Baseline(findings: first.findings)
        let text = baseline.render()
        let reread = try Baseline.parse(path: "baseline.json", bytes: Array(text.utf8)).get()
        #expect(reread == baseline)

        // Lines move: blank lines at the top of every file.
        let moved = Self.files().map { ($0.0, "\n\n\n" + $0.1) }
        let second = S.lint(moved, baseline: reread)
        #expect(second.findings.isEmpty, "\(S.positions(second.findings))")
        #expect(second.baselinedCount == first.findings.count)
        #expect(second.suppressed.allSatisfy { $0.suppression.source == .baseline && $0.suppression.justification == "baseline" })
        #expect(!second.fails(at: .note))

        // A new problem is reported, alone.
        let withNew = moved + [("infra/sc2.json", S.rc205JSON)]
        let third = S.lint(withNew, baseline: reread)
        #expect(S.positions(third.findings) == ["infra/sc2.json:1:88 RC205"])
        #expect(third.fails(at: .error))
    }

    @Test func identicalKeysAreCounted() throws {
        // Two documents of one stream with the same problem at the same pointer: one key, twice.
        let stream = S.rc205 + "\n---\n" + S.rc205 + "\n"
        let report = S.lint([("sc.yaml", stream)])
        #expect(report.findings.map(\.ruleId) == ["RC205", "RC205"])
        let both = Baseline(findings: report.findings)
        #expect(both.entries.count == 1 && both.entries[0].count == 2)
        #expect(S.lint([("sc.yaml", stream)], baseline: both).findings.isEmpty)

        let one = Baseline(findings: [report.findings[0]])
        let partly = S.lint([("sc.yaml", stream)], baseline: one)
        #expect(partly.findings.count == 1 && partly.baselinedCount == 1)

        // A third copy is new.
        let three = S.lint([("sc.yaml", stream + "---\n" + S.rc205 + "\n")], baseline: both)
        #expect(three.findings.count == 1)
    }

    @Test func keyIsRuleFilePointerAndIdentity() throws {
        let f = try #require(S.lint([("./a/./sc.yaml", S.rc205)]).findings.first)
        let key = Baseline.Key(f)
        #expect(key == Baseline.Key(ruleId: "RC205", file: "a/sc.yaml",
                                    pointer: "/AuthorizationConfiguration/IAMConfiguration/EnableApplicationScopedIAMRole",
                                    identity: "false"))
        // The same problem in another file is another finding.
        let other = S.lint([("b/sc.yaml", S.rc205)])
        #expect(other.findings.map(Baseline.Key.init) != [key])
        #expect(!S.lint([("b/sc.yaml", S.rc205)], baseline: Baseline(findings: [f])).findings.isEmpty)
        #expect(S.lint([("a/sc.yaml", S.rc205)], baseline: Baseline(findings: [f])).findings.isEmpty)
    }

    @Test func fileFormatIsDeterministicAndDocumented() throws {
        let report = S.lint(Self.files())
        let a = Baseline(findings: report.findings).render()
        let b = Baseline(findings: report.findings.reversed()).render()
        #expect(a == b)
        let root = try ReportingTests.Helpers.parseJSON(a)
        #expect(ReportingTests.Helpers.keys(root) == ["schema", "version", "findings"])
        #expect(root["schema"]?.string == "rolecheck-baseline")
        #expect(ReportingTests.Helpers.int(root["version"]) == 1)
        let entries = try #require(root["findings"]).elements
        for e in entries {
            #expect(ReportingTests.Helpers.keys(e) == ["ruleId", "file", "pointer", "identity", "count", "message"])
        }
        let files = entries.compactMap { $0["file"]?.string }
        #expect(files == files.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        #expect(files.contains("infra/sc.yaml"))   // no leading ./
        #expect(a.hasSuffix("}\n"))
        let empty = Baseline(findings: []).render()
        #expect(empty == "{\n  \"schema\": \"rolecheck-baseline\",\n  \"version\": 1,\n  \"findings\": []\n}\n")
        // A finding in a file that does not parse has no pointer: null in the file.
        let broken = Baseline(findings: S.lint([("x.json", "{")]).findings).render()
        #expect(broken.contains("\"pointer\": null"))
        #expect(try Baseline.parse(path: "b.json", bytes: Array(broken.utf8)).get().entries.first?.key.pointer == nil)
    }

    @Test(arguments: [
        ("{", "b.json:1:2: not a rolecheck baseline: invalid JSON"),
        ("[]", "b.json:1:1: not a rolecheck baseline (expected \"schema\": \"rolecheck-baseline\"; write one with --write-baseline)"),
        ("{\"schema\": \"rolecheck-baseline\", \"version\": 2, \"findings\": []}", "b.json:1:45: baseline format version 2 is not supported"),
        ("{\"schema\": \"rolecheck-baseline\", \"version\": 1}", "b.json:1:1: \"findings\" must be an array"),
        ("{\"schema\": \"rolecheck-baseline\", \"version\": 1, \"findings\": [{\"ruleId\": \"RC205\", \"file\": \"a\", \"pointer\": \"\", \"identity\": \"x\", \"count\": 0}]}",
         "b.json:1:135: \"count\" must be a whole number of at least 1"),
        ("{\"schema\": \"rolecheck-baseline\", \"version\": 1, \"findings\": [{\"ruleId\": \"RC205\", \"file\": \"a\", \"identity\": \"x\", \"count\": 1}]}",
         "b.json:1:61: \"pointer\" must be a string or null"),
    ])
    func invalidFilesAreRejectedWithAPosition(_ text: String, _ message: String) {
        guard case .failure(let e) = Baseline.parse(path: "b.json", bytes: Array(text.utf8)) else {
            Issue.record("accepted: \(text)")
            return
        }
        #expect(e.message.hasPrefix(message), "\(e.message)")
    }

    @Test func missingFileIsAnError() {
        guard case .failure(let e) = Baseline.load(path: "/nonexistent/rolecheck-baseline.json") else {
            Issue.record("a missing baseline was accepted")
            return
        }
        #expect(e.message.hasPrefix("/nonexistent/rolecheck-baseline.json: cannot read the baseline"))
        #expect(e.message.hasSuffix("(write one with --write-baseline)"))
    }

    @Test func suppressionsComeBeforeTheBaseline() throws {
        let yaml = S.rc205 + "  # rolecheck:ignore RC205 -- legacy\n"
        let first = S.lint([("sc.yaml", S.rc205)])
        let report = S.lint([("sc.yaml", yaml)], baseline: Baseline(findings: first.findings))
        #expect(report.findings.isEmpty)
        #expect(report.suppressed.map(\.suppression.source) == [.comment])
    }

    @Test func configuredBaselinePathIsRelativeToTheConfiguration() throws {
        #expect(try S.config("baseline: .rolecheck/baseline.json\n", path: "repo/rolecheck.yaml").baselinePath == "repo/.rolecheck/baseline.json")
        #expect(try S.config("baseline: baseline.json\n").baselinePath == "baseline.json")
        #expect(try S.config("baseline: /abs/b.json\n", path: "repo/rolecheck.yaml").baselinePath == "/abs/b.json")
    }
}

/// The command line: --write-baseline, --baseline, the configuration's baseline and fail-on.
@Suite(.serialized) struct BaselineCommandLineTests {
    typealias S = FilterSupport

    struct Run {
        var status: Int32
        var output: String
    }

    func run(_ args: [String]) throws -> Run {
        let out = S.temporaryFolder()
        defer { S.removeTree(out) }
        let r = try #require(ReportingTests.Helpers.run([CLITests.binary] + args, outputPath: out + "/output.txt"))
        return Run(status: r.status, output: r.output)
    }

    @Test func writeThenUseABaseline() throws {
        let dir = S.temporaryFolder()
        defer { S.removeTree(dir) }
        S.write(dir + "/setup/sc.yaml", S.rc205)
        let baseline = dir + "/baseline.json"

        let write = try run(["lint", dir + "/setup", "--write-baseline", baseline])
        #expect(write.status == 0, "\(write.output)")
        #expect(write.output.contains("no findings in 1 file (1 document); 1 baselined"), "\(write.output)")
        let written = try #require(TestSupport.readFile(baseline))
        #expect(try Baseline.parse(path: baseline, bytes: written).get().total == 1)

        S.write(dir + "/setup/sc.yaml", "\n\n" + S.rc205)
        let again = try run(["lint", dir + "/setup", "--baseline", baseline])
        #expect(again.status == 0, "\(again.output)")

        S.write(dir + "/setup/sc2.json", S.rc205JSON)
        let new = try run(["lint", dir + "/setup", "--baseline", baseline, "--format", "json"])
        #expect(new.status == 1)
        #expect(new.output.contains("\"baselined\": 1"))

        let missing = try run(["lint", dir + "/setup", "--baseline", dir + "/nope.json"])
        #expect(missing.status == 2)
        #expect(missing.output.contains("rolecheck: error: \(dir)/nope.json: cannot read the baseline"), "\(missing.output)")

        let unwritable = try run(["lint", dir + "/setup", "--write-baseline", dir + "/no/such/folder/b.json"])
        #expect(unwritable.status == 2)
        #expect(unwritable.output.contains("cannot write --write-baseline \(dir)/no/such/folder/b.json"), "\(unwritable.output)")
    }

    @Test func configurationBaselineFailOnAndFilters() throws {
        let dir = S.temporaryFolder()
        defer { S.removeTree(dir) }
        S.write(dir + "/setup/sc.yaml", S.rc205)
        S.write(dir + "/setup/vendor/sc.json", S.rc205JSON)
        S.write(dir + "/setup/rolecheck.yaml", """
        rules: {RC205: warning}
        fail-on: warning
        exclude: [vendor]
        """)
        let warned = try run(["lint", dir + "/setup"])
        #expect(warned.status == 1, "\(warned.output)")
        #expect(warned.output.contains("warning[RC205]") && !warned.output.contains("vendor"), "\(warned.output)")
        // --fail-on wins over the configuration.
        #expect(try run(["lint", dir + "/setup", "--fail-on", "error"]).status == 0)
        // A file named explicitly is linted even when excluded.
        let explicit = try run(["lint", dir + "/setup/vendor/sc.json", "--config", dir + "/setup/rolecheck.yaml", "--fail-on", "never"])
        #expect(explicit.output.contains("vendor/sc.json:1:88: warning[RC205]"), "\(explicit.output)")

        // The configuration's baseline, relative to the configuration file.
        _ = try run(["lint", dir + "/setup", "--write-baseline", dir + "/setup/.baseline.json"])
        S.write(dir + "/setup/rolecheck.yaml", "rules: {RC205: warning}\nfail-on: warning\nexclude: [vendor]\nbaseline: .baseline.json\n")
        let clean = try run(["lint", dir + "/setup"])
        #expect(clean.status == 0, "\(clean.output)")
        #expect(clean.output.contains("1 baselined"))

        S.write(dir + "/setup/rolecheck.yaml", "rules: {RC999: warning}\n")
        let bad = try run(["lint", dir + "/setup"])
        #expect(bad.status == 2)
        #expect(bad.output.contains("rolecheck.yaml:1:9: unknown rule 'RC999' in rules"), "\(bad.output)")
    }
}
