import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC307: `GetClusterSessionCredentials` or `AddJobFlowSteps` allowed without an
/// `elasticmapreduce:ExecutionRoleArn` condition: the caller may use any runtime role.
public struct RC307UnconditionedExecutionRole: PolicyRule {
    public let id: RuleID = .RC307
    /// A permissions boundary grants nothing: an unconditioned action in it lets no one call it.
    public let judgesBoundaries = false
    public init() {}
    /// Attaching an AWS-managed policy that grants the actions unconditioned is the user's choice.
    public var judgesAWSManaged: Bool { true }

    static let actions = ["elasticmapreduce:GetClusterSessionCredentials", "elasticmapreduce:AddJobFlowSteps"]
    static let key = "elasticmapreduce:ExecutionRoleArn"

    /// A positive condition on the execution role that limits which roles may be passed.
    static func restricts(_ c: ConditionEntry) -> Bool {
        guard let op = c.op, Wildcard.asciiLowered(c.key) == Wildcard.asciiLowered(key) else { return false }
        return !op.isNegated && op.base != .null && op.qualifier != .forAllValues
    }

    public func check(_ document: ClassifiedDocument, in setup: Setup, _ context: inout RuleContext) {
        checkPolicies(of: document, in: setup, &context) { policy, context in
            // Worked out only for a finding (most policies have none).
            check(policy, &context) { Self.offeredRuntimeRoles(holding: policy, in: setup) }
        }
    }

    public func check(_ policy: PolicyDocument, _ context: inout RuleContext) { check(policy, &context) { nil } }

    /// The runtime roles Studio offers to the one role that holds this policy, when that is
    /// known: the role calls GetClusterSessionCredentials in the chains of the inputs (as the
    /// Studio execution role, or option 1's access role), and every chain's list is read.
    static func offeredRuntimeRoles(holding policy: PolicyDocument, in setup: Setup) -> [String]? {
        let holders = setup.ownerSubjects(of: policy).compactMap { subject -> String? in
            if case .entity(let e) = subject, e.kind == .role { return e.id }
            return nil
        }
        guard holders.count == 1, let holder = holders.first else { return nil }
        let chains = setup.chainFacts.filter { $0.caller?.entity.id == holder }
        guard !chains.isEmpty else { return nil }
        return Array(Set(chains.map(\.chain.runtimeRoleArn))).sorted()
    }

    func check(_ policy: PolicyDocument, _ context: inout RuleContext, offered: () -> [String]?) {
        guard policy.kind == .identity else { return }
        for action in Self.actions {
            // A Deny on the action that excludes every role outside a list also limits it.
            let denyLimits = policy.statements.contains { s in
                s.effect == .deny && Self.covers(s, action) && s.conditions.contains {
                    Wildcard.asciiLowered($0.key) == Wildcard.asciiLowered(Self.key) && ($0.op?.isNegated ?? false)
                }
            }
            if denyLimits { continue }
            for s in policy.statements where s.effect == .allow && Self.covers(s, action) {
                if s.conditions.contains(where: Self.restricts) { continue }
                let node = s.action.flatMap { block in
                    block.negated ? block.keyNode : block.values.first { Wildcard.matches($0.text, action, caseInsensitive: true) }?.node
                } ?? s.node
                if policy.origin == .awsManaged {
                    // AWS's own policy: the user cannot edit it, only choose not to attach it.
                    context.report("\(s.label) of AWS-managed \(policy.label) allows \(action) without an \(Self.key) condition: whoever it is attached to can pass any runtime role to the cluster. An AWS-managed policy cannot be edited: attach a customer-managed policy that lists the runtime roles instead, or add a Deny on \(action) whose condition excludes every other role (StringNotLike on \(Self.key))",
                                   at: node, severity: .warning, identity: action)
                } else {
                    context.report("\(s.label) of \(policy.label) allows \(action) without an \(Self.key) condition: whoever holds this policy can pass any runtime role to the cluster; add a condition such as \"StringLike\": {\"\(Self.key)\": [\"arn:aws:iam::ACCOUNT:role/team-runtime-*\"]}",
                                   at: node, identity: action, fix: offered().flatMap { Self.fix(s, limitingTo: $0) })
                }
            }
        }
    }

    /// The statement limited to the runtime roles Studio offers: `StringEquals` on the execution
    /// role, added to the statement's `Condition` (made when it has none).
    static func fix(_ s: PolicyStatement, limitingTo roles: [String]) -> Fix? {
        let list = EditValue.array(roles.map { .string($0) })
        let description = "allow it only for the runtime roles Studio offers: \(roles.map { StatementMatcher.roleName($0) }.joined(separator: ", "))"
        guard let condition = s.node["Condition"] else {
            return Fix.of(description, [s.node.insertingMember("Condition", .object([("StringEquals", .object([(key, list)]))]))])
        }
        guard condition.kind == .object else { return nil }
        if let equals = condition["StringEquals"] {
            guard equals.kind == .object, equals[key] == nil else { return nil }
            return Fix.of(description, [equals.insertingMember(key, list)])
        }
        return Fix.of(description, [condition.insertingMember("StringEquals", .object([(key, list)]))])
    }

    static func covers(_ s: PolicyStatement, _ action: String) -> Bool {
        guard let block = s.action else { return false }
        let listed = block.values.contains { Wildcard.matches($0.text, action, caseInsensitive: true) }
        return listed != block.negated
    }
}
