import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckIAM
@testable import RoleCheckModel
@testable import RoleCheckRules
@testable import RoleCheckEngine
@testable import RoleCheckReporting

/// yaml-test-suite (`../shared/data/yaml-test-suite/data/`): error cases must be rejected, valid
/// cases accepted, and where `in.json` exists our tree must equal it. Every case where we knowingly
/// differ is listed in `YAMLConformanceTests.divergences` with its reason; an unlisted divergence
/// fails, and so does a listed case that no longer diverges (or diverges differently).
@Suite("yaml-test-suite conformance")
struct YAMLConformanceTests {
    struct Case: Sendable {
        /// `229Q`, or `2G84/00` for a sub-case.
        var id: String
        var folder: String
        var isError: Bool
        var hasJSON: Bool
    }

    enum Outcome: Hashable, Sendable, CustomStringConvertible {
        /// A valid case accepted, its tree equal to in.json (when there is one).
        case accepted
        /// An error case rejected.
        case rejected
        /// A valid case we reject.
        case validRejected
        /// An error case we accept.
        case errorAccepted
        /// A valid case accepted with a tree that differs from in.json.
        case treeDiffers

        var isDivergence: Bool { self != .accepted && self != .rejected }

        var description: String {
            switch self {
            case .accepted: "accepted"
            case .rejected: "rejected"
            case .validRejected: "valid, rejected"
            case .errorAccepted: "error, accepted"
            case .treeDiffers: "tree differs"
            }
        }
    }

    // MARK: The allow-list

    struct Divergence: Sendable {
        var outcome: Outcome
        var reason: String
        var ids: [String]
    }

    /// Every case where we knowingly differ from the suite, grouped by reason.
    static let divergences: [Divergence] = [
        // Our choice.
        Divergence(outcome: .validRejected,
                   reason: "rolecheck rejects complex (non-scalar) mapping keys on purpose: no AWS format uses them",
                   ids: ["4FJ6", "6BFJ", "6PBE", "9MMW", "KK5P", "LX3P", "M2N8/00", "M2N8/01", "M5DY", "Q9WF",
                         "RZP5", "SBG9", "V9D5", "X38W", "XW4D"]),

        // libyaml rejects valid YAML 1.2.
        Divergence(outcome: .validRejected,
                   reason: "libyaml: an empty implicit key (`: value` with no key) in a block or flow mapping",
                   ids: ["2JQS", "6M2F", "CFD4", "NHX8", "NKF9", "S3PD", "SM9W/01", "UKK6/00"]),
        Divergence(outcome: .validRejected,
                   reason: "libyaml: `:` next to a flow scalar or indicator (`{x: :x}`, `\"key\":value`, `::vector`, `[:x]`, `omitted value:,`)",
                   ids: ["4ABK", "58MP", "5T43", "DBG4", "FRK4", "HM87/00"]),
        Divergence(outcome: .validRejected,
                   reason: "libyaml: an implicit flow-mapping key over several lines, or its `:` on a later line",
                   ids: ["4MUZ/00", "4MUZ/01", "4MUZ/02", "5MUD", "9SA2", "K3WX", "NJ66", "UT92", "VJP3/01"]),
        Divergence(outcome: .validRejected,
                   reason: "libyaml: a tab used as separation (before a flow collection, after `-` or `:`, on a blank line, at the start of block-scalar content)",
                   ids: ["6BCT", "6CA3", "96NN/00", "96NN/01", "A2M4", "DK95/00", "DK95/03", "DK95/04", "Q5MG", "R4YG",
                         "Y79Y/001", "Y79Y/010"]),
        Divergence(outcome: .validRejected,
                   reason: "libyaml: a top-level block scalar after `--- |` / `--- >` whose content is not indented",
                   ids: ["DK3J", "FP8R", "W4TN"]),
        Divergence(outcome: .validRejected,
                   reason: "libyaml: a bare document (no `---`) after a `...` document-end marker",
                   ids: ["7Z25", "M7A3"]),
        Divergence(outcome: .validRejected,
                   reason: "libyaml: a stream made of a `...` document-end marker and no document",
                   ids: ["HWV9", "QT73"]),
        Divergence(outcome: .validRejected,
                   reason: "libyaml: `%YAML 1.3` and reserved directives (`%FOO`, `%YAM`, `%YAMLL`) are errors, not warnings",
                   ids: ["2LFX", "6LVF", "BEC7", "MUS6/05", "MUS6/06"]),
        Divergence(outcome: .validRejected,
                   reason: "libyaml: anchor and alias names may only hold letters, digits, `-` and `_` (YAML 1.2 allows any non-space, non-flow-indicator character)",
                   ids: ["2SXE", "8XYN", "W5VH"]),

        // libyaml reads valid YAML 1.2 differently.
        Divergence(outcome: .treeDiffers,
                   reason: "libyaml ends an anchor name at `:` (`&an:chor value` reads as anchor `an`, value `:chor value`)",
                   ids: ["Y2GN"]),
        Divergence(outcome: .treeDiffers,
                   reason: "libyaml reads `?` followed by a non-space in a flow collection as an explicit-key indicator (`[?x]`, `{ ?foo: bar }`)",
                   ids: ["652Z", "HM87/01"]),
        Divergence(outcome: .treeDiffers,
                   reason: "libyaml mishandles a block scalar whose last line holds only spaces and has no line break (the trailing line break is lost)",
                   ids: ["JEF9/02", "L24T/01"]),

        // libyaml accepts invalid YAML.
        Divergence(outcome: .errorAccepted,
                   reason: "libyaml: a comment not separated from the token before it by whitespace",
                   ids: ["9JBA", "CVW2", "MUS6/00", "SU5Z", "X4QW"]),
        Divergence(outcome: .errorAccepted,
                   reason: "libyaml: the indentation of flow collections and multi-line quoted scalars (tabs included) is not checked",
                   ids: ["9C9N", "DK95/01", "QB6E", "Y79Y/003"]),
        Divergence(outcome: .errorAccepted,
                   reason: "libyaml: `-` alone as a plain scalar inside a flow sequence",
                   ids: ["G5U8", "YJV2"]),
        Divergence(outcome: .errorAccepted,
                   reason: "libyaml: a directive after a document that was not ended with `...`",
                   ids: ["9HCY", "EB22", "MUS6/01", "RHX7"]),
        Divergence(outcome: .errorAccepted,
                   reason: "libyaml: leading blank lines of a block scalar more indented than its first content line",
                   ids: ["S98Z"]),
    ]

