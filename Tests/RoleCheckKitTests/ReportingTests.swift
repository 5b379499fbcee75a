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

/// The reporters: text, JSON, SARIF, GitHub, GitLab, JUnit (`swift test --filter ReportingTests`).
@Suite struct ReportingTests {}

// MARK: - Fixtures and helpers

extension ReportingTests {
    /// Inputs that exercise every reporter: a path with a space and a non-ASCII character, a tab
    /// before the reported value, a key holding a newline (the message quotes it), a broken file
    /// (a finding without a pointer) and an unrecognised document.
    enum Fixtures {
        static let securityConfigPath = "dir/sec conf é.json"
        static let securityConfig = "{\"AuthorizationConfiguration\":{\"IAMConfiguration\":{\n\t\"EnableApplicationScopedIAMRole\":false}}}\n"
        static let duplicatePath = "dup.json"
        /// The key `a\nb` (with an escaped newline) twice: RC002 with a related location, and RC003.
        static let duplicate = "{\"a\\nb\":1,\n \"a\\nb\":2}"
        static let rc205False = "{\"AuthorizationConfiguration\":{\"IAMConfiguration\":{\"EnableApplicationScopedIAMRole\":false}}}"
        static let rc205True = "{\"AuthorizationConfiguration\":{\"IAMConfiguration\":{\"EnableApplicationScopedIAMRole\":true}}}"

        static func small() -> LintReport {
            TestSupport.lint([(securityConfigPath, securityConfig), (duplicatePath, duplicate)])
        }

        static func full() -> LintReport {
            TestSupport.lint([
                (securityConfigPath, securityConfig),
                (duplicatePath, duplicate),
                ("broken.json", "{\"a\": [1, 2,]}"),
                ("empty.json", ""),
                ("./other/x.json", "{\"x\":1}"),
                ("/abs/path/p.yaml", "AuthorizationConfiguration:\n  IAMConfiguration:\n    EnableApplicationScopedIAMRole: \"true\"\n"),
            ])
        }
    }
}

extension ReportingTests {
    enum Helpers {
        static func parseJSON(_ text: String) throws -> Node {
            try JSONParser.parse(file: SourceFile(path: "output.json", text: text)).get().root
        }

        static func keys(_ node: Node?) -> [String] {
            node?.members.compactMap { $0.key.string } ?? []
        }

        static func int(_ node: Node?) -> Int? {
            node?.number.map { Int($0) }
        }

        /// Removes ANSI SGR sequences (`ESC [ … m`).
        static func stripANSI(_ s: String) -> String {
            var out = ""
            var inEscape = false
            for u in s.unicodeScalars {
                if inEscape {
                    if u == "m" { inEscape = false }
                } else if u == "\u{1B}" {
                    inEscape = true
                } else {
                    out.unicodeScalars.append(u)
                }
            }
            return out
        }

        /// The runner's unescaping (actions/runner ActionCommand.cs): sequential replacements.
        static func runnerUnescapeData(_ s: String) -> String {
            s.replacing("%0D", with: "\r").replacing("%0A", with: "\n").replacing("%25", with: "%")
        }

        static func runnerUnescapeProperty(_ s: String) -> String {
            s.replacing("%0D", with: "\r").replacing("%0A", with: "\n").replacing("%3A", with: ":")
                .replacing("%2C", with: ",").replacing("%25", with: "%")
        }

        // MARK: Schema validation with Python's jsonschema

        enum Validation {
            case valid
            case invalid(String)
            /// python3 or its jsonschema module is missing.
            case unavailable(String)
        }

        /// Validates `document` against the JSON Schema at `schemaPath` with the validator for the
        /// draft the schema declares, and also with `Draft7Validator` when `alsoDraft7`.
        static func validate(_ document: String, schemaPath: String, alsoDraft7: Bool = false) -> Validation {
            validate(documents: [document], schemaPath: schemaPath, alsoDraft7: alsoDraft7)
        }

