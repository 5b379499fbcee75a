import RoleCheckCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A strict RFC 8259 JSON parser that builds the positioned tree in one pass.
///
/// - Every value and key records its byte range; lines and columns are resolved only for findings.
/// - Strings without escapes are not copied: their value is a slice of the input.
/// - Rejects invalid UTF-8, unescaped control characters, leading zeros, trailing commas, comments,
///   and everything else the grammar forbids, with the offset of the offending byte.
/// - Accepts a UTF-8 byte-order mark. Duplicate keys are kept and listed on the document.
/// - Nesting deeper than `ParseLimits.maxDepth` is an error, not a stack overflow: the parser is
///   iterative.
public enum JSONParser {
    public static func parse(file: SourceFile, limits: ParseLimits = .default) -> Result<Document, ParseError> {
        parse(text: file.bytes, file: file, origin: .file, skipBOM: true, limits: limits)
    }

    /// Parses a file into a document that holds its values itself, then lets the file release its
    /// bytes (`SourceFile.releaseBytes`): for large exports, whose text is mostly layout.
    package static func parseReleasingText(file: SourceFile, limits: ParseLimits) -> Result<Document, ParseError> {
        let result = parse(text: file.bytes, file: file, origin: .file, skipBOM: true, limits: limits, releasingText: true)
        if case .success = result { file.releaseBytes() }
        return result
    }

    package static func parse(text: [UInt8], file: SourceFile, origin: DocumentOrigin, skipBOM: Bool,
                      limits: ParseLimits, releasingText: Bool = false) -> Result<Document, ParseError> {
        var state = State()
        let result: ParseError? = text.withUnsafeBufferPointer { buf in
            do {
                try state.run(buf, skipBOM: skipBOM, maxDepth: limits.maxDepth)
                return nil
            } catch let e as ParseError {
                return e
            } catch {
                return ParseError("internal parser error", at: 0)
            }
        }
        if let result { return .failure(result) }
        if releasingText { moveValuesToSide(&state.records, &state.side, text: text) }
        return .success(Document(file: file, format: .json, streamIndex: 0, origin: origin,
                                 text: releasingText ? [] : text, textReleased: releasingText,
                                 records: state.records, side: state.side, tags: [],
                                 duplicates: state.duplicates))
    }

    /// Copies every scalar value still read from `text` (a string without escapes, a number,
    /// `true`, `false`, `null`) to `side`, marking it verbatim, so the document no longer needs
    /// the text for its values.
    static func moveValuesToSide(_ records: inout [NodeRecord], _ side: inout [UInt8], text: [UInt8]) {
        var total = side.count
        for r in records where r.kind != .array && r.kind != .object && r.flags & NodeRecord.flagSideValue == 0 {
            total += Int(r.b)
        }
        side.reserveCapacity(total)
        text.withUnsafeBufferPointer { buf in
            records.withUnsafeMutableBufferPointer { recs in
                for i in recs.indices {
                    let r = recs[i]
                    guard r.kind != .array && r.kind != .object && r.flags & NodeRecord.flagSideValue == 0 else { continue }
                    let start = side.count
                    side.append(contentsOf: UnsafeBufferPointer(rebasing: buf[Int(r.a)..<Int(r.a) + Int(r.b)]))
                    recs[i].a = UInt32(truncatingIfNeeded: start)
                    recs[i].flags |= NodeRecord.flagSideValue | NodeRecord.flagVerbatim
                }
            }
        }
    }

    private struct Frame {
        var index: Int
        var children: UInt32
        var isObject: Bool
    }

    private struct State {
        var records: [NodeRecord] = []
        var side: [UInt8] = []
        var duplicates: [(Int32, Int32)] = []
        var stack: [Frame] = []

        @inline(__always)
        mutating func append(kind: NodeKind, start: Int, end: Int, a: Int, b: Int, flags: UInt8) {
            let parent = stack.last.map { UInt32($0.index) } ?? NodeRecord.noParent
            records.append(NodeRecord(start: UInt32(truncatingIfNeeded: start), end: UInt32(truncatingIfNeeded: end),
                                      parent: parent, a: UInt32(truncatingIfNeeded: a),
                                      b: UInt32(truncatingIfNeeded: b), tag: 0, kind: kind, flags: flags))
            if !stack.isEmpty { stack[stack.count - 1].children += 1 }
        }

