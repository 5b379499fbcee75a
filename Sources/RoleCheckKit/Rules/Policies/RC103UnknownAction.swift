import Synchronization

/// RC103: an action or service prefix the embedded IAM catalog does not know.
public struct RC103UnknownAction: PolicyRule {
    public let id = "RC103"
    public init() {}

    static var catalogNote: String { "IAM catalog of \(IAMCatalog.dataDate)" }

    /// Suggestions are costly (edit distances over a service's actions) and the same unknown
    /// names recur across policies: each is worked out once per process.
    static let suggestionCache = Mutex<[String: String]>([:])

    static func suggestion(_ key: String, _ compute: () -> String?) -> String {
        if let cached = suggestionCache.withLock({ $0[key] }) { return cached }
        let value = compute().map { "; did you mean \"\($0)\"?" } ?? ""
        suggestionCache.withLock { $0[key] = value }
        return value
    }

    public func check(_ policy: PolicyDocument, _ context: inout RuleContext) {
        let catalog = IAMCatalog.shared
        for s in policy.statements {
            guard let block = s.action else { continue }
            for v in block.values where v.text != "*" {
                let parts = v.text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { continue } // RC101's
                let service = String(parts[0]), name = String(parts[1])
                if Wildcard.hasWildcard(service) {
                    if catalog.actionCount(matching: v.text) == 0 {
                        context.report("\"\(v.text)\" matches no action of any service in the \(Self.catalogNote)", at: v.node)
                    }
                    continue
                }
                guard catalog.hasService(service) else {
                    let hint = Self.suggestion("service " + service) { catalog.suggestions(forUnknownService: service).first }
                    context.report("unknown service prefix \"\(service)\" in \"\(v.text)\"\(hint) (\(Self.catalogNote); a service newer than the catalog is possible)",
                                   at: v.node)
                    continue
                }
                if Wildcard.hasWildcard(name) {
                    if catalog.actionCount(matching: v.text) == 0 {
                        context.report("\"\(v.text)\" matches no \(service) action in the \(Self.catalogNote), so it grants nothing there", at: v.node)
                    }
                    continue
                }
                if catalog.action(v.text) == nil {
                    let hint = Self.suggestion(v.text) { catalog.suggestions(forUnknownAction: v.text).first }
                    context.report("unknown action \"\(v.text)\"\(hint) (\(Self.catalogNote); an action newer than the catalog is possible)",
                                   at: v.node)
                }
            }
        }
    }
}
