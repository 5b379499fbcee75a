import RoleCheckCore
import RoleCheckDocuments

/// The request context: condition keys (matched case-insensitively) to their values. A key with
/// several values is multi-valued (such as `aws:TagKeys`).
public struct RequestContext: Sendable {
    private var values: [String: [String]] = [:]
    private var names: [String: String] = [:]
    /// Asks "could this be allowed?": a condition of an Allow statement on a key that the
    /// request does not carry (and that the caller does not imply) is taken to hold, as it may for
    /// a request whose value rolecheck cannot know (a principal tag, the Region, a source IP).
    /// Denies are unaffected. Off by default: the evaluator then decides as AWS does on exactly
    /// the keys given.
    public var absentKeysHold = false
    /// Keys (ASCII-lowered; a trailing `/` makes a prefix, such as `aws:principaltag/`) whose
    /// values the context gives completely: a key of these absent from it is known to be absent,
    /// so `absentKeysHold` does not apply to it.
    public var settled: [String] = []
    /// Keys (ASCII-lowered) present in the request whose values here are stand-ins: the request
    /// carries the key, but its real value differs per caller (the source identity a Studio user
    /// sets). A condition that the stand-in passes holds for any value; one it fails is unknown,
    /// and `absentKeysHold` treats it as holding.
    public var standIns: [String] = []

    /// Adds a key whose value the request carries but rolecheck cannot know.
    public mutating func addStandIn(_ key: String, _ value: String) {
        add(key, value)
        standIns.append(Wildcard.asciiLowered(key))
    }

    /// Whether the context settles a key (lower-case).
    func settles(lowered key: String) -> Bool {
        settled.contains { $0.hasSuffix("/") ? key.hasPrefix($0) : key == $0 }
    }

    public init(_ pairs: [(String, String)] = []) {
        for (k, v) in pairs { add(k, v) }
    }

    public mutating func add(_ key: String, _ value: String) {
        let k = Wildcard.asciiLowered(key)
        values[k, default: []].append(value)
        if names[k] == nil { names[k] = key }
    }

    public mutating func set(_ key: String, _ list: [String]) {
        let k = Wildcard.asciiLowered(key)
        values[k] = list
        names[k] = key
    }

    public func values(_ key: String) -> [String]? { values[Wildcard.asciiLowered(key)] }
    func values(lowered key: String) -> [String]? { values[key] }
    public func contains(_ key: String) -> Bool { values[Wildcard.asciiLowered(key)] != nil }

    /// Keys as first written, sorted.
    public var keys: [String] { names.values.sorted() }
}

/// Evaluates one condition entry against a request context.
enum ConditionEvaluator {
    struct Outcome {
        var satisfied: Bool
        /// Why not, for the evaluator's reasons (written only if asked).
        var explain: @Sendable () -> String

        static let holds = Outcome(satisfied: true) { "" }

        init(satisfied: Bool, explain: @escaping @Sendable () -> String) {
            self.satisfied = satisfied
            self.explain = explain
        }

        init(satisfied: Bool, explanation: @autoclosure @escaping @Sendable () -> String) {
            self.init(satisfied: satisfied, explain: explanation)
        }

        var explanation: String { explain() }
    }

