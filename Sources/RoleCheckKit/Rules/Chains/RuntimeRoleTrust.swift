/// Trust questions about the hop from the cluster's instance-profile role to a runtime role,
/// shared by RC301, RC302, RC303 and RC305.
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

    /// The trust policy alone: does it allow the instance-profile role's session `action`?
    static func trustAllows(_ action: String, ip: RoleResource, runtime: RoleResource, trust: PolicyDocument,
                            context: RequestContext = RequestContext()) -> EvaluationResult {
        ChainQuestions.trustAllows(callerArn: ip.effectiveArn ?? "", action, role: runtime, trust: trust, context: context)
    }

    /// The request context of the TagSession call: the Lake Formation tag when configured.
    static func tagContext(_ f: ChainFacts) -> RequestContext {
        var c = RequestContext()
        if let tag = f.lakeFormationTag {
            c.add("aws:RequestTag/LakeFormationAuthorizedCaller", tag.value)
            c.add("aws:TagKeys", "LakeFormationAuthorizedCaller")
        }
        return c
    }

    /// Whether the trust names EC2 or the EMR service role (the common mistake RC305 explains).
    static func wrongPrincipal(_ trust: PolicyDocument, cluster: ClusterResource) -> PolicyValue? {
        wrongPrincipalDescribed(trust, cluster: cluster)?.value
    }

    /// The wrong principal and what it is, in words.
    static func wrongPrincipalDescribed(_ trust: PolicyDocument, cluster: ClusterResource) -> (value: PolicyValue, what: String)? {
        let serviceRole = cluster.serviceRole.map { StatementMatcher.roleName($0) }
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
        let conditionMiss = result.reasons.contains {
            guard $0.role == .doesNotApply, $0.policy === trust, case .condition? = $0.mismatch else { return false }
            return true
        }
        let granting = assume.reasons.first { $0.role == .allows && $0.policy === trust }?.statement?.action?.node
        return (conditionMiss ? nil : granting) ?? ChainQuestions.target(result, in: trust) ?? trust.root
    }

    /// Every action the instance-profile role's session needs on the runtime role, in words.
    static func allActions(_ f: ChainFacts) -> String {
        f.propagatesSourceIdentity ? "sts:AssumeRole, sts:TagSession and sts:SetSourceIdentity" : "sts:AssumeRole and sts:TagSession"
    }

    static func fix(_ ip: RoleResource, _ actions: String) -> String {
        "allow \(actions) to \"Principal\": {\"AWS\": \"\(ip.effectiveArn ?? ip.name)\"} in the trust policy"
    }
}

/// RC301: the runtime role's trust does not let the instance-profile role `sts:AssumeRole`.
public struct RC301RuntimeTrustAssumeRole: SetupRule {
    public let id = "RC301"
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        for (ip, rt, trust, f) in RuntimeRoleTrust.pairs(setup) {
            let result = RuntimeRoleTrust.trustAllows("sts:AssumeRole", ip: ip, runtime: rt, trust: trust)
            guard result.resourceAllows != true else { continue }
            if RuntimeRoleTrust.wrongPrincipal(trust, cluster: f.chain.cluster) != nil { continue } // RC305 says it plainly
            let at = ChainQuestions.target(result, in: trust) ?? trust.root
            // RC302 and RC303 stay silent while the role cannot be assumed at all: say every action here.
            context.report("hop instance-profile role → runtime role: the trust policy of runtime role \(rt.name) does not let the instance-profile role \(ip.name) of \(f.chain.cluster.label) call sts:AssumeRole (\(ChainQuestions.why(result, about: trust))); \(RuntimeRoleTrust.fix(ip, RuntimeRoleTrust.allActions(f)))",
                           at: at, related: ChainQuestions.related(f, except: at), identity: "\(ip.name)|\(rt.name)")
        }
    }
}

