import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckIAM
@testable import RoleCheckModel
@testable import RoleCheckRules
@testable import RoleCheckEngine
@testable import RoleCheckReporting

#if canImport(Glibc)
import Glibc
#endif

/// JSONTestSuite (nst/JSONTestSuite, `../shared/data/json-test-suite/test_parsing/`):
/// `y_` must be accepted, `n_` must be rejected, `i_` may go either way but must not crash, and
/// our choice for each `i_` file is pinned (docs/conformance.md lists it).
@Suite("JSONTestSuite conformance")
struct JSONConformanceTests {
    static let suiteFolder = "json-test-suite"

    /// `(name, bytes)` of every file with a prefix, or nil when the corpus is missing.
    static func files(prefix: String) -> [(name: String, bytes: [UInt8])]? {
        guard let base = TestSupport.sharedData(suiteFolder) else { return nil }
        let dir = base + "/test_parsing"
        return TestSupport.listDirectory(dir).filter { $0.hasPrefix(prefix) }.compactMap { name in
            guard let bytes = TestSupport.readFile(dir + "/" + name) else {
                Issue.record("cannot read \(dir)/\(name)")
                return nil
            }
            return (name, bytes)
        }
    }

    static func parse(_ name: String, _ bytes: [UInt8]) -> (SourceFile, Result<Document, ParseError>) {
        let file = SourceFile(path: name, bytes: bytes)
        return (file, JSONParser.parse(file: file))
    }

    @Test func corpusHasTheExpectedSize() throws {
        guard let y = Self.files(prefix: "y_"), let n = Self.files(prefix: "n_"), let i = Self.files(prefix: "i_") else { return }
        // SOURCE.md: 95 y_, 188 n_, 35 i_. A different count means a different corpus.
        #expect(y.count == 95)
        #expect(n.count == 188)
        #expect(i.count == 35)
    }

    @Test func everyYFileIsAccepted() {
        guard let files = Self.files(prefix: "y_") else { return }
        for (name, bytes) in files {
            let (_, result) = Self.parse(name, bytes)
            if case .failure(let e) = result {
                Issue.record("\(name) rejected: \(e.message) at \(e.offset)")
            }
        }
    }

    @Test func everyNFileIsRejectedWithAnOffsetInTheFile() {
        guard let files = Self.files(prefix: "n_") else { return }
        for (name, bytes) in files {
            let (_, result) = Self.parse(name, bytes)
            switch result {
            case .success:
                Issue.record("\(name) accepted, but must be rejected")
            case .failure(let e):
                #expect((0...bytes.count).contains(e.offset), "\(name): offset \(e.offset) outside 0...\(bytes.count)")
                #expect(!e.message.isEmpty, "\(name): empty message")
            }
        }
    }

    /// Our choice for every implementation-defined file (true = accepted). Keep in step with
    /// the i_ table of docs/conformance.md.
    static let implementationDefined: [String: Bool] = [
        "i_number_double_huge_neg_exp.json": true,
        "i_number_huge_exp.json": true,
        "i_number_neg_int_huge_exp.json": true,
        "i_number_pos_double_huge_exp.json": true,
        "i_number_real_neg_overflow.json": true,
        "i_number_real_pos_overflow.json": true,
        "i_number_real_underflow.json": true,
        "i_number_too_big_neg_int.json": true,
        "i_number_too_big_pos_int.json": true,
        "i_number_very_big_negative_int.json": true,
        "i_object_key_lone_2nd_surrogate.json": true,
        "i_string_1st_surrogate_but_2nd_missing.json": true,
        "i_string_1st_valid_surrogate_2nd_invalid.json": true,
        "i_string_UTF-16LE_with_BOM.json": false,
        "i_string_UTF-8_invalid_sequence.json": false,
        "i_string_UTF8_surrogate_U+D800.json": false,
        "i_string_incomplete_surrogate_and_escape_valid.json": true,
        "i_string_incomplete_surrogate_pair.json": true,
        "i_string_incomplete_surrogates_escape_valid.json": true,
        "i_string_invalid_lonely_surrogate.json": true,
        "i_string_invalid_surrogate.json": true,
        "i_string_invalid_utf-8.json": false,
        "i_string_inverted_surrogates_U+1D11E.json": true,
        "i_string_iso_latin_1.json": false,
        "i_string_lone_second_surrogate.json": true,
        "i_string_lone_utf8_continuation_byte.json": false,
        "i_string_not_in_unicode_range.json": false,
        "i_string_overlong_sequence_2_bytes.json": false,
        "i_string_overlong_sequence_6_bytes.json": false,
        "i_string_overlong_sequence_6_bytes_null.json": false,
        "i_string_truncated-utf-8.json": false,
        "i_string_utf16BE_no_BOM.json": false,
        "i_string_utf16LE_no_BOM.json": false,
        "i_structure_500_nested_arrays.json": true,
        "i_structure_UTF-8_BOM_empty_object.json": true,
    ]

