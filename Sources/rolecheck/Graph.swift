import ArgumentParser
import RoleCheckKit

/// `rolecheck graph`: draws the setup's chains, failing hops marked with their rule ids.
struct Graph: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw the setup: accounts, Studio and access roles, clusters, instance-profile and runtime roles, buckets.",
        discussion: "Mermaid renders in GitHub Markdown (paste it into a ```mermaid block); DOT renders with Graphviz."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case mermaid, dot }

    @Argument(help: "Files or folders, as for lint.")
    var paths: [String]

    @Option(help: "Diagram format.")
    var format: Format = .mermaid

    @Option(help: "Write the diagram to this file instead of standard output.")
    var output: String?

    @Option(help: "The configuration file, as for lint.")
    var config: String?

    func run() throws {
        let sink = try output.map { try OutputSink.file($0) } ?? .standardOutput
        var options = LintOptions()
        options.configuration = try InputLoading.configuration(explicit: config, paths: paths)
        options.catalog = try InputLoading.catalog(explicit: nil, configuration: options.configuration)
        options.terraformModuleReader = InputLoading.terraformModuleReader
        let configuration = options.configuration
        let collected = try InputLoading.collect(paths, configuration: configuration)
        let (inputs, readErrors) = InputLoading.read(collected.paths, stdinName: "<stdin>", limit: options.limits.maxFileSize)
        let errors = collected.errors + readErrors
        let (report, setup) = Linter(options: options).analyze(inputs: inputs)
        let graph = SetupGraph.build(setup, findings: report.findings)
        if graph.isEmpty {
            // Nothing to draw: say so rather than write an empty flowchart.
            try sink.write("rolecheck: no Studio → cluster → runtime role chain in these inputs, so there is nothing to draw "
                + "(a chain needs a Studio domain, user profile or Studio Classic role file, and a cluster it can reach)\n")
        } else {
            try sink.write(format == .mermaid ? graph.mermaid() : graph.dot())
        }
        try sink.close()
        for e in errors { Terminal.writeError("rolecheck: error: \(e.description)\n") }
        if !errors.isEmpty { throw ExitCode(Exit.usage) }
    }
}
