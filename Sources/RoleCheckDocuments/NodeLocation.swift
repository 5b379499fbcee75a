import RoleCheckCore

extension Location {
    /// The location of a node (of a top-level or an embedded document).
    /// A container is located by its first character only (`{`, `[`, or a block mapping's first
    /// key), so annotations do not cover a whole object.
    public init(node: Node) {
        self.init(file: node.document.file.path, range: node.isContainer ? node.headRange : node.range,
                  pointer: node.fullPointer, documentIndex: node.document.streamIndex)
    }
}

extension Node {
    /// The pointer of this node, prefixed by the pointer of the string it is embedded in, if any.
    public var fullPointer: String {
        var p = pointer
        var doc = document
        while case .embedded(let outer, _) = doc.origin {
            p = outer.pointer + p
            doc = outer.document
        }
        return p
    }
}