    @Test func implementationDefinedFilesDoNotCrashAndKeepTheirOutcome() {
        guard let files = Self.files(prefix: "i_") else { return }
        #expect(Set(files.map(\.name)) == Set(Self.implementationDefined.keys), "the i_ list is out of date")
        for (name, bytes) in files {
            let (_, result) = Self.parse(name, bytes)
            let accepted: Bool
            switch result {
            case .success: accepted = true
            case .failure(let e):
                accepted = false
                #expect((0...bytes.count).contains(e.offset), "\(name): offset \(e.offset) outside the file")
            }
            if let expected = Self.implementationDefined[name] {
                #expect(accepted == expected, "\(name): \(accepted ? "accepted" : "rejected"), pinned as \(expected ? "accepted" : "rejected")")
            }
        }
    }

    /// docs/conformance.md shows the same outcome for every i_ file.
    @Test func docsShowEveryImplementationDefinedOutcome() throws {
        let bytes = try #require(TestSupport.readFile(TestSupport.packageRoot + "/docs/conformance.md"), "docs/conformance.md is missing")
        let text = String(decoding: bytes, as: UTF8.self)
        for (name, accepted) in Self.implementationDefined {
            #expect(text.contains("| `\(name)` | \(accepted ? "accepted" : "rejected")"), "docs/conformance.md: \(name)")
        }
    }

