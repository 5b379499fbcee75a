import RoleCheckCore

// Edits of a document's source text at its nodes: the building blocks of `rolecheck fix`.
//
// An edit is made in the document's own text (a file, or a JSON document held in a string) and
// written in that document's syntax, matching its layout: one line or several, the indentation
// of the neighbouring keys or elements, `": "` or `":"`. An edit inside an embedded document is
// then carried out to the file through each string it sits in: its offsets through the string's
// offset map, its text escaped as that string requires (JSON escapes, YAML quotes, URL encoding).
// Where that cannot be done exactly (a YAML block scalar, a Terraform `.tf` file, a layout this
// code does not recognise), there is no edit: a fix is offered only when it is certain.

/// A value written into a document by an edit, rendered in the document's syntax.
public indirect enum EditValue: Sendable {
    case string(String)
    case bool(Bool)
    case array([EditValue])
    case object([(key: String, value: EditValue)])
    /// CloudFormation's `Fn::GetAtt` (`!GetAtt Resource.Attribute` in YAML).
    case getAtt(resource: String, attribute: String)
    /// A node's own source text, kept as written.
    case source(Node)
}

extension Node {
    // MARK: Edits

    /// Replaces this node's text with `value`.
    public func replaced(with value: EditValue) -> TextEdit? {
        let r = textOffsets
        guard let text = document.render(value, like: self) else { return nil }
        return document.lift(r.lowerBound, r.upperBound, text)
    }

    /// Turns a scalar into an array of itself and `value` (`"a"` → `["a", "b"]`).
    public func wrappedInArray(adding value: EditValue) -> TextEdit? {
        guard !isContainer else { return nil }
        return replaced(with: .array([.source(self), value]))
    }

    /// Adds `value` as the last element of this array.
    public func appendingElement(_ value: EditValue) -> TextEdit? {
        guard kind == .array, let text = document.render(value, like: elements.last) else { return nil }
        let d = document
        let r = textOffsets
        let els = elements
        if d.isFlow(self) {
            guard let last = els.last else {
                // `[]`: just after the bracket.
                return d.lift(r.lowerBound + 1, r.lowerBound + 1, text)
            }
            let lastEnd = last.textOffsets.upperBound
            if d.line(of: last.textOffsets.lowerBound) != d.line(of: r.lowerBound), let indent = d.indentation(at: last.textOffsets.lowerBound) {
                return d.lift(lastEnd, lastEnd, ",\n" + indent + text)
            }
            return d.lift(lastEnd, lastEnd, d.commaSpacing(in: self) + text)
        }
        // A YAML block sequence: a new `- value` line below the last element, at its dash's column.
        guard d.format == .yaml, let last = els.last, let dash = d.dashBefore(last.textOffsets.lowerBound),
              let indent = d.indentation(at: dash) else { return nil }
        let at = d.lineEnd(after: d.lastOffset(in: last))
        return d.lift(at, at, d.newline + indent + "- " + text)
    }

    /// Adds `key: value` to this object: as its first member (`first`) or its last.
    public func insertingMember(_ key: String, _ value: EditValue, first: Bool = false) -> TextEdit? {
        guard kind == .object, let text = document.render(value, like: nil) else { return nil }
        let d = document
        let r = textOffsets
        let ms = members
        let keyText = d.format == .json || d.isFlow(self) ? d.quoted(key) : d.yamlKey(key)
        let colon = ms.first.map { d.colonSpacing($0.key, $0.value) } ?? (d.format == .yaml ? ": " : ": ")
        let member = keyText + colon + text
        if d.isFlow(self) {
            guard let firstMember = ms.first, let lastMember = ms.last else {
                return d.lift(r.lowerBound + 1, r.lowerBound + 1, member)
            }
            let multiline = d.line(of: firstMember.key.textOffsets.lowerBound) != d.line(of: r.lowerBound)
            if first {
                let at = firstMember.key.textOffsets.lowerBound
                if multiline, let indent = d.indentation(at: at) { return d.lift(at, at, member + ",\n" + indent) }
                return d.lift(at, at, member + d.commaSpacing(in: self))
            }
            let at = lastMember.value.textOffsets.upperBound
            if multiline, let indent = d.indentation(at: lastMember.key.textOffsets.lowerBound) {
                return d.lift(at, at, ",\n" + indent + member)
            }
            return d.lift(at, at, d.commaSpacing(in: self) + member)
        }
        // A YAML block mapping: a new line at the first key's column.
        guard d.format == .yaml, let firstMember = ms.first, let lastMember = ms.last else { return nil }
        let keyStart = firstMember.key.textOffsets.lowerBound
        let column = keyStart - d.lineStart(of: keyStart)
        let indent = String(repeating: " ", count: column)
        if first { return d.lift(keyStart, keyStart, member + d.newline + indent) }
        let at = d.lineEnd(after: d.lastOffset(in: lastMember.value))
        return d.lift(at, at, d.newline + indent + member)
    }

