import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM

/// One question of a hop, asked of the evaluator once: may this caller perform this action on
/// that resource, with this request context, under these policies?
public struct HopQuestion: Sendable {
    /// Which policies decide.
    public enum Scope: String, Sendable {
        /// The resource's own policy alone (a role's trust policy, a bucket policy): does it let
        /// the caller in? The caller's own policies are not consulted.
        case resourcePolicy
        /// Everything AWS consults: the caller's identity policies, its boundary and the
        /// resource's policy.
        case full
    }

    public let action: String
    public let scope: Scope
    /// Tells apart questions of one action asked with different contexts ("" for the chain's own
    /// request; `HopQuestion.expectedTag` for the Lake Formation tag EMR documents).
    public let variant: String
    public let request: AccessRequest
    /// The evaluator's answer; nil when it cannot be known from the inputs (the caller's
    /// permission policies are not all among them).
    public let result: EvaluationResult?
    /// For a refusal: the condition keys it hinges on whose values the inputs do not give (the
    /// request would pass were they to match). Empty when the refusal holds whatever they are.
    public var unknownKeys: [String] = []

    /// The variant asking `sts:TagSession` with the Lake Formation tag value EMR documents.
    public static let expectedTag = "expected-tag"
}

/// One hop of a chain: the entities it joins and the questions that decide it.
public struct Hop: Sendable {
    public let ref: HopRef
    /// The arrow's label in pictures ("sts:AssumeRole, sts:TagSession").
    public let label: String
    public let questions: [HopQuestion]
    /// For a denied `sts:AssumeRole` of the Studio execution role on the access role: managed
    /// policies among the inputs that would allow it but are not attached (a remedy to name).
    public let unattachedGrants: [ManagedPolicyResource]

    public var kind: HopKind { ref.kind }

    /// The question about `action` in `scope` (and `variant`), if the hop asked it.
    public func question(_ action: String, _ scope: HopQuestion.Scope, variant: String = "") -> HopQuestion? {
        questions.first { $0.action == action && $0.scope == scope && $0.variant == variant }
    }

    /// The evaluator's answer to that question; nil when not asked or not knowable.
    public func answer(_ action: String, _ scope: HopQuestion.Scope, variant: String = "") -> EvaluationResult? {
        question(action, scope, variant: variant)?.result
    }

    /// The condition keys a refusal of that question hinges on, unknown from the inputs.
    public func unknownKeys(_ action: String, _ scope: HopQuestion.Scope, variant: String = "") -> [String] {
        question(action, scope, variant: variant)?.unknownKeys ?? []
    }
}

/// Names the entities of a chain the same way everywhere (findings' subjects, the graph).
extension StudioContext {
    /// The Studio execution role, or the context itself when its role is not known.
    public var entity: EntityRef { executionRoleArn.map(EntityRef.role) ?? EntityRef(.studio, label) }
}

extension Setup {
    /// What a policy belongs to, as subjects: the roles it is the trust or a permission policy
    /// of, the buckets a bucket policy guards.
    public func ownerSubjects(of policy: PolicyDocument) -> [Subject] {
        ownerCache.withLock { cache in
            if cache == nil {
                var map: [ObjectIdentifier: [Subject]] = [:]
                let managed = Dictionary(resources.managedPolicies.map { ($0.arn, $0.document) }, uniquingKeysWith: { a, _ in a })
                for role in resources.roles {
                    let subject = Subject.entity(role.entity)
                    var owned = role.inlinePolicies
                    if let trust = role.trust { owned.append(trust) }
                    owned += role.attachedPolicyArns.compactMap { managed[$0.arn] }
                    for p in owned { map[ObjectIdentifier(p), default: []].append(subject) }
                }
                for bp in resources.bucketPolicies {
                    map[ObjectIdentifier(bp.policy), default: []] += bp.buckets.map { .entity(.bucket($0)) }
                }
                cache = map
            }
            return cache?[ObjectIdentifier(policy)] ?? []
        }
    }

    /// The Studio contexts described (or whose role lists are) in a document.
    public func studioSubjects(in document: Document) -> [Subject] {
        studioContexts.filter { c in
            c.node.document === document || c.preloadNode.document === document
                || c.accessRoles.contains { $0.node.document === document }
                || c.runtimeRoles.contains { $0.list.node.document === document }
        }.map { .entity($0.entity) }
    }

