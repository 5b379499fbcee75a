import RoleCheckCore

/// Reads HCL's native syntax (Terraform's `.tf` files) into a positioned tree (`HCLFile`).
///
/// - The whole native syntax of HashiCorp's specification: `#`, `//` and `/* */` comments;
///   attributes; blocks with quoted or bare labels, one-line blocks; line breaks as terminators
///   (ignored inside `()`, `[]`, function calls, `for` expressions and template sequences, and
///   significant in bodies and object constructors, as in HCL); every expression form with HCL's
///   precedence; templates with `${…}` and `%{…}` (strip markers `~`), escapes, `<<EOT` and
///   `<<-EOT` heredocs; numbers kept as their source text; Unicode identifiers (ID_Start or `_`,
///   then ID_Continue or `-`).
/// - Bad input is a `ParseError` at the offending characters, saying what was expected. Invalid
///   UTF-8 is an error (comments aside, which HCL does not decode), and so is a byte-order mark.
///   A heredoc's closing marker may end the file without a line break.
/// - Hostile input: the parser is iterative (an explicit stack of open constructs; no recursion
///   on nesting), nesting deeper than `ParseLimits.maxDepth` (blocks, brackets, parentheses,
///   calls, templates, conditionals) is an error at the first construct too deep, and so is an
///   expression tree deeper than that (long chains of operators), so whoever walks the tree
///   recursively is safe too.
///
/// No Swift package reads HCL: none of the machine's package lists (SwiftPM has no registry there;
/// the lists hold Go's `github.com/hashicorp/hcl/v2`, Python's `python-hcl2` and npm's
/// `@cdktf/hcl2json`) offers one for Swift, so this parser is written from the specification
/// (`hclsyntax-spec.md`) and checked against HashiCorp's spec suite (see HCLParserTests).
public enum HCLParser {
    /// The file's tree, or the first syntax error.
    public static func parse(_ file: SourceFile, limits: ParseLimits = .default) -> Result<HCLFile, ParseError> {
        let result = run(file, limits: limits, recover: false)
        if let first = result.errors.first { return .failure(first) }
        return .success(result.file)
    }

    /// Every syntax error (up to 100), and the tree of what could be read: after an error the
    /// parser skips to the end of the attribute or block it is in (the end of its line, past any
    /// brackets opened on it) and goes on, so an item with an error is left out.
    public static func parseRecovering(_ file: SourceFile, limits: ParseLimits = .default) -> (file: HCLFile, errors: [ParseError]) {
        run(file, limits: limits, recover: true)
    }

    static func run(_ file: SourceFile, limits: ParseLimits, recover: Bool) -> (file: HCLFile, errors: [ParseError]) {
        let bytes = file.bytes
        if bytes.count > limits.maxFileSize {
            let tree = HCLTree(file: file, bytes: bytes, records: [HCLRecord(.body, 0, 0)], links: [], side: [], segments: [], names: [])
            return (HCLFile(tree: tree, body: 0),
                    [ParseError("file is \(bytes.count) bytes, over the \(limits.maxFileSize)-byte limit", at: 0)])
        }
        return bytes.withUnsafeBufferPointer { buf in
            var state = HCLState(buf: buf, limits: limits, recover: recover)
            let body = state.parseFile()
            let tree = HCLTree(file: file, bytes: bytes, records: state.records, links: state.links, side: state.textSide,
                               segments: state.segments, names: state.names)
            return (HCLFile(tree: tree, body: body), state.errors)
        }
    }
}

/// A finished expression: its record, its byte offsets and its height (for the depth limit).
struct HCLNode {
    var index: Int32
    var h: Int32
    var start: UInt32
    var end: UInt32

    @inline(__always) var startOffset: Int { Int(start) }
    @inline(__always) var endOffset: Int { Int(end) }
}

