import RoleCheckCore

/// Token kinds of HCL's expression and structural language (template text is scanned by the
/// parser directly, see HCLTemplates.swift).
enum HCLTokenKind: UInt8 {
    case eof, newline, ident, number, quote, heredoc
    case lparen, rparen, lbrack, rbrack, lbrace, rbrace, tildeRBrace
    case comma, dot, ellipsis, colon, doubleColon, question, equal, fatArrow
    case plus, minus, star, slash, percent, eqEq, notEq, lt, gt, le, ge, and, or, bang

    var text: String {
        switch self {
        case .eof: "end of input"
        case .newline: "a line break"
        case .ident: "a name"
        case .number: "a number"
        case .quote: "'\"'"
        case .heredoc: "a heredoc"
        case .lparen: "'('"
        case .rparen: "')'"
        case .lbrack: "'['"
        case .rbrack: "']'"
        case .lbrace: "'{'"
        case .rbrace: "'}'"
        case .tildeRBrace: "'~}'"
        case .comma: "','"
        case .dot: "'.'"
        case .ellipsis: "'...'"
        case .colon: "':'"
        case .doubleColon: "'::'"
        case .question: "'?'"
        case .equal: "'='"
        case .fatArrow: "'=>'"
        case .plus: "'+'"
        case .minus: "'-'"
        case .star: "'*'"
        case .slash: "'/'"
        case .percent: "'%'"
        case .eqEq: "'=='"
        case .notEq: "'!='"
        case .lt: "'<'"
        case .gt: "'>'"
        case .le: "'<='"
        case .ge: "'>='"
        case .and: "'&&'"
        case .or: "'||'"
        case .bang: "'!'"
        }
    }
}

struct HCLToken {
    var kind: HCLTokenKind
    var start: Int
    var end: Int
    /// For messages ("the '(' at line 3, column 7").
    var startPos: SourcePosition
    /// A heredoc's marker: bytes `a..<b`; `flush` for `<<-`.
    var a: Int = 0
    var b: Int = 0
    var flush: Bool = false
}

/// The scanner's position: a byte offset and what is needed to turn it into a line and a column
/// without a table (columns count Unicode scalars, as `SourceFile.position(ofOffset:)` does).
struct HCLCursor {
    var i = 0
    var line = 1
    var lineStart = 0
    /// UTF-8 continuation bytes between `lineStart` and `i`.
    var cont = 0
}

extension HCLState {
    @inline(__always) var n: Int { buf.count }

    @inline(__always) func here() -> SourcePosition {
        SourcePosition(line: cur.line, column: cur.i - cur.lineStart - cur.cont + 1, offset: cur.i)
    }

    /// Moves past a line break that ends just before `end`.
    @inline(__always) mutating func lineBreak(to end: Int) {
        cur.i = end
        cur.line += 1
        cur.lineStart = end
        cur.cont = 0
    }

    func error(_ message: String, _ start: Int, _ end: Int? = nil) -> ParseError {
        ParseError(message, at: start, to: end ?? min(start + 1, n))
    }

    /// The range of one character at `offset` (a line break counts as one, CRLF included).
    func charEnd(_ offset: Int) -> Int {
        guard offset < n else { return offset }
        let b = buf[offset]
        if b == 0x0D, offset + 1 < n, buf[offset + 1] == 0x0A { return offset + 2 }
        if b < 0x80 { return offset + 1 }
        let len = utf8SequenceLength(buf, offset)
        return offset + max(1, len)
    }

    /// `'x'`, `a line break`, `end of input`, `U+00E9`, `byte 0xFF`.
    func describeChar(_ offset: Int) -> String {
        guard offset < n else { return "end of input" }
        let b = buf[offset]
        if b >= 0x80 {
            let len = utf8SequenceLength(buf, offset)
            guard len > 0 else { return describeByte(buf, offset) }
            let (scalar, _) = decodeScalar(offset)
            let hex = String(scalar, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
        return describeByte(buf, offset)
    }

    /// Decodes the (valid) UTF-8 sequence at `offset`.
    @inline(__always) func decodeScalar(_ offset: Int) -> (UInt32, Int) {
        let b0 = UInt32(buf[offset])
        if b0 < 0x80 { return (b0, 1) }
        if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(buf[offset + 1] & 0x3F), 2) }
        if b0 < 0xF0 {
            return ((b0 & 0x0F) << 12 | UInt32(buf[offset + 1] & 0x3F) << 6 | UInt32(buf[offset + 2] & 0x3F), 3)
        }
        return ((b0 & 0x07) << 18 | UInt32(buf[offset + 1] & 0x3F) << 12 | UInt32(buf[offset + 2] & 0x3F) << 6
                | UInt32(buf[offset + 3] & 0x3F), 4)
    }

