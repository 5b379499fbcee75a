import RoleCheckCore

// The expression engine: a loop over an explicit stack of open constructs (`frames`), so that
// nesting costs heap, never call stack. Binary operators are resolved by precedence with an
// operand and an operator stack (shunting-yard); prefixes (`-`, `!`) bind to a term with its
// postfix steps, as in HCL.

extension HCLState {
    static func precedence(_ k: HCLTokenKind) -> UInt8? {
        switch k {
        case .or: 1
        case .and: 2
        case .eqEq, .notEq: 3
        case .lt, .gt, .le, .ge: 4
        case .plus, .minus: 5
        case .star, .slash, .percent: 6
        default: nil
        }
    }

    static func opText(_ k: HCLTokenKind) -> String {
        switch k {
        case .or: "||"
        case .and: "&&"
        case .eqEq: "=="
        case .notEq: "!="
        case .lt: "<"
        case .gt: ">"
        case .le: "<="
        case .ge: ">="
        case .plus: "+"
        case .minus: "-"
        case .star: "*"
        case .slash: "/"
        case .percent: "%"
        case .bang: "!"
        default: "?"
        }
    }

    /// Where an opening is, for messages ("the '(' at line 3, column 7").
    func at(_ what: String, _ p: SourcePosition) -> String { "'\(what)' at line \(p.line), column \(p.column)" }

    @inline(__always) func checkHeight(_ h: Int32, _ offset: Int, _ end: Int? = nil) throws {
        if Int(h) > limits.maxDepth + 1 {
            throw error("expression nested deeper than \(limits.maxDepth) levels", offset, end)
        }
    }

    /// Opens a construct one level deeper.
    @inline(__always) mutating func enter(_ t: HCLToken) throws {
        depth += 1
        if depth > limits.maxDepth { throw error("nesting deeper than \(limits.maxDepth) levels", t.start, t.end) }
    }

    @inline(__always) mutating func pushExpr(_ newlines: Bool) {
        frames.append(.expr)
        exprs.append(HCLExprFrame(operandBase: operands.count, opBase: ops.count, prefixBase: prefixes.count, newlines: newlines))
    }

    @inline(__always) var exprFrame: HCLExprFrame { exprs[exprs.count - 1] }

    /// Parses one expression; the cursor is left just after it (the token that ends it is not
    /// consumed). `baseDepth`: the blocks it is nested in.
    mutating func parseExpression(newlines: Bool, baseDepth: Int) throws -> HCLNode {
        frames.removeAll(keepingCapacity: true)
        exprs.removeAll(keepingCapacity: true)
        operands.removeAll(keepingCapacity: true)
        ops.removeAll(keepingCapacity: true)
        prefixes.removeAll(keepingCapacity: true)
        depth = baseDepth
        pushExpr(newlines)
        var step = HCLStep.wantOperand
        while true {
            switch step {
            case .wantOperand:
                step = try wantOperand()
            case .operand(let o):
                step = try haveOperand(o)
            case .completed(let node):
                if frames.isEmpty { return node }
                step = try deliver(node)
            }
        }
    }

    // MARK: Terms

