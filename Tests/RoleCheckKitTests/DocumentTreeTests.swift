import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckIAM
@testable import RoleCheckModel
@testable import RoleCheckRules
@testable import RoleCheckEngine
@testable import RoleCheckReporting

/// The positioned tree: source positions (line, column in Unicode scalars, byte offset), JSON
/// Pointers, embedded-string offset maps, duplicate keys, YAML scalar resolution, tags, streams,
/// anchors and aliases.
@Suite("Document tree")
struct DocumentTreeTests {
    // MARK: Helpers

    static func json(_ text: String, path: String = "t.json") throws -> Document {
        let file = SourceFile(path: path, text: text)
        switch JSONParser.parse(file: file) {
        case .success(let d): return d
        case .failure(let e): throw e
        }
    }

    static func yaml(_ text: String, path: String = "t.yaml") throws -> YAMLLoader.Result {
        YAMLLoader.parse(file: SourceFile(path: path, text: text))
    }

    static func yamlDocument(_ text: String) throws -> Document {
        let r = try yaml(text)
        if let e = r.error { throw e }
        try #require(r.documents.count == 1)
        return r.documents[0]
    }

    /// Where the `occurrence`-th `marker` starts in `text`, computed independently of
    /// `SourceFile`: lines end at `\r\n`, `\n` or `\r`; columns count Unicode scalars; a leading
    /// BOM is not a column.
    static func locate(_ marker: String, in text: String, occurrence: Int = 1) -> SourcePosition {
        let bytes = Array(text.utf8), m = Array(marker.utf8)
        var found = 0
        var offset = -1
        if m.count <= bytes.count {
            for i in 0...(bytes.count - m.count) where Array(bytes[i..<i + m.count]) == m {
                found += 1
                if found == occurrence { offset = i; break }
            }
        }
        precondition(offset >= 0, "marker \(marker) not found")
        var before = String(decoding: bytes[0..<offset], as: UTF8.self)
        if before.unicodeScalars.first == "\u{FEFF}" { before.unicodeScalars.removeFirst() }
        var line = 1, column = 1
        var lastWasCR = false
        for u in before.unicodeScalars {
            if u == "\n" && lastWasCR { lastWasCR = false; continue }
            lastWasCR = u == "\r"
            if u == "\n" || u == "\r" { line += 1; column = 1 } else { column += 1 }
        }
        return SourcePosition(line: line, column: column, offset: offset)
    }

    static func pos(_ line: Int, _ column: Int, _ offset: Int) -> SourcePosition {
        SourcePosition(line: line, column: column, offset: offset)
    }

    // MARK: Positions in JSON

    @Test func jsonPositionsCountUnicodeScalars() throws {
        let text = "{\n  \"Rôle\": {\"Name\": \"élan😀\", \"Path\": \"/x/\"},\n  \"n\": [1, true, null]\n}\n"
        let doc = try Self.json(text)
        let role = try #require(doc.root["Rôle"])
        let roleKey = try #require(role.keyNode)
        #expect(roleKey.range.start == Self.pos(2, 3, 4))
        #expect(roleKey.range.end == Self.pos(2, 9, 11)) // after the closing quote: ô is 2 bytes, 1 column
        #expect(role.range.start == Self.pos(2, 11, 13))
        let name = try #require(role["Name"])
        #expect(name.range.start == Self.pos(2, 20, 22))
        #expect(name.range.end == Self.pos(2, 27, 33)) // é 2 bytes, 😀 4 bytes, each 1 column
        let path = try #require(role["Path"])
        #expect(path.keyNode?.range.start == Self.pos(2, 29, 35))
        #expect(path.range.start == Self.pos(2, 37, 43))
        #expect(path.range.end == Self.pos(2, 42, 48))
        #expect(role.range.end == Self.pos(2, 43, 49)) // just after '}'
        let n = try #require(doc.root["n"])
        #expect(n.elements.map(\.range.start) == [Self.pos(3, 9, 59), Self.pos(3, 12, 62), Self.pos(3, 18, 68)])
        #expect(doc.root.range.start == Self.pos(1, 1, 0))
        #expect(doc.root.range.end == Self.pos(4, 2, 75))
        // The head range is the first character only.
        #expect(name.headRange.end == Self.pos(2, 21, 23))
    }

