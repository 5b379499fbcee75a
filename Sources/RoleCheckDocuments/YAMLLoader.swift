import CYaml
import RoleCheckCore

/// Reads YAML through libyaml's event API into the same positioned tree as JSON.
///
/// - Streams: every document of a `---`-separated stream becomes a `Document`; documents read
///   before a syntax error are kept.
/// - Scalars resolve with the YAML 1.2 core schema (`true`, `null`, `12`, `1.5e3`, `.inf` …);
///   quoted scalars are strings; `yes`/`no`/`on`/`off` stay strings (YAML 1.1's booleans are not
///   applied, as in CloudFormation). Keys are always strings.
/// - Tags are kept (`!Ref`, `!Sub`, `!GetAtt` …); standard `!!str`/`!!int`/… tags decide the kind.
/// - Anchors and aliases: an alias is expanded into a copy of the anchored node, within a budget
///   (`ParseLimits.maxAliasExpansion`), so an alias bomb is an error, not an out-of-memory.
/// - Duplicate keys are kept and listed on the document (RC002). Complex (non-scalar) keys are
///   rejected: no AWS format uses them.
public enum YAMLLoader {
    public struct Result: Sendable {
        public var documents: [Document]
        public var error: ParseError?
    }

    public static func parse(file: SourceFile, limits: ParseLimits = .default) -> Result {
        var builder = Builder(file: file, limits: limits)
        builder.run()
        return Result(documents: builder.documents, error: builder.error)
    }

    private struct Frame {
        var index: Int
        var children: UInt32
        var isMapping: Bool
        var anchor: String?
    }

    private struct Builder {
        let file: SourceFile
        let limits: ParseLimits
        var documents: [Document] = []
        var error: ParseError?

        // Per-document state.
        var records: [NodeRecord] = []
        var side: [UInt8] = []
        var tags: [String] = []
        var tagIndex: [String: UInt16] = [:]
        var duplicates: [(Int32, Int32)] = []
        var stack: [Frame] = []
        var anchors: [String: Int] = [:]
        var expanded = 0

        // Character index → byte offset cursor (libyaml marks count code points, without the BOM).
        var cursorChar = 0
        var cursorByte = 0
        let bom: Int

        init(file: SourceFile, limits: ParseLimits) {
            self.file = file
            self.limits = limits
            self.bom = file.bomLength
            self.cursorByte = bom
        }

        mutating func byteOffset(_ mark: yaml_mark_t) -> Int {
            let target = Int(mark.index)
            if target < cursorChar {
                cursorChar = 0
                cursorByte = bom
            }
            let bytes = file.bytes
            let n = bytes.count
            while cursorChar < target && cursorByte < n {
                cursorByte += 1
                while cursorByte < n && bytes[cursorByte] & 0xC0 == 0x80 { cursorByte += 1 }
                cursorChar += 1
            }
            return cursorByte
        }

        mutating func fail(_ message: String, at offset: Int) {
            if error == nil { error = ParseError(message, at: offset) }
        }

        mutating func run() {
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) != 0 else {
                fail("could not initialise the YAML parser", at: 0)
                return
            }
            defer { yaml_parser_delete(&parser) }
            let bytes = file.bytes
            // libyaml needs a valid pointer even for empty input.
            let storage = bytes.isEmpty ? [0] : bytes
            storage.withUnsafeBufferPointer { buf in
                yaml_parser_set_input_string(&parser, buf.baseAddress, bytes.count)
                var event = yaml_event_t()
                while error == nil {
                    guard yaml_parser_parse(&parser, &event) != 0 else {
                        reportParserError(&parser)
                        return
                    }
                    let done = event.type == YAML_STREAM_END_EVENT
                    handle(&event)
                    yaml_event_delete(&event)
                    if done { return }
                }
            }
        }

        mutating func reportParserError(_ parser: inout yaml_parser_t) {
            let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
            let context = parser.context.map { String(cString: $0) }
            var message = problem
            if let context { message += " (\(context))" }
            if parser.error == YAML_READER_ERROR {
                fail(message, at: Int(parser.problem_offset))
            } else {
                fail(message, at: byteOffset(parser.problem_mark))
            }
        }

