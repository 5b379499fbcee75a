import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel
import RoleCheckRules
import RoleCheckEngine

/// GitLab Code Quality output (`artifacts:reports:codequality`), shown in the merge-request
/// widget and the pipeline's Code Quality tab. Documented in docs/ci-reports.md.
///
/// The report is a JSON array with one issue per reported finding, in report order. Each issue
/// has the fields GitLab reads (`description`, `check_name`, `fingerprint`, `severity`,
/// `location.path`, `location.lines.begin`) and the Code Climate fields around them (`type`,
/// `categories`, `location.lines.end`, `other_locations`). Suppressed and baselined findings are
/// left out: GitLab has no notion of an accepted issue, and would count them.
///
/// GitLab keys the issues of a report by fingerprint (a second issue with the same fingerprint
/// replaces the first) and compares the fingerprints of the merge request's head with those of
/// its base to say what is new. So the fingerprint is the finding's own (`Finding.fingerprint`,
/// the one JSON and SARIF reports carry: rule, file, JSON pointer and offending value, never the
/// line), and when several findings share one, the second and later get `-2`, `-3`, ….
public struct GitLabReporter: Sendable {
    /// The directory absolute paths are made relative to (the job's working directory, which is
    /// the checkout in GitLab CI); nil leaves them as they are.
    public var root: String?

    public init(root: String? = nil) {
        self.root = root
    }

    /// The report, pretty-printed, ending with a newline; `[]` when nothing was found.
    public func render(_ report: LintReport) -> String {
        JSONWriter().document(.array(issues(report)))
    }

    /// GitLab's severity for a finding's. GitLab has five levels (info, minor, major, critical,
    /// blocker); rolecheck's three keep their distance: an error (the setup fails at run time or
    /// is unsafe) is `critical`, a warning `major`, a note `info`. `blocker` and `minor` are not
    /// used.
    public static func severity(_ s: Severity) -> String {
        switch s {
        case .error: "critical"
        case .warning: "major"
        case .note: "info"
        }
    }

    func issues(_ report: LintReport) -> [JSONValue] {
        var seen: [String: Int] = [:]
        return report.findings.map { finding in
            var local = finding
            local.location.file = ReportSupport.repositoryPath(finding.location.file, root: root)
            let base = local.fingerprint
            let n = (seen[base] ?? 0) + 1
            seen[base] = n
            return issue(local, fingerprint: n == 1 ? base : "\(base)-\(n)")
        }
    }

    /// One issue; `f.location.file` is already the repository path.
    func issue(_ f: Finding, fingerprint: String) -> JSONValue {
        let security = RuleCatalog.description(for: f.ruleId)?.isSecurity ?? false
        var members: [(String, JSONValue)] = [
            ("type", .string("issue")),
            ("check_name", .string(f.ruleId)),
            ("description", .string(f.message)),
            ("categories", .array([.string(security ? "Security" : "Bug Risk")])),
            ("severity", .string(GitLabReporter.severity(f.severity))),
            ("fingerprint", .string(fingerprint)),
            ("location", location(f.location.file, f.location.range)),
        ]
        if !f.related.isEmpty {
            members.append(("other_locations", .array(f.related.map {
                location(ReportSupport.repositoryPath($0.location.file, root: root), $0.location.range)
            })))
        }
        return .object(members)
    }

    /// `{"path", "lines": {"begin", "end"}}`, lines at least 1 and the end not before the begin.
    func location(_ path: String, _ range: SourceRange) -> JSONValue {
        let begin = max(1, range.start.line)
        return .object([
            ("path", .string(path)),
            ("lines", .object([("begin", .int(begin)), ("end", .int(max(begin, range.end.line)))])),
        ])
    }
}
