import RoleCheckCore
import RoleCheckDocuments

/// Decides whether a policy `Resource` ARN (with `*`, `?` and policy variables) and a resource type's
/// ARN template (with `${…}` placeholders) can describe the same ARN: whether the two patterns'
/// languages intersect. Both become token lists; a search over pairs of positions (at most
/// (n+1)·(m+1) states, no recursion) looks for a path that consumes both to the end.
enum IAMCatalogARNMatcher {
    enum CharSet: Equatable, Sendable {
        case any
        case noColon
        case noColonOrSlash

        func contains(_ c: Unicode.Scalar) -> Bool {
            switch self {
            case .any: return true
            case .noColon: return c != ":"
            case .noColonOrSlash: return c != ":" && c != "/"
            }
        }
    }

    /// Placeholders whose values AWS restricts to one ARN segment (no `:`). `${BucketName}` also
    /// has no `/` (S3 bucket names are letters, digits, dots and hyphens), so that
    /// `arn:aws:s3:::bucket/*` is not a bucket.
    static let segmentPlaceholders: [String: CharSet] = [
        "partition": .noColon, "region": .noColon, "account": .noColon, "bucketname": .noColonOrSlash,
    ]

    enum Token: Equatable, Sendable {
        case literal(Unicode.Scalar)
        case one(CharSet)   // exactly one character of the set
        case run(CharSet)   // any number (0…) of characters of the set
    }

    /// A policy ARN: `*` any text, `?` one character, `${var}` any text (its value is unknown),
    /// `${*}` `${?}` `${$}` the literal character.
    static func policyTokens(_ arn: String) -> [Token] {
        // Over an array of scalars by index: no slice per character.
        let c = Array(arn.unicodeScalars)
        var out: [Token] = []
        out.reserveCapacity(c.count)
        var i = 0
        while i < c.count {
            if c[i] == "$", i + 1 < c.count, c[i + 1] == "{", let close = c[(i + 2)...].firstIndex(of: "}") {
                if close == i + 3, c[i + 2] == "*" || c[i + 2] == "?" || c[i + 2] == "$" {
                    out.append(.literal(c[i + 2]))
                } else {
                    out.append(.run(.any))
                }
                i = close + 1
                continue
            }
            switch c[i] {
            case "*": out.append(.run(.any))
            case "?": out.append(.one(.any))
            default: out.append(.literal(c[i]))
            }
            i += 1
        }
        return out
    }

    /// An ARN template: `${Partition}`, `${Region}`, `${Account}` one non-empty segment,
    /// `${BucketName}` one non-empty segment without `/`; any other `${…}` non-empty text; a
    /// literal `*` any text.
    static func templateTokens(_ template: String) -> [Token] {
        var out: [Token] = []
        var s = template.unicodeScalars[...]
        while let c = s.first {
            if c == "$", s.dropFirst().first == "{", let close = s.firstIndex(of: "}") {
                let name = Wildcard.asciiLowered(String(String.UnicodeScalarView(s[s.index(s.startIndex, offsetBy: 2)..<close])))
                let set = segmentPlaceholders[name] ?? .any
                out.append(.one(set))
                out.append(.run(set))
                s = s[s.index(after: close)...]
                continue
            }
            out.append(c == "*" ? .run(.any) : .literal(c))
            s = s.dropFirst()
        }
        return out
    }

    /// Whether some string matches both token lists.
    static func intersects(_ a: [Token], _ b: [Token]) -> Bool {
        let n = a.count, m = b.count
        let width = m + 1
        var seen = [Bool](repeating: false, count: (n + 1) * width)
        var stack: [(Int, Int)] = [(0, 0)]
        while let (i, j) = stack.popLast() {
            if seen[i * width + j] { continue }
            seen[i * width + j] = true
            if i == n && j == m { return true }
            // A run may end here without consuming anything.
            if i < n, case .run = a[i] { stack.append((i + 1, j)) }
            if j < m, case .run = b[j] { stack.append((i, j + 1)) }
            // Both consume the same character, when their character sets share one.
            guard i < n && j < m, compatible(a[i], b[j]) else { continue }
            let ni = isRun(a[i]) ? i : i + 1
            let nj = isRun(b[j]) ? j : j + 1
            if ni != i || nj != j { stack.append((ni, nj)) }
        }
        return false
    }

    private static func isRun(_ t: Token) -> Bool {
        if case .run = t { return true }
        return false
    }

    private static func compatible(_ x: Token, _ y: Token) -> Bool {
        switch (x, y) {
        case (.literal(let c), .literal(let d)): return c == d
        case (.literal(let c), .one(let s)), (.literal(let c), .run(let s)),
             (.one(let s), .literal(let c)), (.run(let s), .literal(let c)):
            return s.contains(c)
        default: return true  // two sets: all contain every letter
        }
    }
}
