import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckIAM
@testable import RoleCheckModel
@testable import RoleCheckRules
@testable import RoleCheckEngine
@testable import RoleCheckReporting

/// Hostile and extreme inputs: each must end with a clear error (or be accepted) without crashing
/// or running away. No test measures time; the suite's time limit is only a safety net against a hang.
@Suite("Parse limits", .timeLimit(.minutes(1)))
struct ParseLimitTests {
    static func file(_ name: String, _ bytes: [UInt8]) -> SourceFile { SourceFile(path: name, bytes: bytes) }

    static func jsonError(_ bytes: [UInt8]) -> ParseError? {
        if case .failure(let e) = JSONParser.parse(file: file("t.json", bytes)) { return e }
        return nil
    }

    static func json(_ bytes: [UInt8]) throws -> Document {
        try JSONParser.parse(file: file("t.json", bytes)).get()
    }

    static func yaml(_ bytes: [UInt8]) -> YAMLLoader.Result {
        YAMLLoader.parse(file: file("t.yaml", bytes))
    }

    // MARK: Nesting

    @Test func deepJSONNestingIsAnErrorAtTheFirstTooDeepBracket() throws {
        let deep = [UInt8](repeating: UInt8(ascii: "["), count: 200_000)
        let e = try #require(Self.jsonError(deep))
        #expect(e.message == "nesting deeper than 512 levels")
        #expect(e.offset == 512)
        // Objects too, and closed documents.
        let objects = Array(String(repeating: "{\"a\":", count: 100_000).utf8) + Array(String(repeating: "}", count: 100_000).utf8)
        let oe = try #require(Self.jsonError(objects))
        #expect(oe.message == "nesting deeper than 512 levels")
        #expect(oe.offset == 512 * 5)
    }

    @Test func jsonNestingLimitBoundary() throws {
        let ok = Array((String(repeating: "[", count: 512) + "1" + String(repeating: "]", count: 512)).utf8)
        let doc = try Self.json(ok)
        #expect(doc.nodeCount == 513)
        let tooDeep = Array((String(repeating: "[", count: 513) + "1" + String(repeating: "]", count: 513)).utf8)
        #expect(Self.jsonError(tooDeep)?.offset == 512)
        // An empty container at depth 513 counts too (as in YAML).
        let emptyInnermost = Array((String(repeating: "[", count: 512) + "{}" + String(repeating: "]", count: 512)).utf8)
        #expect(Self.jsonError(emptyInnermost)?.offset == 512)
        #expect(Self.yaml(emptyInnermost).error?.offset == 512)
        // The limit is a parameter.
        var limits = ParseLimits()
        limits.maxDepth = 3
        let r = JSONParser.parse(file: Self.file("t.json", Array("[[[[1]]]]".utf8)), limits: limits)
        guard case .failure(let e) = r else {
            Issue.record("depth 4 accepted with maxDepth 3")
            return
        }
        #expect(e.offset == 3)
        #expect(e.message == "nesting deeper than 3 levels")
    }

    @Test func deepYAMLFlowNesting() throws {
        let deep = [UInt8](repeating: UInt8(ascii: "["), count: 200_000)
        let r = Self.yaml(deep)
        let e = try #require(r.error)
        #expect(e.message == "nesting deeper than 512 levels")
        #expect(e.offset == 512)
        #expect(r.documents.isEmpty)
        let ok = Array((String(repeating: "[", count: 512) + String(repeating: "]", count: 512)).utf8)
        #expect(Self.yaml(ok).error == nil)
    }

    @Test func deepYAMLBlockNesting() throws {
        let deep = Array((String(repeating: "- ", count: 200_000) + "x\n").utf8)
        let r = Self.yaml(deep)
        let e = try #require(r.error)
        #expect(e.message == "nesting deeper than 512 levels")
        #expect(e.offset == 2 * 512) // the 513th '-'
        // Block mappings nest the same way.
        var text = ""
        for i in 0..<600 { text += String(repeating: " ", count: i) + "k:\n" }
        let m = Self.yaml(Array(text.utf8))
        let me = try #require(m.error)
        #expect(me.message == "nesting deeper than 512 levels")
        #expect(Self.file("m.yaml", Array(text.utf8)).position(ofOffset: me.offset).line == 513)
    }

    // MARK: Alias bombs

