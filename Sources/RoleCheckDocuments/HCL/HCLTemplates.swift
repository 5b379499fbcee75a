import RoleCheckCore

// Template text (quoted strings and heredocs): literal runs are kept as pieces of the source (or
// of decoded escapes) until the template ends, so that strip markers (`~`) and a `<<-` heredoc's
// indentation can be removed exactly as HCL does (token by token, before adjacent literals are
// joined), and the joined text keeps a map back to the file.

/// Decoded bytes of a literal: source bytes `start..<end`, or (`side >= 0`) `len` bytes of
/// `HCLState.side` decoded from the escape at `start..<end`.
struct HCLPiece {
    var start: Int
    var end: Int
    var side: Int
    var len: Int
}

/// One literal token (HCL's unit for strip markers and heredoc indentation): a quoted string's
/// text between template sequences, or one line of a heredoc (its line break included).
struct HCLLitTok {
    var p0: Int
    var p1: Int
    var start: Int
}

enum HCLTemplateItem {
    case lit(HCLLitTok)
    /// The expression's record; the offsets of `${` and of the end of its `}`.
    case interp(Int32, Int, Int)
    case directive(Int, Int)
}

struct HCLTemplateFrame {
    var open: HCLToken
    var heredoc: Bool
    var labelMode: Bool
    /// Where the text starts (just after the quote, or after the heredoc's line break).
    var contentPos: Int
    var itemBase: Int
    var pieceBase: Int
    var sideBase: Int
    var maxH: Int32 = 0
    var ltrimNext = false
    var startOfLine = true
    var seqStart = 0
    var seqPos = SourcePosition(line: 1, column: 1, offset: 0)
    /// 0: an interpolation, 1: an `if` condition, 2: a `for` collection.
    var stage: UInt8 = 0
    /// Open directives: 0 `if`, 1 `if` after its `else`, 2 `for`; where each is.
    var directives: [(kind: UInt8, start: Int, pos: SourcePosition)] = []
}

enum HCLTemplateStop {
    /// The offset just after the closing quote or marker.
    case end(Int)
    case interpolation
    case directive
}

extension HCLState {
    @inline(__always) static func isSpace(_ v: UInt32) -> Bool {
        if v < 0x80 { return v == 0x20 || (v >= 0x09 && v <= 0x0D) }
        return Unicode.Scalar(v)?.properties.isWhitespace ?? false
    }

    mutating func appendSource(_ s: Int, _ e: Int, tokenPieces p0: Int) {
        if pieces.count > p0, pieces[pieces.count - 1].side < 0, pieces[pieces.count - 1].end == s {
            pieces[pieces.count - 1].end = e
        } else {
            pieces.append(HCLPiece(start: s, end: e, side: -1, len: 0))
        }
    }

    mutating func appendSide(_ scalar: UInt32, _ s: Int, _ e: Int) {
        let start = side.count
        let v = Int(scalar)
        switch v {
        case ..<0x80: side.append(UInt8(v))
        case ..<0x800:
            side.append(UInt8(0xC0 | (v >> 6)))
            side.append(UInt8(0x80 | (v & 0x3F)))
        case ..<0x10000:
            side.append(UInt8(0xE0 | (v >> 12)))
            side.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            side.append(UInt8(0x80 | (v & 0x3F)))
        default:
            side.append(UInt8(0xF0 | (v >> 18)))
            side.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            side.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            side.append(UInt8(0x80 | (v & 0x3F)))
        }
        pieces.append(HCLPiece(start: s, end: e, side: start, len: side.count - start))
    }

    /// Ends a literal token at the cursor (if it holds any source text) and applies a pending
    /// left strip marker to it.
    mutating func finishLit(_ tf: inout HCLTemplateFrame, start: Int, p0: Int, end: Int) {
        let strip = tf.ltrimNext
        tf.ltrimNext = false
        guard end > start else { return }
        var t = HCLLitTok(p0: p0, p1: pieces.count, start: start)
        if strip { trimFront(&t, count: Int.max) }
        tItems.append(.lit(t))
    }

    /// Scans template text up to the end of the template or the next `${` / `%{`.
    mutating func continueTemplate(_ tf: inout HCLTemplateFrame) throws -> HCLTemplateStop {
        tf.heredoc ? try continueHeredoc(&tf) : try continueQuoted(&tf)
    }