    static let lineEndings = ["\n", "\r\n", "\r"]

    @Test(arguments: lineEndings)
    func jsonPositionsWithLineEndings(_ eol: String) throws {
        let text = ["{", "  \"Version\": \"2012-10-17\",", "  \"Statement\": [", "    {\"Effect\": \"Allow\", \"Sid\": \"ü\"}", "  ]", "}"]
            .joined(separator: eol) + eol
        let doc = try Self.json(text)
        let effect = try #require(doc.node(at: "/Statement/0/Effect"))
        #expect(effect.range.start == Self.locate("\"Allow\"", in: text))
        #expect(effect.range.start.line == 4 && effect.range.start.column == 16)
        let sid = try #require(doc.node(at: "/Statement/0/Sid"))
        #expect(sid.range.start == Self.locate("\"ü\"", in: text))
        #expect(sid.range.end.column == 35)
        #expect(doc.root.range.end == Self.locate("}" + eol, in: text, occurrence: 2).advanced(columns: 1, bytes: 1))
    }

    @Test func jsonWithByteOrderMark() throws {
        let text = "\u{FEFF}{\"a\": [1,\n \"é\"]}"
        let doc = try Self.json(text)
        #expect(doc.root.range.start == Self.pos(1, 1, 3))
        #expect(doc.root.members[0].key.range.start == Self.pos(1, 2, 4))
        let e = try #require(doc.node(at: "/a/1"))
        #expect(e.range.start == Self.pos(2, 2, 14))
        #expect(e.string == "é")
        // A BOM anywhere but the start is an error.
        let bad = SourceFile(path: "b.json", text: "[\u{FEFF}1]")
        guard case .failure(let err) = JSONParser.parse(file: bad) else {
            Issue.record("a BOM inside the document was accepted")
            return
        }
        #expect(err.offset == 1)
    }