    static func evaluate(_ entry: ConditionEntry, context: EvalContext, variables: Bool) -> Outcome {
        guard let op = entry.op else {
            let text = entry.operatorText
            return Outcome(satisfied: false, explanation: "unknown operator \(text)")
        }
        let key = entry.key
        let requestValues = context.values(lowered: entry.loweredKey)
        let policyValues = entry.texts

        if op.base == .null {
            // Null: "true" means the key must be absent, "false" that it must be present.
            let wantsAbsent = policyValues.contains { Wildcard.asciiLowered($0) == "true" }
            let wantsPresent = policyValues.contains { Wildcard.asciiLowered($0) == "false" }
            let absent = requestValues == nil || requestValues!.isEmpty
            let ok = (wantsAbsent && absent) || (wantsPresent && !absent)
            if ok { return .holds }
            return Outcome(satisfied: false, explanation: "\(op) \(key): the key is \(absent ? "absent" : "present") in the request")
        }

        let values = requestValues ?? []
        // For the set operators, request values that "resolve to an empty data set (for example,
        // an empty string)" count as no values: ForAllValues is true, ForAnyValue false.
        if values.isEmpty || (op.qualifier != .none && values.allSatisfy(\.isEmpty)) {
            // …IfExists: "If the key is not present, evaluate the condition element as true",
            // whatever the set qualifier.
            if op.ifExists && values.isEmpty { return .holds }
            switch op.qualifier {
            case .forAllValues:
                return .holds
            case .forAnyValue:
                return Outcome(satisfied: false, explanation: "\(op) \(key): the request has no value for the key")
            case .none:
                if op.ifExists || op.isNegated { return .holds }
                return Outcome(satisfied: false, explanation: "\(op) \(key): the request has no \(key)")
            }
        }

        // A value "matches" when it matches at least one policy value (for negated operators, the
        // positive form is computed and inverted per the operator's meaning).
        let substitute = variables && entry.hasVariables
        func positiveMatch(_ value: String) -> Bool {
            switch op.family {
            case .ipAddress:
                // Blocks were read once with the policy.
                guard let address = IPBlock.parse(value) else { return false }
                return entry.ipBlocks.contains { $0?.contains(address) == true }
            case .numeric where !substitute:
                guard let r = Double(value) else { return false }
                return entry.numbers.contains { p in p.map { compare(op.base, r, $0) } ?? false }
            case .date where !substitute:
                guard let r = DateValue.parse(value) else { return false }
                return entry.numbers.contains { p in p.map { compare(op.base, r, $0) } ?? false }
            default:
                return policyValues.contains { matchOne(op.base, policyValue: $0, requestValue: value, context: context, variables: substitute) }
            }
        }

        let satisfied: Bool
        switch op.qualifier {
        case .forAllValues:
            // Every request value must satisfy the operator.
            satisfied = values.allSatisfy { op.isNegated ? !positiveMatch($0) : positiveMatch($0) }
        case .forAnyValue:
            satisfied = values.contains { op.isNegated ? !positiveMatch($0) : positiveMatch($0) }
        case .none:
            if op.isNegated {
                satisfied = !values.contains(where: positiveMatch)
            } else {
                satisfied = values.contains(where: positiveMatch)
            }
        }
        if satisfied { return .holds }
        return Outcome(satisfied: false) { explainMismatch(op, key: key, values: values, policyValues: policyValues) }
    }