        mutating func handle(_ event: inout yaml_event_t) {
            switch event.type {
            case YAML_DOCUMENT_START_EVENT:
                if documents.count >= limits.maxDocumentsPerStream {
                    fail("more than \(limits.maxDocumentsPerStream) documents in one YAML stream", at: byteOffset(event.start_mark))
                    return
                }
                records = []
                side = []
                tags = []
                tagIndex = [:]
                duplicates = []
                stack = []
                anchors = [:]
                expanded = 0
            case YAML_DOCUMENT_END_EVENT:
                guard !records.isEmpty else { return }
                documents.append(Document(file: file, format: .yaml, streamIndex: documents.count, origin: .file,
                                          text: file.bytes, records: records, side: side, tags: tags,
                                          duplicates: duplicates))
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                let value = UnsafeBufferPointer(start: s.value, count: Int(s.length))
                let tag = s.tag.map { String(cString: $0) }
                let anchor = s.anchor.map { String(cString: $0) }
                let start = byteOffset(event.start_mark)
                let end = byteOffset(event.end_mark)
                let plain = s.style == YAML_PLAIN_SCALAR_STYLE && s.plain_implicit != 0
                addScalar(value: value, tag: tag, plain: plain, start: start, end: end)
                if let anchor { anchors[anchor] = records.count - 1 }
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                let tagPtr = isMapping ? event.data.mapping_start.tag : event.data.sequence_start.tag
                let anchorPtr = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
                let start = byteOffset(event.start_mark)
                if stack.count >= limits.maxDepth {
                    fail("nesting deeper than \(limits.maxDepth) levels", at: start)
                    return
                }
                if expectingKey() {
                    fail("complex mapping keys (a \(isMapping ? "mapping" : "sequence") used as a key) are not supported", at: start)
                    return
                }
                let tag = tagPtr.map { String(cString: $0) }
                append(NodeRecord(start: UInt32(truncatingIfNeeded: start), end: UInt32(truncatingIfNeeded: start),
                                  parent: 0, a: 0, b: 0, tag: tagId(tag, standard: isMapping ? "map" : "seq"),
                                  kind: isMapping ? .object : .array, flags: 0))
                let anchor = anchorPtr.map { String(cString: $0) }
                stack.append(Frame(index: records.count - 1, children: 0, isMapping: isMapping, anchor: anchor))
                // The anchor is defined from the collection's start, so an alias inside it is recursive.
                if let anchor { anchors[anchor] = records.count - 1 }
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let top = stack.popLast() else { return }
                let end = byteOffset(event.end_mark)
                records[top.index].end = UInt32(truncatingIfNeeded: end)
                records[top.index].a = UInt32(truncatingIfNeeded: records.count - top.index - 1)
                records[top.index].b = top.children
                if top.isMapping && top.children > 2 {
                    var keys: [Int] = []
                    var j = top.index + 1
                    while j < records.count {
                        keys.append(j)
                        j += 2 + Int(records[j + 1].size)
                    }
                    let found = side.withUnsafeBufferPointer { sideBuf in
                        DuplicateFinder.find(keys: keys, records: records, text: sideBuf, side: side)
                    }
                    duplicates.append(contentsOf: found)
                }
                if let anchor = top.anchor { anchors[anchor] = top.index }
            case YAML_ALIAS_EVENT:
                let name = String(cString: event.data.alias.anchor)
                let at = byteOffset(event.start_mark)
                guard let source = anchors[name] else {
                    fail("unknown anchor '\(name)'", at: at)
                    return
                }
                if stack.contains(where: { $0.index == source }) {
                    fail("alias '*\(name)' refers to a node that contains it (recursive alias)", at: at)
                    return
                }
                copySubtree(from: source, aliasAt: at)
            default:
                break
            }
        }

        func expectingKey() -> Bool {
            guard let top = stack.last else { return false }
            return top.isMapping && top.children % 2 == 0
        }

        mutating func tagId(_ tag: String?, standard: String) -> UInt16 {
            guard let tag, tag != "!", tag != "tag:yaml.org,2002:\(standard)" else { return 0 }
            if let id = tagIndex[tag] { return id }
            guard tags.count < Int(UInt16.max) else { return 0 }
            tags.append(tag)
            let id = UInt16(tags.count)
            tagIndex[tag] = id
            return id
        }

        mutating func append(_ record: NodeRecord) {
            var r = record
            r.parent = stack.last.map { UInt32($0.index) } ?? NodeRecord.noParent
            if expectingKey() { r.flags |= NodeRecord.flagKey }
            records.append(r)
            if !stack.isEmpty { stack[stack.count - 1].children += 1 }
        }

        mutating func addScalar(value: UnsafeBufferPointer<UInt8>, tag: String?, plain: Bool, start: Int, end: Int) {
            let sideStart = side.count
            side.append(contentsOf: value)
            var kind: NodeKind = .string
            var flags = NodeRecord.flagSideValue | (plain ? 0 : NodeRecord.flagQuoted)
            let isKey = expectingKey()
            if !isKey {
                switch tag {
                case nil, "!"?:
                    if plain && tag == nil { (kind, flags) = YAMLLoader.resolvePlain(value, flags) }
                case "tag:yaml.org,2002:null"?: kind = .null
                case "tag:yaml.org,2002:bool"?:
                    kind = .bool
                    if YAMLLoader.isTrue(value) { flags |= NodeRecord.flagTrue }
                case "tag:yaml.org,2002:int"?, "tag:yaml.org,2002:float"?: kind = .number
                default: break
                }
            }
            let standardTag: String
            switch kind {
            case .null: standardTag = "null"
            case .bool: standardTag = "bool"
            case .number: standardTag = tag == "tag:yaml.org,2002:float" ? "float" : "int"
            default: standardTag = "str"
            }
            append(NodeRecord(start: UInt32(truncatingIfNeeded: start), end: UInt32(truncatingIfNeeded: end),
                              parent: 0, a: UInt32(truncatingIfNeeded: sideStart), b: UInt32(truncatingIfNeeded: value.count),
                              tag: tagId(tag, standard: standardTag), kind: kind, flags: flags))
        }

