import Testing
#if canImport(Glibc)
import Glibc
#endif
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

    /// Files below a folder whose names end with `suffix`, sorted.
    static func files(under folder: String, suffix: String) -> [String] {
        var out: [String] = []
        var pending = [folder]
        while let dir = pending.popLast() {
            for name in TestSupport.listDirectory(dir) {
                let path = dir + "/" + name
                var st = stat()
                guard stat(path, &st) == 0 else { continue }
                if (st.st_mode & S_IFMT) == S_IFDIR { pending.append(path) } else if name.hasSuffix(suffix) { out.append(path) }
            }
        }
        return out.sorted()
    }

    static func read(_ path: String) throws -> SourceFile {
        SourceFile(path: path, bytes: try #require(TestSupport.readFile(path), "cannot read \(path)"))
    }

    // MARK: HashiCorp's spec suite

    /// Every test of the suite: the `.hcl` is parsed (with recovery, so that every syntax error
    /// is listed) and decoded with its `.hcldec` spec; the result, its type and the diagnostics'
    /// ranges must be the `.t` file's.
    @Test func specSuite() throws {
        guard let base = TestSupport.sharedData("hcl") else { return }
        let cases = Self.files(under: base + "/specsuite/tests", suffix: ".t")
        #expect(cases.count == 15, "the suite has 15 tests")
        var passed: [String] = [], skipped: [(String, String)] = []
        for t in cases {
            let name = String(t.dropFirst(base.count + "/specsuite/tests/".count).dropLast(2))
            let stem = String(t.dropLast(2))
            let expectations = try Self.parse(String(decoding: try Self.read(t).bytes, as: UTF8.self))
            let specFile = try Self.read(stem + ".hcldec")
            let spec = try HCLParser.parse(specFile).get()
            let input = try Self.read(stem + ".hcl")
            let (parsed, errors) = HCLParser.parseRecovering(input)
            var actual = errors.map {
                HCLSpecDiagnostic(from: input.position(ofOffset: $0.offset), to: input.position(ofOffset: $0.endOffset ?? $0.offset + 1))
            }
            var variables: [String: HCLValue] = [:]
            for v in spec.body.blocks(ofType: "variables") {
                for a in v.body.attributes { variables[a.name] = try HCLConstantEvaluator().eval(a.expr) }
            }
            let specBlock = try #require(spec.body.blocks.first { $0.type != "variables" }, "\(name): no spec")
            var value: HCLValue?
            do {
                if errors.isEmpty {
                    var decoder = HCLDecoder(file: input, variables: variables)
                    value = try decoder.decode(specBlock, parsed.body)
                    actual += decoder.diagnostics
                }
            } catch let e as HCLEvalError {
                skipped.append((name, e.description))
                continue
            }
            var ok = true
            var expected: [HCLSpecDiagnostic] = []
            for d in expectations.body.blocks(ofType: "diagnostics") {
                for e in d.body.blocks(ofType: "error") {
                    func pos(_ b: HCLBlock?) throws -> SourcePosition {
                        let ev = HCLConstantEvaluator()
                        func n(_ k: String) throws -> Int { Int(try ev.number(ev.eval(try #require(b?.body.attribute(k)).expr))) }
                        return SourcePosition(line: try n("line"), column: try n("column"), offset: try n("byte"))
                    }
                    expected.append(HCLSpecDiagnostic(from: try pos(e.body.blocks(ofType: "from").first), to: try pos(e.body.blocks(ofType: "to").first)))
                }
            }
            let byStart = { (a: HCLSpecDiagnostic, b: HCLSpecDiagnostic) in a.from.offset < b.from.offset }
            if actual.sorted(by: byStart) != expected.sorted(by: byStart) {
                ok = false
                Issue.record("\(name): diagnostics \(actual) (\(errors.map(\.message))), expected \(expected)")
            }
            if let r = expectations.body.attribute("result") {
                let want = try HCLConstantEvaluator().eval(r.expr)
                if !(value?.matches(want) ?? false) {
                    ok = false
                    Issue.record("\(name): result \(value.map(\.description) ?? "none"), expected \(want)")
                }
            }
            if let rt = expectations.body.attribute("result_type"), expected.isEmpty {
                if !(value.map { hclConforms($0, rt.expr) } ?? false) {
                    ok = false
                    Issue.record("\(name): result \(value.map(\.description) ?? "none") is not of type \(HCLPrint.expr(rt.expr))")
                }
            }
            for tr in expectations.body.blocks(ofType: "traversals") {
                // The variables the decoded attributes refer to (the suite's tests list none).
                var refs = 0
                for a in parsed.body.attributes { if case .scopeTraversal = a.expr.kind { refs += 1 } }
                if refs != tr.body.blocks.count { ok = false; Issue.record("\(name): \(refs) traversals, expected \(tr.body.blocks.count)") }
            }
            var ranges = HCLRangeChecker(file: input)
            ranges.body(parsed.body)
            if !ranges.problems.isEmpty { ok = false; Issue.record("\(name): \(ranges.problems.prefix(5))") }
            if ok { passed.append(name) }
        }
        print("HCL spec suite: \(passed.count) passed, \(skipped.count) skipped, \(cases.count - passed.count - skipped.count) failed, of \(cases.count)")
        for (n, why) in skipped { print("  skipped \(n): \(why)") }
        #expect(skipped.isEmpty)
    }

    // MARK: Real Terraform

    /// Every `.tf` of the two Terraform modules of the real-world corpus parses, and every range
    /// in its tree is where `SourceFile` says.
    @Test func realWorldTerraformParses() throws {
        guard let base = TestSupport.sharedData("real-world") else { return }
        let paths = Self.files(under: base, suffix: ".tf")
        #expect(paths.count == 47)
        var bytes = 0, blocks = 0, attributes = 0, ranges = 0
        for p in paths {
            let f = try Self.read(p)
            bytes += f.bytes.count
            switch HCLParser.parse(f) {
            case .failure(let e):
                let at = f.position(ofOffset: e.offset)
                Issue.record("\(p):\(at.line):\(at.column): \(e.message)")
            case .success(let h):
                var checker = HCLRangeChecker(file: f)
                checker.body(h.body)
                #expect(checker.problems.isEmpty, "\(p): \(checker.problems.prefix(5))")
                ranges += checker.count
                blocks += h.body.blocks.count
                attributes += h.body.attributes.count
                #expect(HCLParser.parseRecovering(f).errors.isEmpty)
            }
        }
        print("real-world Terraform: \(paths.count) files, \(bytes) bytes, \(blocks) top-level blocks, \(attributes) top-level attributes, \(ranges) ranges checked")
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
