import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC400: the topology of each Studio → cluster → runtime role chain.
public struct RC400Topology: SetupRule {
    public let id: RuleID = .RC400
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        var seen: Set<String> = []
        for f in setup.chainFacts where seen.insert(f.chain.label).inserted {
            var via = ""
            if let access = f.chain.accessRole { via = " through access role \(StatementMatcher.roleName(access.arn))" }
            context.report("\(f.chain.label): \(f.chain.option.rawValue) (\(f.chain.option.explanation))\(via)",
                           at: f.chain.runtimeRoleNode,
                           related: [RelatedLocation(location: Location(node: f.chain.cluster.node), message: f.chain.cluster.label)],
                           identity: f.chain.label, about: [.entity(f.runtimeEntity)])
        }
    }
}