    mutating func continueQuoted(_ tf: inout HCLTemplateFrame) throws -> HCLTemplateStop {
        let tokStart = cur.i, p0 = pieces.count
        var seg = cur.i
        while true {
            guard cur.i < n else {
                throw error("unterminated string: no closing '\"' before the end of the input", tf.open.start, tf.open.end)
            }
            let c = buf[cur.i]
            switch c {
            case UInt8(ascii: "\""):
                if cur.i > seg { appendSource(seg, cur.i, tokenPieces: p0) }
                finishLit(&tf, start: tokStart, p0: p0, end: cur.i)
                cur.i += 1
                return .end(cur.i)
            case UInt8(ascii: "\\"):
                if cur.i > seg { appendSource(seg, cur.i, tokenPieces: p0) }
                try scanEscape(p0)
                seg = cur.i
            case UInt8(ascii: "$"), UInt8(ascii: "%"):
                let n1: UInt8 = cur.i + 1 < n ? buf[cur.i + 1] : 0
                if n1 == c, cur.i + 2 < n, buf[cur.i + 2] == UInt8(ascii: "{") {
                    if cur.i > seg { appendSource(seg, cur.i, tokenPieces: p0) }
                    appendSource(cur.i + 1, cur.i + 3, tokenPieces: p0)
                    cur.i += 3
                    seg = cur.i
                } else if n1 == UInt8(ascii: "{") {
                    if tf.labelMode {
                        let which = c == UInt8(ascii: "$") ? "$" : "%"
                        throw error("a block label cannot contain a template sequence ('\(which){'); write '\(which)\(which){' for a literal '\(which){'",
                                    cur.i, cur.i + 2)
                    }
                    if cur.i > seg { appendSource(seg, cur.i, tokenPieces: p0) }
                    finishLit(&tf, start: tokStart, p0: p0, end: cur.i)
                    return startSequence(&tf, directive: c == UInt8(ascii: "%"))
                } else {
                    cur.i += 1
                }
            case 0x0A, 0x0D:
                throw error("a quoted string cannot contain a line break: write \\n, or use a heredoc (<<EOT) for text on several lines",
                            cur.i, charEnd(cur.i))
            default:
                if c < 0x80 {
                    cur.i += 1
                } else {
                    let len = try validUTF8(cur.i)
                    cur.i += len
                    cur.cont += len - 1
                }
            }
        }
    }