    /// The length of the valid UTF-8 sequence at `offset`, or an error there.
    @inline(__always) func validUTF8(_ offset: Int) throws -> Int {
        let len = utf8SequenceLength(buf, offset)
        if len == 0 { throw error("invalid UTF-8 (\(describeByte(buf, offset)))", offset) }
        return len
    }

    // MARK: Trivia

    /// Skips spaces, tabs and comments, and line breaks too when `newlines` is false.
    mutating func skipTrivia(newlines: Bool) throws {
        while cur.i < n {
            let c = buf[cur.i]
            if c == 0x20 || c == 0x09 {
                cur.i += 1
            } else if c == UInt8(ascii: "#") {
                skipLineComment(from: cur.i + 1)
            } else if c == UInt8(ascii: "/"), cur.i + 1 < n, buf[cur.i + 1] == UInt8(ascii: "/") {
                skipLineComment(from: cur.i + 2)
            } else if c == UInt8(ascii: "/"), cur.i + 1 < n, buf[cur.i + 1] == UInt8(ascii: "*") {
                try skipBlockComment()
            } else if !newlines, c == 0x0A {
                lineBreak(to: cur.i + 1)
            } else if !newlines, c == 0x0D, cur.i + 1 < n, buf[cur.i + 1] == 0x0A {
                lineBreak(to: cur.i + 2)
            } else {
                return
            }
        }
    }

    /// A `#` or `//` comment: anything up to the line break, which is left for the caller (a line
    /// comment counts as a line break). A lone CR inside is text to HCL but a line break to
    /// positions (as `SourceFile` counts lines).
    mutating func skipLineComment(from start: Int) {
        cur.i = start
        while cur.i < n {
            let c = buf[cur.i]
            if c == 0x0A { return }
            if c == 0x0D {
                if cur.i + 1 < n, buf[cur.i + 1] == 0x0A { return }
                lineBreak(to: cur.i + 1)
                continue
            }
            if c & 0xC0 == 0x80 { cur.cont += 1 }
            cur.i += 1
        }
    }

    mutating func skipBlockComment() throws {
        let start = cur.i
        cur.i += 2
        while cur.i < n {
            let c = buf[cur.i]
            if c == UInt8(ascii: "*"), cur.i + 1 < n, buf[cur.i + 1] == UInt8(ascii: "/") {
                cur.i += 2
                return
            }
            if c == 0x0A {
                lineBreak(to: cur.i + 1)
            } else if c == 0x0D {
                lineBreak(to: cur.i + 1 < n && buf[cur.i + 1] == 0x0A ? cur.i + 2 : cur.i + 1)
            } else {
                if c & 0xC0 == 0x80 { cur.cont += 1 }
                cur.i += 1
            }
        }
        throw error("unterminated comment: no '*/' closes the '/*'", start, start + 2)
    }

    // MARK: Tokens

    /// The next token, skipping line breaks when `newlines` is false (the token stays buffered
    /// until `take()`).
    @inline(__always) mutating func peek(_ newlines: Bool) throws -> HCLToken {
        if let t = peeked {
            if t.kind != .newline || newlines { return t }
            peeked = nil
        }
        let t = try scanToken(newlines)
        peeked = t
        return t
    }

    @inline(__always) mutating func take() { peeked = nil }

    @inline(__always) static func isIdentASCII(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2D
    }

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

    /// Scans the rest of an identifier (ID_Continue or `-`).
    mutating func scanIdentRest() throws {
        while cur.i < n {
            let c = buf[cur.i]
            if c < 0x80 {
                if Self.isIdentASCII(c) { cur.i += 1; continue }
                return
            }
            let len = try validUTF8(cur.i)
            let (v, _) = decodeScalar(cur.i)
            guard let s = Unicode.Scalar(v), s.properties.isIDContinue else { return }
            cur.i += len
            cur.cont += len - 1
        }
    }