    /// Lone surrogates in `\u` escapes are accepted and read as U+FFFD; invalid UTF-8 bytes are not.
    @Test func loneSurrogateEscapesBecomeReplacementCharacters() throws {
        let file = SourceFile(path: "s.json", text: #"["\uD800", "\uDC00x", "\uD834\uDD1E", "\uDD1E\uD834", "\uD800\u0041"]"#)
        let doc = try JSONParser.parse(file: file).get()
        #expect(doc.root.elements.map { $0.string } == ["\u{FFFD}", "\u{FFFD}x", "\u{1D11E}", "\u{FFFD}\u{FFFD}", "\u{FFFD}A"])
    }

    // MARK: Exact error positions

    struct ExpectedError: Sendable, CustomTestStringConvertible {
        var file: String
        var offset: Int
        var line: Int
        var column: Int
        var message: String
        var testDescription: String { file }
    }

    static let exactErrors: [ExpectedError] = [
        ExpectedError(file: "n_array_extra_comma.json", offset: 4, line: 1, column: 5, message: "trailing commas are not allowed"),
        ExpectedError(file: "n_object_trailing_comma.json", offset: 8, line: 1, column: 9, message: "trailing commas are not allowed"),
        ExpectedError(file: "n_number_-01.json", offset: 1, line: 1, column: 2, message: "leading zeros"),
        ExpectedError(file: "n_string_unescaped_tab.json", offset: 2, line: 1, column: 3, message: "control character U+0009"),
        ExpectedError(file: "n_string_unescaped_newline.json", offset: 5, line: 1, column: 6, message: "control character U+000A"),
        ExpectedError(file: "n_structure_unclosed_array.json", offset: 2, line: 1, column: 3, message: "unexpected end of input"),
        ExpectedError(file: "n_array_newlines_unclosed.json", offset: 11, line: 3, column: 4, message: "unexpected end of input: expected a value"),
        ExpectedError(file: "n_array_unclosed_with_new_lines.json", offset: 8, line: 3, column: 3, message: "unexpected end of input: expected ',' or ']'"),
        ExpectedError(file: "n_object_missing_colon.json", offset: 5, line: 1, column: 6, message: "expected ':'"),
        ExpectedError(file: "n_object_unquoted_key.json", offset: 1, line: 1, column: 2, message: "member names must be double-quoted"),
        ExpectedError(file: "n_string_escape_x.json", offset: 2, line: 1, column: 3, message: "invalid escape sequence"),
        ExpectedError(file: "n_string_invalid_utf8_after_escape.json", offset: 2, line: 1, column: 3, message: "invalid escape sequence"),
        ExpectedError(file: "n_number_invalid-utf-8-in-int.json", offset: 2, line: 1, column: 3, message: "byte 0xE5"),
        ExpectedError(file: "n_structure_trailing_#.json", offset: 9, line: 1, column: 10, message: "after the end of the JSON value"),
        ExpectedError(file: "n_multidigit_number_then_00.json", offset: 3, line: 1, column: 4, message: "a NUL byte"),
        ExpectedError(file: "n_single_space.json", offset: 1, line: 1, column: 2, message: "empty document"),
        // A BOM and nothing else: the offset is after the BOM, and the BOM is not a column.
        ExpectedError(file: "n_structure_UTF8_BOM_no_data.json", offset: 3, line: 1, column: 1, message: "empty document"),
        // The 513th '[' is the first one too deep.
        ExpectedError(file: "n_structure_100000_opening_arrays.json", offset: 512, line: 1, column: 513, message: "nesting deeper than 512 levels"),
        ExpectedError(file: "n_structure_open_array_object.json", offset: 5 * 256, line: 1, column: 5 * 256 + 1, message: "nesting deeper than 512 levels"),
    ]

    @Test(arguments: exactErrors)
    func exactErrorPosition(_ expected: ExpectedError) throws {
        guard let base = TestSupport.sharedData(Self.suiteFolder) else { return }
        let bytes = try #require(TestSupport.readFile(base + "/test_parsing/" + expected.file))
        let (file, result) = Self.parse(expected.file, bytes)
        guard case .failure(let e) = result else {
            Issue.record("\(expected.file) was accepted")
            return
        }
        #expect(e.offset == expected.offset, "message: \(e.message)")
        let pos = file.position(ofOffset: e.offset)
        #expect(pos.line == expected.line)
        #expect(pos.column == expected.column)
        #expect(e.message.contains(expected.message), "message: \(e.message)")
    }

    // MARK: Trees against a reference decoder

    /// A canonical rendering of a value that Python's `json` module can produce too:
    /// `n`, `t`, `f`, `i<decimal>` for integers, `f<hex bits of the double>` for numbers with a
    /// fraction or exponent, `s<hex of the UTF-8>` for strings, `[…]`, `{key:value,…}` in document
    /// order with duplicates kept.
    static func canonical(_ node: Node) -> String {
        switch node.kind {
        case .null: return "n"
        case .bool: return node.bool! ? "t" : "f"
        case .number:
            let text = node.scalarText!
            if text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
                guard let d = Double(text) else { return "?" + text }
                return "f" + String(d.bitPattern, radix: 16)
            }
            return "i" + (text == "-0" ? "0" : text)
        case .string:
            return "s" + node.withValueBytes { hex($0) }
        case .array:
            return "[" + node.elements.map(canonical).joined(separator: ",") + "]"
        case .object:
            return "{" + node.members.map { canonical($0.key) + ":" + canonical($0.value) }.joined(separator: ",") + "}"
        }
    }

