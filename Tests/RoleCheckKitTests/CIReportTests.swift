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

// The CI report formats: GitLab Code Quality and JUnit XML (`swift test --filter ReportingTests`).

extension ReportingTests {
    /// A report with what the escaping and the fingerprints must survive: control characters and
    /// U+FFFF in a quoted key, the same finding twice, a suppressed finding and a clean file.
    enum CIFixtures {
        /// Keys holding NUL, ESC, a form feed, U+FFFF, a quote and `]]>`, each twice: RC002 quotes them.
        static let controlKeys = "{\"a\\u0000b\\u001b\\f\\uffff\\\"]]>\":1,\n \"a\\u0000b\\u001b\\f\\uffff\\\"]]>\":2}\n"
        static let clean = "AuthorizationConfiguration:\n  IAMConfiguration:\n    EnableApplicationScopedIAMRole: true\n"

        static func report() -> LintReport {
            TestSupport.lint([
                (Fixtures.securityConfigPath, Fixtures.securityConfig),
                ("control.json", controlKeys),
                ("clean.yaml", clean),
                ("./other/x.json", "{\"x\":1}"),
                ("/abs/path/p.yaml", "AuthorizationConfiguration:\n  IAMConfiguration:\n    EnableApplicationScopedIAMRole: \"true\"\n"),
                ("broken.json", "{\"a\": [1, 2,]}"),
            ])
        }

        /// Two findings with the same rule, file, pointer and offending value (a fingerprint
        /// shared), on different lines.
        static func twins() -> LintReport {
            let location = { (line: Int) in
                Location(file: "t.json", range: SourceRange(start: SourcePosition(line: line, column: 1, offset: 0),
                                                            end: SourcePosition(line: line, column: 2, offset: 1)),
                         pointer: "/a")
            }
            let findings = [3, 7].map {
                Finding(ruleId: "RC002", severity: .error, message: "twin", location: location($0), identity: "same")
            }
            return LintReport(findings: findings, files: [], documentCount: 1, recognizedDocumentCount: 0)
        }
    }

    /// Runs a Python script with arguments; nil output and a note (a failure under CI=true) when
    /// python3 or the module the script needs is missing (the script exits 3 then).
    static func python(_ script: String, _ args: [String], sourceLocation: SourceLocation = #_sourceLocation) -> (status: Int32, output: String)? {
        var template = Array("/tmp/rolecheck-cireport-XXXXXX".utf8CString)
        guard let dirPointer = mkdtemp(&template) else { Issue.record("mkdtemp failed"); return nil }
        let dir = String(cString: dirPointer)
        let outPath = dir + "/output.txt"
        defer { unlink(outPath); rmdir(dir) }
        let result = Helpers.run(["python3", "-c", script] + args, outputPath: outPath)
        guard let result, result.status != 3, result.status != 127 else {
            let why = result?.output ?? "python3 could not be started"
            if TestSupport.isCI {
                Issue.record("the Python check is required under CI=true: \(why)", sourceLocation: sourceLocation)
            } else {
                print("note: skipping a Python check: \(why)")
            }
            return nil
        }
        return result
    }

    // MARK: - GitLab Code Quality

    @Suite struct GitLabReporterTests {
        let schema = TestSupport.packageRoot + "/docs/schemas/gitlab-code-quality.schema.json"

        @Test func validatesAgainstTheSchemaWithUniqueFingerprints() throws {
            let setup = Linter().lint(files: (try? OrderIndependenceTests.files(of: "samples/setups/broken/missing-tag-session")) ?? [])
            #expect(setup.findings.contains { !$0.related.isEmpty })
            let reports = [CIFixtures.report(), CIFixtures.twins(), setup,
                           LintReport(findings: [], files: [], documentCount: 0, recognizedDocumentCount: 0)]
            let documents = reports.map { GitLabReporter(root: "/abs").render($0) }
            Helpers.expectValid(documents: documents, schemaPath: schema)
            for (report, document) in zip(reports, documents) {
                let issues = try Helpers.parseJSON(document)
                #expect(issues.kind == .array && issues.count == report.findings.count)
                let fingerprints = (0..<issues.count).compactMap { issues[$0]?["fingerprint"]?.string }
                #expect(fingerprints.count == report.findings.count)
                #expect(Set(fingerprints).count == fingerprints.count, "GitLab keeps one issue per fingerprint")
            }
        }

