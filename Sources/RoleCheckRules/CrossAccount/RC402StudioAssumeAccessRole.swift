import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC402: option 1, the Studio execution role may not `sts:AssumeRole` the access role.
public struct RC402StudioAssumeAccessRole: SetupRule {
    public let id: RuleID = .RC402
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        var seen: Set<String> = []
        for f in setup.chainFacts where f.chain.option == .option1 {
            guard let access = f.accessRole, let trust = access.trust, let studio = f.studioRole,
                  let studioArn = f.chain.studio.executionRoleArn, seen.insert("\(studioArn)|\(access.name)").inserted,
                  let hop = f.hop(.assumeAccessRole), let result = hop.answer("sts:AssumeRole", .full),
                  result.resourceAllows == true, !result.allowed else { continue }
            // A statement of the execution role that tried (its Resource or condition), else where to add one.
            let near = result.reasons.first { $0.isNearMiss && $0.policy !== trust }?.node
            // A managed policy among the inputs that would allow the call but is not attached
            // to the execution role: the fix is to attach it.
            let unattached = hop.unattachedGrants.first
            var at = near ?? ChainQuestions.statementHome(setup, role: studio, services: ["sts"])
            var fix = "allow sts:AssumeRole on \(access.effectiveArn ?? access.name)"
            var related = ChainQuestions.related(f, except: at)
            if near == nil, let unattached {
                at = studio.node["AttachedManagedPolicies"] ?? studio.node
                fix = "managed policy \(unattached.name) (\(unattached.arn)) allows it but is not attached to \(studio.name): attach it"
                related = [RelatedLocation(location: Location(node: unattached.document.root), message: "managed policy \(unattached.name), not attached")]
                    + ChainQuestions.related(f, except: at)
            }
            if let n = trust.root["Statement"] { related.append(RelatedLocation(location: Location(node: n), message: "the trust policy of access role \(access.name)")) }
            let doubt = ChainQuestions.doubt(hop.unknownKeys("sts:AssumeRole", .full))
            context.report("hop Studio → access role (option 1): the Studio execution role \(studio.name) may not call sts:AssumeRole on access role \(access.effectiveArn ?? access.name): \(result.because(about: nil)); the access role is in another account, so the execution role's own policy must allow the call as well as the trust: \(fix)\(doubt.note)",
                           at: at, severity: doubt.severity, related: related, identity: "\(studio.name)|\(access.name)",
                           about: [.hop(hop.ref)])
        }
    }
}