    /// The "billion laughs": nine levels of nine aliases each (9^9 strings).
    static let billionLaughs: String = {
        var s = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        for k in 1..<names.count {
            let prev = names[k - 1]
            s += "\(names[k]): &\(names[k]) [" + Array(repeating: "*\(prev)", count: 9).joined(separator: ", ") + "]\n"
        }
        return s
    }()

    @Test func billionLaughsIsAnAliasExpansionError() throws {
        let text = Self.billionLaughs
        let r = Self.yaml(Array(text.utf8))
        let e = try #require(r.error)
        #expect(e.message.contains("aliases expand to more than 1000000 nodes"))
        #expect(r.documents.isEmpty)
        // Levels a…f expand to 672,588 nodes; the first `*f` of level g crosses 1,000,000.
        let line = Self.file("b.yaml", Array(text.utf8)).position(ofOffset: e.offset).line
        #expect(line == 7)
        // Through the linter: one RC001.
        let report = TestSupport.lint([("bomb.yaml", text)])
        #expect(report.findings.filter { $0.ruleId == "RC001" }.count == 1)
        #expect(report.findings.first { $0.ruleId == "RC001" }?.message.contains("alias") == true)
    }

    @Test func manyAliasesOfOneLargeNodeHitTheBudget() throws {
        var text = "big: &big [" + (0..<1000).map { "x\($0)" }.joined(separator: ", ") + "]\nrefs:\n"
        for _ in 0..<1200 { text += "  - *big\n" }
        let r = Self.yaml(Array(text.utf8))
        #expect(r.error?.message.contains("alias") == true)
        // Within the budget it is fine, and the budget is a parameter.
        var limits = ParseLimits()
        limits.maxAliasExpansion = 2_000_000
        let ok = YAMLLoader.parse(file: Self.file("t.yaml", Array(text.utf8)), limits: limits)
        #expect(ok.error == nil)
        #expect(ok.documents.first?.root["refs"]?.count == 1200)
    }

    /// Many aliases of a small node, within the budget: expansion stays linear (each alias used
    /// to reallocate the whole record array).
    @Test func manySmallAliasesWithinTheBudget() throws {
        let count = 300_000
        let text = "a: &a x\nb: [" + Array(repeating: "*a", count: count).joined(separator: ", ") + "]\n"
        let r = Self.yaml(Array(text.utf8))
        #expect(r.error == nil)
        let b = try #require(r.documents.first?.root["b"])
        #expect(b.count == count)
        #expect(b.elements.last?.string == "x")
        #expect(b.elements.last?.pointer == "/b/\(count - 1)")
    }

    // MARK: Bytes that are not text

    /// Deterministic pseudo-random bytes (a 64-bit LCG).
    static func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func randomBinaryIsAnRC001Error(_ seed: UInt64) {
        let bytes = Self.randomBytes(4096, seed: seed)
        for name in ["random.json", "random.yaml"] {
            let report = Linter().lint(files: [SourceFile(path: name, bytes: bytes)])
            let rc001 = report.findings.filter { $0.ruleId == "RC001" }
            #expect(rc001.count == 1, "\(name) seed \(seed): \(report.findings.map(\.message))")
            guard let f = rc001.first else { continue }
            #expect(f.message.hasPrefix(name.hasSuffix(".json") ? "invalid JSON: " : "invalid YAML: "))
            #expect(f.location.range.start.offset >= 0 && f.location.range.start.offset <= bytes.count)
            #expect(f.location.range.start.line >= 1 && f.location.range.start.column >= 1)
        }
    }

    @Test func binaryThatStartsLikeJSON() throws {
        // A valid prefix, then garbage: the error is at the first bad byte.
        let bytes = Array("{\"Roles\": [".utf8) + [0xFF, 0xFE, 0x00, 0x01]
        let e = try #require(Self.jsonError(bytes))
        #expect(e.offset == 11)
        #expect(e.message.contains("byte 0xFF"))
    }