        /// The harness itself: a severity GitLab does not know fails validation.
        @Test func schemaValidationRejectsAnUnknownSeverity() {
            let bad = GitLabReporter().render(Fixtures.small()).replacing("\"critical\"", with: "\"error\"")
            switch Helpers.validate(bad, schemaPath: schema) {
            case .valid: Issue.record("severity \"error\" passed validation")
            case .invalid(let output): #expect(output.contains("/0/severity"), "\(output)")
            case .unavailable(let why): if TestSupport.isCI { Issue.record("schema validation is required under CI=true: \(why)") }
            }
        }

        @Test func fieldsSeveritiesAndPaths() throws {
            let report = CIFixtures.report()
            let issues = try Helpers.parseJSON(GitLabReporter(root: "/abs/").render(report))
            #expect(Helpers.keys(issues[0]) == ["type", "check_name", "description", "categories", "severity", "fingerprint", "location"])
            var byRule: [String: [Node]] = [:]
            for i in 0..<issues.count { byRule[issues[i]?["check_name"]?.string ?? "", default: []].append(issues[i]!) }
            for (i, f) in report.findings.enumerated() {
                let issue = try #require(issues[i])
                #expect(issue["check_name"]?.string == f.ruleId)
                #expect(issue["description"]?.string == f.message)
                #expect(issue["severity"]?.string == ["error": "critical", "warning": "major", "note": "info"][f.severity.rawValue])
                #expect(Helpers.int(issue["location"]?["lines"]?["begin"]) == max(1, f.location.range.start.line))
            }
            // RC205 false: an error; the quoted "true": a warning; relative paths.
            let rc205 = try #require(byRule["RC205"])
            // Report order: `/abs/…` sorts first.
            #expect(rc205.map { $0["location"]?["path"]?.string } == ["path/p.yaml", "dir/sec conf é.json"])
            #expect(rc205.map { $0["severity"]?.string } == ["major", "critical"])
            // Security rules are the Security category, the others Bug Risk.
            let policy = TestSupport.lint([("p.json", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sts:AssumeRole\"}]}")])
            let categories = try Helpers.parseJSON(GitLabReporter().render(policy))
            #expect(policy.findings.contains { RuleCatalog.description(for: $0.ruleId)?.isSecurity == true })
            for (findings, nodes) in [(policy.findings, categories), (report.findings, issues)] {
                for (i, f) in findings.enumerated() {
                    let security = RuleCatalog.description(for: f.ruleId)?.isSecurity == true
                    #expect(nodes[i]?["categories"]?[0]?.string == (security ? "Security" : "Bug Risk"))
                }
            }
            // `./other/x.json` loses its `./`; an absolute path outside the root is kept.
            let paths = Set((0..<issues.count).compactMap { issues[$0]?["location"]?["path"]?.string })
            #expect(paths.contains("other/x.json"))
            let outside = try Helpers.parseJSON(GitLabReporter(root: "/elsewhere").render(report))
            #expect((0..<outside.count).contains { outside[$0]?["location"]?["path"]?.string == "/abs/path/p.yaml" })
            // A finding without a line (an empty file's RC001, say) still gets line 1.
            let zero = SourcePosition(line: 0, column: 0, offset: 0)
            #expect(JSONWriter(pretty: false).document(GitLabReporter().location("f", SourceRange(start: zero, end: zero)))
                == "{\"path\":\"f\",\"lines\":{\"begin\":1,\"end\":1}}\n")
        }

        @Test func relatedLocationsAreOtherLocations() throws {
            let report = TestSupport.lint([(Fixtures.duplicatePath, Fixtures.duplicate)])
            let rc002 = try #require(report.findings.firstIndex { $0.ruleId == "RC002" })
            let issues = try Helpers.parseJSON(GitLabReporter().render(report))
            let other = try #require(issues[rc002]?["other_locations"])
            #expect(other.count == 1)
            #expect(other[0]?["path"]?.string == "dup.json")
            #expect(Helpers.int(other[0]?["lines"]?["begin"]) == 1)
        }

