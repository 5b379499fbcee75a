import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC312: Studio propagates the source identity, but a role it assumes does not allow
/// `sts:SetSourceIdentity`.
public struct RC312StudioSourceIdentity: SetupRule {
    public let id: RuleID = .RC312
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        var seen: Set<String> = []
        for f in setup.chainFacts where f.chain.studio.propagatesSourceIdentity && f.chain.option == .option1 {
            guard let access = f.accessRole, let trust = access.trust, let studioArn = f.chain.studio.executionRoleArn,
                  seen.insert("\(studioArn)|\(access.name)").inserted else { continue }
            guard let hop = f.hop(.assumeAccessRole), let result = hop.answer("sts:SetSourceIdentity", .resourcePolicy),
                  let assume = hop.answer("sts:AssumeRole", .resourcePolicy) else { continue }
            // A trust that does not let the Studio execution role in at all is RC401's finding.
            guard assume.resourceAllows == true else { continue }
            func related(_ at: Node) -> [RelatedLocation] {
                var out = ChainQuestions.related(f, except: at)
                if let n = f.chain.studio.sourceIdentityNode { out.insert(RelatedLocation(location: Location(node: n), message: "the domain propagates the user's name as source identity"), at: 0) }
                return out
            }
            if result.resourceAllows != true {
                let at = RuntimeRoleTrust.whereToAdd(result, assume: assume, trust: trust)
                context.report("hop Studio → access role (option 1): the domain sets ExecutionRoleIdentityConfig to USER_PROFILE_NAME, so Studio sets a source identity when it assumes access role \(access.name), but its trust policy does not allow sts:SetSourceIdentity (\(result.because(about: trust))); the assume-role call fails with AccessDenied. Allow sts:SetSourceIdentity to the Studio execution role in the trust",
                               at: at, related: related(at), identity: access.name, about: [.hop(hop.ref)])
                continue
            }
            // Across accounts the Studio execution role's own policy must allow it too.
            guard let studio = f.studioRole,
                  let full = hop.answer("sts:SetSourceIdentity", .full), !full.allowed else { continue }
            // A statement that tried (its Resource or condition); else the Action of the statement
            // that lets the execution role assume the access role, where the action belongs.
            let granting = hop.answer("sts:AssumeRole", .full)?
                .reasons.first { $0.role == .allows && $0.policy !== trust }?.statement?.action?.node
            let at = full.reasons.first { $0.isNearMiss && $0.policy !== trust }?.node
                ?? granting ?? ChainQuestions.statementHome(setup, role: studio, services: ["sts"])
            context.report("hop Studio → access role (option 1): the domain sets ExecutionRoleIdentityConfig to USER_PROFILE_NAME, so Studio sets a source identity when it assumes access role \(access.name); its trust allows that, but the Studio execution role \(studio.name) may not call sts:SetSourceIdentity on it (\(full.because(about: nil))); across accounts both sides must allow it: add sts:SetSourceIdentity on \(access.effectiveArn ?? access.name) to the execution role's policy",
                           at: at, related: related(at), identity: "\(studio.name)|\(access.name)|identity", about: [.hop(hop.ref)])
        }
    }
}
