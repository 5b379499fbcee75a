import RoleCheckCore
import RoleCheckDocuments

/// A condition operator: its family, whether it is negated, `…IfExists`, and a set qualifier.
public struct ConditionOperator: Sendable, Hashable, CustomStringConvertible {
    public enum Base: String, Sendable, CaseIterable {
        case stringEquals = "StringEquals", stringNotEquals = "StringNotEquals"
        case stringEqualsIgnoreCase = "StringEqualsIgnoreCase", stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
        case stringLike = "StringLike", stringNotLike = "StringNotLike"
        case numericEquals = "NumericEquals", numericNotEquals = "NumericNotEquals"
        case numericLessThan = "NumericLessThan", numericLessThanEquals = "NumericLessThanEquals"
        case numericGreaterThan = "NumericGreaterThan", numericGreaterThanEquals = "NumericGreaterThanEquals"
        case dateEquals = "DateEquals", dateNotEquals = "DateNotEquals"
        case dateLessThan = "DateLessThan", dateLessThanEquals = "DateLessThanEquals"
        case dateGreaterThan = "DateGreaterThan", dateGreaterThanEquals = "DateGreaterThanEquals"
        case bool = "Bool"
        case binaryEquals = "BinaryEquals"
        case ipAddress = "IpAddress", notIpAddress = "NotIpAddress"
        case arnEquals = "ArnEquals", arnLike = "ArnLike", arnNotEquals = "ArnNotEquals", arnNotLike = "ArnNotLike"
        case null = "Null"
    }

    public enum Family: String, Sendable {
        case string, numeric, date, bool, binary, ipAddress, arn, null
    }

    public enum SetQualifier: String, Sendable {
        case none = ""
        case forAllValues = "ForAllValues"
        case forAnyValue = "ForAnyValue"
    }

    public let base: Base
    public let ifExists: Bool
    public let qualifier: SetQualifier

    public init(base: Base, ifExists: Bool = false, qualifier: SetQualifier = .none) {
        self.base = base
        self.ifExists = ifExists
        self.qualifier = qualifier
    }

    public var description: String {
        (qualifier == .none ? "" : qualifier.rawValue + ":") + base.rawValue + (ifExists ? "IfExists" : "")
    }

    public var family: Family {
        switch base {
        case .stringEquals, .stringNotEquals, .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase, .stringLike, .stringNotLike: .string
        case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan, .numericGreaterThanEquals: .numeric
        case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals: .date
        case .bool: .bool
        case .binaryEquals: .binary
        case .ipAddress, .notIpAddress: .ipAddress
        case .arnEquals, .arnLike, .arnNotEquals, .arnNotLike: .arn
        case .null: .null
        }
    }

    /// Negated operators match when the value matches none of the policy's values, and are true
    /// for a key that is absent from the request.
    public var isNegated: Bool {
        switch base {
        case .stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .numericNotEquals, .dateNotEquals,
             .notIpAddress, .arnNotEquals, .arnNotLike:
            true
        default:
            false
        }
    }

    /// Parses `ForAnyValue:StringLikeIfExists` and the like. Operator names are matched exactly,
    /// as IAM does.
    public static func parse(_ text: String) -> ConditionOperator? {
        var rest = Substring(text)
        var qualifier = SetQualifier.none
        if rest.hasPrefix("ForAllValues:") {
            qualifier = .forAllValues
            rest = rest.dropFirst("ForAllValues:".count)
        } else if rest.hasPrefix("ForAnyValue:") {
            qualifier = .forAnyValue
            rest = rest.dropFirst("ForAnyValue:".count)
        }
        var ifExists = false
        if rest.hasSuffix("IfExists") {
            ifExists = true
            rest = rest.dropLast("IfExists".count)
        }
        guard let base = Base(rawValue: String(rest)) else { return nil }
        if base == .null && (ifExists || qualifier != .none) { return nil }
        return ConditionOperator(base: base, ifExists: ifExists, qualifier: qualifier)
    }

    /// A message for an unknown operator, with a suggestion when the text is close to a known one.
    static func unknownMessage(_ text: String) -> String {
        let lower = Wildcard.asciiLowered(text)
        var stripped = Substring(lower)
        var prefix = ""
        for q in ["forallvalues:", "foranyvalue:"] where stripped.hasPrefix(q) {
            prefix = q == "forallvalues:" ? "ForAllValues:" : "ForAnyValue:"
            stripped = stripped.dropFirst(q.count)
        }
        var suffix = ""
        if stripped.hasSuffix("ifexists") {
            suffix = "IfExists"
            stripped = stripped.dropLast("ifexists".count)
        }
        if let base = Base.allCases.first(where: { Wildcard.asciiLowered($0.rawValue) == stripped }) {
            let fixed = prefix + base.rawValue + suffix
            return "unknown condition operator \"\(text)\"; operator names are case-sensitive: did you mean \"\(fixed)\"?"
        }
        if text.hasPrefix("Null") || (text.hasSuffix("IfExists") && text.contains("Null")) {
            return "unknown condition operator \"\(text)\": Null takes neither IfExists nor a set qualifier"
        }
        let best = Base.allCases.map { ($0.rawValue, editDistance(Wildcard.asciiLowered($0.rawValue), String(stripped))) }
            .min { $0.1 < $1.1 }
        if let best, best.1 <= 3 {
            return "unknown condition operator \"\(text)\"; did you mean \"\(prefix)\(best.0)\(suffix)\"?"
        }
        return "unknown condition operator \"\(text)\" (IAM rejects the policy)"
    }
}

/// Levenshtein distance over Unicode scalars (for did-you-mean suggestions).
package func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var prev = Array(0...y.count)
    var cur = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
        cur[0] = i
        for j in 1...y.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[y.count]
}