    /// Positions and line texts come from a sparse line index (every 64th line's start); they
    /// must be those of a full index, on every byte of a file longer than several strides, with
    /// mixed line endings (a `\r\n` split across a stride boundary included), a BOM, empty lines
    /// and multi-byte characters.
    @Test(arguments: [true, false])
    func positionsAndLinesMatchAFullLineIndex(_ bom: Bool) {
        var text = bom ? "\u{FEFF}" : ""
        let endings = ["\n", "\r\n", "\r", "\n\n", "\r\r\n"]
        for i in 0..<300 { text += String(repeating: "é", count: i % 3) + "line \(i)" + endings[i % endings.count] }
        text += "last"
        let file = SourceFile(path: "lines.txt", text: text)
        let bytes = file.bytes
        // The reference: every line start, by the same rule (\n, \r\n or a lone \r ends a line).
        var starts = [0]
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0A { starts.append(i + 1) } else if bytes[i] == 0x0D {
                if i + 1 < bytes.count && bytes[i + 1] == 0x0A { i += 1 }
                starts.append(i + 1)
            }
            i += 1
        }
        #expect(file.lineStarts.map(Int.init) == starts)
        #expect(starts.count > 5 * 64)
        var mismatches = 0
        for offset in 0...bytes.count {
            let line = starts.lastIndex { $0 <= offset }!
            let lineStart = line == 0 ? min(file.bomLength, offset) : starts[line]
            let column = 1 + bytes[lineStart..<offset].filter { $0 & 0xC0 != 0x80 }.count
            if file.position(ofOffset: offset) != SourcePosition(line: line + 1, column: column, offset: offset) { mismatches += 1 }
        }
        #expect(mismatches == 0)
        for line in 1...starts.count {
            var s = line == 1 ? file.bomLength : starts[line - 1]
            s = min(s, bytes.count)
            var e = line < starts.count ? starts[line] : bytes.count
            while e > s && (bytes[e - 1] == 0x0A || bytes[e - 1] == 0x0D) { e -= 1 }
            #expect(file.lineText(line) == String(decoding: bytes[s..<e], as: UTF8.self), "line \(line)")
        }
        #expect(file.lineText(0) == "" && file.lineText(starts.count + 1) == "")
    }

    // MARK: Positions in YAML

    @Test func yamlPositionsCountUnicodeScalars() throws {
        let text = "Rôle:\n  Name: élan😀\n  Path: \"/x/\"\nn: [1, true, ~]\n"
        let doc = try Self.yamlDocument(text)
        let role = try #require(doc.root["Rôle"])
        #expect(role.keyNode?.range.start == Self.pos(1, 1, 0))
        #expect(role.keyNode?.range.end == Self.pos(1, 5, 5))
        let name = try #require(role["Name"])
        #expect(name.keyNode?.range.start == Self.pos(2, 3, 9))
        #expect(name.range.start == Self.pos(2, 9, 15))
        #expect(name.range.end == Self.pos(2, 14, 24))
        #expect(name.string == "élan😀")
        let path = try #require(role["Path"])
        #expect(path.range.start == Self.pos(3, 9, 33)) // the quoted scalar's range includes its quotes
        #expect(path.range.end == Self.pos(3, 14, 38))
        #expect(path.isQuotedScalar)
        let n = try #require(doc.root["n"])
        #expect(n.range.start == Self.pos(4, 4, 42))
        #expect(n.elements.map(\.range.start.column) == [5, 8, 14])
        #expect(n.range.end == Self.pos(4, 16, 54))
    }

    @Test(arguments: lineEndings)
    func yamlPositionsWithLineEndings(_ eol: String) throws {
        let text = ["# comment ü", "Version: '2012-10-17'", "Statement:", "  - Effect: Allow", "    Sid: \"ü\"", "    Action: [s3:GetObject, 'ä']"]
            .joined(separator: eol) + eol
        let doc = try Self.yamlDocument(text)
        let effect = try #require(doc.node(at: "/Statement/0/Effect"))
        #expect(effect.range.start == Self.locate("Allow", in: text))
        #expect(effect.range.start.line == 4 && effect.range.start.column == 13)
        let sid = try #require(doc.node(at: "/Statement/0/Sid"))
        #expect(sid.range.start == Self.locate("\"ü\"", in: text))
        #expect(sid.range.end.column == 13)
        let a = try #require(doc.node(at: "/Statement/0/Action/1"))
        #expect(a.range.start == Self.locate("'ä'", in: text))
        #expect(a.string == "ä")
    }

    @Test func yamlWithByteOrderMark() throws {
        let text = "\u{FEFF}a: 1\nb: é\nc: x\n"
        let doc = try Self.yamlDocument(text)
        #expect(doc.root.members[0].key.range.start == Self.pos(1, 1, 3))
        #expect(doc.root["a"]?.range.start == Self.pos(1, 4, 6))
        #expect(doc.root["b"]?.range.start == Self.pos(2, 4, 11))
        #expect(doc.root["c"]?.range.start == Self.pos(3, 4, 17))
    }

    // MARK: JSON Pointers

    @Test func pointersEscapeTildeAndSlash() throws {
        let doc = try Self.json(#"{"a/b": {"c~d": [0, {"e": 1, "~1": 2, "": 3}]}, "": {"": 4}}"#)
        let e = try #require(doc.node(at: "/a~1b/c~0d/1/e"))
        #expect(e.number == 1)
        #expect(e.pointer == "/a~1b/c~0d/1/e")
        #expect(e.keyNode?.pointer == "/a~1b/c~0d/1/e") // a key's pointer is its value's
        // "~01" is "~1" (not "/"): ~1 is decoded before ~0.
        let tilde = try #require(doc.node(at: "/a~1b/c~0d/1/~01"))
        #expect(tilde.number == 2)
        #expect(tilde.pointer == "/a~1b/c~0d/1/~01")
        #expect(doc.node(at: "/a~1b/c~0d/1/")?.number == 3)
        #expect(doc.node(at: "//")?.number == 4)
        #expect(doc.node(at: "//")?.pointer == "//")
        #expect(doc.node(at: "")?.kind == .object)
        #expect(doc.root.pointer == "")
        #expect(doc.node(at: "/a~1b/c~0d/0")?.pointer == "/a~1b/c~0d/0")
        // Misses.
        #expect(doc.node(at: "/a/b") == nil)
        #expect(doc.node(at: "/a~1b/c~0d/2") == nil)
        #expect(doc.node(at: "/a~1b/c~0d/-1") == nil)
        #expect(doc.node(at: "/a~1b/c~0d/x") == nil)
        #expect(doc.node(at: "/a~1b/c~0d/0/0") == nil)
        #expect(doc.node(at: "a~1b") == nil)
    }

    @Test func pointersAndNavigationInYAML() throws {
        let doc = try Self.yamlDocument("Statement:\n  - Sid: one\n    Resource:\n      - arn:a\n      - arn:b\n  - Sid: two/x~y\n")
        let b = try #require(doc.node(at: "/Statement/0/Resource/1"))
        #expect(b.string == "arn:b")
        #expect(b.pointer == "/Statement/0/Resource/1")
        #expect(b.parent?.pointer == "/Statement/0/Resource")
        #expect(b.parent?.keyNode?.string == "Resource")
        #expect(doc.node(at: "/Statement/1/Sid")?.string == "two/x~y")
        #expect(doc.root["Statement"]?.count == 2)
        #expect(doc.root["Statement"]?.elements.map { $0["Sid"]?.string } == ["one", "two/x~y"])
    }

    // MARK: Embedded JSON in strings

    /// A policy stored as a JSON string, with \" \\ \n \u00e9 a surrogate pair and raw non-ASCII.
    static let embeddedOuter = #"""
    {
      "Beschreibung": "Größe",
      "PolicyDocument": "{\"Version\":\"2012-10-17\",\n\"Statement\":[{\"Sid\":\"ü\u00e9\",\"Effect\":\"Allow\",\"Action\":\"s3:Get\\\"Object\\\"\",\"Resource\":\"\ud83d\ude00arn\"}]}"
    }

    """#

    @Test func embeddedJSONStringMapsToTheOuterCharacters() throws {
        let text = Self.embeddedOuter
        let outer = try Self.json(text)
        let string = try #require(outer.root["PolicyDocument"])
        let inner = try DocumentLoader.parseEmbeddedJSON(string).get()
        #expect(inner.file === outer.file)

        // Values, decoded twice.
        #expect(inner.node(at: "/Statement/0/Sid")?.string == "üé")
        #expect(inner.node(at: "/Statement/0/Action")?.string == "s3:Get\"Object\"")
        #expect(inner.node(at: "/Statement/0/Resource")?.string == "😀arn")

        // The inner root starts at the first character inside the outer quotes (line 3, column 22)
        // and ends at the closing quote.
        #expect(inner.root.range.start == Self.pos(3, 22, Self.locate("{\\\"Version", in: text).offset))
        #expect(inner.root.range.end == Self.locate("}]}\"", in: text).advanced(columns: 3, bytes: 3))

        // After \n: the key starts at the backslash of its \" .
        let statement = try #require(inner.root["Statement"])
        #expect(statement.keyNode?.range.start == Self.locate(#"\"Statement"#, in: text))
        #expect(statement.range.start == Self.locate("[{", in: text))

        // After raw ü and \u00e9: exact.
        let sid = try #require(inner.node(at: "/Statement/0/Sid"))
        #expect(sid.range.start == Self.locate(#"\"ü"#, in: text))
        #expect(sid.range.end == Self.locate(#",\"Effect"#, in: text))
        let effect = try #require(inner.node(at: "/Statement/0/Effect"))
        #expect(effect.range.start == Self.locate(#"\"Allow"#, in: text))
        #expect(effect.range.start.line == 3)
        #expect(effect.range.end == Self.locate(#",\"Action"#, in: text))
        #expect(effect.pointer == "/Statement/0/Effect")

        // An escaped quote inside the inner string (\\\" in the outer text).
        let action = try #require(inner.node(at: "/Statement/0/Action"))
        #expect(action.range.start == Self.locate(#"\"s3:Get"#, in: text))
        #expect(action.range.end == Self.locate(#",\"Resource"#, in: text))

        // After the surrogate pair (12 bytes outside, 4 inside).
        let resource = try #require(inner.node(at: "/Statement/0/Resource"))
        #expect(resource.range.start == Self.locate(#"\"\ud83d"#, in: text))
        #expect(resource.range.end == Self.locate("}]}\"", in: text))
        #expect(inner.node(at: "/Statement/0")?.range.end == Self.locate("]}\"", in: text))
    }

    @Test func embeddedJSONErrorsPointIntoTheOuterString() throws {
        // Inner text `{"a": tru}`: the error is at the `}` where `e` was expected.
        let text = #"{"P": "{\"a\": tru}"}"#
        let outer = try Self.json(text)
        let node = try #require(outer.root["P"])
        guard case .failure(let e) = DocumentLoader.parseEmbeddedJSON(node) else {
            Issue.record("invalid embedded JSON was accepted")
            return
        }
        #expect(e.offset == 18)
        #expect(e.message.contains("invalid literal"))
    }

    @Test func embeddedJSONInYAMLScalars() throws {
        let text = """
        Name: x
        Pölicy: '{"Sid": "ü", "Effect": "Allow"}'
        Quoted: 'it''s {"a": 1}'
        Double: "{\\"a\\": 1}"
        Plain: 12345
        Broken: tRue

        """
        let doc = try Self.yamlDocument(text)

        // Single-quoted without '' escapes: character for character.
        let policy = try DocumentLoader.parseEmbeddedJSON(try #require(doc.root["Pölicy"])).get()
        #expect(policy.root.range.start == Self.locate("{\"Sid", in: text))
        #expect(policy.root["Effect"]?.range.start == Self.locate("\"Allow\"", in: text))
        #expect(policy.root["Effect"]?.range.start.column == 33)
        #expect(policy.root["Sid"]?.range.end == Self.locate(", \"Effect", in: text))

        // A plain scalar maps character for character too.
        let plain = try DocumentLoader.parseEmbeddedJSON(try #require(doc.root["Plain"])).get()
        #expect(plain.root.number == 12345)
        #expect(plain.root.range.start == Self.locate("12345", in: text))
        #expect(plain.root.range.end == Self.locate("12345", in: text).advanced(columns: 5, bytes: 5))
        guard case .failure(let e) = DocumentLoader.parseEmbeddedJSON(try #require(doc.root["Broken"])) else {
            Issue.record("`tRue` was accepted as JSON")
            return
        }
        #expect(e.offset == Self.locate("Rue", in: text).offset)

        // When the value differs from the source text (an escape), every offset maps to the scalar's start.
        let quoted = try #require(doc.root["Quoted"])
        guard case .failure(let qe) = DocumentLoader.parseEmbeddedJSON(quoted) else {
            Issue.record("`it's …` was accepted as JSON")
            return
        }
        #expect(qe.offset == quoted.range.start.offset)
        let double = try #require(doc.root["Double"])
        let d = try DocumentLoader.parseEmbeddedJSON(double).get()
        #expect(d.root["a"]?.number == 1)
        #expect(d.root["a"]?.range.start == double.range.start)
    }

    // MARK: Duplicate keys

    @Test func duplicateKeysInSmallJSONObjects() throws {
        let doc = try Self.json(#"{"a": 1, "b": {"x": 1, "x": 2}, "a": 3, "\u0061": 4}"#)
        let dups = doc.duplicateKeys.sorted { $0.key.range.start.offset < $1.key.range.start.offset }
        #expect(dups.count == 3)
        #expect(dups.map(\.key.range.start.offset) == [23, 32, 40])
        #expect(dups.map(\.first.range.start.offset) == [15, 1, 1])
        #expect(dups.allSatisfy { $0.key.string == $0.first.string })
        #expect(doc.root["a"]?.number == 4) // the last one wins
        #expect(doc.root.count == 4)
        #expect(doc.root["b"]?["x"]?.number == 2)
    }

    static func manyKeys(json: Bool) -> String {
        var lines: [String] = []
        for i in 0..<20 { lines.append(json ? "  \"k\(i)\": \(i)," : "k\(i): \(i)") }
        lines.append(json ? "  \"k5\": 100," : "k5: 100")
        lines.append(json ? "  \"k19\": 200" : "'k19': 200")
        return json ? "{\n" + lines.joined(separator: "\n") + "\n}\n" : lines.joined(separator: "\n") + "\n"
    }

    @Test(arguments: [true, false])
    func duplicateKeysInLargeObjects(_ isJSON: Bool) throws {
        let text = Self.manyKeys(json: isJSON)
        let doc = isJSON ? try Self.json(text) : try Self.yamlDocument(text)
        #expect(doc.root.count == 22)
        let dups = doc.duplicateKeys.sorted { $0.key.range.start.offset < $1.key.range.start.offset }
        let shift = isJSON ? 1 : 0 // the JSON text has "{" on its own first line
        #expect(dups.map(\.key.string) == ["k5", "k19"])
        #expect(dups.map(\.key.range.start.line) == [21 + shift, 22 + shift])
        #expect(dups.map(\.first.range.start.line) == [6 + shift, 20 + shift])
        #expect(dups.map(\.key.range.start.column) == (isJSON ? [3, 3] : [1, 1]))
        #expect(doc.root["k5"]?.number == 100)
        #expect(doc.root["k19"]?.number == 200)
    }

    @Test func duplicateKeysInYAML() throws {
        let doc = try Self.yamlDocument("a: 1\nb:\n  x: 1\n  \"x\": 2\n'a': 3\nc: {y: 1, y: 2}\n")
        let dups = doc.duplicateKeys.sorted { $0.key.range.start.offset < $1.key.range.start.offset }
        #expect(dups.map(\.key.range.start) == [Self.pos(4, 3, 17), Self.pos(5, 1, 24), Self.pos(6, 11, 41)])
        #expect(dups.map(\.first.range.start) == [Self.pos(3, 3, 10), Self.pos(1, 1, 0), Self.pos(6, 5, 35)])
        #expect(doc.root["a"]?.number == 3)
    }

    @Test func duplicateKeysBecomeRC002Findings() {
        let report = TestSupport.lint([("d.json", "{\n  \"Version\": \"2012-10-17\",\n  \"Version\": \"2008-10-17\"\n}\n")])
        let rc002 = report.findings.filter { $0.ruleId == "RC002" }
        #expect(rc002.count == 1)
        #expect(rc002.first?.location.range.start.line == 3)
        #expect(rc002.first?.location.range.start.column == 3)
        #expect(rc002.first?.related.first?.location.range.start.line == 2)
    }

    // MARK: YAML tags and scalars

    @Test func cloudFormationTagsAreKept() throws {
        let text = """
        Resources:
          Role:
            Type: AWS::IAM::Role
            Properties:
              RoleName: !Ref RoleNameParam
              Arn: !GetAtt Role.Arn
              Policy: !Sub 'arn:aws:s3:::${Bucket}/*'
              Joined: !Join [":", [a, !Ref B]]
              Long: {"Fn::GetAtt": [Role, Arn]}
              LongSub:
                Fn::Sub: arn:${AWS::Partition}:iam::${AWS::AccountId}:root
              Num: !Ref 12
              Str: !!str 123
              Int: !!int "12"

        """
        let doc = try Self.yamlDocument(text)
        let p = try #require(doc.node(at: "/Resources/Role/Properties"))
        #expect(p["RoleName"]?.tag == "!Ref")
        #expect(p["RoleName"]?.string == "RoleNameParam")
        #expect(p["Arn"]?.tag == "!GetAtt")
        #expect(p["Arn"]?.string == "Role.Arn")
        #expect(p["Policy"]?.tag == "!Sub")
        #expect(p["Policy"]?.string == "arn:aws:s3:::${Bucket}/*")
        #expect(p["Policy"]?.isQuotedScalar == true)
        #expect(p["Joined"]?.tag == "!Join")
        #expect(p["Joined"]?.kind == .array)
        #expect(doc.node(at: "/Resources/Role/Properties/Joined/1/1")?.tag == "!Ref")
        #expect(p["Long"]?["Fn::GetAtt"]?.elements.map(\.string) == ["Role", "Arn"])
        #expect(p["Long"]?.tag == nil)
        #expect(p["LongSub"]?["Fn::Sub"]?.string == "arn:${AWS::Partition}:iam::${AWS::AccountId}:root")
        #expect(p["Num"]?.kind == .string) // a custom tag: not resolved as a number
        #expect(p["Num"]?.tag == "!Ref")
        #expect(p["Str"]?.kind == .string)
        #expect(p["Str"]?.string == "123")
        #expect(p["Int"]?.kind == .number)
        #expect(p["Int"]?.number == 12)
        #expect(doc.root["Resources"]?["Role"]?["Type"]?.tag == nil)
    }

    struct Scalar: Sendable, CustomTestStringConvertible {
        var source: String
        var kind: NodeKind
        var text: String
        var testDescription: String { source }
    }

    static let coreSchema: [Scalar] = [
        Scalar(source: "yes", kind: .string, text: "yes"),
        Scalar(source: "No", kind: .string, text: "No"),
        Scalar(source: "on", kind: .string, text: "on"),
        Scalar(source: "true", kind: .bool, text: "true"),
        Scalar(source: "False", kind: .bool, text: "False"),
        Scalar(source: "'true'", kind: .string, text: "true"),
        Scalar(source: "012", kind: .number, text: "012"),
        Scalar(source: "-12", kind: .number, text: "-12"),
        Scalar(source: "1.5e3", kind: .number, text: "1.5e3"),
        Scalar(source: "0x1F", kind: .number, text: "0x1F"),
        Scalar(source: "0o17", kind: .number, text: "0o17"),
        Scalar(source: ".inf", kind: .number, text: ".inf"),
        Scalar(source: "1_000", kind: .string, text: "1_000"),
        Scalar(source: "0b101", kind: .string, text: "0b101"),
        Scalar(source: "\"12\"", kind: .string, text: "12"),
        Scalar(source: "~", kind: .null, text: "~"),
        Scalar(source: "null", kind: .null, text: "null"),
        Scalar(source: "", kind: .null, text: ""),
        Scalar(source: "'null'", kind: .string, text: "null"),
        Scalar(source: "2012-10-17", kind: .string, text: "2012-10-17"),
        Scalar(source: "123456789012", kind: .number, text: "123456789012"), // quote account ids!
    ]

    @Test(arguments: coreSchema)
    func coreSchemaScalar(_ s: Scalar) throws {
        let doc = try Self.yamlDocument("v: \(s.source)\n")
        let v = try #require(doc.root["v"])
        #expect(v.kind == s.kind)
        #expect(v.scalarText == s.text)
    }

    @Test func coreSchemaNumbersAndKeys() throws {
        let doc = try Self.yamlDocument("n: 012\nh: 0x1F\no: 0o17\ne: 1.5e3\ntrue: a\n12: b\n~: c\n")
        #expect(doc.root["n"]?.number == 12)
        #expect(doc.root["h"]?.number == 31)
        #expect(doc.root["o"]?.number == 15)
        #expect(doc.root["e"]?.number == 1500)
        // Keys are always strings.
        #expect(doc.root.members.map(\.key.kind) == Array(repeating: .string, count: 7))
        #expect(doc.root["true"]?.string == "a")
        #expect(doc.root["12"]?.string == "b")
        #expect(doc.root["~"]?.string == "c")
    }

    // MARK: Streams

    @Test func multiDocumentStreamWithABrokenThirdDocument() throws {
        let text = "a: 1\n---\nb: [2]\n---\nc: value: other\n---\nd: 4\n"
        let r = try Self.yaml(text)
        #expect(r.documents.count == 2)
        #expect(r.documents.map(\.streamIndex) == [0, 1])
        #expect(r.documents[0].root["a"]?.number == 1)
        #expect(r.documents[1].root["b"]?.elements.first?.number == 2)
        #expect(r.documents[1].root["b"]?.range.start == Self.pos(3, 4, 12))
        let e = try #require(r.error)
        let file = r.documents[0].file
        #expect(file.position(ofOffset: e.offset).line == 5)
        #expect(e.message.contains("mapping values are not allowed"))
        // The loader keeps both documents and the error; the linter reports RC001 on line 5.
        let loaded = DocumentLoader.load(SourceFile(path: "s.yaml", text: text))
        #expect(loaded.documents.count == 2)
        #expect(loaded.error != nil)
        let rc001 = TestSupport.lint([("s.yaml", text)]).findings.filter { $0.ruleId == "RC001" }
        #expect(rc001.count == 1)
        #expect(rc001.first?.location.range.start.line == 5)
    }

    @Test func streamsWithEmptyDocumentsAndEndMarkers() throws {
        let r = try Self.yaml("---\n---\na: 1\n...\n---\n- x\n")
        #expect(r.error == nil)
        #expect(r.documents.count == 3)
        #expect(r.documents[0].root.kind == .null)
        #expect(r.documents[2].root.elements.first?.string == "x")
        #expect(r.documents[2].root.range.start == Self.pos(6, 1, 21))
        let empty = try Self.yaml("# only a comment\n")
        #expect(empty.error == nil)
        #expect(empty.documents.isEmpty)
    }

    // MARK: Anchors and aliases

    @Test func aliasesAreExpanded() throws {
        let text = """
        base: &b
          Effect: Allow
          Action: [s3:GetObject, s3:PutObject]
        copy: *b
        list: [&x 1, *x, *b]
        &k key: 1
        *k : 2

        """
        let doc = try Self.yamlDocument(text)
        let copy = try #require(doc.root["copy"])
        #expect(copy.kind == .object)
        #expect(copy["Effect"]?.string == "Allow")
        #expect(copy["Action"]?.elements.map(\.string) == ["s3:GetObject", "s3:PutObject"])
        // The copy is a real subtree: parents and pointers are its own.
        #expect(doc.node(at: "/copy/Action/1")?.pointer == "/copy/Action/1")
        #expect(doc.node(at: "/copy/Action/1")?.parent?.parent?.pointer == "/copy")
        #expect(doc.node(at: "/list/1")?.number == 1)
        #expect(doc.node(at: "/list/2/Effect")?.pointer == "/list/2/Effect")
        #expect(doc.root.count == 5)
        // An alias used as a key repeats the anchored key.
        #expect(doc.duplicateKeys.map(\.key.string) == ["key"])
        #expect(doc.root["key"]?.number == 2)
    }

    @Test func recursiveAndUnknownAliasesAreRejected() throws {
        let recursive = try Self.yaml("a: &a [1, *a]\n")
        #expect(recursive.documents.isEmpty)
        let e = try #require(recursive.error)
        #expect(e.message.contains("recursive alias"))
        #expect(e.offset == 10)
        let nested = try Self.yaml("a: &a\n  b:\n    c: *a\n")
        #expect(nested.error?.message.contains("recursive alias") == true)
        let unknown = try Self.yaml("a: *nope\n")
        #expect(unknown.error?.message.contains("unknown anchor 'nope'") == true)
        #expect(unknown.error?.offset == 3)
    }
}

extension SourcePosition {
    /// The same line, `columns` further and `bytes` further (for ASCII text both are the same).
    func advanced(columns: Int, bytes: Int) -> SourcePosition {
        SourcePosition(line: line, column: column + columns, offset: offset + bytes)
    }
}
