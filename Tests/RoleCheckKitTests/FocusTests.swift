import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckModel
@testable import RoleCheckEngine

/// Changed-files mode skips work whose findings could only land in other files (document rules
/// on other documents, chains through none of the named files). That must never change what is
/// reported for the named files: for every sample folder and each of its files, a focused lint
/// finds exactly what a full lint finds in that file.
@Suite struct FocusTests {
    static var folders: [String] {
        var out: [String] = []
        for group in ["samples/setups", "samples/setups/broken", "samples/cloudformation", "samples/cloudformation/broken",
                      "samples/terraform", "samples/terraform-hcl", "samples/terraform-hcl/broken", "samples/security-configuration"] {
            for name in TestSupport.listDirectory(TestSupport.packageRoot + "/" + group) where !name.contains(".") && name != "broken" {
                out.append(group + "/" + name)
            }
        }
        return out.sorted()
    }

    static func key(_ f: Finding) -> String {
        "\(f.location.file):\(f.location.range.start.line):\(f.location.range.start.column) \(f.ruleId) \(f.severity) \(f.message)"
    }

    @Test func thereAreFoldersToCheck() {
        #expect(Self.folders.count >= 40, "\(Self.folders)")
    }

    @Test(arguments: folders)
    func focusedLintFindsWhatAFullLintFindsInTheFocusedFile(_ folder: String) throws {
        let files = try OrderIndependenceTests.files(of: folder)
        #expect(!files.isEmpty)
        let full = Linter().lint(files: files).findings
        for file in files {
            let path = file.path
            var options = LintOptions()
            options.focus = { $0 == path }
            let focused = Linter(options: options).lint(files: files).findings.filter { $0.location.file == path }.map(Self.key)
            let expected = full.filter { $0.location.file == path }.map(Self.key)
            #expect(focused == expected, "\(path): focused \(focused.count) findings, full \(expected.count)")
        }
    }
}
