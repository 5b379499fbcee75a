/// A question to the evaluator: may this principal perform this action on this resource?
public struct AccessRequest: Sendable {
    /// The caller: a role, user or assumed-role session ARN, an account ID, or a service
    /// principal such as `ec2.amazonaws.com`.
    public var principal: String
    public var action: String
    /// The resource ARN, or `*` for actions that take none.
    public var resource: String
    /// The account that owns the resource; taken from the resource ARN when absent.
    public var resourceAccount: String?
    public var context: RequestContext

    public init(principal: String, action: String, resource: String = "*", resourceAccount: String? = nil,
                context: RequestContext = RequestContext()) {
        self.principal = principal
        self.action = action
        self.resource = resource
        self.resourceAccount = resourceAccount
        self.context = context
    }
}

/// The policies that take part in one decision.
public struct PolicySet: Sendable {
    /// The caller's identity-based policies (inline and attached managed).
    public var identity: [PolicyDocument]
    /// The caller's permissions boundary, if it has one.
    public var boundary: PolicyDocument?
    /// The resource's policy: a role's trust policy for `sts:` role actions, a bucket policy …
    public var resource: PolicyDocument?

    public init(identity: [PolicyDocument] = [], boundary: PolicyDocument? = nil, resource: PolicyDocument? = nil) {
        self.identity = identity
        self.boundary = boundary
        self.resource = resource
    }
}

public enum Decision: String, Sendable {
    case allow
    case explicitDeny
    case implicitDeny
}

/// One step of the explanation: what a statement (or the absence of one) contributed.
public struct EvaluationReason: Sendable {
    public enum Role: String, Sendable {
        /// An Allow statement that applies.
        case allows
        /// A Deny statement that applies.
        case denies
        /// A statement considered that does not apply, and why.
        case doesNotApply
        /// Something the decision needed and did not find.
        case missing
    }

    public let role: Role
    public let message: String
    /// The statement (or the policy) the reason is about.
    public let node: Node?
    public let policyLabel: String?
}

/// How a resource policy's principal matched the caller.
enum PrincipalMatch {
    /// Named directly (a user's or a session's own ARN, or everyone).
    case direct
    /// Through the ARN of the role whose session calls: grants on its own, but "permissions
    /// granted to the role ARN … are limited by an implicit deny in a permissions boundary".
    case role
    /// Through its account (`"AWS": "111122223333"` or `…:root`): the account delegates to its
    /// identity policies.
    case account

    /// Which of two matches of one policy counts: a direct one, then the role, then the account.
    var rank: Int {
        switch self {
        case .direct: 2
        case .role: 1
        case .account: 0
        }
    }
}

/// The evaluator's answer.
public struct EvaluationResult: Sendable {
    public let decision: Decision
    public let reasons: [EvaluationReason]
    /// Whether the caller's identity side (identity policies within the boundary) allows.
    public let identityAllows: Bool
    /// Whether the resource policy allows the caller (nil when there is no resource policy).
    public let resourceAllows: Bool?
    public let crossAccount: Bool

    public var allowed: Bool { decision == .allow }

    /// A one-line summary of the decision's main reason.
    public var summary: String {
        let main = reasons.first { $0.role == .denies } ?? reasons.first { $0.role == .missing }
            ?? reasons.first { $0.role == .allows } ?? reasons.first
        return main?.message ?? decision.rawValue
    }
}

