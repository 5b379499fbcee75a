import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC310: Lake Formation is configured but the runtime role lacks `lakeformation:GetDataAccess`
/// or `glue:Get*`.
public struct RC310LakeFormationPermissions: SetupRule {
    public let id: RuleID = .RC310
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        var seen: Set<String> = []
        for f in setup.chainFacts where f.lakeFormationTag != nil {
            guard let rt = f.runtimeRole, let arn = rt.effectiveArn, let hop = f.hop(.lakeFormation) else { continue }
            guard seen.insert(arn).inserted else {
                context.attach([.hop(hop.ref)], toFindingAt: ChainQuestions.statementHome(setup, role: rt, services: ["lakeformation", "glue"]))
                continue
            }
            var missing: [String] = []
            var near: Node?
            for action in ["lakeformation:GetDataAccess", "glue:GetTable", "glue:GetDatabase"] {
                guard let result = hop.answer(action, .full) else {
                    missing = []
                    break
                }
                if !result.allowed {
                    missing.append(action)
                    near = near ?? result.reasons.first { $0.role == .denies }?.node ?? result.reasons.first { $0.isNearMiss }?.node
                }
            }
            guard !missing.isEmpty else { continue }
            let at = near ?? ChainQuestions.statementHome(setup, role: rt, services: ["lakeformation", "glue"])
            context.report("hop runtime role → data: the cluster's security configuration enables Lake Formation, but runtime role \(rt.name) may not call \(missing.joined(separator: ", ")); Lake Formation grants alone are not enough: allow lakeformation:GetDataAccess and glue:Get* on \"*\"",
                           at: at, related: ChainQuestions.related(f, except: at), identity: "\(rt.name)|\(missing)",
                           about: [.hop(hop.ref), .entity(f.runtimeEntity)])
        }
    }
}
