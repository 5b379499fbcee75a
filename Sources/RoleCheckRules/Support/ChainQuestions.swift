import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// Reading the chain's decided hops into findings: where to point, how to say why.
enum ChainQuestions {
    /// Where a missing identity statement belongs: the `Statement` of the role's first policy
    /// (inline, or attached managed among the inputs) that already grants actions of one of
    /// these services, else of its first inline policy, else the role itself.
    static func statementHome(_ setup: Setup, role: RoleResource, services: [String]) -> Node {
        let prefixes = services.map { $0 + ":" }
        let policies = setup.resources.identityPolicies(of: role).policies
        let home = policies.first { p in
            p.statements.contains { s in
                s.action?.values.contains { v in prefixes.contains { Wildcard.asciiLowered(v.text).hasPrefix($0) } } == true
            }
        }
        if let home { return home.root["Statement"] ?? home.root }
        return role.inlinePolicies.first.map { $0.root["Statement"] ?? $0.root } ?? role.node
    }

    /// A refusal that hinges on condition keys the inputs do not give (a principal tag, the
    /// Region, a source IP) is a doubt, not a failure: a warning that names the keys.
    static func doubt(_ keys: [String]) -> (severity: Severity?, note: String) {
        guard !keys.isEmpty else { return (nil, "") }
        let one = keys.count == 1
        return (.warning, " — this refusal depends on condition key\(one ? "" : "s") \(keys.joined(separator: ", ")), whose value\(one ? "" : "s") the inputs do not give: if the requests carry \(one ? "a value" : "values") the condition accepts, the call is allowed; check \(one ? "it" : "them")")
    }

    /// The other documents of a chain, as related locations.
    static func related(_ f: ChainFacts, except: Node? = nil) -> [RelatedLocation] {
        var out: [RelatedLocation] = []
        func add(_ node: Node?, _ message: String) {
            guard let node else { return }
            if let except, except.isSame(node) { return }
            out.append(RelatedLocation(location: Location(node: node), message: message))
        }
        add(f.chain.studio.node, "Studio: \(f.chain.studio.label)")
        add(f.chain.runtimeRoleNode, "the runtime role as Studio offers it")
        add(f.chain.cluster.node, f.chain.cluster.label)
        add(f.instanceProfileRole?.node, "the cluster's instance-profile role \(f.instanceProfileRole?.name ?? "")")
        add(f.runtimeRole?.node, "runtime role \(f.runtimeRole?.name ?? "")")
        add(f.securityConfiguration.map { $0.nameNode ?? $0.configuration }, "the cluster's security configuration")
        return out
    }

    /// A refusal that AWS Organizations' policies decide: where a finding points (the Deny, or the
    /// level of SCPs that allows nothing) and what it says. Nil when the account's own policies
    /// decide. Nothing in the account can fix it: the organisation's administrators must.
    static func organizationRefusal(_ result: EvaluationResult) -> (node: Node, message: String)? {
        guard let reason = result.organizationRefusal, let node = reason.node else { return nil }
        let kind = reason.policy?.kind == .resource ? "resource control policy" : "service control policy"
        return (node, "\(reason.message). The organisation's \(kind) decides, and no policy in the account can override it: change it in AWS Organizations (the management account or a delegated administrator), for example with a condition that exempts this role")
    }
}