    /// The Studio contexts of a domain, as subjects: a space or domain setting concerns each of
    /// the domain's users.
    public func studioSubjects(ofDomain id: String) -> [Subject] {
        studioContexts.filter { $0.domainId == id }.map { .entity($0.entity) }
    }
}

extension ClusterResource {
    public var entity: EntityRef { .cluster(effectiveArn) }
}

extension RoleResource {
    public var entity: EntityRef { .role(effectiveArn ?? name) }
}

extension SecurityConfiguration {
    public var entity: EntityRef {
        EntityRef(.securityConfiguration, "\(account ?? "?")/\(name ?? source.document.file.path)")
    }
}

extension ChainFacts {
    public var studioEntity: EntityRef { chain.studio.entity }
    public var accessEntity: EntityRef? { chain.accessRole.map { .role($0.arn) } }
    /// Who asks the cluster for credentials: the access role in option 1, else Studio.
    public var callerEntity: EntityRef { chain.option == .option1 ? (accessEntity ?? studioEntity) : studioEntity }
    public var clusterEntity: EntityRef { chain.cluster.entity }
    public var instanceProfileEntity: EntityRef? { instanceProfileRole?.entity }
    public var runtimeEntity: EntityRef { .role(chain.runtimeRoleArn) }

    /// The hop of this kind (the first, for hops a chain has several of, such as buckets).
    public func hop(_ kind: HopKind) -> Hop? { hops.first { $0.kind == kind } }

    /// The hop's reference even when the hop was not built (its far end is not among the inputs).
    public func hopRef(_ kind: HopKind) -> HopRef? {
        if let h = hop(kind) { return h.ref }
        switch kind {
        case .assumeAccessRole: return accessEntity.map { HopRef(kind, from: studioEntity, to: $0) }
        case .sessionCredentials: return HopRef(kind, from: callerEntity, to: clusterEntity)
        case .instanceProfile: return instanceProfileEntity.map { HopRef(kind, from: clusterEntity, to: $0) }
        case .assumeRuntimeRole: return instanceProfileEntity.map { HopRef(kind, from: $0, to: runtimeEntity) }
        case .securityConfiguration: return securityConfiguration.map { HopRef(kind, from: clusterEntity, to: $0.entity) }
        case .lakeFormation, .bucket: return nil
        }
    }
}

/// Asks the hops' questions, each distinct question once per run.
public final class HopEvaluator: @unchecked Sendable {
    let resources: SetupResources
    /// Answers by question key: one chain's question is often another's (one instance-profile
    /// role serves many clusters; one Studio role many runtime roles).
    private var answers: [String: (result: EvaluationResult?, unknown: [String])] = [:]

    /// The organisation whose member accounts the inputs list (for `aws:PrincipalOrgID`).
    let organization: OrganizationPolicyPath?

    public init(_ resources: SetupResources) {
        self.resources = resources
        organization = resources.organizationPolicies.values.sorted(by: { $0.account < $1.account })
            .first(where: { $0.organizationId != nil && !$0.memberAccounts.isEmpty })
    }

    /// A session of a role, as AWS sees the caller of a hop.
    public static func session(of roleArn: String) -> String {
        guard let arn = ARN(roleArn) else { return roleArn }
        return "arn:\(arn.partition):sts::\(arn.account):assumed-role/\(StatementMatcher.roleName(roleArn))/rolecheck"
    }

    /// Whether the inputs show a role's permission policies at all, in whichever input family: an
    /// authorization-details export lists them (`RolePolicyList`, `AttachedManagedPolicies`,
    /// possibly empty), as does a Terraform `aws_iam_role` resource (`permissionsListed`), while
    /// `get-role` output carries only the trust policy. A role seen only there has unknown
    /// permissions, not none.
    public static func policiesKnown(_ role: RoleResource) -> Bool {
        role.permissionsListed || role.node["RolePolicyList"] != nil || role.node["AttachedManagedPolicies"] != nil
            || !role.inlinePolicies.isEmpty || !role.attachedPolicyArns.isEmpty
    }

    static func key(_ scope: HopQuestion.Scope, _ callerArn: String, _ action: String, _ resource: String,
                    _ context: RequestContext, _ policy: PolicyDocument?, _ resourceAccount: String?) -> String {
        var k = "\(scope.rawValue)|\(callerArn)|\(action)|\(resource)|\(resourceAccount ?? "")|"
        for key in context.keys { k += "\(key)=\((context.values(key) ?? []).joined(separator: ","));" }
        k += "|" + context.settled.joined(separator: ",") + "|" + context.standIns.joined(separator: ",")
        if let policy { k += "|\(ObjectIdentifier(policy).hashValue)" }
        return k
    }