        mutating func run(_ buf: UnsafeBufferPointer<UInt8>, skipBOM: Bool, maxDepth: Int) throws {
            let n = buf.count
            var i = 0
            if skipBOM && n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF { i = 3 }
            records.reserveCapacity(min(n / 12 + 4, 1 << 22))

            @inline(__always) func skipWS(_ i: inout Int) {
                while i < n {
                    let c = buf[i]
                    if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 } else { break }
                }
            }

            value: while true {
                skipWS(&i)
                guard i < n else {
                    throw ParseError(stack.isEmpty && records.isEmpty ? "empty document: expected a JSON value"
                                     : "unexpected end of input: expected a value", at: i)
                }
                let c = buf[i]
                switch c {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    let isObject = c == UInt8(ascii: "{")
                    let idx = records.count
                    if stack.count >= maxDepth {
                        throw ParseError("nesting deeper than \(maxDepth) levels", at: i)
                    }
                    append(kind: isObject ? .object : .array, start: i, end: i, a: 0, b: 0, flags: 0)
                    i += 1
                    skipWS(&i)
                    if i < n && buf[i] == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                        i += 1
                        records[idx].end = UInt32(truncatingIfNeeded: i)
                    } else {
                        stack.append(Frame(index: idx, children: 0, isObject: isObject))
                        if isObject {
                            try parseKey(buf, &i)
                        }
                        continue value
                    }
                case UInt8(ascii: "\""):
                    try parseString(buf, &i, isKey: false)
                case UInt8(ascii: "t"):
                    try literal(buf, &i, "true", kind: .bool, flags: NodeRecord.flagTrue)
                case UInt8(ascii: "f"):
                    try literal(buf, &i, "false", kind: .bool, flags: 0)
                case UInt8(ascii: "n"):
                    try literal(buf, &i, "null", kind: .null, flags: 0)
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    try parseNumber(buf, &i)
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    var p = i - 1
                    while p >= 0, buf[p] == 0x20 || buf[p] == 0x0A || buf[p] == 0x0D || buf[p] == 0x09 { p -= 1 }
                    if p >= 0 && buf[p] == UInt8(ascii: ",") {
                        throw ParseError("unexpected \(describeByte(buf, i)) after ',': trailing commas are not allowed in JSON", at: i)
                    }
                    throw ParseError("unexpected \(describeByte(buf, i)): expected a value", at: i)
                case UInt8(ascii: "/"):
                    throw ParseError("comments are not allowed in JSON", at: i)
                default:
                    throw ParseError("unexpected \(describeByte(buf, i)): expected a value", at: i)
                }

