import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC305: the runtime role trusts EC2 or the EMR service role instead of the instance-profile role.
public struct RC305TrustsServiceInsteadOfRole: SetupRule {
    public let id: RuleID = .RC305
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        for (ip, rt, trust, f) in RuntimeRoleTrust.pairs(setup) {
            guard let result = RuntimeRoleTrust.trustAnswer(f, "sts:AssumeRole"), result.resourceAllows != true, let (wrong, what) = RuntimeRoleTrust.wrongPrincipalDescribed(trust, cluster: f.chain.cluster) else { continue }
            context.report("runtime role \(rt.name) trusts \(what), but EMR assumes runtime roles with the cluster's instance-profile role, \(ip.effectiveArn ?? ip.name); trust that role instead (with \(RuntimeRoleTrust.allActions(f))). Trusting EC2 or the EMR service role is the most common runtime-role mistake",
                           at: wrong.node, related: ChainQuestions.related(f, except: wrong.node), identity: "\(rt.name)|\(wrong.text)",
                           about: RuntimeRoleTrust.subjects(f))
        }
    }
}