    /// The resource's policy alone: does it let a session of `callerArn` perform `action`?
    public func askPolicy(callerArn: String, _ action: String, resource: String, policy: PolicyDocument,
                          context given: RequestContext = RequestContext(), variant: String = "",
                          callerRole: RoleResource? = nil, cluster: ClusterResource? = nil) -> HopQuestion {
        let context = enrich(given, callerArn: callerArn, caller: callerRole, cluster: cluster)
        let request = AccessRequest(principal: Self.session(of: callerArn), action: action, resource: resource, context: context)
        let k = Self.key(.resourcePolicy, callerArn, action, resource, context, policy, nil)
        let answer: (result: EvaluationResult?, unknown: [String])
        if let cached = answers[k] { answer = cached } else {
            let set = PolicySet(identity: [], resource: policy)
            let result = Evaluator.evaluate(request, set)
            answer = (result, Self.unknownKeys(result, request, passes: { $0.resourceAllows == true }) { Evaluator.evaluate($0, set) })
            answers[k] = answer
        }
        return HopQuestion(action: action, scope: .resourcePolicy, variant: variant, request: request,
                           result: answer.result, unknownKeys: answer.unknown)
    }

    /// Everything AWS consults for `action` by `caller`. The answer is nil when the caller's
    /// policies are not all among the inputs (it would be a guess).
    public func askAll(caller: RoleResource?, callerArn: String, _ action: String, resource: String,
                       policy: PolicyDocument?, context given: RequestContext = RequestContext(), resourceAccount: String? = nil,
                       variant: String = "", cluster: ClusterResource? = nil) -> HopQuestion {
        let context = enrich(given, callerArn: callerArn, caller: caller, cluster: cluster)
        // An S3 ARN names no account: the caller says whose resource it is.
        let request = AccessRequest(principal: Self.session(of: callerArn), action: action, resource: resource,
                                    resourceAccount: resourceAccount, context: context)
        let k = Self.key(.full, callerArn, action, resource, context, policy, resourceAccount)
        let answer: (result: EvaluationResult?, unknown: [String])
        if let cached = answers[k] { answer = cached } else {
            let result = evaluateFull(caller: caller, request, policy)
            answer = (result, result.map { r in Self.unknownKeys(r, request, passes: \.allowed) { self.evaluateFull(caller: caller, $0, policy) ?? r } } ?? [])
            answers[k] = answer
        }
        return HopQuestion(action: action, scope: .full, variant: variant, request: request,
                           result: answer.result, unknownKeys: answer.unknown)
    }

    /// For a refusal that would pass were the keys the request lacks to match: those keys (the
    /// conditions of Allow statements that ruled them out), sorted. Empty otherwise.
    static func unknownKeys(_ result: EvaluationResult, _ request: AccessRequest, passes: (EvaluationResult) -> Bool,
                            _ evaluate: (AccessRequest) -> EvaluationResult) -> [String] {
        guard !passes(result), result.decision != .explicitDeny else { return [] }
        var keys: [String] = []
        for r in result.reasons where r.role == .doesNotApply && r.statement?.effect == .allow {
            if case .condition(let key)? = r.mismatch, !Evaluator.requestCarries(request, key: key), !keys.contains(key) { keys.append(key) }
        }
        guard !keys.isEmpty else { return [] }
        var optimistic = request
        optimistic.context.absentKeysHold = true
        return passes(evaluate(optimistic)) ? keys.sorted() : []
    }

    func evaluateFull(caller: RoleResource?, _ request: AccessRequest, _ policy: PolicyDocument?) -> EvaluationResult? {
        guard let caller, Self.policiesKnown(caller), !caller.permissionsUnknown else { return nil }
        let (policies, missing) = resources.identityPolicies(of: caller)
        if !missing.isEmpty { return nil }
        let boundary = caller.boundaryArn.flatMap { resources.managedPolicy(arn: $0)?.document }
        if caller.boundaryArn != nil && boundary == nil { return nil }
        var set = PolicySet(identity: policies, boundary: boundary, resource: policy)
        set.serviceControl = serviceControl(for: caller.account)
        set.resourceControl = resourceControl(for: request.resourceAccount ?? ARN(request.resource)?.account)
        return Evaluator.evaluate(request, set)
    }

