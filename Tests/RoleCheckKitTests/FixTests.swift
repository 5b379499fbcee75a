import Foundation
import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckIAM
@testable import RoleCheckModel
@testable import RoleCheckRules
@testable import RoleCheckEngine
@testable import RoleCheckReporting

/// `rolecheck fix`: edits at nodes in every syntax and embedding, byte for byte; the broken
/// samples fixed and linted again; the command's files, diff and exit codes. (Each fixable rule's
/// own examples are checked by RuleExampleTests.)
@Suite struct FixTests {
    // MARK: Node edits

    static func doc(_ text: String, _ name: String = "f.json") throws -> Document {
        let loaded = DocumentLoader.load(SourceFile(path: name, text: text))
        #expect(loaded.error == nil)
        return try #require(loaded.documents.first)
    }

    static func applied(_ edit: TextEdit?, to text: String) throws -> String {
        let e = try #require(edit, "no edit was made")
        return String(decoding: Fix.apply([e], to: Array(text.utf8)), as: UTF8.self)
    }

    @Test func jsonMembersFollowTheLayout() throws {
        let multi = "{\n  \"Statement\": [],\n  \"Id\": \"x\"\n}\n"
        let d = try Self.doc(multi)
        #expect(try Self.applied(d.root.insertingMember("Version", .string("2012-10-17"), first: true), to: multi)
                == "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [],\n  \"Id\": \"x\"\n}\n")
        #expect(try Self.applied(d.root.insertingMember("Sid", .bool(true)), to: multi)
                == "{\n  \"Statement\": [],\n  \"Id\": \"x\",\n  \"Sid\": true\n}\n")
        let compact = "{\"a\":1,\"b\":2}"
        #expect(try Self.applied(Self.doc(compact).root.insertingMember("c", .string("x")), to: compact) == "{\"a\":1,\"b\":2,\"c\":\"x\"}")
        let empty = "{}"
        #expect(try Self.applied(Self.doc(empty).root.insertingMember("c", .array([])), to: empty) == "{\"c\": []}")
    }

    @Test func yamlBlockCollectionsGainAndLoseLines() throws {
        let text = """
        # a comment that stays
        Statement:
          - Effect: Allow
            Action:
              - sts:AssumeRole  # keep me
            Resource: "*"
          - Effect: Deny
            Action: 's3:*'

        """
        let d = try Self.doc(text, "p.yaml")
        let statements = try #require(d.root["Statement"])
        let action = try #require(statements.elements[0]["Action"])
        #expect(try Self.applied(action.appendingElement(.string("sts:TagSession")), to: text) == """
        # a comment that stays
        Statement:
          - Effect: Allow
            Action:
              - sts:AssumeRole  # keep me
              - sts:TagSession
            Resource: "*"
          - Effect: Deny
            Action: 's3:*'

        """)
        #expect(try Self.applied(statements.elements[1].insertingMember("Resource", .string("*")), to: text) == """
        # a comment that stays
        Statement:
          - Effect: Allow
            Action:
              - sts:AssumeRole  # keep me
            Resource: "*"
          - Effect: Deny
            Action: 's3:*'
            Resource: "*"

        """)
        // A single-quoted sibling keeps its quotes; a list wraps the scalar as written.
        let deny = try #require(statements.elements[1]["Action"])
        #expect(try Self.applied(deny.wrappedInArray(adding: .string("s3:Get*")), to: text).contains("Action: ['s3:*', 's3:Get*']"))
        #expect(try Self.applied(statements.removingElement(at: 0), to: text) == """
        # a comment that stays
        Statement:
          - Effect: Deny
            Action: 's3:*'

        """)
    }

    @Test func editsInsideStringsAreEscapedForTheirString() throws {
        // JSON in a JSON string.
        let outer = #"{"Name": "sc", "SecurityConfiguration": "{\"A\":{\"B\":false}}"}"#
        let d = try Self.doc(outer)
        let inner = try DocumentLoader.parseEmbeddedJSON(try #require(d.root["SecurityConfiguration"])).get()
        let flag = try #require(inner.root["A"]?["B"])
        #expect(try Self.applied(flag.replaced(with: .string("say \"hi\"")), to: outer)
                == #"{"Name": "sc", "SecurityConfiguration": "{\"A\":{\"B\":\"say \\\"hi\\\"\"}}"}"#)
        // JSON in a single-quoted YAML scalar: quotes doubled.
        let yaml = "SecurityConfiguration: '{\"A\": {\"B\": 1}}'\n"
        let y = try Self.doc(yaml, "t.yaml")
        let yInner = try DocumentLoader.parseEmbeddedJSON(try #require(y.root["SecurityConfiguration"])).get()
        #expect(try Self.applied(yInner.root["A"]!.insertingMember("C", .string("it's")), to: yaml)
                == "SecurityConfiguration: '{\"A\": {\"B\": 1, \"C\": \"it''s\"}}'\n")
        // URL-encoded JSON (IAM's raw API form): percent-encoded.
        let encoded = #"{"AssumeRolePolicyDocument": "%7B%22Action%22%3A%22sts%3AAssumeRole%22%7D"}"#
        let e = try Self.doc(encoded)
        let eInner = try DocumentLoader.parseEmbeddedURLEncodedJSON(try #require(e.root["AssumeRolePolicyDocument"])).get()
        let action = try #require(eInner.root["Action"])
        #expect(try Self.applied(action.wrappedInArray(adding: .string("sts:TagSession")), to: encoded)
                == #"{"AssumeRolePolicyDocument": "%7B%22Action%22%3A%5B%22sts%3AAssumeRole%22%2C%20%22sts%3ATagSession%22%5D%7D"}"#)
    }

    @Test func noEditWhereTheLayoutIsNotExact() throws {
        // A block scalar's text is not its value character for character: no edit, never a guess.
        let yaml = "SecurityConfiguration: |\n  {\"A\": {\"B\": false}}\n"
        let y = try Self.doc(yaml, "t.yaml")
        let inner = try DocumentLoader.parseEmbeddedJSON(try #require(y.root["SecurityConfiguration"])).get()
        #expect(inner.root["A"]?["B"]?.replaced(with: .bool(true)) == nil)
    }

    // MARK: Whole setups

    /// A sample folder's files (relative to the package root).
    static func files(_ folder: String) throws -> [LintInput] {
        let files = try OrderIndependenceTests.files(of: folder)
        #expect(!files.isEmpty, "\(folder) has no file")
        return files.map { .file($0) }
    }

    static func bytes(_ inputs: [LintInput], _ suffix: String) -> String? {
        for input in inputs {
            if case .file(let f) = input, f.path.hasSuffix(suffix) { return String(decoding: f.bytes, as: UTF8.self) }
        }
        return nil
    }

    /// A CloudFormation template: the EC2 principal becomes a reference to the template's
    /// instance-profile role, in YAML's short form, and every other byte (tags `!Ref`, `!Sub`,
    /// comments, layout) stays.
    @Test func cloudFormationTrustGetsAReferenceToTheInstanceProfileRole() throws {
        let folder = "samples/cloudformation/broken/trust-names-ec2-service"
        let inputs = try Self.files(folder)
        let before = try #require(Self.bytes(inputs, "template.yaml"))
        let outcome = Fixer.run(Linter(), inputs: inputs) { _ in true }
        let after = try #require(Self.bytes(outcome.inputs, "template.yaml"))
        let wrong = "            Principal:\n              Service: ec2.amazonaws.com\n            Action:\n              - sts:AssumeRole\n              - sts:TagSession\n      Policies:"
        #expect(before.contains(wrong))
        #expect(after == before.replacing(wrong, with: wrong.replacing("Service: ec2.amazonaws.com", with: "AWS: !GetAtt InstanceProfileRole.Arn")))
        #expect(outcome.report.findings.filter { $0.severity >= .warning }.isEmpty,
                "\(outcome.report.findings.map { "\($0.ruleId) \($0.message)" })")
    }

    /// Samples that are one certain fix away from working: after `fix`, no error and no warning.
    static let fixable = [
        "samples/setups/broken/lake-formation-tag-mismatch",
        "samples/setups/broken/missing-tag-session",
        "samples/setups/broken/runtime-roles-disabled",
        "samples/setups/broken/source-identity-not-allowed",
        "samples/setups/broken/trust-names-ec2-service",
        "samples/setups/broken/unconditioned-session-credentials",
        "samples/security-configuration/broken",
        "samples/cloudformation/broken/trust-names-ec2-service",
    ]

    @Test(arguments: fixable)
    func fixableSamplesWorkAfterFixing(_ sample: String) throws {
        let outcome = Fixer.run(Linter(), inputs: try Self.files(sample)) { _ in true }
        #expect(!outcome.applied.isEmpty)
        let left = outcome.report.findings.filter { $0.severity >= .warning }
        #expect(left.isEmpty, "\(sample): \(left.map { "\($0.ruleId) \($0.message)" })")
    }

    /// Every broken sample: fixing never breaks a file, takes one run (a second changes nothing),
    /// and leaves no fix on the table.
    @Test func everyBrokenSampleIsFixedInOneRun() throws {
        let root = TestSupport.packageRoot + "/samples/setups/broken"
        for name in TestSupport.listDirectory(root) {
            let outcome = Fixer.run(Linter(), inputs: try Self.files("samples/setups/broken/" + name)) { _ in true }
            #expect(!outcome.report.findings.contains { $0.ruleId == "RC001" }, "\(name): a fix broke a file")
            #expect(outcome.notApplied.isEmpty, "\(name): \(outcome.notApplied.map { "\($0.finding.ruleId): \($0.reason)" })")
            let again = Fixer.run(Linter(), inputs: outcome.inputs) { _ in true }
            #expect(again.changes.isEmpty, "\(name): a second run changes \(again.changes.map(\.path))")
        }
    }

    // MARK: Diffs

    @Test func unifiedDiffShowsTheChangedLinesWithContext() {
        let before = Array("a\nb\nc\nd\ne\nf\ng\nh\n".utf8)
        let after = Array("a\nb\nc\nd\nE\nf\ng\nh\ni".utf8)
        #expect(UnifiedDiff.render(path: "x.json", before: before, after: after) == """
        --- a/x.json
        +++ b/x.json
        @@ -2,7 +2,8 @@
         b
         c
         d
        -e
        +E
         f
         g
         h
        +i
        \\ No newline at end of file

        """)
        #expect(UnifiedDiff.render(path: "x", before: before, after: before).isEmpty)
    }
}

/// The `rolecheck fix` command on copies of samples.
@Suite(.serialized) struct FixCommandTests {
    /// A copy of a sample folder in a fresh temporary directory.
    static func copy(_ sample: String) throws -> String {
        var template = Array("/tmp/rolecheck-fix-XXXXXX".utf8CString)
        let dir = String(cString: try #require(mkdtemp(&template)))
        let source = URL(fileURLWithPath: TestSupport.packageRoot + "/" + sample)
        let target = URL(fileURLWithPath: dir).appendingPathComponent(source.lastPathComponent)
        try FileManager.default.copyItem(at: source, to: target)
        return target.path
    }

    static func read(_ path: String) throws -> String {
        String(decoding: try #require(TestSupport.readFile(path)), as: UTF8.self)
    }

    @Test func fixWritesOnlyWhenAskedAndASecondRunChangesNothing() throws {
        let dir = try Self.copy("samples/setups/broken/missing-tag-session")
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: dir).deletingLastPathComponent().path) }
        let iam = dir + "/444455556666-data/iam.json"
        let original = try Self.read(iam)
        let cli = CLITests()

        let diff = try cli.run(["fix", dir, "--diff"])
        #expect(diff.status == 0, "\(diff.stderr)")
        #expect(diff.stdout.contains("-                        \"Action\": \"sts:AssumeRole\""))
        #expect(diff.stdout.contains("+                        \"Action\": [\"sts:AssumeRole\", \"sts:TagSession\"]"))
        #expect(try Self.read(iam) == original, "--diff changed the file")

        let dry = try cli.run(["fix", dir, "--dry-run", "--format", "json"])
        #expect(dry.stderr.contains("would fix 1 finding in 1 file (RC302)"))
        #expect(try Self.read(iam) == original, "--dry-run changed the file")
        #expect(!dry.stdout.contains("\"RC302\""), "the report is of what remains")

        let fixed = try cli.run(["fix", dir])
        #expect(fixed.status == 0)
        #expect(fixed.stderr.contains("fixed 1 finding in 1 file (RC302)"))
        let after = try Self.read(iam)
        #expect(after == original.replacing("\"Action\": \"sts:AssumeRole\"\n", with: "\"Action\": [\"sts:AssumeRole\", \"sts:TagSession\"]\n"))

        let again = try cli.run(["fix", dir])
        #expect(again.status == 0)
        #expect(again.stderr.contains("nothing to fix"))
        #expect(try Self.read(iam) == after)
        #expect(try cli.run(["lint", dir, "--quiet"]).status == 0)
    }

    @Test func exitCodeIsLintsOnWhatRemains() throws {
        let dir = try Self.copy("samples/setups/broken/malformed-role-lists")
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: dir).deletingLastPathComponent().path) }
        let cli = CLITests()
        let run = try cli.run(["fix", dir, "--rule", "RC404"])
        #expect(run.status == 1, "errors remain: \(run.stdout)")
        #expect(run.stderr.contains("fixed 2 findings in 1 file (RC404 ×2)"))
        #expect(try cli.run(["fix", dir, "--rule", "RC999"]).status == 2)
        #expect(try cli.run(["fix", "-"]).status == 2)
    }
}
