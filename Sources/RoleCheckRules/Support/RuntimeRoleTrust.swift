import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// Reading the hop from the cluster's instance-profile role to a runtime role (decided once in
/// `ChainFacts.hops`), shared by RC301–RC305 and RC311.
enum RuntimeRoleTrust {
    /// Each (instance-profile role, runtime role) pair once, with a chain that uses it. One
    /// instance-profile role (`EMR_EC2_DefaultRole`) often serves several clusters whose security
    /// configurations differ: the chain kept is the most demanding one (source identity
    /// propagated, Lake Formation configured), `include` picks the chains that matter to a rule,
    /// and `key` keeps pairs apart whose answer depends on the cluster (the Lake Formation tag).
    static func pairs(_ setup: Setup, where include: (ChainFacts) -> Bool = { _ in true },
                      by key: (ChainFacts) -> String = { _ in "" })
        -> [(ip: RoleResource, runtime: RoleResource, trust: PolicyDocument, facts: ChainFacts)] {
        var seen: Set<String> = []
        var out: [(RoleResource, RoleResource, PolicyDocument, ChainFacts)] = []
        let demanding = setup.chainFacts.filter { $0.propagatesSourceIdentity || $0.lakeFormationTag != nil }
        let others = setup.chainFacts.filter { !($0.propagatesSourceIdentity || $0.lakeFormationTag != nil) }
        for f in demanding + others where include(f) {
            guard let ip = f.instanceProfileRole, let rt = f.runtimeRole, let trust = rt.trust,
                  let ipArn = ip.effectiveArn, let rtArn = rt.effectiveArn else { continue }
            if seen.insert(ipArn + "|" + rtArn + "|" + key(f)).inserted { out.append((ip, rt, trust, f)) }
        }
        return out
    }

    /// The Lake Formation tag a chain's cluster sends, as a key for `pairs`.
    static func tagKey(_ f: ChainFacts) -> String { f.lakeFormationTag?.value ?? "" }

    /// The trust policy's own answer for the hop's `action` (the chain's request context),
    /// decided once when the chain was built.
    static func trustAnswer(_ f: ChainFacts, _ action: String, variant: String = "") -> EvaluationResult? {
        f.hop(.assumeRuntimeRole)?.answer(action, .resourcePolicy, variant: variant)
    }

    /// The finding's subjects: the hop from the instance-profile role to the runtime role.
    static func subjects(_ f: ChainFacts) -> [Subject] {
        f.hopRef(.assumeRuntimeRole).map { [.hop($0)] } ?? [.entity(f.runtimeEntity)]
    }

    /// Whether the trust names EC2 or the EMR service role (the common mistake RC305 explains).
    static func wrongPrincipal(_ trust: PolicyDocument, cluster: ClusterResource) -> PolicyValue? {
        wrongPrincipalDescribed(trust, cluster: cluster)?.value
    }

    /// The wrong principal and what it is, in words.
    static func wrongPrincipalDescribed(_ trust: PolicyDocument, cluster: ClusterResource) -> (value: PolicyValue, what: String)? {
        wrongPrincipalDescribed(trust, serviceRole: cluster.serviceRole)
    }

    /// The same, for a runtime role whose cluster (and so its service role) is not known.
    static func wrongPrincipalDescribed(_ trust: PolicyDocument, serviceRole serviceRoleArn: String?) -> (value: PolicyValue, what: String)? {
        let serviceRole = serviceRoleArn.map { StatementMatcher.roleName($0) }
        for s in trust.statements where s.effect == .allow {
            for (type, values) in s.principal?.entries ?? [] {
                for v in values {
                    if type == "Service" && Wildcard.asciiLowered(v.text).hasPrefix("ec2.amazonaws.com") { return (v, "the EC2 service (\(v.text))") }
                    if type == "Service" && Wildcard.asciiLowered(v.text).hasPrefix("elasticmapreduce.amazonaws.com") { return (v, "the EMR service (\(v.text))") }
                    if type == "AWS", case .role(_, let name, _) = PrincipalIdentity.parse(v.text),
                       name == serviceRole || name == "EMR_DefaultRole" || name == "EMR_DefaultRole_V2" {
                        return (v, "the EMR service role \(v.text)")
                    }
                }
            }
        }
        return nil
    }

    /// Where a finding about an action the trust lacks points: at a condition that refused the
    /// call; else at the Action of the statement that lets the instance-profile role assume the
    /// role, where the missing action belongs.
    static func whereToAdd(_ result: EvaluationResult, assume: EvaluationResult, trust: PolicyDocument) -> Node {
        let granting = grantingStatement(assume, trust)?.action?.node
        return (conditionMiss(result, trust) ? nil : granting) ?? result.decidingNode(in: trust) ?? trust.root
    }

    /// Whether a condition of the trust refused the call (then the fix is the condition's, not
    /// a missing action's, and it is the user's to decide).
    static func conditionMiss(_ result: EvaluationResult, _ trust: PolicyDocument) -> Bool {
        result.reasons.contains {
            guard $0.role == .doesNotApply, $0.policy === trust, case .condition? = $0.mismatch else { return false }
            return true
        }
    }

    /// The trust's statement that lets the instance-profile role assume the runtime role.
    static func grantingStatement(_ assume: EvaluationResult, _ trust: PolicyDocument) -> PolicyStatement? {
        assume.reasons.first { $0.role == .allows && $0.policy === trust }?.statement
    }

    /// The missing action added to the statement that admits the instance-profile role: certain
    /// when no condition refused it (that statement already names the right principal).
    static func addActionFix(_ action: String, _ result: EvaluationResult, assume: EvaluationResult, trust: PolicyDocument) -> Fix? {
        guard !conditionMiss(result, trust) else { return nil }
        return Fix.of("add \(action) to the Action of the trust statement that admits the instance-profile role",
                      [TrustFixes.addingAction(action, to: grantingStatement(assume, trust))])
    }

    /// Every action the instance-profile role's session needs on the runtime role, in words.
    static func allActions(_ f: ChainFacts) -> String {
        f.propagatesSourceIdentity ? "sts:AssumeRole, sts:TagSession and sts:SetSourceIdentity" : "sts:AssumeRole and sts:TagSession"
    }

    static func fix(_ ip: RoleResource, _ actions: String) -> String {
        "allow \(actions) to \"Principal\": {\"AWS\": \"\(ip.effectiveArn ?? ip.name)\"} in the trust policy"
    }
}
