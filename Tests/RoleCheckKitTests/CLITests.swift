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

/// Runs the built `rolecheck` executable (built by `swift test` beside the test bundle).
@Suite(.serialized) struct CLITests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The issue-2 samples: security configurations and broken input files.
    static let basicSamples = ["samples/security-configuration", "samples/broken-input"]

    static var binary: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundle.appendingPathComponent("rolecheck").path
    }

    @discardableResult
    func run(_ args: [String], stdin: String? = nil, env: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = args
        process.currentDirectoryURL = URL(fileURLWithPath: TestSupport.packageRoot)
        var environment = ProcessInfo.processInfo.environment
        environment["GITHUB_STEP_SUMMARY"] = nil
        environment["NO_COLOR"] = nil
        for (k, v) in env { environment[k] = v }
        process.environment = environment
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                   stderr: String(decoding: e, as: UTF8.self))
    }

    /// `file:line:col ruleId` of each finding in a JSON report.
    func findings(_ json: String) throws -> [String] {
        let doc = try JSONParser.parse(file: SourceFile(path: "report.json", text: json)).get()
        return try #require(doc.root["findings"]).elements.map { f in
            let loc = f["location"]!
            return "\(loc["file"]!.string!):\(loc["line"]!.scalarText!):\(loc["column"]!.scalarText!) \(f["ruleId"]!.string!)"
        }
    }

    @Test func workingSamplesExitZero() throws {
        let r = try run(["lint", "samples/security-configuration/working"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("no findings"))
    }

    @Test func brokenSamplesExitOne() throws {
        let r = try run(["lint"] + Self.basicSamples)
        #expect(r.status == 1)
        #expect(r.stdout.contains("error[RC205]"))
    }

    /// The folders of samples/ that each form one setup and are linted on their own.
    static var sampleScenarios: [String] {
        var out = ["samples/broken-input", "samples/security-configuration"]
        let setups = TestSupport.packageRoot + "/samples/setups"
        for name in TestSupport.listDirectory(setups) where Inputs.isDirectory(setups + "/" + name) {
            if name == "broken" {
                for b in TestSupport.listDirectory(setups + "/broken") where Inputs.isDirectory(setups + "/broken/" + b) {
                    out.append("samples/setups/broken/" + b)
                }
            } else {
                out.append("samples/setups/" + name)
            }
        }
        for folder in ["samples/terraform/same-account-jupyterlab", "samples/terraform/broken/trust-names-ec2-service",
                       "samples/cloudformation/same-account-jupyterlab", "samples/cloudformation/broken/trust-names-ec2-service",
                       "samples/terraform-hcl/same-account-jupyterlab", "samples/terraform-hcl/broken/trust-names-ec2-service",
                       "samples/terraform-hcl/broken/release-too-old"] {
            out.append(folder)
        }
        return out.sorted()
    }

    /// samples/expected-findings.txt is the contract for the samples: for each scenario folder,
    /// linted on its own, every finding (file:line:column rule severity). UPDATE_SNAPSHOTS=1
    /// rewrites it; review the diff.
    @Test func samplesProduceExactlyTheExpectedFindings() throws {
        var actual = "# Findings of `rolecheck lint <folder>` for each sample scenario, linted on its own:\n"
        actual += "# file:line:column rule severity. The CLI test holds rolecheck to this file; samples/README.md\n"
        actual += "# and samples/setups/README.md explain each scenario.\n"
        for folder in Self.sampleScenarios {
            let r = try run(["lint", folder, "--format", "json", "--fail-on", "never"])
            #expect(r.status == 0, "\(folder): \(r.stderr)")
            actual += "\n[\(folder)]\n"
            for line in try findingsWithSeverity(r.stdout) { actual += line + "\n" }
        }
        let path = TestSupport.packageRoot + "/samples/expected-findings.txt"
        if ProcessInfo.processInfo.environment["UPDATE_SNAPSHOTS"] == "1" {
            try actual.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        let expected = String(decoding: try #require(TestSupport.readFile(path)), as: UTF8.self)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let extra = a.filter { !e.contains($0) }, missing = e.filter { !a.contains($0) }
        #expect(extra.isEmpty && missing.isEmpty, "samples changed; new: \(extra); gone: \(missing) (UPDATE_SNAPSHOTS=1 rewrites the file)")
    }

    /// The SARIF of every sample scenario, as the CLI writes it, is valid against the official
    /// SARIF 2.1.0 schema (Draft 4, as declared, and Draft 7).
    @Test func everySampleScenarioGivesValidSARIF() throws {
        // sharedData records a failure under CI=true when the schema is missing.
        guard let schema = TestSupport.sharedData("sarif").map({ $0 + "/sarif-schema-2.1.0.json" }) else { return }
        var documents: [String] = []
        for folder in Self.sampleScenarios {
            let r = try run(["lint", folder, "--format", "sarif", "--fail-on", "never"])
            #expect(r.status == 0, "\(folder): \(r.stderr)")
            documents.append(r.stdout)
        }
        #expect(documents.count == Self.sampleScenarios.count)
        ReportingTests.Helpers.expectValid(documents: documents, schemaPath: schema, alsoDraft7: true)
    }

    func findingsWithSeverity(_ json: String) throws -> [String] {
        let doc = try JSONParser.parse(file: SourceFile(path: "report.json", text: json)).get()
        return try #require(doc.root["findings"]).elements.map { f in
            let loc = f["location"]!
            return "\(loc["file"]!.string!):\(loc["line"]!.scalarText!):\(loc["column"]!.scalarText!) \(f["ruleId"]!.string!) \(f["severity"]!.string!)"
        }
    }

    @Test func missingPathIsExitTwo() throws {
        let r = try run(["lint", "samples/does-not-exist.json"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("samples/does-not-exist.json: no such file or folder"))
    }

    @Test func unwritableOutputIsExitTwoBeforeLinting() throws {
        let r = try run(["lint"] + Self.basicSamples + ["--output", "/nonexistent-folder/report.sarif"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("cannot write --output /nonexistent-folder/report.sarif"))
        #expect(r.stdout.isEmpty)
    }

    @Test func usageErrorsAreExitTwo() throws {
        #expect(try run(["lint", "samples/broken-input", "--format", "xml"]).status == 2)
        #expect(try run(["lint"]).status == 2)
        #expect(try run(["frobnicate"]).status == 2)
        let explain = try run(["explain", "RC999"])
        #expect(explain.status == 2)
        #expect(explain.stderr.contains("unknown rule 'RC999'"))
    }

    @Test func failOnThreshold() throws {
        let quoted = "samples/security-configuration/broken/runtime-roles-quoted.yaml"
        #expect(try run(["lint", quoted]).status == 0) // only a warning
        #expect(try run(["lint", quoted, "--fail-on", "warning"]).status == 1)
        #expect(try run(["lint"] + Self.basicSamples + ["--fail-on", "never"]).status == 0)
    }

    @Test func quietShowsOnlyFindingsAtTheThreshold() throws {
        let r = try run(["lint"] + Self.basicSamples + ["--quiet"])
        #expect(r.status == 1)
        #expect(!r.stdout.contains("note[RC003]"))
        #expect(!r.stdout.contains("warning[RC205]"))
        #expect(r.stdout.contains("error[RC205]"))
    }

    @Test func standardInputIsRecognisedByContentOrName() throws {
        let yaml = "AuthorizationConfiguration:\n  IAMConfiguration:\n    EnableApplicationScopedIAMRole: false\n"
        let r = try run(["lint", "-", "--format", "json"], stdin: yaml)
        #expect(r.status == 1)
        #expect(try findings(r.stdout) == ["<stdin>:3:37 RC205"])
        let named = try run(["lint", "-", "--stdin-filename", "cfg/sc.json", "--format", "json"], stdin: "{\"a\": 1,}")
        #expect(try findings(named.stdout) == ["cfg/sc.json:1:9 RC001"])
    }

    @Test func outputIsDeterministic() throws {
        for format in ["text", "json", "sarif", "github", "gitlab", "junit", "html"] {
            let a = try run(["lint", "samples", "--format", format])
            let b = try run(["lint", "samples", "--format", format])
            #expect(a.stdout.utf8.count > 1_000)
            #expect(a.stdout == b.stdout && !a.stdout.isEmpty, "\(format) output differs between runs")
        }
    }

    @Test func outputFileReceivesTheReport() throws {
        let path = NSTemporaryDirectory() + "rolecheck-cli-\(getpid()).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try run(["lint"] + Self.basicSamples + ["--format", "json", "--output", path])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(try findings(written).contains { $0.hasSuffix("RC205") })
    }

    @Test func githubFormatWritesTheStepSummary() throws {
        let path = NSTemporaryDirectory() + "rolecheck-summary-\(getpid()).md"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try run(["lint"] + Self.basicSamples + ["--format", "github"], env: ["GITHUB_STEP_SUMMARY": path])
        #expect(r.status == 1)
        #expect(r.stdout.contains("::error file=samples/security-configuration/broken/runtime-roles-disabled.json,line=4"))
        let summary = try String(contentsOfFile: path, encoding: .utf8)
        #expect(summary.contains("RC205"))
    }

    /// GitLab and JUnit reports from the command line: the exit code is lint's; paths named
    /// absolutely below the working directory are written relative to it; JUnit fails the
    /// findings at or above --fail-on.
    @Test func gitlabAndJUnitFormats() throws {
        let broken = "samples/security-configuration/broken/runtime-roles-disabled.json"
        let gitlab = try run(["lint", TestSupport.packageRoot + "/" + broken, "--format", "gitlab"])
        #expect(gitlab.status == 1)
        let issues = try JSONParser.parse(file: SourceFile(path: "gl.json", text: gitlab.stdout)).get().root
        #expect(issues.elements.map { $0["location"]?["path"]?.string } == [broken])
        #expect(issues.elements.map { $0["severity"]?.string } == ["critical"])
        let quoted = "samples/security-configuration/broken/runtime-roles-quoted.yaml"
        let warnOnly = try run(["lint", quoted, "--format", "junit"])
        #expect(warnOnly.status == 0)
        #expect(warnOnly.stdout.contains("failures=\"0\"") && !warnOnly.stdout.contains("<failure "))
        let failOnWarning = try run(["lint", quoted, "--format", "junit", "--fail-on", "warning"])
        #expect(failOnWarning.status == 1)
        #expect(failOnWarning.stdout.contains("<testsuite name=\"\(quoted)\" tests=\"1\" failures=\"1\""))
        #expect(failOnWarning.stdout.contains("<failure message=\"EnableApplicationScopedIAMRole is the string"))
    }

    @Test func rulesExplainAndVersion() throws {
        let rules = try run(["rules", "--format", "json"])
        #expect(rules.status == 0)
        let doc = try JSONParser.parse(file: SourceFile(path: "rules.json", text: rules.stdout)).get()
        #expect(doc.root.elements.compactMap { $0["id"]?.string } == RuleCatalog.summaries.map(\.id).sorted())
        let explain = try run(["explain", "rc205"])
        #expect(explain.status == 0)
        #expect(explain.stdout.hasPrefix("RC205: Security configuration does not enable runtime roles"))
        #expect(explain.stdout.contains("↓false"))
        let version = try run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("rolecheck \(RoleCheck.version)"))
    }

    @Test func symlinkLoopsAndHiddenFoldersAreHandled() throws {
        let dir = NSTemporaryDirectory() + "rolecheck-loop-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/a/.hidden", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/a/loop", withDestinationPath: dir)
        try "{\"AuthorizationConfiguration\": {\"IAMConfiguration\": {}}}".write(toFile: dir + "/a/sc.json", atomically: true, encoding: .utf8)
        try "{oops".write(toFile: dir + "/a/.hidden/skip.json", atomically: true, encoding: .utf8)
        let r = try run(["lint", dir, "--format", "json"])
        #expect(r.status == 1)
        #expect(try findings(r.stdout) == ["\(dir)/a/sc.json:1:33 RC205"])
    }

    /// A run that reads nothing is no clean run: exit 2 with what was skipped, never "no findings
    /// in 0 files". `extensions:` in the configuration reads more, by content.
    @Test func aRunThatReadsNothingIsAUsageError() throws {
        let dir = NSTemporaryDirectory() + "rolecheck-nothing-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/tf", withIntermediateDirectories: true)
        try "# notes\n".write(toFile: dir + "/tf/notes.md", atomically: true, encoding: .utf8)
        try "{\"AuthorizationConfiguration\": {\"IAMConfiguration\": {\"EnableApplicationScopedIAMRole\": false}}}"
            .write(toFile: dir + "/sc.template", atomically: true, encoding: .utf8)
        let r = try run(["lint", dir])
        #expect(r.status == 2)
        #expect(r.stderr.contains("no file to lint in \(dir): 2 files skipped because rolecheck reads only .json, .yaml, .yml, .tf"), "\(r.stderr)")
        #expect(r.stderr.contains("notes.md") && r.stderr.contains("extensions:"))
        #expect(r.stdout.isEmpty)

        try FileManager.default.createDirectory(atPath: dir + "/empty", withIntermediateDirectories: true)
        let empty = try run(["lint", dir + "/empty"])
        #expect(empty.status == 2 && empty.stderr.contains("the folders hold no file"), "\(empty.stderr)")

        // The configuration names another extension: the .template file is read by its content.
        try "extensions: [.template]\n".write(toFile: dir + "/rolecheck.yaml", atomically: true, encoding: .utf8)
        let more = try run(["lint", dir, "--config", dir + "/rolecheck.yaml", "--format", "json"])
        #expect(more.status == 1, "\(more.stderr)")
        #expect(try findings(more.stdout) == ["\(dir)/sc.template:1:88 RC205"])
    }

    /// With a setup context in the configuration and only files named, the context completes the
    /// setup but only the named files' findings are reported (the pre-commit case).
    @Test func changedFilesModeReportsOnlyTheNamedFiles() throws {
        let dir = NSTemporaryDirectory() + "rolecheck-changed-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.copyItem(atPath: TestSupport.packageRoot + "/samples/setups/broken/trust-names-ec2-service", toPath: dir)
        try "setup:\n  context:\n    - .\n".write(toFile: dir + "/rolecheck.yaml", atomically: true, encoding: .utf8)
        func lint(_ args: [String]) throws -> Run {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.binary)
            process.arguments = ["lint"] + args + ["--format", "json"]
            process.currentDirectoryURL = URL(fileURLWithPath: dir)
            let out = Pipe()
            process.standardOutput = out
            process.standardError = Pipe()
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Run(status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self), stderr: "")
        }
        // The trust policy's file: the chain (cluster, instance profile) comes from the context.
        let changed = try lint(["444455556666-data/iam.json"])
        #expect(changed.status == 1)
        #expect(try findings(changed.stdout).filter { !$0.hasSuffix("RC400") } == ["444455556666-data/iam.json:133:40 RC305"])
        // Another file of the setup: the RC305 is not its finding.
        let other = try lint(["444455556666-data/describe-cluster.json"])
        #expect(other.status == 0)
        #expect(try findings(other.stdout).isEmpty)
        // Without the context there is no chain, but the export itself names the role as a
        // runtime role (the access role's ExecutionRoleArn condition): its EC2-only trust is
        // still RC305.
        try "setup:\n  accounts: {}\n".write(toFile: dir + "/rolecheck.yaml", atomically: true, encoding: .utf8)
        let alone = try lint(["444455556666-data/iam.json"])
        #expect(alone.status == 1)
        #expect(try findings(alone.stdout).filter { $0.hasSuffix("RC305") } == ["444455556666-data/iam.json:133:40 RC305"])
    }

    @Test func unreadableFileIsExitTwoButOthersAreLinted() throws {
        guard getuid() != 0 else {
            // root reads any file; use a path that is a folder-turned-file error instead.
            let r = try run(["lint", "samples/security-configuration/working", "/proc/self/mem"])
            #expect(r.status == 2)
            #expect(r.stderr.contains("/proc/self/mem"))
            return
        }
        let path = NSTemporaryDirectory() + "rolecheck-unreadable-\(getpid()).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "{}".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0)
        let r = try run(["lint", path])
        #expect(r.status == 2)
    }
}
