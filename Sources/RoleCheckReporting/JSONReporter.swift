import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel
import RoleCheckRules
import RoleCheckEngine

/// Machine-readable output: schema version 1, documented in `docs/json-output.md`, with a JSON
/// Schema in `docs/schemas/rolecheck-report-v1.schema.json`.
///
/// Keys are written in a fixed order and findings in report order, so the output is
/// byte-for-byte deterministic. Adding keys is a compatible change; removing or changing one
/// bumps `schemaVersion`.
public struct JSONReporter: Sendable {
    public static let schemaVersion = 1

    public init() {}

    /// The report as a pretty-printed JSON document (two-space indent), ending with a newline.
    public func render(_ report: LintReport) -> String {
        JSONWriter().document(value(report))
    }

    func value(_ report: LintReport) -> JSONValue {
        var top: [(String, JSONValue)] = [
            ("schemaVersion", .int(JSONReporter.schemaVersion)),
            ("tool", .object([
                ("name", .string(RoleCheck.name)),
                ("version", .string(RoleCheck.version)),
                ("iamCatalog", ReportSupport.catalogValue(report.catalog)),
            ])),
            ("findings", .array(report.findings.map { finding($0) })),
        ]
        var summary: [(String, JSONValue)] = [
            ("files", .int(report.files.count)),
            ("documents", .int(report.documentCount)),
            ("recognizedDocuments", .int(report.recognizedDocumentCount)),
            ("errors", .int(report.count(.error))),
            ("warnings", .int(report.count(.warning))),
            ("notes", .int(report.count(.note))),
            ("total", .int(report.findings.count)),
        ]
        // Added with suppressions and baselines; written only when something was hidden, so that
        // the report of a run without them is unchanged.
        if !report.suppressed.isEmpty {
            top.append(("suppressed", .array(report.suppressed.map { finding($0.finding, suppression: $0.suppression) })))
            summary.append(("suppressed", .int(report.suppressedCount)))
            summary.append(("baselined", .int(report.baselinedCount)))
        }
        top.append(("summary", .object(summary)))
        return .object(top)
    }

    func finding(_ f: Finding, suppression: Suppression? = nil) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("ruleId", .string(f.ruleId)),
            ("severity", .string(f.severity.rawValue)),
            // A rule missing from the catalogue cannot be reported by the linter; fall back to its id.
            ("title", .string(RuleCatalog.summary(for: f.ruleId)?.title ?? f.ruleId)),
            ("message", .string(f.message)),
            ("location", location(f.location)),
            ("relatedLocations", .array(f.related.map {
                .object([("message", .string($0.message)), ("location", location($0.location))])
            })),
            ("fingerprint", .string(f.fingerprint)),
        ]
        // What the finding is about; written only when the rule says (an added key).
        if !f.subjects.isEmpty { members.append(("subjects", .array(f.subjects.map(Self.subject)))) }
        // The certain fix (`rolecheck fix` applies it); written only when there is one.
        if let fix = f.fix { members.append(("fix", Self.fix(fix))) }
        if let s = suppression {
            members.append(("suppression", .object([
                ("kind", .string(s.kind)),
                ("source", .string(s.source.rawValue)),
                ("justification", .string(s.justification)),
                ("until", .nullable(s.until?.description)),
                ("location", s.location.map(location) ?? .null),
            ])))
        }
        return .object(members)
    }

    /// `{"description", "edits": [{file, line, column, endLine, endColumn, offset, endOffset, replacement}]}`:
    /// the bytes `offset..<endOffset` of the file (an insertion when equal) replaced by `replacement`.
    static func fix(_ fix: Fix) -> JSONValue {
        .object([
            ("description", .string(fix.description)),
            ("edits", .array(fix.edits.map { e in
                .object([
                    ("file", .string(e.file)),
                    ("line", .int(e.range.start.line)),
                    ("column", .int(e.range.start.column)),
                    ("endLine", .int(e.range.end.line)),
                    ("endColumn", .int(e.range.end.column)),
                    ("offset", .int(e.start)),
                    ("endOffset", .int(e.end)),
                    ("replacement", .string(e.replacement)),
                ])
            })),
        ])
    }

    static func entity(_ e: EntityRef) -> JSONValue {
        .object([("kind", .string(e.kind.rawValue)), ("id", .string(e.id))])
    }

    /// `{"entity": {"kind", "id"}}` or `{"hop": {"kind", "from", "to"}}`.
    static func subject(_ s: Subject) -> JSONValue {
        switch s {
        case .entity(let e):
            .object([("entity", entity(e))])
        case .hop(let h):
            .object([("hop", .object([("kind", .string(h.kind.rawValue)), ("from", entity(h.from)), ("to", entity(h.to))]))])
        }
    }

    func location(_ l: Location) -> JSONValue {
        .object([
            ("file", .string(l.file)),
            ("line", .int(l.range.start.line)),
            ("column", .int(l.range.start.column)),
            ("endLine", .int(l.range.end.line)),
            ("endColumn", .int(l.range.end.column)),
            ("pointer", .nullable(l.pointer)),
            ("documentIndex", .int(l.documentIndex)),
        ])
    }
}
