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

/// Helpers shared by the test files.
enum TestSupport {
    /// The package root (this file is Tests/RoleCheckKitTests/TestSupport.swift).
    static var packageRoot: String {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }

    static var isCI: Bool { getenv("CI").map { String(cString: $0) } == "true" }

    /// An executable found on PATH, or nil.
    static func which(_ name: String) -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? ""
        for dir in path.split(separator: ":") where access("\(dir)/\(name)", X_OK) == 0 { return "\(dir)/\(name)" }
        return nil
    }

    /// A folder of the third-party data beside the clone (`../shared/data/<name>`, or
    /// `$ROLECHECK_SHARED_DATA/<name>`). Nil when it is missing outside CI (the caller skips and
    /// says so); under `CI=true` a missing corpus is a test failure.
    static func sharedData(_ name: String) -> String? {
        let base = getenv("ROLECHECK_SHARED_DATA").map { String(cString: $0) } ?? packageRoot + "/../shared/data"
        let path = base + "/" + name
        var st = stat()
        if stat(path, &st) == 0 { return path }
        if isCI {
            Issue.record("shared test data \(path) is missing, and CI=true requires it")
        } else {
            print("note: skipping: shared test data \(path) is missing")
        }
        return nil
    }

    static func readFile(_ path: String) -> [UInt8]? {
        if case .success(.bytes(let b)) = Inputs.read(path, limit: 1 << 30) { return b }
        return nil
    }

    /// Sorted names of a folder's entries.
    static func listDirectory(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let e = readdir(dir) {
            let name = withUnsafePointer(to: e.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Lints in-memory files.
    static func lint(_ files: [(String, String)]) -> LintReport {
        Linter().lint(files: files.map { SourceFile(path: $0.0, text: $0.1) })
    }

    /// Lints in-memory files as an organisation that requires runtime roles on every cluster
    /// (`setup.require-runtime-roles: true`): the prerequisites apply to lone clusters.
    /// A sample folder's files linted, with each (file suffix, old text, new text) edit applied
    /// first; an edit whose old text is gone is a test failure.
    static func lint(folder: String, edits: [(String, String, String)]) throws -> LintReport {
        var files = try OrderIndependenceTests.files(of: folder)
        for (suffix, old, new) in edits {
            let i = try #require(files.firstIndex { $0.path.hasSuffix(suffix) })
            let text = String(decoding: files[i].bytes, as: UTF8.self)
            #expect(text.contains(old), "\(suffix) no longer holds \(old)")
            files[i] = SourceFile(path: files[i].path, text: text.replacing(old, with: new))
        }
        return Linter().lint(files: files)
    }

    static func lintRequiringRuntimeRoles(_ files: [(String, String)]) -> LintReport {
        var options = LintOptions()
        var configuration = Configuration(path: "rolecheck.yaml", baseDirectory: ".")
        configuration.setup.requireRuntimeRoles = true
        options.configuration = configuration
        return Linter(options: options).lint(files: files.map { SourceFile(path: $0.0, text: $0.1) })
    }
}

/// Suites about one input family (Terraform, CloudFormation): lint files and run every document
/// rule over that family's documents, whatever kinds the rules list.
protocol InputFamilyTests {
    static var inputKind: DocumentKind { get }
}

extension InputFamilyTests {
    /// Lints sample files, named relative to the package root (as the CLI shows them).
    func analyze(_ paths: [String]) throws -> (report: LintReport, setup: Setup) {
        let files = try paths.map { p in
            SourceFile(path: p, bytes: try #require(TestSupport.readFile(TestSupport.packageRoot + "/" + p), "\(p) is missing"))
        }
        return Linter().analyze(inputs: files.map { .file($0) })
    }

    func analyze(_ files: [(String, String)]) -> (report: LintReport, setup: Setup) {
        Linter().analyze(inputs: files.map { .file(SourceFile(path: $0.0, text: $0.1)) })
    }

    /// What every document rule finds in the family's documents (some rules do not list the
    /// family's kind yet).
    func documentRuleFindings(_ setup: Setup) -> [Finding] {
        var found: [Finding] = []
        for doc in setup.documents(of: Self.inputKind) {
            for rule in RuleRegistry.documentRules {
                var context = RuleContext(rule: rule.id)
                rule.check(doc, in: setup, &context)
                found += context.findings
            }
        }
        return found
    }
}
