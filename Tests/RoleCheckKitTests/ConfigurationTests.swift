import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckIAM
@testable import RoleCheckModel
@testable import RoleCheckRules
@testable import RoleCheckEngine
@testable import RoleCheckReporting

@Suite struct ConfigurationTests {
    func load(_ yaml: String, path: String = "cfg/rolecheck.yaml") -> Result<Configuration, ConfigurationError> {
        ConfigurationLoader.load(path: path, bytes: Array(yaml.utf8))
    }

    @Test func readsTheSetupSection() throws {
        let yaml = """
        setup:
          accounts: {"111122223333": studio}
          paths:
            - {path: exports/data, account: "444455556666"}
          policies:
            - {file: p/trust.json, role: "arn:aws:iam::444455556666:role/runtime", as: trust}
            - {file: p/bucket.json, bucket: analytics-data, account: "444455556666"}
        """
        let c = try load(yaml).get()
        #expect(c.baseDirectory == "cfg")
        #expect(c.setup.accountNames == ["111122223333": "studio"])
        #expect(c.setup.paths.map(\.account) == ["444455556666"])
        #expect(c.setup.policies.map(\.target) == [.roleTrust("arn:aws:iam::444455556666:role/runtime"), .bucket("analytics-data")])
    }

    @Test func readsRulesFailOnFiltersBaselineAndSuppressions() throws {
        let yaml = """
        rules:
          RC102: off
          RC205: warning
          RC003: error
        fail-on: warning
        include: ["infra/**"]
        exclude: [infra/vendor]
        baseline: .rolecheck/baseline.json
        suppressions:
          - file: exports/*.json
            pointer: /Statement/0
            rule: RC106
            reason: public read of the documentation bucket, ticket SEC-7
            until: 2026-12-31
          - {file: exports/sc.json, rule: RC205, reason: legacy cluster}
        """
        let c = try load(yaml).get()
        #expect(c.rules == ["RC102": .off, "RC205": .severity(.warning), "RC003": .severity(.error)])
        #expect(c.isOff("RC102") && !c.isOff("RC205"))
        #expect(c.failOn == .warning && c.failOn?.threshold == .warning)
        #expect(c.include == ["infra/**"] && c.exclude == ["infra/vendor"])
        #expect(c.baselinePath == "cfg/.rolecheck/baseline.json")
        #expect(c.suppressions.count == 2)
        let s = c.suppressions[0]
        #expect(s.file == "exports/*.json" && s.pointer == "/Statement/0" && s.rule == "RC106")
        #expect(s.reason == "public read of the documentation bucket, ticket SEC-7")
        #expect(s.until == CalendarDate(year: 2026, month: 12, day: 31))
        #expect(s.location.file == "cfg/rolecheck.yaml" && s.location.range.start.line == 10)
        #expect(s.covers(pointer: "/Statement/0") && s.covers(pointer: "/Statement/0/Principal"))
        #expect(!s.covers(pointer: "/Statement/01") && !s.covers(pointer: nil))
        #expect(c.suppressions[1].pointer == nil && c.suppressions[1].until == nil)
        #expect(c.suppressions[1].covers(pointer: nil))
        // An empty rules mapping is fine.
        #expect(try load("rules: {}\n").get().rules.isEmpty)
    }

    @Test func datesAreStrict() {
        #expect(CalendarDate(parsing: "2024-02-29")?.description == "2024-02-29")
        #expect(CalendarDate(parsing: "2023-02-29") == nil)
        #expect(CalendarDate(parsing: "2026-1-01") == nil)
        #expect(CalendarDate(parsing: "2026-12-31 ") == nil)
        #expect(CalendarDate(parsing: "0000-01-01") == nil)
        #expect(CalendarDate(year: 2026, month: 6, day: 1)! < CalendarDate(year: 2026, month: 6, day: 2)!)
        let today = CalendarDate.today()
        #expect(today.year >= 2025)
    }