    /// The SCPs that govern principals of an account (none for the management account, or where
    /// the inputs do not hold them).
    func serviceControl(for account: String?) -> [[PolicyDocument]] {
        guard let account, let path = resources.organizationPolicies[account], path.managementAccount != account else { return [] }
        return path.levels.map(\.serviceControl)
    }

    /// The RCPs that govern resources of an account.
    func resourceControl(for account: String?) -> [[PolicyDocument]] {
        guard let account, let path = resources.organizationPolicies[account], path.managementAccount != account else { return [] }
        return path.levels.map(\.resourceControl)
    }

    /// The request context as AWS fills it from what the inputs show: the caller's role ARN
    /// (`aws:PrincipalArn`, with its path), the caller's tags
    /// (`aws:PrincipalTag/…`, settled when the caller's tags are listed), and for a request on a
    /// cluster its tags (`aws:ResourceTag/…`, `elasticmapreduce:ResourceTag/…`) and its Region
    /// (`aws:RequestedRegion`, from the cluster's ARN).
    func enrich(_ given: RequestContext, callerArn: String, caller: RoleResource?, cluster: ClusterResource?) -> RequestContext {
        var c = given
        // A session's aws:PrincipalArn is its role's ARN, path included, which the session's own
        // ARN drops: it is given here, where the role ARN is known.
        if let arn = ARN(callerArn), arn.service == "iam", arn.resource.hasPrefix("role/"), !c.contains("aws:PrincipalArn") {
            c.add("aws:PrincipalArn", callerArn)
        }
        // The caller's organisation, where the inputs list its members.
        if let account = ARN(callerArn)?.account, !c.contains("aws:PrincipalOrgID"),
           let org = organization {
            if org.memberAccounts.contains(account), let id = org.organizationId { c.add("aws:PrincipalOrgID", id) }
            c.settled.append("aws:principalorgid")
        }
        if let tags = caller?.tags {
            for (k, v) in tags.sorted(by: { $0.key < $1.key }) where !c.contains("aws:PrincipalTag/\(k)") { c.add("aws:PrincipalTag/\(k)", v) }
            c.settled.append("aws:principaltag/")
        }
        if let cluster {
            if let tags = cluster.tags {
                for (k, v) in tags.sorted(by: { $0.key < $1.key }) {
                    c.add("aws:ResourceTag/\(k)", v)
                    c.add("elasticmapreduce:ResourceTag/\(k)", v)
                }
                c.settled += ["aws:resourcetag/", "elasticmapreduce:resourcetag/"]
            }
            if let region = ARN(cluster.effectiveArn)?.region, !region.isEmpty, !Wildcard.hasWildcard(region) {
                c.add("aws:RequestedRegion", region)
                c.settled.append("aws:requestedregion")
            }
        }
        return c
    }

    /// The request context of EMR's `AssumeRole` call on a runtime role: `sts:ExternalId` when the
    /// security configuration shows the one EMR generated. Without it the key is unknown: a trust
    /// condition on it is a doubt that names the key, never a refusal.
    public static func assumeContext(externalId: String?) -> RequestContext {
        var c = RequestContext()
        if let externalId { c.add("sts:ExternalId", externalId) }
        return c
    }

    /// The request context of the `sts:TagSession` call: the Lake Formation tag when configured.
    public static func tagContext(_ tag: String?, in call: RequestContext = RequestContext()) -> RequestContext {
        var c = call
        if let tag {
            c.add("aws:RequestTag/LakeFormationAuthorizedCaller", tag)
            c.add("aws:TagKeys", "LakeFormationAuthorizedCaller")
        }
        return c
    }

    /// The `sts:SetSourceIdentity` context. The value is the Studio user's name, which differs per
    /// user and is not among the inputs: `sts:SourceIdentity` is a stand-in, so a trust condition
    /// that any name passes (`StringLike "*"`) holds, and one that names users is a doubt naming
    /// the key rather than a refusal.
    public static func sourceIdentityContext(in call: RequestContext = RequestContext()) -> RequestContext {
        var c = call
        c.addStandIn("sts:SourceIdentity", "studio-user")
        return c
    }

