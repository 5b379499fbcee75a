import Synchronization
import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC103: an action or service prefix the run's IAM catalog does not know.
public struct RC103UnknownAction: PolicyRule {
    public let id: RuleID = .RC103
    public init() {}

    /// Suggestions are costly (edit distances over a service's actions) and the same unknown
    /// names recur across policies: each is worked out once per process and catalog.
    static let suggestionCache = Mutex<[String: String]>([:])

    static func suggestion(_ key: String, _ compute: () -> String?) -> String {
        if let cached = suggestionCache.withLock({ $0[key] }) { return cached }
        let value = compute().map { "; did you mean \"\($0)\"?" } ?? ""
        suggestionCache.withLock { $0[key] = value }
        return value
    }

    /// The verdict for each action text (nil: known), worked out once per process and catalog:
    /// the same actions recur across thousands of policies.
    static let verdictCache = Mutex<[String: String?]>([:])

    public func check(_ policy: PolicyDocument, _ context: inout RuleContext) {
        for s in policy.statements {
            guard let block = s.action else { continue }
            for v in block.values where v.text != "*" {
                let key = "\(context.catalog.serial)|\(v.text)"
                let cached = Self.verdictCache.withLock { $0[key] }
                let verdict: String?
                if let cached {
                    verdict = cached
                } else {
                    verdict = Self.verdict(v.text, context.catalog)
                    Self.verdictCache.withLock { $0[key] = .some(verdict) }
                }
                if let verdict { context.report(verdict, at: v.node) }
            }
        }
    }

    /// The message for an action the catalog does not know, or nil.
    static func verdict(_ text: String, _ catalog: IAMCatalog) -> String? {
        let catalogNote = "IAM catalog of \(catalog.dataDate)"
        func suggestion(_ key: String, _ compute: () -> String?) -> String {
            Self.suggestion("\(catalog.serial)|\(key)", compute)
        }
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil } // RC101's
        let service = String(parts[0]), name = String(parts[1])
        if Wildcard.hasWildcard(service) {
            return catalog.actionCount(matching: text) == 0 ? "\"\(text)\" matches no action of any service in the \(catalogNote)" : nil
        }
        if !catalog.hasService(service), let retired = RetiredServices.entry(service) {
            return "\"\(text)\" belongs to \(retired.name), which AWS has retired\(retired.ended.map { " (it ended on \($0))" } ?? ""): the action authorises nothing any more; remove it (\(retired.source))"
        }
        guard catalog.hasService(service) else {
            let hint = suggestion("service " + service) { catalog.suggestions(forUnknownService: service).first }
            return "unknown service prefix \"\(service)\" in \"\(text)\"\(hint) (\(catalogNote); a service newer than the catalog is possible)"
        }
        if Wildcard.hasWildcard(name) {
            return catalog.actionCount(matching: text) == 0
                ? "\"\(text)\" matches no \(service) action in the \(catalogNote): unless it names actions newer than the catalog, it grants nothing there" : nil
        }
        if catalog.action(text) == nil {
            let hint = suggestion(text) { catalog.suggestions(forUnknownAction: text).first }
            return "unknown action \"\(text)\"\(hint) (\(catalogNote); an action newer than the catalog is possible)"
        }
        return nil
    }
}
