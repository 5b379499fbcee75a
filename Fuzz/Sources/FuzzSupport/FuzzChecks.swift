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
    /// Walks an HCL tree without recursion; checks that every range lies inside the file and
    /// inside the range of what holds it, and that a literal's text maps inside its range.
    /// Returns the number of ranges seen.
    @discardableResult
    public static func walk(_ parsed: HCLFile, in file: SourceFile) -> Int {
        var count = 0
        func check(_ r: Range<Int>, within outer: Range<Int>) {
            count += 1
            guard r.lowerBound >= 0, r.upperBound <= file.bytes.count else {
                fatalError("HCL range \(r) outside a file of \(file.bytes.count) bytes")
            }
            guard r.lowerBound >= outer.lowerBound, r.upperBound <= outer.upperBound else {
                fatalError("HCL range \(r) is not inside \(outer), the range of what holds it")
            }
        }
        let all = 0..<file.bytes.count
        check(parsed.body.offsets, within: all)
        var bodies = [(parsed.body, parsed.body.offsets)]
        var exprs: [(HCLExpr, Range<Int>)] = []
        while let (b, outer) = bodies.popLast() {
            check(b.endOffset..<b.endOffset, within: outer)
            for a in b.attributes {
                check(a.offsets, within: outer)
                check(a.nameOffsets, within: a.offsets)
                exprs.append((a.expr, a.offsets))
            }
            for bl in b.blocks {
                check(bl.offsets, within: outer)
                check(bl.typeOffsets, within: bl.offsets)
                for l in bl.labels { check(l.offsets, within: bl.offsets) }
                check(bl.body.offsets, within: bl.offsets)
                bodies.append((bl.body, bl.body.offsets))
            }
        }
        while let (e, outer) = exprs.popLast() {
            let r = e.offsets
            check(r, within: outer)
            func steps(_ s: HCLList<HCLTraversalStep>) {
                for st in s {
                    check(st.offsets, within: r)
                    if case .index(let x) = st.kind { exprs.append((x, st.offsets)) }
                }
            }
            switch e.kind {
            case .literal: break
            case .template(let parts, _):
                for p in parts {
                    let range = p.offsets
                    check(range, within: r)
                    switch p.kind {
                    case .literal(let text):
                        let length = text.utf8.count
                        for k in [0, length / 3, length] {
                            guard let o = p.fileOffset(ofTextOffset: k), o >= range.lowerBound, o <= range.upperBound else {
                                fatalError("a literal's text offset \(k) maps outside its range \(range)")
                            }
                        }
                    case .interpolation(let x): exprs.append((x, range))
                    case .directive: break
                    }
                }
            case .tuple(let items): for x in items { exprs.append((x, r)) }
            case .object(let items): for (k, v) in items { exprs.append((k, r)); exprs.append((v, r)) }
            case .functionCall(_, let args, _): for x in args { exprs.append((x, r)) }
            case .scopeTraversal(_, let s): steps(s)
            case .relativeTraversal(let b, let s): exprs.append((b, r)); steps(s)
            case .splat(let b, let s, _): exprs.append((b, r)); steps(s)
            case .forExpr(let f):
                check(f.valueVar.offsets, within: r)
                if let k = f.keyVar { check(k.offsets, within: r) }
                exprs.append((f.collection, r))
                exprs.append((f.value, r))
                if let k = f.key { exprs.append((k, r)) }
                if let c = f.condition { exprs.append((c, r)) }
            case .conditional(let a, let b, let c): exprs.append(contentsOf: [(a, r), (b, r), (c, r)])
            case .binary(_, let a, let b): exprs.append(contentsOf: [(a, r), (b, r)])
            case .unary(_, let a): exprs.append((a, r))
            case .parenthesized(let a): exprs.append((a, r))
            }
        }
        return count
    }
}
