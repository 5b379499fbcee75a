import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckIAM
@testable import RoleCheckModel
@testable import RoleCheckRules
@testable import RoleCheckEngine
@testable import RoleCheckReporting

/// The 1,582 AWS managed policies are valid by construction: rolecheck must read all of them
/// without a grammar, syntax or malformed-ARN finding, and must not crash on any.
@Suite struct ManagedPolicyCorpusTests {
    static func corpus() -> [SourceFile]? {
        guard let base = TestSupport.sharedData("iam-policies") else { return nil }
        let names = TestSupport.listDirectory(base + "/managed").filter { $0.hasSuffix(".json") }
        return names.compactMap { name in
            TestSupport.readFile(base + "/managed/" + name).map { SourceFile(path: "managed/" + name, bytes: $0) }
        }
    }

    @Test func managedPoliciesHaveNoGrammarFindings() throws {
        guard let files = Self.corpus() else { return }
        #expect(files.count == 1_582)
        let report = Linter().lint(files: files)
        #expect(report.recognizedDocumentCount == files.count, "some managed policies were not recognised as policies")
        for rule in ["RC001", "RC101", "RC104"] {
            let hits = report.findings.filter { $0.ruleId == rule }
            #expect(hits.isEmpty, "\(rule) on valid AWS managed policies: \(hits.prefix(5).map { "\($0.location.file):\($0.location.range.start.line): \($0.message)" })")
        }
        // The tally of the other findings, for the record (see the IAM engine's notes).
        var counts: [String: Int] = [:]
        for f in report.findings { counts["\(f.ruleId) \(f.severity.rawValue)", default: 0] += 1 }
        print("managed-policy corpus findings: \(counts.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))")
    }
}