/// Decides requests the way AWS documents its policy evaluation logic, offline, with reasons.
///
/// - An explicit Deny in any policy wins.
/// - Within one account, an Allow from the identity side (inside the permissions boundary) or a
///   resource policy that names the caller directly suffices; a resource policy that names only
///   the account delegates to the identity side.
/// - Across accounts both sides must allow; without the resource's policy among the inputs the
///   answer is an implicit deny whose reasons say the resource side is missing.
/// - A service principal is allowed only by a resource policy.
/// - A role's trust policy must always allow the caller: when it names the role's own account
///   rather than the caller, the caller's identity side must allow as well.
public enum Evaluator {
    public static func evaluate(_ request: AccessRequest, _ policies: PolicySet) -> EvaluationResult {
        let caller = PrincipalIdentity.parse(request.principal)
        let context = derivedContext(request, caller)
        let resourceAccount = request.resourceAccount ?? ARN(request.resource).map(\.account).flatMap { $0.isEmpty ? nil : $0 }
        let crossAccount: Bool = {
            guard let a = caller.account, let b = resourceAccount else { return false }
            return a != b
        }()
        var reasons: [EvaluationReason] = []
        var denied = false

        func run(_ policy: PolicyDocument, side: String) -> (allows: Bool, match: PrincipalMatch?) {
            var allows = false
            var bestMatch: PrincipalMatch?
            for statement in policy.statements {
                let outcome = StatementMatcher.match(statement, in: policy, request: request, caller: caller, context: context)
                switch outcome {
                case .applies(let via):
                    if statement.effect == .deny {
                        denied = true
                        reasons.append(EvaluationReason(role: .denies, message: "\(policy.label): \(statement.label) denies \(request.action)",
                                                        node: statement.effectNode ?? statement.node, policyLabel: policy.label))
                    } else if statement.effect == .allow {
                        allows = true
                        if let via, via.rank > bestMatch?.rank ?? -1 { bestMatch = via }
                        reasons.append(EvaluationReason(role: .allows, message: "\(policy.label): \(statement.label) allows \(request.action)",
                                                        node: statement.node, policyLabel: policy.label))
                    }
                case .doesNotApply(let why, let node):
                    reasons.append(EvaluationReason(role: .doesNotApply, message: "\(policy.label): \(statement.label) does not apply: \(why)",
                                                    node: node, policyLabel: policy.label))
                }
            }
            return (allows, bestMatch)
        }

        var identityAllows = false
        var boundaryAllows = true
        let isService: Bool
        if case .service = caller { isService = true } else { isService = false }
        if !isService {
            for policy in policies.identity where run(policy, side: "identity").allows { identityAllows = true }
            if let boundary = policies.boundary {
                boundaryAllows = run(boundary, side: "boundary").allows
                if !boundaryAllows {
                    reasons.append(EvaluationReason(role: .missing, message: "the permissions boundary \(boundary.label) does not allow \(request.action)",
                                                    node: boundary.root, policyLabel: boundary.label))
                }
            }
        }
        var resourceAllows: Bool?
        var resourceMatch: PrincipalMatch?
        if let resource = policies.resource {
            let r = run(resource, side: "resource")
            resourceAllows = r.allows
            resourceMatch = r.match
        }

        let decision: Decision
        if denied {
            decision = .explicitDeny
        } else if isService {
            decision = resourceAllows == true ? .allow : .implicitDeny
            if resourceAllows != true {
                reasons.append(EvaluationReason(role: .missing,
                                                message: policies.resource == nil
                                                    ? "a service principal is allowed only by a resource policy, and none was given"
                                                    : "\(policies.resource!.label) has no statement that allows \(request.principal) to \(request.action)",
                                                node: policies.resource?.root, policyLabel: policies.resource?.label))
            }
        } else if crossAccount {
            if policies.resource == nil {
                reasons.append(EvaluationReason(role: .missing,
                                                message: "the request crosses accounts (\(caller.account ?? "?") → \(resourceAccount ?? "?")): the resource's own policy must allow it too, and it is not among the inputs",
                                                node: nil, policyLabel: nil))
            } else if resourceAllows != true {
                reasons.append(EvaluationReason(role: .missing,
                                                message: "\(policies.resource!.label) has no statement that allows \(request.principal) to \(request.action)",
                                                node: policies.resource!.root, policyLabel: policies.resource!.label))
            }
            if !identityAllows {
                reasons.append(EvaluationReason(role: .missing,
                                                message: "the request crosses accounts, so the caller's own policies must allow \(request.action) on \(request.resource), and none does",
                                                node: nil, policyLabel: nil))
            }
            decision = identityAllows && boundaryAllows && resourceAllows == true ? .allow : .implicitDeny
        } else if policies.resource?.kind == .trust && resourceAllows != true {
            // A role's trust policy is never optional: even within one account an identity
            // policy alone cannot assume a role or tag its session.
            decision = .implicitDeny
            reasons.append(EvaluationReason(role: .missing,
                                            message: "\(policies.resource!.label) has no statement that allows \(request.principal) to \(request.action); a role's trust policy must allow the caller even within one account",
                                            node: policies.resource!.root, policyLabel: policies.resource!.label))
        } else {
            let identitySide = identityAllows && boundaryAllows
            // A resource policy that names the caller itself grants on its own; one that names the
            // account only delegates to the identity side. A boundary still caps a grant made to
            // a role ARN (not to a session).
            var resourceSide = resourceAllows == true && (resourceMatch == .direct || resourceMatch == .role)
            var roleCaller = false
            if case .role = caller { roleCaller = true }
            if resourceSide, policies.boundary != nil, !boundaryAllows, roleCaller || resourceMatch == .role { resourceSide = false }
            decision = identitySide || resourceSide ? .allow : .implicitDeny
            if decision == .implicitDeny {
                if resourceAllows == true && resourceMatch == .account {
                    reasons.append(EvaluationReason(role: .missing,
                                                    message: "\(policies.resource!.label) trusts the whole account \(caller.account ?? ""), which delegates to the caller's own policies, and none of them allows \(request.action)",
                                                    node: policies.resource!.root, policyLabel: policies.resource!.label))
                } else if resourceAllows == true && resourceMatch == .role {
                    reasons.append(EvaluationReason(role: .missing,
                                                    message: "\(policies.resource!.label) allows the role rather than the session \(request.principal), and a grant to a role's ARN is capped by its permissions boundary",
                                                    node: policies.resource!.root, policyLabel: policies.resource!.label))
                } else if !identityAllows {
                    let what = policies.identity.isEmpty ? "no identity policy was given" : "no identity policy allows it"
                    let resourceNote = policies.resource.map { " and \($0.label) does not allow it either" } ?? ""
                    reasons.append(EvaluationReason(role: .missing, message: "\(request.principal) may not \(request.action) on \(request.resource): \(what)\(resourceNote)",
                                                    node: nil, policyLabel: nil))
                }
            }
        }
        return EvaluationResult(decision: decision, reasons: reasons, identityAllows: identityAllows && boundaryAllows,
                                resourceAllows: resourceAllows, crossAccount: crossAccount)
    }

