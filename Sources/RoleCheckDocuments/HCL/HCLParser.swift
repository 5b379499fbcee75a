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
        let empty = SourcePosition(line: 1, column: 1, offset: 0)
        if file.bytes.count > limits.maxFileSize {
            let body = HCLBody(attributes: [], blocks: [], range: SourceRange(start: empty, end: empty),
                               endRange: SourceRange(start: empty, end: empty))
            return (HCLFile(file: file, body: body),
                    [ParseError("file is \(file.bytes.count) bytes, over the \(limits.maxFileSize)-byte limit", at: 0)])
        }
        return file.bytes.withUnsafeBufferPointer { buf in
            var state = HCLState(buf: buf, limits: limits, recover: recover)
            let body = state.parseFile()
            return (HCLFile(file: file, body: body), state.errors)
        }
    }
}

struct HCLNode {
    var e: HCLExpr
    var h: Int32
}

/// An operand being extended by postfix steps: a finished node, a variable with its steps, steps
/// applied to another expression, or a splat.
struct HCLOperand {
    enum Kind: UInt8 { case node, scope, relative, splat }
    var kind: Kind
    /// The node, the relative traversal's base, or the splat's source.
    var base: HCLNode?
    var root = ""
    var rootRange: SourceRange
    var steps: [HCLTraversalStep] = []
    var full = false
    var maxH: Int32 = 0
    var end: SourcePosition

    static func node(_ n: HCLNode) -> HCLOperand {
        HCLOperand(kind: .node, base: n, rootRange: n.e.range, end: n.e.range.end)
    }

    var isAttributeSplat: Bool { kind == .splat && !full }

    mutating func append(_ step: HCLTraversalStep, h: Int32, end: SourcePosition) {
        if kind == .node { kind = .relative }
        steps.append(step)
        maxH = max(maxH, h)
        self.end = end
    }

    var node: HCLNode {
        switch kind {
        case .node:
            return base!
        case .scope:
            return HCLNode(e: HCLExpr(kind: .scopeTraversal(root: root, steps: steps), range: SourceRange(start: rootRange.start, end: end)),
                           h: maxH + 1)
        case .relative:
            let b = base!
            return HCLNode(e: HCLExpr(kind: .relativeTraversal(b.e, steps), range: SourceRange(start: b.e.range.start, end: end)),
                           h: max(b.h, maxH) + 1)
        case .splat:
            let b = base!
            return HCLNode(e: HCLExpr(kind: .splat(b.e, steps, full: full), range: SourceRange(start: b.e.range.start, end: end)),
                           h: max(b.h, maxH) + 1)
        }
    }
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
    var keyVar: (name: String, range: SourceRange)?
    var valueVar: (name: String, range: SourceRange)
    var collection: HCLNode?
    var key: HCLNode?
    var value: HCLNode?
    /// 0: the collection, 1: the first expression after ':', 2: the value after '=>', 3: the condition.
    var stage: UInt8 = 0
    var grouping = false
}

/// An open construct waiting for an expression. Kept small (the frames are pushed and popped
/// for every element): openings are their positions, and rare or large frames are boxed.
enum HCLFrame {
    /// An expression being read; its state is `HCLState.exprs.last`.
    case expr
    case paren(open: SourcePosition)
    case tuple(open: SourcePosition, items: [HCLExpr], maxH: Int32)
    case object(open: SourcePosition, items: [(key: HCLExpr, value: HCLExpr)], key: HCLExpr?, maxH: Int32)
    indirect case call(name: String, nameStart: SourcePosition, open: SourcePosition, args: [HCLExpr], maxH: Int32)
    indirect case index(operand: HCLOperand, open: SourcePosition)
    indirect case conditional(condition: HCLNode, whenTrue: HCLNode?, newlines: Bool, question: SourcePosition)
    indirect case forExpr(HCLForFrame)
    indirect case template(HCLTemplateFrame)
}

enum HCLStep {
    case wantOperand
    case operand(HCLOperand)
    case completed(HCLNode)
}

struct HCLBodyBuilder {
    var attributes: [HCLAttribute] = []
    var blocks: [HCLBlock] = []
    var type = ""
    var typeRange: SourceRange
    var labels: [(value: String, range: SourceRange)] = []
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
    // Template scratch.
    var tItems: [HCLTemplateItem] = []
    var pieces: [HCLPiece] = []
    var side: [UInt8] = []

