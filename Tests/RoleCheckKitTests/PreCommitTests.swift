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

/// Runs the real pre-commit tool (from PyPI) against a temporary repository with this package as
/// the hook repository. pre-commit builds the hook with `swift build -c release`, which takes
/// minutes, so the test runs under CI=true (where .ci/run installs pre-commit) or with
/// ROLECHECK_PRECOMMIT_TEST=1, and says so when it skips.
@Suite(.serialized) struct PreCommitTests {
    static var enabled: Bool {
        TestSupport.isCI || ProcessInfo.processInfo.environment["ROLECHECK_PRECOMMIT_TEST"] == "1"
    }

    struct Run { var status: Int32; var output: String }

    func run(_ args: [String], in dir: String, env: [String: String] = [:]) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    @Test func hookReportsBrokenFilesAndPassesGoodOnes() throws {
        guard Self.enabled else {
            print("note: skipping the pre-commit test (set ROLECHECK_PRECOMMIT_TEST=1; it runs under CI=true)")
            return
        }
        let version = try? run(["pre-commit", "--version"], in: "/")
        guard let version, version.status == 0 else {
            Issue.record("pre-commit is not installed (python3 -m pip install pre-commit)")
            return
        }
        let dir = NSTemporaryDirectory() + "rolecheck-precommit-\(getpid())"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "{\"AuthorizationConfiguration\": {\"IAMConfiguration\": {\"EnableApplicationScopedIAMRole\": false}}}\n"
            .write(toFile: dir + "/bad.json", atomically: true, encoding: .utf8)
        try "AuthorizationConfiguration:\n  IAMConfiguration:\n    EnableApplicationScopedIAMRole: true\n"
            .write(toFile: dir + "/good.yaml", atomically: true, encoding: .utf8)
        #expect(try run(["git", "init", "-q"], in: dir).status == 0)
        #expect(try run(["git", "add", "."], in: dir).status == 0)
        // The hook environment is cached under .build-precommit (ignored by git) between runs.
        let env = ["PRE_COMMIT_HOME": TestSupport.packageRoot + "/.build-precommit"]
        let bad = try run(["pre-commit", "try-repo", TestSupport.packageRoot, "rolecheck", "--files", "bad.json", "good.yaml"], in: dir, env: env)
        #expect(bad.status == 1, "\(bad.output)")
        #expect(bad.output.contains("bad.json:1:88: error[RC205]"), "\(bad.output)")
        let good = try run(["pre-commit", "try-repo", TestSupport.packageRoot, "rolecheck", "--files", "good.yaml"], in: dir, env: env)
        #expect(good.status == 0, "\(good.output)")
        #expect(good.output.contains("Passed"), "\(good.output)")
    }
}