    /// The value Lake Formation's application integration settings expect EMR to send.
    public static let lakeFormationTag = "Amazon EMR"

    /// The hops of one chain, in the order a connection takes them.
    func hops(_ f: ChainFacts) -> [Hop] {
        [accessRoleHop(f), sessionCredentialsHop(f)].compactMap { $0 } + clusterHops(f) + dataHops(f)
    }

    /// Studio → access role (option 1): the trust, the execution role's own policy, and the
    /// source identity when the domain propagates it.
    func accessRoleHop(_ f: ChainFacts) -> Hop? {
        let chain = f.chain
        guard let accessEntity = f.accessEntity, let access = f.accessRole, let trust = access.trust,
              let studioArn = chain.studio.executionRoleArn else { return nil }
        let resource = access.effectiveArn ?? "*"
        var qs = [askPolicy(callerArn: studioArn, "sts:AssumeRole", resource: resource, policy: trust, callerRole: f.studioRole),
                  askAll(caller: f.studioRole, callerArn: studioArn, "sts:AssumeRole", resource: resource, policy: trust)]
        if chain.studio.propagatesSourceIdentity {
            qs.append(askPolicy(callerArn: studioArn, "sts:SetSourceIdentity", resource: resource, policy: trust, context: Self.sourceIdentityContext(), callerRole: f.studioRole))
            qs.append(askAll(caller: f.studioRole, callerArn: studioArn, "sts:SetSourceIdentity", resource: resource, policy: trust,
                           context: Self.sourceIdentityContext()))
        }
        var unattached: [ManagedPolicyResource] = []
        if let studio = f.studioRole, let denied = qs[1].result, denied.resourceAllows == true, !denied.allowed {
            let request = AccessRequest(principal: Self.session(of: studioArn), action: "sts:AssumeRole", resource: resource)
            unattached = resources.managedPolicies.filter { m in
                !studio.attachedPolicyArns.contains { $0.arn == m.arn }
                    && Evaluator.evaluate(request, PolicySet(identity: [m.document], resource: trust)).allowed
            }
        }
        return Hop(ref: HopRef(.assumeAccessRole, from: f.studioEntity, to: accessEntity), label: "sts:AssumeRole",
                   questions: qs, unattachedGrants: unattached)
    }

    /// Caller → cluster: discovery and `GetClusterSessionCredentials` with the runtime role.
    func sessionCredentialsHop(_ f: ChainFacts) -> Hop {
        let chain = f.chain
        // Caller → cluster: discovery, then GetClusterSessionCredentials. The hop is there even
        // when its caller is not known (option 1 without an access role): it is what fails.
        var sessionQuestions: [HopQuestion] = []
        if let callerArn = f.callerArn {
            let cluster = chain.cluster.effectiveArn
            var c = RequestContext()
            c.add("elasticmapreduce:ExecutionRoleArn", chain.runtimeRoleArn)
            sessionQuestions = [
                askAll(caller: f.caller, callerArn: callerArn, "elasticmapreduce:GetClusterSessionCredentials", resource: cluster, policy: nil, context: c, cluster: chain.cluster),
                askAll(caller: f.caller, callerArn: callerArn, "elasticmapreduce:ListClusters", resource: "*", policy: nil),
                askAll(caller: f.caller, callerArn: callerArn, "elasticmapreduce:DescribeCluster", resource: cluster, policy: nil, cluster: chain.cluster),
                askAll(caller: f.caller, callerArn: callerArn, "elasticmapreduce:ListInstanceGroups", resource: cluster, policy: nil, cluster: chain.cluster),
                askAll(caller: f.caller, callerArn: callerArn, "elasticmapreduce:DescribeSecurityConfiguration", resource: "*", policy: nil),
            ]
        }
        return Hop(ref: HopRef(.sessionCredentials, from: f.callerEntity, to: f.clusterEntity),
                   label: "GetClusterSessionCredentials", questions: sessionQuestions, unattachedGrants: [])
    }

