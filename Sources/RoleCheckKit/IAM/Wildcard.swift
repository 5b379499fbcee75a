/// IAM glob matching: `*` matches any run of characters (including none), `?` exactly one.
/// Used for actions (case-insensitive), resources and `StringLike`/`ArnLike` values
/// (case-sensitive). Runs in O(pattern × value) at worst, with no recursion: a hostile pattern
/// such as `*a*a*a*a*b` cannot blow up.
public enum Wildcard {
    /// Whether `value` matches `pattern`. Matching works on Unicode scalars, so `?` consumes one
    /// scalar, as AWS's matcher consumes one character.
    public static func matches(_ pattern: String, _ value: String, caseInsensitive: Bool = false) -> Bool {
        if !hasWildcard(pattern) {
            // Byte comparison: String's == would apply canonical equivalence (é == e + U+0301).
            return caseInsensitive ? asciiLowered(pattern).utf8.elementsEqual(asciiLowered(value).utf8)
                : pattern.utf8.elementsEqual(value.utf8)
        }
        let p = Array((caseInsensitive ? asciiLowered(pattern) : pattern).unicodeScalars)
        let v = Array((caseInsensitive ? asciiLowered(value) : value).unicodeScalars)
        return matches(p, v)
    }

    /// The classic greedy algorithm with a single backtrack point (the last `*`).
    static func matches(_ p: [Unicode.Scalar], _ v: [Unicode.Scalar]) -> Bool {
        var pi = 0, vi = 0
        var star = -1, mark = 0
        while vi < v.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == v[vi]) && p[pi] != "*" {
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