/// An operand being extended by postfix steps: a finished node, a variable with its steps, steps
/// applied to another expression, or a splat. Its steps' records are `HCLState.pending` from
/// `stepBase` on.
struct HCLOperand {
    enum Kind: UInt8 { case node, scope, relative, splat }
    var kind: Kind
    /// The node, the relative traversal's base, or the splat's source (a scope's root: its
    /// offsets only).
    var base: HCLNode
    var stepBase: Int32
    var full = false
    var maxH: Int32 = 0
    var end: UInt32

    var isAttributeSplat: Bool { kind == .splat && !full }
}

struct HCLExprFrame {
    var operandBase: Int
    var opBase: Int
    var prefixBase: Int
    var newlines: Bool
}

struct HCLForFrame {
    var open: HCLToken
    var isObject: Bool
    /// The variables' records.
    var keyVar: Int32?
    var valueVar: Int32
    var collection: HCLNode?
    var key: HCLNode?
    var value: HCLNode?
    /// 0: the collection, 1: the first expression after ':', 2: the value after '=>', 3: the condition.
    var stage: UInt8 = 0
    var grouping = false
}

/// A function call's name: the source from `start` to `end`, or `HCLState.names[end]` when
/// `inTable` (a name written across tokens, `provider :: aws :: f`).
struct HCLCallName {
    var start: Int32
    var end: Int32
    var inTable: Bool
}

/// An open construct waiting for an expression. Kept small (the frames are pushed and popped
/// for every element): openings are their positions, the elements read so far wait in
/// `HCLState.pending` from `base` on, and the large states have stacks of their own.
enum HCLFrame {
    /// An expression being read; its state is `HCLState.exprs.last`.
    case expr
    case paren(open: SourcePosition)
    case tuple(open: SourcePosition, base: Int32, maxH: Int32)
    /// `hasKey`: the last record in `pending` is a key waiting for its value.
    case object(open: SourcePosition, base: Int32, hasKey: Bool, maxH: Int32)
    case call(name: HCLCallName, open: SourcePosition, base: Int32, maxH: Int32)
    /// The operand is `HCLState.indexed.last`.
    case index(open: SourcePosition)
    case conditional(condition: HCLNode, whenTrue: HCLNode?, newlines: Bool, question: SourcePosition)
    /// The state is `HCLState.fors.last`.
    case forExpr
    /// The state is `HCLState.templates.last`.
    case template
}

enum HCLStep {
    case wantOperand
    case operand(HCLOperand)
    case completed(HCLNode)
}

/// An open body: its attributes' and blocks' records are `HCLState.bodyAttributes` and
/// `HCLState.bodyBlocks` from the bases on; a block's type and labels (in `HCLState.links`).
struct HCLBodyBuilder {
    var attributeBase: Int
    var blockBase: Int
    var typeStart = 0
    var typeEnd = 0
    var labelStart = 0
    var labelCount = 0
    var open: HCLToken?
}

struct HCLState {
    let buf: UnsafeBufferPointer<UInt8>
    let limits: ParseLimits
    let recover: Bool
    var cur = HCLCursor()
    var peeked: HCLToken?
    var errors: [ParseError] = []

    // The expression engine's stacks (shared by nested constructs, each frame keeping its base).
    var frames: [HCLFrame] = []
    var exprs: [HCLExprFrame] = []
    var depth = 0
    var operands: [HCLNode] = []
    var ops: [(kind: HCLTokenKind, prec: UInt8)] = []
    var prefixes: [(kind: HCLTokenKind, pos: SourcePosition)] = []
    /// Records waiting for the construct that will hold them (elements, arguments, steps).
    var pending: [UInt32] = []
    var indexed: [HCLOperand] = []
    var fors: [HCLForFrame] = []
    var templates: [HCLTemplateFrame] = []
    // Template scratch.
    var tItems: [HCLTemplateItem] = []
    var pieces: [HCLPiece] = []
    var side: [UInt8] = []
    var adjust: [Int] = []
    // Bodies.
    var bodyAttributes: [UInt32] = []
    var bodyBlocks: [UInt32] = []
    var labels: [UInt32] = []

