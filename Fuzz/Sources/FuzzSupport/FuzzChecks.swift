import RoleCheckKit

/// Invariants every target checks on what the document layer returns.
public enum FuzzChecks {
    /// Every node's range lies inside the file, and its position agrees with its offset.
    public static func walk(_ root: Node, in file: SourceFile) {
        var stack = [root]
        var visited = 0
        while let node = stack.popLast() {
            visited += 1
            let r = node.range
            guard r.start.offset >= 0, r.start.offset <= r.end.offset, r.end.offset <= file.bytes.count else {
                fatalError("node range \(r.start.offset)..<\(r.end.offset) outside a file of \(file.bytes.count) bytes")
            }
            guard r.start.line >= 1, r.start.column >= 1 else { fatalError("node position before 1:1") }
            _ = node.pointer
            _ = node.scalarText
            _ = node.number
            switch node.kind {
            case .array: stack.append(contentsOf: node.elements)
            case .object:
                for (key, value) in node.members {
                    _ = key.string
                    stack.append(value)
                }
            default: break
            }
        }
        if visited > root.document.nodeCount { fatalError("walked more nodes than the document has") }
    }

    /// An error points at or before the end of the file and has a printable position.
    public static func error(_ error: ParseError, in file: SourceFile) {
        guard error.offset >= 0, error.offset <= file.bytes.count else {
            fatalError("error offset \(error.offset) outside a file of \(file.bytes.count) bytes")
        }
        if let end = error.endOffset, end < error.offset || end > file.bytes.count {
            fatalError("error end offset \(end) invalid")
        }
        let p = file.position(ofOffset: error.offset)
        guard p.line >= 1, p.column >= 1 else { fatalError("error position before 1:1") }
        _ = file.lineText(p.line)
        guard !error.message.isEmpty else { fatalError("an error without a message") }
    }
}

extension FuzzChecks {
    /// Walks an HCL tree without recursion; checks every range against the file. Returns the
    /// number of ranges seen.
    @discardableResult
    public static func walk(_ parsed: HCLFile, in file: SourceFile) -> Int {
        var count = 0
        func check(_ r: SourceRange) {
            count += 1
            guard r.start.offset >= 0, r.start.offset <= r.end.offset, r.end.offset <= file.bytes.count else {
                fatalError("HCL range \(r.start.offset)..<\(r.end.offset) outside a file of \(file.bytes.count) bytes")
            }
            guard file.position(ofOffset: r.start.offset) == r.start, file.position(ofOffset: r.end.offset) == r.end else {
                fatalError("HCL range \(r) disagrees with the file's lines and columns")
            }
        }
        var bodies = [parsed.body]
        var exprs: [HCLExpr] = []
        while let b = bodies.popLast() {
            check(b.range)
            check(b.endRange)
            for a in b.attributes {
                check(a.range)
                check(a.nameRange)
                exprs.append(a.expr)
            }
            for bl in b.blocks {
                check(bl.range)
                check(bl.typeRange)
                for l in bl.labels { check(l.range) }
                bodies.append(bl.body)
            }
        }
        while let e = exprs.popLast() {
            check(e.range)
            func steps(_ s: [HCLTraversalStep]) {
                for st in s {
                    check(st.range)
                    if case .index(let x, _) = st { exprs.append(x) }
                }
            }
            switch e.kind {
            case .literal: break
            case .template(let parts, _):
                for p in parts {
                    check(p.range)
                    switch p {
                    case .literal(let text, let range, _):
                        let length = text.utf8.count
                        for k in [0, length / 3, length] {
                            guard let o = p.fileOffset(ofTextOffset: k), o >= range.start.offset, o <= range.end.offset else {
                                fatalError("a literal's text offset \(k) maps outside its range \(range)")
                            }
                        }
                    case .interpolation(let x, _): exprs.append(x)
                    case .directive: break
                    }
                }
            case .tuple(let items): exprs.append(contentsOf: items)
            case .object(let items): for (k, v) in items { exprs.append(k); exprs.append(v) }
            case .functionCall(_, let args, _): exprs.append(contentsOf: args)
            case .scopeTraversal(_, let s): steps(s)
            case .relativeTraversal(let b, let s): exprs.append(b); steps(s)
            case .splat(let b, let s, _): exprs.append(b); steps(s)
            case .forExpr(let f):
                check(f.valueVar.range)
                if let k = f.keyVar { check(k.range) }
                exprs.append(f.collection)
                exprs.append(f.value)
                if let k = f.key { exprs.append(k) }
                if let c = f.condition { exprs.append(c) }
            case .conditional(let a, let b, let c): exprs.append(contentsOf: [a, b, c])
            case .binary(_, let a, let b): exprs.append(contentsOf: [a, b])
            case .unary(_, let a): exprs.append(a)
            case .parenthesized(let a): exprs.append(a)
            }
        }
        return count
    }
}
