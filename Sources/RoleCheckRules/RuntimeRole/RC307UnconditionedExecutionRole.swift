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

    public func check(_ policy: PolicyDocument, _ context: inout RuleContext) {
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
                                   at: node, identity: action)
                }
            }
        }
    }

    static func covers(_ s: PolicyStatement, _ action: String) -> Bool {
        guard let block = s.action else { return false }
        let listed = block.values.contains { Wildcard.matches($0.text, action, caseInsensitive: true) }
        return listed != block.negated
    }
}
