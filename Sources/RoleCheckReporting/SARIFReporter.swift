import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel
import RoleCheckRules
import RoleCheckEngine

/// SARIF 2.1.0 output, for GitHub code scanning and other SARIF consumers.
///
/// The log validates against the OASIS schema (`sarif-schema-2.1.0.json`) and follows GitHub's
/// requirements for uploads: every rule of the catalogue in `tool.driver.rules` with its
/// documentation, `security-severity` on security rules, 1-based regions with
/// `endColumn >= startColumn`, `partialFingerprints`, and related locations with a physical
/// location. Columns are Unicode scalars (`columnKind: unicodeCodePoints`), as in every finding.
public struct SARIFReporter: Sendable {
    public static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
    public static let fingerprintKey = "rolecheck/v1"
    /// GitHub rejects an upload whose run holds more results than this (and shows the 5,000 most
    /// severe); above it, the most severe findings are kept and the run says how many were left out.
    public static let gitHubMaxResults = 25_000

    /// The working directory the relative paths of findings are relative to: an absolute path
    /// (`/home/me/repo/`) or a URI (`file:///home/me/repo/`). Written as `%SRCROOT%` in
    /// `originalUriBaseIds`; nil omits it (consumers then resolve against the upload's root).
    public var srcRoot: String?
    /// The most results written (see `gitHubMaxResults`).
    public var maxResults: Int

    public init(srcRoot: String? = nil, maxResults: Int = SARIFReporter.gitHubMaxResults) {
        self.srcRoot = srcRoot
        self.maxResults = maxResults
    }

    /// The SARIF log, pretty-printed, ending with a newline.
    public func render(_ report: LintReport) -> String {
        JSONWriter().document(log(report))
    }

    // MARK: - Log

    func log(_ report: LintReport) -> JSONValue {
        var descriptions = RuleCatalog.all
        // A finding of a rule missing from the catalogue still needs a descriptor for its ruleIndex.
        let known = Set(descriptions.map(\.id))
        for id in report.ruleIdsWithFindings where !known.contains(id) {
            descriptions.append(RuleDescription(id: id, title: id, severity: RuleCatalog.defaultSeverity(id),
                                                category: "", tags: [], description: id, rationale: "",
                                                remediation: "", notes: nil, references: [],
                                                securitySeverity: nil, triggering: [], nonTriggering: []))
        }
        var ruleIndex: [String: Int] = [:]
        for (i, d) in descriptions.enumerated() { ruleIndex[d.id] = i }

        // Suppressed and baselined findings are results too, with `suppressions` (§3.27.23).
        var all: [(finding: Finding, suppression: Suppression?)] = report.findings.map { ($0, nil) }
        all += report.suppressed.map { ($0.finding, $0.suppression) }
        all.sort { Finding.reportOrder($0.finding, $1.finding) }
        let (kept, leftOut) = selectResults(all)

        var run: [(String, JSONValue)] = [
            ("tool", .object([("driver", .object([
                ("name", .string(RoleCheck.name)),
                ("version", .string(RoleCheck.version)),
                ("semanticVersion", .string(RoleCheck.version)),
                ("informationUri", .string(RoleCheck.informationURI)),
                ("rules", .array(descriptions.map(rule))),
            ])),
            // The IAM catalog the IAM rules judged by, as a tool extension with its date.
            ("extensions", .array([.object([
                ("name", .string("aws-iam-catalog")),
                ("version", .string(report.catalog.info.date)),
                ("fullName", .string(report.catalog.info.source)),
                ("informationUri", .string("https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html")),
            ])])),
            ])),
        ]
        // Which IAM catalog the IAM rules judged by, as the JSON report's tool.iamCatalog says it.
        run.append(("properties", .object([("iamCatalog", ReportSupport.catalogValue(report.catalog))])))
        if let root = srcRoot.map(SARIFReporter.baseURI) {
            run.append(("originalUriBaseIds", .object([("%SRCROOT%", .object([("uri", .string(root))]))])))
        }
        if leftOut > 0 {
            let text = "\(leftOut) of \(all.count) findings were left out of this log: GitHub code scanning rejects a run with more than \(SARIFReporter.gitHubMaxResults) results. The most severe findings were kept (suppressed ones last); run rolecheck with --format json for all of them."
            run.append(("invocations", .array([.object([
                ("executionSuccessful", .bool(true)),
                ("toolExecutionNotifications", .array([.object([
                    ("level", .string("warning")),
                    ("message", .object([("text", .string(text))])),
                ])])),
            ])])))
        }
        run.append(("artifacts", .array(report.files.map { .object([("location", artifactLocation($0.path))]) })))
        run.append(("results", .array(kept.map { result($0.finding, ruleIndex: ruleIndex[$0.finding.ruleId] ?? 0, suppression: $0.suppression) })))
        run.append(("columnKind", .string("unicodeCodePoints")))

        return .object([
            ("$schema", .string(SARIFReporter.schemaURI)),
            ("version", .string("2.1.0")),
            ("runs", .array([.object(run)])),
        ])
    }

