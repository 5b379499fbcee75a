import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckIAM
@testable import RoleCheckModel
@testable import RoleCheckRules
@testable import RoleCheckEngine
@testable import RoleCheckReporting

/// One test drives every rule through its own documented examples: each triggering example must
/// produce findings of that rule exactly where its `↓` markers are (no more, no fewer), and each
/// non-triggering example must produce none.
@Suite struct RuleExampleTests {
    struct Marker: Hashable, CustomStringConvertible {
        var file: String
        var line: Int
        var column: Int
        var description: String { "\(file):\(line):\(column)" }
    }

    /// Positions of the `↓` markers, as they will be once the markers are removed.
    static func markers(in file: ExampleFile) -> [Marker] {
        var out: [Marker] = []
        var line = 1, column = 1
        for scalar in file.content.unicodeScalars {
            if scalar == "↓" {
                out.append(Marker(file: file.name, line: line, column: column))
                continue
            }
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return out
    }

    static func lint(_ example: RuleExample) -> LintReport {
        Linter().lint(files: example.files.map { SourceFile(path: $0.name, text: $0.cleanContent) })
    }

    static var ruleIds: [String] { RuleCatalog.summaries.map(\.id).sorted() }

    @Test(arguments: ruleIds)
    func triggeringExamplesReportAtTheirMarkers(_ id: String) throws {
        let rule = try #require(RuleCatalog.description(for: id), "no metadata for \(id)")
        #expect(!rule.triggering.isEmpty)
        for (i, example) in rule.triggering.enumerated() {
            let expected = Set(example.files.flatMap(Self.markers))
            #expect(!expected.isEmpty, "\(id) triggering example \(i + 1) has no ↓ marker")
            let report = Self.lint(example)
            let actual = Set(report.findings.filter { $0.ruleId == id }.map {
                Marker(file: $0.location.file, line: $0.location.range.start.line, column: $0.location.range.start.column)
            })
            #expect(actual == expected, """
                \(id) triggering example \(i + 1) (\(example.title ?? "untitled")): expected findings at \
                \(expected.map(\.description).sorted()), got \(actual.map(\.description).sorted()); \
                all findings: \(report.findings.map { "\($0.ruleId)@\($0.location.range.start.line):\($0.location.range.start.column) \($0.message)" })
                """)
        }
    }

    /// A triggering example with `fixed` files must be fixed into exactly those bytes (the other
    /// files untouched), leave nothing of the rule to fix, and need no second run; one without
    /// must be offered no fix by the rule (a fix is offered only where it is certain).
    @Test(arguments: ruleIds)
    func triggeringExamplesAreFixedAsDocumented(_ id: String) throws {
        let rule = try #require(RuleCatalog.description(for: id))
        for (i, example) in rule.triggering.enumerated() {
            let label = "\(id) triggering example \(i + 1) (\(example.title ?? "untitled"))"
            let inputs = example.files.map { LintInput.file(SourceFile(path: $0.name, text: $0.cleanContent)) }
            let outcome = Fixer.run(Linter(), inputs: inputs) { $0.ruleId == id }
            for file in example.files {
                let after = outcome.inputs.compactMap { input -> [UInt8]? in
                    if case .file(let f) = input, f.path == file.name { return f.bytes }
                    return nil
                }.first
                let expected = file.fixed ?? file.cleanContent
                #expect(after.map { String(decoding: $0, as: UTF8.self) } == expected,
                        "\(label): \(file.name) after rolecheck fix differs from its documented form")
            }
            if example.isFixed {
                #expect(!outcome.applied.isEmpty, "\(label): documents a fix, none was applied")
                let left = outcome.report.findings.filter { $0.ruleId == id && $0.fix != nil }
                #expect(left.isEmpty, "\(label): fixes still offered after fixing: \(left.map(\.message))")
                #expect(!outcome.report.findings.contains { $0.ruleId == "RC001" }, "\(label): the fixed files do not parse")
                let again = Fixer.run(Linter(), inputs: outcome.inputs) { $0.ruleId == id }
                #expect(again.changes.isEmpty, "\(label): a second run changes \(again.changes.map(\.path))")
            } else {
                #expect(outcome.changes.isEmpty, "\(label): the rule offers a fix the example does not document (add `fixed`)")
            }
        }
    }

    @Test(arguments: ruleIds)
    func nonTriggeringExamplesAreClean(_ id: String) throws {
        let rule = try #require(RuleCatalog.description(for: id))
        #expect(!rule.nonTriggering.isEmpty)
        for (i, example) in rule.nonTriggering.enumerated() {
            #expect(example.files.allSatisfy { !$0.content.contains(ExampleFile.marker) },
                    "\(id) non-triggering example \(i + 1) carries a ↓ marker")
            let report = Self.lint(example)
            let own = report.findings.filter { $0.ruleId == id }
            #expect(own.isEmpty, "\(id) non-triggering example \(i + 1) (\(example.title ?? "untitled")): \(own.map(\.message))")
            let broken = report.findings.filter { $0.ruleId == "RC001" }
            #expect(broken.isEmpty, "\(id) non-triggering example \(i + 1) does not parse: \(broken.map(\.message))")
        }
    }

    @Test func everyImplementedRuleHasMetadataAndEveryMetadataFileARule() {
        let implemented = Set(RuleRegistry.implementedIds)
        let documented = Set(RuleCatalog.summaries.map(\.id))
        #expect(implemented == documented, "implemented without metadata: \(implemented.subtracting(documented).sorted()); metadata without implementation: \(documented.subtracting(implemented).sorted())")
        #expect(RuleCatalog.all.count == RuleCatalog.summaries.count, "some embedded rule metadata does not parse")
    }

    @Test func ruleIdsFollowTheCatalogFormat() {
        for summary in RuleCatalog.summaries {
            let id = summary.id
            #expect(id.count == 5 && id.hasPrefix("RC") && id.dropFirst(2).allSatisfy(\.isNumber), "bad rule id \(id)")
        }
    }

    /// rules/*.yaml is the single source: the embedded copy must be identical, and the compiled
    /// summaries must say what the files say. Run `python3 scripts/embed-rules.py` after an edit.
    @Test func embeddedMetadataMatchesRulesFolder() throws {
        let folder = TestSupport.packageRoot + "/rules"
        let files = TestSupport.listDirectory(folder).filter { $0.hasSuffix(".yaml") }
        #expect(files == RuleCatalog.sources.map(\.file).sorted(), "rules/ and the embedded rules differ; run scripts/embed-rules.py")
        for name in files {
            let bytes = try #require(TestSupport.readFile(folder + "/" + name))
            var text = String(decoding: bytes, as: UTF8.self)
            if text.hasSuffix("\n") { text.removeLast() }
            let embedded = RuleCatalog.sources.first { $0.file == name }?.yaml
            #expect(embedded == text, "\(name) differs from its embedded copy; run scripts/embed-rules.py")
            switch RuleMetadataParser.parse(yaml: text, fileName: name) {
            case .failure(let failure):
                Issue.record("\(failure)")
            case .success(let rule):
                #expect(rule.id + ".yaml" == name)
                let summary = RuleCatalog.summary(for: rule.id)
                #expect(summary?.title == rule.title && summary?.severity == rule.severity &&
                        summary?.category == rule.category && summary?.tags == rule.tags,
                        "\(name): compiled summary is stale; run scripts/embed-rules.py")
            }
        }
    }

    /// docs/rules/*.md are rendered from the metadata (`swift run rolecheck docs docs/rules`).
    @Test func ruleDocumentationIsCurrent() throws {
        for rule in RuleCatalog.all {
            let path = TestSupport.packageRoot + "/docs/rules/\(rule.id).md"
            let bytes = try #require(TestSupport.readFile(path), "\(path) is missing; run `swift run rolecheck docs docs/rules`")
            #expect(String(decoding: bytes, as: UTF8.self) == RuleDocumentation.markdown(rule),
                    "\(path) is stale; run `swift run rolecheck docs docs/rules`")
        }
    }

    @Test func metadataParserRejectsUnknownKeysWithAPosition() {
        let yaml = "id: RC999\ntitle: t\nseverity: error\ncategory: c\ndescription: d\nrationale: r\nremediation: x\nexmaples: {}\n"
        guard case .failure(let failure) = RuleMetadataParser.parse(yaml: yaml, fileName: "RC999.yaml") else {
            Issue.record("an unknown key was accepted")
            return
        }
        #expect(failure.message == "RC999.yaml:8:1: unknown key 'exmaples'")
    }
}
