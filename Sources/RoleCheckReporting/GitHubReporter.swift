import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel
import RoleCheckRules
import RoleCheckEngine

/// Output for a GitHub Actions step: workflow commands that become annotations on the changed
/// files, and a Markdown summary for `$GITHUB_STEP_SUMMARY`.
///
/// GitHub shows at most 10 error, 10 warning and 10 notice annotations per step, and 50 per job
/// (actions/toolkit, docs/problem-matchers.md, "Limitations"); the rest are dropped without a
/// word. So annotations are written up to those limits, in report order, and the findings over
/// them are written as plain log lines after a line saying how many were not annotated.
///
/// Escaping follows the runner (actions/runner `ActionCommand.cs`, actions/toolkit `command.ts`):
/// in data, `%` `\r` `\n` become `%25` `%0D` `%0A`; in properties, `:` and `,` also become `%3A`
/// `%2C`. Plain lines never start with `::` and never contain `##[`, so text from the input cannot
/// be read as a workflow command.
public struct GitHubReporter: Sendable {
    /// Annotations of one level GitHub shows per step.
    public static let annotationsPerLevelPerStep = 10
    /// Annotations GitHub shows per job (all steps together).
    public static let annotationsPerJob = 50
    /// GitHub does not display a step summary over 1 MiB.
    public static let stepSummaryLimit = 1 << 20

    /// The most annotations written for each level (error, warning, notice).
    public var perLevelLimit: Int
    /// The most annotations written in all (what is left of the job's budget).
    public var totalLimit: Int
    /// The largest summary written, in UTF-8 bytes; rows that do not fit are counted instead.
    public var summaryByteLimit: Int

    public init(perLevelLimit: Int = GitHubReporter.annotationsPerLevelPerStep,
                totalLimit: Int = GitHubReporter.annotationsPerJob,
                summaryByteLimit: Int = GitHubReporter.stepSummaryLimit - 48 * 1024) {
        self.perLevelLimit = perLevelLimit
        self.totalLimit = totalLimit
        self.summaryByteLimit = summaryByteLimit
    }

    /// The largest Mermaid picture of failing chains put in the summary, in UTF-8 bytes (Mermaid
    /// refuses diagrams over 50,000 characters by default); chains that do not fit are counted.
    public var mermaidByteLimit = 40_000

    /// `log`: the workflow commands and log lines for standard output. `summary`: Markdown to
    /// append to `$GITHUB_STEP_SUMMARY`; with the setup's `graph`, it draws the failing chains as a
    /// Mermaid picture. Both end with a newline.
    public func render(_ report: LintReport, graph: SetupGraph? = nil) -> (log: String, summary: String) {
        (log(report), summary(report, graph: graph))
    }

    // MARK: - Log

    func log(_ report: LintReport) -> String {
        var out = ""
        var perLevel: [Severity: Int] = [:]
        var total = 0
        var overflow: [Finding] = []
        for finding in report.findings {
            if perLevel[finding.severity, default: 0] < perLevelLimit && total < totalLimit {
                perLevel[finding.severity, default: 0] += 1
                total += 1
                out += annotation(finding) + "\n"
            } else {
                overflow.append(finding)
            }
        }
        if !overflow.isEmpty {
            let what = ReportSupport.count(overflow.count, "finding was", "findings were")
            out += "rolecheck: \(what) not annotated: GitHub shows at most \(perLevelLimit) error, "
                + "\(perLevelLimit) warning and \(perLevelLimit) notice annotations per step "
                + "(\(totalLimit) per job). Not annotated:\n"
            for finding in overflow {
                out += GitHubReporter.safeLogLine(ReportSupport.plainLine(finding)) + "\n"
                for related in finding.related {
                    out += GitHubReporter.safeLogLine("  " + ReportSupport.escapeForLog(ReportSupport.position(related.location))
                                                      + ": note: " + ReportSupport.escapeForLog(related.message)) + "\n"
                }
            }
        }
        out += "rolecheck: " + ReportSupport.summaryLine(report) + "\n"
        if let catalog = ReportSupport.catalogLine(report) { out += GitHubReporter.safeLogLine("rolecheck: " + catalog) + "\n" }
        return out
    }

    /// `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=RCnnn: Title::message`.
    func annotation(_ f: Finding) -> String {
        let command = switch f.severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "notice"
        }
        let r = f.location.range
        let line = max(1, r.start.line)
        let endLine = max(line, r.end.line)
        var properties: [(String, String)] = [("file", ReportSupport.strippingDotSlash(f.location.file)), ("line", String(line))]
        // The runner drops columns when the lines differ, or when endColumn < col. The end column
        // is exclusive, as in every other format; a zero-length range gets endColumn == col.
        if endLine == line {
            let col = max(1, r.start.column)
            properties.append(("col", String(col)))
            properties.append(("endLine", String(endLine)))
            properties.append(("endColumn", String(max(col, r.end.column))))
        } else {
            properties.append(("endLine", String(endLine)))
        }
        let title = RuleCatalog.summary(for: f.ruleId).map { "\(f.ruleId): \($0.title)" } ?? f.ruleId
        properties.append(("title", title))

