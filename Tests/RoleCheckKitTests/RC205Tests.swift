import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckIAM
@testable import RoleCheckModel
@testable import RoleCheckRules
@testable import RoleCheckEngine
@testable import RoleCheckReporting

/// Cases of RC205 beyond its documented examples.
@Suite struct RC205Tests {
    func rc205(_ name: String, _ text: String) -> [Finding] {
        TestSupport.lintRequiringRuntimeRoles([(name, text)]).findings.filter { $0.ruleId == "RC205" }
    }

    @Test(arguments: [
        ("null", "null"), ("1", "the number 1"), ("\"false\"", "the string \"false\""), ("[true]", "an array"),
    ])
    func nonBooleanValuesAreErrors(_ value: String, _ described: String) throws {
        let prefix = "{\"AuthorizationConfiguration\":{\"IAMConfiguration\":{\"EnableApplicationScopedIAMRole\":"
        let json = prefix + value + "}}}"
        let findings = rc205("sc.json", json)
        let f = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(f.severity == .error)
        #expect(f.message.contains(described))
        #expect(f.location.pointer == "/AuthorizationConfiguration/IAMConfiguration/EnableApplicationScopedIAMRole")
        #expect(f.location.range.start.column == prefix.unicodeScalars.count + 1)
    }

    @Test func stringTrueIsOnlyAWarning() throws {
        let f = try #require(rc205("sc.yaml", "AuthorizationConfiguration:\n  IAMConfiguration:\n    EnableApplicationScopedIAMRole: \"true\"\n").first)
        #expect(f.severity == .warning)
        #expect(f.location.range.start == SourcePosition(line: 3, column: 37, offset: 84))
    }

    @Test func yamlBooleanTrueIsAccepted() {
        #expect(rc205("sc.yaml", "AuthorizationConfiguration:\n  IAMConfiguration:\n    EnableApplicationScopedIAMRole: true\n").isEmpty)
    }

    @Test func nonObjectSectionsAreReported() throws {
        let f = try #require(rc205("sc.json", "{\"AuthorizationConfiguration\": \"on\"}").first)
        #expect(f.message.contains("AuthorizationConfiguration is a string"))
        #expect(f.location.pointer == "/AuthorizationConfiguration")
    }

    @Test func describeShapeWithObjectConfigurationIsChecked() throws {
        let json = """
        {"Name": "sc", "SecurityConfiguration": {"AuthorizationConfiguration": {"IAMConfiguration": {"EnableApplicationScopedIAMRole": false}}}}
        """
        let f = try #require(rc205("d.json", json).first)
        #expect(f.message.contains("security configuration \"sc\""))
        #expect(f.location.pointer == "/SecurityConfiguration/AuthorizationConfiguration/IAMConfiguration/EnableApplicationScopedIAMRole")
    }

    @Test func embeddedFindingPointsIntoTheStringAndCarriesBothPointers() throws {
        let json = """
        {
          "Name": "sc",
          "SecurityConfiguration": "{\\"AuthorizationConfiguration\\": {\\"IAMConfiguration\\": {\\"EnableApplicationScopedIAMRole\\": false}}}"
        }
        """
        let f = try #require(rc205("d.json", json).first)
        #expect(f.location.range.start.line == 3)
        // Column of `false` inside the escaped string literal.
        let line = "  \"SecurityConfiguration\": \"{\\\"AuthorizationConfiguration\\\": {\\\"IAMConfiguration\\\": {\\\"EnableApplicationScopedIAMRole\\\": "
        #expect(f.location.range.start.column == line.unicodeScalars.count + 1)
        #expect(f.location.range.end.column == f.location.range.start.column + 5)
        #expect(f.location.pointer == "/SecurityConfiguration/AuthorizationConfiguration/IAMConfiguration/EnableApplicationScopedIAMRole")
    }

    @Test func embeddedStringThatIsNotJSONIsRC001InsideTheString() throws {
        let report = TestSupport.lint([("d.json", "{\"Name\": \"sc\", \"SecurityConfiguration\": \"{oops}\"}")])
        let f = try #require(report.findings.first { $0.ruleId == "RC001" })
        #expect(f.location.range.start.column == 43) // the "o" after "{"
        #expect(report.findings.allSatisfy { $0.ruleId != "RC205" })
    }

    @Test func yamlDescribeShapeMapsIntoAQuotedScalar() throws {
        let yaml = "Name: sc\nSecurityConfiguration: '{\"AuthorizationConfiguration\": {}}'\n"
        let f = try #require(rc205("d.yaml", yaml).first)
        #expect(f.message.contains("has no IAMConfiguration"))
        #expect(f.location.range.start == SourcePosition(line: 2, column: 26, offset: 34))
    }
}
