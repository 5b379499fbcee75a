import Synchronization
import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC105: an unknown condition operator (error); a condition key unknown to the catalog or
/// inapplicable to every action of its statement, or an operator that does not fit the key's
/// type (warnings).
public struct RC105ConditionProblems: PolicyRule {
    public let id: RuleID = .RC105
    public init() {}

    public func check(_ policy: PolicyDocument, _ context: inout RuleContext) {
        reportProblems(policy, &context)
        let catalog = context.catalog
        for s in policy.statements where !s.conditions.isEmpty {
            let actions = resolvedActions(s, catalog)
            for c in s.conditions {
                guard let op = c.op else { continue }
                let types = catalog.conditionKeyTypes(c.key)
                if types.isEmpty {
                    if !catalog.isKnownConditionKey(c.key) {
                        context.report("condition key \"\(c.key)\" is unknown to the IAM catalog of \(catalog.dataDate)\(suggestion(c.key, catalog)); if it is misspelt, no request carries it and \(Self.holdsWhenAbsent(c, op) ? "the condition always holds" : "the condition never holds")",
                                       at: c.keyNode, severity: .warning, identity: c.key)
                        continue
                    }
                } else if let actions, !actions.isEmpty, !catalog.isGlobalConditionKey(c.key),
                          !actions.contains(where: { catalog.conditionKey(c.key, appliesTo: $0) }),
                          Self.attachedToSomeAction(c.key, catalog) {
                    let shown = actions.prefix(3).map(\.fullName).joined(separator: ", ") + (actions.count > 3 ? ", …" : "")
                    context.report("condition key \"\(c.key)\" applies to none of the statement's actions (\(shown)): requests for them never carry it, so \(Self.holdsWhenAbsent(c, op) ? "the condition always holds and restricts nothing" : "the statement never applies") (IAM catalog of \(catalog.dataDate))",
                                   at: c.keyNode, severity: .warning, identity: c.key)
                }
                if let mismatch = typeMismatch(op, types: types, key: c.key) {
                    context.report(mismatch, at: c.operatorNode, severity: .warning, identity: "\(op) \(c.key)")
                }
                for v in c.values {
                    if let bad = badValue(op, v.text) {
                        context.report(bad, at: v.node, severity: .warning, identity: v.text)
                    }
                }
            }
        }
    }

    /// Whether the catalog attaches a key to at least one action of the key's own service. The
    /// reference defines a few keys it attaches to no action (`aws-marketplace:AgreementType`,
    /// which AWS's own policies use); for those "applies to none of the actions" would be a
    /// guess, so they are not judged. Decided once per key, catalog and process.
    static let attachedCache = Mutex<[String: Bool]>([:])

    static func attachedToSomeAction(_ key: String, _ catalog: IAMCatalog) -> Bool {
        let lowered = Wildcard.asciiLowered(key)
        let cacheKey = "\(catalog.serial)|\(lowered)"
        if let known = attachedCache.withLock({ $0[cacheKey] }) { return known }
        let prefix = lowered.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        let attached = catalog.service(prefix)?.actions.contains { catalog.conditionKey(key, appliesTo: $0) } ?? true
        attachedCache.withLock { $0[cacheKey] = attached }
        return attached
    }

    /// Whether a condition holds for a request without its key: negated operators, `…IfExists`,
    /// `ForAllValues:` (over the empty set) and `Null` with `true` among its values hold; the
    /// others do not.
    static func holdsWhenAbsent(_ c: ConditionEntry, _ op: ConditionOperator) -> Bool {
        if op.base == .null { return c.values.contains { $0.text.lowercased() == "true" } }
        return op.isNegated || op.ifExists || op.qualifier == .forAllValues
    }

    /// The catalog actions a statement's Action covers; nil when it cannot say (NotAction, `*`,
    /// or an action unknown to the catalog).
    func resolvedActions(_ s: PolicyStatement, _ catalog: IAMCatalog) -> [IAMAction]? {
        guard let block = s.action, !block.negated else { return nil }
        var out: [IAMAction] = []
        for v in block.values {
            if v.text == "*" { return nil }
            let matched = Wildcard.hasWildcard(v.text) ? catalog.actions(matching: v.text) : catalog.action(v.text).map { [$0] } ?? []
            if matched.isEmpty { return nil }
            out.append(contentsOf: matched)
            if out.count > 2_000 { return nil }
        }
        return out
    }