/// RC302: the runtime role's trust does not let the instance-profile role `sts:TagSession`.
public struct RC302RuntimeTrustTagSession: SetupRule {
    public let id = "RC302"
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        var reported: Set<String> = []
        for (ip, rt, trust, f) in RuntimeRoleTrust.pairs(setup, by: RuntimeRoleTrust.tagKey) {
            guard !reported.contains("\(ip.name)|\(rt.name)") else { continue }
            let result = RuntimeRoleTrust.trustAllows("sts:TagSession", ip: ip, runtime: rt, trust: trust,
                                                      context: RuntimeRoleTrust.tagContext(f))
            guard result.resourceAllows != true else { continue }
            // A trust that does not even allow sts:AssumeRole is RC301's (or RC305's) finding, which names both actions.
            let assume = RuntimeRoleTrust.trustAllows("sts:AssumeRole", ip: ip, runtime: rt, trust: trust)
            guard assume.resourceAllows == true else { continue }
            let failing = result.reasons.first { $0.role == .doesNotApply && $0.mismatch.map(Self.isTagCondition) == true }
            // A condition on the Lake Formation tag with another value is RC311's.
            if f.lakeFormationTag != nil, failing != nil { continue }
            // Without Lake Formation the tags EMR sends are not known: a tag condition is a doubt.
            let severity: Severity? = failing != nil ? .warning : nil
            let at = RuntimeRoleTrust.whereToAdd(result, assume: assume, trust: trust)
            reported.insert("\(ip.name)|\(rt.name)")
            context.report("hop instance-profile role → runtime role: the trust policy of runtime role \(rt.name) does not let the instance-profile role \(ip.name) call sts:TagSession (\(ChainQuestions.why(result, about: trust))); \(failing != nil ? "the tags EMR sends without Lake Formation are not documented, so this condition may refuse the session and fail the connection" : "EMR tags the runtime role's session, so the connection fails"); \(RuntimeRoleTrust.fix(ip, "sts:TagSession"))",
                           at: at, severity: severity, related: ChainQuestions.related(f, except: at), identity: "\(ip.name)|\(rt.name)")
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

/// RC303: `PropagateSourceIdentity` is on but the trust does not allow `sts:SetSourceIdentity`.
public struct RC303RuntimeTrustSourceIdentity: SetupRule {
    public let id = "RC303"
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        for (ip, rt, trust, f) in RuntimeRoleTrust.pairs(setup, where: { $0.propagatesSourceIdentity }) {
            var c = RequestContext()
            c.add("sts:SourceIdentity", "studio-user")
            let result = RuntimeRoleTrust.trustAllows("sts:SetSourceIdentity", ip: ip, runtime: rt, trust: trust, context: c)
            guard result.resourceAllows != true else { continue }
            // A trust that does not even allow sts:AssumeRole is RC301's (or RC305's) finding, which names this action too.
            let assume = RuntimeRoleTrust.trustAllows("sts:AssumeRole", ip: ip, runtime: rt, trust: trust)
            guard assume.resourceAllows == true else { continue }
            // The source identity is the Studio user's name, unknown here: a condition on it is a doubt.
            let onIdentity = result.reasons.contains {
                if case .condition(let k)? = $0.mismatch { return Wildcard.asciiLowered(k) == "sts:sourceidentity" }
                return false
            }
            let at = RuntimeRoleTrust.whereToAdd(result, assume: assume, trust: trust)
            let related = ChainQuestions.related(f, except: at)
                + [f.securityConfiguration.map { sc in
                    let flag = sc.configuration["AuthorizationConfiguration"]?["IAMConfiguration"]?["ApplicationScopedIAMRoleConfiguration"]?["PropagateSourceIdentity"]
                    return RelatedLocation(location: Location(node: flag ?? sc.configuration), message: "PropagateSourceIdentity is on here")
                }].compactMap { $0 }
            let message = onIdentity
                ? "hop instance-profile role → runtime role: the cluster's security configuration propagates the source identity, and the trust policy of runtime role \(rt.name) lets the instance-profile role \(ip.name) call sts:SetSourceIdentity only for the source identities its condition lists (\(ChainQuestions.why(result, about: trust))); the source identity is the Studio user's name, so check that the condition admits every user who connects with this role"
                : "hop instance-profile role → runtime role: the cluster's security configuration propagates the source identity, but the trust policy of runtime role \(rt.name) does not let the instance-profile role \(ip.name) call sts:SetSourceIdentity (\(ChainQuestions.why(result, about: trust))); \(RuntimeRoleTrust.fix(ip, "sts:SetSourceIdentity"))"
            context.report(message,
                           at: at, severity: onIdentity ? .warning : nil, related: related, identity: "\(ip.name)|\(rt.name)")
        }
    }
}

/// RC305: the runtime role trusts EC2 or the EMR service role instead of the instance-profile role.
public struct RC305TrustsServiceInsteadOfRole: SetupRule {
    public let id = "RC305"
    public init() {}

