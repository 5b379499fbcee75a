import RoleCheckCore
import RoleCheckDocuments

/// Readers for the embedded catalog text (`IAMCatalogData.text`; format in docs/iam-catalog.md).
/// Each reader parses one section or one service block, on bytes, without Foundation.
enum IAMCatalogText {
    static let formatLine = "rolecheck-iam-catalog\t1"

    struct Section: Sendable {
        var range: Range<Int>
        var count: Int
    }

    /// The header: the format line and where each section lies.
    struct Header: Sendable {
        var values: [String: String] = [:]
        var sections: [String: Section] = [:]

        static func parse(_ buf: UnsafeBufferPointer<UInt8>) -> Header? {
            var h = Header()
            var first = true
            var base: Int?
            var raw: [(String, Int, Int, Int)] = []
            forEachLine(buf, 0..<buf.count) { line in
                if base != nil { return false }
                let text = string(buf, line)
                if first {
                    first = false
                    return text == formatLine
                }
                if text == "%%" {
                    base = line.upperBound + 1
                    return false
                }
                let f = IAMCatalogText.fields(buf, line)
                if string(buf, f[0]) == "section", f.count == 5,
                   let off = int(buf, f[2]), let len = int(buf, f[3]), let count = int(buf, f[4]) {
                    raw.append((string(buf, f[1]), off, len, count))
                } else if f.count >= 2 {
                    h.values[string(buf, f[0])] = string(buf, f[1])
                }
                return true
            }
            guard let base else { return nil }
            for (tag, off, len, count) in raw {
                let r = (base + off)..<(base + off + len)
                guard r.upperBound <= buf.count else { return nil }
                h.sections[tag] = Section(range: r, count: count)
            }
            guard ["G", "K", "I", "B"].allSatisfy({ h.sections[$0] != nil }) else { return nil }
            return h
        }
    }

    /// Section I: service prefix → the byte range of its block.
    struct ServiceIndex: Sendable {
        var prefixes: [String] = []
        var blocks: [String: Range<Int>] = [:]

        static func parse(_ buf: UnsafeBufferPointer<UInt8>, _ header: Header) -> ServiceIndex {
            var out = ServiceIndex()
            let section = header.sections["I"]!, body = header.sections["B"]!.range
            out.prefixes.reserveCapacity(section.count)
            out.blocks.reserveCapacity(section.count)
            forEachLine(buf, section.range) { line in
                var f = Fields(line)
                guard let p = f.next(buf), let o = f.next(buf), let l = f.next(buf),
                      let off = int(buf, o), let len = int(buf, l) else { return true }
                let prefix = string(buf, p)
                let start = body.lowerBound + off
                guard start + len <= body.upperBound else { return true }
                out.prefixes.append(prefix)
                out.blocks[prefix] = start..<(start + len)
                return true
            }
            return out
        }
    }

    /// Key names with placeholders, as case-insensitive patterns.
    struct Templates: Sendable {
        var patterns: [(pattern: [Unicode.Scalar], id: Int, literal: Int)] = []

        mutating func add(_ lowercasedName: String, id: Int) {
            guard lowercasedName.utf8.contains(where: { $0 == UInt8(ascii: "$") || $0 == UInt8(ascii: "<") })
                    || lowercasedName.hasSuffix("tag/tag-key"),
                  let p = placeholderPattern(lowercasedName) else { return }
            let scalars = Array(p.unicodeScalars)
            patterns.append((scalars, id, scalars.count - 2 * scalars.filter { $0 == "*" }.count))
        }

        /// The most specific template (longest fixed text) that matches; ties to the lower id.
        func match(_ lowercasedKey: String) -> Int? {
            let v = Array(lowercasedKey.unicodeScalars)
            var best: (id: Int, literal: Int)?
            for t in patterns where Wildcard.matches(t.pattern, v) {
                if best == nil || t.literal > best!.literal { best = (t.id, t.literal) }
            }
            return best?.id
        }
    }

    /// Section K: every condition key a service defines or cites, with its type. A key's line number
    /// is its id in the service blocks.
    struct KeyTable: Sendable {
        var names: [String] = []
        var types: [ConditionKeyType?] = []

        static func parse(_ buf: UnsafeBufferPointer<UInt8>, _ header: Header) -> KeyTable {
            var out = KeyTable()
            let section = header.sections["K"]!
            out.names.reserveCapacity(section.count)
            out.types.reserveCapacity(section.count)
            forEachLine(buf, section.range) { line in
                var f = Fields(line)
                guard let nameRange = f.next(buf) else { return true }
                out.names.append(string(buf, nameRange))
                out.types.append(f.next(buf).flatMap { keyType(buf, $0) })
                return true
            }
            return out
        }
    }

