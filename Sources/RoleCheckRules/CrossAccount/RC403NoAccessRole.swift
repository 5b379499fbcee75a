import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC403: option 1 without an access role for the cluster's account.
public struct RC403NoAccessRole: SetupRule {
    public let id: RuleID = .RC403
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        var seen: Set<String> = []
        for f in setup.chainFacts where f.chain.option == .option1 && f.chain.accessRole == nil {
            let account = f.chain.cluster.account ?? "?"
            guard seen.insert("\(f.chain.studio.label)|\(account)").inserted else { continue }
            let where_ = f.chain.studio.app == .classic
                ? "the discovery file emr-discovery-iam-role-arns-DO_NOT_DELETE.json (\"\(account)\": \"arn:aws:iam::\(account):role/…\")"
                : "EmrSettings.AssumableRoleArns"
            // Where the access role belongs: JupyterLab's EmrSettings (beside ExecutionRoleArns);
            // Studio Classic's discovery file when there is one, else the runtime roles preloaded
            // for that account.
            let at: Node
            if f.chain.studio.app == .jupyterLab {
                at = f.chain.runtimeRoleNode.parent?.parent ?? f.chain.studio.preloadNode
            } else {
                let discovery = setup.resources.classicDiscoveryConfigs
                let file = discovery.first { $0.account == f.chain.studio.account } ?? (discovery.count == 1 ? discovery[0] : nil)
                // The key of the runtime roles preloaded for that account names it.
                let list = f.chain.runtimeRoleNode.parent
                let key = setup.resources.classicRoleConfigs.lazy.flatMap(\.rolesByAccount)
                    .first { entry in list.map { entry.roles.node.isSame($0) } ?? false }?.keyNode
                at = file?.node ?? key ?? list ?? f.chain.studio.preloadNode
            }
            context.report("hop Studio → access role (option 1): \(f.chain.cluster.label) is in account \(account), but \(f.chain.studio.label) has no EMR access role for that account, so Studio can neither list the cluster nor ask it for credentials; add the access role to \(where_)",
                           at: at, related: ChainQuestions.related(f, except: at), identity: "\(f.chain.studio.label)|\(account)", about: f.hopRef(.sessionCredentials).map { [.hop($0)] } ?? [])
        }
    }
}