    // The tree.
    var records: [HCLRecord] = []
    var links: [UInt32] = []
    var textSide: [UInt8] = []
    var segments: [HCLSegment] = []
    var names: [String] = []

    static let maxErrors = 100

    init(buf: UnsafeBufferPointer<UInt8>, limits: ParseLimits, recover: Bool) {
        self.buf = buf
        self.limits = limits
        self.recover = recover
        // Room for what a Terraform file usually needs (a record for about every 20 bytes, the
        // text of indented heredocs), so that the tree is written without growing its arrays
        // (each growth copies them and touches fresh pages).
        records.reserveCapacity(buf.count / 16 + 16)
        links.reserveCapacity(buf.count / 32 + 16)
        textSide.reserveCapacity(buf.count / 2)
        segments.reserveCapacity(buf.count / 64)
    }

    // MARK: Bodies

    /// Appends a record; its index.
    @inline(__always) mutating func add(_ r: HCLRecord) -> Int {
        records.append(r)
        return records.count - 1
    }

    /// Appends the records `pending[base...]` to `links` (and drops them from `pending`); where they start.
    @inline(__always) mutating func link(from base: Int) -> Int {
        let start = links.count
        links.append(contentsOf: pending[base...])
        pending.removeSubrange(base...)
        return start
    }

    func sourceString(_ start: Int, _ end: Int) -> String { String(decoding: buf[start..<end], as: UTF8.self) }

    /// The file's body record.
    mutating func parseFile() -> Int {
        var bodies = [HCLBodyBuilder(attributeBase: 0, blockBase: 0)]
        while true {
            if errors.count >= Self.maxErrors { break }
            let t: HCLToken
            do {
                t = try peek(true)
            } catch let e as ParseError {
                if !record(e) { break }
                recoverFrom(offset: e.offset)
                continue
            } catch { break }
            switch t.kind {
            case .newline:
                take()
            case .eof:
                if bodies.count > 1 {
                    let open = bodies[bodies.count - 1].open!
                    let name = sourceString(bodies[bodies.count - 1].typeStart, bodies[bodies.count - 1].typeEnd)
                    if errors.isEmpty || !recover {
                        _ = record(error("unclosed block \"\(name)\": no '}' closes this '{' before the end of the input", open.start, open.end))
                    }
                    if !recover { return finishTop(bodies, t) }
                    while bodies.count > 1 { closeBlock(&bodies, t, closed: false) }
                }
                return finishTop(bodies, t)
            case .rbrace:
                take()
                if bodies.count > 1 {
                    closeBlock(&bodies, t, closed: true)
                    lineEndAfterBlock()
                } else {
                    if !record(error("unexpected '}': no block is open here", t.start, t.end)) { return finishTop(bodies, t) }
                    recoverFrom(offset: t.end)
                }
            default:
                do {
                    let closedOnItsLine = try parseItem(t, &bodies)
                    if closedOnItsLine { lineEndAfterBlock() }
                } catch let e as ParseError {
                    if !record(e) { return finishTop(bodies, t) }
                    recoverFrom(offset: t.start)
                } catch {
                    return finishTop(bodies, t)
                }
            }
            if !recover && !errors.isEmpty { return finishTop(bodies, t) }
        }
        let open = bodies.count > 1 ? bodies[1] : nil
        return makeBody(bodies[0], attributeEnd: open?.attributeBase ?? bodyAttributes.count, blockEnd: open?.blockBase ?? bodyBlocks.count,
                        start: 0, end: cur.i, closed: false)
    }

    /// Records an error; false when parsing must stop (not recovering, or too many errors).
    mutating func record(_ e: ParseError) -> Bool {
        errors.append(e)
        return recover && errors.count < Self.maxErrors
    }