    /// `\n`, `\r`, `\t`, `\"`, `\\`, `\uNNNN`, `\UNNNNNNNN` in a quoted string.
    mutating func scanEscape(_ p0: Int) throws {
        let s = cur.i
        guard s + 1 < n else { throw error("unterminated string: it ends inside an escape sequence", s, n) }
        let e = buf[s + 1]
        switch e {
        case UInt8(ascii: "n"): appendSide(0x0A, s, s + 2); cur.i = s + 2
        case UInt8(ascii: "r"): appendSide(0x0D, s, s + 2); cur.i = s + 2
        case UInt8(ascii: "t"): appendSide(0x09, s, s + 2); cur.i = s + 2
        case UInt8(ascii: "\""), UInt8(ascii: "\\"):
            appendSource(s + 1, s + 2, tokenPieces: p0)
            cur.i = s + 2
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let digits = e == UInt8(ascii: "u") ? 4 : 8
            var v: UInt32 = 0
            for k in 0..<digits {
                let j = s + 2 + k
                guard j < n else {
                    throw error("invalid escape sequence: \\\(e == UInt8(ascii: "u") ? "u" : "U") takes \(digits) hexadecimal digits", s, j)
                }
                let h = buf[j]
                let d: UInt32
                switch h {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(h - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(h - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(h - UInt8(ascii: "A") + 10)
                default:
                    throw error("invalid escape sequence: \\\(e == UInt8(ascii: "u") ? "u" : "U") takes \(digits) hexadecimal digits",
                                s, j)
                }
                v = v &* 16 &+ d
            }
            guard v <= 0x10FFFF, !(0xD800...0xDFFF).contains(v) else {
                let hex = String(v, radix: 16, uppercase: true)
                throw error("invalid escape sequence: U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex) is not a character",
                            s, s + 2 + digits)
            }
            appendSide(v, s, s + 2 + digits)
            cur.i = s + 2 + digits
        default:
            if e == 0x0A || e == 0x0D {
                throw error("a quoted string cannot contain a line break: write \\n, or use a heredoc (<<EOT) for text on several lines",
                            s + 1, charEnd(s + 1))
            }
            throw error("invalid escape sequence '\\\(describeChar(s + 1).trimmingQuotes)': a quoted string knows \\n, \\r, \\t, \\\", \\\\, \\uNNNN and \\UNNNNNNNN",
                        s, charEnd(s + 1))
        }
    }

    /// At `${` or `%{` (with an optional `~`): applies a right strip marker to the previous
    /// literal and moves past the opening.
    mutating func startSequence(_ tf: inout HCLTemplateFrame, directive: Bool) -> HCLTemplateStop {
        tf.seqStart = cur.i
        tf.seqPos = here()
        let tilde = cur.i + 2 < n && buf[cur.i + 2] == UInt8(ascii: "~")
        if tilde, tItems.count > tf.itemBase, case .lit(var t) = tItems[tItems.count - 1] {
            trimBack(&t)
            tItems[tItems.count - 1] = .lit(t)
        }
        cur.i += tilde ? 3 : 2
        return directive ? .directive : .interpolation
    }

    /// Where a heredoc's closing marker line ends (before its line break), if the line at `i`
    /// is one: the marker alone, with any white space around it.
    func heredocCloses(at i: Int, markerStart a: Int, markerEnd b: Int) -> (end: Int, cont: Int)? {
        var j = i
        var cont = 0
        func skipSpace() {
            while j < n {
                let c = buf[j]
                if c == 0x20 || c == 0x09 || c == 0x0B || c == 0x0C { j += 1; continue }
                if c >= 0x80 {
                    let len = utf8SequenceLength(buf, j)
                    if len > 0, Self.isSpace(decodeScalar(j).0) { j += len; cont += len - 1; continue }
                }
                return
            }
        }
        skipSpace()
        let m = b - a
        guard j + m <= n else { return nil }
        for k in 0..<m where buf[j + k] != buf[a + k] { return nil }
        j += m
        skipSpace()
        if j == n || buf[j] == 0x0A || (buf[j] == 0x0D && j + 1 < n && buf[j + 1] == 0x0A) { return (j, cont) }
        return nil
    }

    mutating func continueHeredoc(_ tf: inout HCLTemplateFrame) throws -> HCLTemplateStop {
        while true {
            if tf.startOfLine, let close = heredocCloses(at: cur.i, markerStart: tf.open.a, markerEnd: tf.open.b) {
                cur.cont += close.cont
                cur.i = close.end
                return .end(cur.i)
            }
            let tokStart = cur.i, p0 = pieces.count
            var seg = cur.i
            while true {
                guard cur.i < n else {
                    let marker = String(decoding: buf[tf.open.a..<tf.open.b], as: UTF8.self)
                    throw error("unterminated heredoc: no line holding only its marker '\(marker)' before the end of the input",
                                tf.open.start, tf.open.end)
                }
                let c = buf[cur.i]
                if c == 0x0A || c == 0x0D {
                    guard c == 0x0A || (cur.i + 1 < n && buf[cur.i + 1] == 0x0A) else {
                        throw error("a carriage return must be followed by a line feed (HCL's line breaks are LF or CRLF)", cur.i)
                    }
                    let end = cur.i + (c == 0x0A ? 1 : 2)
                    appendSource(seg, end, tokenPieces: p0)
                    finishLit(&tf, start: tokStart, p0: p0, end: end)
                    lineBreak(to: end)
                    tf.startOfLine = true
                    break
                }
                if c == UInt8(ascii: "$") || c == UInt8(ascii: "%") {
                    let n1: UInt8 = cur.i + 1 < n ? buf[cur.i + 1] : 0
                    if n1 == c, cur.i + 2 < n, buf[cur.i + 2] == UInt8(ascii: "{") {
                        if cur.i > seg { appendSource(seg, cur.i, tokenPieces: p0) }
                        appendSource(cur.i + 1, cur.i + 3, tokenPieces: p0)
                        cur.i += 3
                        seg = cur.i
                        continue
                    }
                    if n1 == UInt8(ascii: "{") {
                        if cur.i > seg { appendSource(seg, cur.i, tokenPieces: p0) }
                        finishLit(&tf, start: tokStart, p0: p0, end: cur.i)
                        tf.startOfLine = false
                        return startSequence(&tf, directive: c == UInt8(ascii: "%"))
                    }
                    cur.i += 1
                    continue
                }
                if c < 0x80 {
                    cur.i += 1
                } else {
                    let len = try validUTF8(cur.i)
                    cur.i += len
                    cur.cont += len - 1
                }
            }
        }
    }

    // MARK: Literal tokens

    /// The first scalar of a piece's decoded bytes at byte `k` of the piece.
    func pieceScalar(_ p: HCLPiece, from: Int) -> (UInt32, Int) {
        if p.side < 0 { return decodeScalar(from) }
        return side.withUnsafeBufferPointer { s in
            let b0 = UInt32(s[from])
            if b0 < 0x80 { return (b0, 1) }
            if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(s[from + 1] & 0x3F), 2) }
            if b0 < 0xF0 { return ((b0 & 0x0F) << 12 | UInt32(s[from + 1] & 0x3F) << 6 | UInt32(s[from + 2] & 0x3F), 3) }
            return ((b0 & 0x07) << 18 | UInt32(s[from + 1] & 0x3F) << 12 | UInt32(s[from + 2] & 0x3F) << 6 | UInt32(s[from + 3] & 0x3F), 4)
        }
    }

