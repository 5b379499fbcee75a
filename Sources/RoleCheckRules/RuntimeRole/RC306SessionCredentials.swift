import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC306: the caller (Studio execution role, or access role in option 1) may not call
/// `GetClusterSessionCredentials` on the cluster with the runtime role.
public struct RC306SessionCredentials: SetupRule {
    public let id: RuleID = .RC306
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        var seen: Set<String> = []
        for f in setup.chainFacts {
            guard let caller = f.caller, let callerArn = f.callerArn else { continue }
            guard seen.insert("\(callerArn)|\(f.chain.cluster.effectiveArn)|\(f.chain.runtimeRoleArn)").inserted else { continue }
            guard let hop = f.hop(.sessionCredentials),
                  let result = hop.answer("elasticmapreduce:GetClusterSessionCredentials", .full), !result.allowed else { continue }
            let org = ChainQuestions.organizationRefusal(result)
            let at = org?.node ?? result.decidingNode(in: nil) ?? ChainQuestions.statementHome(setup, role: caller, services: ["elasticmapreduce"])
            // Several clusters failing at the same place for the same role (a condition that
            // misses the role) are one finding.
            guard seen.insert("at|\(callerArn)|\(f.chain.runtimeRoleArn)|\(at.document.file.path)|\(at.index)").inserted else {
                context.attach([.hop(hop.ref)], toFindingAt: at)
                continue
            }
            let who = f.chain.option == .option1 ? "the EMR access role \(caller.name)" : "the Studio execution role \(caller.name)"
            let doubt = ChainQuestions.doubt(hop.unknownKeys("elasticmapreduce:GetClusterSessionCredentials", .full))
            if let org {
                context.report("hop \(f.chain.option == .option1 ? "access role" : "Studio") → cluster: \(who) may not call elasticmapreduce:GetClusterSessionCredentials on \(f.chain.cluster.label): \(org.message)",
                               at: at, related: ChainQuestions.related(f, except: at), identity: "\(caller.name)|\(f.chain.runtimeRoleArn)|organization",
                               about: [.hop(hop.ref)])
                continue
            }
            context.report("hop \(f.chain.option == .option1 ? "access role" : "Studio") → cluster: \(who) may not call elasticmapreduce:GetClusterSessionCredentials on \(f.chain.cluster.label) with elasticmapreduce:ExecutionRoleArn = \(f.chain.runtimeRoleArn): \(result.because(about: nil)); allow the action on the cluster with a condition listing this runtime role\(doubt.note)",
                           at: at, severity: doubt.severity, related: ChainQuestions.related(f, except: at), identity: "\(caller.name)|\(f.chain.runtimeRoleArn)",
                           about: [.hop(hop.ref)])
        }
    }
}
