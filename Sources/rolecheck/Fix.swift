#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import RoleCheckKit

struct FixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fix",
        abstract: "Apply the fixes rolecheck is certain of, then report what remains.",
        discussion: """
        Fixes edit the files in place at the findings' positions; formatting, comments and key \
        order stay as they were. rolecheck lints again after fixing (a fix can make another \
        possible) and reports what remains; the exit code is lint's on that. A second run changes \
        nothing. Standard input cannot be fixed.
        """
    )

    @Argument(help: "Files or folders to fix.")
    var paths: [String]

    @Option(name: .customLong("rule"), help: ArgumentHelp("Fix only this rule's findings (repeatable).", valueName: "RCnnn"))
    var rules: [String] = []

    @Flag(name: .customLong("dry-run"), help: "Change no file; report what would remain.")
    var dryRun = false

    @Flag(help: "Print the changes as a unified diff instead of the report, and change no file.")
    var diff = false

    @Option(help: "Report format for what remains (text, json or sarif).")
    var format: OutputFormat = .text

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a remaining finding is at or above this severity (default: the configuration's fail-on, else error).")
    var failOn: FailOn?

    @Flag(help: "Report only remaining findings at or above --fail-on, without source lines or summary.")
    var quiet = false

    @Option(help: "Colour in text output; auto means on a terminal, unless NO_COLOR is set.")
    var color: ColorChoice = .auto

    @Option(help: "The configuration file (default: rolecheck.yaml or .rolecheck.yaml at the root of a linted folder, else upward from here).")
    var config: String?

    @Option(help: ArgumentHelp("An IAM catalog directory (from rolecheck catalog update) laid over the embedded catalog (default: the configuration's catalog, else none).", valueName: "dir"))
    var catalog: String?

    @Option(help: ArgumentHelp("Leave alone the findings this baseline file holds (default: the configuration's baseline).", valueName: "file"))
    var baseline: String?

    func validate() throws {
        if paths.isEmpty { throw ValidationError("name at least one file or folder to fix") }
        if paths.contains("-") { throw ValidationError("standard input cannot be fixed: name the files") }
        for r in rules where RuleCatalog.summary(for: r) == nil {
            throw ValidationError("unknown rule \(r) in --rule (rolecheck rules lists them)")
        }
        if ![.text, .json, .sarif].contains(format) { throw ValidationError("fix reports in text, json or sarif") }
    }

    func run() throws {
        var prepared = try PreparedRun.prepare(paths: paths, config: config, failOn: failOn, baseline: baseline,
                                               useBaseline: true, stdinFilename: nil, catalog: catalog)
        // Files are rewritten from the bytes that were parsed: keep every file's bytes in memory.
        prepared.options.limits.releaseTextAbove = nil
        let wanted = Set(rules)
        let shown = prepared.shown
        let outcome = Fixer.run(Linter(options: prepared.options), inputs: prepared.inputs) { finding in
            (wanted.isEmpty || wanted.contains(finding.ruleId)) && (shown?(finding.location.file) ?? true)
        }
        var report = outcome.report
        ProcessLifetime.keep(outcome.setup, outcome.inputs)
        if let shown { report.keepOnly(files: shown) }
        if quiet, let threshold = prepared.threshold { report.findings = report.findings.filter { $0.severity >= threshold } }

        let write = !dryRun && !diff
        var written: [String] = []
        if write {
            for change in outcome.changes {
                try Self.replace(change.path, with: change.after)
                written.append(change.path)
            }
        }

        if diff {
            var out = ""
            for change in outcome.changes {
                out += UnifiedDiff.render(path: change.path, before: change.before, after: change.after)
            }
            Terminal.writeOutput(out)
        } else {
            let rendered = ReportRendering.render(
                report, format: format, quiet: quiet, color: color.resolved(toStandardOutput: true), threshold: prepared.threshold,
                setup: outcome.setup, configuration: prepared.options.configuration).text
            Terminal.writeOutput(rendered)
        }
        Terminal.writeError(Self.summary(outcome, written: write))
        for error in prepared.inputErrors {
            Terminal.writeError("rolecheck: error: \(error.description)\n")
        }
        if !prepared.inputErrors.isEmpty { throw ExitCode(Exit.usage) }
        if report.fails(at: prepared.threshold) { throw ExitCode(Exit.findings) }
    }

    /// "rolecheck: fixed 3 findings in 2 files (RC205, RC302 ×2)", or what would be fixed.
    static func summary(_ outcome: FixOutcome, written: Bool) -> String {
        var counts: [String: Int] = [:]
        for f in outcome.applied { counts[f.ruleId, default: 0] += 1 }
        let rules = counts.keys.sorted().map { counts[$0]! > 1 ? "\($0) ×\(counts[$0]!)" : $0 }.joined(separator: ", ")
        let n = outcome.applied.count, files = outcome.changes.count
        var out: String
        if n == 0 {
            out = "rolecheck: nothing to fix\n"
        } else {
            out = "rolecheck: \(written ? "fixed" : "would fix") \(n) finding\(n == 1 ? "" : "s") in \(files) file\(files == 1 ? "" : "s") (\(rules))\n"
        }
        for (f, reason) in outcome.notApplied {
            out += "rolecheck: not fixed: \(f.location.file):\(f.location.range.start.line):\(f.location.range.start.column) \(f.ruleId): \(reason)\n"
        }
        return out
    }

    /// Writes a file's new bytes through a temporary file beside it, renamed over it (a reader
    /// never sees half a file), keeping its permissions.
    static func replace(_ path: String, with bytes: [UInt8]) throws {
        var st = stat()
        let mode: mode_t = stat(path, &st) == 0 ? st.st_mode & 0o7777 : 0o644
        let tmp = path + ".rolecheck-fix.\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw UsageFailure(description: "cannot write \(path): \(String(cString: strerror(errno)))") }
        var done = 0
        let ok = bytes.withUnsafeBytes { buf -> Bool in
            while done < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + done, buf.count - done)
                if n <= 0 { return false }
                done += n
            }
            return true
        }
        let closed = close(fd) == 0
        guard ok, closed, rename(tmp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw UsageFailure(description: "cannot write \(path): \(reason)")
        }
    }
}
