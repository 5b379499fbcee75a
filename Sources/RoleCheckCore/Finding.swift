/// How serious a finding is. Ordered: `note < warning < error`.
public enum Severity: String, Sendable, Comparable, CaseIterable, Codable {
    case note, warning, error

    package var rank: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// A place in an input file.
public struct Location: Sendable, Hashable {
    /// The file's display path (as named on the command line, or found below a named folder).
    public var file: String
    /// 1-based lines, columns in Unicode scalars; `end` is exclusive.
    public var range: SourceRange
    /// RFC 6901 JSON Pointer of the node within its document. For a document embedded in a string
    /// (a security configuration returned by `describe-security-configuration`), the pointer of the
    /// string followed by the pointer inside the embedded document. Empty for the whole document;
    /// nil when the file could not be parsed.
    public var pointer: String?
    /// Index of the document in a multi-document YAML stream.
    public var documentIndex: Int

    public init(file: String, range: SourceRange, pointer: String?, documentIndex: Int = 0) {
        self.file = file
        self.range = range
        self.pointer = pointer
        self.documentIndex = documentIndex
    }
}

/// A second location that explains a finding: another document of a trust chain, the first copy
/// of a duplicated key, the statement a message refers to.
public struct RelatedLocation: Sendable, Hashable {
    public var location: Location
    public var message: String

    public init(location: Location, message: String) {
        self.location = location
        self.message = message
    }
}

/// One problem found by a rule.
public struct Finding: Sendable, Hashable {
    public var ruleId: String
    public var severity: Severity
    public var message: String
    public var location: Location
    public var related: [RelatedLocation]
    /// What identifies this finding independently of line numbers: the offending value (a scalar's
    /// text) or a rule-specific key. Used, with the rule, file and pointer, for fingerprints and
    /// baselines.
    public var identity: String
    /// What the finding is about: the entities and hops of the setup it concerns (sorted, no
    /// duplicates). Not part of the fingerprint, so baselines do not depend on it.
    public var subjects: [Subject]
    /// The certain change that removes the finding, when there is one (`rolecheck fix` applies
    /// it; reports carry it). Not part of the fingerprint.
    public var fix: Fix?

    public init(ruleId: String, severity: Severity, message: String, location: Location,
                related: [RelatedLocation] = [], identity: String = "", subjects: [Subject] = [], fix: Fix? = nil) {
        self.ruleId = ruleId
        self.severity = severity
        self.message = message
        self.location = location
        self.related = related
        self.identity = identity
        self.subjects = Array(Set(subjects)).sorted()
        self.fix = fix
    }

    /// The deterministic report order: file, line, column, rule, message.
    public static func reportOrder(_ a: Finding, _ b: Finding) -> Bool {
        if a.location.file != b.location.file { return a.location.file.utf8.lexicographicallyPrecedes(b.location.file.utf8) }
        if a.location.range.start.line != b.location.range.start.line { return a.location.range.start.line < b.location.range.start.line }
        if a.location.range.start.column != b.location.range.start.column { return a.location.range.start.column < b.location.range.start.column }
        if a.ruleId != b.ruleId { return a.ruleId < b.ruleId }
        if a.message != b.message { return a.message.utf8.lexicographicallyPrecedes(b.message.utf8) }
        return (a.location.pointer ?? "").utf8.lexicographicallyPrecedes((b.location.pointer ?? "").utf8)
    }

    /// A stable fingerprint that survives lines moving: FNV-1a 64 of rule, file, pointer and identity.
    public var fingerprint: String {
        var h: UInt64 = 0xcbf29ce484222325
        var file = Substring(location.file)
        while file.hasPrefix("./") { file = file.dropFirst(2) }
        for part in [ruleId, String(file), location.pointer ?? "", identity] {
            for b in part.utf8 {
                h ^= UInt64(b)
                h = h &* 0x100000001b3
            }
            h ^= 0xFF
            h = h &* 0x100000001b3
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
