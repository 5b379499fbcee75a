import RoleCheckCore
import RoleCheckDocuments

/// IAM glob matching: `*` matches any run of characters (including none), `?` exactly one.
/// Used for actions (case-insensitive), resources and `StringLike`/`ArnLike` values
/// (case-sensitive). Works on UTF-8 bytes without allocating, in O(pattern × value) at worst,
/// with no recursion: a hostile pattern such as `*a*a*a*a*b` cannot blow up.
public enum Wildcard {
    /// Whether `value` matches `pattern`. `?` consumes one Unicode scalar, as AWS's matcher
    /// consumes one character; everything else compares byte for byte (no Unicode
    /// normalisation), and `caseInsensitive` folds ASCII letters only.
    public static func matches(_ pattern: String, _ value: String, caseInsensitive: Bool = false) -> Bool {
        var p = pattern, v = value
        return p.withUTF8 { pb in v.withUTF8 { vb in matches(pb, vb, caseInsensitive: caseInsensitive) } }
    }

    /// The byte-level matcher behind `matches`.
    static func matches(_ p: UnsafeBufferPointer<UInt8>, _ v: UnsafeBufferPointer<UInt8>, caseInsensitive: Bool) -> Bool {
        let star = UInt8(ascii: "*"), question = UInt8(ascii: "?")
        @inline(__always) func fold(_ b: UInt8) -> UInt8 { caseInsensitive && b >= 0x41 && b <= 0x5A ? b + 32 : b }
        @inline(__always) func scalarEnd(_ i: Int) -> Int {
            var j = i + 1
            while j < v.count && v[j] & 0xC0 == 0x80 { j += 1 }
            return j
        }
        var pi = 0, vi = 0
        var starAt = -1, mark = 0
        while vi < v.count {
            if pi < p.count {
                let c = p[pi]
                if c == question {
                    pi += 1
                    vi = scalarEnd(vi)
                    continue
                }
                if c != star && fold(c) == fold(v[vi]) {
                    pi += 1
                    vi += 1
                    continue
                }
                if c == star {
                    starAt = pi
                    pi += 1
                    mark = vi
                    continue
                }
            }
            guard starAt >= 0 else { return false }
            pi = starAt + 1
            mark = scalarEnd(mark)
            vi = mark
        }
        while pi < p.count && p[pi] == star { pi += 1 }
        return pi == p.count
    }

    /// The same match over arrays of scalars (for callers that keep patterns as scalars).
    static func matches(_ p: [Unicode.Scalar], _ v: [Unicode.Scalar]) -> Bool {
        var pi = 0, vi = 0
        var star = -1, mark = 0
        while vi < v.count {
            if pi < p.count && p[pi] != "*" && (p[pi] == "?" || p[pi] == v[vi]) {
                pi += 1
                vi += 1
            } else if pi < p.count && p[pi] == "*" {
                star = pi
                mark = vi
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                vi = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// Lower-cases ASCII letters only (IAM's case-insensitivity for action names and keys).
    public static func asciiLowered(_ s: String) -> String {
        var needs = false
        for u in s.utf8 where u >= 0x41 && u <= 0x5A { needs = true; break }
        guard needs else { return s }
        return String(decoding: s.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }, as: UTF8.self)
    }

    /// Whether `s` contains a `*` or `?` scalar (even one followed by a combining mark, which
    /// `String.contains(Character)` would miss).
    public static func hasWildcard(_ s: String) -> Bool {
        s.utf8.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") }
    }
}