    /// Adds the keys AWS sets from the caller itself (`aws:PrincipalArn`, `aws:PrincipalAccount`,
    /// `aws:username` …) unless the request gives them.
    static func derivedContext(_ request: AccessRequest, _ caller: PrincipalIdentity) -> RequestContext {
        var c = request.context
        func setDefault(_ k: String, _ v: String) { if !c.contains(k) { c.set(k, [v]) } }
        switch caller {
        case .assumedRole(let account, let roleName, _, _):
            setDefault("aws:PrincipalAccount", account)
            setDefault("aws:PrincipalType", "AssumedRole")
            // aws:PrincipalArn of a session is the role's ARN; its path is not known here.
            setDefault("aws:PrincipalArn", "arn:aws:iam::\(account):role/\(roleName)")
        case .role(let account, _, let arn):
            setDefault("aws:PrincipalAccount", account)
            setDefault("aws:PrincipalArn", arn)
            setDefault("aws:PrincipalType", "AssumedRole")
        case .user(let account, let name, let arn):
            setDefault("aws:PrincipalAccount", account)
            setDefault("aws:PrincipalArn", arn)
            setDefault("aws:username", name)
            setDefault("aws:PrincipalType", "User")
        case .account(let account):
            setDefault("aws:PrincipalAccount", account)
            setDefault("aws:PrincipalArn", "arn:aws:iam::\(account):root")
            setDefault("aws:PrincipalType", "Account")
        case .service(let name):
            setDefault("aws:PrincipalServiceName", name)
            setDefault("aws:PrincipalIsAWSService", "true")
        default:
            break
        }
        if let account = request.resourceAccount ?? ARN(request.resource)?.account, !account.isEmpty {
            setDefault("aws:ResourceAccount", account)
        }
        return c
    }
}

/// Whether one statement applies to a request, and if not, the first reason why.
enum StatementMatcher {
    enum Outcome {
        case applies(PrincipalMatch?)
        case doesNotApply(String, Node)
    }

    static func match(_ s: PolicyStatement, in policy: PolicyDocument, request: AccessRequest, caller: PrincipalIdentity,
                      context: RequestContext) -> Outcome {
        guard s.effect != nil else { return .doesNotApply("its Effect is invalid", s.node) }
        // Action.
        guard let action = s.action else { return .doesNotApply("it has no Action", s.node) }
        let listed = action.values.contains { Wildcard.matches($0.text, request.action, caseInsensitive: true) }
        if listed == action.negated {
            return .doesNotApply(action.negated ? "\(request.action) is excluded by NotAction" : "\(request.action) is not in its Action \(list(action.values))", action.node)
        }
        // Resource (a trust policy has none: the resource is the role).
        if let resource = s.resource {
            let variables = policy.variablesEnabled
            let hit = resource.values.contains { v in
                v.text == "*" || PolicyVariables.matches(pattern: v.text, value: request.resource, context: context, enabled: variables, arn: true)
            }
            if hit == resource.negated {
                return .doesNotApply(resource.negated ? "\(request.resource) is excluded by NotResource" : "\(request.resource) is not in its Resource \(list(resource.values))", resource.node)
            }
        }
        // Principal (resource and trust policies).
        var via: PrincipalMatch?
        if let principal = s.principal {
            let m = principalMatch(principal, caller)
            if principal.negated {
                // NotPrincipal exempts only the principals it lists: listing Bob and his account
                // exempts Bob, not the account's other users; a role, not its other sessions.
                if notPrincipalExempts(principal, caller) { return .doesNotApply("\(request.principal) is excluded by NotPrincipal", principal.node) }
                via = .direct
            } else {
                guard let m else {
                    return .doesNotApply("its Principal \(principalList(principal)) does not name \(request.principal)", principal.node)
                }
                via = m
            }
        }
        // Conditions: every entry must hold.
        for entry in s.conditions {
            let outcome = ConditionEvaluator.evaluate(entry, context: context, variables: policy.variablesEnabled)
            if !outcome.satisfied { return .doesNotApply("condition \(outcome.explanation)", entry.keyNode) }
        }
        return .applies(via)
    }