    func suggestion(_ key: String, _ catalog: IAMCatalog) -> String {
        let lower = Wildcard.asciiLowered(key)
        let candidates = catalog.globalConditionKeys.map(\.name)
        let best = candidates.map { ($0, editDistance(Wildcard.asciiLowered($0), lower)) }.min { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
        if let best, best.1 <= 3 { return "; did you mean \"\(best.0)\"?" }
        return ""
    }

    func typeMismatch(_ op: ConditionOperator, types: [ConditionKeyType], key: String) -> String? {
        guard let type = types.first else { return nil }
        let element = types.map(\.elementType)
        let multivalued = types.contains(where: \.isMultivalued)
        if op.qualifier != .none && !multivalued && op.base != .null {
            return "\(op.qualifier.rawValue): is for multivalued keys, but \"\(key)\" has a single value (\(type.rawValue)); with a single-valued key \(op.qualifier == .forAllValues ? "ForAllValues also holds when the key is absent, which may allow more than intended" : "it behaves like the plain operator"); use \(op.base.rawValue)\(op.ifExists ? "IfExists" : "")"
        }
        if op.qualifier == .none && multivalued && op.base != .null {
            return "\"\(key)\" is multivalued (\(type.rawValue)): say whether any or all of its values must match with ForAnyValue: or ForAllValues:"
        }
        let fits: Bool
        switch op.family {
        case .string, .null: fits = true
        case .numeric: fits = element.contains(.numeric)
        case .date: fits = element.contains(.date) || element.contains(.numeric)
        case .bool: fits = element.contains(.bool)
        case .binary: fits = element.contains(.binary)
        case .ipAddress: fits = element.contains(.ipAddress)
        // ARN operators compare text part by part and work on string keys holding ARNs (AWS's
        // own policies use ArnLike on kms:EncryptionContext keys), so only non-text types clash.
        case .arn: fits = element.contains(.arn) || element.contains(.string)
        }
        if fits { return nil }
        return "\(op.base.rawValue) compares \(op.family == .arn ? "ARNs" : op.family.rawValue + " values"), but \"\(key)\" is of type \(type.rawValue); use \(suggestedOperator(element.first ?? .string, op)) instead"
    }

    func suggestedOperator(_ type: ConditionKeyType, _ op: ConditionOperator) -> String {
        switch type {
        case .numeric: op.isNegated ? "NumericNotEquals" : "NumericEquals"
        case .date: "DateEquals (or DateLessThan, DateGreaterThan)"
        case .bool: "Bool"
        case .ipAddress: op.isNegated ? "NotIpAddress" : "IpAddress"
        case .arn: op.isNegated ? "ArnNotLike" : "ArnLike"
        default: op.isNegated ? "StringNotEquals" : "StringEquals"
        }
    }

    func badValue(_ op: ConditionOperator, _ value: String) -> String? {
        switch op.family {
        case .numeric where Double(value) == nil:
            return "\(op.base.rawValue) needs a number, not \"\(value)\"; the comparison never holds"
        case .date where DateValue.parse(value) == nil:
            return "\(op.base.rawValue) needs an ISO 8601 date (2024-01-31T00:00:00Z) or epoch seconds, not \"\(value)\""
        case .bool where !["true", "false"].contains(Wildcard.asciiLowered(value)):
            return "Bool needs \"true\" or \"false\", not \"\(value)\""
        case .ipAddress where IPBlock.parse(value) == nil:
            return "\(op.base.rawValue) needs an IPv4 or IPv6 address or CIDR block, not \"\(value)\""
        case .null where !["true", "false"].contains(Wildcard.asciiLowered(value)):
            return "Null needs \"true\" (the key is absent) or \"false\" (it is present), not \"\(value)\""
        default:
            return nil
        }
    }
}