    static func explainMismatch(_ op: ConditionOperator, key: String, values: [String], policyValues: [String]) -> String {
        let shown = values.count == 1 ? "\"\(values[0])\"" : "[\(values.map { "\"\($0)\"" }.joined(separator: ", "))]"
        let wanted = policyValues.count == 1 ? "\"\(policyValues[0])\"" : "one of [\(policyValues.map { "\"\($0)\"" }.joined(separator: ", "))]"
        let verb: String
        switch op.base {
        case .stringNotEquals, .stringNotEqualsIgnoreCase, .arnNotEquals, .numericNotEquals, .dateNotEquals: verb = "must not equal"
        case .stringNotLike, .arnNotLike: verb = "must not match"
        case .notIpAddress: verb = "must not be in"
        case .stringLike, .arnLike: verb = "does not match"
        case .ipAddress: verb = "is not in"
        case .numericLessThan, .dateLessThan: verb = "is not less than"
        case .numericLessThanEquals, .dateLessThanEquals: verb = "is not at most"
        case .numericGreaterThan, .dateGreaterThan: verb = "is not greater than"
        case .numericGreaterThanEquals, .dateGreaterThanEquals: verb = "is not at least"
        default: verb = "is not"
        }
        return "\(op) \(key): request value \(shown) \(verb) \(wanted)"
    }

    /// The positive form of a numeric or date comparison of a request value `r` with a policy value `p`.
    static func compare(_ base: ConditionOperator.Base, _ r: Double, _ p: Double) -> Bool {
        switch base {
        case .numericEquals, .numericNotEquals, .dateEquals, .dateNotEquals: r == p
        case .numericLessThan, .dateLessThan: r < p
        case .numericLessThanEquals, .dateLessThanEquals: r <= p
        case .numericGreaterThan, .dateGreaterThan: r > p
        case .numericGreaterThanEquals, .dateGreaterThanEquals: r >= p
        default: false
        }
    }

    /// Whether one request value satisfies the positive form of `base` for one policy value.
    static func matchOne(_ base: ConditionOperator.Base, policyValue: String, requestValue: String,
                         context: EvalContext, variables: Bool) -> Bool {
        switch base {
        case .stringEquals, .stringNotEquals:
            guard let p = PolicyVariables.substitute(policyValue, context: context, enabled: variables, literal: true) else { return false }
            return p.utf8.elementsEqual(requestValue.utf8) // bytes: no Unicode normalisation
        case .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase:
            guard let p = PolicyVariables.substitute(policyValue, context: context, enabled: variables, literal: true) else { return false }
            return p.lowercased() == requestValue.lowercased()
        case .stringLike, .stringNotLike:
            return PolicyVariables.matches(pattern: policyValue, value: requestValue, context: context, enabled: variables, arn: false)
        case .arnEquals, .arnLike, .arnNotEquals, .arnNotLike:
            // ArnEquals and ArnLike behave the same: both accept wildcards, part by part.
            return PolicyVariables.matches(pattern: policyValue, value: requestValue, context: context, enabled: variables, arn: true)
        case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan, .numericGreaterThanEquals:
            guard let p = Double(policyValue), let r = Double(requestValue) else { return false }
            switch base {
            case .numericEquals, .numericNotEquals: return r == p
            case .numericLessThan: return r < p
            case .numericLessThanEquals: return r <= p
            case .numericGreaterThan: return r > p
            default: return r >= p
            }
        case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
            guard let p = DateValue.parse(policyValue), let r = DateValue.parse(requestValue) else { return false }
            switch base {
            case .dateEquals, .dateNotEquals: return r == p
            case .dateLessThan: return r < p
            case .dateLessThanEquals: return r <= p
            case .dateGreaterThan: return r > p
            default: return r >= p
            }
        case .bool:
            return Wildcard.asciiLowered(policyValue) == Wildcard.asciiLowered(requestValue)
        case .binaryEquals:
            return policyValue == requestValue
        case .ipAddress, .notIpAddress:
            guard let block = IPBlock.parse(policyValue), let addr = IPBlock.parse(requestValue) else { return false }
            return block.contains(addr)
        case .null:
            return false
        }
    }
}

/// Policy variables: `${aws:username}`, `${aws:PrincipalTag/team}`, `${key, 'default'}`, and the
/// escapes `${*}`, `${?}`, `${$}`. Only under Version 2012-10-17.
enum PolicyVariables {
    /// Literal `*` and `?` that came from substitution are carried as these private-use scalars so
    /// they are not read as wildcards.
    static let literalStar: Unicode.Scalar = "\u{E000}"
    static let literalQuestion: Unicode.Scalar = "\u{E001}"

    /// Substitutes variables. With `literal` true the result is plain text (`${*}` → `*`);
    /// otherwise it is a wildcard pattern in which substituted `*`/`?` are protected. Nil when a
    /// variable has no value and no default.
    static func substitute(_ text: String, context: EvalContext, enabled: Bool, literal: Bool) -> String? {
        guard enabled, text.contains("${") else { return text }
        var out = String.UnicodeScalarView()
        let s = Array(text.unicodeScalars)
        var i = 0
        func emit(_ value: String) {
            for u in value.unicodeScalars {
                if !literal && u == "*" { out.append(literalStar) } else if !literal && u == "?" { out.append(literalQuestion) } else { out.append(u) }
            }
        }
        while i < s.count {
            if s[i] == "$" && i + 1 < s.count && s[i + 1] == "{", let close = s[(i + 2)...].firstIndex(of: "}") {
                let inner = String(String.UnicodeScalarView(s[(i + 2)..<close]))
                i = close + 1
                switch inner {
                case "*": emit("*")
                case "?": emit("?")
                case "$": emit("$")
                default:
                    var name = inner
                    var fallback: String?
                    if let comma = inner.firstIndex(of: ",") {
                        name = String(inner[..<comma]).trimmingSpaces
                        let rest = String(inner[inner.index(after: comma)...]).trimmingSpaces
                        if rest.count >= 2 && rest.hasPrefix("'") && rest.hasSuffix("'") { fallback = String(rest.dropFirst().dropLast()) }
                    }
                    if let values = context.values(name), values.count == 1 {
                        emit(values[0])
                    } else if let fallback {
                        emit(fallback)
                    } else {
                        return nil
                    }
                }
                continue
            }
            out.append(s[i])
            i += 1
        }
        return String(out)
    }

