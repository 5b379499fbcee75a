import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// Asking the evaluator the chain's questions, with the setup's policies.
enum ChainQuestions {
    /// A session of a role, as AWS sees the caller of a hop.
    static func session(of roleArn: String) -> String {
        guard let arn = ARN(roleArn) else { return roleArn }
        return "arn:\(arn.partition):sts::\(arn.account):assumed-role/\(StatementMatcher.roleName(roleArn))/rolecheck"
    }

    /// A role's trust policy alone: does it let a session of `callerArn` perform `action` on the
    /// role? (`resourceAllows` answers; the caller's own policies are not consulted.)
    static func trustAllows(callerArn: String, _ action: String, role: RoleResource, trust: PolicyDocument,
                            context: RequestContext = RequestContext()) -> EvaluationResult {
        let request = AccessRequest(principal: session(of: callerArn), action: action, resource: role.effectiveArn ?? "*",
                                    context: context)
        return Evaluator.evaluate(request, PolicySet(identity: [], resource: trust))
    }

    /// Evaluates `action` by `caller` on a role (with its trust policy as the resource policy) or
    /// another resource. Nil when the caller's policies are not all among the inputs (the answer
    /// would be a guess).
    static func ask(_ setup: Setup, caller: RoleResource, callerArn: String, action: String, resource: String,
                    resourcePolicy: PolicyDocument?, context: RequestContext = RequestContext(),
                    resourceAccount: String? = nil) -> EvaluationResult? {
        guard policiesKnown(caller), !caller.permissionsUnknown else { return nil }
        let (policies, missing) = setup.resources.identityPolicies(of: caller)
        if !missing.isEmpty { return nil }
        let boundary = caller.boundaryArn.flatMap { arn in setup.resources.managedPolicies.first { $0.arn == arn }?.document }
        if caller.boundaryArn != nil && boundary == nil { return nil }
        // An S3 ARN names no account: the caller says whose resource it is.
        let request = AccessRequest(principal: session(of: callerArn), action: action, resource: resource,
                                    resourceAccount: resourceAccount, context: context)
        return Evaluator.evaluate(request, PolicySet(identity: policies, boundary: boundary, resource: resourcePolicy))
    }

    /// Whether the inputs show a role's permission policies at all: an authorization-details
    /// export lists them (`RolePolicyList`, `AttachedManagedPolicies`, possibly empty), while
    /// `get-role` output carries only the trust policy. A role seen only there has unknown
    /// permissions, not none.
    static func policiesKnown(_ role: RoleResource) -> Bool {
        role.permissionsListed || role.node["RolePolicyList"] != nil || role.node["AttachedManagedPolicies"] != nil
            || !role.inlinePolicies.isEmpty || !role.attachedPolicyArns.isEmpty
    }

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

    /// Where a finding about a failed decision should point: the statement that tried and failed
    /// (its failing element), else where a statement must be added (the policy's `Statement`).
    static func target(_ result: EvaluationResult, in policy: PolicyDocument?) -> Node? {
        let candidates = result.reasons.filter { $0.role == .doesNotApply && ($0.policy === policy || policy == nil) }
        if let near = candidates.first(where: { $0.mismatch != .action && $0.mismatch != .effect }) { return near.node }
        if let deny = result.reasons.first(where: { $0.role == .denies }) { return deny.node }
        guard let policy else { return nil }
        return policy.root["Statement"] ?? policy.root
    }

    /// The evaluator's explanation, in one sentence.
    static func why(_ result: EvaluationResult, about policy: PolicyDocument?) -> String {
        if let deny = result.reasons.first(where: { $0.role == .denies }) { return deny.message }
        let relevant = result.reasons.filter { $0.role == .doesNotApply && ($0.policy === policy || policy == nil) }
        if let near = relevant.first(where: { $0.mismatch != .action && $0.mismatch != .effect }) { return near.message }
        if let missing = result.reasons.first(where: { $0.role == .missing }) { return missing.message }
        return relevant.first?.message ?? "no statement allows it"
    }

    /// The other documents of a chain, as related locations.
    static func related(_ f: ChainFacts, except: Node? = nil) -> [RelatedLocation] {
        var out: [RelatedLocation] = []
        func add(_ node: Node?, _ message: String) {
            guard let node else { return }
            if let except, except.document === node.document && except.index == node.index { return }
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
}