    /// The findings to write, in report order: all of them, or the `maxResults` most severe
    /// (reported findings before suppressed ones).
    func selectResults(_ findings: [(finding: Finding, suppression: Suppression?)])
        -> (kept: [(finding: Finding, suppression: Suppression?)], leftOut: Int) {
        guard findings.count > maxResults else { return (findings, 0) }
        var budget = max(0, maxResults)
        var keep = Set<Int>()
        for suppressed in [false, true] {
            for severity in [Severity.error, .warning, .note] where budget > 0 {
                for (i, f) in findings.enumerated() where f.finding.severity == severity && (f.suppression != nil) == suppressed && budget > 0 {
                    keep.insert(i)
                    budget -= 1
                }
            }
        }
        let kept = findings.indices.filter(keep.contains).map { findings[$0] }
        return (kept, findings.count - kept.count)
    }

    // MARK: - Rules

    func rule(_ d: RuleDescription) -> JSONValue {
        var properties: [(String, JSONValue)] = [
            // GitHub keeps at most 20 tags per rule.
            ("tags", .array(d.tags.prefix(20).map { .string($0) })),
            // The rules check structured documents deterministically, without heuristics.
            ("precision", .string("very-high")),
        ]
        if d.isSecurity {
            properties.append(("security-severity", .string(SARIFReporter.securitySeverity(d))))
        }
        return .object([
            ("id", .string(d.id)),
            ("name", .string(SARIFReporter.pascalCase(d.title))),
            ("shortDescription", .object([("text", .string(d.title))])),
            ("fullDescription", .object([("text", .string(trimmed(d.description)))])),
            ("defaultConfiguration", .object([("level", .string(d.severity.rawValue))])),
            ("help", .object([("text", .string(helpText(d))), ("markdown", .string(helpMarkdown(d)))])),
            ("helpUri", .string(d.helpURI)),
            ("properties", .object(properties)),
        ])
    }