    /// Wildcard match of a policy pattern (after substitution) against a value.
    static func matches(pattern: String, value: String, context: EvalContext, enabled: Bool, arn: Bool) -> Bool {
        if !enabled { return arn ? ARN.matches(pattern: pattern, value: value) : Wildcard.matches(pattern, value) }
        guard let p = substitute(pattern, context: context, enabled: enabled, literal: false) else { return false }
        let protected = p.unicodeScalars.contains { $0 == literalStar || $0 == literalQuestion }
        let v = protected ? String(String.UnicodeScalarView(value.unicodeScalars.map { $0 == "*" ? literalStar : $0 == "?" ? literalQuestion : $0 })) : value
        return arn ? ARN.matches(pattern: p, value: v) : Wildcard.matches(p, v)
    }
}

extension String {
    package var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

/// Dates as IAM reads them: ISO 8601 (`2024-01-31`, `2024-01-31T12:00:00Z`, with fractions or a
/// `+hh:mm` offset) or seconds since the epoch. Compared as seconds since the epoch.
package enum DateValue {
    package static func parse(_ text: String) -> Double? {
        if let n = Double(text) { return n } // seconds since the epoch
        let u = Array(text.utf8)
        func num(_ from: Int, _ len: Int) -> Int? {
            guard from + len <= u.count else { return nil }
            var v = 0
            for k in from..<from + len {
                guard u[k] >= 0x30 && u[k] <= 0x39 else { return nil }
                v = v * 10 + Int(u[k] - 0x30)
            }
            return v
        }
        // W3C's "year and month" form (YYYY-MM): the first instant of the month.
        if u.count == 7, let year = num(0, 4), u[4] == UInt8(ascii: "-"), let month = num(5, 2), (1...12).contains(month) {
            return Double(daysFromCivil(year, month, 1)) * 86_400
        }
        guard let year = num(0, 4), u.count >= 10, u[4] == UInt8(ascii: "-"), let month = num(5, 2), u[7] == UInt8(ascii: "-"),
              let day = num(8, 2), (1...12).contains(month), (1...31).contains(day) else { return nil }
        var seconds = Double(daysFromCivil(year, month, day)) * 86_400
        var i = 10
        if i < u.count {
            guard u[i] == UInt8(ascii: "T") || u[i] == UInt8(ascii: "t") || u[i] == UInt8(ascii: " "),
                  let h = num(i + 1, 2), i + 3 < u.count, u[i + 3] == UInt8(ascii: ":"), let m = num(i + 4, 2) else { return nil }
            i += 6
            var sec = 0.0
            if i < u.count && u[i] == UInt8(ascii: ":") {
                guard let s = num(i + 1, 2) else { return nil }
                sec = Double(s)
                i += 3
                if i < u.count && u[i] == UInt8(ascii: ".") {
                    var scale = 0.1
                    i += 1
                    while i < u.count && u[i] >= 0x30 && u[i] <= 0x39 {
                        sec += Double(u[i] - 0x30) * scale
                        scale /= 10
                        i += 1
                    }
                }
            }
            guard h < 24, m < 60, sec < 61 else { return nil }
            seconds += Double(h * 3600 + m * 60) + sec
            if i < u.count {
                if u[i] == UInt8(ascii: "Z") || u[i] == UInt8(ascii: "z") {
                    i += 1
                } else if u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") {
                    let sign: Double = u[i] == UInt8(ascii: "+") ? 1 : -1
                    guard let oh = num(i + 1, 2) else { return nil }
                    var om = 0
                    var j = i + 3
                    if j < u.count && u[j] == UInt8(ascii: ":") { j += 1 }
                    if let m2 = num(j, 2) { om = m2; j += 2 }
                    seconds -= sign * Double(oh * 3600 + om * 60)
                    i = j
                }
            }
        }
        return i == u.count ? seconds : nil
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

/// An IPv4 or IPv6 address or CIDR block.
package struct IPBlock: Equatable, Sendable {
    var isV6: Bool
    var hi: UInt64
    var lo: UInt64
    var prefix: Int

    package static func parse(_ text: String) -> IPBlock? {
        if let v4 = parseV4Bytes(text) { return IPBlock(isV6: false, hi: 0, lo: UInt64(v4), prefix: 128) }
        var addr = Substring(text)
        var prefix: Int?
        if let slash = text.firstIndex(of: "/") {
            addr = text[..<slash]
            guard let p = Int(text[text.index(after: slash)...]) else { return nil }
            prefix = p
        }
        if let v4 = parseV4(addr) {
            let p = prefix ?? 32
            guard (0...32).contains(p) else { return nil }
            return IPBlock(isV6: false, hi: 0, lo: UInt64(v4), prefix: p + 96)
        }
        if let (hi, lo) = parseV6(addr) {
            let p = prefix ?? 128
            guard (0...128).contains(p) else { return nil }
            return IPBlock(isV6: true, hi: hi, lo: lo, prefix: p)
        }
        return nil
    }

    /// A dotted-quad IPv4 address read from bytes (the common case of a request's source IP).
    static func parseV4Bytes(_ text: String) -> UInt32? {
        var t = text
        return t.withUTF8 { b -> UInt32? in
            var value: UInt32 = 0, part: UInt32 = 0, digits = 0, dots = 0
            for c in b {
                if c >= 0x30 && c <= 0x39 {
                    part = part * 10 + UInt32(c - 0x30)
                    digits += 1
                    if digits > 3 || part > 255 { return nil }
                } else if c == UInt8(ascii: ".") {
                    if digits == 0 || dots == 3 { return nil }
                    value = value << 8 | part
                    part = 0; digits = 0; dots += 1
                } else {
                    return nil
                }
            }
            guard dots == 3, digits > 0 else { return nil }
            return value << 8 | part
        }
    }

    static func parseV4(_ s: Substring) -> UInt32? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var v: UInt32 = 0
        for p in parts {
            guard !p.isEmpty, p.count <= 3, let n = UInt32(p), n <= 255 else { return nil }
            v = v << 8 | n
        }
        return v
    }

    static func parseV6(_ s: Substring) -> (UInt64, UInt64)? {
        guard s.contains(":") else { return nil }
        var groups: [UInt16] = []
        let halves = s.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func parseGroups(_ part: Substring) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            let items = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, item) in items.enumerated() {
                if i == items.count - 1, item.contains("."), let v4 = parseV4(item) {
                    out.append(UInt16(v4 >> 16))
                    out.append(UInt16(v4 & 0xFFFF))
                } else {
                    guard !item.isEmpty, item.count <= 4, let g = UInt16(item, radix: 16) else { return nil }
                    out.append(g)
                }
            }
            return out
        }
        guard let head = parseGroups(halves[0]) else { return nil }
        if halves.count == 2 {
            guard let tail = parseGroups(halves[1]), head.count + tail.count < 8 else { return nil }
            groups = head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            groups = head
        }
        guard groups.count == 8 else { return nil }
        var hi: UInt64 = 0, lo: UInt64 = 0
        for k in 0..<4 { hi = hi << 16 | UInt64(groups[k]) }
        for k in 4..<8 { lo = lo << 16 | UInt64(groups[k]) }
        return (hi, lo)
    }

    /// Whether this block contains `other` (an address of the same family).
    func contains(_ other: IPBlock) -> Bool {
        guard isV6 == other.isV6, other.prefix >= prefix else { return false }
        func mask(_ bits: Int) -> (UInt64, UInt64) {
            if bits <= 0 { return (0, 0) }
            if bits >= 128 { return (.max, .max) }
            if bits <= 64 { return (bits == 64 ? .max : ~(UInt64.max >> UInt64(bits)), 0) }
            return (.max, ~(UInt64.max >> UInt64(bits - 64)))
        }
        let (mh, ml) = mask(prefix)
        return (hi & mh) == (other.hi & mh) && (lo & ml) == (other.lo & ml)
    }
}

extension Substring {
    func components(separatedBy separator: String) -> [Substring] {
        var out: [Substring] = []
        var rest = self[...]
        while let r = rest.firstRange(of: separator) {
            out.append(rest[..<r.lowerBound])
            rest = rest[r.upperBound...]
        }
        out.append(rest)
        return out
    }
}