        /// Copies the anchored node (and its subtree) to the current position.
        mutating func copySubtree(from source: Int, aliasAt: Int) {
            let count = 1 + Int(records[source].size)
            expanded += count
            if expanded > limits.maxAliasExpansion {
                fail("aliases expand to more than \(limits.maxAliasExpansion) nodes (an alias bomb?)", at: aliasAt)
                return
            }
            let isKey = expectingKey()
            if isKey && records[source].size > 0 || isKey && (records[source].kind == .array || records[source].kind == .object) {
                fail("complex mapping keys (an alias of a collection used as a key) are not supported", at: aliasAt)
                return
            }
            let newStart = records.count
            let parent = stack.last.map { UInt32($0.index) } ?? NodeRecord.noParent
            for k in 0..<count {
                var r = records[source + k]
                if k == 0 {
                    r.parent = parent
                    r.flags |= NodeRecord.flagAlias
                    if isKey {
                        r.flags |= NodeRecord.flagKey
                        r.kind = .string
                    } else {
                        r.flags &= ~NodeRecord.flagKey
                    }
                } else {
                    r.parent = r.parent &- UInt32(source) &+ UInt32(newStart)
                }
                records.append(r)
            }
            if !stack.isEmpty { stack[stack.count - 1].children += 1 }
        }
    }

    static func isTrue(_ v: UnsafeBufferPointer<UInt8>) -> Bool {
        let s = String(decoding: v, as: UTF8.self)
        return s == "true" || s == "True" || s == "TRUE"
    }

    /// YAML 1.2 core schema resolution of a plain scalar.
    static func resolvePlain(_ v: UnsafeBufferPointer<UInt8>, _ flags: UInt8) -> (NodeKind, UInt8) {
        let n = v.count
        if n == 0 { return (.null, flags) }
        if n > 32 { return (.string, flags) }
        let first = v[0]
        // Fast exit: most strings start with a letter that cannot begin null/bool/number.
        switch first {
        case UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"), UInt8(ascii: "T"),
             UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "+"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            break
        default:
            return (.string, flags)
        }
        let s = String(decoding: v, as: UTF8.self)
        switch s {
        case "~", "null", "Null", "NULL": return (.null, flags)
        case "true", "True", "TRUE": return (.bool, flags | NodeRecord.flagTrue)
        case "false", "False", "FALSE": return (.bool, flags)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN":
            return (.number, flags)
        default: break
        }
        return isCoreNumber(s) ? (.number, flags) : (.string, flags)
    }

    /// `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`, `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
    static func isCoreNumber(_ s: String) -> Bool {
        let u = Array(s.utf8)
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        if u.count > 2 && u[0] == UInt8(ascii: "0") && u[1] == UInt8(ascii: "o") {
            return u[2...].allSatisfy { $0 >= 0x30 && $0 <= 0x37 }
        }
        if u.count > 2 && u[0] == UInt8(ascii: "0") && u[1] == UInt8(ascii: "x") {
            return u[2...].allSatisfy { isDigit($0) || (0x61...0x66).contains($0) || (0x41...0x46).contains($0) }
        }
        var i = 0
        if i < u.count && (u[i] == UInt8(ascii: "-") || u[i] == UInt8(ascii: "+")) { i += 1 }
        var mantissaDigits = 0
        while i < u.count && isDigit(u[i]) { i += 1; mantissaDigits += 1 }
        if i < u.count && u[i] == UInt8(ascii: ".") {
            i += 1
            while i < u.count && isDigit(u[i]) { i += 1; mantissaDigits += 1 }
        }
        guard mantissaDigits > 0 else { return false }
        if i < u.count && (u[i] == UInt8(ascii: "e") || u[i] == UInt8(ascii: "E")) {
            i += 1
            if i < u.count && (u[i] == UInt8(ascii: "-") || u[i] == UInt8(ascii: "+")) { i += 1 }
            var expDigits = 0
            while i < u.count && isDigit(u[i]) { i += 1; expDigits += 1 }
            guard expDigits > 0 else { return false }
        }
        return i == u.count
    }
}
