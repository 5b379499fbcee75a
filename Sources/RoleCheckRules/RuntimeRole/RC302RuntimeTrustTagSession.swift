import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC302: the runtime role's trust does not let the instance-profile role `sts:TagSession`.
public struct RC302RuntimeTrustTagSession: SetupRule {
    public let id: RuleID = .RC302
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        var reported: Set<String> = []
        for (ip, rt, trust, f) in RuntimeRoleTrust.pairs(setup, by: RuntimeRoleTrust.tagKey) {
            guard !reported.contains("\(ip.name)|\(rt.name)") else { continue }
            guard let result = RuntimeRoleTrust.trustAnswer(f, "sts:TagSession"), result.resourceAllows != true else { continue }
            // A trust that does not even allow sts:AssumeRole is RC301's (or RC305's) finding, which names both actions.
            guard let assume = RuntimeRoleTrust.trustAnswer(f, "sts:AssumeRole"), assume.resourceAllows == true else { continue }
            let failing = result.reasons.first { $0.role == .doesNotApply && $0.mismatch.map(Self.isTagCondition) == true }
            // A condition on the Lake Formation tag with another value is RC311's.
            if f.lakeFormationTag != nil, failing != nil { continue }
            // Without Lake Formation the tags EMR sends are not known: a tag condition is a doubt.
            // Other conditions on keys the inputs do not give (a principal tag …) are doubts too.
            let doubt = failing != nil ? (severity: Severity?.none, note: "") : ChainQuestions.doubt(f.hop(.assumeRuntimeRole)?.unknownKeys("sts:TagSession", .resourcePolicy) ?? [])
            let severity: Severity? = failing != nil ? .warning : doubt.severity
            let at = RuntimeRoleTrust.whereToAdd(result, assume: assume, trust: trust)
            reported.insert("\(ip.name)|\(rt.name)")
            context.report("hop instance-profile role → runtime role: the trust policy of runtime role \(rt.name) does not let the instance-profile role \(ip.name) call sts:TagSession (\(result.because(about: trust))); \(failing != nil ? "the tags EMR sends without Lake Formation are not documented, so this condition may refuse the session and fail the connection" : "EMR tags the runtime role's session, so the connection fails"); \(RuntimeRoleTrust.fix(ip, "sts:TagSession"))\(doubt.note)",
                           at: at, severity: severity, related: ChainQuestions.related(f, except: at), identity: "\(ip.name)|\(rt.name)",
                           about: RuntimeRoleTrust.subjects(f),
                           fix: failing != nil ? nil : RuntimeRoleTrust.addActionFix("sts:TagSession", result, assume: assume, trust: trust))
        }
    }

    static func isTagCondition(_ m: EvaluationReason.Mismatch) -> Bool {
        if case .condition(let key) = m {
            let k = Wildcard.asciiLowered(key)
            return k.hasPrefix("aws:requesttag/") || k == "aws:tagkeys"
        }
        return false
    }
}
