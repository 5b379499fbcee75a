import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC401: option 1, the access role's trust does not let the Studio execution role assume it.
public struct RC401AccessRoleTrust: SetupRule {
    public let id: RuleID = .RC401
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        var seen: Set<String> = []
        for f in setup.chainFacts where f.chain.option == .option1 {
            guard let access = f.accessRole, let trust = access.trust, let studioArn = f.chain.studio.executionRoleArn,
                  seen.insert("\(studioArn)|\(access.name)").inserted else { continue }
            guard let hop = f.hop(.assumeAccessRole), let result = hop.answer("sts:AssumeRole", .resourcePolicy),
                  result.resourceAllows != true else { continue }
            let at = result.decidingNode(in: trust) ?? trust.root
            var suggestion = f.chain.studio.app == .classic
                ? "trust the Studio account (arn:aws:iam::\(ARN(studioArn)?.account ?? "ACCOUNT"):root), as Studio Classic's documentation does, or the execution role \(studioArn)"
                : "trust the Studio execution role \(studioArn)"
            if f.chain.studio.propagatesSourceIdentity { suggestion += " with sts:AssumeRole and sts:SetSourceIdentity (the domain propagates the source identity)" }
            let doubt = ChainQuestions.doubt(hop.unknownKeys("sts:AssumeRole", .resourcePolicy))
            context.report("hop Studio → access role (option 1): the trust policy of access role \(access.name) does not let the Studio execution role \(StatementMatcher.roleName(studioArn)) call sts:AssumeRole (\(result.because(about: trust))); \(suggestion)\(doubt.note)",
                           at: at, severity: doubt.severity, related: ChainQuestions.related(f, except: at), identity: "\(studioArn)|\(access.name)",
                           about: [.hop(hop.ref)])
        }
    }
}
