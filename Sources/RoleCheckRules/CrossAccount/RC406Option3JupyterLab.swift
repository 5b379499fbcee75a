import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC406: option 3 in the JupyterLab app, whose UI offers only runtime roles of the cluster's account.
public struct RC406Option3JupyterLab: SetupRule {
    public let id: RuleID = .RC406
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        let r = setup.resources
        for c in setup.studioContexts where c.app == .jupyterLab {
            let own = ChainBuilder.studioAccount(c)
            let clusterAccounts = Set(ChainBuilder.reachable(c, r.clusters).compactMap(\.account))
            guard clusterAccounts.contains(own ?? "") else { continue }
            for (_, list) in c.runtimeRoles {
                for (arn, node) in list.arns {
                    guard let a = ARN(arn)?.account, a != own, !clusterAccounts.subtracting([own ?? ""]).contains(a) else { continue }
                    context.report("runtime role \(arn) is in account \(a), but the clusters \(c.label) reaches are in \(own ?? "its own account"): the JupyterLab app offers only runtime roles of the cluster's account, so this role cannot be picked there (option 3 works in Studio Classic, or with the %sm_analytics command). If it is meant for a cluster of account \(a) instead, that cluster's describe-cluster output is not among the inputs",
                                   at: node, identity: "\(c.label)|\(arn)", about: [.entity(c.entity), .entity(.role(arn))])
                }
            }
        }
    }
}
