import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC304: the instance-profile role's own policies do not allow assuming the runtime role where
/// AWS needs them to.
public struct RC304InstanceProfilePermissions: SetupRule {
    public let id: RuleID = .RC304
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        var reported: Set<String> = []
        for (ip, rt, trust, f) in RuntimeRoleTrust.pairs(setup, by: RuntimeRoleTrust.tagKey) {
            guard !reported.contains("\(ip.name)|\(rt.name)") else { continue }
            var actions = ["sts:AssumeRole", "sts:TagSession"]
            if f.propagatesSourceIdentity { actions.append("sts:SetSourceIdentity") }
            var needed: [String] = [], documented: [String] = []
            var firstNeeded: EvaluationResult?, firstDocumented: EvaluationResult?
            for action in actions {
                guard let result = f.hop(.assumeRuntimeRole)?.answer(action, .full) else { continue }
                guard result.resourceAllows == true else { continue } // the trust's problem: RC301–RC303
                if !result.allowed {
                    needed.append(action)
                    if firstNeeded == nil { firstNeeded = result }
                } else if !result.identityAllows {
                    documented.append(action)
                    if firstDocumented == nil { firstDocumented = result }
                }
            }
            guard let result = firstNeeded ?? firstDocumented else { continue }
            reported.insert("\(ip.name)|\(rt.name)")
            if let org = ChainQuestions.organizationRefusal(result) {
                context.report("hop instance-profile role → runtime role: the instance-profile role \(ip.name) may not call \(needed.joined(separator: ", ")) on runtime role \(rt.name): \(org.message)",
                               at: org.node, related: ChainQuestions.related(f, except: org.node), identity: "\(ip.name)|\(rt.name)|organization",
                               about: RuntimeRoleTrust.subjects(f))
                continue
            }
            // Point at an identity statement that tried and failed (its Resource or condition),
            // else where a statement must be added.
            let near = result.reasons.first { $0.isNearMiss && $0.policy !== trust }
            let at = near?.node ?? ChainQuestions.statementHome(setup, role: ip, services: ["sts"])
            let unknown = needed.map { f.hop(.assumeRuntimeRole)?.unknownKeys($0, .full) ?? [] }
            let doubt = unknown.allSatisfy({ !$0.isEmpty }) ? ChainQuestions.doubt(Array(Set(unknown.joined())).sorted()) : (severity: nil, note: "")
            if !needed.isEmpty {
                let why = near?.message ?? result.reasons.first { $0.role == .missing }?.message ?? "no permission policy of \(ip.name) allows it"
                let across = result.crossAccount ? " (the runtime role is in another account, so both its trust and the caller's own policy must allow the call)" : ""
                context.report("hop instance-profile role → runtime role: the instance-profile role \(ip.name) may not call \(needed.joined(separator: ", ")) on runtime role \(rt.name)\(across): \(why); allow these actions on \(rt.effectiveArn ?? rt.name) in \(ip.name)'s permission policy (EMR's AllowRuntimeRoleUsage statement)\(doubt.note)",
                               at: at, severity: doubt.severity, related: ChainQuestions.related(f, except: at), identity: "\(ip.name)|\(rt.name)|\(needed)",
                               about: RuntimeRoleTrust.subjects(f))
            } else {
                context.report("the instance-profile role \(ip.name) has no permission policy allowing \(documented.joined(separator: ", ")) on runtime role \(rt.name); AWS allows the call anyway because the trust names the role itself, but EMR documents the policy (AllowRuntimeRoleUsage), and it is needed once the trust names only the account or the role moves to another account",
                               at: at, severity: .warning, related: ChainQuestions.related(f, except: at), identity: "\(ip.name)|\(rt.name)|documented",
                               about: RuntimeRoleTrust.subjects(f))
            }
        }
    }
}