    /// The JSON Schema of the configuration is a valid schema, accepts the documented example
    /// and rejects what the loader rejects.
    @Test func schemaIsValidAndMatchesTheLoader() {
        let schema = TestSupport.packageRoot + "/docs/schemas/rolecheck-config.schema.json"
        let example = """
        {
          "setup": {
            "accounts": {"111122223333": "studio"},
            "paths": [{"path": "exports/studio", "account": "111122223333"}],
            "policies": [{"file": "p/trust.json", "role": "arn:aws:iam::444455556666:role/r", "as": "trust"}]
          },
          "rules": {"RC102": "off", "RC205": "warning"},
          "fail-on": "warning",
          "include": ["infra/**"],
          "exclude": ["infra/vendor"],
          "baseline": ".rolecheck/baseline.json",
          "suppressions": [
            {"file": "exports/*.json", "pointer": "/Statement/0", "rule": "RC106", "reason": "documented", "until": "2026-12-31"},
            {"file": "exports/sc.json", "rule": "RC205", "reason": "legacy"}
          ]
        }
        """
        ReportingTests.Helpers.expectValid(example, schemaPath: schema)
        for bad in ["{\"rules\": {\"RC205\": \"fatal\"}}", "{\"fail-on\": \"sometimes\"}", "{\"rulez\": {}}",
                    "{\"suppressions\": [{\"file\": \"a\", \"rule\": \"RC205\"}]}",
                    "{\"suppressions\": [{\"file\": \"a\", \"rule\": \"RC205\", \"reason\": \"x\", \"until\": \"31.12.2026\"}]}"] {
            if case .valid = ReportingTests.Helpers.validate(bad, schemaPath: schema) {
                Issue.record("the configuration schema accepts \(bad)")
            }
        }
    }

    @Test(arguments: [
        ("setup:\n  acounts: {}\n", "cfg/rolecheck.yaml:2:3: unknown key 'acounts' in setup (known: accounts, paths, policies, context, require-runtime-roles)"),
        ("rulez: {}\n", "cfg/rolecheck.yaml:1:1: unknown key 'rulez' (known: setup, rules, fail-on, include, exclude, extensions, baseline, suppressions, catalog)"),
        ("rules: {RC999: off}\n", "cfg/rolecheck.yaml:1:9: unknown rule 'RC999' in rules (rolecheck rules lists them)"),
        ("rules:\n  RC205: fatal\n", "cfg/rolecheck.yaml:2:10: the setting of RC205 must be off, error, warning or note"),
        ("rules: [RC205]\n", "cfg/rolecheck.yaml:1:8: 'rules' maps rule ids to off, error, warning or note"),
        ("fail-on: sometimes\n", "cfg/rolecheck.yaml:1:10: 'fail-on' must be error, warning, note or never"),
        ("include: vendor\n", "cfg/rolecheck.yaml:1:10: 'include' is a list of glob patterns"),
        ("exclude: [vendor, 3]\n", "cfg/rolecheck.yaml:1:19: each of 'exclude' must be a non-empty string"),
        ("baseline: {}\n", "cfg/rolecheck.yaml:1:11: 'baseline' must be the path of a baseline file"),
        ("suppressions: {}\n", "cfg/rolecheck.yaml:1:15: 'suppressions' is a list of {file, pointer, rule, reason, until}"),
        ("suppressions:\n  - {file: a.json, rule: RC205, reason: x, until: 2026-13-01}\n", "cfg/rolecheck.yaml:2:51: 'until' must be a date written YYYY-MM-DD"),
        ("suppressions:\n  - {file: a.json, rule: RC205}\n", "cfg/rolecheck.yaml:2:5: a suppression needs a 'reason'"),
        ("suppressions:\n  - {file: a.json, rule: RC205, reason: \"  \"}\n", "cfg/rolecheck.yaml:2:41: 'reason' must be a non-empty string"),
        ("suppressions:\n  - {file: a.json, rule: RC2O5, reason: x}\n", "cfg/rolecheck.yaml:2:26: unknown rule 'RC2O5' (rolecheck rules lists them)"),
        ("suppressions:\n  - {file: a.json, rule: RC006, reason: x}\n", "cfg/rolecheck.yaml:2:26: RC006 cannot be suppressed; turn it off in 'rules' instead"),
        ("suppressions:\n  - {file: a.json, reason: x}\n", "cfg/rolecheck.yaml:2:5: name the 'rule' to suppress (such as RC301)"),
        ("suppressions:\n  - {rule: RC205, reason: x}\n", "cfg/rolecheck.yaml:2:5: 'file' must be a non-empty string (a path or glob relative to this file)"),
        ("suppressions:\n  - {file: a.json, pointer: Statement/0, rule: RC205, reason: x}\n", "cfg/rolecheck.yaml:2:29: 'pointer' must be a JSON Pointer: empty, or starting with '/'"),
        ("suppressions:\n  - {file: a.json, rules: RC205, reason: x}\n", "cfg/rolecheck.yaml:2:20: unknown key 'rules' in suppressions (known: file, pointer, rule, reason, until)"),
        ("setup:\n  accounts:\n    11112222333: x\n", "cfg/rolecheck.yaml:3:5: '11112222333' is not a 12-digit account ID (quote it in YAML)"),
        ("setup:\n  paths:\n    - {path: a, account: 12}\n", "cfg/rolecheck.yaml:3:26: 'account' must be a 12-digit account ID (quote it in YAML)"),
        ("setup:\n  policies:\n    - {file: a.json, role: \"arn:aws:iam::111122223333:role/r\", as: inline}\n", "cfg/rolecheck.yaml:3:68: 'as' must be trust, permissions or boundary"),
        ("setup:\n  policies:\n    - {file: a.json}\n", "cfg/rolecheck.yaml:3:7: name the 'role' (an IAM role ARN) or the 'bucket' the policy belongs to"),
        ("setup: [\n", "cfg/rolecheck.yaml:2:1: invalid YAML: did not find expected node content (while parsing a flow node)"),
    ])
    func rejectsWithAPosition(_ yaml: String, _ message: String) {
        guard case .failure(let e) = load(yaml) else {
            Issue.record("accepted: \(yaml)")
            return
        }
        #expect(e.message == message)
    }