    static func hex(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static let referenceScript = #"""
import json, os, re, struct, sys
d = sys.argv[1]
def canon(v):
    if v is None: return 'n'
    if v is True: return 't'
    if v is False: return 'f'
    if isinstance(v, int): return 'i' + str(v)
    if isinstance(v, float): return 'f' + format(struct.unpack('<Q', struct.pack('<d', v))[0], 'x')
    if isinstance(v, str): return 's' + re.sub('[\ud800-\udfff]', '\ufffd', v).encode('utf-8').hex()
    if isinstance(v, list): return '[' + ','.join(canon(x) for x in v) + ']'
    return '{' + ','.join(canon(k) + ':' + canon(x) for k, x in v[1]) + '}'
for name in sorted(os.listdir(d)):
    if not name.startswith('y_'): continue
    with open(os.path.join(d, name), 'rb') as f: data = f.read()
    try:
        v = json.loads(data.decode('utf-8'), object_pairs_hook=lambda p: ('o', p))
        print(name + '\t' + canon(v))
    except Exception as e:
        print(name + '\tERROR ' + type(e).__name__)
"""#

    /// Runs a shell command and returns its standard output and exit status.
    static func run(_ command: String) -> (output: String, status: Int32) {
        guard let pipe = popen(command, "r") else { return ("", -1) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, pipe)
            if n <= 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        let status = pclose(pipe)
        return (String(decoding: bytes, as: UTF8.self), (status >> 8) & 0xFF)
    }

    /// Every y_ file's tree equals the one Python's `json` module decodes (values, types, key
    /// order, duplicate keys, escapes, surrogate pairs, number values bit for bit).
    @Test func yTreesMatchPythonJSON() {
        guard let base = TestSupport.sharedData(Self.suiteFolder), let files = Self.files(prefix: "y_") else { return }
        let dir = base + "/test_parsing"
        let command = "command -v python3 >/dev/null 2>&1 || exit 127\npython3 - '\(dir)' <<'ROLECHECK_PY'\n\(Self.referenceScript)\nROLECHECK_PY\n"
        let (output, status) = Self.run(command)
        if status == 127 {
            if TestSupport.isCI { Issue.record("python3 is required under CI=true for the reference decoding") }
            else { print("note: skipping the python3 reference comparison: python3 not found") }
            return
        }
        #expect(status == 0, "python3 exited with \(status)")
        var reference: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1)
            if parts.count == 2 { reference[String(parts[0])] = String(parts[1]) }
        }
        #expect(reference.count == files.count, "python3 decoded \(reference.count) of \(files.count) files")
        for (name, bytes) in files {
            guard let expected = reference[name] else { continue }
            #expect(!expected.hasPrefix("ERROR"), "python3 could not decode \(name): \(expected)")
            let (_, result) = Self.parse(name, bytes)
            guard case .success(let doc) = result else { continue } // reported by everyYFileIsAccepted
            let ours = Self.canonical(doc.root)
            #expect(ours == expected, "\(name): ours \(ours), python \(expected)")
        }
    }

    /// A few trees checked by hand, so the comparison runs even without python3.
    static let handChecked: [(String, String)] = [
        ("y_object_duplicated_key.json", "{s61:s62,s61:s63}"),
        ("y_string_accepted_surrogate_pair.json", "[sf09090b7]"),
        ("y_string_escaped_noncharacter.json", "[sefbfbf]"),
        ("y_string_allowed_escapes.json", "[s225c2f080c0a0d09]"),
        ("y_string_nonCharacterInUTF-8_U+FFFF.json", "[sefbfbf]"),
        ("y_number_minus_zero.json", "[i0]"),
        ("y_number_real_capital_e.json", "[f" + String((1e22 as Double).bitPattern, radix: 16) + "]"),
        ("y_structure_lonely_null.json", "n"),
        ("y_object_empty_key.json", "{s:i0}"),
        ("y_string_null_escape.json", "[s00]"),
    ]

    @Test(arguments: handChecked)
    func handCheckedTree(_ name: String, _ expected: String) throws {
        guard let base = TestSupport.sharedData(Self.suiteFolder) else { return }
        let bytes = try #require(TestSupport.readFile(base + "/test_parsing/" + name))
        let doc = try Self.parse(name, bytes).1.get()
        #expect(Self.canonical(doc.root) == expected)
    }
}
