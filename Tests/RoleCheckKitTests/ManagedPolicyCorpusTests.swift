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

    @Test func managedPoliciesHaveNoGrammarProblems() throws {
        guard let files = Self.corpus() else { return }
        #expect(files.count == 1_582)
        // The policy reader itself, below recognition (which exempts AWS's policies from RC101/RC104).
        var bad: [String] = []
        for file in files {
            let doc = try #require(DocumentLoader.load(file).documents.first)
            let policy = PolicyDocument.parse(doc.root, kind: .identity, label: file.path)
            for p in policy.problems where [.grammar, .malformedARN].contains(p.kind) { bad.append("\(file.path): \(p.message)") }
        }
        #expect(bad.isEmpty, "\(bad.prefix(5))")
    }

    @Test func everyManagedPolicyIsRecognisedByItsContent() throws {
        guard let files = Self.corpus(), let base = TestSupport.sharedData("iam-policies"),
              let indexBytes = TestSupport.readFile(base + "/index.json") else { return }
        // The names the index gives each file (identical documents share one fingerprint: any of their names).
        let index = try #require(DocumentLoader.load(SourceFile(path: "index.json", bytes: indexBytes)).documents.first)
        var nameOf: [String: String] = [:]
        for e in index.root.elements { nameOf[e["File"]?.string ?? ""] = e["PolicyName"]?.string }
        var unrecognised: [String] = []
        for file in files {
            let doc = try #require(DocumentLoader.load(file).documents.first)
            guard let match = AWSManagedPolicies.identify(doc.root) else { unrecognised.append(file.path); continue }
            let text = AWSManagedPolicies.canonical(doc.root)
            // The match names this file's policy, or another with the same document.
            if match.name != nameOf[file.path] {
                let other = try #require(files.first { $0.path == "managed/\(match.name).json" })
                let otherDoc = try #require(DocumentLoader.load(other).documents.first)
                #expect(AWSManagedPolicies.canonical(otherDoc.root) == text, "\(file.path) matched \(match.name)")
            }
        }
        #expect(unrecognised.isEmpty, "\(unrecognised.prefix(5))")
        // Linted, AWS's own policies get no grammar, hygiene or quota findings; what attaching
        // one grants (RC307) is a warning.
        let report = Linter().lint(files: files)
        #expect(report.recognizedDocumentCount == files.count)
        let judged = report.findings.filter { !($0.ruleId == "RC307" && $0.severity == .warning) }
        #expect(judged.isEmpty, "\(judged.prefix(5).map { "\($0.ruleId) \($0.location.file): \($0.message)" })")
    }
}