    static let maxErrors = 100

    init(buf: UnsafeBufferPointer<UInt8>, limits: ParseLimits, recover: Bool) {
        self.buf = buf
        self.limits = limits
        self.recover = recover
    }

    // MARK: Bodies

    mutating func parseFile() -> HCLBody {
        let origin = SourcePosition(line: 1, column: 1, offset: 0)
        var bodies = [HCLBodyBuilder(typeRange: SourceRange(start: origin, end: origin))]
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
                    let name = bodies[bodies.count - 1].type
                    if errors.isEmpty || !recover {
                        _ = record(error("unclosed block \"\(name)\": no '}' closes this '{' before the end of the input", open.start, open.end))
                    }
                    if !recover { return finishTop(bodies[0], t) }
                    while bodies.count > 1 { closeBlock(&bodies, t, closed: false) }
                }
                return finishTop(bodies[0], t)
            case .rbrace:
                take()
                if bodies.count > 1 {
                    closeBlock(&bodies, t, closed: true)
                    lineEndAfterBlock(bodies[bodies.count - 1].blocks.last!.type)
                } else {
                    if !record(error("unexpected '}': no block is open here", t.start, t.end)) { return finishTop(bodies[0], t) }
                    recoverFrom(offset: t.end)
                }
            default:
                do {
                    let closedOnItsLine = try parseItem(t, &bodies)
                    if closedOnItsLine { lineEndAfterBlock(bodies[bodies.count - 1].blocks.last!.type) }
                } catch let e as ParseError {
                    if !record(e) { return finishTop(bodies[0], t) }
                    recoverFrom(offset: t.start)
                } catch {
                    return finishTop(bodies[0], t)
                }
            }
            if !recover && !errors.isEmpty { return finishTop(bodies[0], t) }
        }
        let end = SourcePosition(line: cur.line, column: cur.i - cur.lineStart - cur.cont + 1, offset: cur.i)
        return HCLBody(attributes: bodies[0].attributes, blocks: bodies[0].blocks, range: SourceRange(start: origin, end: end),
                       endRange: SourceRange(start: end, end: end))
    }

    /// Records an error; false when parsing must stop (not recovering, or too many errors).
    mutating func record(_ e: ParseError) -> Bool {
        errors.append(e)
        return recover && errors.count < Self.maxErrors
    }

    func finishTop(_ top: HCLBodyBuilder, _ eof: HCLToken) -> HCLBody {
        let origin = SourcePosition(line: 1, column: 1, offset: 0)
        let end = eof.kind == .eof ? eof.startPos : SourcePosition(line: cur.line, column: cur.i - cur.lineStart - cur.cont + 1, offset: cur.i)
        return HCLBody(attributes: top.attributes, blocks: top.blocks, range: SourceRange(start: origin, end: end),
                       endRange: SourceRange(start: end, end: end))
    }

    mutating func closeBlock(_ bodies: inout [HCLBodyBuilder], _ close: HCLToken, closed: Bool) {
        let b = bodies.removeLast()
        let open = b.open!
        let endPos = closed ? close.endPos : close.startPos
        let body = HCLBody(attributes: b.attributes, blocks: b.blocks, range: SourceRange(start: open.startPos, end: endPos),
                           endRange: SourceRange(start: close.startPos, end: close.startPos))
        bodies[bodies.count - 1].blocks.append(HCLBlock(type: b.type, typeRange: b.typeRange, labels: b.labels, body: body,
                                                        range: SourceRange(start: b.typeRange.start, end: endPos)))
    }

    /// After a block's `}`: a line break or the end of the input.
    mutating func lineEndAfterBlock(_ type: String) {
        do {
            let t = try peek(true)
            if t.kind == .newline { take(); return }
            if t.kind == .eof { return }
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
        let name = text(t)
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
                throw error("unexpected ',' after the value of \"\(name)\": arguments are separated by line breaks, not commas",
                            after.start, after.end)
            default:
                throw error("expected a line break after the value of \"\(name)\", found \(describe(after))", after.start, after.end)
            }
            bodies[bodies.count - 1].attributes.append(
                HCLAttribute(name: name, nameRange: t.range, expr: value.e, range: SourceRange(start: t.startPos, end: value.e.range.end)))
            return false
        case .ident, .quote, .lbrace:
            break
        default:
            throw error("expected '=' (an argument) or a label or '{' (a block) after \"\(name)\", found \(describe(next))",
                        next.start, next.end)
        }
        // A block: labels, then '{'.
        var labels: [(value: String, range: SourceRange)] = []
        var open: HCLToken
        while true {
            let l = try peek(true)
            switch l.kind {
            case .ident:
                take()
                labels.append((text(l), l.range))
                continue
            case .quote:
                take()
                labels.append(try scanLabel(l))
                continue
            case .lbrace:
                take()
                open = l
            case .equal:
                throw error("unexpected '=' in the definition of block \"\(name)\": a block is written type \"label\" { … }, without '='",
                            l.start, l.end)
            case .newline:
                throw error("the '{' of block \"\(name)\" must be on the same line as its type and labels", l.start, l.end)
            default:
                throw error("expected a quoted label or '{' in the definition of block \"\(name)\", found \(describe(l))", l.start, l.end)
            }
            break
        }
        if bodies.count > limits.maxDepth {
            throw error("nesting deeper than \(limits.maxDepth) levels", open.start, open.end)
        }
        let first = try peek(true)
        switch first.kind {
        case .newline, .eof:
            bodies.append(HCLBodyBuilder(type: name, typeRange: t.range, labels: labels, open: open))
            return false
        case .rbrace:
            take()
            let body = HCLBody(attributes: [], blocks: [], range: SourceRange(start: open.startPos, end: first.endPos),
                               endRange: SourceRange(start: first.startPos, end: first.startPos))
            bodies[bodies.count - 1].blocks.append(HCLBlock(type: name, typeRange: t.range, labels: labels, body: body,
                                                            range: SourceRange(start: t.startPos, end: first.endPos)))
            return true
        default:
            break
        }
        // A one-line block: `type { name = value }`.
        guard first.kind == .ident else {
            throw error("expected an argument or '}' after the '{' of block \"\(name)\", found \(describe(first))", first.start, first.end)
        }
        take()
        let eq = try peek(true)
        if eq.kind == .ident || eq.kind == .quote || eq.kind == .lbrace {
            throw error("a one-line block holds at most one argument: put block \"\(text(first))\" on a line of its own inside \"\(name)\"",
                        first.start, eq.end)
        }
        guard eq.kind == .equal else {
            throw error("expected '=' after \"\(text(first))\" in the one-line block \"\(name)\", found \(describe(eq))", eq.start, eq.end)
        }
        take()
        let value = try parseExpression(newlines: true, baseDepth: bodies.count)
        let close = try peek(true)
        switch close.kind {
        case .rbrace:
            take()
        case .comma:
            throw error("a one-line block holds only one argument: write block \"\(name)\" on several lines, one argument per line",
                        close.start, close.end)
        case .newline:
            throw error("a one-line block must be closed on the line it opens: put '}' right after the argument of block \"\(name)\"",
                        close.start, close.end)
        case .eof:
            throw error("unclosed block \"\(name)\": no '}' closes this '{' before the end of the input", open.start, open.end)
        default:
            throw error("expected '}' to close the one-line block \"\(name)\", found \(describe(close))", close.start, close.end)
        }
        let attribute = HCLAttribute(name: text(first), nameRange: first.range, expr: value.e,
                                     range: SourceRange(start: first.startPos, end: value.e.range.end))
        let body = HCLBody(attributes: [attribute], blocks: [], range: SourceRange(start: open.startPos, end: close.endPos),
                           endRange: SourceRange(start: close.startPos, end: close.startPos))
        bodies[bodies.count - 1].blocks.append(HCLBlock(type: name, typeRange: t.range, labels: labels, body: body,
                                                        range: SourceRange(start: t.startPos, end: close.endPos)))
        return true
    }

    /// A quoted block label: a string without template sequences.
    mutating func scanLabel(_ open: HCLToken) throws -> (value: String, range: SourceRange) {
        if let node = simpleQuoted(open), let text = node.e.literalString { return (text, node.e.range) }
        var tf = HCLTemplateFrame(open: open, heredoc: false, labelMode: true, contentPos: here(), itemBase: tItems.count,
                                  pieceBase: pieces.count, sideBase: side.count)
        guard case .end(let end) = try continueTemplate(&tf) else { throw error("internal error reading a label", open.start) }
        let node = finishTemplate(tf, end: end)
        return (node.e.literalString ?? "", node.e.range)
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
