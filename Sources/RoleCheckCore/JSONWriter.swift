
/// A JSON value whose objects keep their keys in the order they were written, so that the
/// serialisation is byte-for-byte deterministic.
package enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    /// A finite number; NaN and infinities are written as `null` (JSON has no spelling for them).
    case double(Double)
    case string(String)
    case array([JSONValue])
    /// Members in output order. Keys are not checked for uniqueness: callers write fixed keys.
    case object([(String, JSONValue)])

    /// `.string(s)`, or `.null` when `s` is nil.
    package static func nullable(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
}

/// Serialises `JSONValue`s (RFC 8259).
///
/// - Strings: `"` and `\` are escaped; the control characters U+0000–U+001F are written as
///   `\b \f \n \r \t` or `\u00XX`; everything else, non-ASCII included, is written as UTF-8.
/// - Numbers: integers in decimal; doubles in Swift's shortest round-trip form (`8.0`, `1e-05`),
///   which is valid JSON.
/// - Pretty printing: two-space indentation, `"key": value`, `[]` and `{}` for empty containers,
///   no trailing spaces.
package struct JSONWriter {
    var pretty: Bool

    package init(pretty: Bool = true) {
        self.pretty = pretty
    }

    /// The serialised document followed by a newline.
    package func document(_ value: JSONValue) -> String {
        var out = ""
        write(value, indent: 0, into: &out)
        out += "\n"
        return out
    }

    /// The serialised value, without a trailing newline.
    func string(_ value: JSONValue) -> String {
        var out = ""
        write(value, indent: 0, into: &out)
        return out
    }

    func write(_ value: JSONValue, indent: Int, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += d.isFinite ? String(d) : "null"
        case .string(let s): JSONWriter.appendQuoted(s, to: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                newline(indent + 1, &out)
                write(item, indent: indent + 1, into: &out)
            }
            newline(indent, &out)
            out += "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (i, (key, item)) in members.enumerated() {
                if i > 0 { out += "," }
                newline(indent + 1, &out)
                JSONWriter.appendQuoted(key, to: &out)
                out += pretty ? ": " : ":"
                write(item, indent: indent + 1, into: &out)
            }
            newline(indent, &out)
            out += "}"
        }
    }

    private func newline(_ indent: Int, _ out: inout String) {
        guard pretty else { return }
        out += "\n"
        out += String(repeating: "  ", count: indent)
    }

    /// Appends `s` as a quoted JSON string: runs of bytes that need no escape are copied whole.
    static func appendQuoted(_ s: String, to out: inout String) {
        out += "\""
        let utf8 = s.utf8
        var runStart = utf8.startIndex
        var i = runStart
        while i != utf8.endIndex {
            let b = utf8[i]
            guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else {
                i = utf8.index(after: i)
                continue
            }
            out += s[runStart..<i]
            switch b {
            case UInt8(ascii: "\""): out += "\\\""
            case UInt8(ascii: "\\"): out += "\\\\"
            case UInt8(ascii: "\n"): out += "\\n"
            case UInt8(ascii: "\r"): out += "\\r"
            case UInt8(ascii: "\t"): out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            default:
                let hex = String(b, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
            i = utf8.index(after: i)
            runStart = i
        }
        out += s[runStart..<utf8.endIndex]
        out += "\""
    }
}

/// JSON string literals for callers outside the reporters (the CLI's `rules --format json`).
public enum JSONText {
    /// `s` as a quoted JSON string (RFC 8259 escaping, as in every rolecheck report).
    public static func quoted(_ s: String) -> String {
        var out = ""
        JSONWriter.appendQuoted(s, to: &out)
        return out
    }
}