    /// Removes up to `count` leading white-space scalars; returns how many were removed.
    @discardableResult
    mutating func trimFront(_ t: inout HCLLitTok, count: Int) -> Int {
        var removed = 0
        while t.p0 < t.p1 && removed < count {
            var p = pieces[t.p0]
            if p.side < 0 {
                while p.start < p.end && removed < count {
                    let (v, len) = decodeScalar(p.start)
                    guard Self.isSpace(v) else { pieces[t.p0] = p; return removed }
                    p.start += len
                    removed += 1
                }
                pieces[t.p0] = p
                if p.start < p.end { return removed }
                t.p0 += 1
            } else {
                var k = p.side
                let end = p.side + p.len
                while k < end && removed < count {
                    let (v, len) = pieceScalar(p, from: k)
                    guard Self.isSpace(v) else { break }
                    k += len
                    removed += 1
                }
                if k < end {
                    // Part of a multi-scalar escape remains (never white space in practice).
                    if k > p.side { p.len -= k - p.side; p.side = k; pieces[t.p0] = p }
                    return removed
                }
                t.p0 += 1
            }
        }
        return removed
    }

    /// Removes trailing white space.
    mutating func trimBack(_ t: inout HCLLitTok) {
        while t.p0 < t.p1 {
            var p = pieces[t.p1 - 1]
            if p.side < 0 {
                while p.end > p.start {
                    var j = p.end - 1
                    while j > p.start && buf[j] & 0xC0 == 0x80 { j -= 1 }
                    guard Self.isSpace(decodeScalar(j).0) else { pieces[t.p1 - 1] = p; return }
                    p.end = j
                }
                pieces[t.p1 - 1] = p
                t.p1 -= 1
            } else {
                // An escape decodes to one scalar (or to "${"/"%{", never white space).
                let (v, len) = pieceScalar(p, from: p.side)
                guard len == p.len, Self.isSpace(v) else { return }
                t.p1 -= 1
            }
        }
    }

    /// Leading white-space scalars, and whether the token is white space only.
    func leadingSpaces(_ t: HCLLitTok) -> (count: Int, all: Bool) {
        var count = 0
        for k in t.p0..<t.p1 {
            let p = pieces[k]
            var j = p.side < 0 ? p.start : p.side
            let end = p.side < 0 ? p.end : p.side + p.len
            while j < end {
                let (v, len) = pieceScalar(p, from: j)
                guard Self.isSpace(v) else { return (count, false) }
                count += 1
                j += len
            }
        }
        return (count, true)
    }

    func endsWithNewline(_ t: HCLLitTok) -> Bool {
        guard t.p1 > t.p0 else { return false }
        let p = pieces[t.p1 - 1]
        if p.side < 0 { return p.end > p.start && buf[p.end - 1] == 0x0A }
        return p.len > 0 && side[p.side + p.len - 1] == 0x0A
    }

    /// A `<<-` heredoc: the fewest leading spaces of its lines (blank lines aside; a line that
    /// starts with an interpolation counts as none) are removed from every line.
    mutating func flushIndentation(from base: Int) {
        var minSpaces = Int.max
        var newline = true
        adjust.removeAll(keepingCapacity: true)
        for k in base..<tItems.count {
            if newline {
                newline = false
                if case .lit(let t) = tItems[k] {
                    let (count, all) = leadingSpaces(t)
                    if !(all && endsWithNewline(t)) {
                        adjust.append(k)
                        minSpaces = min(minSpaces, count)
                    }
                } else {
                    minSpaces = 0
                }
            }
            if case .lit(let t) = tItems[k], endsWithNewline(t) { newline = true }
        }
        guard minSpaces > 0 && minSpaces != Int.max else { return }
        for j in adjust.indices {
            let k = adjust[j]
            guard case .lit(var t) = tItems[k] else { continue }
            trimFront(&t, count: minSpaces)
            tItems[k] = .lit(t)
        }
    }

