import RoleCheckCore

/// The kinds of value a document holds, shared by JSON and YAML.
public enum NodeKind: UInt8, Sendable, CustomStringConvertible {
    case null, bool, number, string, array, object

    public var description: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// "a string", "an array", "null".
    public var withArticle: String {
        switch self {
        case .null: "null"
        case .array, .object: "an \(self)"
        default: "a \(self)"
        }
    }
}

public enum DocumentFormat: String, Sendable {
    case json, yaml
    /// Terraform's `.tf` files (HCL native syntax), read into a positioned tree by the model.
    case hcl

    /// "JSON", "YAML", "HCL", for messages.
    public var displayName: String { rawValue.uppercased() }
}

/// One record of the flat tree. Containers are followed by their children in document order
/// (objects as key, value, key, value …), so a subtree is a contiguous run of `1 + size` records.
package struct NodeRecord {
    /// Byte offsets of the node's text in `Document.text` (half-open).
    package var start: UInt32
    package var end: UInt32
    /// Index of the parent container, or `UInt32.max` for the root.
    package var parent: UInt32
    /// Containers: number of descendant records. Scalars: start of the value bytes.
    package var a: UInt32
    /// Containers: number of children (an object counts keys and values). Scalars: value byte length.
    package var b: UInt32
    /// 0 = untagged, otherwise `tags[tag - 1]`.
    package var tag: UInt16
    package var kind: NodeKind
    package var flags: UInt8

    package init(start: UInt32, end: UInt32, parent: UInt32, a: UInt32, b: UInt32, tag: UInt16, kind: NodeKind, flags: UInt8) {
        self.start = start
        self.end = end
        self.parent = parent
        self.a = a
        self.b = b
        self.tag = tag
        self.kind = kind
        self.flags = flags
    }

    static let flagTrue: UInt8 = 1 // a bool that is true
    package static let flagSideValue: UInt8 = 2 // the value bytes live in `side`, not in `text`
    package static let flagKey: UInt8 = 4 // the record is an object key
    static let flagQuoted: UInt8 = 8 // YAML: the scalar was quoted or a block scalar
    package static let flagAlias: UInt8 = 16 // YAML: the node was copied from an alias
    /// JSON: the value in `side` is the source text byte for byte (inside the quotes, for a
    /// string); set where a released text's values were copied to `side`.
    package static let flagVerbatim: UInt8 = 32

    package static let noParent = UInt32.max
}

/// Where a document's text comes from: a file, or a string inside another document
/// (a security configuration or policy embedded as a JSON string).
public enum DocumentOrigin: Sendable {
    case file
    /// `map` turns an offset in the embedded text into an offset in the text of the outer document.
    case embedded(in: Node, map: OffsetMap)
}

/// A duplicate key in an object: the later key and the earlier one it repeats.
public struct DuplicateKey: Sendable {
    public let key: Node
    public let first: Node
}

/// A parsed JSON or YAML document: an immutable positioned tree.
public final class Document: Sendable {
    public let file: SourceFile
    public let format: DocumentFormat
    /// Index in a multi-document YAML stream (0 for JSON).
    public let streamIndex: Int
    public let origin: DocumentOrigin
    /// The bytes the records point into: the file's bytes or the embedded string's decoded bytes.
    /// Empty when the document holds every scalar's value in `side` and its file released its
    /// bytes (`textReleased`): then `source` reads them back.
    package let text: [UInt8]
    /// Whether `text` was left empty because every value is in `side` (a large JSON file).
    package let textReleased: Bool
    package let records: [NodeRecord]
    package let side: [UInt8]
    package let tags: [String]
    let duplicateIndexes: [(Int32, Int32)]

    package init(file: SourceFile, format: DocumentFormat, streamIndex: Int, origin: DocumentOrigin,
         text: [UInt8], textReleased: Bool = false, records: [NodeRecord], side: [UInt8], tags: [String],
         duplicates: [(Int32, Int32)]) {
        self.file = file
        self.format = format
        self.streamIndex = streamIndex
        self.origin = origin
        self.text = text
        self.textReleased = textReleased
        self.records = records
        self.side = side
        self.tags = tags
        self.duplicateIndexes = duplicates
    }

    public var root: Node { Node(document: self, index: 0) }
    public var nodeCount: Int { records.count }

    public var duplicateKeys: [DuplicateKey] {
        duplicateIndexes.map { DuplicateKey(key: Node(document: self, index: $0.0), first: Node(document: self, index: $0.1)) }
    }

