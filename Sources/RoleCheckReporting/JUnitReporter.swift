import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel
import RoleCheckRules
import RoleCheckEngine

/// JUnit XML output, for the test tabs of Jenkins, Azure DevOps, CircleCI and GitLab. Documented
/// in docs/ci-reports.md.
///
/// - One `<testsuite>` per linted file (named by its repository path, in path order), so a
///   clean run still shows each file as a passing test and a report lists every file checked.
/// - In it, one `<testcase>` per finding, named by its rule and where it is (the JSON pointer,
///   which does not move with lines; the line and column for a file that did not parse), so a
///   CI server follows the same finding from build to build. A file without findings has one
///   passing test case, `no findings`.
/// - A finding at or above the failure threshold (`--fail-on`) is a `<failure>`: the test tab is
///   red exactly when rolecheck exits 1. A finding below it passes, with its text in
///   `<system-out>`. A suppressed or baselined finding is `<skipped>`, with the reason.
///
/// The output holds no time or host name, so the same input gives the same bytes. Text is
/// escaped for XML 1.0; the characters XML 1.0 cannot hold at all (most C0 controls, U+FFFE,
/// U+FFFF) are written as `\u{XX}`.
public struct JUnitReporter: Sendable {
    /// Findings at or above this severity are failures; nil: none is.
    public var failureThreshold: Severity?
    /// The directory absolute paths are made relative to; nil leaves them as they are.
    public var root: String?

    public init(failureThreshold: Severity? = .error, root: String? = nil) {
        self.failureThreshold = failureThreshold
        self.root = root
    }

    enum Outcome { case failed, passed, skipped(String) }

    struct Case {
        var name: String
        var outcome: Outcome
        var text: String?
        var finding: Finding?
    }