    @Test(arguments: [
        ("exports", "exports/a/b.json", true),
        ("exports", "exports2/a.json", false),
        ("exports/*.json", "exports/a.json", true),
        ("exports/*.json", "exports/x/a.json", false),
        ("exports/**/*.json", "exports/x/y/a.json", true),
        ("./exports/../data", "data/a.yaml", true),
    ])
    func pathPatterns(_ pattern: String, _ path: String, _ expected: Bool) {
        #expect(PathPattern.matches(pattern: pattern, path: path, base: ".") == expected)
    }

    @Test func patternsAreRelativeToTheConfigurationFolder() {
        #expect(PathPattern.matches(pattern: "exports", path: "repo/exports/iam.json", base: "repo"))
        #expect(!PathPattern.matches(pattern: "exports", path: "exports/iam.json", base: "repo"))
    }

    @Test func configuredPathsAssignAccountsAndPoliciesAttachToRoles() throws {
        let config = try load("""
        setup:
          paths: [{path: exports, account: "444455556666"}]
          policies: [{file: p/trust.json, role: "arn:aws:iam::444455556666:role/runtime", as: trust}]
        """, path: "rolecheck.yaml").get()
        var options = LintOptions()
        options.configuration = config
        let files = [
            SourceFile(path: "exports/sc.json", text: "{\"Name\": \"sc\", \"SecurityConfiguration\": \"{}\"}"),
            SourceFile(path: "p/trust.json", text: "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::444455556666:role/ip\"}, \"Action\": \"sts:AssumeRole\"}]}"),
        ]
        let (_, setup) = Linter(options: options).analyze(inputs: files.map { .file($0) })
        #expect(setup.resources.securityConfigurations.first?.account == "444455556666")
        let role = try #require(setup.resources.role(arn: "arn:aws:iam::444455556666:role/runtime"))
        #expect(role.trust?.kind == .trust)
        #expect(role.trust?.label.contains("p/trust.json") == true)
    }
}