    /// The file's body record, from the file's start to the end of the input, or to where
    /// parsing stopped (blocks still open are left out).
    mutating func finishTop(_ bodies: [HCLBodyBuilder], _ eof: HCLToken) -> Int {
        let end = eof.kind == .eof ? eof.start : cur.i
        let open = bodies.count > 1 ? bodies[1] : nil
        return makeBody(bodies[0], attributeEnd: open?.attributeBase ?? bodyAttributes.count, blockEnd: open?.blockBase ?? bodyBlocks.count,
                        start: 0, end: end, closed: false)
    }

    /// The record of a body whose attributes and blocks are `bodyAttributes` and `bodyBlocks`
    /// from the builder's bases to the ends given (they leave the stacks): `closed` when it ends
    /// with its `}` (its end range is just before it).
    mutating func makeBody(_ b: HCLBodyBuilder, attributeEnd: Int, blockEnd: Int, start: Int, end: Int, closed: Bool) -> Int {
        let linkStart = links.count
        links.append(contentsOf: bodyAttributes[b.attributeBase..<attributeEnd])
        links.append(contentsOf: bodyBlocks[b.blockBase..<blockEnd])
        bodyAttributes.removeSubrange(b.attributeBase..<attributeEnd)
        bodyBlocks.removeSubrange(b.blockBase..<blockEnd)
        return add(HCLRecord(.body, start, end, a: linkStart, b: attributeEnd - b.attributeBase, c: blockEnd - b.blockBase,
                             flags: closed ? HCLRecord.flagClosed : 0))
    }

    /// Closes the innermost block at `close` (its `}` when `closed`, else where the input ends).
    mutating func closeBlock(_ bodies: inout [HCLBodyBuilder], _ close: HCLToken, closed: Bool) {
        let b = bodies.removeLast()
        let end = closed ? close.end : close.start
        _ = makeBody(b, attributeEnd: bodyAttributes.count, blockEnd: bodyBlocks.count, start: b.open!.start, end: end, closed: closed)
        addBlock(b, end: end)
    }

    /// A block's record, just after its body's, in the body it belongs to.
    @inline(__always) mutating func addBlock(_ b: HCLBodyBuilder, end: Int) {
        bodyBlocks.append(UInt32(add(HCLRecord(.block, b.typeStart, end, a: b.labelStart, b: b.labelCount, c: b.typeEnd))))
    }

    /// After a block's `}`: a line break or the end of the input.
    mutating func lineEndAfterBlock() {
        do {
            let t = try peek(true)
            if t.kind == .newline { take(); return }
            if t.kind == .eof { return }
            let last = records[Int(bodyBlocks[bodyBlocks.count - 1])]
            let type = sourceString(Int(last.start), Int(last.c))
            if record(error("expected a line break after the '}' of block \"\(type)\", found \(describe(t))", t.start, t.end)) {
                recoverFrom(offset: t.start)
            }
        } catch let e as ParseError {
            if record(e) { recoverFrom(offset: e.offset) }
        } catch {}
    }