    public func check(_ setup: Setup, _ context: inout RuleContext) {
        for (ip, rt, trust, f) in RuntimeRoleTrust.pairs(setup) {
            let result = RuntimeRoleTrust.trustAllows("sts:AssumeRole", ip: ip, runtime: rt, trust: trust)
            guard result.resourceAllows != true, let (wrong, what) = RuntimeRoleTrust.wrongPrincipalDescribed(trust, cluster: f.chain.cluster) else { continue }
            context.report("runtime role \(rt.name) trusts \(what), but EMR assumes runtime roles with the cluster's instance-profile role, \(ip.effectiveArn ?? ip.name); trust that role instead (with \(RuntimeRoleTrust.allActions(f))). Trusting EC2 or the EMR service role is the most common runtime-role mistake",
                           at: wrong.node, related: ChainQuestions.related(f, except: wrong.node), identity: "\(rt.name)|\(wrong.text)")
        }
    }
}

/// RC304: the instance-profile role's own policies do not allow assuming the runtime role where
/// AWS needs them to.
public struct RC304InstanceProfilePermissions: SetupRule {
    public let id = "RC304"
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
                var c = action == "sts:TagSession" ? RuntimeRoleTrust.tagContext(f) : RequestContext()
                if action == "sts:SetSourceIdentity" { c.add("sts:SourceIdentity", "studio-user") }
                guard let result = ChainQuestions.ask(setup, caller: ip, callerArn: ip.effectiveArn ?? "", action: action,
                                                      resource: rt.effectiveArn ?? "*", resourcePolicy: trust, context: c) else { continue }
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
            // Point at an identity statement that tried and failed (its Resource or condition),
            // else where a statement must be added.
            let near = result.reasons.first {
                $0.role == .doesNotApply && $0.policy !== trust && $0.mismatch != .action && $0.mismatch != .effect
            }
            let at = near?.node ?? ChainQuestions.statementHome(setup, role: ip, services: ["sts"])
            if !needed.isEmpty {
                let why = near?.message ?? result.reasons.first { $0.role == .missing }?.message ?? "no permission policy of \(ip.name) allows it"
                let across = result.crossAccount ? " (the runtime role is in another account, so both its trust and the caller's own policy must allow the call)" : ""
                context.report("hop instance-profile role → runtime role: the instance-profile role \(ip.name) may not call \(needed.joined(separator: ", ")) on runtime role \(rt.name)\(across): \(why); allow these actions on \(rt.effectiveArn ?? rt.name) in \(ip.name)'s permission policy (EMR's AllowRuntimeRoleUsage statement)",
                               at: at, related: ChainQuestions.related(f, except: at), identity: "\(ip.name)|\(rt.name)|\(needed)")
            } else {
                context.report("the instance-profile role \(ip.name) has no permission policy allowing \(documented.joined(separator: ", ")) on runtime role \(rt.name); AWS allows the call anyway because the trust names the role itself, but EMR documents the policy (AllowRuntimeRoleUsage), and it is needed once the trust names only the account or the role moves to another account",
                               at: at, severity: .warning, related: ChainQuestions.related(f, except: at), identity: "\(ip.name)|\(rt.name)|documented")
            }
        }
    }
}
