/// Terraform's native syntax, laid out as `terraform fmt` lays it out: two-space indentation, and
/// the `=` of consecutive one-line attributes aligned (a multi-line attribute, a blank line, a
/// comment or a block ends the run).
indirect enum HExpr: Sendable {
    case string(String)
    /// A reference or another expression written as is (`aws_iam_role.x.arn`, `var.subnet_id`).
    case raw(String)
    /// A quoted template: literal text and interpolated expressions.
    case template([(literal: String, expression: String?)])
    case bool(Bool)
    case int(Int)
    case list([HExpr])
    case object([(String, HExpr)])
    /// A function call with one argument (`jsonencode({…})`).
    case call(String, HExpr)
}

struct HBlock {
    enum Item {
        case attribute(String, HExpr)
        case block(HBlock)
        case blank
        case comment(String)
    }

    /// `resource "aws_iam_role" "x"`.
    let header: String
    var items: [Item]
}

enum HCLEmitter {
    /// Top-level blocks separated by blank lines; a comment before a block is written above it.
    static func file(_ blocks: [(comment: String?, block: HBlock)]) -> String {
        var out: [String] = []
        for (i, entry) in blocks.enumerated() {
            if i > 0 { out.append("") }
            if let c = entry.comment { for l in c.split(separator: "\n") { out.append("# " + l) } }
            out += block(entry.block, indent: 0)
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func block(_ b: HBlock, indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        if b.items.isEmpty { return [pad + b.header + " {}"] }
        var lines = [pad + b.header + " {"]
        lines += body(b.items.map { item in
            switch item {
            case .attribute(let k, let v): return .attribute(k, v)
            case .block(let inner): return .lines(block(inner, indent: indent + 2))
            case .blank: return .lines([""])
            case .comment(let c): return .lines(c.split(separator: "\n").map { pad + "  # " + $0 })
            }
        }, indent: indent + 2)
        lines.append(pad + "}")
        return lines
    }

    enum BodyItem {
        case attribute(String, HExpr)
        case lines([String])
    }

    /// Attributes (aligned in runs of one-line attributes) and pre-rendered lines.
    static func body(_ items: [BodyItem], indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        // Render every attribute's value first, to know which ones span lines.
        let rendered: [(key: String, value: [String])?] = items.map { item in
            if case .attribute(let k, let v) = item { return (key(k), expression(v, indent: indent)) }
            return nil
        }
        var lines: [String] = []
        var i = 0
        while i < items.count {
            guard let attr = rendered[i] else {
                if case .lines(let l) = items[i] { lines += l }
                i += 1
                continue
            }
            if attr.value.count > 1 {
                lines.append(pad + attr.key + " = " + attr.value[0])
                lines += attr.value.dropFirst()
                i += 1
                continue
            }
            // A run of one-line attributes.
            var j = i
            while j < items.count, let a = rendered[j], a.value.count == 1 { j += 1 }
            let width = (i..<j).map { rendered[$0]!.key.count }.max() ?? 0
            for k in i..<j {
                let a = rendered[k]!
                lines.append(pad + a.key + String(repeating: " ", count: width - a.key.count) + " = " + a.value[0])
            }
            i = j
        }
        return lines
    }

    /// An object key: an identifier as is, anything else quoted.
    static func key(_ k: String) -> String {
        let ident = k.unicodeScalars.first.map { ("A"..."Z").contains($0) || ("a"..."z").contains($0) || $0 == "_" } ?? false
            && k.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
        return ident ? k : quoted(k)
    }

    /// A quoted string: JSON's escapes, and `${` and `%{` doubled so they stay text.
    static func quoted(_ s: String) -> String {
        ScaffoldJSON.quoted(s).replacing("${", with: "$${").replacing("%{", with: "%%{")
    }

    /// The lines of an expression; the first continues the line it starts on, the others are
    /// indented from `indent`.
    static func expression(_ e: HExpr, indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        switch e {
        case .string(let s): return [quoted(s)]
        case .raw(let s): return [s]
        case .template(let parts):
            let inner = parts.map { p in
                String(quoted(p.literal).dropFirst().dropLast()) + (p.expression.map { "${\($0)}" } ?? "")
            }.joined()
            return ["\"" + inner + "\""]
        case .bool(let b): return [b ? "true" : "false"]
        case .int(let i): return [String(i)]
        case .list(let items):
            if items.isEmpty { return ["[]"] }
            let one = items.map { expression($0, indent: indent + 2) }
            if one.allSatisfy({ $0.count == 1 }) {
                let line = "[" + one.map { $0[0] }.joined(separator: ", ") + "]"
                if line.count + indent <= 100 { return [line] }
            }
            var lines = ["["]
            for item in one {
                lines.append(pad + "  " + item[0] + (item.count == 1 ? "," : ""))
                if item.count > 1 {
                    lines += item.dropFirst().dropLast()
                    lines.append(item.last! + ",")
                }
            }
            lines.append(pad + "]")
            return lines
        case .object(let members):
            if members.isEmpty { return ["{}"] }
            return ["{"] + body(members.map { .attribute($0.0, $0.1) }, indent: indent + 2) + [pad + "}"]
        case .call(let name, let argument):
            let inner = expression(argument, indent: indent)
            if inner.count == 1 { return [name + "(" + inner[0] + ")"] }
            return [name + "(" + inner[0]] + inner.dropFirst().dropLast() + [inner.last! + ")"]
        }
    }
}
