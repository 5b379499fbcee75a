import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel
import RoleCheckRules

/// The result of one run: what was linted and what was found, in report order.
public struct LintReport: Sendable {
    /// Findings sorted by file, line, column, rule (deterministic).
    public var findings: [Finding]
    /// The files read, in the order they were linted (sorted by path).
    public var files: [SourceFile]
    /// Documents read (a YAML stream counts each of its documents).
    public var documentCount: Int
    /// Documents recognised as one of the shapes rolecheck knows.
    public var recognizedDocumentCount: Int
    /// Findings hidden by a suppression or the baseline, in report order: not in `findings`, not
    /// counted for the exit code, written to SARIF and JSON with their suppression.
    public var suppressed: [SuppressedFinding]
    /// The IAM catalog the IAM rules judged by (reports say which, and of what date).
    public var catalog: IAMCatalog

    public init(findings: [Finding], files: [SourceFile], documentCount: Int, recognizedDocumentCount: Int,
                suppressed: [SuppressedFinding] = [], catalog: IAMCatalog = .shared) {
        self.findings = findings
        self.files = files
        self.documentCount = documentCount
        self.recognizedDocumentCount = recognizedDocumentCount
        self.suppressed = suppressed
        self.catalog = catalog
    }

    /// Findings hidden by a comment or the configuration's `suppressions`.
    public var suppressedCount: Int { suppressed.reduce(0) { $0 + ($1.suppression.source == .baseline ? 0 : 1) } }
    /// Findings hidden by the baseline.
    public var baselinedCount: Int { suppressed.reduce(0) { $0 + ($1.suppression.source == .baseline ? 1 : 0) } }

    public func count(_ severity: Severity) -> Int { findings.reduce(0) { $0 + ($1.severity == severity ? 1 : 0) } }

    /// The file a finding's path names, to show its source line.
    public func file(named path: String) -> SourceFile? { files.first { $0.path == path } }

    /// Keeps only what concerns the given files (changed-files mode): findings, suppressed
    /// findings and the files counted in the summary.
    public mutating func keepOnly(files isShown: (String) -> Bool) {
        findings = findings.filter { isShown($0.location.file) }
        suppressed = suppressed.filter { isShown($0.finding.location.file) }
        files = files.filter { isShown($0.path) }
    }

    /// Whether a finding at or above `threshold` exists (`nil` = never fail).
    public func fails(at threshold: Severity?) -> Bool {
        guard let threshold else { return false }
        return findings.contains { $0.severity >= threshold }
    }

    /// Ids of the rules that have findings (shown or suppressed), sorted.
    public var ruleIdsWithFindings: [String] { Array(Set(findings.map(\.ruleId) + suppressed.map(\.finding.ruleId))).sorted() }
}
