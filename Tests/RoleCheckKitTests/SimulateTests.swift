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

/// Snapshot tests of `rolecheck simulate`: the exact output (text and JSON) and exit code for
/// questions a runtime-role setup asks. Run with UPDATE_SNAPSHOTS=1 to rewrite the snapshots,
/// then review the diff.
@Suite(.serialized) struct SimulateTests {
    static let fixtures = "Tests/RoleCheckKitTests/Fixtures/simulate/"

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var args: [String]
        var status: Int32
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "trust-allows-assume-role", args: [
            "--principal", "arn:aws:iam::111122223333:role/EMR_EC2_DefaultRole", "--action", "sts:AssumeRole",
            "--resource", "arn:aws:iam::111122223333:role/emr-runtime-ml-analyst",
            "--resource-policy", fixtures + "runtime-role-trust.json",
        ], status: 0),
        Case(name: "trust-lacks-tag-session", args: [
            "--principal", "arn:aws:iam::111122223333:role/EMR_EC2_DefaultRole", "--action", "sts:TagSession",
            "--resource", "arn:aws:iam::111122223333:role/emr-runtime-ml-analyst",
            "--resource-policy", fixtures + "runtime-role-trust.json",
            "--identity-policy", fixtures + "instance-profile-role-policy.json",
        ], status: 1),
        Case(name: "session-credentials-allowed", args: [
            "--principal", "arn:aws:sts::111122223333:assumed-role/studio-execution-role/alice",
            "--action", "elasticmapreduce:GetClusterSessionCredentials",
            "--resource", "arn:aws:elasticmapreduce:us-east-1:111122223333:cluster/j-2AXXXXXXGAPLF",
            "--identity-policy", fixtures + "studio-execution-role-policy.yaml",
            "--context", "elasticmapreduce:ExecutionRoleArn=arn:aws:iam::111122223333:role/emr-runtime-ml-analyst",
            "--context", "aws:SourceIp=10.1.2.3",
        ], status: 0),
        Case(name: "session-credentials-wrong-role", args: [
            "--principal", "arn:aws:sts::111122223333:assumed-role/studio-execution-role/alice",
            "--action", "elasticmapreduce:GetClusterSessionCredentials",
            "--resource", "arn:aws:elasticmapreduce:us-east-1:111122223333:cluster/j-2AXXXXXXGAPLF",
            "--identity-policy", fixtures + "studio-execution-role-policy.yaml",
            "--context", "elasticmapreduce:ExecutionRoleArn=arn:aws:iam::111122223333:role/emr-runtime-finance",
            "--context", "aws:SourceIp=10.1.2.3", "--format", "json",
        ], status: 1),
        Case(name: "session-credentials-denied-outside-network", args: [
            "--principal", "arn:aws:sts::111122223333:assumed-role/studio-execution-role/alice",
            "--action", "elasticmapreduce:GetClusterSessionCredentials",
            "--resource", "arn:aws:elasticmapreduce:us-east-1:111122223333:cluster/j-2AXXXXXXGAPLF",
            "--identity-policy", fixtures + "studio-execution-role-policy.yaml",
            "--context", "elasticmapreduce:ExecutionRoleArn=arn:aws:iam::111122223333:role/emr-runtime-ml-analyst",
            "--context", "aws:SourceIp=203.0.113.7",
        ], status: 1),
        Case(name: "cross-account-access-role-via-account-root", args: [
            "--principal", "arn:aws:sts::111122223333:assumed-role/studio-execution-role/alice",
            "--action", "sts:AssumeRole", "--resource", "arn:aws:iam::444455556666:role/emr-access-role",
            "--resource-policy", fixtures + "get-role-access-role.json",
        ], status: 1),
        Case(name: "cross-account-without-resource-policy", args: [
            "--principal", "arn:aws:iam::111122223333:role/EMR_EC2_DefaultRole", "--action", "sts:AssumeRole",
            "--resource", "arn:aws:iam::444455556666:role/emr-runtime-ml-analyst",
            "--identity-policy", fixtures + "instance-profile-role-policy.json", "--format", "json",
        ], status: 1),
    ]

    @Test(arguments: cases)
    func simulateOutputMatchesSnapshot(_ c: Case) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLITests.binary)
        process.arguments = ["simulate"] + c.args
        process.currentDirectoryURL = URL(fileURLWithPath: TestSupport.packageRoot)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == c.status, "\(stderr)")
        let snapshot = TestSupport.packageRoot + "/Tests/RoleCheckKitTests/Snapshots/simulate/\(c.name).txt"
        if ProcessInfo.processInfo.environment["UPDATE_SNAPSHOTS"] == "1" {
            try stdout.write(toFile: snapshot, atomically: true, encoding: .utf8)
            return
        }
        let expected = try #require(TestSupport.readFile(snapshot), "no snapshot \(snapshot); run with UPDATE_SNAPSHOTS=1 and review it")
        #expect(stdout == String(decoding: expected, as: UTF8.self))
    }

    @Test func badContextIsExitTwo() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLITests.binary)
        process.arguments = ["simulate", "--principal", "111122223333", "--action", "s3:GetObject", "--context", "novalue"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(stderr.contains("--context novalue: expected KEY=VALUE"))
    }

    @Test func invalidPolicyIsExitTwoWithItsPosition() throws {
        let dir = NSTemporaryDirectory() + "rolecheck-sim-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}]}"
            .write(toFile: dir + "/p.json", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLITests.binary)
        process.arguments = ["simulate", "--principal", "111122223333", "--action", "s3:GetObject", "--identity-policy", dir + "/p.json"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(stderr.contains("p.json:1:52: error[RC101]: Effect must be \"Allow\" exactly"))
    }
}