    // MARK: Running the suite

    static func cases() -> [Case]? {
        guard let base = TestSupport.sharedData("yaml-test-suite") else { return nil }
        let data = base + "/data"
        var out: [Case] = []
        func leaf(_ id: String, _ folder: String) -> Case? {
            let names = Set(TestSupport.listDirectory(folder))
            guard names.contains("in.yaml") else { return nil }
            return Case(id: id, folder: folder, isError: names.contains("error"), hasJSON: names.contains("in.json"))
        }
        for id in TestSupport.listDirectory(data) {
            let folder = data + "/" + id
            if let c = leaf(id, folder) {
                out.append(c)
                continue
            }
            for sub in TestSupport.listDirectory(folder) {
                if let c = leaf(id + "/" + sub, folder + "/" + sub) { out.append(c) }
            }
        }
        return out
    }

    /// Runs one case; `detail` says what went wrong for a divergence.
    static func run(_ c: Case) -> (outcome: Outcome, detail: String) {
        guard let bytes = TestSupport.readFile(c.folder + "/in.yaml") else { return (.validRejected, "cannot read in.yaml") }
        let file = SourceFile(path: c.id + "/in.yaml", bytes: bytes)
        let result = YAMLLoader.parse(file: file)
        if c.isError {
            return result.error == nil ? (.errorAccepted, "\(result.documents.count) document(s)") : (.rejected, "")
        }
        if let e = result.error {
            let p = file.position(ofOffset: e.offset)
            return (.validRejected, "\(e.message) at \(p.line):\(p.column)")
        }
        guard c.hasJSON, let jsonBytes = TestSupport.readFile(c.folder + "/in.json") else { return (.accepted, "") }
        let expected: [Document]
        switch jsonStream(jsonBytes, path: c.id + "/in.json") {
        case .success(let docs): expected = docs
        case .failure(let e): return (.treeDiffers, "in.json unreadable: \(e.message)")
        }
        if expected.count != result.documents.count {
            return (.treeDiffers, "\(result.documents.count) document(s), in.json has \(expected.count)")
        }
        for (k, (ours, theirs)) in zip(result.documents, expected).enumerated() {
            if let diff = difference(ours.root, theirs.root) { return (.treeDiffers, "document \(k): \(diff)") }
        }
        return (.accepted, "")
    }

