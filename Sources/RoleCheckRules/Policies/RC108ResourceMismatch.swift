import Synchronization
import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC108: a statement's resources match none of the resource types of its actions, so it grants
/// (or denies) nothing, e.g. `s3:GetObject` on a bucket ARN.
public struct RC108ResourceMismatch: PolicyRule {
    public let id: RuleID = .RC108
    public init() {}

    public func check(_ policy: PolicyDocument, _ context: inout RuleContext) {
        let catalog = context.catalog
        for s in policy.statements {
            guard let actions = s.action, !actions.negated, let resources = s.resource, !resources.negated,
                  !resources.values.contains(where: { $0.text == "*" }), !resources.values.isEmpty else { continue }
            for index in Self.unusableActions(actions.values, resources.values, catalog) {
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
                context.report("\"\(v.text)\" in \(s.label) of \(policy.label) matches none of the statement's resources, so the statement \(effect) nothing for it: \(detail) (IAM catalog of \(catalog.dataDate); resource types added since would change this)",
                               at: v.node, identity: v.text)
            }
        }
    }

    /// The catalog's actions an action text names (none when the catalog does not know it: RC103's).
    static func matching(_ text: String, _ catalog: IAMCatalog) -> [IAMAction] {
        Wildcard.hasWildcard(text) ? catalog.actions(matching: text) : catalog.action(text).map { [$0] } ?? []
    }

    /// For an action text: whether the catalog knows it, and the resource types of the actions it
    /// names (the union: one of them matching a resource is enough). Decided once per process and
    /// catalog.
    static let typesCache = Mutex<[String: (known: Bool, types: [IAMResourceType])]>([:])

    static func resourceTypes(_ text: String, _ catalog: IAMCatalog) -> (known: Bool, types: [IAMResourceType]) {
        let key = "\(catalog.serial)|\(text)"
        if let cached = typesCache.withLock({ $0[key] }) { return cached }
        let matched = matching(text, catalog)
        var seen: Set<IAMResourceType> = []
        var types: [IAMResourceType] = []
        for action in matched {
            for type in catalog.resourceTypes(for: action) where seen.insert(type).inserted { types.append(type) }
        }
        let entry = (known: !matched.isEmpty, types: types)
        typesCache.withLock { $0[key] = entry }
        return entry
    }

    /// The positions of the actions none of whose resource types any of the resources matches.
    static func unusableActions(_ actions: [PolicyValue], _ resources: [PolicyValue], _ catalog: IAMCatalog) -> [Int] {
        var patterns: [IAMCatalog.ResourcePattern]?
        // Many actions share resource types: decide each type once per statement. A statement
        // meets few types, so a list searched by name beats hashing the whole type.
        var verdicts: [(service: String, name: String, verdict: Bool)] = []
        var unusable: [Int] = []
        for (index, v) in actions.enumerated() where v.text != "*" {
            let (known, types) = resourceTypes(v.text, catalog)
            if !known { continue } // RC103's
            let statementPatterns = patterns ?? resources.map { catalog.resourcePattern($0.text) }
            patterns = statementPatterns
            let usable = types.contains { type in
                if let known = verdicts.first(where: { $0.name == type.name && $0.service == type.service }) {
                    return known.verdict
                }
                let verdict = statementPatterns.contains { catalog.matches($0, type) }
                verdicts.append((type.service, type.name, verdict))
                return verdict
            }
            if !usable, !CatalogExceptions.accepts(v.text, typeless: types.isEmpty, resources) { unusable.append(index) }
        }
        return unusable
    }
}
