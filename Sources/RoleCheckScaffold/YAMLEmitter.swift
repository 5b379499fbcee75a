/// Block-style YAML for the CloudFormation templates and rolecheck.yaml: two-space indentation,
/// plain scalars where YAML cannot misread them, double quotes (JSON escapes) elsewhere.
indirect enum YNode: Sendable {
    case string(String)
    case bool(Bool)
    case int(Int)
    /// A short-form intrinsic: `!Ref Name`, `!GetAtt Name.Arn`, `!Sub "…"`.
    case tagged(String, String)
    case seq([YNode])
    case map([(String, YNode)])
    /// A literal block scalar (`|`), for scripts.
    case block(String)
    /// A comment line among a map's members (its key is ignored).
    case comment(String)
    /// An empty line among a map's members (its key is ignored).
    case blankLine
}

enum YAMLEmitter {
    static func document(_ root: YNode) -> String {
        var lines: [String] = []
        emit(root, indent: 0, into: &lines)
        return lines.joined(separator: "\n") + "\n"
    }

    static func emit(_ node: YNode, indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        switch node {
        case .map(let members):
            for (key, value) in members {
                if case .comment(let text) = value {
                    for l in text.split(separator: "\n", omittingEmptySubsequences: false) { lines.append(pad + "# " + l) }
                    continue
                }
                if case .blankLine = value {
                    lines.append("")
                    continue
                }
                if let inline = inline(value) {
                    lines.append(pad + scalar(key) + ": " + inline)
                } else if case .block(let text) = value {
                    lines.append(pad + scalar(key) + ": |")
                    for l in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0) {
                        lines.append(l.isEmpty ? "" : pad + "  " + l)
                    }
                } else {
                    lines.append(pad + scalar(key) + ":")
                    emit(value, indent: indent + 2, into: &lines)
                }
            }
        case .seq(let items):
            for item in items {
                if let inline = inline(item) {
                    lines.append(pad + "- " + inline)
                } else {
                    var nested: [String] = []
                    emit(item, indent: indent + 2, into: &nested)
                    // The first line of the nested block goes after the dash.
                    if let first = nested.first {
                        lines.append(pad + "- " + first.dropFirst(indent + 2))
                        lines.append(contentsOf: nested.dropFirst())
                    }
                }
            }
        default:
            if let inline = inline(node) { lines.append(pad + inline) }
        }
    }

    /// A node written on its key's line, or nil for a collection with members or a block.
    static func inline(_ node: YNode) -> String? {
        switch node {
        case .string(let s): return scalar(s)
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .tagged(let tag, let value): return "!\(tag) \(value)"
        case .seq(let items): return items.isEmpty ? "[]" : nil
        case .map(let members): return members.isEmpty ? "{}" : nil
        case .block, .comment, .blankLine: return nil
        }
    }

    static let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"]

    /// Plain when the text starts with a letter, holds only characters that never start YAML
    /// syntax mid-scalar, and is not a word YAML 1.1 reads as a boolean or null; quoted otherwise.
    static func scalar(_ s: String) -> String {
        let safe = s.unicodeScalars.first.map { ("A"..."Z").contains($0) || ("a"..."z").contains($0) } ?? false
            && s.unicodeScalars.allSatisfy { c in
                ("A"..."Z").contains(c) || ("a"..."z").contains(c) || ("0"..."9").contains(c) || "_./:@+=*-".unicodeScalars.contains(c)
            }
            && !s.hasSuffix(":") && !reserved.contains(s.lowercased())
        return safe ? s : ScaffoldJSON.quoted(s)
    }
}
