import ArgumentParser
import Foundation
import RoleCheckKit
import RoleCheckCollect

/// The options `collect` and `audit` share.
struct CollectOptions: ParsableArguments {
    @Option(name: .customLong("profile"), help: ArgumentHelp("An AWS CLI profile to read an account with (repeatable; default: the CLI's default credentials).", valueName: "name"))
    var profiles: [String] = []

    @Option(name: .customLong("role-arn"), help: ArgumentHelp("A role to assume, from the first identity, to read a member account (repeatable).", valueName: "arn"))
    var roleArns: [String] = []

    @Option(name: .customLong("region"), help: ArgumentHelp("A Region to read EMR, SageMaker and Lake Formation in (repeatable; default: the CLI's configured Region).", valueName: "region"))
    var regions: [String] = []

    @Option(name: .customLong("aws-cli"), help: ArgumentHelp("The AWS CLI to run (default: aws on PATH).", valueName: "path"))
    var awsCLI: String?

    @Option(help: "Calls made at once.")
    var jobs: Int = 4

    @Option(name: .customLong("terminated-days"), help: "Also read clusters terminated within this many days.")
    var terminatedDays: Int = 14

    func validate() throws {
        if jobs < 1 || jobs > 64 { throw ValidationError("--jobs must be between 1 and 64") }
        if terminatedDays < 0 || terminatedDays > 90 { throw ValidationError("--terminated-days must be between 0 and 90") }
        for arn in roleArns where !arn.hasPrefix("arn:") || !arn.contains(":role/") {
            throw ValidationError("--role-arn \(arn) is not an IAM role ARN")
        }
    }

    /// The CLI to run: `--aws-cli`, else `aws` found on PATH.
    func resolvedCLI() throws -> String {
        if let awsCLI {
            guard FileManager.default.isExecutableFile(atPath: awsCLI) else { throw UsageFailure(description: "--aws-cli \(awsCLI) is not an executable file") }
            return awsCLI
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/aws") {
            return "\(dir)/aws"
        }
        throw UsageFailure(description: "no aws on PATH: install the AWS CLI, or name it with --aws-cli")
    }

    func collect(into output: String, quiet: Bool = false) throws -> Collector.Result {
        var o = Collector.Options(output: output)
        o.profiles = profiles
        o.roleArns = roleArns
        o.regions = regions
        o.awsCLI = try resolvedCLI()
        o.jobs = jobs
        o.terminatedDays = terminatedDays
        Collector.toolVersion = "rolecheck \(RoleCheck.version)"
        let progress = Progress(isTerminal: Terminal.isTerminal(2), quiet: quiet) { Terminal.writeError($0) }
        do {
            return try Collector(options: o, progress: progress).run()
        } catch let f as Collector.Failure {
            throw UsageFailure(description: f.description)
        } catch {
            throw UsageFailure(description: "cannot write to \(output): \(error.localizedDescription)")
        }
    }
}

struct Collect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read live accounts through the AWS CLI into folders that lint reads.",
        discussion: """
        For each account: get-account-authorization-details; per Region, EMR clusters (active and \
        recently terminated) with their security configurations, SageMaker domains, user profiles \
        and spaces, Lake Formation settings; the bucket policies of buckets runtime roles name; and, \
        where the first identity may read them, the organisation's SCPs and RCPs. Writes \
        DIR/<account-id>-<alias or profile>/ and DIR/manifest.json (every call and its outcome). \
        Calls that fail are recorded and reported by lint as gaps. Credentials are never written.
        """
    )

    @OptionGroup var collect: CollectOptions

    @Option(help: ArgumentHelp("The folder to write (created if needed).", valueName: "dir"))
    var output: String

    func run() throws {
        let result = try collect.collect(into: output)
        Terminal.writeError("collect: \(result.accounts.count) account\(result.accounts.count == 1 ? "" : "s") written to \(output); lint it with `rolecheck lint \(output)`\n")
    }
}

struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Collect live accounts into a temporary folder and lint them, in one command.",
        discussion: "Takes collect's options and lint's report options; exits as lint does."
    )

    @OptionGroup var collect: CollectOptions

    @Option(help: "Report format.")
    var format: OutputFormat = .text

    @Option(help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a finding is at or above this severity (default: error).")
    var failOn: String?

    @Option(name: .customLong("keep"), help: ArgumentHelp("Keep the collected documents in this folder instead of a temporary one.", valueName: "dir"))
    var keep: String?

    func run() throws {
        let folder = keep ?? (NSTemporaryDirectory() + "rolecheck-audit-\(ProcessInfo.processInfo.processIdentifier)")
        defer { if keep == nil { try? FileManager.default.removeItem(atPath: folder) } }
        _ = try collect.collect(into: folder)
        var args = [folder, "--format", format.rawValue]
        if let output { args += ["--output", output] }
        if let failOn { args += ["--fail-on", failOn] }
        let lint = try Lint.parse(args)
        try lint.run()
    }
}
