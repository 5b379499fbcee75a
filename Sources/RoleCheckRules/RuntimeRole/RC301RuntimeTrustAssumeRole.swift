import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC301: the runtime role's trust does not let the instance-profile role `sts:AssumeRole`.
public struct RC301RuntimeTrustAssumeRole: SetupRule {
    public let id: RuleID = .RC301
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        for (ip, rt, trust, f) in RuntimeRoleTrust.pairs(setup) {
            guard let result = RuntimeRoleTrust.trustAnswer(f, "sts:AssumeRole"), result.resourceAllows != true else { continue }
            if RuntimeRoleTrust.wrongPrincipal(trust, cluster: f.chain.cluster) != nil { continue } // RC305 says it plainly
            let at = result.decidingNode(in: trust) ?? trust.root
            let doubt = ChainQuestions.doubt(f.hop(.assumeRuntimeRole)?.unknownKeys("sts:AssumeRole", .resourcePolicy) ?? [])
            // RC302 and RC303 stay silent while the role cannot be assumed at all: say every action here.
            context.report("hop instance-profile role → runtime role: the trust policy of runtime role \(rt.name) does not let the instance-profile role \(ip.name) of \(f.chain.cluster.label) call sts:AssumeRole (\(result.because(about: trust))); \(RuntimeRoleTrust.fix(ip, RuntimeRoleTrust.allActions(f)))\(doubt.note)",
                           at: at, severity: doubt.severity, related: ChainQuestions.related(f, except: at), identity: "\(ip.name)|\(rt.name)",
                           about: RuntimeRoleTrust.subjects(f))
        }
    }
}
