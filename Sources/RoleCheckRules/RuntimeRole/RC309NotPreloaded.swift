import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC309: no runtime role is preloaded for a cluster the Studio user reaches.
public struct RC309NotPreloaded: SetupRule {
    public let id: RuleID = .RC309
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        let r = setup.resources
        for c in setup.studioContexts {
            // Studio Classic's configuration file lives on the user's home volume, not in an AWS
            // export: when none is among the inputs, whether roles are preloaded is unknown.
            if c.app == .classic && r.classicRoleConfigs.isEmpty { continue }
            var accounts: Set<String> = []
            for cluster in ChainBuilder.reachable(c, r.clusters) where ChainBuilder.offered(c, for: cluster).isEmpty {
                guard accounts.insert(cluster.account ?? "?").inserted else { continue }
                // JupyterLab listing runtime roles of other accounts for a cluster of its own
                // account is option 3, which the UI filters out: RC406 warns about it, and whether
                // it fails is observed behaviour, not documented, so this is a warning too.
                let optionThree = c.app == .jupyterLab && cluster.account == ChainBuilder.studioAccount(c)
                    && c.runtimeRoles.contains { $0.clusterAccount == nil && $0.list.arns.contains { ARN($0.arn)?.account != cluster.account } }
                let where_ = c.app == .classic
                    ? "emr-configurations-DO_NOT_DELETE.json (emr-execution-role-arns keyed by \(cluster.account ?? "the cluster's account"))"
                    : "EmrSettings.ExecutionRoleArns (a role of account \(cluster.account ?? "?"))"
                let consequence = c.app == .classic
                    ? "Studio Classic then connects with the execution role itself, not a runtime role"
                    : "the JupyterLab app refuses the connection (\"No available EMR execution role found for the cluster\")"
                var related = [RelatedLocation(location: Location(node: cluster.node), message: cluster.label)]
                var shadowed = ""
                // The JupyterLab extension reads the profile's EmrSettings and falls back to the
                // domain's only when both of the profile's lists are empty: say so when the domain
                // has the role the profile hides.
                if c.app == .jupyterLab,
                   let profile = r.userProfiles.first(where: { $0.node.isSame(c.node) }),
                   let list = r.domains.first(where: { $0.id == profile.domainId })?.defaults.executionRoles,
                   let hidden = list.arns.first(where: { ARN($0.arn)?.account == cluster.account }) {
                    shadowed = "; the domain's EmrSettings list \(StatementMatcher.roleName(hidden.arn)), but a user profile with EmrSettings of its own does not inherit the domain's lists (they are not merged)"
                    related.append(RelatedLocation(location: Location(node: hidden.node), message: "the domain's runtime role, not used for this profile"))
                }
                context.report("\(c.label) preloads no runtime role for \(cluster.label) in account \(cluster.account ?? "?"): \(consequence)\(shadowed); add the runtime roles to \(where_)",
                               // Option 3 is a doubt, unless the domain's list shows the role this
                               // profile was meant to have: then the profile's own list broke it.
                               at: c.preloadNode, severity: c.app == .classic || (optionThree && shadowed.isEmpty) ? .warning : nil,
                               related: related,
                               identity: "\(c.label)|\(cluster.account ?? "?")", about: [.entity(c.entity), .entity(cluster.entity)])
            }
            // A user profile with EmrSettings of its own replaces the domain's lists: runtime
            // roles the domain preloads for a reachable cluster and the profile does not list are
            // not offered to this user. That may be a deliberate restriction, hence a warning.
            guard c.app == .jupyterLab,
                  let profile = r.userProfiles.first(where: { $0.node.isSame(c.node) }),
                  !(profile.settings.executionRoles?.isEmpty ?? true) || !(profile.settings.assumableRoles?.isEmpty ?? true),
                  let domainList = r.domains.first(where: { $0.id == profile.domainId })?.defaults.executionRoles else { continue }
            let own = Set((profile.settings.executionRoles?.arns ?? []).map(\.arn))
            let reached = ChainBuilder.reachable(c, r.clusters).filter { !ChainBuilder.offered(c, for: $0).isEmpty }
            for hidden in domainList.arns where !own.contains(hidden.arn) {
                guard let cluster = reached.first(where: { ARN(hidden.arn)?.account == $0.account }) else { continue }
                context.report("\(c.label) is not offered runtime role \(StatementMatcher.roleName(hidden.arn)) for \(cluster.label): the domain's EmrSettings list it, but this user profile has EmrSettings of its own, which replace the domain's lists (they are not merged); add it to the profile's EmrSettings.ExecutionRoleArns if the user should have it",
                               at: c.preloadNode, severity: .warning,
                               related: [RelatedLocation(location: Location(node: hidden.node), message: "the domain's runtime role, not used for this profile")],
                               identity: "\(c.label)|hidden|\(hidden.arn)", about: [.entity(c.entity), .entity(cluster.entity)])
            }
        }
    }
}