    /// Case-insensitive lookup over a key table (built only when a key's type is asked for).
    struct KeyLookup: Sendable {
        var lookup: [String: Int] = [:]
        var templates = Templates()
        /// Key name as written (with placeholders) → its lower-cased glob.
        var patternsByName: [String: [Unicode.Scalar]] = [:]

        init(_ table: KeyTable) {
            lookup.reserveCapacity(table.names.count)
            for (id, name) in table.names.enumerated() {
                let lower = Wildcard.asciiLowered(name)
                if lookup[lower] == nil { lookup[lower] = id }
                let before = templates.patterns.count
                templates.add(lower, id: id)
                if templates.patterns.count > before { patternsByName[name] = templates.patterns[before].pattern }
            }
        }

        func matchTemplate(_ lowercasedKey: String) -> Int? { templates.match(lowercasedKey) }
    }

    /// Section G: the global condition keys.
    struct GlobalKeys: Sendable {
        var keys: [GlobalConditionKey] = []
        var lookup: [String: Int] = [:]
        var templates = Templates()

        func matchTemplate(_ lowercasedKey: String) -> Int? { templates.match(lowercasedKey) }

        static func parse(_ buf: UnsafeBufferPointer<UInt8>, _ header: Header) -> GlobalKeys {
            var out = GlobalKeys()
            forEachLine(buf, header.sections["G"]!.range) { line in
                let f = fields(buf, line)
                guard f.count == 5 else { return true }
                let name = string(buf, f[0])
                let types = string(buf, f[1]).split(separator: ",").compactMap { ConditionKeyType(rawValue: String($0)) }
                let id = out.keys.count
                out.keys.append(GlobalConditionKey(name: name, types: types, availability: string(buf, f[2]),
                                                   isSensitive: string(buf, f[3]) == "sensitive",
                                                   note: string(buf, f[4])))
                let lower = Wildcard.asciiLowered(name)
                out.lookup[lower] = id
                out.templates.add(lower, id: id)
                return true
            }
            return out
        }
    }

    /// One service block (section B): `S`, `C`, `R…`, `A…` lines.
    static func parseService(_ buf: UnsafeBufferPointer<UInt8>, range: Range<Int>, keys: KeyTable) -> IAMService {
        var prefix = "", name = ""
        var conditionKeys: [IAMConditionKey] = []
        var resources: [IAMResourceType] = []
        var actions: [IAMAction] = []
        var lowered: [String] = []
        var actionIndex: [String: Int] = [:]
        func keyNames(_ r: Range<Int>) -> [String] {
            var out: [String] = []
            forEachID(buf, r) { if $0 < keys.names.count { out.append(keys.names[$0]) } }
            return out
        }
        forEachLine(buf, range) { line in
            guard line.count >= 2, buf[line.lowerBound + 1] == 0x09 else { return true }
            var f = Fields((line.lowerBound + 2)..<line.upperBound)
            switch buf[line.lowerBound] {
            case UInt8(ascii: "A"):
                guard let n = f.next(buf), let l = f.next(buf), let code = buf[l].first,
                      let level = AccessLevel(code: code), let rowsField = f.next(buf) else { return true }
                let actionName = string(buf, n)
                let lower = lowercasedString(buf, n)
                actionIndex[lower] = actions.count
                lowered.append(lower)
                actions.append(IAMAction(service: prefix, name: actionName, accessLevel: level,
                                         resourceTypes: parseRows(buf, rowsField, resources: resources, keyNames: keyNames)))
            case UInt8(ascii: "R"):
                guard let n = f.next(buf), let arn = f.next(buf) else { return true }
                let keys = f.next(buf).map(keyNames) ?? []
                // Further ARN formats, when AWS gives a resource type several, follow the keys.
                var templates = [string(buf, arn)]
                while let more = f.next(buf) { if !more.isEmpty { templates.append(string(buf, more)) } }
                resources.append(IAMResourceType(service: prefix, name: string(buf, n), arnTemplates: templates,
                                                 conditionKeys: keys))
            case UInt8(ascii: "C"):
                guard let ids = f.next(buf) else { return true }
                forEachID(buf, ids) { id in
                    if id < keys.names.count { conditionKeys.append(IAMConditionKey(name: keys.names[id], type: keys.types[id])) }
                }
            case UInt8(ascii: "S"):
                guard let p = f.next(buf), let n = f.next(buf) else { return true }
                prefix = string(buf, p)
                name = string(buf, n)
                actions.reserveCapacity(range.count / 48)
            default:
                break
            }
            return true
        }
        var resourceIndex: [String: Int] = [:]
        for (i, r) in resources.enumerated() { resourceIndex[r.name] = i }
        return IAMService(prefix: prefix, name: name, actions: actions, resourceTypes: resources,
                          conditionKeys: conditionKeys, actionIndex: actionIndex, lowercasedActionNames: lowered,
                          resourceIndex: resourceIndex,
                          resourceTokens: resources.map { $0.arnTemplates.map(IAMCatalogARNMatcher.templateTokens) })
    }