    mutating func wantOperand() throws -> HCLStep {
        let ef = exprFrame
        let t = try peek(ef.newlines)
        switch t.kind {
        case .minus, .bang:
            take()
            if depth + prefixes.count - ef.prefixBase + 1 > limits.maxDepth {
                throw error("expression nested deeper than \(limits.maxDepth) levels", t.start, t.end)
            }
            prefixes.append((t.kind, t.startPos))
            return .wantOperand
        case .number:
            take()
            return .operand(.node(HCLNode(e: HCLExpr(kind: .literal(.number(text(t))), range: t.range), h: 1)))
        case .ident:
            take()
            let next = try peek(ef.newlines)
            if next.kind == .lparen || next.kind == .doubleColon { return try startCall(t, ef.newlines) }
            if tokenIs(t, "true") { return .operand(.node(HCLNode(e: HCLExpr(kind: .literal(.bool(true)), range: t.range), h: 1))) }
            if tokenIs(t, "false") { return .operand(.node(HCLNode(e: HCLExpr(kind: .literal(.bool(false)), range: t.range), h: 1))) }
            if tokenIs(t, "null") { return .operand(.node(HCLNode(e: HCLExpr(kind: .literal(.null), range: t.range), h: 1))) }
            return .operand(HCLOperand(kind: .scope, base: nil, root: text(t), rootRange: t.range, end: t.endPos))
        case .lparen:
            take()
            try enter(t)
            frames.append(.paren(open: t.startPos))
            pushExpr(false)
            return .wantOperand
        case .lbrack:
            take()
            try enter(t)
            let next = try peek(false)
            if tokenIs(next, "for") {
                take()
                try startFor(t, isObject: false)
                return .wantOperand
            }
            if next.kind == .rbrack {
                take()
                depth -= 1
                return .operand(.node(HCLNode(e: HCLExpr(kind: .tuple([]), range: SourceRange(start: t.startPos, end: next.endPos)), h: 1)))
            }
            frames.append(.tuple(open: t.startPos, items: [], maxH: 0))
            pushExpr(false)
            return .wantOperand
        case .lbrace:
            take()
            try enter(t)
            // Line breaks do not matter before a `for` (as in HCL), nor before the first element.
            let next = try peek(false)
            if tokenIs(next, "for") {
                take()
                try startFor(t, isObject: true)
                return .wantOperand
            }
            if next.kind == .rbrace {
                take()
                depth -= 1
                return .operand(.node(HCLNode(e: HCLExpr(kind: .object([]), range: SourceRange(start: t.startPos, end: next.endPos)), h: 1)))
            }
            frames.append(.object(open: t.startPos, items: [], key: nil, maxH: 0))
            pushExpr(true)
            return .wantOperand
        case .quote:
            take()
            if let node = simpleQuoted(t) { return .operand(.node(node)) }
            try enter(t)
            var tf = HCLTemplateFrame(open: t, heredoc: false, labelMode: false, contentPos: here(), itemBase: tItems.count,
                                      pieceBase: pieces.count, sideBase: side.count)
            return try runTemplate(&tf)
        case .heredoc:
            take()
            try enter(t)
            var tf = HCLTemplateFrame(open: t, heredoc: true, labelMode: false, contentPos: here(), itemBase: tItems.count,
                                      pieceBase: pieces.count, sideBase: side.count)
            return try runTemplate(&tf)
        default:
            throw error("expected an expression, found \(describe(t))", t.start, t.end)
        }
    }

    /// `name(` or `ns::name(`: the call's arguments follow.
    mutating func startCall(_ nameTok: HCLToken, _ newlines: Bool) throws -> HCLStep {
        var name = text(nameTok)
        var next = try peek(newlines)
        while next.kind == .doubleColon {
            take()
            let part = try peek(newlines)
            guard part.kind == .ident else {
                throw error("expected a function name after '::', found \(describe(part))", part.start, part.end)
            }
            take()
            name += "::" + text(part)
            next = try peek(newlines)
        }
        guard next.kind == .lparen else {
            throw error("expected '(' after the function name \"\(name)\", found \(describe(next))", next.start, next.end)
        }
        take()
        try enter(next)
        let first = try peek(false)
        if first.kind == .rparen {
            take()
            depth -= 1
            let e = HCLExpr(kind: .functionCall(name: name, args: [], expandFinal: false),
                            range: SourceRange(start: nameTok.startPos, end: first.endPos))
            return .operand(.node(HCLNode(e: e, h: 1)))
        }
        frames.append(.call(name: name, nameStart: nameTok.startPos, open: next.startPos, args: [], maxH: 0))
        pushExpr(false)
        return .wantOperand
    }

    /// After `[for` or `{for`: the variables and `in`; the collection follows.
    mutating func startFor(_ open: HCLToken, isObject: Bool) throws {
        let v = try peek(false)
        guard v.kind == .ident else { throw error("expected a variable name after 'for', found \(describe(v))", v.start, v.end) }
        take()
        var keyVar: (name: String, range: SourceRange)?
        var valueVar = (name: text(v), range: v.range)
        if try peek(false).kind == .comma {
            take()
            let w = try peek(false)
            guard w.kind == .ident else {
                throw error("expected the value variable's name after ',' in the 'for' expression, found \(describe(w))", w.start, w.end)
            }
            take()
            keyVar = valueVar
            valueVar = (text(w), w.range)
        }
        let inTok = try peek(false)
        guard tokenIs(inTok, "in") else {
            throw error("expected 'in' after the variables of the 'for' expression, found \(describe(inTok))", inTok.start, inTok.end)
        }
        take()
        frames.append(.forExpr(HCLForFrame(open: open, isObject: isObject, keyVar: keyVar, valueVar: valueVar)))
        pushExpr(false)
    }