                // After a value: a separator, a closing bracket, or the end of the document.
                while true {
                    skipWS(&i)
                    guard let top = stack.last else {
                        if i < n {
                            throw ParseError("unexpected \(describeByte(buf, i)) after the end of the JSON value", at: i)
                        }
                        return
                    }
                    guard i < n else {
                        throw ParseError("unexpected end of input: expected ',' or '\(top.isObject ? "}" : "]")'", at: i)
                    }
                    let d = buf[i]
                    if d == UInt8(ascii: ",") {
                        i += 1
                        if top.isObject {
                            skipWS(&i)
                            try parseKey(buf, &i)
                        }
                        continue value
                    }
                    if (top.isObject && d == UInt8(ascii: "}")) || (!top.isObject && d == UInt8(ascii: "]")) {
                        i += 1
                        stack.removeLast()
                        records[top.index].end = UInt32(truncatingIfNeeded: i)
                        records[top.index].a = UInt32(truncatingIfNeeded: records.count - top.index - 1)
                        records[top.index].b = top.children
                        if top.isObject && top.children > 2 { findDuplicates(object: top.index, buf) }
                        continue
                    }
                    if top.isObject {
                        throw ParseError("unexpected \(describeByte(buf, i)): expected ',' or '}' after an object member", at: i)
                    }
                    throw ParseError("unexpected \(describeByte(buf, i)): expected ',' or ']' after an array element", at: i)
                }
            }
        }

        /// A member's key and its colon; leaves `i` at the value.
        mutating func parseKey(_ buf: UnsafeBufferPointer<UInt8>, _ i: inout Int) throws {
            let n = buf.count
            guard i < n else { throw ParseError("unexpected end of input: expected a member name", at: i) }
            guard buf[i] == UInt8(ascii: "\"") else {
                if buf[i] == UInt8(ascii: "}") {
                    throw ParseError("unexpected '}' after ',': trailing commas are not allowed in JSON", at: i)
                }
                throw ParseError("unexpected \(describeByte(buf, i)): member names must be double-quoted strings", at: i)
            }
            try parseString(buf, &i, isKey: true)
            while i < n, buf[i] == 0x20 || buf[i] == 0x0A || buf[i] == 0x0D || buf[i] == 0x09 { i += 1 }
            guard i < n, buf[i] == UInt8(ascii: ":") else {
                throw ParseError("unexpected \(describeByte(buf, i)): expected ':' after a member name", at: i)
            }
            i += 1
        }

        mutating func literal(_ buf: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ word: StaticString,
                              kind: NodeKind, flags: UInt8) throws {
            let len = word.utf8CodeUnitCount
            let w = word.utf8Start
            let start = i
            var k = 0
            while k < len {
                guard i + k < buf.count, buf[i + k] == w[k] else {
                    throw ParseError("invalid literal: expected '\(word)'", at: i + k)
                }
                k += 1
            }
            i += len
            append(kind: kind, start: start, end: i, a: start, b: len, flags: flags)
        }

        mutating func parseNumber(_ buf: UnsafeBufferPointer<UInt8>, _ i: inout Int) throws {
            let n = buf.count
            let start = i
            @inline(__always) func isDigit(_ j: Int) -> Bool { j < n && buf[j] &- 0x30 < 10 }
            if buf[i] == UInt8(ascii: "-") { i += 1 }
            guard isDigit(i) else { throw ParseError("invalid number: expected a digit, found \(describeByte(buf, i))", at: i) }
            if buf[i] == UInt8(ascii: "0") {
                i += 1
                if isDigit(i) { throw ParseError("invalid number: leading zeros are not allowed", at: start) }
            } else {
                while isDigit(i) { i += 1 }
            }
            if i < n && buf[i] == UInt8(ascii: ".") {
                i += 1
                guard isDigit(i) else {
                    throw ParseError("invalid number: expected a digit after '.', found \(describeByte(buf, i))", at: i)
                }
                while isDigit(i) { i += 1 }
            }
            if i < n && (buf[i] == UInt8(ascii: "e") || buf[i] == UInt8(ascii: "E")) {
                i += 1
                if i < n && (buf[i] == UInt8(ascii: "+") || buf[i] == UInt8(ascii: "-")) { i += 1 }
                guard isDigit(i) else {
                    throw ParseError("invalid number: expected a digit in the exponent, found \(describeByte(buf, i))", at: i)
                }
                while isDigit(i) { i += 1 }
            }
            append(kind: .number, start: start, end: i, a: start, b: i - start, flags: 0)
        }

        /// Parses a string starting at the opening quote; leaves `i` after the closing quote.
        mutating func parseString(_ buf: UnsafeBufferPointer<UInt8>, _ i: inout Int, isKey: Bool) throws {
            let n = buf.count
            let start = i
            i += 1
            let contentStart = i
            // Fast path: no escapes.
            while i < n {
                let b = buf[i]
                if b == UInt8(ascii: "\"") {
                    i += 1
                    append(kind: .string, start: start, end: i, a: contentStart, b: i - 1 - contentStart,
                           flags: isKey ? NodeRecord.flagKey : 0)
                    return
                }
                if b == UInt8(ascii: "\\") { break }
                if b < 0x20 { throw controlCharacter(buf, i) }
                if b < 0x80 {
                    i += 1
                } else {
                    let len = utf8SequenceLength(buf, i)
                    if len == 0 { throw ParseError("invalid UTF-8 (\(describeByte(buf, i))) in a string", at: i) }
                    i += len
                }
            }
            if i >= n { throw ParseError("unexpected end of input inside a string", at: i) }

            // Slow path: decode escapes into the side buffer.
            let sideStart = side.count
            side.append(contentsOf: UnsafeBufferPointer(rebasing: buf[contentStart..<i]))
            while true {
                guard i < n else { throw ParseError("unexpected end of input inside a string", at: i) }
                let b = buf[i]
                if b == UInt8(ascii: "\"") {
                    i += 1
                    break
                }
                if b == UInt8(ascii: "\\") {
                    guard i + 1 < n else { throw ParseError("unexpected end of input inside an escape sequence", at: i + 1) }
                    let e = buf[i + 1]
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): side.append(e); i += 2
                    case UInt8(ascii: "b"): side.append(0x08); i += 2
                    case UInt8(ascii: "f"): side.append(0x0C); i += 2
                    case UInt8(ascii: "n"): side.append(0x0A); i += 2
                    case UInt8(ascii: "r"): side.append(0x0D); i += 2
                    case UInt8(ascii: "t"): side.append(0x09); i += 2
                    case UInt8(ascii: "u"):
                        var cp = try hex4(buf, i + 2)
                        i += 6
                        if (0xD800..<0xDC00).contains(cp) {
                            // A high surrogate: combine with a following low surrogate when there is one.
                            if i + 5 < n && buf[i] == UInt8(ascii: "\\") && buf[i + 1] == UInt8(ascii: "u") {
                                let lo = try hex4(buf, i + 2)
                                if (0xDC00..<0xE000).contains(lo) {
                                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
                                    i += 6
                                } else {
                                    cp = 0xFFFD
                                }
                            } else {
                                cp = 0xFFFD
                            }
                        } else if (0xDC00..<0xE000).contains(cp) {
                            cp = 0xFFFD // a lone low surrogate: kept as U+FFFD
                        }
                        appendUTF8(cp)
                    default:
                        throw ParseError("invalid escape sequence '\\\(describeByte(buf, i + 1).trimmingQuotes)' in a string", at: i)
                    }
                    continue
                }
                if b < 0x20 { throw controlCharacter(buf, i) }
                if b < 0x80 {
                    side.append(b)
                    i += 1
                } else {
                    let len = utf8SequenceLength(buf, i)
                    if len == 0 { throw ParseError("invalid UTF-8 (\(describeByte(buf, i))) in a string", at: i) }
                    side.append(contentsOf: UnsafeBufferPointer(rebasing: buf[i..<i + len]))
                    i += len
                }
            }
            append(kind: .string, start: start, end: i, a: sideStart, b: side.count - sideStart,
                   flags: NodeRecord.flagSideValue | (isKey ? NodeRecord.flagKey : 0))
        }

        func controlCharacter(_ buf: UnsafeBufferPointer<UInt8>, _ i: Int) -> ParseError {
            let hex = String(buf[i], radix: 16, uppercase: true)
            let code = String(repeating: "0", count: 4 - hex.count) + hex
            return ParseError("control character U+\(code) must be escaped in a string", at: i)
        }

        func hex4(_ buf: UnsafeBufferPointer<UInt8>, _ at: Int) throws -> Int {
            var v = 0
            for j in at..<at + 4 {
                guard j < buf.count else { throw ParseError("unexpected end of input in a \\u escape", at: j) }
                let c = buf[j]
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): v = v * 16 + Int(c - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): v = v * 16 + Int(c - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): v = v * 16 + Int(c - UInt8(ascii: "A") + 10)
                default: throw ParseError("invalid \\u escape: expected 4 hex digits", at: j)
                }
            }
            return v
        }

        mutating func appendUTF8(_ cp: Int) {
            switch cp {
            case ..<0x80:
                side.append(UInt8(cp))
            case ..<0x800:
                side.append(UInt8(0xC0 | (cp >> 6)))
                side.append(UInt8(0x80 | (cp & 0x3F)))
            case ..<0x10000:
                side.append(UInt8(0xE0 | (cp >> 12)))
                side.append(UInt8(0x80 | ((cp >> 6) & 0x3F)))
                side.append(UInt8(0x80 | (cp & 0x3F)))
            default:
                side.append(UInt8(0xF0 | (cp >> 18)))
                side.append(UInt8(0x80 | ((cp >> 12) & 0x3F)))
                side.append(UInt8(0x80 | ((cp >> 6) & 0x3F)))
                side.append(UInt8(0x80 | (cp & 0x3F)))
            }
        }

        /// Records duplicate keys of the object at `index`, whose children are complete.
        mutating func findDuplicates(object index: Int, _ buf: UnsafeBufferPointer<UInt8>) {
            var keys: [Int] = []
            var j = index + 1
            let end = index + 1 + Int(records[index].a)
            while j < end {
                keys.append(j)
                let v = records[j + 1]
                j += 2 + Int(v.kind == .array || v.kind == .object ? v.a : 0)
            }
            duplicates.append(contentsOf: DuplicateFinder.find(keys: keys, records: records, text: buf, side: side))
        }
    }
}

