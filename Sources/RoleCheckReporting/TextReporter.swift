import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel
import RoleCheckRules
import RoleCheckEngine

/// Human-readable output, in the style of compiler diagnostics:
///
///     policy.json:4:3: error[RC205]: message
///     <the source line>
///       ^~~~~
///       other.json:2:5: note: related message
///     1 error, 0 warnings, 0 notes in 1 file (1 document)
///
/// Text taken from the input (paths, source lines, messages quoting keys) is made safe for a
/// terminal: control and bidirectional-override characters never reach it raw.
public struct TextReporter: Sendable {
    public var color: Bool
    /// Source lines longer than this (in Unicode scalars) are shown as a window around the finding.
    public var maxSourceWidth: Int = 160

    /// - Parameter color: use ANSI colours (the CLI decides: stdout is a terminal and NO_COLOR is unset).
    public init(color: Bool) {
        self.color = color
    }

    /// Every finding with its source line, caret line and related locations, then a summary line.
    /// The output ends with a newline.
    public func render(_ report: LintReport) -> String {
        var out = ""
        // The first file of each path, as `LintReport.file(named:)` finds it, without a linear search per finding.
        var files: [String: SourceFile] = [:]
        for file in report.files where files[file.path] == nil { files[file.path] = file }
        for finding in report.findings {
            out += headline(finding) + "\n"
            if let file = files[finding.location.file] {
                out += snippet(finding.location.range, in: file)
            }
            for related in finding.related {
                out += "  " + paint(ReportSupport.escapeForLog(ReportSupport.position(related.location)) + ":", Style.bold)
                    + " " + paint("note:", Style.note) + " " + ReportSupport.escapeForLog(related.message) + "\n"
            }
            if let fix = finding.fix {
                out += "  " + paint("fix:", Style.note) + " " + ReportSupport.escapeForLog(fix.description) + " (rolecheck fix applies it)\n"
            }
        }
        out += paint(ReportSupport.summaryLine(report) + TextReporter.hiddenSuffix(report), Style.bold) + "\n"
        if let catalog = ReportSupport.catalogLine(report) { out += catalog + "\n" }
        return out
    }

    /// `; 3 suppressed, 2 baselined` after the summary, when findings were hidden (empty otherwise).
    static func hiddenSuffix(_ report: LintReport) -> String {
        var parts: [String] = []
        if report.suppressedCount > 0 { parts.append("\(report.suppressedCount) suppressed") }
        if report.baselinedCount > 0 { parts.append("\(report.baselinedCount) baselined") }
        return parts.isEmpty ? "" : "; " + parts.joined(separator: ", ")
    }

    /// One line per finding (`path:line:col: severity[RCnnn]: message`): no source lines,
    /// related locations or summary. Empty when there are no findings.
    public func renderQuiet(_ report: LintReport) -> String {
        var out = ""
        for finding in report.findings { out += headline(finding) + "\n" }
        return out
    }

    // MARK: - Parts

    func headline(_ finding: Finding) -> String {
        let severity = finding.severity.rawValue
        let style = switch finding.severity {
        case .error: Style.error
        case .warning: Style.warning
        case .note: Style.note
        }
        return paint(ReportSupport.escapeForLog(ReportSupport.position(finding.location)) + ":", Style.bold)
            + " " + paint(severity, style) + "[\(finding.ruleId)]:"
            + " " + paint(ReportSupport.escapeForLog(finding.message), Style.bold)
    }

    /// The source line of the range's start and a caret line under the range (to the end of that
    /// line when the range spans lines). Empty when the line is empty (an empty file, the end of
    /// a file).
    func snippet(_ range: SourceRange, in file: SourceFile) -> String {
        let line = Array(file.lineText(range.start.line).unicodeScalars)
        guard !line.isEmpty else { return "" }
        let startIndex = max(0, range.start.column - 1)
        var endIndex: Int   // exclusive, in scalars of `line`
        if range.end.line == range.start.line {
            endIndex = max(startIndex, range.end.column - 1)
        } else {
            endIndex = max(startIndex, line.count)
        }
        endIndex = max(endIndex, startIndex + 1)   // at least one caret

        // The window of the line that is shown.
        var from = 0, to = line.count
        if line.count > maxSourceWidth {
            from = max(0, min(startIndex - maxSourceWidth / 4, line.count - maxSourceWidth))
            to = min(line.count, from + maxSourceWidth)
        }
        let ellipsisBefore = from > 0, ellipsisAfter = to < line.count

        var source = ellipsisBefore ? "…" : ""
        var pad = ellipsisBefore ? " " : ""
        for i in from..<to {
            let u = line[i]
            // One scalar per scalar, so that columns line up; tabs are kept in both lines.
            source.unicodeScalars.append(ReportSupport.isUnsafeForDisplay(u) && u != "\t" ? "\u{FFFD}" : u)
            if i < startIndex { pad.unicodeScalars.append(u == "\t" ? "\t" : " ") }
        }
        if ellipsisAfter { source += "…" }
        if startIndex >= to {
            // The range starts past the shown part: after the line's end, or outside the window.
            pad += String(repeating: " ", count: startIndex - to + (ellipsisAfter ? 1 : 0))
        }
        let visibleEnd = ellipsisAfter ? max(min(endIndex, to), startIndex + 1) : endIndex
        let carets = "^" + String(repeating: "~", count: max(0, visibleEnd - startIndex - 1))
        return source + "\n" + pad + paint(carets, Style.caret) + "\n"
    }

    // MARK: - Colour

    enum Style {
        static let bold = "\u{1B}[1m"
        static let error = "\u{1B}[1;31m"
        static let warning = "\u{1B}[1;33m"
        static let note = "\u{1B}[1;36m"
        static let caret = "\u{1B}[1;32m"
        static let reset = "\u{1B}[0m"
    }

    func paint(_ text: String, _ style: String) -> String {
        color ? style + text + Style.reset : text
    }
}
