import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC107: `Allow` combined with `NotPrincipal`, `NotAction` or `NotResource` grants more than it
/// seems to.
public struct RC107AllowWithNot: PolicyRule {
    public let id: RuleID = .RC107
    public init() {}
    /// An Allow with NotAction in an SCP or a boundary widens no grant: they grant nothing.
    public let judgesBoundaries = false

    public func check(_ policy: PolicyDocument, _ context: inout RuleContext) {
        for s in policy.statements where s.effect == .allow {
            if let p = s.principal, p.negated {
                context.report("\(s.label) of \(policy.label) allows with NotPrincipal: every principal not listed, in every account, is allowed; list the principals in Principal instead",
                               at: p.keyNode, identity: "NotPrincipal")
            }
            if let a = s.action, a.negated {
                context.report("\(s.label) of \(policy.label) allows with NotAction: every action of every service except those listed, including ones AWS adds later; list the actions you mean in Action",
                               at: a.keyNode, identity: "NotAction")
            }
            if let r = s.resource, r.negated {
                context.report("\(s.label) of \(policy.label) allows with NotResource: every resource except those listed, including ones created later; list the resources you mean in Resource",
                               at: r.keyNode, identity: "NotResource")
            }
        }
    }
}