    // MARK: Postfix, prefixes, binary operators

    mutating func haveOperand(_ operand: HCLOperand) throws -> HCLStep {
        var o = operand
        let ef = exprFrame
        postfix: while true {
            let t = try peek(ef.newlines)
            switch t.kind {
            case .dot:
                take()
                let a = try peek(ef.newlines)
                switch a.kind {
                case .ident:
                    take()
                    if o.kind == .splat && o.full == false && false { break }
                    o.append(.attribute(text(a), SourceRange(start: t.startPos, end: a.endPos)), h: 0, end: a.endPos)
                case .number:
                    take()
                    let digits = text(a)
                    if digits.contains(".") {
                        let parts = digits.split(separator: ".")
                        throw error("invalid legacy index '.\(digits)': two indexes cannot be chained this way; write [\(parts[0])][\(parts.count > 1 ? parts[1] : "")]",
                                    a.start, a.end)
                    }
                    guard let value = Double(digits), value == value.rounded(), value < 9.007199254740992e15, let index = Int(exactly: value) else {
                        throw error("invalid legacy index '.\(digits)': an index must be a whole number", a.start, a.end)
                    }
                    if o.isAttributeSplat || o.kind == .splat {
                        o.append(.legacyIndex(index, SourceRange(start: t.startPos, end: a.endPos)), h: 0, end: a.endPos)
                    } else {
                        o.append(.legacyIndex(index, SourceRange(start: t.startPos, end: a.endPos)), h: 0, end: a.endPos)
                    }
                case .star:
                    take()
                    if o.isAttributeSplat {
                        throw error("a splat '.*' cannot follow another '.*' directly; use [*] to splat inside a splat", t.start, a.end)
                    }
                    let source = o.node
                    try checkHeight(source.h + 1, t.start, a.end)
                    o = HCLOperand(kind: .splat, base: source, rootRange: source.e.range, full: false, end: a.endPos)
                default:
                    throw error("expected an attribute name after '.', found \(describe(a))", a.start, a.end)
                }
            case .lbrack:
                take()
                if o.isAttributeSplat {
                    // An attribute splat ends at an index: `x.*.y[0]` indexes the splat's result.
                    o = .node(o.node)
                }
                let a = try peek(false)
                if a.kind == .star {
                    take()
                    let c = try peek(false)
                    guard c.kind == .rbrack else { throw error("expected ']' after '[*', found \(describe(c))", c.start, c.end) }
                    take()
                    let source = o.node
                    try checkHeight(source.h + 1, t.start, c.end)
                    o = HCLOperand(kind: .splat, base: source, rootRange: source.e.range, full: true, end: c.endPos)
                    continue postfix
                }
                try enter(t)
                frames.append(.index(operand: o, open: t.startPos))
                pushExpr(false)
                return .wantOperand
            default:
                break postfix
            }
        }
        var node = o.node
        try checkHeight(node.h, node.e.range.start.offset)
        while prefixes.count > ef.prefixBase {
            let p = prefixes.removeLast()
            node = HCLNode(e: HCLExpr(kind: .unary(Self.opText(p.kind), node.e), range: SourceRange(start: p.pos, end: node.e.range.end)),
                           h: node.h + 1)
            try checkHeight(node.h, p.pos.offset)
        }
        operands.append(node)
        let t = try peek(ef.newlines)
        if let prec = Self.precedence(t.kind) {
            take()
            while ops.count > ef.opBase, ops[ops.count - 1].prec >= prec { try reduce() }
            ops.append((t.kind, prec))
            return .wantOperand
        }
        while ops.count > ef.opBase { try reduce() }
        let result = operands.removeLast()
        frames.removeLast()
        exprs.removeLast()
        if t.kind == .question {
            take()
            try enter(t)
            frames.append(.conditional(condition: result, whenTrue: nil, newlines: ef.newlines, question: t.startPos))
            pushExpr(ef.newlines)
            return .wantOperand
        }
        return .completed(result)
    }

    mutating func reduce() throws {
        let rhs = operands.removeLast()
        let lhs = operands.removeLast()
        let op = ops.removeLast()
        let h = max(lhs.h, rhs.h) + 1
        try checkHeight(h, rhs.e.range.start.offset)
        operands.append(HCLNode(e: HCLExpr(kind: .binary(Self.opText(op.kind), lhs.e, rhs.e),
                                           range: SourceRange(start: lhs.e.range.start, end: rhs.e.range.end)), h: h))
    }