    /// The rule's score as GitHub wants it: a string with one decimal (`"8.0"`).
    static func securitySeverity(_ d: RuleDescription) -> String {
        let score = d.securitySeverity ?? {
            switch d.severity {
            case .error: 7.5
            case .warning: 5.0
            case .note: 2.0
            }
        }()
        let tenths = Int((min(10, max(0, score)) * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// `Duplicate key in an object` → `DuplicateKeyInAnObject`.
    static func pascalCase(_ title: String) -> String {
        var out = ""
        var startOfWord = true
        for ch in title {
            if ch.isLetter || ch.isNumber {
                out += startOfWord ? ch.uppercased() : String(ch)
                startOfWord = false
            } else {
                startOfWord = true
            }
        }
        return out
    }

    func helpText(_ d: RuleDescription) -> String {
        var parts = [trimmed(d.description), "Why it matters:\n" + trimmed(d.rationale),
                     "How to fix it:\n" + trimmed(d.remediation)]
        if let notes = d.notes, !trimmed(notes).isEmpty { parts.append("Notes:\n" + trimmed(notes)) }
        if !d.references.isEmpty { parts.append("References:\n" + d.references.map { "- " + $0 }.joined(separator: "\n")) }
        parts.append("Documentation: " + d.helpURI)
        return parts.filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    func helpMarkdown(_ d: RuleDescription) -> String {
        var parts = [trimmed(d.description), "## Why it matters\n\n" + trimmed(d.rationale),
                     "## How to fix it\n\n" + trimmed(d.remediation)]
        if let notes = d.notes, !trimmed(notes).isEmpty { parts.append("## Notes\n\n" + trimmed(notes)) }
        if !d.references.isEmpty {
            parts.append("## References\n\n" + d.references.map { "- <\($0)>" }.joined(separator: "\n"))
        }
        parts.append("[\(d.id) documentation](\(d.helpURI))")
        return parts.filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    func trimmed(_ s: String) -> String {
        // Scalars, not Characters: trimming needs no grapheme breaking.
        let scalars = s.unicodeScalars
        var end = scalars.endIndex
        while end != scalars.startIndex {
            let before = scalars.index(before: end)
            guard scalars[before].properties.isWhitespace else { break }
            end = before
        }
        var start = scalars.startIndex
        while start != end, scalars[start] == "\n" || scalars[start] == "\r" { start = scalars.index(after: start) }
        return String(scalars[start..<end])
    }

    // MARK: - Results

    func result(_ f: Finding, ruleIndex: Int, suppression: Suppression? = nil) -> JSONValue {
        var location: [(String, JSONValue)] = [("physicalLocation", physicalLocation(f.location))]
        if let pointer = f.location.pointer, !pointer.isEmpty {
            location.append(("logicalLocations", .array([.object([("fullyQualifiedName", .string(pointer))])])))
        }
        var members: [(String, JSONValue)] = [
            ("ruleId", .string(f.ruleId)),
            ("ruleIndex", .int(ruleIndex)),
            ("level", .string(f.severity.rawValue)),
            ("message", .object([("text", .string(f.message))])),
            ("locations", .array([.object(location)])),
            ("partialFingerprints", .object([(SARIFReporter.fingerprintKey, .string(f.fingerprint))])),
        ]
        // What the finding is about, in the JSON report's form (a SARIF property bag).
        if !f.subjects.isEmpty {
            members.append(("properties", .object([("subjects", .array(f.subjects.map(JSONReporter.subject)))])))
        }
        if !f.related.isEmpty {
            members.append(("relatedLocations", .array(f.related.enumerated().map { i, r in
                .object([
                    ("id", .int(i + 1)),
                    ("physicalLocation", physicalLocation(r.location)),
                    ("message", .object([("text", .string(r.message))])),
                ])
            })))
        }
        if let fix = f.fix {
            // A fix object (§3.55): the edits grouped by file, each a replacement (§3.57) whose
            // deleted region is empty for an insertion; byte offsets beside lines and columns.
            let files = fix.edits.reduce(into: [String]()) { if !$0.contains($1.file) { $0.append($1.file) } }
            members.append(("fixes", .array([.object([
                ("description", .object([("text", .string(fix.description))])),
                ("artifactChanges", .array(files.map { file in
                    .object([
                        ("artifactLocation", artifactLocation(file)),
                        ("replacements", .array(fix.edits.filter { $0.file == file }.map { e in
                            var region = SARIFReporter.region(e.range)
                            if case .object(var fields) = region {
                                fields.append(("byteOffset", .int(e.start)))
                                fields.append(("byteLength", .int(e.end - e.start)))
                                region = .object(fields)
                            }
                            return .object([("deletedRegion", region), ("insertedContent", .object([("text", .string(e.replacement))]))])
                        })),
                    ])
                })),
            ])])))
        }
        if let suppression {
            // A suppression object (§3.35): kind inSource for a comment, external for the
            // configuration and the baseline; the reason as justification; where it is written.
            var fields: [(String, JSONValue)] = [
                ("kind", .string(suppression.kind)),
                ("status", .string("accepted")),
                ("justification", .string(suppression.justification)),
            ]
            if let l = suppression.location { fields.append(("location", .object([("physicalLocation", physicalLocation(l))]))) }
            var properties: [(String, JSONValue)] = [("source", .string(suppression.source.rawValue))]
            if let until = suppression.until { properties.append(("until", .string(until.description))) }
            fields.append(("properties", .object(properties)))
            members.append(("suppressions", .array([.object(fields)])))
        }
        return .object(members)
    }

    func physicalLocation(_ l: Location) -> JSONValue {
        .object([("artifactLocation", artifactLocation(l.file)), ("region", SARIFReporter.region(l.range))])
    }

    func artifactLocation(_ path: String) -> JSONValue {
        if path.hasPrefix("/") {
            return .object([("uri", .string("file://" + SARIFReporter.percentEncodePath(path)))])
        }
        return .object([
            ("uri", .string(SARIFReporter.percentEncodePath(ReportSupport.strippingDotSlash(path)))),
            ("uriBaseId", .string("%SRCROOT%")),
        ])
    }

    /// A valid region for any range: lines and columns at least 1, the end not before the start,
    /// and `endColumn >= startColumn` on one line (a zero-length range is an insertion point).
    static func region(_ r: SourceRange) -> JSONValue {
        let startLine = max(1, r.start.line), startColumn = max(1, r.start.column)
        var endLine = max(startLine, r.end.line)
        var endColumn = max(1, r.end.column)
        if r.end.line < startLine { endLine = startLine; endColumn = startColumn }
        if endLine == startLine { endColumn = max(endColumn, startColumn) }
        return .object([
            ("startLine", .int(startLine)),
            ("startColumn", .int(startColumn)),
            ("endLine", .int(endLine)),
            ("endColumn", .int(endColumn)),
        ])
    }

    // MARK: - URIs

    /// Percent-encodes a path as a URI reference's path: every byte but the unreserved
    /// characters (RFC 3986: `A-Z a-z 0-9 - . _ ~`) and `/` is written as `%XX` (UTF-8).
    /// Encoding `:` keeps a relative path from being read as a scheme.
    static func percentEncodePath(_ path: String) -> String {
        PercentEncoding.encode(path, keeping: [UInt8(ascii: "/")])
    }

    /// `srcRoot` as an absolute URI ending in `/`, as SARIF requires of a base URI.
    static func baseURI(_ srcRoot: String) -> String {
        var uri: String
        if srcRoot.hasPrefix("/") {
            uri = "file://" + percentEncodePath(srcRoot)
        } else if srcRoot.contains("://") {
            uri = srcRoot
        } else {
            uri = percentEncodePath(srcRoot)
        }
        if !uri.hasSuffix("/") { uri += "/" }
        return uri
    }
}