    /// The node a JSON Pointer (RFC 6901) names, if any.
    public func node(at pointer: String) -> Node? {
        guard pointer.hasPrefix("/") || pointer.isEmpty else { return nil }
        var node = root
        if pointer.isEmpty { return node }
        for rawToken in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let token = String(rawToken).replacing("~1", with: "/").replacing("~0", with: "~")
            switch node.kind {
            case .object:
                guard let next = node[token] else { return nil }
                node = next
            case .array:
                guard let i = Int(token), i >= 0, i < node.count else { return nil }
                node = node.elements[i]
            default:
                return nil
            }
        }
        return node
    }

    /// The text the records' offsets are in: `text`, or the file's bytes (read again) when the
    /// document released them. For edits and the few scans of raw source, never for values.
    package var source: [UInt8] { textReleased ? file.bytes : text }

    /// Converts an offset in `text` to an offset in the outer file.
    package func fileOffset(_ offset: Int) -> Int {
        switch origin {
        case .file: return offset
        case .embedded(let outer, let map): return outer.document.fileOffset(map.outerOffset(offset))
        }
    }
}

/// A handle on one node of a document. Cheap to copy.
public struct Node: Sendable {
    public let document: Document
    package let index: Int32

    init(document: Document, index: Int32) {
        self.document = document
        self.index = index
    }

    package init(document: Document, index: Int) {
        self.init(document: document, index: Int32(truncatingIfNeeded: index))
    }

    package var record: NodeRecord { document.records[Int(index)] }

    /// Whether two handles name the same node of the same document.
    public func isSame(_ other: Node) -> Bool { document === other.document && index == other.index }

    public var kind: NodeKind { record.kind }
    public var isNull: Bool { kind == .null }
    public var isContainer: Bool { kind == .array || kind == .object }

    /// The YAML tag (`!Ref`, `!Sub`, `tag:yaml.org,2002:str` …), if the node has one.
    public var tag: String? {
        let t = record.tag
        return t == 0 ? nil : document.tags[Int(t) - 1]
    }

    /// Whether a YAML scalar was quoted (or a block scalar). Always false for JSON.
    public var isQuotedScalar: Bool { record.flags & NodeRecord.flagQuoted != 0 }

