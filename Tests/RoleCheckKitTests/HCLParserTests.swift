import Testing
@testable import RoleCheckCore
@testable import RoleCheckDocuments

/// Renders expressions compactly for assertions: `(+ 1 (* 2 3))`, `var.x[(0)]`, `"a${b}"`.
enum HCLPrint {
    static func expr(_ e: HCLExpr) -> String {
        switch e.kind {
        case .literal(.number(let t)): return t
        case .literal(.bool(let b)): return b ? "true" : "false"
        case .literal(.null): return "null"
        case .template(let parts, let heredoc):
            return (heredoc ? "<<" : "") + "\"" + parts.map(part).joined() + "\""
        case .tuple(let items): return "[" + items.map(expr).joined(separator: ", ") + "]"
        case .object(let items): return "{" + items.map { expr($0.key) + " = " + expr($0.value) }.joined(separator: ", ") + "}"
        case .functionCall(let name, let args, let expand):
            return name + "(" + args.map(expr).joined(separator: ", ") + (expand ? "..." : "") + ")"
        case .scopeTraversal(let root, let steps): return root + steps.map(step).joined()
        case .relativeTraversal(let base, let steps): return "(" + expr(base) + ")" + steps.map(step).joined()
        case .splat(let source, let steps, let full): return "(" + expr(source) + (full ? "[*]" : ".*") + steps.map(step).joined() + ")"
        case .forExpr(let f):
            var s = f.isObject ? "{for " : "[for "
            if let k = f.keyVar { s += k.name + ", " }
            s += f.valueVar.name + " in " + expr(f.collection) + ": "
            if let k = f.key { s += expr(k) + " => " }
            s += expr(f.value)
            if f.grouping { s += "..." }
            if let c = f.condition { s += " if " + expr(c) }
            return s + (f.isObject ? "}" : "]")
        case .conditional(let c, let t, let f): return "(? " + expr(c) + " " + expr(t) + " " + expr(f) + ")"
        case .binary(let op, let l, let r): return "(" + op + " " + expr(l) + " " + expr(r) + ")"
        case .unary(let op, let x): return "(" + op + expr(x) + ")"
        case .parenthesized(let x): return "(" + expr(x) + ")"
        }
    }

    static func part(_ p: HCLTemplatePart) -> String {
        switch p {
        case .literal(let text, _, _): return text.replacing("\\", with: "\\\\").replacing("\n", with: "\\n").replacing("\"", with: "\\\"")
        case .interpolation(let e, _): return "${" + expr(e) + "}"
        case .directive: return "%{}"
        }
    }

    static func step(_ s: HCLTraversalStep) -> String {
        switch s {
        case .attribute(let n, _): return "." + n
        case .index(let e, _): return "[" + expr(e) + "]"
        case .legacyIndex(let i, _): return ".\(i)"
        }
    }
}

@Suite("HCL parser") struct HCLParserTests {
    static func parse(_ text: String) throws -> HCLFile {
        try HCLParser.parse(SourceFile(path: "t.tf", text: text)).get()
    }

    static func value(_ expr: String) throws -> HCLExpr {
        let f = try parse("x = " + expr + "\n")
        return try #require(f.body.attributes.first).expr
    }

    static func error(_ text: String) -> ParseError? {
        if case .failure(let e) = HCLParser.parse(SourceFile(path: "t.tf", text: text)) { return e }
        return nil
    }

    @Test func smoke() throws {
        let f = try Self.parse("""
        # comment
        resource "aws_iam_role" "r" {
          name = "x-${var.y}"
          tags = { a = 1, "b" = [1, 2] }
          policy = <<-EOT
            {"a": 1}
          EOT
        }
        """)
        print(f.body.blocks.map { b in b.body.attributes.map { "\($0.name) = \(HCLPrint.expr($0.expr))" } })
        #expect(f.body.blocks.count == 1)
    }
}
