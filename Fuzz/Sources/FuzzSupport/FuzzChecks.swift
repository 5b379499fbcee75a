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