    /// Splits a stream of JSON values (in.json may hold one per YAML document) and parses each.
    static func jsonStream(_ bytes: [UInt8], path: String) -> Result<[Document], ParseError> {
        var docs: [Document] = []
        var i = 0
        let n = bytes.count
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
        while true {
            while i < n && isSpace(bytes[i]) { i += 1 }
            if i >= n { return .success(docs) }
            let start = i
            var depth = 0
            var inString = false
            while i < n {
                let b = bytes[i]
                if inString {
                    if b == UInt8(ascii: "\\") { i += 1 } else if b == UInt8(ascii: "\"") { inString = false }
                } else if b == UInt8(ascii: "\"") {
                    inString = true
                } else if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                    depth += 1
                } else if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                    depth -= 1
                } else if depth == 0 && isSpace(b) {
                    break
                }
                i += 1
                if depth == 0 && !inString && (b == UInt8(ascii: "}") || b == UInt8(ascii: "]") || b == UInt8(ascii: "\"")) { break }
            }
            let file = SourceFile(path: path, bytes: Array(bytes[start..<i]))
            switch JSONParser.parse(file: file) {
            case .success(let d): docs.append(d)
            case .failure(let e): return .failure(e)
            }
        }
    }

    /// Structural equality of our YAML tree with the JSON one: same kinds, strings, numbers by
    /// value, keys as strings in order. Nil when equal, else where they differ.
    static func difference(_ y: Node, _ j: Node, path: String = "") -> String? {
        let here = path.isEmpty ? "/" : path
        switch j.kind {
        case .object:
            guard y.kind == .object else { return "\(here): \(y.kind), expected an object" }
            // JSON objects are unordered (in.json does not always keep the YAML order).
            let ym = y.members, jm = j.members
            guard ym.count == jm.count else { return "\(here): \(ym.count) members, expected \(jm.count)" }
            let ourKeys = ym.map { $0.key.scalarText ?? "<\($0.key.kind)>" }
            let theirKeys = jm.map { $0.key.string ?? "" }
            guard ourKeys.sorted() == theirKeys.sorted() else {
                return "\(here): keys \(ourKeys.map(debug)), expected \(theirKeys.map(debug))"
            }
            for (key, value) in zip(theirKeys, jm.map(\.value)) {
                guard let ours = y[key] else { return "\(here): no key \(debug(key))" }
                if let d = difference(ours, value, path: path + "/" + key) { return d }
            }
            return nil
        case .array:
            guard y.kind == .array else { return "\(here): \(y.kind), expected an array" }
            let ye = y.elements, je = j.elements
            guard ye.count == je.count else { return "\(here): \(ye.count) elements, expected \(je.count)" }
            for (k, (a, b)) in zip(ye, je).enumerated() {
                if let d = difference(a, b, path: path + "/\(k)") { return d }
            }
            return nil
        case .string:
            guard y.kind == .string else { return "\(here): \(y.kind) \(debug(y.scalarText ?? "")), expected string \(debug(j.string!))" }
            return y.string == j.string ? nil : "\(here): \(debug(y.string!)), expected \(debug(j.string!))"
        case .number:
            guard y.kind == .number else { return "\(here): \(y.kind) \(debug(y.scalarText ?? "")), expected number \(j.scalarText!)" }
            return y.number == j.number ? nil : "\(here): \(y.scalarText!), expected \(j.scalarText!)"
        case .bool:
            return y.bool == j.bool ? nil : "\(here): \(y.kind) \(debug(y.scalarText ?? "")), expected \(j.scalarText!)"
        case .null:
            return y.kind == .null ? nil : "\(here): \(y.kind) \(debug(y.scalarText ?? "")), expected null"
        }
    }

    static func debug(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: out += u.value < 0x20 || u.value == 0x7F ? "\\u{\(String(u.value, radix: 16))}" : String(u)
            }
        }
        return out + "\""
    }

    // MARK: Tests

    @Test func corpusHasTheExpectedSize() {
        guard let cases = Self.cases() else { return }
        // SOURCE.md: 402 leaf cases, 94 with an `error` marker.
        #expect(cases.count == 402)
        #expect(cases.filter(\.isError).count == 94)
    }

    @Test func allowListIsWellFormed() {
        var seen: Set<String> = []
        for d in Self.divergences {
            #expect(d.outcome.isDivergence, "\(d.reason): \(d.outcome) is not a divergence")
            #expect(!d.reason.isEmpty)
            for id in d.ids {
                #expect(seen.insert(id).inserted, "\(id) is listed twice")
            }
        }
    }

    /// Runs every case; compares each outcome with the allow-list in both directions.
    @Test func everyCaseMatchesTheSuiteOrIsAListedDivergence() {
        guard let cases = Self.cases() else { return }
        var listed: [String: Divergence] = [:]
        for d in Self.divergences { for id in d.ids { listed[id] = d } }
        let known = Set(cases.map(\.id))
        for id in listed.keys where !known.contains(id) {
            Issue.record("\(id) is on the allow-list but is not a case of the suite")
        }
        var counts: [Outcome: Int] = [:]
        var comparedWithJSON = 0
        for c in cases {
            let (outcome, detail) = Self.run(c)
            counts[outcome, default: 0] += 1
            if outcome == .accepted && c.hasJSON { comparedWithJSON += 1 }
            if let d = listed[c.id] {
                if outcome != d.outcome {
                    Issue.record("\(c.id): listed as \(d.outcome) (\(d.reason)), but it is now \(outcome) \(detail) — update the allow-list and docs/conformance.md")
                }
            } else if outcome.isDivergence {
                Issue.record("\(c.id): \(outcome): \(detail) — a new divergence; fix it or list it with a reason")
            }
        }
        let summary = [Outcome.accepted, .rejected, .validRejected, .treeDiffers, .errorAccepted]
            .map { "\($0) \(counts[$0, default: 0])" }.joined(separator: ", ")
        print("note: yaml-test-suite: \(cases.count) cases: \(summary); \(comparedWithJSON) accepted trees equal in.json")
    }

    /// docs/conformance.md names every listed case, so the document and the list stay in step.
    @Test func docsListEveryDivergence() throws {
        let path = TestSupport.packageRoot + "/docs/conformance.md"
        let bytes = try #require(TestSupport.readFile(path), "docs/conformance.md is missing")
        let text = String(decoding: bytes, as: UTF8.self)
        for d in Self.divergences {
            for id in d.ids {
                #expect(text.contains("`\(id)`"), "docs/conformance.md does not list \(id)")
            }
        }
    }
}