    @Test(arguments: [
        ([0x22, 0x61, 0xC3, 0x28, 0x22], 2),                   // a lead byte without its continuation
        ([0x22, 0xC0, 0xAF, 0x22], 1),                         // overlong '/'
        ([0x22, 0x61, 0xED, 0xA0, 0x80, 0x22], 2),             // an encoded surrogate (U+D800)
        ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1),             // above U+10FFFF
        ([0x22, 0x61, 0x62, 0x80, 0x22], 3),                   // a lone continuation byte
        ([0x22, 0x5C, 0x6E, 0xE2, 0x82], 3),                   // truncated at the end, after an escape
        ([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], 2),       // in a key
    ] as [([UInt8], Int)])
    func invalidUTF8InAJSONString(_ bytes: [UInt8], _ offset: Int) throws {
        let e = try #require(Self.jsonError(bytes))
        #expect(e.offset == offset)
        #expect(e.message.contains("invalid UTF-8"))
    }

    @Test func invalidUTF8InYAML() throws {
        let r = Self.yaml(Array("a: 1\nb: \"x".utf8) + [0xFF] + Array("\"\n".utf8))
        let e = try #require(r.error)
        #expect(e.offset == 10)
        #expect(r.documents.isEmpty)
        let overlong = Self.yaml(Array("a: ".utf8) + [0xC0, 0xAF] + [0x0A])
        #expect(overlong.error?.offset == 3)
        // Through the linter, a .yaml file with invalid UTF-8 is RC001 at that byte.
        let report = Linter().lint(files: [SourceFile(path: "bad.yaml", bytes: Array("Key: va".utf8) + [0xFE] + [0x0A])])
        let f = try #require(report.findings.first { $0.ruleId == "RC001" })
        #expect(f.location.range.start == SourcePosition(line: 1, column: 8, offset: 7))
    }

    @Test func nulBytes() throws {
        let inString = try #require(Self.jsonError(Array("{\"a\": \"x".utf8) + [0] + Array("y\"}".utf8)))
        #expect(inString.offset == 8)
        #expect(inString.message.contains("U+0000"))
        let after = try #require(Self.jsonError(Array("[1]".utf8) + [0]))
        #expect(after.offset == 3)
        let only = try #require(Self.jsonError([0, 0, 0]))
        #expect(only.offset == 0)
        let y = Self.yaml(Array("a: b".utf8) + [0] + Array("c\n".utf8))
        #expect(y.error?.offset == 4)
        // An escaped NUL is fine.
        #expect(try Self.json(Array(#"["\u0000"]"#.utf8)).root.elements.first?.withValueBytes { Array($0) } == [0])
    }

    // MARK: Large values

    @Test func numberWithAHundredThousandDigits() throws {
        let digits = "1" + String(repeating: "0", count: 99_999)
        let doc = try Self.json(Array("[\(digits), -0.\(digits)e-\(digits)]".utf8))
        let n = doc.root.elements
        #expect(n.count == 2)
        #expect(n[0].kind == .number)
        #expect(n[0].scalarText?.utf8.count == 100_000)
        #expect(n[1].scalarText?.utf8.count == 200_005)
        #expect(n[0].range.end.offset == 100_001)
    }

    @Test func twentyMegabyteString() throws {
        let size = 20 * 1024 * 1024
        var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: size + 2)
        bytes[0] = UInt8(ascii: "\"")
        bytes[size + 1] = UInt8(ascii: "\"")
        let doc = try Self.json(bytes)
        #expect(doc.root.kind == .string)
        #expect(doc.root.withValueBytes { $0.count } == size)
        // With an escape at the start (the value is decoded into a side buffer).
        bytes[1] = UInt8(ascii: "\\")
        bytes[2] = UInt8(ascii: "n")
        let escaped = try Self.json(bytes)
        #expect(escaped.root.withValueBytes { $0.count } == size - 1)
        #expect(escaped.root.withValueBytes { $0[0] } == 0x0A)
    }

    // MARK: YAML specifics

    @Test func tabsInYAMLIndentation() throws {
        let text = "Statement:\n  - Effect: Allow\n\t  Action: '*'\n"
        let r = Self.yaml(Array(text.utf8))
        let e = try #require(r.error)
        let p = Self.file("t.yaml", Array(text.utf8)).position(ofOffset: e.offset)
        #expect(p.line == 3)
        #expect(p.column == 1)
        #expect(e.offset == 29)
        #expect(e.message.contains("tab") || e.message.contains("cannot start any token"))
    }

    @Test func brokenDocumentInAStream() throws {
        let text = "a: 1\n---\nb: [1, 2\n---\nc: 3\n"
        let r = Self.yaml(Array(text.utf8))
        #expect(r.documents.count == 1)
        #expect(r.error != nil)
        let report = TestSupport.lint([("s.yaml", text)])
        let f = try #require(report.findings.first { $0.ruleId == "RC001" })
        #expect(f.location.documentIndex == 1)
        #expect(f.location.range.start.line >= 3)
        #expect(report.documentCount == 1)
    }

    @Test func documentCountLimit() throws {
        var limits = ParseLimits()
        limits.maxDocumentsPerStream = 3
        let r = YAMLLoader.parse(file: Self.file("t.yaml", Array("---\na\n---\nb\n---\nc\n---\nd\n".utf8)), limits: limits)
        #expect(r.documents.count == 3)
        #expect(r.error?.message.contains("more than 3 documents") == true)
        #expect(r.error?.offset == 18)
    }

    @Test func fileSizeLimit() throws {
        var limits = ParseLimits()
        limits.maxFileSize = 10
        let loaded = DocumentLoader.load(SourceFile(path: "big.json", text: "[1, 2, 3, 4, 5]"), limits: limits)
        #expect(loaded.documents.isEmpty)
        #expect(loaded.error?.message.contains("over the 10-byte limit") == true)
    }

    // MARK: HCL (Terraform's .tf)

    static func hcl(_ text: String, limits: ParseLimits = .default) -> Result<HCLFile, ParseError> {
        HCLParser.parse(SourceFile(path: "t.tf", text: text), limits: limits)
    }

    static func hclError(_ text: String, limits: ParseLimits = .default) -> ParseError? {
        if case .failure(let e) = hcl(text, limits: limits) { return e }
        return nil
    }

    /// Each kind of nesting stops at the first construct deeper than 512 levels, whatever the
    /// length of the input (the parser keeps its open constructs on the heap, not the stack).
    @Test(arguments: [
        ("brackets", "x = " + String(repeating: "[", count: 200_000), 4 + 512),
        ("parentheses", "x = " + String(repeating: "(", count: 200_000), 4 + 512),
        ("objects", "x = " + String(repeating: "{a=", count: 100_000), 4 + 512 * 3),
        ("calls", "x = " + String(repeating: "f(", count: 100_000), 4 + 512 * 2 + 1),
        ("indexes", "x = a" + String(repeating: "[a", count: 100_000), 5 + 512 * 2),
        ("templates", "x = " + String(repeating: "\"${", count: 100_000), 4 + 512 * 3),
        ("conditionals", "x = " + String(repeating: "a ? ", count: 100_000), 4 + 512 * 4 + 2),
        ("for expressions", "x = " + String(repeating: "[for a in ", count: 50_000), 4 + 512 * 10),
        ("unary operators", "x = " + String(repeating: "-", count: 200_000) + "1", 4 + 512),
        ("blocks", String(repeating: "a {\n", count: 100_000), 512 * 4 + 2),
    ] as [(String, String, Int)])
    func deepHCLNestingIsAnError(_ kind: String, _ text: String, _ offset: Int) throws {
        let e = try #require(Self.hclError(text), "\(kind)")
        #expect(e.message.hasPrefix("nesting deeper than 512 levels") || e.message.hasPrefix("expression nested deeper than 512 levels"),
                "\(kind): \(e.message)")
        #expect(e.offset == offset, "\(kind): \(e.message)")
        // With recovery too (the rest of the input is skipped, not re-parsed).
        let r = HCLParser.parseRecovering(SourceFile(path: "t.tf", text: text))
        #expect(r.errors.count >= 1 && r.errors.count <= 100)
    }

    @Test func hclNestingLimitBoundary() throws {
        // 512 levels parse (and the tree is freed without exhausting the stack).
        for (open, close) in [("[", "]"), ("(", ")"), ("{a=", "}"), ("f(", ")")] {
            let ok = "x = " + String(repeating: open, count: 512) + "1" + String(repeating: close, count: 512) + "\n"
            if case .failure(let e) = Self.hcl(ok) { Issue.record("\(open): \(e.message) at \(e.offset)") }
            let tooDeep = "x = " + String(repeating: open, count: 513) + "1" + String(repeating: close, count: 513) + "\n"
            #expect(Self.hclError(tooDeep)?.offset == 4 + 512 * open.utf8.count + (open == "f(" ? 1 : 0))
        }
        let blocks = String(repeating: "a {\n", count: 512) + String(repeating: "}\n", count: 512)
        if case .failure(let e) = Self.hcl(blocks) { Issue.record("512 blocks: \(e.message)") }
        // Blocks and expressions count together.
        let mixed = String(repeating: "a {\n", count: 500) + "x = " + String(repeating: "[", count: 13) + String(repeating: "]", count: 13)
            + "\n" + String(repeating: "}\n", count: 500)
        #expect(Self.hclError(mixed)?.message == "nesting deeper than 512 levels")
        // The limit is a parameter.
        var limits = ParseLimits()
        limits.maxDepth = 3
        let e = try #require(Self.hclError("x = [[[[1]]]]\n", limits: limits))
        #expect(e.offset == 7)
        #expect(e.message == "nesting deeper than 3 levels")
    }

    /// Operators chained without parentheses build a tree as deep as the chain: bounded too.
    @Test func longHCLOperatorChains() throws {
        let chain = "x = 1" + String(repeating: " + 1", count: 100_000) + "\n"
        let e = try #require(Self.hclError(chain))
        #expect(e.message == "expression nested deeper than 512 levels")
        #expect(e.offset == 4 + 4 * 513) // the operand that makes the 513th level
        // Within the limit, fine; and so are long flat constructs.
        #expect(Self.hclError("x = 1" + String(repeating: " + 1", count: 500) + "\n") == nil)
        #expect(Self.hclError("x = a" + String(repeating: ".b", count: 200_000) + "\n") == nil)
        #expect(Self.hclError("x = [" + String(repeating: "1, ", count: 200_000) + "]\n") == nil)
        #expect(Self.hclError("x = \"" + String(repeating: "${a}", count: 100_000) + "\"\n") == nil)
        #expect(Self.hclError(String(repeating: "a = 1 ? 2 : 3\n", count: 1)) == nil)
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func randomBinaryIsAnHCLError(_ seed: UInt64) {
        let bytes = Self.randomBytes(1 << 20, seed: seed)
        let file = SourceFile(path: "random.tf", bytes: bytes)
        guard case .failure(let e) = HCLParser.parse(file) else {
            Issue.record("random bytes parsed as HCL")
            return
        }
        #expect(e.offset >= 0 && e.offset <= bytes.count)
        #expect(!e.message.isEmpty)
        let r = HCLParser.parseRecovering(file)
        #expect(r.errors.count >= 1 && r.errors.count <= 100)
        for err in r.errors { #expect(err.offset >= 0 && err.offset <= bytes.count && (err.endOffset ?? 0) <= bytes.count) }
    }

    @Test func largeHCLValues() throws {
        let size = 20 * 1024 * 1024
        let string = "x = \"" + String(repeating: "a", count: size) + "\"\n"
        let parsed = try Self.hcl(string).get()
        #expect(parsed.body.attributes.first?.expr.literalString?.utf8.count == size)
        // A heredoc of 400,000 indented lines (20 MB), its indentation removed line by line.
        let line = String(repeating: "b", count: 47) + "\n"
        let heredoc = "x = <<-EOT\n" + String(repeating: "  " + line, count: 400_000) + "  EOT\n"
        let h = try Self.hcl(heredoc).get()
        guard case .template(let parts, true) = h.body.attributes[0].expr.kind, case .literal(let text) = parts[0].kind else {
            Issue.record("not a heredoc")
            return
        }
        let map = parts[0].offsetMap
        #expect(text.utf8.count == 48 * 400_000)
        #expect(map?.outerOffset(48 * 399_999) == 11 + 50 * 399_999 + 2)
        // A 1 MB identifier and a number of 100,000 digits.
        #expect(Self.hclError("x" + String(repeating: "y", count: 1 << 20) + " = 1" + String(repeating: "0", count: 100_000) + "\n") == nil)
    }

    @Test func unterminatedHCLConstructsAtTheEnd() {
        for text in ["x = \"", "x = \"${", "x = \"${a", "x = <<EOT\n", "x = <<EOT\n${", "x = [", "x = {", "x = f(", "x = (",
                     "x = a[", "x = a ?", "x = a ? b :", "x = [for", "x = [for a in", "x = \"%{ if", "/*", "a {", "a \"", "x = \"\\",
                     "x = \"\\u", "x = <<", "x = <<-", "x = a.", "x = a::", "x = -", "x = 1e", "x = \"%{ for a in b }"] {
            let e = Self.hclError(text)
            #expect(e != nil, "\(text) parsed")
            if let e { #expect(e.offset <= text.utf8.count && (e.endOffset ?? 0) <= text.utf8.count, "\(text): \(e)") }
            #expect(!HCLParser.parseRecovering(SourceFile(path: "t.tf", text: text)).errors.isEmpty)
        }
    }

    @Test func hclFileSizeLimit() throws {
        var limits = ParseLimits()
        limits.maxFileSize = 10
        let e = try #require(Self.hclError("x = [1, 2, 3, 4, 5]\n", limits: limits))
        #expect(e.message.contains("over the 10-byte limit"))
    }
}