    /// One attribute or block (a multi-line block's body is pushed on `bodies`). Returns whether
    /// a block was closed on this line (its line end is checked by the caller).
    mutating func parseItem(_ t: HCLToken, _ bodies: inout [HCLBodyBuilder]) throws -> Bool {
        guard t.kind == .ident else {
            if t.kind == .quote {
                throw error("an argument's or block's name is not quoted: write name = value, or type \"label\" { … }", t.start, t.end)
            }
            throw error("expected an argument (name = value) or a block (type \"label\" { … }), found \(describe(t))", t.start, t.end)
        }
        take()
        let next = try peek(true)
        switch next.kind {
        case .equal:
            take()
            let value = try parseExpression(newlines: true, baseDepth: bodies.count - 1)
            let after = try peek(true)
            switch after.kind {
            case .newline: take()
            case .eof: break
            case .comma:
                throw error("unexpected ',' after the value of \"\(text(t))\": arguments are separated by line breaks, not commas",
                            after.start, after.end)
            default:
                throw error("expected a line break after the value of \"\(text(t))\", found \(describe(after))", after.start, after.end)
            }
            bodyAttributes.append(UInt32(add(HCLRecord(.attribute, t.start, value.endOffset, a: Int(value.index), c: t.end))))
            return false
        case .ident, .quote, .lbrace:
            break
        default:
            throw error("expected '=' (an argument) or a label or '{' (a block) after \"\(text(t))\", found \(describe(next))",
                        next.start, next.end)
        }
        // A block: labels, then '{'.
        labels.removeAll(keepingCapacity: true)
        var open: HCLToken
        while true {
            let l = try peek(true)
            switch l.kind {
            case .ident:
                take()
                labels.append(UInt32(add(HCLRecord(.label, l.start, l.end))))
                continue
            case .quote:
                take()
                labels.append(UInt32(try scanLabel(l)))
                continue
            case .lbrace:
                take()
                open = l
            case .equal:
                throw error("unexpected '=' in the definition of block \"\(text(t))\": a block is written type \"label\" { … }, without '='",
                            l.start, l.end)
            case .newline:
                throw error("the '{' of block \"\(text(t))\" must be on the same line as its type and labels", l.start, l.end)
            default:
                throw error("expected a quoted label or '{' in the definition of block \"\(text(t))\", found \(describe(l))", l.start, l.end)
            }
            break
        }
        if bodies.count > limits.maxDepth {
            throw error("nesting deeper than \(limits.maxDepth) levels", open.start, open.end)
        }
        let labelStart = links.count
        links.append(contentsOf: labels)
        let block = HCLBodyBuilder(attributeBase: bodyAttributes.count, blockBase: bodyBlocks.count, typeStart: t.start, typeEnd: t.end,
                                   labelStart: labelStart, labelCount: labels.count, open: open)
        let first = try peek(true)
        switch first.kind {
        case .newline, .eof:
            bodies.append(block)
            return false
        case .rbrace:
            take()
            _ = add(HCLRecord(.body, open.start, first.end, a: links.count, flags: HCLRecord.flagClosed))
            addBlock(block, end: first.end)
            return true
        default:
            break
        }
        // A one-line block: `type { name = value }`.
        guard first.kind == .ident else {
            throw error("expected an argument or '}' after the '{' of block \"\(text(t))\", found \(describe(first))", first.start, first.end)
        }
        take()
        let eq = try peek(true)
        if eq.kind == .ident || eq.kind == .quote || eq.kind == .lbrace {
            throw error("a one-line block holds at most one argument: put block \"\(text(first))\" on a line of its own inside \"\(text(t))\"",
                        first.start, eq.end)
        }
        guard eq.kind == .equal else {
            throw error("expected '=' after \"\(text(first))\" in the one-line block \"\(text(t))\", found \(describe(eq))", eq.start, eq.end)
        }
        take()
        let value = try parseExpression(newlines: true, baseDepth: bodies.count)
        let close = try peek(true)
        switch close.kind {
        case .rbrace:
            take()
        case .comma:
            throw error("a one-line block holds only one argument: write block \"\(text(t))\" on several lines, one argument per line",
                        close.start, close.end)
        case .newline:
            throw error("a one-line block must be closed on the line it opens: put '}' right after the argument of block \"\(text(t))\"",
                        close.start, close.end)
        case .eof:
            throw error("unclosed block \"\(text(t))\": no '}' closes this '{' before the end of the input", open.start, open.end)
        default:
            throw error("expected '}' to close the one-line block \"\(text(t))\", found \(describe(close))", close.start, close.end)
        }
        let attribute = add(HCLRecord(.attribute, first.start, value.endOffset, a: Int(value.index), c: first.end))
        let linkStart = links.count
        links.append(UInt32(attribute))
        _ = add(HCLRecord(.body, open.start, close.end, a: linkStart, b: 1, flags: HCLRecord.flagClosed))
        addBlock(block, end: close.end)
        return true
    }