    /// Raw bytes of a scalar's value (decoded: escapes resolved).
    public func withValueBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let r = record
        let start = Int(r.a), count = Int(r.b)
        if r.flags & NodeRecord.flagSideValue != 0 {
            return document.side.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<start + count])) }
        }
        return document.text.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<start + count])) }
    }

    /// The text of a scalar: a string's value, a number's literal, `true`/`false`, `null`.
    /// Nil for containers.
    public var scalarText: String? {
        guard !isContainer else { return nil }
        return withValueBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// The value of a string node.
    public var string: String? { kind == .string ? scalarText : nil }

    public var bool: Bool? { kind == .bool ? record.flags & NodeRecord.flagTrue != 0 : nil }

    /// A number node's value as a Double (YAML's `.inf`, `0x1F` and `0o17` included).
    public var number: Double? {
        guard kind == .number, let text = scalarText else { return nil }
        return Node.parseNumber(text)
    }

    static func parseNumber(_ text: String) -> Double? {
        if let d = Double(text) { return d }
        var t = Substring(text)
        var sign = 1.0
        if t.hasPrefix("-") { sign = -1; t = t.dropFirst() } else if t.hasPrefix("+") { t = t.dropFirst() }
        switch t.lowercased() {
        case ".inf": return sign * .infinity
        case ".nan": return .nan
        default: break
        }
        if t.hasPrefix("0x"), let v = UInt64(t.dropFirst(2), radix: 16) { return sign * Double(v) }
        if t.hasPrefix("0o"), let v = UInt64(t.dropFirst(2), radix: 8) { return sign * Double(v) }
        return nil
    }

    /// Compares a scalar's value with a string without allocating.
    public func valueEquals(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { other in
            withValueBytes { mine in
                mine.count == other.count && (mine.count == 0 || memcmp(mine.baseAddress!, other.baseAddress!, mine.count) == 0)
            }
        }
    }

    /// Number of elements of an array or members of an object; 0 for scalars.
    public var count: Int {
        let r = record
        switch r.kind {
        case .array: return Int(r.b)
        case .object: return Int(r.b) / 2
        default: return 0
        }
    }

    /// Elements of an array (empty for anything else).
    public var elements: [Node] {
        guard kind == .array else { return [] }
        var out: [Node] = []
        out.reserveCapacity(count)
        var i = Int(index) + 1
        for _ in 0..<count {
            out.append(Node(document: document, index: i))
            i += 1 + Int(document.records[i].size)
        }
        return out
    }

    /// Members of an object in document order, duplicates included.
    public var members: [(key: Node, value: Node)] {
        guard kind == .object else { return [] }
        var out: [(key: Node, value: Node)] = []
        out.reserveCapacity(count)
        var i = Int(index) + 1
        for _ in 0..<count {
            let key = Node(document: document, index: i)
            let value = Node(document: document, index: i + 1)
            out.append((key, value))
            i += 2 + Int(document.records[i + 1].size)
        }
        return out
    }

    /// The value of a key in an object. When a key is duplicated, the **last** occurrence wins
    /// (as in most JSON readers); RC002 reports the duplicate.
    public subscript(key: String) -> Node? {
        guard kind == .object else { return nil }
        var found: Node?
        var key = key
        key.withUTF8 { k in
            let recs = document.records
            var i = Int(index) + 1
            for _ in 0..<count {
                let keyNode = Node(document: document, index: i)
                let equal = keyNode.withValueBytes { mine in
                    mine.count == k.count && (k.count == 0 || memcmp(mine.baseAddress!, k.baseAddress!, k.count) == 0)
                }
                if equal { found = Node(document: document, index: i + 1) }
                i += 2 + Int(recs[i + 1].size)
            }
        }
        return found
    }

    /// The parent container, if any.
    public var parent: Node? {
        let p = record.parent
        return p == NodeRecord.noParent ? nil : Node(document: document, index: Int(p))
    }

    /// For a value inside an object, the key node that names it.
    public var keyNode: Node? {
        guard let parent, parent.kind == .object else { return nil }
        if record.flags & NodeRecord.flagKey != 0 { return nil }
        // Children alternate key, value; keys are always scalar records, so the key is just before.
        return Node(document: document, index: Int(index) - 1)
    }

    public var isKey: Bool { record.flags & NodeRecord.flagKey != 0 }

    /// For a value of an object's member, its key: the record just before it (keys are scalar
    /// records, so a member is always key, value). Unlike `keyNode`, it does not check.
    package var memberKey: Node { Node(document: document, index: Int(index) - 1) }

    /// Number of descendant records (0 for scalars).
    package var size: Int { isContainer ? Int(record.a) : 0 }

    /// The RFC 6901 JSON Pointer of this node within its document (`""` for the root).
    /// A key's pointer is that of the value it names.
    public var pointer: String {
        var tokens: [String] = []
        var current = self
        if isKey, let v = Optional(Node(document: document, index: Int(index) + 1)) { current = v }
        while let parent = current.parent {
            if parent.kind == .object {
                let key = Node(document: document, index: Int(current.index) - 1)
                tokens.append(Node.escapePointerToken(key.scalarText ?? ""))
            } else {
                var i = Int(parent.index) + 1
                var n = 0
                while i < Int(current.index) {
                    i += 1 + Int(document.records[i].size)
                    n += 1
                }
                tokens.append(String(n))
            }
            current = parent
        }
        return tokens.reversed().reduce(into: "") { $0 += "/" + $1 }
    }

    static func escapePointerToken(_ s: String) -> String {
        guard s.contains("~") || s.contains("/") else { return s }
        return s.replacing("~", with: "~0").replacing("/", with: "~1")
    }

    /// The node's source range in its (outer) file.
    public var range: SourceRange {
        let r = record
        let start = document.fileOffset(Int(r.start))
        var end = document.fileOffset(Int(r.end))
        if end < start { end = start }
        return document.file.range(from: start, to: end)
    }

    /// The range of the node's first character.
    public var headRange: SourceRange {
        let r = record
        // (A released text is JSON's, where every node starts with an ASCII character.)
        let text = document.text
        var e = Int(r.start) + 1
        while e < text.count && e < Int(r.end) && text[e] & 0xC0 == 0x80 { e += 1 }
        let start = document.fileOffset(Int(r.start))
        let end = max(start, document.fileOffset(min(e, max(Int(r.end), Int(r.start)))))
        return document.file.range(from: start, to: end)
    }

    /// The byte offsets of the node in `document.text`.
    public var textOffsets: Range<Int> {
        let r = record
        return Int(r.start)..<Int(max(r.start, r.end))
    }
}

extension NodeRecord {
    var size: UInt32 { kind == .array || kind == .object ? a : 0 }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