    /// An action's rows: `|`-separated `[index][*][:id,id…]`; an empty row is the action-level row
    /// without keys.
    static func parseRows(_ buf: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, resources: [IAMResourceType],
                          keyNames: (Range<Int>) -> [String]) -> [ActionResourceType] {
        var rows: [ActionResourceType] = []
        var i = r.lowerBound
        while true {
            var index = -1
            while i < r.upperBound, buf[i] >= 0x30, buf[i] <= 0x39 {
                index = min(max(index, 0) * 10 + Int(buf[i] - 0x30), maxID + 1)
                i += 1
            }
            var required = false
            if i < r.upperBound, buf[i] == UInt8(ascii: "*") {
                required = true
                i += 1
            }
            var rowKeys: [String] = []
            if i < r.upperBound, buf[i] == UInt8(ascii: ":") {
                let start = i + 1
                while i < r.upperBound, buf[i] != UInt8(ascii: "|") { i += 1 }
                rowKeys = keyNames(start..<i)
            }
            let rowName = index < 0 ? "" : (index < resources.count ? resources[index].name : "")
            rows.append(ActionResourceType(name: rowName, required: required, conditionKeys: rowKeys))
            while i < r.upperBound, buf[i] != UInt8(ascii: "|") { i += 1 }  // skip anything unexpected
            if i >= r.upperBound { break }
            i += 1
        }
        return rows
    }

    // MARK: Byte helpers

    /// Calls `body` with each line of `range` (without its line break) until it returns false.
    static func forEachLine(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ body: (Range<Int>) -> Bool) {
        var start = range.lowerBound
        while start < range.upperBound {
            var end = start
            while end < range.upperBound && buf[end] != 0x0A { end += 1 }
            if !body(start..<end) { return }
            start = end + 1
        }
    }