        /// Validates every document in one Python process; errors name the document's index.
        static func validate(documents: [String], schemaPath: String, alsoDraft7: Bool = false) -> Validation {
            var template = Array("/tmp/rolecheck-reporting-XXXXXX".utf8CString)
            guard let dirPointer = mkdtemp(&template) else { return .invalid("mkdtemp failed") }
            let dir = String(cString: dirPointer)
            let docPaths = documents.indices.map { dir + "/document-\($0).json" }
            let outPath = dir + "/output.txt"
            defer {
                docPaths.forEach { unlink($0) }
                unlink(outPath)
                rmdir(dir)
            }
            for (path, document) in zip(docPaths, documents) {
                guard writeFile(path, document) else { return .invalid("cannot write \(path)") }
            }
            let script = """
            import json, sys
            try:
                import jsonschema
            except ImportError:
                print("the python module jsonschema is not installed")
                sys.exit(3)
            schema = json.load(open(sys.argv[1], encoding="utf-8"))
            classes = [jsonschema.validators.validator_for(schema)]
            if sys.argv[2] == "draft7" and jsonschema.Draft7Validator not in classes:
                classes.append(jsonschema.Draft7Validator)
            errors = []
            for cls in classes:
                cls.check_schema(schema)
                validator = cls(schema)
                for index, path in enumerate(sys.argv[3:]):
                    doc = json.load(open(path, encoding="utf-8"))
                    for e in validator.iter_errors(doc):
                        where = "/".join(str(p) for p in e.absolute_path)
                        errors.append(f"document {index}: {cls.__name__}: /{where}: {e.message[:300]}")
            print("validated with " + ", ".join(c.__name__ for c in classes))
            print("\\n".join(errors[:30]))
            sys.exit(1 if errors else 0)
            """
            guard let (status, output) = run(["python3", "-c", script, schemaPath, alsoDraft7 ? "draft7" : "-"] + docPaths,
                                             outputPath: outPath) else {
                return .unavailable("python3 could not be started")
            }
            switch status {
            case 0: return .valid
            case 3, 127: return .unavailable(output)
            default: return .invalid(output)
            }
        }

        /// Records the outcome: a failure when invalid; when the validator is unavailable, a note
        /// (or a failure under CI=true).
        static func expectValid(_ document: String, schemaPath: String, alsoDraft7: Bool = false,
                                sourceLocation: SourceLocation = #_sourceLocation) {
            expectValid(documents: [document], schemaPath: schemaPath, alsoDraft7: alsoDraft7, sourceLocation: sourceLocation)
        }

        static func expectValid(documents: [String], schemaPath: String, alsoDraft7: Bool = false,
                                sourceLocation: SourceLocation = #_sourceLocation) {
            switch validate(documents: documents, schemaPath: schemaPath, alsoDraft7: alsoDraft7) {
            case .valid: break
            case .invalid(let message):
                Issue.record("schema validation against \(schemaPath) failed:\n\(message)", sourceLocation: sourceLocation)
            case .unavailable(let why):
                if TestSupport.isCI {
                    Issue.record("schema validation is required under CI=true: \(why)", sourceLocation: sourceLocation)
                } else {
                    print("note: skipping schema validation against \(schemaPath): \(why)")
                }
            }
        }

        static func writeFile(_ path: String, _ text: String) -> Bool {
            guard let f = fopen(path, "wb") else { return false }
            defer { fclose(f) }
            let bytes = Array(text.utf8)
            return fwrite(bytes, 1, bytes.count, f) == bytes.count
        }

        /// Runs a program found in PATH with stdout and stderr sent to `outputPath`; nil when it
        /// cannot be started.
        static func run(_ argv: [String], outputPath: String) -> (status: Int32, output: String)? {
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
            let cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
            defer { for p in cArgs { free(p) } }
            var pid: pid_t = 0
            guard posix_spawnp(&pid, argv[0], &actions, nil, cArgs, environ) == 0 else { return nil }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            let output = TestSupport.readFile(outputPath).map { String(decoding: $0, as: UTF8.self) } ?? ""
            // WIFEXITED / WEXITSTATUS
            let exited = status & 0x7F == 0
            return (exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F), output)
        }
    }
}

// MARK: - JSON writer

