import RoleCheckKit

extension ColorChoice {
    /// Whether text output is coloured: `always`, `never`, or (`auto`) when it goes to a terminal
    /// on standard output and NO_COLOR is not set.
    func resolved(toStandardOutput: Bool) -> Bool {
        switch self {
        case .always: true
        case .never: false
        case .auto: toStandardOutput && Terminal.isTerminal(1) && Terminal.env("NO_COLOR") == nil
        }
    }
}

/// A report in one of `--format`'s formats, as `lint` and `fix` write it.
enum ReportRendering {
    /// The rendered report, and GitHub's step summary for `--format github`.
    static func render(_ report: LintReport, format: OutputFormat, quiet: Bool, color: Bool, threshold: Severity?,
                       setup: Setup, configuration: Configuration?) -> (text: String, summary: String?) {
        switch format {
        case .text:
            let reporter = TextReporter(color: color)
            return (quiet ? reporter.renderQuiet(report) : reporter.render(report), nil)
        case .json:
            return (JSONReporter().render(report), nil)
        case .sarif:
            return (SARIFReporter(srcRoot: Terminal.currentDirectory().map { $0.hasSuffix("/") ? $0 : $0 + "/" }).render(report), nil)
        case .gitlab:
            return (GitLabReporter(root: Terminal.currentDirectory()).render(report), nil)
        case .junit:
            return (JUnitReporter(failureThreshold: threshold, root: Terminal.currentDirectory()).render(report), nil)
        case .github:
            let out = GitHubReporter().render(report, graph: SetupGraph.build(setup, findings: report.findings))
            return (out.log, out.summary)
        case .html:
            return (HTMLReporter(setup: configuration?.setup).render(report, graph: SetupGraph.build(setup, findings: report.findings)), nil)
        }
    }
}