        var message = f.message
        for related in f.related {
            message += "\n\(ReportSupport.position(related.location)): \(related.message)"
        }
        let props = properties.map { "\($0.0)=\(GitHubReporter.escapeProperty($0.1))" }.joined(separator: ",")
        return "::\(command) \(props)::\(GitHubReporter.escapeData(message))"
    }

    /// Workflow-command data: `%` → `%25`, CR → `%0D`, LF → `%0A`.
    static func escapeData(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// A workflow-command property value: as data, plus `:` → `%3A` and `,` → `%2C`.
    static func escapeProperty(_ s: String) -> String {
        var out = ""
        for u in escapeData(s).unicodeScalars {
            switch u {
            case ":": out += "%3A"
            case ",": out += "%2C"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// A log line the runner cannot take for a command: it never starts (after blanks) with `::`
    /// (such lines start with a path, so `./` is prefixed) and `##[` (the old command syntax,
    /// matched anywhere in a line) becomes `##\[`.
    static func safeLogLine(_ line: String) -> String {
        var s = line
        if s.contains("##[") { s = s.replacing("##[", with: "##\\[") }
        let body = s.drop(while: { $0.isWhitespace })
        if body.hasPrefix("::") { s = s[..<body.startIndex] + "./" + body }
        return s
    }

    // MARK: - Summary

    func summary(_ report: LintReport, graph: SetupGraph? = nil) -> String {
        var out = "## rolecheck\n\n"
        guard !report.findings.isEmpty else {
            return out + "No findings in \(ReportSupport.count(report.files.count, "file")) "
                + "(\(ReportSupport.count(report.documentCount, "document"))).\n"
        }
        out += "| Errors | Warnings | Notes | Files | Documents |\n"
        out += "| ---: | ---: | ---: | ---: | ---: |\n"
        out += "| \(report.count(.error)) | \(report.count(.warning)) | \(report.count(.note)) "
            + "| \(report.files.count) | \(report.documentCount) |\n\n"
        let footerReserve = 200
        if let graph {
            out += failingChainsSection(graph, budget: min(mermaidByteLimit, summaryByteLimit - out.utf8.count - footerReserve - 400))
        }
        out += "| Severity | Rule | Location | Message |\n"
        out += "| --- | --- | --- | --- |\n"

        var bytes = out.utf8.count
        var shown = 0
        for finding in report.findings {
            let row = summaryRow(finding)
            let size = row.utf8.count
            if bytes + size + footerReserve > summaryByteLimit { break }
            out += row
            bytes += size
            shown += 1
        }
        if shown < report.findings.count {
            out += "\n\(ReportSupport.count(report.findings.count - shown, "more finding is", "more findings are")) "
                + "not listed here (the summary would be too large); see the step's log.\n"
        }
        return out
    }

    /// `### Failing chains` and a Mermaid block of the chains a finding at warning or error is
    /// about (the picture of `rolecheck graph`, restricted to them), as many as fit in `budget`
    /// bytes, in chain order; empty when no chain fails.
    func failingChainsSection(_ graph: SetupGraph, budget: Int) -> String {
        let failing = graph.failingChains
        guard !failing.isEmpty else { return "" }
        let heading = "### Failing chains\n\n"
        // The picture grows with every chain drawn: the most chains that fit, by bisection.
        func picture(_ k: Int) -> String { graph.restricted(to: Array(failing.prefix(k))).mermaid() }
        var lo = 0, hi = failing.count
        var best = ""
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            let p = picture(mid)
            if p.utf8.count + 64 <= budget { lo = mid; best = p } else { hi = mid - 1 }
        }
        var out = heading
        if lo == 0 {
            return out + "\(ReportSupport.count(failing.count, "chain fails", "chains fail")); the picture would be too large "
                + "for the summary (`rolecheck graph` draws it).\n\n"
        }
        // A fence longer than any run of backticks in the picture, so no label can close it.
        var longest = 0, run = 0
        for u in best.unicodeScalars {
            run = u == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        out += fence + "mermaid\n" + best + fence + "\n\n"
        if lo < failing.count {
            out += "\(lo) of \(failing.count) failing chains drawn; the rest would make the picture too large "
                + "(`rolecheck graph` draws them all).\n\n"
        }
        return out
    }

    func summaryRow(_ f: Finding) -> String {
        let rule: String
        if let d = RuleCatalog.description(for: f.ruleId) {
            rule = "[\(GitHubReporter.markdownCell(f.ruleId))](\(d.helpURI) \"\(GitHubReporter.markdownCell(d.title).replacing("\"", with: "&quot;"))\")"
        } else {
            rule = GitHubReporter.markdownCell(f.ruleId)
        }
        var message = GitHubReporter.markdownCell(f.message)
        for related in f.related {
            message += "<br>↳ " + GitHubReporter.markdownCell(ReportSupport.position(related.location) + ": " + related.message)
        }
        return "| \(f.severity.rawValue) | \(rule) | \(GitHubReporter.markdownCell(ReportSupport.position(f.location))) | \(message) |\n"
    }

    /// Text shown literally in a GitHub-flavoured Markdown table cell: HTML-significant
    /// characters as entities, `|` as `&#124;`, Markdown punctuation backslash-escaped, line
    /// breaks as `<br>`, other control characters escaped.
    static func markdownCell(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "|": out += "&#124;"
            case "\n": out += "<br>"
            case "\r": break
            case "\\", "`", "*", "_", "[", "]", "~", "#", "!", "$": out += "\\"; out.unicodeScalars.append(u)
            case _ where ReportSupport.isUnsafeForDisplay(u):
                out += "\\\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
