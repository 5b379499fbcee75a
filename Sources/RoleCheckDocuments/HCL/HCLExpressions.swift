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

    /// A finished node: a new record.
    @inline(__always) mutating func node(_ r: HCLRecord, h: Int32) -> HCLNode {
        HCLNode(index: Int32(truncatingIfNeeded: add(r)), h: h, start: r.start, end: r.end)
    }

    /// A new record as an operand. (`operand(node(…))` would read `pending` before `node`
    /// runs: the arguments of a non-mutating call are evaluated after `self` is read.)
    @inline(__always) mutating func operandStep(_ r: HCLRecord, h: Int32) -> HCLStep {
        let n = node(r, h: h)
        return .operand(operand(n))
    }

    /// A finished node as an operand that postfix steps may extend.
    @inline(__always) func operand(_ n: HCLNode) -> HCLOperand {
        HCLOperand(kind: .node, base: n, stepBase: Int32(truncatingIfNeeded: pending.count), end: n.end)
    }

    /// Adds a step (its record) to an operand.
    @inline(__always) mutating func append(_ step: HCLRecord, to o: inout HCLOperand, h: Int32) {
        if o.kind == .node { o.kind = .relative }
        pending.append(UInt32(add(step)))
        o.maxH = max(o.maxH, h)
        o.end = step.end
    }

    /// The operand as a finished node (its steps leave `pending`).
    mutating func finish(_ o: HCLOperand) -> HCLNode {
        switch o.kind {
        case .node:
            return o.base
        case .scope:
            let count = pending.count - Int(o.stepBase)
            let start = link(from: Int(o.stepBase))
            return node(HCLRecord(.scope, o.base.startOffset, Int(o.end), a: start, b: count, c: o.base.endOffset), h: o.maxH + 1)
        case .relative, .splat:
            let count = pending.count - Int(o.stepBase)
            let start = link(from: Int(o.stepBase))
            let b = o.base
            return node(HCLRecord(o.kind == .splat ? .splat : .relative, b.startOffset, Int(o.end), a: start, b: count, c: Int(b.index),
                                  flags: o.full ? HCLRecord.flagFull : 0),
                        h: max(b.h, o.maxH) + 1)
        }
    }

    /// Parses one expression; the cursor is left just after it (the token that ends it is not
    /// consumed). `baseDepth`: the blocks it is nested in.
    mutating func parseExpression(newlines: Bool, baseDepth: Int) throws -> HCLNode {
        frames.removeAll(keepingCapacity: true)
        exprs.removeAll(keepingCapacity: true)
        operands.removeAll(keepingCapacity: true)
        ops.removeAll(keepingCapacity: true)
        prefixes.removeAll(keepingCapacity: true)
        pending.removeAll(keepingCapacity: true)
        indexed.removeAll(keepingCapacity: true)
        fors.removeAll(keepingCapacity: true)
        templates.removeAll(keepingCapacity: true)
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
            return operandStep(HCLRecord(.number, t.start, t.end), h: 1)
        case .ident:
            take()
            let next = try peek(ef.newlines)
            if next.kind == .lparen || next.kind == .doubleColon { return try startCall(t, ef.newlines) }
            if tokenIs(t, "true") { return operandStep(HCLRecord(.bool, t.start, t.end, flags: HCLRecord.flagTrue), h: 1) }
            if tokenIs(t, "false") { return operandStep(HCLRecord(.bool, t.start, t.end), h: 1) }
            if tokenIs(t, "null") { return operandStep(HCLRecord(.null, t.start, t.end), h: 1) }
            // The root's offsets: a node without a record.
            let root = HCLNode(index: -1, h: 0, start: UInt32(truncatingIfNeeded: t.start), end: UInt32(truncatingIfNeeded: t.end))
            return .operand(HCLOperand(kind: .scope, base: root, stepBase: Int32(truncatingIfNeeded: pending.count), end: root.end))
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
                return operandStep(HCLRecord(.tuple, t.start, next.end, a: links.count), h: 1)
            }
            frames.append(.tuple(open: t.startPos, base: Int32(truncatingIfNeeded: pending.count), maxH: 0))
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
                return operandStep(HCLRecord(.object, t.start, next.end, a: links.count), h: 1)
            }
            frames.append(.object(open: t.startPos, base: Int32(truncatingIfNeeded: pending.count), hasKey: false, maxH: 0))
            pushExpr(true)
            return .wantOperand
        case .quote:
            take()
            if let node = simpleQuoted(t) { return .operand(operand(node)) }
            try enter(t)
            var tf = HCLTemplateFrame(open: t, heredoc: false, labelMode: false, contentPos: cur.i, itemBase: tItems.count,
                                      pieceBase: pieces.count, sideBase: side.count)
            return try runTemplate(&tf)
        case .heredoc:
            take()
            try enter(t)
            var tf = HCLTemplateFrame(open: t, heredoc: true, labelMode: false, contentPos: cur.i, itemBase: tItems.count,
                                      pieceBase: pieces.count, sideBase: side.count)
            return try runTemplate(&tf)
        default:
            throw error("expected an expression, found \(describe(t))", t.start, t.end)
        }
    }

    /// `name(` or `ns::name(`: the call's arguments follow.
    mutating func startCall(_ nameTok: HCLToken, _ newlines: Bool) throws -> HCLStep {
        var nameEnd = nameTok.end
        /// A name written across tokens (`provider :: aws :: f`), joined without the spaces.
        var joined: String?
        var next = try peek(newlines)
        while next.kind == .doubleColon {
            take()
            let part = try peek(newlines)
            guard part.kind == .ident else {
                throw error("expected a function name after '::', found \(describe(part))", part.start, part.end)
            }
            take()
            if joined == nil && (next.start != nameEnd || part.start != next.end) { joined = sourceString(nameTok.start, nameEnd) }
            if joined != nil { joined! += "::" + text(part) }
            nameEnd = part.end
            next = try peek(newlines)
        }
        var name = HCLCallName(start: Int32(truncatingIfNeeded: nameTok.start), end: Int32(truncatingIfNeeded: nameEnd), inTable: false)
        if let joined {
            name = HCLCallName(start: name.start, end: Int32(truncatingIfNeeded: names.count), inTable: true)
            names.append(joined)
        }
        guard next.kind == .lparen else {
            throw error("expected '(' after the function name \"\(callName(name))\", found \(describe(next))", next.start, next.end)
        }
        take()
        try enter(next)
        let first = try peek(false)
        if first.kind == .rparen {
            take()
            depth -= 1
            return operandStep(callRecord(name, end: first.end, argStart: links.count, argCount: 0, expand: false), h: 1)
        }
        frames.append(.call(name: name, open: next.startPos, base: Int32(truncatingIfNeeded: pending.count), maxH: 0))
        pushExpr(false)
        return .wantOperand
    }

    func callName(_ name: HCLCallName) -> String {
        name.inTable ? names[Int(name.end)] : sourceString(Int(name.start), Int(name.end))
    }

    func callRecord(_ name: HCLCallName, end: Int, argStart: Int, argCount: Int, expand: Bool) -> HCLRecord {
        HCLRecord(.call, Int(name.start), end, a: argStart, b: argCount, c: Int(name.end),
                  flags: (expand ? HCLRecord.flagExpand : 0) | (name.inTable ? HCLRecord.flagNameInTable : 0))
    }

    /// After `[for` or `{for`: the variables and `in`; the collection follows.
    mutating func startFor(_ open: HCLToken, isObject: Bool) throws {
        let v = try peek(false)
        guard v.kind == .ident else { throw error("expected a variable name after 'for', found \(describe(v))", v.start, v.end) }
        take()
        var keyVar: Int32?
        var valueVar = Int32(truncatingIfNeeded: add(HCLRecord(.name, v.start, v.end)))
        if try peek(false).kind == .comma {
            take()
            let w = try peek(false)
            guard w.kind == .ident else {
                throw error("expected the value variable's name after ',' in the 'for' expression, found \(describe(w))", w.start, w.end)
            }
            take()
            keyVar = valueVar
            valueVar = Int32(truncatingIfNeeded: add(HCLRecord(.name, w.start, w.end)))
        }
        let inTok = try peek(false)
        guard tokenIs(inTok, "in") else {
            throw error("expected 'in' after the variables of the 'for' expression, found \(describe(inTok))", inTok.start, inTok.end)
        }
        take()
        fors.append(HCLForFrame(open: open, isObject: isObject, keyVar: keyVar, valueVar: valueVar))
        frames.append(.forExpr)
        pushExpr(false)
    }

    // MARK: Postfix, prefixes, binary operators

    mutating func haveOperand(_ start: HCLOperand) throws -> HCLStep {
        var o = start
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
                    append(HCLRecord(.attributeStep, t.start, a.end, c: a.start), to: &o, h: 0)
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
                    append(HCLRecord(.legacyIndexStep, t.start, a.end, a: index & 0xFFFF_FFFF, b: index >> 32), to: &o, h: 0)
                case .star:
                    take()
                    if o.isAttributeSplat {
                        throw error("a splat '.*' cannot follow another '.*' directly; use [*] to splat inside a splat", t.start, a.end)
                    }
                    let source = finish(o)
                    try checkHeight(source.h + 1, t.start, a.end)
                    o = HCLOperand(kind: .splat, base: source, stepBase: Int32(truncatingIfNeeded: pending.count), full: false,
                                   end: UInt32(truncatingIfNeeded: a.end))
                default:
                    throw error("expected an attribute name after '.', found \(describe(a))", a.start, a.end)
                }
            case .lbrack:
                take()
                if o.isAttributeSplat {
                    // An attribute splat ends at an index: `x.*.y[0]` indexes the splat's result.
                    let splat = finish(o)
                    o = operand(splat)
                }
                let a = try peek(false)
                if a.kind == .star {
                    take()
                    let c = try peek(false)
                    guard c.kind == .rbrack else { throw error("expected ']' after '[*', found \(describe(c))", c.start, c.end) }
                    take()
                    let source = finish(o)
                    try checkHeight(source.h + 1, t.start, c.end)
                    o = HCLOperand(kind: .splat, base: source, stepBase: Int32(truncatingIfNeeded: pending.count), full: true,
                                   end: UInt32(truncatingIfNeeded: c.end))
                    continue postfix
                }
                try enter(t)
                indexed.append(o)
                frames.append(.index(open: t.startPos))
                pushExpr(false)
                return .wantOperand
            default:
                break postfix
            }
        }
        var n = finish(o)
        try checkHeight(n.h, n.startOffset)
        while prefixes.count > ef.prefixBase {
            let p = prefixes.removeLast()
            n = node(HCLRecord(.unary, p.pos.offset, n.endOffset, a: Int(n.index), c: Int(p.kind.rawValue)), h: n.h + 1)
            try checkHeight(n.h, p.pos.offset)
        }
        operands.append(n)
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
        try checkHeight(h, rhs.startOffset)
        operands.append(node(HCLRecord(.binary, lhs.startOffset, rhs.endOffset, a: Int(lhs.index), b: Int(rhs.index), c: Int(op.kind.rawValue)),
                             h: h))
    }

    // MARK: Completed expressions

    /// Hands a complete expression to the construct waiting for it.
    mutating func deliver(_ n: HCLNode) throws -> HCLStep {
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
            let h = n.h + 1
            try checkHeight(h, open.offset)
            return operandStep(HCLRecord(.paren, open.offset, c.end, a: Int(n.index)), h: h)
        case .tuple(let open, let base, var maxH):
            pending.append(UInt32(bitPattern: n.index))
            maxH = max(maxH, n.h)
            var c = try peek(false)
            if c.kind == .comma {
                take()
                c = try peek(false)
                if c.kind != .rbrack {
                    frames.append(.tuple(open: open, base: base, maxH: maxH))
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
            let count = pending.count - Int(base)
            let start = link(from: Int(base))
            return operandStep(HCLRecord(.tuple, open.offset, c.end, a: start, b: count), h: maxH + 1)
        case .object(let open, let base, let hasKey, var maxH):
            guard hasKey else {
                var k = n
                if records[Int(n.index)].kind == .scope && records[Int(n.index)].b == 0 {
                    // A bare name: the string of its text.
                    let part = add(HCLRecord(.literalPart, n.startOffset, n.endOffset))
                    let partLink = links.count
                    links.append(UInt32(part))
                    k = node(HCLRecord(.template, n.startOffset, n.endOffset, a: partLink, b: 1), h: n.h)
                }
                let c = try peek(true)
                guard c.kind == .equal || c.kind == .colon else {
                    throw error("expected '=' after the key of an element of the \(at("{", open)), found \(describe(c))", c.start, c.end)
                }
                take()
                pending.append(UInt32(bitPattern: k.index))
                frames.append(.object(open: open, base: base, hasKey: true, maxH: max(maxH, k.h)))
                pushExpr(true)
                return .wantOperand
            }
            pending.append(UInt32(bitPattern: n.index))
            maxH = max(maxH, n.h)
            var c = try peek(true)
            if c.kind == .comma || c.kind == .newline {
                take()
                c = try peek(false)
                if c.kind != .rbrace {
                    frames.append(.object(open: open, base: base, hasKey: false, maxH: maxH))
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
            let count = pending.count - Int(base)
            let start = link(from: Int(base))
            return operandStep(HCLRecord(.object, open.offset, c.end, a: start, b: count), h: maxH + 1)
        case .call(let name, let open, let base, var maxH):
            pending.append(UInt32(bitPattern: n.index))
            maxH = max(maxH, n.h)
            var c = try peek(false)
            var expand = false
            if c.kind == .comma {
                take()
                c = try peek(false)
                if c.kind != .rparen {
                    frames.append(.call(name: name, open: open, base: base, maxH: maxH))
                    pushExpr(false)
                    return .wantOperand
                }
            } else if c.kind == .ellipsis {
                take()
                expand = true
                c = try peek(false)
                guard c.kind == .rparen else {
                    throw error("expected ')' after '...': only the last argument of \"\(callName(name))\" can be expanded", c.start, c.end)
                }
            }
            guard c.kind == .rparen else {
                throw error("expected ',' or ')' after an argument of \"\(callName(name))\" (its \(at("(", open))), found \(describe(c))",
                            c.start, c.end)
            }
            take()
            depth -= 1
            try checkHeight(maxH + 1, open.offset)
            let count = pending.count - Int(base)
            let start = link(from: Int(base))
            return operandStep(callRecord(name, end: c.end, argStart: start, argCount: count, expand: expand), h: maxH + 1)
        case .index(let open):
            let c = try peek(false)
            guard c.kind == .rbrack else {
                throw error("expected ']' to close the \(at("[", open)), found \(describe(c))", c.start, c.end)
            }
            take()
            depth -= 1
            var o = indexed.removeLast()
            append(HCLRecord(.indexStep, open.offset, c.end, a: Int(n.index)), to: &o, h: n.h)
            return .operand(o)
        case .conditional(let condition, let whenTrue, let newlines, let question):
            guard let whenTrue else {
                let c = try peek(newlines)
                guard c.kind == .colon else {
                    throw error("expected ':' and the false branch of the conditional (its \(at("?", question))), found \(describe(c))",
                                c.start, c.end)
                }
                take()
                frames.append(.conditional(condition: condition, whenTrue: n, newlines: newlines, question: question))
                pushExpr(newlines)
                return .wantOperand
            }
            depth -= 1
            let h = max(condition.h, whenTrue.h, n.h) + 1
            try checkHeight(h, question.offset)
            return .completed(node(HCLRecord(.conditional, condition.startOffset, n.endOffset, a: Int(condition.index),
                                             b: Int(whenTrue.index), c: Int(n.index)), h: h))
        case .forExpr:
            var f = fors.removeLast()
            return try deliverFor(&f, n)
        case .template:
            var tf = templates.removeLast()
            tf.maxH = max(tf.maxH, n.h)
            let (close, tilde) = try sequenceClose(tf)
            switch tf.stage {
            case 0:
                tItems.append(.interp(n.index, tf.seqStart, close.end))
            case 1:
                tItems.append(.directive(tf.seqStart, close.end))
                tf.directives.append((0, tf.seqStart, tf.seqPos))
            default:
                tItems.append(.directive(tf.seqStart, close.end))
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
            fors.append(f)
            frames.append(.forExpr)
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
                fors.append(f)
            frames.append(.forExpr)
                pushExpr(false)
                return .wantOperand
            }
            if f.isObject {
                throw error("an object 'for' ({for …}) needs a key and a value: key => value", node.startOffset, node.endOffset)
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
            fors.append(f)
            frames.append(.forExpr)
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
        let start = links.count
        var flags: UInt8 = f.grouping ? HCLRecord.flagGrouping : 0
        if let k = f.keyVar {
            links.append(UInt32(bitPattern: k))
            flags |= HCLRecord.flagKeyVar
        }
        links.append(UInt32(bitPattern: f.valueVar))
        links.append(UInt32(bitPattern: f.collection!.index))
        if let k = f.key {
            links.append(UInt32(bitPattern: k.index))
            flags |= HCLRecord.flagKey
        }
        links.append(UInt32(bitPattern: f.value!.index))
        if let c = condition {
            links.append(UInt32(bitPattern: c.index))
            flags |= HCLRecord.flagCondition
        }
        return operandStep(HCLRecord(.forExpr, f.open.start, close.end, a: start, b: links.count - start, flags: flags), h: h)
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
                return .operand(operand(node))
            case .interpolation:
                tf.stage = 0
                templates.append(tf)
                frames.append(.template)
                pushExpr(false)
                return .wantOperand
            case .directive:
                let kw = try peek(false)
                if tokenIs(kw, "if") {
                    take()
                    tf.stage = 1
                    templates.append(tf)
                frames.append(.template)
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
                    templates.append(tf)
                frames.append(.template)
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
                tItems.append(.directive(tf.seqStart, close.end))
                tf.ltrimNext = tilde
            }
        }
    }
}