extension ReportingTests {
    @Suite struct JSONWriterTests {
        @Test func escapesStringsAndPrettyPrints() throws {
            let tricky = "q\"b\\\n\t\u{01}\u{1F}\u{7F}é😀/"
            let value = JSONValue.object([
                ("s", .string(tricky)),
                ("i", .int(-3)),
                ("d", .double(8.0)),
                ("nan", .double(.nan)),
                ("none", .nullable(nil)),
                ("e", .array([])),
                ("o", .object([])),
                ("a", .array([.bool(true), .bool(false), .null])),
            ])
            let text = JSONWriter().document(value)
            #expect(text == """
            {
              "s": "q\\"b\\\\\\n\\t\\u0001\\u001f\u{7F}é😀/",
              "i": -3,
              "d": 8.0,
              "nan": null,
              "none": null,
              "e": [],
              "o": {},
              "a": [
                true,
                false,
                null
              ]
            }

            """)
            let root = try Helpers.parseJSON(text)
            #expect(root["s"]?.string == tricky)
            #expect(Helpers.keys(root) == ["s", "i", "d", "nan", "none", "e", "o", "a"])
            #expect(JSONWriter(pretty: false).string(.object([("a", .array([.int(1), .string("\u{08}\u{0C}\r")]))]))
                    == "{\"a\":[1,\"\\b\\f\\r\"]}")
        }
    }
}

// MARK: - Text

extension ReportingTests {
    @Suite struct TextReporterTests {
        @Test func exactOutputWithoutColour() throws {
            let report = Fixtures.small()
            #expect(report.findings.map(\.ruleId) == ["RC205", "RC003", "RC002"])
            func message(_ id: String) -> String {
                report.findings.first { $0.ruleId == id }!.message.replacing("\n", with: "\\n")
            }
            let rc002 = try #require(report.findings.first { $0.ruleId == "RC002" })
            let related = try #require(rc002.related.first)
            let expected = """
            dir/sec conf é.json:2:35: error[RC205]: \(message("RC205"))
            \t"EnableApplicationScopedIAMRole":false}}}
            \t                                 ^~~~~
              fix: set EnableApplicationScopedIAMRole to the boolean true (rolecheck fix applies it)
            dup.json:1:1: note[RC003]: \(message("RC003"))
            {"a\\nb":1,
            ^
            dup.json:2:2: error[RC002]: \(message("RC002"))
             "a\\nb":2}
             ^~~~~~
              dup.json:1:2: note: \(related.message.replacing("\n", with: "\\n"))
            2 errors, 0 warnings, 1 note in 2 files (2 documents)

            """
            let text = TextReporter(color: false).render(report)
            #expect(text == expected)
            #expect(!text.contains("\u{1B}"))
            // The key's newline is shown escaped: every finding stays on one line.
            #expect(rc002.message.contains("a\nb"))
        }

        @Test func colourAddsANSICodesOnly() {
            let report = Fixtures.small()
            let plain = TextReporter(color: false).render(report)
            let coloured = TextReporter(color: true).render(report)
            #expect(coloured.contains("\u{1B}[1;31merror\u{1B}[0m"))
            #expect(coloured.contains("\u{1B}[1;36mnote\u{1B}[0m"))
            #expect(coloured != plain)
            #expect(Helpers.stripANSI(coloured) == plain)
        }

        @Test func quietIsOneLinePerFinding() {
            let report = Fixtures.small()
            let quiet = TextReporter(color: false).renderQuiet(report)
            let lines = quiet.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == report.findings.count + 1)
            #expect(lines.first?.hasPrefix("dir/sec conf é.json:2:35: error[RC205]: ") == true)
            #expect(lines.last == "")
            #expect(TextReporter(color: false).renderQuiet(TestSupport.lint([("ok.json", Fixtures.rc205True)])) == "")
        }

        @Test func summaryLineSingularAndPlural() {
            let clean = TestSupport.lint([("ok.json", Fixtures.rc205True)])
            #expect(TextReporter(color: false).render(clean) == "no findings in 1 file (1 document)\n")
            let none = LintReport(findings: [], files: [], documentCount: 0, recognizedDocumentCount: 0)
            #expect(TextReporter(color: false).render(none) == "no findings in 0 files (0 documents)\n")
            let one = TestSupport.lint([("a.json", Fixtures.rc205False), ("b.json", "{\"x\":1}")])
            #expect(TextReporter(color: false).render(one).hasSuffix("\n1 error, 0 warnings, 1 note in 2 files (2 documents)\n"))
        }

        /// A report of one finding at `range` in a file of `text`.
        func snippet(_ text: String, _ from: Int, _ to: Int, width: Int = 160) -> String {
            let file = SourceFile(path: "h.json", text: text)
            let finding = Finding(ruleId: "RC003", severity: .note, message: "m",
                                  location: Location(file: "h.json", range: file.range(from: from, to: to), pointer: ""))
            var reporter = TextReporter(color: false)
            reporter.maxSourceWidth = width
            return reporter.snippet(finding.location.range, in: file)
        }

        @Test func caretLineEdgeCases() {
            // A range over two lines is underlined to the end of the first.
            #expect(snippet("abc\ndef\n", 1, 6) == "abc\n ^~\n")
            // A zero-length range, and one just past the end of the line.
            #expect(snippet("abc\ndef\n", 1, 1) == "abc\n ^\n")
            #expect(snippet("abc\ndef\n", 3, 3) == "abc\n   ^\n")
            // Tabs are kept in the padding; non-ASCII characters count as one column.
            #expect(snippet("\té\tx\n", 4, 5) == "\té\tx\n\t \t^\n")
            // Control characters are not sent to the terminal; columns still line up.
            #expect(snippet("a\u{1B}[2Jb\n", 5, 6) == "a\u{FFFD}[2Jb\n     ^\n")
            // An empty line shows nothing.
            #expect(snippet("", 0, 0) == "")
        }

        @Test func longLinesAreWindowed() throws {
            let line = String(repeating: "x", count: 500) + "!" + String(repeating: "y", count: 500)
            let out = snippet(line, 500, 501, width: 80)
            let lines = out.split(separator: "\n").map(String.init)
            #expect(lines.count == 2)
            #expect(lines[0].unicodeScalars.count == 82)  // 80 and an ellipsis at each end
            #expect(lines[0].hasPrefix("…") && lines[0].hasSuffix("…"))
            let bang = try #require(lines[0].unicodeScalars.firstIndex(of: "!"))
            let caret = try #require(lines[1].unicodeScalars.firstIndex(of: "^"))
            #expect(lines[0].unicodeScalars.distance(from: lines[0].unicodeScalars.startIndex, to: bang)
                    == lines[1].unicodeScalars.distance(from: lines[1].unicodeScalars.startIndex, to: caret))
        }
    }
}

// MARK: - JSON

extension ReportingTests {
    @Suite struct JSONReporterTests {
        @Test func outputIsValidJSONWithTheDocumentedFields() throws {
            let report = Fixtures.full()
            let text = JSONReporter().render(report)
            #expect(text.hasSuffix("}\n"))
            let root = try Helpers.parseJSON(text)
            #expect(Helpers.keys(root) == ["schemaVersion", "tool", "findings", "summary"])
            #expect(Helpers.int(root["schemaVersion"]) == 1)
            #expect(root["tool"]?["name"]?.string == "rolecheck")
            #expect(root["tool"]?["version"]?.string == RoleCheck.version)

            let summary = try #require(root["summary"])
            #expect(Helpers.keys(summary) == ["files", "documents", "recognizedDocuments", "errors", "warnings", "notes", "total"])
            #expect(Helpers.int(summary["files"]) == 6)
            #expect(Helpers.int(summary["documents"]) == report.documentCount)
            #expect(Helpers.int(summary["recognizedDocuments"]) == report.recognizedDocumentCount)
            #expect(Helpers.int(summary["errors"]) == report.count(.error))
            #expect(Helpers.int(summary["warnings"]) == report.count(.warning))
            #expect(Helpers.int(summary["notes"]) == report.count(.note))
            #expect(Helpers.int(summary["total"]) == report.findings.count)

            let findings = try #require(root["findings"]).elements
            #expect(findings.count == report.findings.count)
            for (node, finding) in zip(findings, report.findings) {
                let keys = ["ruleId", "severity", "title", "message", "location", "relatedLocations", "fingerprint"]
                #expect(Helpers.keys(node) == keys + (finding.subjects.isEmpty ? [] : ["subjects"]) + (finding.fix == nil ? [] : ["fix"]))
                if let fix = finding.fix {
                    // The fix's edits as offsets, positions and replacement text.
                    let edits = try #require(node["fix"]?["edits"]).elements
                    #expect(node["fix"]?["description"]?.string == fix.description)
                    #expect(edits.map { Helpers.int($0["offset"]) } == fix.edits.map(\.start))
                    #expect(edits.map { Helpers.int($0["endOffset"]) } == fix.edits.map(\.end))
                    #expect(edits.map { $0["replacement"]?.string } == fix.edits.map(\.replacement))
                }
                #expect((node["subjects"]?.elements.count ?? 0) == finding.subjects.count)
                #expect(node["ruleId"]?.string == finding.ruleId)
                #expect(node["severity"]?.string == finding.severity.rawValue)
                #expect(node["title"]?.string == RuleCatalog.summary(for: finding.ruleId)?.title)
                #expect(node["message"]?.string == finding.message)
                #expect(node["fingerprint"]?.string == finding.fingerprint)
                let loc = try #require(node["location"])
                #expect(Helpers.keys(loc) == ["file", "line", "column", "endLine", "endColumn", "pointer", "documentIndex"])
                #expect(loc["file"]?.string == finding.location.file)
                #expect(Helpers.int(loc["line"]) == finding.location.range.start.line)
                #expect(Helpers.int(loc["column"]) == finding.location.range.start.column)
                #expect(Helpers.int(loc["endLine"]) == finding.location.range.end.line)
                #expect(Helpers.int(loc["endColumn"]) == finding.location.range.end.column)
                #expect(Helpers.int(loc["documentIndex"]) == finding.location.documentIndex)
                if let pointer = finding.location.pointer {
                    #expect(loc["pointer"]?.string == pointer)
                } else {
                    #expect(loc["pointer"]?.kind == .null)
                }
                let related = try #require(node["relatedLocations"]).elements
                #expect(related.count == finding.related.count)
                for (r, expected) in zip(related, finding.related) {
                    #expect(Helpers.keys(r) == ["message", "location"])
                    #expect(r["message"]?.string == expected.message)
                    #expect(r["location"]?["file"]?.string == expected.location.file)
                    #expect(Helpers.int(r["location"]?["line"]) == expected.location.range.start.line)
                }
            }
            // The awkward cases are present and survive the round trip.
            #expect(findings.contains { $0["location"]?["file"]?.string == "dir/sec conf é.json" })
            #expect(findings.contains { $0["ruleId"]?.string == "RC001" && $0["location"]?["pointer"]?.kind == .null })
            #expect(findings.contains { ($0["message"]?.string ?? "").contains("a\nb") })
            #expect(findings.contains { $0["relatedLocations"]?.count == 1 })
        }

        @Test func outputIsDeterministic() {
            let a = JSONReporter().render(Fixtures.full())
            let b = JSONReporter().render(Fixtures.full())
            #expect(a == b)
            let report = Fixtures.full()
            #expect(JSONReporter().render(report) == JSONReporter().render(report))
        }

        @Test func emptyReport() throws {
            let text = JSONReporter().render(LintReport(findings: [], files: [], documentCount: 0, recognizedDocumentCount: 0))
            let root = try Helpers.parseJSON(text)
            #expect(root["findings"]?.kind == .array && root["findings"]?.count == 0)
            #expect(Helpers.int(root["summary"]?["total"]) == 0)
        }

        @Test func outputValidatesAgainstThePublishedSchema() {
            let schema = TestSupport.packageRoot + "/docs/schemas/rolecheck-report-v1.schema.json"
            Helpers.expectValid(JSONReporter().render(Fixtures.full()), schemaPath: schema)
            Helpers.expectValid(JSONReporter().render(LintReport(findings: [], files: [], documentCount: 0,
                                                                          recognizedDocumentCount: 0)), schemaPath: schema)
            // A broken setup: findings with subjects (entities and hops).
            let files = (try? OrderIndependenceTests.files(of: "samples/setups/broken/missing-tag-session")) ?? []
            let report = Linter().lint(files: files)
            #expect(report.findings.contains { !$0.subjects.isEmpty })
            Helpers.expectValid(JSONReporter().render(report), schemaPath: schema)
        }
    }
}

// MARK: - SARIF

extension ReportingTests {
    @Suite struct SARIFReporterTests {
        var schemaPath: String? { TestSupport.sharedData("sarif").map { $0 + "/sarif-schema-2.1.0.json" } }

        @Test func validatesAgainstTheOfficialSchema() throws {
            guard let schemaPath else { return }
            let full = Fixtures.full()
            Helpers.expectValid(SARIFReporter().render(full), schemaPath: schemaPath, alsoDraft7: true)
            Helpers.expectValid(SARIFReporter(srcRoot: "/work/my repo/").render(full), schemaPath: schemaPath, alsoDraft7: true)
            Helpers.expectValid(SARIFReporter(maxResults: 2).render(full), schemaPath: schemaPath, alsoDraft7: true)
            let empty = LintReport(findings: [], files: [], documentCount: 0, recognizedDocumentCount: 0)
            Helpers.expectValid(SARIFReporter().render(empty), schemaPath: schemaPath, alsoDraft7: true)
        }

        /// The validation harness itself: a log with a column 0 must be rejected by both validators.
        @Test func schemaValidationRejectsAnInvalidLog() throws {
            guard let schemaPath else { return }
            var sarif = SARIFReporter().render(Fixtures.small())
            sarif = sarif.replacing("\"startColumn\": 35", with: "\"startColumn\": 0")
            switch Helpers.validate(sarif, schemaPath: schemaPath, alsoDraft7: true) {
            case .valid:
                Issue.record("a region with startColumn 0 passed validation")
            case .invalid(let output):
                #expect(output.contains("Draft4Validator: /runs/0/results/0/locations/0/physicalLocation/region/startColumn"))
                #expect(output.contains("Draft7Validator: /runs/0/results/0/locations/0/physicalLocation/region/startColumn"))
            case .unavailable(let why):
                if TestSupport.isCI { Issue.record("schema validation is required under CI=true: \(why)") }
            }
        }

        @Test func meetsGitHubCodeScanningRequirements() throws {
            let report = Fixtures.full()
            let root = try Helpers.parseJSON(SARIFReporter(srcRoot: "/work/repo/").render(report))
            #expect(Helpers.keys(root) == ["$schema", "version", "runs"])
            #expect(root["$schema"]?.string == "https://json.schemastore.org/sarif-2.1.0.json")
            #expect(root["version"]?.string == "2.1.0")
            let runs = try #require(root["runs"]).elements
            #expect(runs.count == 1)
            let run = try #require(runs.first)
            #expect(run["columnKind"]?.string == "unicodeCodePoints")
            #expect(run["originalUriBaseIds"]?["%SRCROOT%"]?["uri"]?.string == "file:///work/repo/")

            let driver = try #require(run["tool"]?["driver"])
            #expect(driver["name"]?.string == "rolecheck")
            #expect(driver["version"]?.string == RoleCheck.version)
            #expect(driver["semanticVersion"]?.string == RoleCheck.version)
            #expect(driver["informationUri"]?.string == RoleCheck.informationURI)
            let rules = try #require(driver["rules"]).elements
            let catalogue = RuleCatalog.all
            #expect(rules.compactMap { $0["id"]?.string } == catalogue.map(\.id))
            for (rule, d) in zip(rules, catalogue) {
                #expect(rule["name"]?.string == SARIFReporter.pascalCase(d.title))
                #expect(rule["name"]?.string?.contains(" ") == false)
                #expect(rule["shortDescription"]?["text"]?.string == d.title)
                #expect(rule["fullDescription"]?["text"]?.string?.isEmpty == false)
                #expect(rule["help"]?["text"]?.string?.isEmpty == false)
                #expect(rule["help"]?["markdown"]?.string?.contains("(\(d.helpURI))") == true)
                #expect(rule["helpUri"]?.string == d.helpURI)
                #expect(rule["defaultConfiguration"]?["level"]?.string == d.severity.rawValue)
                #expect(rule["properties"]?["tags"]?.elements.compactMap(\.string) == d.tags)
                #expect(rule["properties"]?["precision"]?.string != nil)
                let score = rule["properties"]?["security-severity"]
                if d.isSecurity {
                    let text = try #require(score?.string, "\(d.id) is tagged security but has no security-severity")
                    let value = try #require(Double(text))
                    #expect((0...10).contains(value))
                    #expect(text.split(separator: ".").last?.count == 1)
                } else {
                    #expect(score == nil)
                }
            }

            let results = try #require(run["results"]).elements
            #expect(results.count == report.findings.count)
            for (result, finding) in zip(results, report.findings) {
                let ruleId = try #require(result["ruleId"]?.string)
                #expect(ruleId == finding.ruleId)
                let index = try #require(Helpers.int(result["ruleIndex"]))
                #expect(rules.indices.contains(index) && rules[index]["id"]?.string == ruleId)
                #expect(result["level"]?.string == finding.severity.rawValue)
                #expect(result["message"]?["text"]?.string == finding.message)
                #expect(result["partialFingerprints"]?["rolecheck/v1"]?.string == finding.fingerprint)
                let locations = try #require(result["locations"]).elements
                #expect(locations.count == 1)
                try checkPhysicalLocation(try #require(locations.first?["physicalLocation"]))
                if let pointer = finding.location.pointer, !pointer.isEmpty {
                    #expect(locations.first?["logicalLocations"]?.elements.first?["fullyQualifiedName"]?.string == pointer)
                }
                let related = result["relatedLocations"]?.elements ?? []
                #expect(related.count == finding.related.count)
                for (i, r) in related.enumerated() {
                    #expect(Helpers.int(r["id"]) == i + 1)
                    #expect(r["message"]?["text"]?.string == finding.related[i].message)
                    try checkPhysicalLocation(try #require(r["physicalLocation"], "GitHub requires a physicalLocation"))
                }
            }
            // RC002 is tagged security in its metadata.
            #expect(rules.first { $0["id"]?.string == "RC002" }?["properties"]?["security-severity"]?.string == "5.0")
        }

        func checkPhysicalLocation(_ location: Node) throws {
            let artifact = try #require(location["artifactLocation"])
            let uri = try #require(artifact["uri"]?.string)
            #expect(!uri.hasPrefix("./") && !uri.contains(" "))
            if uri.hasPrefix("file://") {
                #expect(artifact["uriBaseId"] == nil)
            } else {
                #expect(artifact["uriBaseId"]?.string == "%SRCROOT%")
            }
            let region = try #require(location["region"])
            let startLine = try #require(Helpers.int(region["startLine"]))
            let startColumn = try #require(Helpers.int(region["startColumn"]))
            let endLine = try #require(Helpers.int(region["endLine"]))
            let endColumn = try #require(Helpers.int(region["endColumn"]))
            #expect(startLine >= 1 && startColumn >= 1 && endLine >= startLine && endColumn >= 1)
            if endLine == startLine { #expect(endColumn >= startColumn) }
        }

        @Test func artifactURIs() throws {
            let root = try Helpers.parseJSON(SARIFReporter().render(Fixtures.full()))
            let run = try #require(root["runs"]?.elements.first)
            #expect(run["originalUriBaseIds"] == nil)
            let uris = try #require(run["artifacts"]).elements.compactMap { $0["location"]?["uri"]?.string }
            #expect(uris.count == 6)
            #expect(Set(uris) == ["file:///abs/path/p.yaml", "other/x.json", "broken.json", "dir/sec%20conf%20%C3%A9.json",
                                  "dup.json", "empty.json"])
            let resultURIs = Set(try #require(run["results"]).elements.compactMap {
                $0["locations"]?.elements.first?["physicalLocation"]?["artifactLocation"]?["uri"]?.string
            })
            #expect(resultURIs.contains("dir/sec%20conf%20%C3%A9.json"))
            #expect(resultURIs.contains("file:///abs/path/p.yaml"))
            #expect(resultURIs.contains("other/x.json"))

            #expect(SARIFReporter.percentEncodePath("a b/é:%#?[].json") == "a%20b/%C3%A9%3A%25%23%3F%5B%5D.json")
            #expect(SARIFReporter.baseURI("/home/me/my repo") == "file:///home/me/my%20repo/")
            #expect(SARIFReporter.baseURI("file:///x/") == "file:///x/")
            #expect(ReportSupport.strippingDotSlash("././a.json") == "a.json")
        }

        @Test func zeroLengthAndBackwardsRangesStayValid() throws {
            func region(_ sl: Int, _ sc: Int, _ el: Int, _ ec: Int) -> [Int?] {
                let r = SourceRange(start: SourcePosition(line: sl, column: sc, offset: 0), end: SourcePosition(line: el, column: ec, offset: 0))
                guard case .object(let members) = SARIFReporter.region(r) else { return [] }
                return members.map { if case .int(let v) = $0.1 { v } else { nil } }
            }
            #expect(region(1, 1, 1, 1) == [1, 1, 1, 1])
            #expect(region(3, 7, 3, 7) == [3, 7, 3, 7])
            #expect(region(2, 5, 2, 3) == [2, 5, 2, 5])
            #expect(region(4, 5, 2, 9) == [4, 5, 4, 5])
            #expect(region(0, 0, 0, 0) == [1, 1, 1, 1])
            #expect(region(1, 9, 2, 1) == [1, 9, 2, 1])
        }

        @Test func tooManyResultsKeepTheMostSevere() throws {
            let report = Fixtures.full()
            let errors = report.count(.error)
            #expect(errors >= 2 && report.findings.count > errors)
            let root = try Helpers.parseJSON(SARIFReporter(maxResults: errors).render(report))
            let run = try #require(root["runs"]?.elements.first)
            let levels = try #require(run["results"]).elements.compactMap { $0["level"]?.string }
            #expect(levels == Array(repeating: "error", count: errors))
            let note = run["invocations"]?.elements.first?["toolExecutionNotifications"]?.elements.first?["message"]?["text"]?.string
            #expect(note?.hasPrefix("\(report.findings.count - errors) of \(report.findings.count) findings were left out") == true)
        }

        @Test func securitySeverityAndNames() {
            var d = RuleCatalog.description(for: "RC205")!
            d.tags.append("security")
            d.securitySeverity = nil
            #expect(SARIFReporter.securitySeverity(d) == "7.5")
            d.severity = .warning
            #expect(SARIFReporter.securitySeverity(d) == "5.0")
            d.severity = .note
            #expect(SARIFReporter.securitySeverity(d) == "2.0")
            d.securitySeverity = 8
            #expect(SARIFReporter.securitySeverity(d) == "8.0")
            d.securitySeverity = 9.25
            #expect(SARIFReporter.securitySeverity(d) == "9.3")
            #expect(SARIFReporter.pascalCase("File is not valid JSON or YAML") == "FileIsNotValidJSONOrYAML")
            #expect(SARIFReporter.pascalCase("Security configuration does not enable runtime roles")
                    == "SecurityConfigurationDoesNotEnableRuntimeRoles")
        }

        @Test func outputIsDeterministic() {
            #expect(SARIFReporter(srcRoot: "/r/").render(Fixtures.full()) == SARIFReporter(srcRoot: "/r/").render(Fixtures.full()))
        }
    }
}

// MARK: - GitHub

extension ReportingTests {
    @Suite struct GitHubReporterTests {
        @Test func escapingMatchesTheRunner() {
            #expect(GitHubReporter.escapeData("50% a\r\nb: c, d") == "50%25 a%0D%0Ab: c, d")
            #expect(GitHubReporter.escapeProperty("50% a\r\nb: c, d") == "50%25 a%0D%0Ab%3A c%2C d")
            for s in ["%0A", "%253A", "a:b,c\r\n%", "%%2C%", "::error::x", "100%"] {
                #expect(Helpers.runnerUnescapeData(GitHubReporter.escapeData(s)) == s)
                #expect(Helpers.runnerUnescapeProperty(GitHubReporter.escapeProperty(s)) == s)
            }
        }

        @Test func annotationFormat() throws {
            let report = TestSupport.lint([("./dir/a,b:c é.json", Fixtures.rc205False)])
            let finding = try #require(report.findings.first)
            let log = GitHubReporter().render(report).log
            let title = "RC205%3A " + RuleCatalog.summary(for: "RC205")!.title
            #expect(log == """
            ::error file=dir/a%2Cb%3Ac é.json,line=1,col=85,endLine=1,endColumn=90,title=\(title)::\(GitHubReporter.escapeData(finding.message))
            rolecheck: 1 error, 0 warnings, 0 notes in 1 file (1 document)

            """)
        }

        @Test func relatedLocationsAndMultiLineRanges() throws {
            let dup = TestSupport.lint([("dup.json", Fixtures.duplicate)])
            let rc002 = try #require(dup.findings.first { $0.ruleId == "RC002" })
            let line = try #require(GitHubReporter().render(dup).log.split(separator: "\n").first { $0.hasPrefix("::error ") })
            // The key's newline and the related location are escaped into one line.
            #expect(line.hasSuffix("::" + GitHubReporter.escapeData(rc002.message + "\ndup.json:1:2: " + rc002.related[0].message)))
            #expect(!rc002.message.isEmpty && line.contains("%0A"))

            // A range over several lines has no columns (the runner would drop them).
            let file = SourceFile(path: "m.json", text: "{\n}\n")
            let finding = Finding(ruleId: "RC003", severity: .note, message: "m",
                                  location: Location(file: "m.json", range: file.range(from: 0, to: 3), pointer: ""))
            #expect(GitHubReporter().annotation(finding) == "::notice file=m.json,line=1,endLine=2,title=RC003%3A Document not recognised::m")
        }

        /// 12 errors and 2 notes: 10 error annotations, 2 notice annotations, 2 plain lines.
        func manyFindings() -> LintReport {
            var files: [(String, String)] = []
            for i in 1...12 { files.append((i < 10 ? "e0\(i).json" : "e\(i).json", Fixtures.rc205False)) }
            files.append(("n1.json", "{\"x\":1}"))
            files.append(("n2.json", "{\"y\":1}"))
            return TestSupport.lint(files)
        }

        @Test func annotationsStopAtGitHubsLimits() throws {
            let report = manyFindings()
            #expect(report.count(.error) == 12 && report.count(.note) == 2)
            let lines = GitHubReporter().render(report).log.split(separator: "\n").map(String.init)
            #expect(lines.filter { $0.hasPrefix("::error ") }.count == 10)
            #expect(lines.filter { $0.hasPrefix("::notice ") }.count == 2)
            // The annotated errors are the first ten in report order; the other two follow as plain lines.
            #expect(lines.filter { $0.hasPrefix("::error ") }.last?.hasPrefix("::error file=e10.json,") == true)
            let notice = try #require(lines.firstIndex { $0.hasPrefix("rolecheck: 2 findings were not annotated") })
            #expect(lines[notice].contains("at most 10 error, 10 warning and 10 notice annotations per step (50 per job)"))
            #expect(Array(lines[(notice + 1)...]) == [
                ReportSupport.plainLine(report.findings.first { $0.location.file == "e11.json" }!),
                ReportSupport.plainLine(report.findings.first { $0.location.file == "e12.json" }!),
                "rolecheck: 12 errors, 0 warnings, 2 notes in 14 files (14 documents)",
            ])
            #expect(lines[notice + 1].hasPrefix("e11.json:1:85: error[RC205]: "))

            // What is left of the job's budget caps all levels together.
            let capped = GitHubReporter(totalLimit: 5).render(report).log.split(separator: "\n")
            #expect(capped.filter { $0.hasPrefix("::") }.count == 5)
            #expect(capped.contains { $0.hasPrefix("rolecheck: 9 findings were not annotated") })
        }

        @Test func plainLinesCannotBeReadAsCommands() throws {
            let report = TestSupport.lint([
                ("::warning::evil.json", "{\"x\":1}"),
                ("  ::error::b.json", "{\"##[error]k\":1,\"##[error]k\":2}"),
            ])
            let log = GitHubReporter(perLevelLimit: 0).render(report).log
            let lines = log.split(separator: "\n").map(String.init)
            #expect(lines.count == report.findings.count + report.findings.reduce(0) { $0 + $1.related.count } + 2)
            for line in lines {
                #expect(!line.drop(while: { $0.isWhitespace }).hasPrefix("::"), "\(line)")
                #expect(!line.contains("##["), "\(line)")
            }
            #expect(lines.contains { $0.hasPrefix("./::warning::evil.json:1:1: note[RC003]: ") })
            #expect(lines.contains { $0.hasPrefix("  ./::error::b.json:1:") })
        }

        @Test func stepSummaryTable() throws {
            let report = manyFindings()
            let summary = GitHubReporter().render(report).summary
            let lines = summary.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.first == "## rolecheck")
            #expect(lines.contains("| Errors | Warnings | Notes | Files | Documents |"))
            #expect(lines.contains("| 12 | 0 | 2 | 14 | 14 |"))
            #expect(lines.contains("| Severity | Rule | Location | Message |"))
            let rows = lines.filter { $0.hasPrefix("| error |") || $0.hasPrefix("| note |") }
            #expect(rows.count == report.findings.count)
            let helpURI = RuleCatalog.description(for: "RC205")!.helpURI
            #expect(rows.first?.hasPrefix("| error | [RC205](\(helpURI) \"Security configuration does not enable runtime roles\") | e01.json:1:85 | ") == true)
            #expect(summary.hasSuffix("|\n"))

            // Cells cannot break the table or inject markup.
            let odd = TestSupport.lint([("a|b <i>_x_.json", "{\"k|`*\":1,\"k|`*\":2}")])
            let oddSummary = GitHubReporter().render(odd).summary
            #expect(oddSummary.contains("| a&#124;b &lt;i&gt;\\_x\\_.json:1:1 |"))
            for row in oddSummary.split(separator: "\n") where row.hasPrefix("| error") || row.hasPrefix("| note") {
                #expect(row.filter { $0 == "|" }.count == 5, "\(row)")
            }

            // No findings.
            let clean = TestSupport.lint([("ok.json", Fixtures.rc205True)])
            #expect(GitHubReporter().render(clean).summary == "## rolecheck\n\nNo findings in 1 file (1 document).\n")
            #expect(GitHubReporter().render(clean).log == "rolecheck: no findings in 1 file (1 document)\n")

            // A summary that would be too large lists what fits and counts the rest.
            let small = GitHubReporter(summaryByteLimit: 1200).render(report).summary
            #expect(small.utf8.count <= 1200)
            #expect(small.contains("more findings are not listed here"))
        }
    }
}