    /// Removes element `index` of this array (with its comma, or its `- ` line).
    public func removingElement(at index: Int) -> TextEdit? {
        let els = elements
        guard kind == .array, els.indices.contains(index) else { return nil }
        let d = document
        let el = els[index]
        if d.isFlow(self) {
            if index + 1 < els.count {
                return d.lift(el.textOffsets.lowerBound, els[index + 1].textOffsets.lowerBound, "")
            }
            if index > 0 {
                return d.lift(els[index - 1].textOffsets.upperBound, el.textOffsets.upperBound, "")
            }
            return d.lift(el.textOffsets.lowerBound, el.textOffsets.upperBound, "")
        }
        guard d.format == .yaml, els.count > 1, let dash = d.dashBefore(el.textOffsets.lowerBound),
              d.indentation(at: dash) != nil else { return nil }
        let start = d.lineStart(of: dash)
        let end = d.lineEnd(after: d.lastOffset(in: el))
        // The line with its line break (the previous one's, for the last line of the text).
        let after = d.skipNewline(at: end)
        if after > end { return d.lift(start, after, "") }
        return d.lift(max(0, start - d.newline.utf8.count), end, "")
    }
}

extension Document {
    // MARK: Layout

    /// The text's line break, as its first line ends (`\n` when it has one line).
    var newline: String {
        let source = self.source
        guard let i = source.firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) else { return "\n" }
        if source[i] == 0x0A { return "\n" }
        return i + 1 < source.count && source[i + 1] == 0x0A ? "\r\n" : "\r"
    }

    /// Whether a container is written in flow style (`[…]`, `{…}`, always so in JSON).
    func isFlow(_ node: Node) -> Bool {
        let source = self.source
        let s = node.textOffsets.lowerBound
        guard s < source.count else { return false }
        return source[s] == UInt8(ascii: "[") || source[s] == UInt8(ascii: "{")
    }

    func lineStart(of offset: Int) -> Int {
        let source = self.source
        var i = min(offset, source.count)
        while i > 0, source[i - 1] != 0x0A, source[i - 1] != 0x0D { i -= 1 }
        return i
    }

    func line(of offset: Int) -> Int {
        // A file's lines are indexed once (binary search); an embedded text is short.
        if case .file = origin { return file.position(ofOffset: offset).line }
        let source = self.source
        var n = 0
        var i = 0
        let end = min(offset, source.count)
        while i < end {
            if source[i] == 0x0A { n += 1 }
            i += 1
        }
        return n
    }

    /// The spaces before `offset` on its line, if only spaces are there.
    func indentation(at offset: Int) -> String? {
        let source = self.source
        let s = lineStart(of: offset)
        guard source[s..<offset].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { return nil }
        return String(decoding: source[s..<offset], as: UTF8.self)
    }

    /// The offset of the line break ending the line `offset` is on (or the end of the text).
    func lineEnd(after offset: Int) -> Int {
        let source = self.source
        var i = min(offset, source.count)
        while i < source.count, source[i] != 0x0A, source[i] != 0x0D { i += 1 }
        return i
    }

    func skipNewline(at offset: Int) -> Int {
        let source = self.source
        if offset < source.count, source[offset] == 0x0D { return offset + 1 < source.count && source[offset + 1] == 0x0A ? offset + 2 : offset + 1 }
        if offset < source.count, source[offset] == 0x0A { return offset + 1 }
        return offset
    }

    /// The `-` of a block sequence entry whose value starts at `offset`.
    func dashBefore(_ offset: Int) -> Int? {
        let source = self.source
        var i = offset - 1
        while i >= 0, source[i] == 0x20 { i -= 1 }
        return i >= 0 && source[i] == UInt8(ascii: "-") ? i : nil
    }

    /// The end of the last scalar (or closing bracket) of a subtree.
    func lastOffset(in node: Node) -> Int {
        var n = node
        while n.isContainer, !isFlow(n) {
            if n.kind == .array, let last = n.elements.last { n = last; continue }
            if n.kind == .object, let last = n.members.last { n = last.value; continue }
            break
        }
        return n.textOffsets.upperBound
    }

    /// `", "` or `","`, as the container's first comma is written.
    func commaSpacing(in node: Node) -> String {
        let children: [Node] = node.kind == .array ? node.elements : node.members.map(\.key)
        guard children.count > 1 else { return ", " }
        let source = self.source
        let gapStart: Int = node.kind == .array ? children[0].textOffsets.upperBound : node.members[0].value.textOffsets.upperBound
        let gapEnd = children[1].textOffsets.lowerBound
        guard gapStart < gapEnd, gapEnd <= source.count else { return ", " }
        return source[gapStart..<gapEnd].contains(0x20) ? ", " : ","
    }

    /// `": "` or `":"`, as a member writes it.
    func colonSpacing(_ key: Node, _ value: Node) -> String {
        let source = self.source
        let s = key.textOffsets.upperBound, e = value.textOffsets.lowerBound
        guard s < e, e <= source.count, format == .json else { return ": " }
        return source[s..<e].contains(0x20) ? ": " : ":"
    }

    // MARK: Rendering

    func quoted(_ s: String) -> String { JSONText.quoted(s) }

    /// The inside of a JSON string literal that reads back as `s`.
    static func jsonEscaped(_ s: String) -> String { String(JSONText.quoted(s).dropFirst().dropLast()) }

    /// A YAML block mapping's key: plain when that reads back as the same string.
    func yamlKey(_ s: String) -> String { Self.isPlainSafe(s) ? s : quoted(s) }

    static func isPlainSafe(_ s: String) -> Bool {
        guard let f = s.utf8.first, !s.isEmpty else { return false }
        let reserved: Set<String> = ["true", "false", "null", "yes", "no", "on", "off", "~", "y", "n"]
        if reserved.contains(s.lowercased()) || Double(s) != nil { return false }
        if "-?:,[]{}#&*!|>'\"%@`".utf8.contains(f) { return false }
        for b in s.utf8 where !(b >= 0x30 && b <= 0x39 || b >= 0x41 && b <= 0x5A || b >= 0x61 && b <= 0x7A
                                 || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
                                 || b == UInt8(ascii: "/") || b == UInt8(ascii: ":") || b == UInt8(ascii: "*")) {
            return false
        }
        return !s.hasSuffix(":")
    }

    /// Renders a value in this document's syntax. YAML strings follow `like`'s quoting (a sibling
    /// element), plain when it is plain and the string allows it.
    func render(_ value: EditValue, like: Node?) -> String? {
        switch value {
        case .string(let s):
            if format == .yaml, let like, like.kind == .string, !like.isQuotedScalar, Self.isPlainSafe(s) { return s }
            if format == .yaml, let like, like.isQuotedScalar, let q = like.textOffsets.first.map({ source[$0] }), q == UInt8(ascii: "'"),
               !s.contains("'"), !s.contains("\n") {
                return "'" + s + "'"
            }
            return quoted(s)
        case .bool(let b):
            return b ? "true" : "false"
        case .array(let items):
            var parts: [String] = []
            for item in items {
                guard let p = render(item, like: like) else { return nil }
                parts.append(p)
            }
            return "[" + parts.joined(separator: ", ") + "]"
        case .object(let members):
            var parts: [String] = []
            for m in members {
                guard let p = render(m.value, like: nil) else { return nil }
                parts.append(quoted(m.key) + ": " + p)
            }
            return "{" + parts.joined(separator: ", ") + "}"
        case .getAtt(let resource, let attribute):
            if format == .yaml { return "!GetAtt \(resource).\(attribute)" }
            return "{\"Fn::GetAtt\": [\(quoted(resource)), \(quoted(attribute))]}"
        case .source(let node):
            guard node.document === self else { return nil }
            let r = node.textOffsets
            return String(decoding: source[r], as: UTF8.self)
        }
    }

    // MARK: Out to the file

    /// Carries an edit of this document's text out to its file, through every string the
    /// document is embedded in. Nil when a string's layout does not allow an exact edit.
    func lift(_ start: Int, _ end: Int, _ replacement: String) -> TextEdit? {
        guard format != .hcl else { return nil }
        var s = start, e = end, t = replacement
        var doc = self
        while case .embedded(let node, let map) = doc.origin {
            guard map.isExact, node.document.format != .hcl else { return nil }
            s = map.outerOffset(s)
            e = map.outerOffset(e)
            if DocumentLoader.looksURLEncoded(node) { t = PercentEncoding.encode(t) }
            guard let escaped = node.document.escapeForString(t, in: node) else { return nil }
            t = escaped
            doc = node.document
        }
        guard s <= e, e <= doc.file.byteCount else { return nil }
        return TextEdit(file: doc.file.path, start: s, end: e, range: doc.file.range(from: s, to: e), replacement: t)
    }

    /// Text to write inside the string literal `node` (of this document) so that it reads back as `t`.
    func escapeForString(_ t: String, in node: Node) -> String? {
        let source = self.source
        if format == .json { return Self.jsonEscaped(t) }
        let r = node.textOffsets
        guard r.lowerBound < source.count else { return nil }
        switch source[r.lowerBound] {
        case UInt8(ascii: "\""): return Self.jsonEscaped(t)
        case UInt8(ascii: "'"): return t.contains("\n") || t.contains("\r") ? nil : t.replacing("'", with: "''")
        default:
            // A plain scalar: only text that cannot end it or start a comment.
            return t.contains(": ") || t.contains(" #") || t.contains("\n") || t.contains("\r") ? nil : t
        }
    }
}
