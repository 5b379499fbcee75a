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
        switch p.kind {
        case .literal(let text):
            // By scalars: "\r\n" is one Character.
            return text.unicodeScalars.map { c -> String in
                switch c {
                case "\\": "\\\\"
                case "\n": "\\n"
                case "\r": "\\r"
                case "\"": "\\\""
                default: String(c)
                }
            }.joined()
        case .interpolation(let e): return "${" + expr(e) + "}"
        case .directive: return "%{}"
        }
    }

    static func step(_ s: HCLTraversalStep) -> String {
        switch s.kind {
        case .attribute(let n): return "." + n
        case .index(let e): return "[" + expr(e) + "]"
        case .legacyIndex(let i): return ".\(i)"
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
    /// in its tree lies inside what holds it.
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

    /// `line:column-line:column`.
    static func at(_ r: SourceRange) -> String { "\(r.start.line):\(r.start.column)-\(r.end.line):\(r.end.column)" }

    static func sexpr(_ text: String) throws -> String { HCLPrint.expr(try value(text)) }

    // MARK: Structure

    @Test func attributesBlocksAndLabelsArePositioned() throws {
        let text = "a = 1\nb {\n  c = \"x\"\n}\nd \"l1\" l2 { e = true }\n\nf {}\n"
        let f = try Self.parse(text)
        let a = try #require(f.body.attributes.first)
        #expect(a.name == "a")
        #expect(Self.at(a.nameRange) == "1:1-1:2")
        #expect(Self.at(a.expr.range) == "1:5-1:6")
        #expect(Self.at(a.range) == "1:1-1:6")
        #expect(f.body.blocks.map(\.type) == ["b", "d", "f"])
        let b = f.body.blocks[0]
        #expect(Self.at(b.typeRange) == "2:1-2:2")
        #expect(Self.at(b.range) == "2:1-4:2")
        #expect(Self.at(b.body.range) == "2:3-4:2")
        #expect(Self.at(b.body.endRange) == "4:1-4:1")
        #expect(b.labels.isEmpty)
        let c = try #require(b.body.attribute("c"))
        #expect(Self.at(c.range) == "3:3-3:10")
        #expect(c.expr.literalString == "x")
        let d = f.body.blocks[1]
        #expect(d.labels.map(\.value) == ["l1", "l2"])
        #expect(d.labels.map { Self.at($0.range) } == ["5:3-5:7", "5:8-5:10"])
        #expect(d.body.attributes.map(\.name) == ["e"])
        #expect(Self.at(d.body.range) == "5:11-5:23")
        #expect(Self.at(d.body.endRange) == "5:22-5:22")
        #expect(Self.at(f.body.blocks[2].body.endRange) == "7:4-7:4")
        // The file's body: the whole file; things are added at its end.
        #expect(Self.at(f.body.range) == "1:1-8:1")
        #expect(Self.at(f.body.endRange) == "8:1-8:1")
        #expect(f.body.blocks(ofType: "d").count == 1)
    }

    @Test func commentsAndLineBreaks() throws {
        let f = try Self.parse("# hash\n// slashes\n/* a\nblock */ a = 1 # after\nb = [\n  1, # inside\n  2,\n]\nc = 3 /* inline */\r\nd = (\n4\n)")
        #expect(f.body.attributes.map(\.name) == ["a", "b", "c", "d"])
        #expect(Self.at(f.body.attributes[0].nameRange) == "4:10-4:11")
        #expect(HCLPrint.expr(f.body.attributes[1].expr) == "[1, 2]")
        #expect(HCLPrint.expr(f.body.attributes[3].expr) == "(4)")
        #expect(Self.at(f.body.attributes[3].expr.range) == "10:5-12:2")
        // An empty file, a comment only.
        #expect(try Self.parse("").body.attributes.isEmpty)
        #expect(try Self.parse("# only").body.blocks.isEmpty)
    }

    @Test func unicodeIdentifiersAndColumns() throws {
        let f = try Self.parse("résumé = \"é\" \n日本-語_x = résumé\n_private = 1\n")
        #expect(f.body.attributes.map(\.name) == ["résumé", "日本-語_x", "_private"])
        #expect(Self.at(f.body.attributes[0].expr.range) == "1:10-1:13")
        #expect(HCLPrint.expr(f.body.attributes[1].expr) == "résumé")
        #expect(Self.at(f.body.attributes[1].expr.range) == "2:10-2:16")
        // `-` continues an identifier: `a-b` is one name, `a - b` a subtraction.
        #expect(try Self.sexpr("a-b") == "a-b")
        #expect(try Self.sexpr("a - b") == "(- a b)")
    }

    // MARK: Expressions

    @Test(arguments: [
        ("1 + 2 * 3", "(+ 1 (* 2 3))"),
        ("1 * 2 + 3", "(+ (* 1 2) 3)"),
        ("x / y * z", "(* (/ x y) z)"),
        ("a - b - c", "(- (- a b) c)"),
        ("a || b && c", "(|| a (&& b c))"),
        ("a && b || c", "(|| (&& a b) c)"),
        ("a == b != c", "(!= (== a b) c)"),
        ("1 < 2 == true", "(== (< 1 2) true)"),
        ("1 % 2 >= 3 || !false", "(|| (>= (% 1 2) 3) (!false))"),
        ("-1 + 2", "(+ (-1) 2)"),
        ("!a.b[0]", "(!a.b[0])"),
        ("- - x", "(-(-x))"),
        ("-f(1).x", "(-(f(1)).x)"),
        ("a ? b : c ? d : e", "(? a b (? c d e))"),
        ("a ? b ? c : d : e", "(? a (? b c d) e)"),
        ("a == 1 ? b + 1 : c", "(? (== a 1) (+ b 1) c)"),
        ("(1 + 2) * 3", "(* ((+ 1 2)) 3)"),
        ("1.5e3 + 2E-2 + 007", "(+ (+ 1.5e3 2E-2) 007)"),
        ("true && false || null == null", "(|| (&& true false) (== null null))"),
    ] as [(String, String)])
    func operatorPrecedence(_ text: String, _ expected: String) throws {
        #expect(try Self.sexpr(text) == expected)
    }

    @Test(arguments: [
        ("var.x", "var.x"),
        ("aws_iam_role.r.arn", "aws_iam_role.r.arn"),
        ("data.aws_iam_policy_document.p.json", "data.aws_iam_policy_document.p.json"),
        ("each.value", "each.value"),
        ("count.index", "count.index"),
        ("x[0][\"k\"]", "x[0][\"k\"]"),
        ("x.0.y", "x.0.y"),
        ("x[*].y", "(x[*].y)"),
        ("x[*].y[0].z", "(x[*].y[0].z)"),
        ("x.*.y", "(x.*.y)"),
        ("x.*.y.0", "(x.*.y.0)"),
        ("x.*.y[0]", "((x.*.y))[0]"),
        ("x[*]", "(x[*])"),
        ("x[*].a[*].b", "((x[*].a)[*].b)"),
        ("f(x)[0].y", "(f(x))[0].y"),
        ("(a).b", "((a)).b"),
        ("[1, 2][0]", "([1, 2])[0]"),
        ("x[y[z]]", "x[y[z]]"),
        ("x[\n  0\n]", "x[0]"),
    ] as [(String, String)])
    func traversalsAndSplats(_ text: String, _ expected: String) throws {
        #expect(try Self.sexpr(text) == expected)
    }

    @Test func traversalStepRanges() throws {
        let e = try Self.value("aws_iam_role.r[count.index].arn")
        guard case .scopeTraversal(let root, let steps) = e.kind else { Issue.record("not a traversal"); return }
        #expect(root == "aws_iam_role")
        #expect(steps.map { Self.at($0.range) } == ["1:17-1:19", "1:19-1:32", "1:32-1:36"])
        #expect(Self.at(e.range) == "1:5-1:36")
        let legacy = try Self.value("x.12")
        if case .scopeTraversal(_, let s) = legacy.kind, let step = s.first, case .legacyIndex(let i) = step.kind {
            let r = step.range
            #expect(i == 12)
            #expect(Self.at(r) == "1:6-1:9")
        } else {
            Issue.record("not a legacy index")
        }
        let splat = try Self.value("a.b[*].c")
        if case .splat(let source, let s, let full) = splat.kind {
            #expect(full)
            #expect(HCLPrint.expr(source) == "a.b")
            #expect(s.map { Self.at($0.range) } == ["1:11-1:13"])
            #expect(Self.at(splat.range) == "1:5-1:13")
        } else {
            Issue.record("not a splat")
        }
    }

    @Test(arguments: [
        ("[]", "[]"),
        ("[1, 2,]", "[1, 2]"),
        ("[\n  1,\n  2\n]", "[1, 2]"),
        ("{}", "{}"),
        ("{ a = 1, \"b\" = 2 }", "{\"a\" = 1, \"b\" = 2}"),
        ("{\n  a = 1\n\n  b : 2,\n}", "{\"a\" = 1, \"b\" = 2}"),
        ("{ (k) = 1, k.x = 2, true = 3 }", "{(k) = 1, k.x = 2, true = 3}"),
        ("{ a = { b = [] } }", "{\"a\" = {\"b\" = []}}"),
        ("f()", "f()"),
        ("f(1, \"a\",)", "f(1, \"a\")"),
        ("f(a, b...)", "f(a, b...)"),
        ("f(\n  1,\n  2\n)", "f(1, 2)"),
        ("provider::aws::arn_parse(x)", "provider::aws::arn_parse(x)"),
        ("jsonencode({ Version = \"2012-10-17\" })", "jsonencode({\"Version\" = \"2012-10-17\"})"),
        ("[for x in xs: x]", "[for x in xs: x]"),
        ("[for i, v in xs: v if i > 0]", "[for i, v in xs: v if (> i 0)]"),
        ("{for k, v in m: k => v...}", "{for k, v in m: k => v...}"),
        ("{\n  for k, v in m :\n  upper(k) => v\n  if v != null\n}", "{for k, v in m: upper(k) => v if (!= v null)}"),
        ("[for x in a ? b : c: x]", "[for x in (? a b c): x]"),
    ] as [(String, String)])
    func collectionsCallsAndFor(_ text: String, _ expected: String) throws {
        #expect(try Self.sexpr(text) == expected)
    }

    @Test func objectKeysAndForVariablesArePositioned() throws {
        let e = try Self.value("{ name = 1, \"quoted\" = 2 }")
        guard case .object(let items) = e.kind else { Issue.record("not an object"); return }
        #expect(items.map { Self.at($0.key.range) } == ["1:7-1:11", "1:17-1:25"])
        #expect(items.map { $0.key.literalString } == ["name", "quoted"])
        let f = try Self.value("[for k, v in m: v]")
        guard case .forExpr(let fe) = f.kind else { Issue.record("not a for"); return }
        #expect(fe.keyVar?.name == "k")
        #expect(fe.keyVar.map { Self.at($0.range) } == "1:10-1:11")
        #expect(Self.at(fe.valueVar.range) == "1:13-1:14")
        #expect(!fe.isObject && !fe.grouping && fe.condition == nil)
        let call = try Self.value("f(1, 2)")
        #expect(Self.at(call.range) == "1:5-1:12")
    }

    // MARK: Templates

    @Test func templatesWithInterpolation() throws {
        let e = try Self.value("\"arn:${var.p}:iam::${local.a}:role/x\"")
        guard case .template(let parts, false) = e.kind else { Issue.record("not a template"); return }
        #expect(parts.count == 5)
        #expect(HCLPrint.expr(e) == "\"arn:${var.p}:iam::${local.a}:role/x\"")
        #expect(parts.map { Self.at($0.range) } == ["1:6-1:10", "1:10-1:18", "1:18-1:24", "1:24-1:34", "1:34-1:41"])
        #expect(Self.at(e.range) == "1:5-1:42")
        // A string alone is one literal part; "" is one empty literal right after the quote.
        let empty = try Self.value("\"\"")
        guard case .template(let ep, _) = empty.kind, let first = ep.first, case .literal(let text) = first.kind, first.offsetMap == nil else {
            Issue.record("no literal"); return
        }
        let r = first.range
        #expect(ep.count == 1 && text.isEmpty)
        #expect(Self.at(r) == "1:6-1:6")
        // An interpolation alone stays a single part (HCL unwraps it to the value).
        guard case .template(let only, _) = try Self.value("\"${x}\"").kind else { return }
        #expect(only.count == 1)
        if case .interpolation(let x) = only[0].kind {
            let r = only[0].range
            #expect(HCLPrint.expr(x) == "x")
            #expect(Self.at(r) == "1:6-1:10")
        } else {
            Issue.record("not an interpolation")
        }
        // Nested strings inside interpolations; line breaks inside an interpolation.
        #expect(try Self.sexpr("\"a${join(\",\", [\"x\", \"${y}\"])}b\"") == "\"a${join(\",\", [\"x\", \"${y}\"])}b\"")
        #expect(try Self.sexpr("\"${\n  x +\n  1\n}\"") == "\"${(+ x 1)}\"")
    }

    @Test func escapesDecodeAndMapBackToTheSource() throws {
        let text = #"x = "a\n\t\"\\\u00e9\U0001F600 $${x} %%{y} $ %""#
        let f = try Self.parse(text)
        let e = try #require(f.body.attributes.first).expr
        guard case .template(let parts, _) = e.kind, parts.count == 1 else { Issue.record("not one literal"); return }
        let part = parts[0]
        guard case .literal(let decoded) = part.kind else { return }
        let range = part.range, map = part.offsetMap
        #expect(decoded == "a\n\t\"\\é😀 ${x} %{y} $ %")
        #expect(map != nil)
        #expect(Self.at(range) == "1:6-1:47")
        let bytes = Array(decoded.utf8)
        // 'a' is at file offset 5; the escapes map to their backslash; 'é' (2 bytes) to "\u00e9".
        #expect(part.fileOffset(ofTextOffset: 0) == 5)
        #expect(part.fileOffset(ofTextOffset: 1) == 6)          // \n
        #expect(part.fileOffset(ofTextOffset: 3) == 11)         // \" → the quote
        let e9 = bytes.firstIndex(of: 0xC3)!
        #expect(part.fileOffset(ofTextOffset: e9) == 14)        // \u00e9
        #expect(part.fileOffset(ofTextOffset: e9 + 1) == 14)
        let dollar = bytes.firstIndex(of: UInt8(ascii: "$"))!
        #expect(part.fileOffset(ofTextOffset: dollar) == Array(text.utf8).firstIndex(of: UInt8(ascii: "$"))! + 1)
        #expect(part.fileOffset(ofTextOffset: bytes.count) == text.utf8.count - 1)
    }

    @Test func stripMarkersAndDirectives() throws {
        #expect(try Self.sexpr("\"a  ${~ b ~}  c\"") == "\"a${b}c\"")
        #expect(try Self.sexpr("\"a ${b ~} ${~ c}\"") == "\"a ${b}${c}\"")
        #expect(try Self.sexpr("\"${\"hello\" ~}${\" world\"}\"") == "\"${\"hello\"}${\" world\"}\"")
        let d = try Self.value("\"%{ if x ~}  yes  %{~ else }no%{ endif }\"")
        guard case .template(let parts, _) = d.kind else { Issue.record("not a template"); return }
        #expect(HCLPrint.expr(d) == "\"%{}yes%{}no%{}\"")
        #expect(parts.map { Self.at($0.range) } == ["1:6-1:16", "1:18-1:21", "1:23-1:33", "1:33-1:35", "1:35-1:45"])
        #expect(try Self.sexpr("\"%{ for i, v in xs }${v},%{ endfor }\"") == "\"%{}${v},%{}\"")
        #expect(try Self.sexpr("\"%{if a}%{if b}x%{endif}%{endif}\"") == "\"%{}%{}x%{}%{}\"")
    }

    @Test func heredocs() throws {
        let f = try Self.parse("""
        a = <<EOT
        hello
          ${name}!
        EOT
        b = <<-EOT
            {
              "Version": "2012-10-17"
            }
            EOT
        c = 1
        """)
        #expect(f.body.attributes.map(\.name) == ["a", "b", "c"])
        let a = f.body.attributes[0].expr
        #expect(HCLPrint.expr(a) == "<<\"hello\\n  ${name}!\\n\"")
        #expect(Self.at(a.range) == "1:5-4:4")
        let b = f.body.attributes[1].expr
        guard case .template(let parts, true) = b.kind, let first = parts.first, case .literal(let text) = first.kind else {
            Issue.record("not a heredoc literal"); return
        }
        let range = first.range, map = first.offsetMap
        #expect(text == "{\n  \"Version\": \"2012-10-17\"\n}\n")
        #expect(Self.at(range) == "6:5-9:1")
        #expect(map != nil)
        // The JSON inside, positioned in the .tf file: "Version" is at line 7, column 7.
        let doc = try JSONParser.parse(file: SourceFile(path: "inner.json", text: text)).get()
        let key = try #require(doc.root.members.first?.key)
        let offset = try #require(parts[0].fileOffset(ofTextOffset: key.textOffsets.lowerBound))
        let source = "a = <<EOT\nhello\n  ${name}!\nEOT\nb = <<-EOT\n    {\n      \"Version\": \"2012-10-17\"\n    }\n    EOT\nc = 1"
        #expect(SourceFile(path: "t.tf", text: source).position(ofOffset: offset) == SourcePosition(line: 7, column: 7, offset: offset))
        #expect(Array(source.utf8)[offset] == UInt8(ascii: "\""))
    }

    @Test func heredocIndentationFollowsHCL() throws {
        // The fewest leading spaces of the lines go; blank lines do not count; a line that starts
        // with an interpolation counts as none; the closing marker may be indented either way.
        #expect(try Self.sexpr("<<-EOT\n    a\n\n      b\n    EOT\n") == "<<\"a\\n\\n  b\\n\"")
        #expect(try Self.sexpr("<<-EOT\n    a\n  ${x}\n    b\n  EOT\n") == "<<\"  a\\n${x}\\n  b\\n\"")
        #expect(try Self.sexpr("<<EOT\n    a\n  EOT\n") == "<<\"    a\\n\"")
        #expect(try Self.sexpr("<<EOT\nEOT\n") == "<<\"\"")
        #expect(try Self.sexpr("<<EOT\n  NOT EOT\nEOT\n") == "<<\"  NOT EOT\\n\"")
        // CRLF line breaks; a closing marker that ends the file.
        let crlf = try Self.parse("a = <<-EOT\r\n  x\r\n  EOT\r\nb = 2")
        #expect(HCLPrint.expr(crlf.body.attributes[0].expr) == "<<\"x\\r\\n\"")
        #expect(HCLPrint.expr(try Self.parse("a = <<EOT\nx\nEOT").body.attributes[0].expr) == "<<\"x\\n\"")
        // `$${` in a heredoc; strip markers act within their line.
        #expect(try Self.sexpr("<<EOT\n$${a} %%{b}\n  ${~ c ~}  \n  d\nEOT\n") == "<<\"${a} %{b}\\n${c}  d\\n\"")
    }

    @Test func heredocLiteralMapsEveryLine() throws {
        let source = "p = <<-EOT\n      line one\n        two é\n      EOT\n"
        let f = try Self.parse(source)
        guard case .template(let parts, _) = f.body.attributes[0].expr.kind, let part = parts.first,
              case .literal(let text) = part.kind else { Issue.record("no literal"); return }
        #expect(text == "line one\n  two é\n")
        let bytes = Array(source.utf8)
        for (k, b) in Array(text.utf8).enumerated() {
            let o = try #require(part.fileOffset(ofTextOffset: k))
            #expect(bytes[o] == b, "text byte \(k)")
        }
    }

    // MARK: Errors

    /// Bad HCL: the error is at the offending characters (byte offset and end) and says what was
    /// expected.
    @Test(arguments: [
        ("a = ", 4, 4, "expected an expression, found end of input"),
        ("a =\n1", 3, 4, "expected an expression, found a line break"),
        ("a = 1 2", 6, 7, "expected a line break after the value of \"a\", found '2'"),
        ("a = \"a value\", b = 1", 13, 14, "unexpected ',' after the value of \"a\""),
        ("a = (1", 6, 6, "expected ')' to close the '(' at line 1, column 5, found end of input"),
        ("a = [1 2]", 7, 8, "expected ',' or ']' after an element of the '[' at line 1, column 5, found '2'"),
        ("a = { b = 1 c = 2 }", 12, 13, "expected ',', a line break or '}' after an element of the '{'"),
        ("a = { b }", 8, 9, "expected '=' after the key of an element"),
        ("a = f(1,,2)", 8, 9, "expected an expression, found ','"),
        ("a = f(x..., y)", 10, 11, "expected ')' after '...'"),
        ("a = 1 ? 2", 9, 9, "expected ':' and the false branch of the conditional"),
        ("a = x.\"y\"", 6, 7, "expected an attribute name after '.'"),
        ("a = x[*", 7, 7, "expected ']' after '[*'"),
        ("a = 1.2.3", 4, 9, "invalid number: '1.2.3' has more than one '.'"),
        ("a = x.0.1", 6, 9, "invalid legacy index '.0.1'"),
        ("a = x.*.*", 7, 9, "a splat '.*' cannot follow another '.*'"),
        ("a = \"abc", 4, 5, "unterminated string: no closing '\"'"),
        ("a = \"a\nb\"", 6, 7, "a quoted string cannot contain a line break"),
        ("a = \"\\q\"", 5, 7, "invalid escape sequence '\\q'"),
        ("a = \"\\u12\"", 5, 9, "\\u takes 4 hexadecimal digits"),
        ("a = \"\\uD800\"", 5, 11, "U+D800 is not a character"),
        ("a = \"${x\"", 8, 9, "expected '}' to close the '${' at line 1, column 6, found '\"'"),
        ("a = \"${x:y}\"", 8, 9, "write '$${'"),
        ("a = \"%{ if x }y\"", 5, 7, "the '%{ if }' at line 1, column 6 has no '%{ endif }'"),
        ("a = \"%{ endif }\"", 8, 13, "'%{ endif }' without an open '%{ if }'"),
        ("a = \"%{ else }\"", 8, 12, "'%{ else }' without an open '%{ if }'"),
        ("a = \"%{ if x }%{ endfor }\"", 17, 23, "'%{ endfor }' where '%{ endif }' was expected"),
        ("a = \"%{ while x }\"", 8, 13, "expected a template directive (if, else, endif, for, endfor)"),
        ("a = <<EOT\nabc\n", 4, 9, "unterminated heredoc: no line holding only its marker 'EOT'"),
        ("a = <<EOT x\nEOT\n", 9, 10, "after the heredoc marker"),
        ("a = [for x in y]", 15, 16, "expected ':' after the collection of the 'for' expression"),
        ("a = [for in y: 1]", 12, 13, "expected 'in' after the variables"),
        ("a = {for x in y: x}", 17, 18, "an object 'for' ({for …}) needs a key and a value"),
        ("a = [for x in y: x => x]", 19, 21, "a tuple 'for' ([for …]) has no key expression"),
        ("a = [for x in y: x...]", 18, 21, "grouping ('...') applies to an object 'for'"),
        ("a = 1 & 2", 6, 7, "unexpected '&': the logical operator is '&&'"),
        ("a = @", 4, 5, "unexpected '@'"),
        ("a = 1 ~ 2", 6, 7, "unexpected '~'"),
        ("a = 1\rb = 2", 5, 6, "a carriage return must be followed by a line feed"),
        ("a = 1 /* x", 6, 8, "unterminated comment"),
        ("\"a\" = 1", 0, 1, "is not quoted"),
        ("= 1", 0, 1, "expected an argument (name = value) or a block"),
        ("}", 0, 1, "unexpected '}': no block is open here"),
        ("a b = 1", 4, 5, "unexpected '=' in the definition of block \"a\""),
        ("a\n{\n}", 1, 2, "expected '=' (an argument) or a label or '{' (a block) after \"a\", found a line break"),
        ("a \"l\"\n{\n}", 5, 6, "the '{' of block \"a\" must be on the same line"),
        ("a \"${x}\" {}", 3, 5, "a block label cannot contain a template sequence"),
        ("a {", 2, 3, "unclosed block \"a\": no '}' closes this '{'"),
        ("a {\n  b {\n}", 2, 3, "unclosed block \"a\""),
        ("a { b = 1, c = 2 }", 9, 10, "a one-line block holds only one argument"),
        ("a { b = 1\n}", 9, 10, "a one-line block must be closed on the line it opens"),
        ("a { d {} }", 4, 7, "a one-line block holds at most one argument"),
        ("a {} b = 1", 5, 6, "expected a line break after the '}' of block \"a\""),
        ("a {\n}}", 5, 6, "expected a line break after the '}' of block \"a\""),
        ("a = provider::(1)", 14, 15, "expected a function name after '::'"),
    ] as [(String, Int, Int, String)])
    func syntaxErrors(_ text: String, _ offset: Int, _ end: Int, _ message: String) throws {
        let e = try #require(Self.error(text), "\(text) parsed")
        #expect(e.offset == offset, "\(e.message)")
        #expect(e.endOffset == end, "\(e.message)")
        #expect(e.message.contains(message), "\(e.message)")
    }

    @Test func encodingErrors() throws {
        func err(_ bytes: [UInt8]) -> ParseError? {
            if case .failure(let e) = HCLParser.parse(SourceFile(path: "t.tf", bytes: bytes)) { return e }
            return nil
        }
        let bom = try #require(err([0xEF, 0xBB, 0xBF] + Array("a = 1\n".utf8)))
        #expect(bom.offset == 0 && bom.message.contains("byte-order mark"))
        let inString = try #require(err(Array("a = \"x".utf8) + [0xC3, 0x28] + Array("\"\n".utf8)))
        #expect(inString.offset == 6 && inString.message.contains("invalid UTF-8"))
        let inHeredoc = try #require(err(Array("a = <<EOT\n".utf8) + [0xFF] + Array("\nEOT\n".utf8)))
        #expect(inHeredoc.offset == 10)
        let inName = try #require(err(Array("ab".utf8) + [0xED, 0xA0, 0x80] + Array(" = 1\n".utf8)))
        #expect(inName.offset == 2)
        let nul = try #require(err(Array("a = 1".utf8) + [0] + Array("\n".utf8)))
        #expect(nul.offset == 5 && nul.message.contains("NUL"))
        // Comments are not decoded (as in HCL): anything goes there.
        if case .failure(let e) = HCLParser.parse(SourceFile(path: "t.tf", bytes: Array("# ".utf8) + [0xFF, 0x0D] + Array("\na = 1\n".utf8))) {
            Issue.record("a comment with invalid UTF-8: \(e.message)")
        }
        // Through SourceFile, an error's line and column (columns count scalars).
        let f = SourceFile(path: "t.tf", text: "x = \"é\"\ny = résumé +\n")
        guard case .failure(let e) = HCLParser.parse(f) else { Issue.record("parsed"); return }
        #expect(f.position(ofOffset: e.offset) == SourcePosition(line: 2, column: 13, offset: e.offset))
    }

    @Test func recoveryReportsEveryBrokenItem() throws {
        let text = """
        a = 1
        b = (2))
        c = 3
        d {
          e = [1 2]
          f = "ok"
          g = 1, h = 2
        }
        i = 4 5
        j = "last"

        """
        let (file, errors) = HCLParser.parseRecovering(SourceFile(path: "t.tf", text: text))
        #expect(errors.count == 4, "\(errors.map(\.message))")
        #expect(file.body.attributes.map(\.name) == ["a", "c", "j"])
        #expect(file.body.blocks.first?.body.attributes.map(\.name) == ["f"])
        #expect(errors.map { SourceFile(path: "t.tf", text: text).position(ofOffset: $0.offset).line } == [2, 5, 7, 9])
        // An unclosed bracket runs to the end of the input (as in HCL): one error.
        #expect(HCLParser.parseRecovering(SourceFile(path: "t.tf", text: "a = (1\nb = 2\n")).errors.count == 1)
        // Without recovery, the first error only.
        #expect(Self.error(text)?.offset == errors.first?.offset)
        // At most 100 errors, quickly, on a file of errors.
        let many = HCLParser.parseRecovering(SourceFile(path: "t.tf", text: String(repeating: "@\n", count: 200_000)))
        #expect(many.errors.count == 100)
    }
}