    /// A quoted block label (a string without template sequences): its record.
    mutating func scanLabel(_ open: HCLToken) throws -> Int {
        let node: HCLNode
        if let simple = simpleQuoted(open) {
            node = simple
        } else {
            var tf = HCLTemplateFrame(open: open, heredoc: false, labelMode: true, contentPos: cur.i, itemBase: tItems.count,
                                      pieceBase: pieces.count, sideBase: side.count)
            guard case .end(let end) = try continueTemplate(&tf) else { throw error("internal error reading a label", open.start) }
            node = finishTemplate(tf, end: end)
        }
        // The template's one literal part (a label has no template sequence).
        let part = Int(links[Int(records[Int(node.index)].a)])
        return add(HCLRecord(.label, node.startOffset, node.endOffset, a: part, flags: HCLRecord.flagQuoted))
    }

    // MARK: Recovery

    /// Puts the cursor at `offset` (recomputing its line and column) and skips the rest of the
    /// item there: to the line break that ends it outside brackets, to the end of the input, or
    /// to a `}` that closes the enclosing block.
    mutating func recoverFrom(offset: Int) {
        let o = max(0, min(offset, n))
        var ls = o
        while ls > 0, buf[ls - 1] != 0x0A, buf[ls - 1] != 0x0D { ls -= 1 }
        var line = 1
        var k = 0
        while k < ls {
            if buf[k] == 0x0A { line += 1 } else if buf[k] == 0x0D { if !(k + 1 < n && buf[k + 1] == 0x0A) { line += 1 } }
            k += 1
        }
        var cont = 0
        for j in ls..<o where buf[j] & 0xC0 == 0x80 { cont += 1 }
        cur = HCLCursor(i: o, line: line, lineStart: ls, cont: cont)
        peeked = nil
        frames.removeAll(keepingCapacity: true)
        exprs.removeAll(keepingCapacity: true)
        operands.removeAll(keepingCapacity: true)
        ops.removeAll(keepingCapacity: true)
        prefixes.removeAll(keepingCapacity: true)
        pending.removeAll(keepingCapacity: true)
        indexed.removeAll(keepingCapacity: true)
        fors.removeAll(keepingCapacity: true)
        templates.removeAll(keepingCapacity: true)
        tItems.removeAll(keepingCapacity: true)
        pieces.removeAll(keepingCapacity: true)
        side.removeAll(keepingCapacity: true)
        skipItem()
    }

