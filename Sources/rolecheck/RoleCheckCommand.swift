import ArgumentParser
import RoleCheckKit

/// Exit codes: 0 nothing at or above the threshold; 1 findings at or above it; 2 usage error,
/// unreadable input, unwritable output or internal error.
enum Exit {
    static let clean: Int32 = 0
    static let findings: Int32 = 1
    static let usage: Int32 = 2
}

/// A failure that ends the command with exit code 2 and a message on stderr.
struct UsageFailure: Error, CustomStringConvertible {
    var description: String
}

struct RoleCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rolecheck",
        abstract: "Lint SageMaker Studio ↔ Amazon EMR runtime-role setups before they are deployed.",
        discussion: """
        Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it; \
        2 usage error, unreadable input, unwritable output.
        """,
        version: "rolecheck \(RoleCheck.version)\nIAM catalog: \(IAMCatalog.source), data of \(IAMCatalog.dataDate)",
        subcommands: [Lint.self, FixCommand.self, ScaffoldCommand.self, Collect.self, Audit.self, Simulate.self, Graph.self, Rules.self, Explain.self, Docs.self,
                      CatalogCommand.self],
        defaultSubcommand: nil
    )
}

enum FailOn: String, ExpressibleByArgument, CaseIterable {
    case error, warning, note, never

    var threshold: Severity? {
        switch self {
        case .error: .error
        case .warning: .warning
        case .note: .note
        case .never: nil
        }
    }
}

enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never
}

