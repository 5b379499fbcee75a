import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel
import RoleCheckRules

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A day (`YYYY-MM-DD`), for the `until:` of suppressions. Dates are days in UTC.
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// A valid date, or nil (`2026-02-30` is not one).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
              day <= CalendarDate.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Reads exactly `YYYY-MM-DD` (four, two and two digits).
    public init?(parsing text: String) {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        func number(_ r: Range<Int>) -> Int? {
            var n = 0
            for i in r {
                guard b[i] >= UInt8(ascii: "0") && b[i] <= UInt8(ascii: "9") else { return nil }
                n = n * 10 + Int(b[i] - UInt8(ascii: "0"))
            }
            return n
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Today in UTC, from the system clock.
    public static func today() -> CalendarDate {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        return CalendarDate(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
            ?? CalendarDate(year: 1970, month: 1, day: 1)!
    }

    public static func < (a: CalendarDate, b: CalendarDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public var description: String {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}

/// Why a finding is not reported: an inline comment, an entry of the configuration's
/// `suppressions`, or the baseline. SARIF writes it as a `suppression` object (§3.35).
public struct Suppression: Sendable, Hashable {
    public enum Source: String, Sendable, Hashable {
        /// A `# rolecheck:ignore` comment in the file (SARIF kind `inSource`).
        case comment
        /// An entry of the configuration's `suppressions` (SARIF kind `external`).
        case configuration
        /// The baseline file (SARIF kind `external`, justification `baseline`).
        case baseline
    }

    public var source: Source
    /// The reason given (`baseline` for the baseline).
    public var justification: String
    /// The last day the suppression applies, if it has one.
    public var until: CalendarDate?
    /// The comment, or the configuration entry; nil for the baseline.
    public var location: Location?

    public init(source: Source, justification: String, until: CalendarDate? = nil, location: Location? = nil) {
        self.source = source
        self.justification = justification
        self.until = until
        self.location = location
    }

    /// SARIF's `suppression.kind`: `inSource` or `external`.
    public var kind: String { source == .comment ? "inSource" : "external" }
}

/// A finding that a suppression or the baseline hides: not counted for the exit code, not shown
/// in text output, written to SARIF and JSON with its suppression.
public struct SuppressedFinding: Sendable, Hashable {
    public var finding: Finding
    public var suppression: Suppression

    public init(finding: Finding, suppression: Suppression) {
        self.finding = finding
        self.suppression = suppression
    }
}

/// A `# rolecheck:ignore RC301, RC302 -- reason until: 2026-12-31` comment in a YAML file.
struct SuppressionComment: Sendable {
    /// The comment from its `#` to the end of its text.
    var location: Location
    /// The comment's text after `#`, trimmed (the identity of RC006 findings about it).
    var text: String
    /// The line whose findings it suppresses: its own line for a comment after other text; for a
    /// comment alone on its line, the next line that is not itself only a comment.
    var targetLine: Int
    var ruleIds: [String]
    var reason: String
    var until: CalendarDate?
    /// Why the comment suppresses nothing (no reason, an unknown rule, a bad date …); nil when valid.
    var problem: String?
}

/// Finds `rolecheck:` comments in YAML files. libyaml does not report comments, so the source
/// lines are scanned: a comment starts at a `#` at the start of a line or after a space or a tab,
/// outside every scalar of the parsed documents (so a `#` inside a quoted string or a block
/// scalar is not one). In a file that did not parse, scalars are unknown past the error: there,
/// a `#` after an opening `'` or `"` at the start of a value on the same line is taken as text.
enum SuppressionScanner {
    static let marker = Array("rolecheck:".utf8)
    static let directive = "rolecheck:ignore"

    static func scan(_ file: SourceFile, documents: [Document], parsed: Bool) -> [SuppressionComment] {
        let bytes = file.bytes
        guard contains(bytes, marker, from: 0, to: bytes.count) else { return [] }
        let scalars = scalarRanges(documents)
        let starts = file.lineStarts
        func lineBounds(_ line: Int) -> (Int, Int) {
            var s = Int(starts[line - 1])
            if line == 1 { s = max(s, file.bomLength) }
            var e = line < starts.count ? Int(starts[line]) : bytes.count
            while e > s && (bytes[e - 1] == 0x0A || bytes[e - 1] == 0x0D) { e -= 1 }
            return (s, e)
        }
        func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        /// Whether the line holds nothing but a comment (or nothing but blanks when `orBlank`).
        func commentOnly(_ line: Int) -> Bool {
            let (s, e) = lineBounds(line)
            var i = s
            while i < e && isBlank(bytes[i]) { i += 1 }
            return i < e && bytes[i] == UInt8(ascii: "#") && !inScalar(i, scalars)
        }

        var out: [SuppressionComment] = []
        for line in 1...starts.count {
            let (s, e) = lineBounds(line)
            guard contains(bytes, marker, from: s, to: e), let hash = commentStart(bytes, s, e, scalars, heuristic: !parsed) else { continue }
            var t = hash + 1
            while t < e && isBlank(bytes[t]) { t += 1 }
            guard t + marker.count <= e, Array(bytes[t..<(t + marker.count)]) == marker else { continue }
            var textEnd = e
            while textEnd > t && isBlank(bytes[textEnd - 1]) { textEnd -= 1 }
            let text = String(decoding: bytes[t..<textEnd], as: UTF8.self)
            var before = s
            while before < hash && isBlank(bytes[before]) { before += 1 }
            var target = line
            if before == hash {
                target = line + 1
                while target <= starts.count && commentOnly(target) { target += 1 }
            }
            let location = Location(file: file.path, range: file.range(from: hash, to: textEnd), pointer: nil,
                                    documentIndex: documentIndex(at: hash, documents))
            out.append(parse(text, location: location, targetLine: target))
        }
        return out
    }

    /// Reads the comment's text (after `#`, starting with `rolecheck:`).
    static func parse(_ text: String, location: Location, targetLine: Int) -> SuppressionComment {
        var comment = SuppressionComment(location: location, text: text, targetLine: targetLine, ruleIds: [], reason: "",
                                         until: nil, problem: nil)
        let word = text.prefix { !$0.isWhitespace }
        guard word == directive else {
            comment.problem = "'\(word)' is not a rolecheck directive (write # rolecheck:ignore RCnnn -- reason); this comment suppresses nothing"
            return comment
        }
        var rest = Substring(text.dropFirst(directive.count))
        var reasonText: Substring = ""
        var hasSeparator = false
        if let range = rest.firstRange(of: "--") {
            reasonText = rest[range.upperBound...]
            rest = rest[..<range.lowerBound]
            hasSeparator = true
        }
        let tokens = rest.split { $0 == "," || $0.isWhitespace }.map(String.init)
        let known = Set(RuleCatalog.summaries.map(\.id))
        func looksLikeRuleId(_ t: String) -> Bool {
            t.count > 2 && t.uppercased().hasPrefix("RC") && t.dropFirst(2).allSatisfy(\.isNumber)
        }
        if let stray = tokens.first(where: { !looksLikeRuleId($0) }) {
            comment.problem = hasSeparator
                ? "'\(stray)' is not a rule id (# rolecheck:ignore RC301, RC302 -- reason); this comment suppresses nothing"
                : "the suppression has no reason, so it suppresses nothing; write one after ' -- ' (# rolecheck:ignore RC301 -- why)"
            return comment
        }
        guard !tokens.isEmpty else {
            comment.problem = "name the rules to ignore (# rolecheck:ignore RC301 -- reason); this comment suppresses nothing"
            return comment
        }
        for token in tokens.map({ $0.uppercased() }) where !known.contains(token) {
            comment.problem = "'\(token)' is not a rolecheck rule (rolecheck rules lists them); this comment suppresses nothing"
            return comment
        }
        if tokens.contains(where: { $0.uppercased() == FindingFilters.suppressionRuleId }) {
            comment.problem = "\(FindingFilters.suppressionRuleId) cannot be suppressed (turn it off in the configuration's rules instead); this comment suppresses nothing"
            return comment
        }
        comment.ruleIds = Array(Set(tokens.map { $0.uppercased() })).sorted()
        var reason = reasonText
        if let range = reason.ranges(of: "until:").last {
            let dateText = reason[range.upperBound...].trimmedBlanks
            guard let date = CalendarDate(parsing: String(dateText)) else {
                comment.problem = "'until: \(dateText)' is not a date written YYYY-MM-DD; this comment suppresses nothing"
                return comment
            }
            comment.until = date
            reason = reason[..<range.lowerBound]
        }
        comment.reason = String(reason.trimmedBlanks)
        if comment.reason.isEmpty {
            comment.problem = hasSeparator
                ? "the suppression has no reason after '--', so it suppresses nothing; say why the finding is accepted"
                : "the suppression has no reason, so it suppresses nothing; write one after ' -- ' (# rolecheck:ignore \(comment.ruleIds.joined(separator: ", ")) -- why)"
        }
        return comment
    }

    /// The offset of the `#` that starts the line's comment, if any.
    static func commentStart(_ bytes: [UInt8], _ s: Int, _ e: Int, _ scalars: [Range<Int>], heuristic: Bool) -> Int? {
        var quote: UInt8? = nil
        var lastSignificant: UInt8? = nil   // the last non-blank byte outside quotes
        var i = s
        while i < e {
            let b = bytes[i]
            if let q = quote {
                if b == UInt8(ascii: "\\") && q == UInt8(ascii: "\"") { i += 2; continue }
                if b == q { quote = nil; lastSignificant = b }
                i += 1
                continue
            }
            if b == UInt8(ascii: "#") && (i == s || bytes[i - 1] == 0x20 || bytes[i - 1] == 0x09) && !inScalar(i, scalars) {
                return i
            }
            if heuristic && (b == UInt8(ascii: "'") || b == UInt8(ascii: "\"")) && !inScalar(i, scalars) {
                // A quote opens a quoted scalar only where a value starts.
                if lastSignificant == nil || [UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "["), UInt8(ascii: "{"),
                                              UInt8(ascii: ","), UInt8(ascii: "?")].contains(lastSignificant!) {
                    quote = b
                    i += 1
                    continue
                }
            }
            if b != 0x20 && b != 0x09 { lastSignificant = b }
            i += 1
        }
        return nil
    }

    /// The byte ranges of every scalar (keys included) of the documents, in file order.
    static func scalarRanges(_ documents: [Document]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        for doc in documents {
            guard case .file = doc.origin else { continue }
            for r in doc.records where r.kind != .array && r.kind != .object && r.flags & NodeRecord.flagAlias == 0 {
                let start = Int(r.start), end = Int(max(r.start, r.end))
                if end > start { out.append(start..<end) }
            }
        }
        out.sort { $0.lowerBound < $1.lowerBound }
        return out
    }

    static func inScalar(_ offset: Int, _ scalars: [Range<Int>]) -> Bool {
        var lo = 0, hi = scalars.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if scalars[mid].lowerBound <= offset { lo = mid + 1 } else { hi = mid }
        }
        return lo > 0 && scalars[lo - 1].contains(offset)
    }

    static func documentIndex(at offset: Int, _ documents: [Document]) -> Int {
        var index = 0
        for doc in documents where Int(doc.records.first?.start ?? 0) <= offset { index = doc.streamIndex }
        return index
    }

    static func contains(_ bytes: [UInt8], _ needle: [UInt8], from: Int, to: Int) -> Bool {
        guard to - from >= needle.count else { return false }
        var i = from
        let first = needle[0]
        while i + needle.count <= to {
            if bytes[i] == first {
                var j = 1
                while j < needle.count && bytes[i + j] == needle[j] { j += 1 }
                if j == needle.count { return true }
            }
            i += 1
        }
        return false
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    var trimmedBlanks: Substring {
        var s = self
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return s
    }
}
