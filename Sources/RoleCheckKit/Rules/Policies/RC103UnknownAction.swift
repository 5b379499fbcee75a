/// RC103: an action or service prefix the embedded IAM catalog does not know.
public struct RC103UnknownAction: PolicyRule {
    public let id = "RC103"
    public init() {}

    static var catalogNote: String { "IAM catalog of \(IAMCatalog.dataDate)" }

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
                    let hint = catalog.suggestions(forUnknownService: service).first.map { "; did you mean \"\($0)\"?" } ?? ""
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
                    let hint = catalog.suggestions(forUnknownAction: v.text).first.map { "; did you mean \"\($0)\"?" } ?? ""
                    context.report("unknown action \"\(v.text)\"\(hint) (\(Self.catalogNote); an action newer than the catalog is possible)",
                                   at: v.node)
                }
            }
        }
    }
}