    /// The XML document, ending with a newline.
    public func render(_ report: LintReport) -> String {
        // Every file read, and every file a finding names (a configuration file, say).
        var byFile: [String: [Case]] = [:]
        for file in report.files { byFile[ReportSupport.repositoryPath(file.path, root: root), default: []] += [] }
        var all: [(finding: Finding, suppression: Suppression?)] = report.findings.map { ($0, nil) }
        all += report.suppressed.map { ($0.finding, $0.suppression) }
        all.sort { Finding.reportOrder($0.finding, $1.finding) }
        for (finding, suppression) in all {
            let path = ReportSupport.repositoryPath(finding.location.file, root: root)
            let outcome: Outcome
            if let suppression {
                outcome = .skipped(JUnitReporter.skipReason(suppression))
            } else if let threshold = failureThreshold, finding.severity >= threshold {
                outcome = .failed
            } else {
                outcome = .passed
            }
            byFile[path, default: []].append(Case(name: JUnitReporter.caseName(finding), outcome: outcome,
                                                  text: text(finding, path: path), finding: finding))
        }

        var suites: [(path: String, cases: [Case])] = byFile.map { ($0.key, $0.value) }
        suites.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        var body = ""
        var totals = (tests: 0, failures: 0, skipped: 0)
        for (path, found) in suites {
            var cases = found.isEmpty ? [Case(name: "no findings", outcome: .passed, text: nil, finding: nil)] : found
            // Names unique within the suite: the second `RC002 at /a` is `RC002 at /a (2)`.
            var seen: [String: Int] = [:]
            for i in cases.indices {
                let n = (seen[cases[i].name] ?? 0) + 1
                seen[cases[i].name] = n
                if n > 1 { cases[i].name += " (\(n))" }
            }
            let failures = cases.reduce(0) { if case .failed = $1.outcome { $0 + 1 } else { $0 } }
            let skipped = cases.reduce(0) { if case .skipped = $1.outcome { $0 + 1 } else { $0 } }
            totals.tests += cases.count
            totals.failures += failures
            totals.skipped += skipped
            body += "  <testsuite name=\"\(XMLText.attribute(path))\" tests=\"\(cases.count)\" failures=\"\(failures)\""
                + " errors=\"0\" skipped=\"\(skipped)\" file=\"\(XMLText.attribute(path))\">\n"
            for c in cases { body += testcase(c, classname: path) }
            body += "  </testsuite>\n"
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"\(RoleCheck.name)\" tests=\"\(totals.tests)\" failures=\"\(totals.failures)\""
            + " errors=\"0\" skipped=\"\(totals.skipped)\">\n"
            + body
            + "</testsuites>\n"
    }

    func testcase(_ c: Case, classname: String) -> String {
        var out = "    <testcase name=\"\(XMLText.attribute(c.name))\" classname=\"\(XMLText.attribute(classname))\""
        switch c.outcome {
        case .passed:
            guard let text = c.text else { return out + "/>\n" }
            out += ">\n      <system-out>\(XMLText.text(text))</system-out>\n"
        case .failed:
            let f = c.finding!
            out += ">\n      <failure message=\"\(XMLText.attribute(f.message))\" type=\"\(f.severity.rawValue)\">"
                + XMLText.text(c.text ?? "") + "</failure>\n"
        case .skipped(let reason):
            out += ">\n      <skipped message=\"\(XMLText.attribute(reason))\"/>\n"
        }
        return out + "    </testcase>\n"
    }

    /// `RC205 at /AuthorizationConfiguration/IAMConfiguration/EnableApplicationScopedIAMRole`;
    /// `RC001 at line 5, column 5` where there is no pointer; `RC003 at the document` for a whole
    /// document; ` in document 2` added for the later documents of a YAML stream.
    static func caseName(_ f: Finding) -> String {
        var name = f.ruleId + " at "
        if let pointer = f.location.pointer {
            name += pointer.isEmpty ? "the document" : pointer
        } else {
            name += "line \(f.location.range.start.line), column \(f.location.range.start.column)"
        }
        if f.location.documentIndex > 0 { name += " in document \(f.location.documentIndex + 1)" }
        return name
    }

    static func skipReason(_ s: Suppression) -> String {
        switch s.source {
        case .comment: "suppressed by a comment: \(s.justification)"
        case .configuration: "suppressed in the configuration: \(s.justification)"
        case .baseline: "accepted in the baseline"
        }
    }

    /// `path:line:column: severity[RCnnn]: message`, the related locations, and the rule's title
    /// and documentation.
    func text(_ f: Finding, path: String) -> String {
        var out = "\(path):\(f.location.range.start.line):\(f.location.range.start.column): "
            + "\(f.severity.rawValue)[\(f.ruleId)]: \(f.message)\n"
        for r in f.related {
            let p = ReportSupport.repositoryPath(r.location.file, root: root)
            out += "  \(p):\(r.location.range.start.line):\(r.location.range.start.column): note: \(r.message)\n"
        }
        if let d = RuleCatalog.description(for: f.ruleId) {
            out += "\(f.ruleId): \(d.title) (\(d.helpURI))\n"
        }
        return out
    }
}

/// Escaping for XML 1.0 documents.
enum XMLText {
    /// Whether XML 1.0 can hold `u` at all, even as a character reference (`Char`, §2.2).
    static func isAllowed(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x09, 0x0A, 0x0D, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// Character data: `&`, `<`, `>` (so `]]>` never appears) and CR (which parsers would turn into
    /// LF) as references; characters XML cannot hold as `\u{XX}`.
    static func text(_ s: String) -> String { escape(s, attribute: false) }

    /// An attribute value in double quotes: as text, plus `"`, and tab and LF as references so
    /// that attribute-value normalisation keeps them.
    static func attribute(_ s: String) -> String { escape(s, attribute: true) }

    static func escape(_ s: String, attribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\r": out += "&#13;"
            case "\"" where attribute: out += "&quot;"
            case "\n" where attribute: out += "&#10;"
            case "\t" where attribute: out += "&#9;"
            case _ where !isAllowed(u): out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