    // MARK: Completed expressions

    /// Hands a complete expression to the construct waiting for it.
    mutating func deliver(_ node: HCLNode) throws -> HCLStep {
        switch frames.removeLast() {
        case .expr:
            fatalError("HCL parser: an expression delivered to an expression frame")
        case .paren(let open):
            let c = try peek(false)
            guard c.kind == .rparen else {
                throw error("expected ')' to close the \(at("(", open)), found \(describe(c))", c.start, c.end)
            }
            take()
            depth -= 1
            let h = node.h + 1
            try checkHeight(h, open.offset)
            return .operand(.node(HCLNode(e: HCLExpr(kind: .parenthesized(node.e), range: SourceRange(start: open, end: c.endPos)),
                                          h: h)))
        case .tuple(let open, var items, var maxH):
            items.append(node.e)
            maxH = max(maxH, node.h)
            var c = try peek(false)
            if c.kind == .comma {
                take()
                c = try peek(false)
                if c.kind != .rbrack {
                    frames.append(.tuple(open: open, items: items, maxH: maxH))
                    pushExpr(false)
                    return .wantOperand
                }
            }
            guard c.kind == .rbrack else {
                throw error("expected ',' or ']' after an element of the \(at("[", open)), found \(describe(c))", c.start, c.end)
            }
            take()
            depth -= 1
            try checkHeight(maxH + 1, open.offset)
            return .operand(.node(HCLNode(e: HCLExpr(kind: .tuple(items), range: SourceRange(start: open, end: c.endPos)), h: maxH + 1)))
        case .object(let open, var items, let key, var maxH):
            guard let key else {
                var k = node
                if case .scopeTraversal(let root, let steps) = node.e.kind, steps.isEmpty {
                    k.e = HCLExpr(kind: .template([.literal(text: root, range: node.e.range, offsetMap: nil)], heredoc: false), range: node.e.range)
                }
                let c = try peek(true)
                guard c.kind == .equal || c.kind == .colon else {
                    throw error("expected '=' after the key of an element of the \(at("{", open)), found \(describe(c))", c.start, c.end)
                }
                take()
                frames.append(.object(open: open, items: items, key: k.e, maxH: max(maxH, k.h)))
                pushExpr(true)
                return .wantOperand
            }
            items.append((key, node.e))
            maxH = max(maxH, node.h)
            var c = try peek(true)
            if c.kind == .comma || c.kind == .newline {
                take()
                c = try peek(false)
                if c.kind != .rbrace {
                    frames.append(.object(open: open, items: items, key: nil, maxH: maxH))
                    pushExpr(true)
                    return .wantOperand
                }
            }
            guard c.kind == .rbrace else {
                throw error("expected ',', a line break or '}' after an element of the \(at("{", open)), found \(describe(c))", c.start, c.end)
            }
            take()
            depth -= 1
            try checkHeight(maxH + 1, open.offset)
            return .operand(.node(HCLNode(e: HCLExpr(kind: .object(items), range: SourceRange(start: open, end: c.endPos)), h: maxH + 1)))
        case .call(let name, let nameStart, let open, var args, var maxH):
            args.append(node.e)
            maxH = max(maxH, node.h)
            var c = try peek(false)
            var expand = false
            if c.kind == .comma {
                take()
                c = try peek(false)
                if c.kind != .rparen {
                    frames.append(.call(name: name, nameStart: nameStart, open: open, args: args, maxH: maxH))
                    pushExpr(false)
                    return .wantOperand
                }
            } else if c.kind == .ellipsis {
                take()
                expand = true
                c = try peek(false)
                guard c.kind == .rparen else {
                    throw error("expected ')' after '...': only the last argument of \"\(name)\" can be expanded", c.start, c.end)
                }
            }
            guard c.kind == .rparen else {
                throw error("expected ',' or ')' after an argument of \"\(name)\" (its \(at("(", open))), found \(describe(c))", c.start, c.end)
            }
            take()
            depth -= 1
            try checkHeight(maxH + 1, open.offset)
            let e = HCLExpr(kind: .functionCall(name: name, args: args, expandFinal: expand), range: SourceRange(start: nameStart, end: c.endPos))
            return .operand(.node(HCLNode(e: e, h: maxH + 1)))
        case .index(var operand, let open):
            let c = try peek(false)
            guard c.kind == .rbrack else {
                throw error("expected ']' to close the \(at("[", open)), found \(describe(c))", c.start, c.end)
            }
            take()
            depth -= 1
            operand.append(.index(node.e, SourceRange(start: open, end: c.endPos)), h: node.h, end: c.endPos)
            return .operand(operand)
        case .conditional(let condition, let whenTrue, let newlines, let question):
            guard let whenTrue else {
                let c = try peek(newlines)
                guard c.kind == .colon else {
                    throw error("expected ':' and the false branch of the conditional (its \(at("?", question))), found \(describe(c))",
                                c.start, c.end)
                }
                take()
                frames.append(.conditional(condition: condition, whenTrue: node, newlines: newlines, question: question))
                pushExpr(newlines)
                return .wantOperand
            }
            depth -= 1
            let h = max(condition.h, whenTrue.h, node.h) + 1
            try checkHeight(h, question.offset)
            return .completed(HCLNode(e: HCLExpr(kind: .conditional(condition.e, whenTrue.e, node.e),
                                                 range: SourceRange(start: condition.e.range.start, end: node.e.range.end)), h: h))
        case .forExpr(var f):
            return try deliverFor(&f, node)
        case .template(var tf):
            tf.maxH = max(tf.maxH, node.h)
            let (close, tilde) = try sequenceClose(tf)
            let range = SourceRange(start: tf.seqPos, end: close.endPos)
            switch tf.stage {
            case 0:
                tItems.append(.interp(node.e, range))
            case 1:
                tItems.append(.directive(range))
                tf.directives.append((0, tf.seqStart, tf.seqPos))
            default:
                tItems.append(.directive(range))
                tf.directives.append((2, tf.seqStart, tf.seqPos))
            }
            tf.ltrimNext = tilde
            return try runTemplate(&tf)
        }
    }

    mutating func deliverFor(_ f: inout HCLForFrame, _ node: HCLNode) throws -> HCLStep {
        let closer: HCLTokenKind = f.isObject ? .rbrace : .rbrack
        switch f.stage {
        case 0:
            f.collection = node
            let c = try peek(false)
            guard c.kind == .colon else {
                throw error("expected ':' after the collection of the 'for' expression, found \(describe(c))", c.start, c.end)
            }
            take()
            f.stage = 1
            frames.append(.forExpr(f))
            pushExpr(false)
            return .wantOperand
        case 1:
            let c = try peek(false)
            if c.kind == .fatArrow {
                guard f.isObject else {
                    throw error("a tuple 'for' ([for …]) has no key expression ('=>'); write {for …} to build an object", c.start, c.end)
                }
                take()
                f.key = node
                f.stage = 2
                frames.append(.forExpr(f))
                pushExpr(false)
                return .wantOperand
            }
            if f.isObject {
                throw error("an object 'for' ({for …}) needs a key and a value: key => value", node.e.range.start.offset, node.e.range.end.offset)
            }
            f.value = node
        case 2:
            f.value = node
        default:
            // The condition.
            let c = try peek(false)
            guard c.kind == closer else {
                throw error("expected '\(f.isObject ? "}" : "]")' to end the 'for' expression, found \(describe(c))", c.start, c.end)
            }
            take()
            return try finishFor(f, condition: node, close: c)
        }
        var c = try peek(false)
        if c.kind == .ellipsis {
            guard f.isObject else {
                throw error("grouping ('...') applies to an object 'for' ({for …}) only", c.start, c.end)
            }
            take()
            f.grouping = true
            c = try peek(false)
        }
        if tokenIs(c, "if") {
            take()
            f.stage = 3
            frames.append(.forExpr(f))
            pushExpr(false)
            return .wantOperand
        }
        guard c.kind == closer else {
            throw error("expected '\(f.isObject ? "}" : "]")' to end the 'for' expression, found \(describe(c))", c.start, c.end)
        }
        take()
        return try finishFor(f, condition: nil, close: c)
    }

    mutating func finishFor(_ f: HCLForFrame, condition: HCLNode?, close: HCLToken) throws -> HCLStep {
        depth -= 1
        let h = max(f.collection!.h, f.key?.h ?? 0, f.value!.h, condition?.h ?? 0) + 1
        try checkHeight(h, f.open.start)
        let fe = HCLForExpr(keyVar: f.keyVar, valueVar: f.valueVar, collection: f.collection!.e, key: f.key?.e, value: f.value!.e,
                            condition: condition?.e, grouping: f.grouping)
        return .operand(.node(HCLNode(e: HCLExpr(kind: .forExpr(fe), range: SourceRange(start: f.open.startPos, end: close.endPos)), h: h)))
    }

    // MARK: Templates

    /// The `}` or `~}` closing a template sequence.
    mutating func sequenceClose(_ tf: HCLTemplateFrame) throws -> (HCLToken, Bool) {
        let c = try peek(false)
        guard c.kind == .rbrace || c.kind == .tildeRBrace else {
            let which = buf[tf.seqStart] == UInt8(ascii: "$") ? "${" : "%{"
            var hint = ""
            if which == "${" && c.kind == .colon {
                hint = " (for a literal '${' — another language's interpolation — write '$${')"
            }
            throw error("expected '}' to close the '\(which)' at line \(tf.seqPos.line), column \(tf.seqPos.column), found \(describe(c))\(hint)",
                        c.start, c.end)
        }
        take()
        return (c, c.kind == .tildeRBrace)
    }

    /// Scans template text; returns the finished template as an operand, or opens the next
    /// interpolation or directive's expression.
    mutating func runTemplate(_ tf: inout HCLTemplateFrame) throws -> HCLStep {
        while true {
            switch try continueTemplate(&tf) {
            case .end(let end):
                if let open = tf.directives.last {
                    let kind = open.kind == 2 ? "for" : "if"
                    throw error("the '%{ \(kind) }' at line \(open.pos.line), column \(open.pos.column) has no '%{ end\(kind) }'",
                                open.start, open.start + 2)
                }
                depth -= 1
                let node = finishTemplate(tf, end: end)
                try checkHeight(node.h, tf.open.start)
                return .operand(.node(node))
            case .interpolation:
                tf.stage = 0
                frames.append(.template(tf))
                pushExpr(false)
                return .wantOperand
            case .directive:
                let kw = try peek(false)
                if tokenIs(kw, "if") {
                    take()
                    tf.stage = 1
                    frames.append(.template(tf))
                    pushExpr(false)
                    return .wantOperand
                }
                if tokenIs(kw, "for") {
                    take()
                    let v = try peek(false)
                    guard v.kind == .ident else { throw error("expected a variable name after '%{ for', found \(describe(v))", v.start, v.end) }
                    take()
                    if try peek(false).kind == .comma {
                        take()
                        let w = try peek(false)
                        guard w.kind == .ident else {
                            throw error("expected the value variable's name after ',' in '%{ for', found \(describe(w))", w.start, w.end)
                        }
                        take()
                    }
                    let inTok = try peek(false)
                    guard tokenIs(inTok, "in") else {
                        throw error("expected 'in' after the variables of '%{ for', found \(describe(inTok))", inTok.start, inTok.end)
                    }
                    take()
                    tf.stage = 2
                    frames.append(.template(tf))
                    pushExpr(false)
                    return .wantOperand
                }
                let isElse = tokenIs(kw, "else"), isEndIf = tokenIs(kw, "endif"), isEndFor = tokenIs(kw, "endfor")
                guard isElse || isEndIf || isEndFor else {
                    throw error("expected a template directive (if, else, endif, for, endfor) after '%{', found \(describe(kw))",
                                kw.start, kw.end)
                }
                take()
                let top = tf.directives.last
                if isElse {
                    guard let top, top.kind == 0 else {
                        throw error(top?.kind == 1 ? "a second '%{ else }' for the same '%{ if }'" : "'%{ else }' without an open '%{ if }'",
                                    kw.start, kw.end)
                    }
                    tf.directives[tf.directives.count - 1].kind = 1
                } else if isEndIf {
                    guard let top, top.kind <= 1 else {
                        throw error(top == nil ? "'%{ endif }' without an open '%{ if }'" : "'%{ endif }' where '%{ endfor }' was expected",
                                    kw.start, kw.end)
                    }
                    tf.directives.removeLast()
                } else {
                    guard let top, top.kind == 2 else {
                        throw error(top == nil ? "'%{ endfor }' without an open '%{ for }'" : "'%{ endfor }' where '%{ endif }' was expected",
                                    kw.start, kw.end)
                    }
                    tf.directives.removeLast()
                }
                let (close, tilde) = try sequenceClose(tf)
                tItems.append(.directive(SourceRange(start: tf.seqPos, end: close.endPos)))
                tf.ltrimNext = tilde
            }
        }
    }
}
