import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC308: the caller lacks the cluster discovery permissions Studio uses.
public struct RC308DiscoveryPermissions: SetupRule {
    public let id: RuleID = .RC308
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        var seen: Set<String> = []
        for f in setup.chainFacts {
            guard let caller = f.caller, let callerArn = f.callerArn,
                  seen.insert("\(callerArn)|\(f.chain.cluster.effectiveArn)").inserted else { continue }
            guard let hop = f.hop(.sessionCredentials) else { continue }
            let discovery = ["elasticmapreduce:ListClusters", "elasticmapreduce:DescribeCluster",
                             "elasticmapreduce:ListInstanceGroups", "elasticmapreduce:DescribeSecurityConfiguration"]
            var missing: [String] = []
            var near: Node?
            for action in discovery {
                guard let r = hop.answer(action, .full) else { missing = []; break }
                if !r.allowed {
                    missing.append(action)
                    // A statement that lists the action but not this resource (or whose condition fails).
                    near = near ?? r.reasons.first { $0.isNearMiss }?.node
                }
            }
            guard !missing.isEmpty else { continue }
            let at = near ?? ChainQuestions.statementHome(setup, role: caller, services: ["elasticmapreduce"])
            // The same gap seen from several clusters is one finding.
            guard seen.insert("at|\(callerArn)|\(missing)|\(at.document.file.path)|\(at.index)").inserted else {
                context.attach([.hop(hop.ref)], toFindingAt: at)
                continue
            }
            let who = f.chain.option == .option1 ? "the EMR access role \(caller.name)" : "the Studio execution role \(caller.name)"
            let unscoped = missing.filter { $0 == "elasticmapreduce:ListClusters" || $0 == "elasticmapreduce:DescribeSecurityConfiguration" }
            let hint = unscoped.isEmpty || near == nil ? "" : " (\(unscoped.joined(separator: " and ")) take\(unscoped.count == 1 ? "s" : "") no resource ARN: only \"Resource\": \"*\" grants \(unscoped.count == 1 ? "it" : "them"))"
            context.report("hop \(f.chain.option == .option1 ? "access role" : "Studio") → cluster: \(who) may not call \(missing.joined(separator: ", ")) on \(f.chain.cluster.label)\(hint): Studio uses these to list the cluster and read its settings, so the cluster may not show up, or fail to connect, for \(f.chain.studio.label)",
                           at: at, related: ChainQuestions.related(f, except: at), identity: "\(caller.name)|\(missing)",
                           about: [.hop(hop.ref)])
        }
    }
}