        /// The fingerprint is the JSON report's, it does not change when lines move, and it does not
        /// depend on how the path was named (relative, `./`, or absolute below the root).
        @Test func fingerprintsAreStableAndShared() throws {
            let before = TestSupport.lint([("s.json", Fixtures.rc205False)])
            let moved = TestSupport.lint([("./s.json", "\n\n\n" + Fixtures.rc205False.replacing(":{", with: ":\n  {"))])
            let absolute = TestSupport.lint([("/repo/s.json", Fixtures.rc205False)])
            func prints(_ r: LintReport, root: String? = nil) throws -> [String] {
                let issues = try Helpers.parseJSON(GitLabReporter(root: root).render(r))
                return (0..<issues.count).compactMap { issues[$0]?["fingerprint"]?.string }
            }
            #expect(before.findings.map(\.location.range.start.line) != moved.findings.map(\.location.range.start.line))
            #expect(try prints(before) == before.findings.map(\.fingerprint))
            #expect(try prints(moved) == prints(before))
            #expect(try prints(absolute, root: "/repo") == prints(before))
            #expect(try prints(absolute, root: "/repo") != prints(absolute, root: "/other"))
        }

        @Test func sharedFingerprintsGetASuffix() throws {
            let issues = try Helpers.parseJSON(GitLabReporter().render(CIFixtures.twins()))
            let base = CIFixtures.twins().findings[0].fingerprint
            #expect(issues[0]?["fingerprint"]?.string == base)
            #expect(issues[1]?["fingerprint"]?.string == base + "-2")
        }

        @Test func suppressedFindingsAreLeftOut() throws {
            var report = CIFixtures.report()
            let all = report.findings.count
            report.applyBaseline(Baseline(findings: Array(report.findings.prefix(2))))
            #expect(report.suppressed.count == 2)
            let issues = try Helpers.parseJSON(GitLabReporter().render(report))
            #expect(issues.count == all - 2)
            #expect(GitLabReporter().render(LintReport(findings: [], files: [], documentCount: 0, recognizedDocumentCount: 0)) == "[]\n")
        }

