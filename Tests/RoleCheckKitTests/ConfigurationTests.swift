import Testing
@testable import RoleCheckKit

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

    @Test(arguments: [
        ("setup:\n  acounts: {}\n", "cfg/rolecheck.yaml:2:3: unknown key 'acounts' in setup (known: accounts, paths, policies)"),
        ("rules: {}\n", "cfg/rolecheck.yaml:1:1: unknown key 'rules' (known: setup)"),
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
        #expect(ConfigurationLoader.matches(pattern: pattern, path: path, base: ".") == expected)
    }

    @Test func patternsAreRelativeToTheConfigurationFolder() {
        #expect(ConfigurationLoader.matches(pattern: "exports", path: "repo/exports/iam.json", base: "repo"))
        #expect(!ConfigurationLoader.matches(pattern: "exports", path: "exports/iam.json", base: "repo"))
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