extension OutputFormat: ExpressibleByArgument {}

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lint files and folders (folders are searched for .json, .yaml and .yml files).",
        discussion: "Use - to read standard input (recognised by content, or by --stdin-filename)."
    )

    @Argument(help: "Files or folders to lint; - for standard input.")
    var paths: [String]

    @Option(help: "Report format.")
    var format: OutputFormat = .text

    @Option(help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a finding is at or above this severity (default: the configuration's fail-on, else error).")
    var failOn: FailOn?

    @Flag(help: "Report only findings at or above --fail-on, without source lines or summary.")
    var quiet = false

    @Option(help: "Colour in text output; auto means on a terminal, unless NO_COLOR is set.")
    var color: ColorChoice = .auto

    @Option(name: .customLong("stdin-filename"), help: "The name to report standard input under; its extension picks JSON or YAML.")
    var stdinFilename: String?

    @Option(help: "The configuration file (default: rolecheck.yaml or .rolecheck.yaml at the root of a linted folder, else upward from here).")
    var config: String?

    @Option(help: ArgumentHelp("Report only the findings this baseline file does not hold (default: the configuration's baseline).", valueName: "file"))
    var baseline: String?

    @Option(name: .customLong("write-baseline"), help: ArgumentHelp("Record the findings of this run in a baseline file, then report as if it were in use.", valueName: "file"))
    var writeBaseline: String?

    @Option(help: ArgumentHelp("An IAM catalog directory (from rolecheck catalog update) laid over the embedded catalog (default: the configuration's catalog, else none).", valueName: "dir"))
    var catalog: String?

    func validate() throws {
        if paths.isEmpty { throw ValidationError("name at least one file or folder to lint") }
        if paths.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input (-) can be named only once") }
    }

    func run() throws {
        // Open the output first: an unwritable --output fails before any work.
        var sink: OutputSink
        if let output {
            sink = try OutputSink.file(output)
        } else {
            sink = .standardOutput
        }

        let prepared = try PreparedRun.prepare(paths: paths, config: config, failOn: failOn, baseline: baseline,
                                               useBaseline: writeBaseline == nil, stdinFilename: stdinFilename,
                                               catalog: catalog)
        let (options, threshold, inputs, inputErrors, configuration) =
            (prepared.options, prepared.threshold, prepared.inputs, prepared.inputErrors, prepared.options.configuration)

        let analysis = Linter(options: options).analyze(inputs: inputs)
        var report = analysis.report
        // The process exits right after reporting: freeing the setup (every document, node and
        // policy of the run) object by object would cost more than the system reclaiming it.
        ProcessLifetime.keep(analysis.setup, inputs)
        if let shown = prepared.shown { report.keepOnly(files: shown) }
        if let writeBaseline {
            let recorded = Baseline(findings: report.findings)
            do {
                try OutputSink.writeFile(recorded.render(), to: writeBaseline)
            } catch let failure as UsageFailure {
                // OutputSink speaks of --output; keep its reason (the text after the last ": ").
                let reason = failure.description.split(separator: ": ").last.map(String.init) ?? failure.description
                throw UsageFailure(description: "cannot write --write-baseline \(writeBaseline): \(reason)")
            }
            report.applyBaseline(recorded)
        }
        if quiet, let threshold {
            report.findings = report.findings.filter { $0.severity >= threshold }
        }

        let (rendered, summary) = ReportRendering.render(
            report, format: format, quiet: quiet, color: color.resolved(toStandardOutput: output == nil), threshold: threshold,
            setup: analysis.setup, configuration: configuration)
        try sink.write(rendered)
        try sink.close()
        if let summary, let path = Terminal.env("GITHUB_STEP_SUMMARY"), !path.isEmpty {
            try OutputSink.append(summary, to: path)
        }

        for error in inputErrors {
            Terminal.writeError("rolecheck: error: \(error.description)\n")
        }
        let changed = SourceFile.changedSinceRead
        for path in changed {
            Terminal.writeError("rolecheck: error: \(path) changed on disk while it was being checked; positions in it are not reliable: run again\n")
        }
        if !inputErrors.isEmpty || !changed.isEmpty { throw ExitCode(Exit.usage) }
        if report.fails(at: threshold) { throw ExitCode(Exit.findings) }
    }
}

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List every rule: id, default severity, category and title.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(help: "Listing format.")
    var format: Format = .text

    func run() throws {
        let rules = RuleCatalog.summaries.sorted { $0.id < $1.id }
        switch format {
        case .text:
            var out = ""
            let width = max(8, rules.map(\.category.count).max() ?? 8)
            for r in rules {
                let sev = r.severity.rawValue.padding(7)
                out += "\(r.id)  \(sev)  \(r.category.padding(width))  \(r.title)\n"
            }
            Terminal.writeOutput(out)
        case .json:
            let items = rules.map { r in
                "  {\"id\": \(jsonString(r.id)), \"severity\": \(jsonString(r.severity.rawValue)), \"category\": \(jsonString(r.category)), \"title\": \(jsonString(r.title)), \"tags\": [\(r.tags.map(jsonString).joined(separator: ", "))]}"
            }
            Terminal.writeOutput("[\n" + items.joined(separator: ",\n") + "\n]\n")
        }
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a rule's documentation, with its examples.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, markdown }

    @Argument(help: "A rule id, such as RC205.")
    var ruleId: String

    @Option(help: "Documentation format.")
    var format: Format = .text

    func run() throws {
        guard let rule = RuleCatalog.description(for: ruleId) else {
            let known = RuleCatalog.summaries.map(\.id).sorted().joined(separator: ", ")
            throw UsageFailure(description: "unknown rule '\(ruleId)'; known rules: \(known)")
        }
        Terminal.writeOutput(format == .text ? RuleDocumentation.text(rule) : RuleDocumentation.markdown(rule))
    }
}

/// Writes docs/rules/RCnnn.md from the embedded metadata (`rolecheck docs docs/rules`).
struct Docs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write every rule's Markdown documentation into a folder.",
        shouldDisplay: false
    )

    @Argument(help: "The folder to write RCnnn.md files into.")
    var folder: String

    func run() throws {
        for rule in RuleCatalog.all {
            try OutputSink.writeFile(RuleDocumentation.markdown(rule), to: folder + "/" + rule.id + ".md")
        }
        var index = "# Rules\n\n| id | severity | category | title |\n|---|---|---|---|\n"
        for r in RuleCatalog.summaries.sorted(by: { $0.id < $1.id }) {
            index += "| [\(r.id)](\(r.id).md) | \(r.severity.rawValue) | \(r.category) | \(r.title) |\n"
        }
        try OutputSink.writeFile(index, to: folder + "/README.md")
    }
}

func jsonString(_ s: String) -> String { JSONText.quoted(s) }

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

/// Objects the process keeps until it exits instead of freeing them one by one.
enum ProcessLifetime {
    nonisolated(unsafe) private static var kept: [Any] = []

    static func keep(_ objects: Any...) { kept.append(contentsOf: objects) }
}