    /// Cluster → security configuration; cluster → instance-profile role → runtime role (the
    /// trust alone and everything AWS consults, for each action EMR calls).
    func clusterHops(_ f: ChainFacts) -> [Hop] {
        var out: [Hop] = []
        let chain = f.chain
        if let sc = f.securityConfiguration {
            out.append(Hop(ref: HopRef(.securityConfiguration, from: f.clusterEntity, to: sc.entity),
                           label: "security configuration", questions: [], unattachedGrants: []))
        }
        // Cluster → instance-profile role → runtime role.
        if let ip = f.instanceProfileRole, let ipEntity = f.instanceProfileEntity {
            out.append(Hop(ref: HopRef(.instanceProfile, from: f.clusterEntity, to: ipEntity),
                           label: "instance profile \(chain.cluster.instanceProfileName ?? "")".trimmingSpaces,
                           questions: [], unattachedGrants: []))
            var qs: [HopQuestion] = []
            if let rt = f.runtimeRole, let trust = rt.trust, let ipArn = ip.effectiveArn, let rtArn = rt.effectiveArn {
                // One AssumeRole call carries the tags, the source identity and the external ID:
                // every action it authorises sees the same request context.
                let call = Self.assumeContext(externalId: f.externalId)
                let tag = Self.tagContext(f.lakeFormationTag?.value, in: call)
                qs = [
                    askPolicy(callerArn: ipArn, "sts:AssumeRole", resource: rtArn, policy: trust, context: call, callerRole: ip),
                    askPolicy(callerArn: ipArn, "sts:TagSession", resource: rtArn, policy: trust, context: tag, callerRole: ip),
                    askAll(caller: ip, callerArn: ipArn, "sts:AssumeRole", resource: rtArn, policy: trust, context: call),
                    askAll(caller: ip, callerArn: ipArn, "sts:TagSession", resource: rtArn, policy: trust, context: tag),
                ]
                if f.propagatesSourceIdentity {
                    let identity = Self.sourceIdentityContext(in: call)
                    qs.append(askPolicy(callerArn: ipArn, "sts:SetSourceIdentity", resource: rtArn, policy: trust, context: identity, callerRole: ip))
                    qs.append(askAll(caller: ip, callerArn: ipArn, "sts:SetSourceIdentity", resource: rtArn, policy: trust, context: identity))
                }
                if let configured = f.lakeFormationTag?.value, configured != Self.lakeFormationTag {
                    qs.append(askPolicy(callerArn: ipArn, "sts:TagSession", resource: rtArn, policy: trust,
                                        context: Self.tagContext(Self.lakeFormationTag, in: call), variant: HopQuestion.expectedTag, callerRole: ip))
                }
            }
            out.append(Hop(ref: HopRef(.assumeRuntimeRole, from: ipEntity, to: f.runtimeEntity),
                           label: f.propagatesSourceIdentity ? "sts:AssumeRole, TagSession, SetSourceIdentity" : "sts:AssumeRole, sts:TagSession",
                           questions: qs, unattachedGrants: []))
        }
        return out
    }

    /// Runtime role → Lake Formation (when the cluster configures it); runtime role → buckets of
    /// another account (option 2).
    func dataHops(_ f: ChainFacts) -> [Hop] {
        var out: [Hop] = []
        let chain = f.chain
        // Runtime role → data.
        if let rt = f.runtimeRole, let arn = rt.effectiveArn {
            if f.lakeFormationTag != nil {
                let account = rt.account ?? chain.cluster.account ?? "?"
                let qs = ["lakeformation:GetDataAccess", "glue:GetTable", "glue:GetDatabase"].map {
                    askAll(caller: rt, callerArn: arn, $0, resource: "*", policy: nil)
                }
                out.append(Hop(ref: HopRef(.lakeFormation, from: f.runtimeEntity, to: EntityRef(.lakeFormation, account)),
                               label: "Lake Formation", questions: qs, unattachedGrants: []))
            }
            if chain.option == .option2 {
                for bucket in ChainBuilder.buckets(usedBy: rt, resources) {
                    guard let bp = resources.bucketPolicy(for: bucket), bp.account != rt.account else { continue }
                    let qs = [askAll(caller: rt, callerArn: arn, "s3:GetObject", resource: "arn:aws:s3:::\(bucket)/rolecheck-object",
                                   policy: bp.policy, resourceAccount: bp.account),
                              askAll(caller: rt, callerArn: arn, "s3:ListBucket", resource: "arn:aws:s3:::\(bucket)",
                                   policy: bp.policy, resourceAccount: bp.account)]
                    out.append(Hop(ref: HopRef(.bucket, from: f.runtimeEntity, to: .bucket(bucket)), label: "s3 (bucket policy)",
                                   questions: qs, unattachedGrants: []))
                }
            }
        }
        return out
    }
}