        @Test func outputIsDeterministic() {
            #expect(GitLabReporter(root: "/abs").render(CIFixtures.report()) == GitLabReporter(root: "/abs").render(CIFixtures.report()))
        }
    }

    // MARK: - JUnit XML

    @Suite struct JUnitReporterTests {
        /// Reads a JUnit file with PyPI's junitparser (a real consumer) after a strict XML 1.0 parse
        /// (expat, which refuses the characters XML cannot hold), checks what Jenkins' JUnit schema
        /// requires (suite name, tests, failures, errors; case name), and prints what it read.
        static let reader = """
        import json, sys
        try:
            from junitparser import JUnitXml
        except ImportError:
            print("the python module junitparser is not installed")
            sys.exit(3)
        import xml.etree.ElementTree as ET
        root = ET.parse(sys.argv[1]).getroot()
        assert root.tag == "testsuites", root.tag
        for s in root:
            assert s.tag == "testsuite", s.tag
            for a in ("name", "tests", "failures", "errors"):
                assert s.get(a) is not None, (s.get("name"), a)
            for c in s:
                assert c.tag == "testcase" and c.get("name"), c.tag
                assert len(c) <= 1 and all(e.tag in ("failure", "skipped", "system-out") for e in c), [e.tag for e in c]
        xml = JUnitXml.fromfile(sys.argv[1])
        out = {"tests": xml.tests, "failures": xml.failures, "errors": xml.errors, "skipped": xml.skipped, "suites": []}
        for suite in xml:
            cases = []
            for case in suite:
                r = case.result
                cases.append({"name": case.name, "classname": case.classname,
                              "result": type(r[0]).__name__.lower() if r else "passed",
                              "message": r[0].message if r else None, "type": r[0].type if r else None,
                              "text": r[0].text if r else None, "out": case.system_out})
            out["suites"].append({"name": suite.name, "tests": suite.tests, "failures": suite.failures,
                                  "errors": suite.errors, "skipped": suite.skipped, "counted": len(cases), "cases": cases})
        print(json.dumps(out))
        """

        struct Read {
            var root: Node
            var suites: [Node] { (0..<(root["suites"]?.count ?? 0)).compactMap { root["suites"]?[$0] } }
            func suite(_ name: String) -> Node? { suites.first { $0["name"]?.string == name } }
            static func cases(_ suite: Node?) -> [Node] { (0..<(suite?["cases"]?.count ?? 0)).compactMap { suite?["cases"]?[$0] } }
        }

        /// What junitparser reads from the report; nil when it is not installed (outside CI).
        func read(_ xml: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Read? {
            let path = "/tmp/rolecheck-junit-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).xml"
            #expect(Helpers.writeFile(path, xml))
            defer { unlink(path) }
            guard let (status, output) = ReportingTests.python(Self.reader, [path], sourceLocation: sourceLocation) else { return nil }
            guard status == 0 else {
                Issue.record("junitparser could not read the report (\(status)):\n\(output)", sourceLocation: sourceLocation)
                return nil
            }
            return Read(root: try Helpers.parseJSON(output))
        }

        @Test func aRealConsumerReadsEveryFindingBack() throws {
            let report = CIFixtures.report()
            let xml = JUnitReporter(failureThreshold: .error, root: "/abs").render(report)
            guard let read = try read(xml) else { return }
            // One suite per file, in path order; counts that add up.
            #expect(read.suites.map { $0["name"]?.string ?? "" } == ["broken.json", "clean.yaml", "control.json", "dir/sec conf é.json", "other/x.json", "path/p.yaml"])
            for s in read.suites {
                #expect(Helpers.int(s["tests"]) == Helpers.int(s["counted"]))
                #expect(Helpers.int(s["errors"]) == 0)
            }
            let errors = report.count(.error)
            #expect(Helpers.int(read.root["tests"]) == report.findings.count + 1)   // + clean.yaml's passing case
            #expect(Helpers.int(read.root["failures"]) == errors)
            #expect(Helpers.int(read.root["skipped"]) == 0)
            // The clean file passes; the broken one fails with its parse error.
            #expect(Read.cases(read.suite("clean.yaml")).map { $0["name"]?.string } == ["no findings"])
            #expect(Read.cases(read.suite("clean.yaml")).map { $0["result"]?.string } == ["passed"])
            let broken = Read.cases(read.suite("broken.json"))
            #expect(broken.map { $0["name"]?.string } == ["RC001 at line 1, column 13"])
            #expect(broken.map { $0["result"]?.string } == ["failure"])
            // Messages come back exactly, but for the characters XML cannot hold.
            let control = Read.cases(read.suite("control.json"))
            let rc002 = try #require(report.findings.first { $0.ruleId == "RC002" && $0.location.file == "control.json" })
            let failure = try #require(control.first { $0["name"]?.string?.hasPrefix("RC002 at /") == true })
            #expect(failure["result"]?.string == "failure")
            #expect(failure["type"]?.string == "error")
            #expect(failure["classname"]?.string == "control.json")
            let expected = rc002.message.replacing("\u{0}", with: "\\u{0}").replacing("\u{1B}", with: "\\u{1B}")
                .replacing("\u{C}", with: "\\u{C}").replacing("\u{FFFF}", with: "\\u{FFFF}")
            #expect(rc002.message.contains("\u{1B}") && rc002.message.contains("]]>"))
            #expect(failure["message"]?.string == expected)
            let text = try #require(failure["text"]?.string)
            #expect(text.hasPrefix("control.json:2:2: error[RC002]: " + expected + "\n  control.json:1:2: note: "), "\(text)")
            #expect(text.contains("docs/rules/RC002.md"))
            // The warning (a quoted "true") is below the threshold: it passes, with its text.
            let warning = try #require(Read.cases(read.suite("path/p.yaml")).first)
            #expect(warning["result"]?.string == "passed")
            #expect(warning["out"]?.string?.hasPrefix("path/p.yaml:3:37: warning[RC205]: ") == true)
        }

        @Test func theThresholdDecidesWhatFails() throws {
            let report = CIFixtures.report()
            func failures(_ threshold: Severity?) -> Int {
                let xml = JUnitReporter(failureThreshold: threshold).render(report)
                return xml.components(separatedBy: "<failure ").count - 1
            }
            #expect(failures(.error) == report.count(.error))
            #expect(failures(.warning) == report.count(.error) + report.count(.warning))
            #expect(failures(.note) == report.findings.count)
            #expect(failures(nil) == 0)
            guard let read = try read(JUnitReporter(failureThreshold: .warning).render(report)) else { return }
            #expect(Helpers.int(read.root["failures"]) == report.count(.error) + report.count(.warning))
        }

        @Test func suppressedFindingsAreSkipped() throws {
            var report = TestSupport.lint([("s.yaml", "AuthorizationConfiguration:\n  IAMConfiguration:\n"
                + "    # rolecheck:ignore RC205 -- rolled out next quarter\n    EnableApplicationScopedIAMRole: false\n"),
                                           ("b.json", Fixtures.rc205False)])
            report.applyBaseline(Baseline(findings: report.findings.filter { $0.location.file == "b.json" }))
            #expect(report.suppressed.count == 2)
            guard let read = try read(JUnitReporter().render(report)) else { return }
            #expect(Helpers.int(read.root["skipped"]) == 2)
            #expect(Helpers.int(read.root["failures"]) == report.count(.error))
            let reasons = read.suites.flatMap(Read.cases).filter { $0["result"]?.string == "skipped" }.map { $0["message"]?.string ?? "" }
            #expect(reasons.sorted() == ["accepted in the baseline", "suppressed by a comment: rolled out next quarter"])
        }

        @Test func caseNamesAreUniqueAndFollowTheFinding() throws {
            let xml = JUnitReporter().render(CIFixtures.twins())
            #expect(xml.contains("<testcase name=\"RC002 at /a\" classname=\"t.json\">"))
            #expect(xml.contains("<testcase name=\"RC002 at /a (2)\" classname=\"t.json\">"))
            // The name holds the pointer, not the line.
            let moved = TestSupport.lint([("s.json", "\n\n" + Fixtures.rc205False)])
            let before = TestSupport.lint([("s.json", Fixtures.rc205False)])
            #expect(JUnitReporter.caseName(moved.findings[0]) == JUnitReporter.caseName(before.findings[0]))
            #expect(JUnitReporter.caseName(before.findings[0]) == "RC205 at /AuthorizationConfiguration/IAMConfiguration/EnableApplicationScopedIAMRole")
            // A later document of a YAML stream says which.
            let stream = TestSupport.lint([("m.yaml", "x: 1\n---\n" + CIFixtures.clean.replacing("true", with: "false"))])
            let rc205 = try #require(stream.findings.first { $0.ruleId == "RC205" })
            #expect(JUnitReporter.caseName(rc205).hasSuffix(" in document 2"))
        }

        @Test func xmlEscaping() {
            #expect(XMLText.text("a<b>&c]]>\r\n\t") == "a&lt;b&gt;&amp;c]]&gt;&#13;\n\t")
            #expect(XMLText.attribute("\"q\"\n\t\r") == "&quot;q&quot;&#10;&#9;&#13;")
            #expect(XMLText.text("\u{0}\u{8}\u{B}\u{1F}\u{FFFE}\u{FFFF}") == "\\u{0}\\u{8}\\u{B}\\u{1F}\\u{FFFE}\\u{FFFF}")
            // Allowed beyond ASCII: C1 controls, private use, astral characters.
            #expect(XMLText.text("\u{85}\u{E000}\u{1F600}é") == "\u{85}\u{E000}\u{1F600}é")
        }

        @Test func emptyRunAndDeterminism() throws {
            let empty = JUnitReporter().render(LintReport(findings: [], files: [], documentCount: 0, recognizedDocumentCount: 0))
            #expect(empty == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"rolecheck\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\">\n</testsuites>\n")
            #expect(JUnitReporter().render(CIFixtures.report()) == JUnitReporter().render(CIFixtures.report()))
            guard let read = try read(empty) else { return }
            #expect(read.suites.isEmpty)
        }
    }
}

extension Node {
    /// The `i`th element of an array; nil past its end or for anything else.
    subscript(i: Int) -> Node? {
        let e = elements
        return e.indices.contains(i) ? e[i] : nil
    }
}
