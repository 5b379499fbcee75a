import Synchronization

/// RC108: a statement's resources match none of the resource types of its actions, so it grants
/// (or denies) nothing, e.g. `s3:GetObject` on a bucket ARN.
public struct RC108ResourceMismatch: PolicyRule {
    public let id = "RC108"
    public init() {}

    /// For a statement's action and resource texts, the positions of the actions that match none
    /// of the resources. Exports repeat the same statements across many roles, so each distinct
    /// statement is decided once per process.
    static let verdictCache = Mutex<[String: [Int]]>([:])

    public func check(_ policy: PolicyDocument, _ context: inout RuleContext) {
        let catalog = IAMCatalog.shared
        for s in policy.statements {
            guard let actions = s.action, !actions.negated, let resources = s.resource, !resources.negated,
                  !resources.values.contains(where: { $0.text == "*" }), !resources.values.isEmpty else { continue }
            var key = ""
            for v in actions.values { key += v.text; key += "\u{1}" }
            key += "\u{0}"
            for v in resources.values { key += v.text; key += "\u{1}" }
            let unusable: [Int]
            if let cached = Self.verdictCache.withLock({ $0[key] }) {
                unusable = cached
            } else {
                unusable = Self.unusableActions(actions.values, resources.values, catalog)
                Self.verdictCache.withLock { $0[key] = unusable }
            }
            for index in unusable {
                let v = actions.values[index]
                let matched = Self.matching(v.text, catalog)
                let effect = s.effect == .deny ? "denies" : "grants"
                let example = matched[0]
                let types = catalog.resourceTypes(for: example)
                let detail: String
                if types.isEmpty {
                    detail = "\(example.fullName) supports only \"Resource\": \"*\""
                } else {
                    let shown = types.prefix(3).map { "\($0.name) (\($0.arnTemplate))" }.joined(separator: ", ")
                    detail = "\(matched.count == 1 ? example.fullName : "its actions") take\(matched.count == 1 ? "s" : "") \(shown)"
                }
                context.report("\"\(v.text)\" in \(s.label) of \(policy.label) matches none of the statement's resources, so the statement \(effect) nothing for it: \(detail) (IAM catalog of \(IAMCatalog.dataDate); resource types added since would change this)",
                               at: v.node, identity: v.text)
            }
        }
    }

    /// The catalog's actions an action text names (none when the catalog does not know it: RC103's).
    static func matching(_ text: String, _ catalog: IAMCatalog) -> [IAMAction] {
        Wildcard.hasWildcard(text) ? catalog.actions(matching: text) : catalog.action(text).map { [$0] } ?? []
    }

    /// The positions of the actions none of whose resource types any of the resources matches.
    static func unusableActions(_ actions: [PolicyValue], _ resources: [PolicyValue], _ catalog: IAMCatalog) -> [Int] {
        let patterns = resources.map { catalog.resourcePattern($0.text) }
        // Many actions share resource types: decide each type once per statement.
        var verdicts: [IAMResourceType: Bool] = [:]
        var unusable: [Int] = []
        for (index, v) in actions.enumerated() where v.text != "*" {
            let matched = matching(v.text, catalog)
            if matched.isEmpty { continue }
            let usable = matched.contains { action in
                catalog.resourceTypes(for: action).contains { type in
                    if let known = verdicts[type] { return known }
                    let verdict = patterns.contains { catalog.matches($0, type) }
                    verdicts[type] = verdict
                    return verdict
                }
            }
            if !usable { unusable.append(index) }
        }
        return unusable
    }
}