    static func list(_ values: [PolicyValue]) -> String {
        values.count == 1 ? "\"\(values[0].text)\"" : "[" + values.map { "\"\($0.text)\"" }.joined(separator: ", ") + "]"
    }

    static func principalList(_ p: PrincipalBlock) -> String {
        if p.isWildcardString { return "\"*\"" }
        let all = p.entries.flatMap { e in e.values.map { "\(e.type): \($0.text)" } }
        return all.count == 1 ? all[0] : "[" + all.joined(separator: ", ") + "]"
    }

    /// How a principal block names the caller, if it does.
    static func principalMatch(_ p: PrincipalBlock, _ caller: PrincipalIdentity) -> PrincipalMatch? {
        if p.isWildcardString { return .direct }
        var best: PrincipalMatch?
        for entry in p.entries {
            for v in entry.values {
                switch entry.type {
                case "AWS":
                    if v.text == "*" {
                        if case .service = caller { continue }
                        return .direct
                    }
                    switch (PrincipalIdentity.parse(v.text), caller) {
                    case (.account(let a), _) where caller.account == a:
                        if case .service = caller { continue }
                        if best == nil { best = .account }
                    case (.role(let a, let name, let arn), .role(let b, _, let callerArn)):
                        if arn == callerArn || (a == b && name == roleName(callerArn)) { best = .role }
                    case (.role(let a, let name, _), .assumedRole(let b, let roleName, _, _)):
                        // A session of the role, whatever the role's path.
                        if a == b && name == roleName { best = .role }
                    case (.assumedRole(_, _, _, let arn), .assumedRole(_, _, _, let callerArn)),
                         (.user(_, _, let arn), .user(_, _, let callerArn)),
                         (.federatedUser(_, let arn), .federatedUser(_, let callerArn)):
                        if arn == callerArn { return .direct }
                    default:
                        continue
                    }
                case "Service":
                    if case .service(let name) = caller, Wildcard.asciiLowered(name) == Wildcard.asciiLowered(v.text) { return .direct }
                default:
                    if case .other(let text) = caller, text == v.text { return .direct }
                }
            }
        }
        return best
    }

    /// Whether a NotPrincipal block lists the caller itself: its own ARN (the session's, not
    /// only its role's), its account when the caller is the account, or its service.
    static func notPrincipalExempts(_ p: PrincipalBlock, _ caller: PrincipalIdentity) -> Bool {
        if p.isWildcardString { return true }
        for entry in p.entries {
            for v in entry.values {
                switch entry.type {
                case "AWS":
                    if v.text == "*" { return true }
                    switch (PrincipalIdentity.parse(v.text), caller) {
                    case (.account(let a), .account(let b)):
                        if a == b { return true }
                    case (.role(let a, let name, let arn), .role(let b, _, let callerArn)):
                        if arn == callerArn || (a == b && name == roleName(callerArn)) { return true }
                    case (.assumedRole(_, _, _, let arn), .assumedRole(_, _, _, let callerArn)),
                         (.user(_, _, let arn), .user(_, _, let callerArn)),
                         (.federatedUser(_, let arn), .federatedUser(_, let callerArn)):
                        if arn == callerArn { return true }
                    default:
                        continue
                    }
                case "Service":
                    if case .service(let name) = caller, Wildcard.asciiLowered(name) == Wildcard.asciiLowered(v.text) { return true }
                default:
                    if case .other(let text) = caller, text == v.text { return true }
                }
            }
        }
        return false
    }

    static func roleName(_ arn: String) -> String {
        arn.split(separator: "/").last.map(String.init) ?? arn
    }
}