    /// Joins consecutive literal tokens into one literal part: its record. The text is a run of
    /// the source when it can be, else decoded into `textSide` with an offset map in `segments`.
    mutating func literalPart(_ k0: Int, _ k1: Int) -> Int {
        var first: HCLPiece?
        var last: HCLPiece?
        var contiguous = true
        var firstTok: HCLLitTok?
        for k in k0..<k1 {
            guard case .lit(let t) = tItems[k] else { continue }
            if firstTok == nil { firstTok = t }
            for j in t.p0..<t.p1 {
                let p = pieces[j]
                if p.side >= 0 || (last != nil && last!.end != p.start) { contiguous = false }
                if first == nil { first = p }
                last = p
            }
        }
        guard let first, let last else {
            let start = firstTok!.start
            return add(HCLRecord(.literalPart, start, start))
        }
        if contiguous { return add(HCLRecord(.literalPart, first.start, last.end)) }
        let textStart = textSide.count
        let header = segments.count
        segments.append(HCLSegment(inner: 0, outer: 0))
        var linear = false
        var prevEnd = -1
        for k in k0..<k1 {
            guard case .lit(let t) = tItems[k] else { continue }
            for j in t.p0..<t.p1 {
                let p = pieces[j]
                let inner = UInt32(truncatingIfNeeded: textSide.count - textStart)
                if p.side < 0 {
                    if !(linear && prevEnd == p.start) {
                        segments.append(HCLSegment(inner: inner, outer: UInt32(truncatingIfNeeded: p.start)))
                        linear = true
                    }
                    textSide.append(contentsOf: buf[p.start..<p.end])
                } else {
                    segments.append(HCLSegment(inner: inner, outer: UInt32(truncatingIfNeeded: p.start) | HCLSegment.nonLinear))
                    linear = false
                    textSide.append(contentsOf: side[p.side..<p.side + p.len])
                }
                prevEnd = p.end
            }
        }
        segments[header].inner = UInt32(truncatingIfNeeded: segments.count - header - 1)
        return add(HCLRecord(.literalPart, first.start, last.end, a: textStart, b: textSide.count - textStart, c: header,
                             flags: HCLRecord.flagSide))
    }

    /// The template node, once its closing quote or marker is read (`end`: just after it).
    mutating func finishTemplate(_ tf: HCLTemplateFrame, end: Int) -> HCLNode {
        if tf.heredoc && tf.open.flush { flushIndentation(from: tf.itemBase) }
        let partBase = pending.count
        var k = tf.itemBase
        let count = tItems.count
        while k < count {
            switch tItems[k] {
            case .lit:
                var e = k + 1
                while e < count, case .lit = tItems[e] { e += 1 }
                pending.append(UInt32(literalPart(k, e)))
                k = e
            case .interp(let expr, let start, let end):
                pending.append(UInt32(add(HCLRecord(.interpolationPart, start, end, a: Int(expr)))))
                k += 1
            case .directive(let start, let end):
                pending.append(UInt32(add(HCLRecord(.directivePart, start, end))))
                k += 1
            }
        }
        if pending.count == partBase {
            pending.append(UInt32(add(HCLRecord(.literalPart, tf.contentPos, tf.contentPos))))
        }
        tItems.removeSubrange(tf.itemBase...)
        pieces.removeSubrange(tf.pieceBase...)
        side.removeSubrange(tf.sideBase...)
        let partCount = pending.count - partBase
        let partStart = link(from: partBase)
        return node(HCLRecord(.template, tf.open.start, end, a: partStart, b: partCount, flags: tf.heredoc ? HCLRecord.flagHeredoc : 0),
                    h: tf.maxH + 1)
    }

    /// A quoted string without escapes or template sequences, read in one pass; nil (and the
    /// cursor unmoved) for anything else.
    mutating func simpleQuoted(_ open: HCLToken) -> HCLNode? {
        let start = cur.i
        var i = start
        var cont = 0
        while i < n {
            let c = buf[i]
            if c == UInt8(ascii: "\"") {
                cur.cont += cont
                cur.i = i + 1
                let part = add(HCLRecord(.literalPart, start, i))
                let partLink = links.count
                links.append(UInt32(part))
                return node(HCLRecord(.template, open.start, i + 1, a: partLink, b: 1), h: 1)
            }
            if c == UInt8(ascii: "\\") || c == 0x0A || c == 0x0D { return nil }
            if c == UInt8(ascii: "$") || c == UInt8(ascii: "%") {
                if i + 1 < n, buf[i + 1] == UInt8(ascii: "{") || buf[i + 1] == c { return nil }
                i += 1
                continue
            }
            if c < 0x80 {
                i += 1
            } else {
                let len = utf8SequenceLength(buf, i)
                if len == 0 { return nil }
                i += len
                cont += len - 1
            }
        }
        return nil
    }
}