    static func split(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, on separator: UInt8,
                      keepEmpty: Bool) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = range.lowerBound
        var i = start
        while i <= range.upperBound {
            if i == range.upperBound || buf[i] == separator {
                if keepEmpty || i > start { out.append(start..<i) }
                start = i + 1
            }
            i += 1
        }
        return out
    }

    static func fields(_ buf: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> [Range<Int>] {
        split(buf, line, on: 0x09, keepEmpty: true)
    }

    /// The tab-separated fields of a line, one at a time, without allocating.
    struct Fields {
        var position: Int
        let end: Int
        var done = false

        init(_ line: Range<Int>) {
            position = line.lowerBound
            end = line.upperBound
        }

        mutating func next(_ buf: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
            guard !done else { return nil }
            let start = position
            while position < end && buf[position] != 0x09 { position += 1 }
            let field = start..<position
            if position >= end { done = true } else { position += 1 }
            return field
        }
    }

    /// The bytes as a String with ASCII letters lower-cased (as `Wildcard.asciiLowered`).
    static func lowercasedString(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(unsafeUninitializedCapacity: range.count) { out in
            var k = 0
            for i in range {
                let b = buf[i]
                out[k] = b >= 0x41 && b <= 0x5A ? b + 32 : b
                k += 1
            }
            return k
        }
    }

    static func keyType(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> ConditionKeyType? {
        let bytes = UnsafeBufferPointer(rebasing: buf[range])
        return ConditionKeyType.allCases.first { $0.rawValue.utf8.elementsEqual(bytes) }
    }

    /// `Wildcard`'s greedy glob on bytes, for ASCII patterns and names (`*` any run, `?` one byte).
    static func globMatch(_ p: UnsafeBufferPointer<UInt8>, _ v: UnsafeBufferPointer<UInt8>) -> Bool {
        let star = UInt8(ascii: "*"), question = UInt8(ascii: "?")
        var pi = 0, vi = 0, starAt = -1, mark = 0
        while vi < v.count {
            if pi < p.count && p[pi] != star && (p[pi] == question || p[pi] == v[vi]) {
                pi += 1
                vi += 1
            } else if pi < p.count && p[pi] == star {
                starAt = pi
                mark = vi
                pi += 1
            } else if starAt >= 0 {
                pi = starAt + 1
                mark += 1
                vi = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == star { pi += 1 }
        return pi == p.count
    }

    static func string(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: buf[range]), as: UTF8.self)
    }

    /// A decimal number of at most 15 digits (so that no sum of offsets can overflow); nil for
    /// anything else.
    static func int(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty, range.count <= 15 else { return nil }
        var n = 0
        for i in range {
            guard buf[i] >= 0x30, buf[i] <= 0x39 else { return nil }
            n = n * 10 + Int(buf[i] - 0x30)
        }
        return n
    }

    /// Comma-separated decimal ids. An id too long to be one (over `maxID`) is skipped.
    static func forEachID(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ body: (Int) -> Void) {
        var n = -1
        for i in range {
            let b = buf[i]
            if b >= 0x30 && b <= 0x39 {
                n = min(max(n, 0) * 10 + Int(b - 0x30), maxID + 1)
            } else {
                if n >= 0 { body(n) }
                n = -1
            }
        }
        if n >= 0 { body(n) }
    }

    /// Larger than any id or index a catalog holds; numbers stop growing above it, so that a
    /// damaged catalog file cannot overflow them.
    static let maxID = 1 << 40

    // MARK: Names

    /// A key name with `${…}` or `<…>` placeholders as a glob in which each placeholder is `?*`
    /// (any non-empty text); nil when the name has none. Key names never contain `*` or `?`
    /// (the generator checks).
    static func placeholderPattern(_ name: String) -> String? {
        // A few service pages spell the tag placeholder in words: `secretsmanager:ResourceTag/tag-key`
        // (names arrive lower-cased).
        if name.hasSuffix("tag/tag-key") { return String(name.dropLast("tag-key".count)) + "?*" }
        var out = String.UnicodeScalarView()
        var found = false
        var scalars = name.unicodeScalars[...]
        while let c = scalars.first {
            if c == "$", scalars.dropFirst().first == "{", let close = scalars.firstIndex(of: "}") {
                out.append("?"); out.append("*")
                scalars = scalars[scalars.index(after: close)...]
                found = true
            } else if c == "<", let close = scalars.firstIndex(of: ">") {
                out.append("?"); out.append("*")
                scalars = scalars[scalars.index(after: close)...]
                found = true
            } else {
                out.append(c)
                scalars = scalars.dropFirst()
            }
        }
        return found ? String(out) : nil
    }

    /// Whether a catalog key name (`aws:RequestTag/${TagKey}`) covers a key, given lower-cased:
    /// equal ignoring ASCII case, or matching its placeholder glob (from `KeyLookup`).
    static func keyMatches(_ name: String, loweredKey: [UInt8], loweredScalars: [Unicode.Scalar],
                           patterns: [String: [Unicode.Scalar]]) -> Bool {
        if name.utf8.count == loweredKey.count {
            var i = 0
            var equal = true
            for b in name.utf8 {
                if (b >= 0x41 && b <= 0x5A ? b + 32 : b) != loweredKey[i] {
                    equal = false
                    break
                }
                i += 1
            }
            if equal { return true }
        }
        guard let pattern = patterns[name] else { return false }
        return Wildcard.matches(pattern, loweredScalars)
    }

    /// How far a name may be from a suggestion: 1 edit for up to 4 characters, 2 up to 9, else 3.
    static func allowedDistance(_ length: Int) -> Int {
        length <= 4 ? 1 : (length <= 9 ? 2 : 3)
    }

    /// Optimal-string-alignment distance (insertions, deletions, substitutions, adjacent
    /// transpositions); anything above `limit` is reported as `limit + 1`.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        let m = b.count
        var prev2 = [Int](repeating: 0, count: m + 1)
        var prev = Array(0...m)
        var cur = [Int](repeating: 0, count: m + 1)
        for i in 1...a.count {
            cur[0] = i
            var rowMin = cur[0]
            for j in 1...m {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = min(v, prev2[j - 2] + 1)
                }
                cur[j] = v
                rowMin = min(rowMin, v)
            }
            if rowMin > limit { return limit + 1 }
            (prev2, prev, cur) = (prev, cur, prev2)
        }
        return min(prev[m], limit + 1)
    }
}
