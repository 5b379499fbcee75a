/// RC108: a statement's resources match none of the resource types of its actions, so it grants
/// (or denies) nothing, e.g. `s3:GetObject` on a bucket ARN.
public struct RC108ResourceMismatch: PolicyRule {
    public let id = "RC108"
    public init() {}

    public func check(_ policy: PolicyDocument, _ context: inout RuleContext) {
        let catalog = IAMCatalog.shared
        for s in policy.statements {
            guard let actions = s.action, !actions.negated, let resources = s.resource, !resources.negated,
                  !resources.values.contains(where: { $0.text == "*" }), !resources.values.isEmpty else { continue }
            let patterns = resources.values.map { catalog.resourcePattern($0.text) }
            // Many actions share resource types: decide each type once per statement.
            var verdicts: [IAMResourceType: Bool] = [:]
            for v in actions.values where v.text != "*" {
                let matched = Wildcard.hasWildcard(v.text) ? catalog.actions(matching: v.text) : catalog.action(v.text).map { [$0] } ?? []
                if matched.isEmpty { continue } // RC103's
                let usable = matched.contains { action in
                    catalog.resourceTypes(for: action).contains { type in
                        if let known = verdicts[type] { return known }
                        let verdict = patterns.contains { catalog.matches($0, type) }
                        verdicts[type] = verdict
                        return verdict
                    }
                }
                if usable { continue }
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
                context.report("\"\(v.text)\" in \(s.label) of \(policy.label) matches none of the statement's resources, so the statement \(effect) nothing for it: \(detail)",
                               at: v.node, identity: v.text)
            }
        }
    }
}