    mutating func skipItem() {
        var stack: [UInt8] = []
        var heredocs: [(a: Int, b: Int, sol: Bool)] = []
        var overflow = 0
        var first = true
        let cap = limits.maxDepth * 2 + 8
        @inline(__always) func byte(_ i: Int) -> UInt8 { i < n ? buf[i] : 0 }
        /// At `$` or `%` in a string or heredoc: an escaped `$${` or `%%{` is skipped (false), a
        /// template sequence `${` or `%{` is opened (true); nil when it is neither.
        func templateStart(_ c: UInt8) -> Bool? {
            guard c == UInt8(ascii: "$") || c == UInt8(ascii: "%") else { return nil }
            if byte(cur.i + 1) == c && byte(cur.i + 2) == UInt8(ascii: "{") { cur.i += 3; return false }
            guard byte(cur.i + 1) == UInt8(ascii: "{") else { return nil }
            cur.i += byte(cur.i + 2) == UInt8(ascii: "~") ? 3 : 2
            if stack.count < cap { stack.append(UInt8(ascii: "i")) } else { overflow += 1 }
            return true
        }
        mainLoop: while cur.i < n {
            let top = stack.last
            if overflow == 0 && top == UInt8(ascii: "q") {
                while cur.i < n {
                    let c = buf[cur.i]
                    if c == UInt8(ascii: "\"") { cur.i += 1; stack.removeLast(); continue mainLoop }
                    if c == 0x0A || c == 0x0D { stack.removeLast(); continue mainLoop }
                    if c == UInt8(ascii: "\\") {
                        cur.i += 1
                        if byte(cur.i) == 0x0A || byte(cur.i) == 0x0D { continue }
                        if cur.i < n { if buf[cur.i] & 0xC0 == 0x80 { cur.cont += 1 }; cur.i += 1 }
                        continue
                    }
                    if let opened = templateStart(c) {
                        if opened { continue mainLoop }
                        continue
                    }
                    if c & 0xC0 == 0x80 { cur.cont += 1 }
                    cur.i += 1
                }
                continue
            }
            if overflow == 0 && top == UInt8(ascii: "h") {
                let h = heredocs[heredocs.count - 1]
                if h.sol, let close = heredocCloses(at: cur.i, markerStart: h.a, markerEnd: h.b) {
                    cur.cont += close.cont
                    cur.i = close.end
                    stack.removeLast()
                    heredocs.removeLast()
                    continue
                }
                heredocs[heredocs.count - 1].sol = false
                while cur.i < n {
                    let c = buf[cur.i]
                    if c == 0x0A || c == 0x0D {
                        lineBreak(to: c == 0x0D && byte(cur.i + 1) == 0x0A ? cur.i + 2 : cur.i + 1)
                        heredocs[heredocs.count - 1].sol = true
                        continue mainLoop
                    }
                    if let opened = templateStart(c) {
                        if opened { continue mainLoop }
                        continue
                    }
                    if c & 0xC0 == 0x80 { cur.cont += 1 }
                    cur.i += 1
                }
                continue
            }
            let c = buf[cur.i]
            switch c {
            case 0x20, 0x09:
                cur.i += 1
            case UInt8(ascii: "#"):
                skipLineComment(from: cur.i + 1)
            case UInt8(ascii: "/") where byte(cur.i + 1) == UInt8(ascii: "/"):
                skipLineComment(from: cur.i + 2)
            case UInt8(ascii: "/") where byte(cur.i + 1) == UInt8(ascii: "*"):
                do { try skipBlockComment() } catch {
                    // Unterminated: the rest of the input is the comment.
                    while cur.i < n { skipLineComment(from: cur.i); if cur.i < n { lineBreak(to: charEnd(cur.i)) } }
                }
            case 0x0A, 0x0D:
                if stack.isEmpty && overflow == 0 { return }
                lineBreak(to: c == 0x0D && byte(cur.i + 1) == 0x0A ? cur.i + 2 : cur.i + 1)
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
                if stack.count < cap { stack.append(c) } else { overflow += 1 }
                cur.i += 1
                first = false
            case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: "~"):
                var width = 1
                if c == UInt8(ascii: "~") {
                    guard byte(cur.i + 1) == UInt8(ascii: "}") else { cur.i += 1; first = false; continue }
                    width = 2
                }
                if overflow > 0 {
                    overflow -= 1
                } else if stack.isEmpty {
                    if c != UInt8(ascii: ")") && c != UInt8(ascii: "]") && !first { return }
                } else {
                    stack.removeLast()
                }
                cur.i += width
                first = false
            case UInt8(ascii: "\""):
                if stack.count < cap { stack.append(UInt8(ascii: "q")) } else { overflow += 1 }
                cur.i += 1
                first = false
            case UInt8(ascii: "<") where byte(cur.i + 1) == UInt8(ascii: "<"):
                first = false
                let saved = cur
                let sp = here()
                if let h = try? scanHeredocStart(cur.i, sp) {
                    if stack.count < cap {
                        stack.append(UInt8(ascii: "h"))
                        heredocs.append((h.a, h.b, true))
                    } else {
                        overflow += 1
                    }
                } else {
                    cur = saved
                    cur.i += 2
                }
            default:
                if c & 0xC0 == 0x80 { cur.cont += 1 }
                cur.i += 1
                first = false
            }
        }
    }
}