/// Finds repeated keys among an object's key records (shared by the JSON and YAML readers).
enum DuplicateFinder {
    static func find(keys: [Int], records: [NodeRecord], text: UnsafeBufferPointer<UInt8>, side: [UInt8]) -> [(Int32, Int32)] {
        side.withUnsafeBufferPointer { sideBuf in
            @inline(__always) func bytes(_ k: Int) -> UnsafeBufferPointer<UInt8> {
                let r = records[k]
                let base = r.flags & NodeRecord.flagSideValue != 0 ? sideBuf : text
                return UnsafeBufferPointer(rebasing: base[Int(r.a)..<Int(r.a) + Int(r.b)])
            }
            @inline(__always) func equal(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool {
                x.count == y.count && (x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0)
            }
            var out: [(Int32, Int32)] = []
            if keys.count <= 16 {
                for a in 1..<max(keys.count, 1) {
                    let ka = bytes(keys[a])
                    for b in 0..<a where equal(ka, bytes(keys[b])) {
                        out.append((Int32(keys[a]), Int32(keys[b])))
                        break
                    }
                }
                return out
            }
            var seen: [Int: [Int]] = [:]
            for k in keys {
                let kb = bytes(k)
                var h = Hasher()
                h.combine(bytes: UnsafeRawBufferPointer(kb))
                let hash = h.finalize()
                if let earlier = seen[hash], let first = earlier.first(where: { equal(bytes($0), kb) }) {
                    out.append((Int32(k), Int32(first)))
                } else {
                    seen[hash, default: []].append(k)
                }
            }
            return out
        }
    }
}

/// Length of the valid UTF-8 sequence at `i` (2–4), or 0 when the bytes there are not valid UTF-8
/// (overlong forms, surrogates and code points above U+10FFFF are invalid).
@inline(__always)
func utf8SequenceLength(_ buf: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
    let n = buf.count
    let b0 = buf[i]
    @inline(__always) func cont(_ j: Int) -> Bool { j < n && buf[j] & 0xC0 == 0x80 }
    if b0 < 0xC2 { return 0 }
    if b0 < 0xE0 { return cont(i + 1) ? 2 : 0 }
    if b0 < 0xF0 {
        guard i + 1 < n else { return 0 }
        let b1 = buf[i + 1]
        let ok = b0 == 0xE0 ? (0xA0...0xBF).contains(b1) : b0 == 0xED ? (0x80...0x9F).contains(b1) : b1 & 0xC0 == 0x80
        return ok && cont(i + 2) ? 3 : 0
    }
    if b0 < 0xF5 {
        guard i + 1 < n else { return 0 }
        let b1 = buf[i + 1]
        let ok = b0 == 0xF0 ? (0x90...0xBF).contains(b1) : b0 == 0xF4 ? (0x80...0x8F).contains(b1) : b1 & 0xC0 == 0x80
        return ok && cont(i + 2) && cont(i + 3) ? 4 : 0
    }
    return 0
}

extension String {
    var trimmingQuotes: String {
        if count >= 2 && hasPrefix("'") && hasSuffix("'") { return String(dropFirst().dropLast()) }
        return self
    }
}