    /// Whether an identifier starts at `offset` (ID_Start or `_`); its first scalar's length.
    func identStart(_ offset: Int) -> Int? {
        guard offset < n else { return nil }
        let c = buf[offset]
        if c < 0x80 {
            return (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F ? 1 : nil
        }
        let len = utf8SequenceLength(buf, offset)
        guard len > 0 else { return nil }
        let (v, _) = decodeScalar(offset)
        guard let s = Unicode.Scalar(v), s.properties.isIDStart else { return nil }
        return len
    }

    mutating func scanToken(_ newlines: Bool) throws -> HCLToken {
        try skipTrivia(newlines: newlines)
        let s = cur.i
        let sp = here()
        @inline(__always) func tok(_ k: HCLTokenKind, _ len: Int) -> HCLToken {
            cur.i = s + len
            return HCLToken(kind: k, start: s, end: s + len, startPos: sp)
        }
        guard s < n else { return HCLToken(kind: .eof, start: s, end: s, startPos: sp) }
        let c = buf[s]
        let next: UInt8 = s + 1 < n ? buf[s + 1] : 0
        switch c {
        case 0x0A:
            lineBreak(to: s + 1)
            return HCLToken(kind: .newline, start: s, end: s + 1, startPos: sp)
        case 0x0D:
            guard next == 0x0A else {
                throw error("a carriage return must be followed by a line feed (HCL's line breaks are LF or CRLF)", s)
            }
            lineBreak(to: s + 2)
            return HCLToken(kind: .newline, start: s, end: s + 2, startPos: sp)
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
            cur.i = s + 1
            try scanIdentRest()
            return HCLToken(kind: .ident, start: s, end: cur.i, startPos: sp)
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try scanNumber(s, sp)
        case UInt8(ascii: "\""): return tok(.quote, 1)
        case UInt8(ascii: "<"):
            if next == UInt8(ascii: "<"), let t = try scanHeredocStart(s, sp) { return t }
            return next == UInt8(ascii: "=") ? tok(.le, 2) : tok(.lt, 1)
        case UInt8(ascii: ">"): return next == UInt8(ascii: "=") ? tok(.ge, 2) : tok(.gt, 1)
        case UInt8(ascii: "="):
            if next == UInt8(ascii: "=") { return tok(.eqEq, 2) }
            if next == UInt8(ascii: ">") { return tok(.fatArrow, 2) }
            return tok(.equal, 1)
        case UInt8(ascii: "!"): return next == UInt8(ascii: "=") ? tok(.notEq, 2) : tok(.bang, 1)
        case UInt8(ascii: "&"):
            guard next == UInt8(ascii: "&") else { throw error("unexpected '&': the logical operator is '&&'", s) }
            return tok(.and, 2)
        case UInt8(ascii: "|"):
            guard next == UInt8(ascii: "|") else { throw error("unexpected '|': the logical operator is '||'", s) }
            return tok(.or, 2)
        case UInt8(ascii: "("): return tok(.lparen, 1)
        case UInt8(ascii: ")"): return tok(.rparen, 1)
        case UInt8(ascii: "["): return tok(.lbrack, 1)
        case UInt8(ascii: "]"): return tok(.rbrack, 1)
        case UInt8(ascii: "{"): return tok(.lbrace, 1)
        case UInt8(ascii: "}"): return tok(.rbrace, 1)
        case UInt8(ascii: ","): return tok(.comma, 1)
        case UInt8(ascii: "?"): return tok(.question, 1)
        case UInt8(ascii: "+"): return tok(.plus, 1)
        case UInt8(ascii: "-"): return tok(.minus, 1)
        case UInt8(ascii: "*"): return tok(.star, 1)
        case UInt8(ascii: "/"): return tok(.slash, 1)
        case UInt8(ascii: "%"): return tok(.percent, 1)
        case UInt8(ascii: "."):
            if next == UInt8(ascii: "."), s + 2 < n, buf[s + 2] == UInt8(ascii: ".") { return tok(.ellipsis, 3) }
            return tok(.dot, 1)
        case UInt8(ascii: ":"): return next == UInt8(ascii: ":") ? tok(.doubleColon, 2) : tok(.colon, 1)
        case UInt8(ascii: "~"):
            guard next == UInt8(ascii: "}") else {
                throw error("unexpected '~': a strip marker belongs right after '${' or '%{', or right before '}'", s)
            }
            return tok(.tildeRBrace, 2)
        default:
            if c >= 0x80 {
                if c == 0xEF, next == 0xBB, s + 2 < n, buf[s + 2] == 0xBF {
                    throw error("a UTF-8 byte-order mark is not allowed in HCL (Terraform rejects it too)", s, s + 3)
                }
                let len = try validUTF8(s)
                if identStart(s) != nil {
                    cur.i = s + len
                    cur.cont += len - 1
                    try scanIdentRest()
                    return HCLToken(kind: .ident, start: s, end: cur.i, startPos: sp)
                }
                throw error("unexpected character \(describeChar(s))", s, s + len)
            }
            throw error("unexpected \(describeByte(buf, s))", s)
        }
    }

    /// `digits ('.' digits)? ([eE] [+-]? digits)?`.
    mutating func scanNumber(_ s: Int, _ sp: SourcePosition) throws -> HCLToken {
        var i = s
        while i < n, Self.isDigit(buf[i]) { i += 1 }
        if i + 1 < n, buf[i] == UInt8(ascii: "."), Self.isDigit(buf[i + 1]) {
            i += 2
            while i < n, Self.isDigit(buf[i]) { i += 1 }
        }
        if i < n, buf[i] == UInt8(ascii: "e") || buf[i] == UInt8(ascii: "E") {
            var j = i + 1
            if j < n, buf[j] == UInt8(ascii: "+") || buf[j] == UInt8(ascii: "-") { j += 1 }
            if j < n, Self.isDigit(buf[j]) {
                i = j + 1
                while i < n, Self.isDigit(buf[i]) { i += 1 }
            }
        }
        if i + 1 < n, buf[i] == UInt8(ascii: "."), Self.isDigit(buf[i + 1]) {
            var e = i + 1
            while e < n, Self.isDigit(buf[e]) || buf[e] == UInt8(ascii: ".") { e += 1 }
            throw error("invalid number: '\(String(decoding: buf[s..<e], as: UTF8.self))' has more than one '.'", s, e)
        }
        cur.i = i
        return HCLToken(kind: .number, start: s, end: i, startPos: sp)
    }

    /// `<<EOT` or `<<-EOT` followed by a line break: the heredoc's opening (the scanner moves
    /// past the line break; the token ends at the marker). Nil when `<<` is not followed by an
    /// identifier and a line break.
    mutating func scanHeredocStart(_ s: Int, _ sp: SourcePosition) throws -> HCLToken? {
        var j = s + 2
        let flush = j < n && buf[j] == UInt8(ascii: "-")
        if flush { j += 1 }
        guard let first = identStart(j) else { return nil }
        let saved = cur
        cur.i = j + first
        cur.cont += first - 1
        try scanIdentRest()
        let markerEnd = cur.i
        guard markerEnd < n, buf[markerEnd] == 0x0A || (buf[markerEnd] == 0x0D && markerEnd + 1 < n && buf[markerEnd + 1] == 0x0A) else {
            cur = saved
            if markerEnd >= n { throw error("the heredoc's marker must be followed by a line break", markerEnd, markerEnd) }
            throw error("unexpected \(describeChar(markerEnd)) after the heredoc marker: '<<\(flush ? "-" : "")\(String(decoding: buf[j..<markerEnd], as: UTF8.self))' must end its line",
                        markerEnd, charEnd(markerEnd))
        }
        lineBreak(to: buf[markerEnd] == 0x0A ? markerEnd + 1 : markerEnd + 2)
        return HCLToken(kind: .heredoc, start: s, end: markerEnd, startPos: sp, a: j, b: markerEnd, flush: flush)
    }

    func text(_ t: HCLToken) -> String { String(decoding: buf[t.start..<t.end], as: UTF8.self) }

    func tokenIs(_ t: HCLToken, _ word: StaticString) -> Bool {
        guard t.kind == .ident, t.end - t.start == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for k in 0..<(t.end - t.start) where buf[t.start + k] != w[k] { return false }
        return true
    }

    /// How a token reads in an error message.
    func describe(_ t: HCLToken) -> String {
        switch t.kind {
        case .ident, .number:
            var s = String(decoding: buf[t.start..<min(t.end, t.start + 40)], as: UTF8.self)
            if t.end - t.start > 40 { s += "…" }
            return "'\(s)'"
        case .heredoc: return "a heredoc ('<<')"
        default: return t.kind.text
        }
    }
}
