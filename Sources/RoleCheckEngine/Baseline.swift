import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel
import RoleCheckRules

/// The findings of an earlier run, accepted as they are: a run with a baseline reports only the
/// findings the baseline does not hold. The file format is documented in docs/baselines.md.
///
/// A finding is keyed by its rule, its file (normalised: no `./`, no `a/../`), its JSON pointer
/// and its identity (the offending value), never by its line, so that moving lines does not bring
/// a finding back. A key recorded `count` times hides that many findings with the key.
public struct Baseline: Sendable, Equatable {
    /// `"schema"` of the file.
    public static let schemaName = "rolecheck-baseline"
    /// `"version"` of the file format this release writes and reads.
    public static let formatVersion = 1

    public struct Key: Sendable, Hashable, Comparable {
        public var ruleId: String
        public var file: String
        /// nil for a finding in a file that could not be parsed (RC001).
        public var pointer: String?
        public var identity: String

        public init(ruleId: String, file: String, pointer: String?, identity: String) {
            self.ruleId = ruleId
            self.file = file
            self.pointer = pointer
            self.identity = identity
        }

        public init(_ finding: Finding) {
            self.init(ruleId: finding.ruleId, file: Baseline.normalizedPath(finding.location.file),
                      pointer: finding.location.pointer, identity: finding.identity)
        }

        /// File (UTF-8 byte order), rule, pointer (none first), identity.
        public static func < (a: Key, b: Key) -> Bool {
            func less(_ x: String, _ y: String) -> Bool { x.utf8.lexicographicallyPrecedes(y.utf8) }
            if a.file != b.file { return less(a.file, b.file) }
            if a.ruleId != b.ruleId { return less(a.ruleId, b.ruleId) }
            if a.pointer != b.pointer {
                guard let p = a.pointer else { return true }
                guard let q = b.pointer else { return false }
                return less(p, q)
            }
            return less(a.identity, b.identity)
        }
    }

    public struct Entry: Sendable, Equatable {
        public var key: Key
        public var count: Int
        /// The message of the first finding with the key, for people reading the file; not used
        /// for matching.
        public var message: String
    }

    /// Entries sorted by key, one per key.
    public private(set) var entries: [Entry]

    /// The baseline that accepts exactly these findings.
    public init(findings: [Finding]) {
        var byKey: [Key: Entry] = [:]
        for f in findings {
            let key = Key(f)
            byKey[key, default: Entry(key: key, count: 0, message: f.message)].count += 1
        }
        entries = byKey.values.sorted { $0.key < $1.key }
    }

    init(entries: [Entry]) {
        var byKey: [Key: Entry] = [:]
        for e in entries {
            if byKey[e.key] != nil { byKey[e.key]!.count += e.count } else { byKey[e.key] = e }
        }
        self.entries = byKey.values.sorted { $0.key < $1.key }
    }

    /// How many findings each key hides.
    public var counts: [Key: Int] {
        var out: [Key: Int] = [:]
        for e in entries { out[e.key] = e.count }
        return out
    }

    /// The number of findings the baseline accepts.
    public var total: Int { entries.reduce(0) { $0 + $1.count } }

    /// `a/./b` → `a/b`, `./x` → `x`; absolute paths stay absolute.
    public static func normalizedPath(_ path: String) -> String {
        let n = PathPattern.normalize(path)
        return n.isEmpty ? path : n
    }

    // MARK: - File

    /// The baseline file: pretty-printed JSON, keys in a fixed order, entries sorted, no dates,
    /// so that the same findings always give the same bytes.
    public func render() -> String {
        JSONWriter().document(.object([
            ("schema", .string(Baseline.schemaName)),
            ("version", .int(Baseline.formatVersion)),
            ("findings", .array(entries.map { e in
                .object([
                    ("ruleId", .string(e.key.ruleId)),
                    ("file", .string(e.key.file)),
                    ("pointer", .nullable(e.key.pointer)),
                    ("identity", .string(e.key.identity)),
                    ("count", .int(e.count)),
                    ("message", .string(e.message)),
                ])
            })),
        ]))
    }

    /// Reads a baseline file; a message with the position of the first problem otherwise.
    public static func parse(path: String, bytes: [UInt8]) -> Result<Baseline, BaselineError> {
        let file = SourceFile(path: path, bytes: bytes)
        func fail(_ message: String, _ node: Node?) -> Result<Baseline, BaselineError> {
            guard let node else { return .failure(BaselineError(message: "\(path): \(message)")) }
            let p = node.range.start
            return .failure(BaselineError(message: "\(path):\(p.line):\(p.column): \(message)"))
        }
        let root: Node
        switch JSONParser.parse(file: file) {
        case .failure(let e):
            let p = file.position(ofOffset: e.offset)
            return .failure(BaselineError(message: "\(path):\(p.line):\(p.column): not a rolecheck baseline: invalid JSON: \(e.message)"))
        case .success(let doc):
            root = doc.root
        }
        guard root.kind == .object, root["schema"]?.string == schemaName else {
            return fail("not a rolecheck baseline (expected \"schema\": \"\(schemaName)\"; write one with --write-baseline)", root)
        }
        guard let version = root["version"], version.kind == .number, let v = version.number, v == v.rounded() else {
            return fail("\"version\" must be an integer", root["version"] ?? root)
        }
        guard Int(v) == formatVersion else {
            return fail("baseline format version \(Int(v)) is not supported (this rolecheck reads version \(formatVersion)); write it again with --write-baseline", version)
        }
        guard let list = root["findings"], list.kind == .array else { return fail("\"findings\" must be an array", root["findings"] ?? root) }
        var entries: [Entry] = []
        for item in list.elements {
            guard item.kind == .object else { return fail("each finding must be an object", item) }
            func string(_ name: String) -> String? { item[name]?.string }
            guard let rule = string("ruleId") else { return fail("\"ruleId\" must be a string", item["ruleId"] ?? item) }
            guard let f = string("file") else { return fail("\"file\" must be a string", item["file"] ?? item) }
            guard let p = item["pointer"], p.isNull || p.kind == .string else {
                return fail("\"pointer\" must be a string or null", item["pointer"] ?? item)
            }
            guard let identity = string("identity") else { return fail("\"identity\" must be a string", item["identity"] ?? item) }
            guard let c = item["count"], c.kind == .number, let n = c.number, n == n.rounded(), n >= 1, n < 1e9 else {
                return fail("\"count\" must be a whole number of at least 1", item["count"] ?? item)
            }
            let key = Key(ruleId: rule, file: normalizedPath(f), pointer: p.string, identity: identity)
            entries.append(Entry(key: key, count: Int(n), message: string("message") ?? ""))
        }
        return .success(Baseline(entries: entries))
    }

    /// Reads a baseline file from disk. A missing or unreadable file is an error too.
    public static func load(path: String) -> Result<Baseline, BaselineError> {
        switch Inputs.read(path, limit: 256 << 20) {
        case .success(.bytes(let bytes)): return parse(path: path, bytes: bytes)
        case .success(.tooLarge(let size)): return .failure(BaselineError(message: "\(path): the baseline file is \(size) bytes, over the 256 MiB limit"))
        case .failure(let e):
            return .failure(BaselineError(message: "\(path): cannot read the baseline: \(e.message) (write one with --write-baseline)"))
        }
    }
}

/// A missing or invalid baseline file: exit code 2 with the message.
public struct BaselineError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
