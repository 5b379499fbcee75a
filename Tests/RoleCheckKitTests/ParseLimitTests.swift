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
}
