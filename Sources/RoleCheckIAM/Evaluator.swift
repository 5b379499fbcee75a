import RoleCheckCore
import RoleCheckDocuments

/// A question to the evaluator: may this principal perform this action on this resource?
public struct AccessRequest: Sendable {
    /// The caller: a role, user or assumed-role session ARN, an account ID, or a service
    /// principal such as `ec2.amazonaws.com`.
    public var principal: String { didSet { caller = PrincipalIdentity.parse(principal) } }
    public var action: String { didSet { loweredAction = Wildcard.asciiLowered(action) } }
    /// The resource ARN, or `*` for actions that take none.
    public var resource: String { didSet { resourceARNAccount = ARN.account(of: resource) } }
    /// The account that owns the resource; taken from the resource ARN when absent.
    public var resourceAccount: String?
    public var context: RequestContext

    // Worked out once per request, not once per evaluation.
    private(set) var caller: PrincipalIdentity
    private(set) var loweredAction: String
    private(set) var resourceARNAccount: String?

    public init(principal: String, action: String, resource: String = "*", resourceAccount: String? = nil,
                context: RequestContext = RequestContext()) {
        self.principal = principal
        self.action = action
        self.resource = resource
        self.resourceAccount = resourceAccount
        self.context = context
        self.caller = PrincipalIdentity.parse(principal)
        self.loweredAction = Wildcard.asciiLowered(action)
        self.resourceARNAccount = ARN.account(of: resource)
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

    /// AWS Organizations' service control policies on the caller's account's path, one list per
    /// level from the root: every level must allow the action and any Deny decides. Empty when
    /// none are known (the caller is then judged without them).
    public var serviceControl: [[PolicyDocument]] = []
    /// Resource control policies on the resource's account's path: any Deny decides (their only
    /// Allow is `RCPFullAWSAccess`). Apply to the services RCPs cover.
    public var resourceControl: [[PolicyDocument]] = []

    public init(identity: [PolicyDocument] = [], boundary: PolicyDocument? = nil, resource: PolicyDocument? = nil,
                serviceControl: [[PolicyDocument]] = [], resourceControl: [[PolicyDocument]] = []) {
        self.identity = identity
        self.boundary = boundary
        self.resource = resource
        self.serviceControl = serviceControl
        self.resourceControl = resourceControl
    }

    /// Services whose resources RCPs govern (AWS Organizations User Guide, "Resource control policies").
    public static let resourceControlServices: Set<String> = ["s3", "sts", "sqs", "secretsmanager", "kms", "ecr", "aoss",
                                                               "cognito-identity", "logs", "dynamodb"]
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

    /// For a statement that does not apply: the element that rules it out.
    public enum Mismatch: Sendable, Equatable {
        case effect, action, resource, principal
        /// A condition on this key (as written in the policy).
        case condition(String)
    }

    public let role: Role
    /// The statement (or the policy) the reason is about.
    public let node: Node?
    public let policyLabel: String?
    public internal(set) var mismatch: Mismatch?
    /// The statement a reason is about, when it is about one.
    public internal(set) var statement: PolicyStatement?
    /// The policy a reason is about, when it is about one.
    public internal(set) var policy: PolicyDocument?
    /// Messages are written only when read: most evaluations are asked for their decision alone.
    private let render: @Sendable () -> String

    public var message: String { render() }

    public init(role: Role, message: String, node: Node?, policyLabel: String?) {
        self.init(role: role, node: node, policyLabel: policyLabel) { message }
    }

    /// A reason whose message is written only if it is read.
    static func lazy(role: Role, message: @autoclosure @escaping @Sendable () -> String, node: Node?,
                     policyLabel: String?) -> EvaluationReason {
        EvaluationReason(role: role, node: node, policyLabel: policyLabel, render: message)
    }

    init(role: Role, node: Node?, policyLabel: String?, render: @escaping @Sendable () -> String) {
        self.role = role
        self.node = node
        self.policyLabel = policyLabel
        self.render = render
    }
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
    /// Whether the resource policy allows the caller: an Allow applies and no Deny of its own
    /// does (nil when there is no resource policy).
    public let resourceAllows: Bool?
    public let crossAccount: Bool

    public var allowed: Bool { decision == .allow }

    /// A one-line summary of the decision: its primary reason.
    public var summary: String { primaryReason()?.message ?? decision.rawValue }

    /// The reason that decided, chosen one way for every report (`lint`, `simulate`, `graph`):
    /// - allowed: the first statement that allows;
    /// - an explicit Deny that applies: that Deny (it decides whatever else allows);
    /// - otherwise the closest miss: a statement (of `policy`, when given) that names the action
    ///   but whose resource, principal or condition rules it out;
    /// - else what the decision lacked (no resource-side grant across accounts, a boundary …);
    /// - else the first statement considered (of `policy`, when given).
    ///
    /// `policy` narrows the closest miss to one document: a finding about a trust policy explains
    /// itself by that trust's statements.
    public func primaryReason(about policy: PolicyDocument? = nil) -> EvaluationReason? {
        if allowed { return reasons.first { $0.role == .allows } }
        if let deny = reasons.first(where: { $0.role == .denies }) { return deny }
        let considered = reasons.filter { $0.role == .doesNotApply && (policy == nil || $0.policy === policy) }
        // The statement the matcher got furthest with: one that failed only on a condition had
        // its action, resource and principal match; one that failed on its principal, its action
        // and resource.
        var near: EvaluationReason?
        for r in considered where r.isNearMiss && r.nearness > (near?.nearness ?? 0) { near = r }
        if let near { return near }
        if let missing = reasons.first(where: { $0.role == .missing }) { return missing }
        return considered.first
    }

    /// The primary reason in words ("no statement allows it" when no statement was considered).
    /// When the organisation refused (an SCP's or RCP's Deny, or a level of SCPs that allows
    /// nothing for the request): that reason, which names the policy and points into it.
    public var organizationRefusal: EvaluationReason? {
        guard !allowed else { return nil }
        if let deny = reasons.first(where: { $0.role == .denies }) { return deny.policy?.origin == .organization ? deny : nil }
        return reasons.first { $0.role == .missing && $0.policy?.origin == .organization }
    }

    public func because(about policy: PolicyDocument? = nil) -> String {
        primaryReason(about: policy)?.message ?? "no statement allows it"
    }

    /// Where a finding about this decision points: the primary reason's statement or element;
    /// when nothing in `policy` tried, the policy's `Statement`, where a statement must be added.
    public func decidingNode(in policy: PolicyDocument?) -> Node? {
        let primary = primaryReason(about: policy)
        if let primary, primary.role == .denies || primary.isNearMiss, let node = primary.node {
            if policy == nil || primary.policy === policy || primary.role == .denies { return node }
        }
        guard let policy else { return nil }
        return policy.root["Statement"] ?? policy.root
    }
}

extension EvaluationReason {
    /// A statement that names the action and is ruled out by its resource, principal or a
    /// condition: the closest an unmet request came to being allowed.
    /// A Deny that does not apply is never a near miss: it could not have allowed anything.
    public var isNearMiss: Bool {
        role == .doesNotApply && mismatch != nil && mismatch != .action && mismatch != .effect && statement?.effect != .deny
    }

    /// How far the matcher got before the statement was ruled out (the matcher checks effect,
    /// action, resource, principal, then conditions): higher is closer.
    var nearness: Int {
        switch mismatch {
        case .condition?: 3
        case .principal?: 2
        case .resource?: 1
        default: 0
        }
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
    /// Gather → decide → explain: every statement of every policy is matched against the request
    /// (each contributing a reason), the documented logic decides from what applied, and the
    /// decision's own explanation (what was missing) is added to the reasons.
    public static func evaluate(_ request: AccessRequest, _ policies: PolicySet) -> EvaluationResult {
        let gathered = Gathered(request, policies)
        let verdict = decide(gathered, policies)
        return EvaluationResult(decision: verdict.decision, reasons: explain(verdict, gathered, request, policies),
                                identityAllows: gathered.identityAllows && gathered.boundaryAllows,
                                resourceAllows: gathered.resourceAllows, crossAccount: gathered.crossAccount)
    }

    /// Whether the request has a value for a condition key: given in its context, or implied by
    /// the caller or the resource (`aws:PrincipalArn`, `aws:PrincipalAccount` …).
    public static func requestCarries(_ request: AccessRequest, key: String) -> Bool {
        let context = EvalContext(explicit: request.context, caller: request.caller,
                                  resourceAccount: request.resourceAccount ?? request.resourceARNAccount)
        let lowered = Wildcard.asciiLowered(key)
        if request.context.standIns.contains(lowered) { return false }
        return context.values(lowered: lowered) != nil || request.context.settles(lowered: lowered)
    }

    /// What each policy's statements say about the request.
    struct Gathered {
        let caller: PrincipalIdentity
        let resourceAccount: String?
        let crossAccount: Bool
        let isService: Bool
        var reasons: [EvaluationReason] = []
        var denied = false
        var identityAllows = false
        var boundaryAllows = true
        var resourceAllows: Bool?
        var resourceMatch: PrincipalMatch?
        /// The first level of service control policies that allows nothing for the request.
        var serviceControlGap: [PolicyDocument]?

        init(_ request: AccessRequest, _ policies: PolicySet) {
            caller = request.caller
            resourceAccount = request.resourceAccount ?? request.resourceARNAccount
            crossAccount = {
                guard let a = request.caller.account, let b = request.resourceAccount ?? request.resourceARNAccount else { return false }
                return a != b
            }()
            if case .service = caller { isService = true } else { isService = false }
            reasons.reserveCapacity(8)
            let context = EvalContext(explicit: request.context, caller: caller, resourceAccount: resourceAccount)
            if !isService {
                for policy in policies.identity where run(policy, request, context).allows { identityAllows = true }
                if let boundary = policies.boundary { boundaryAllows = run(boundary, request, context).allows }
            }
            // Organisation guardrails: an SCP limits the caller's account, an RCP the resource's.
            if !isService {
                for level in policies.serviceControl where !level.isEmpty {
                    var levelAllows = false
                    for scp in level where run(scp, request, context).allows { levelAllows = true }
                    if !levelAllows && serviceControlGap == nil { serviceControlGap = level }
                }
            }
            let service = request.loweredAction.split(separator: ":").first.map(String.init) ?? ""
            if PolicySet.resourceControlServices.contains(service) {
                for level in policies.resourceControl { for rcp in level { _ = run(rcp, request, context) } }
            }
            if let resource = policies.resource {
                let deniedBefore = denied
                denied = false
                let r = run(resource, request, context)
                // A resource policy that denies the caller does not allow it, whatever else it
                // says: the refusal is that policy's (a Deny in a trust is the trust's finding).
                resourceAllows = r.allows && !denied
                denied = denied || deniedBefore
                resourceMatch = r.match
            }
        }

        /// Matches every statement of one policy, recording a reason for each.
        mutating func run(_ policy: PolicyDocument, _ request: AccessRequest, _ context: EvalContext) -> (allows: Bool, match: PrincipalMatch?) {
            var allows = false
            var bestMatch: PrincipalMatch?
            let requestAction = request.action
            for statement in policy.statements {
                let outcome = StatementMatcher.match(statement, in: policy, action: request.loweredAction, request: request, caller: caller,
                                                     context: context)
                var r: EvaluationReason
                switch outcome {
                case .applies(let via):
                    if statement.effect == .deny {
                        denied = true
                        r = EvaluationReason(role: .denies, node: statement.effectNode ?? statement.node, policyLabel: policy.label) {
                            "\(policy.label): \(statement.label) denies \(requestAction)"
                        }
                    } else if statement.effect == .allow {
                        allows = true
                        if let via, via.rank > bestMatch?.rank ?? -1 { bestMatch = via }
                        r = EvaluationReason(role: .allows, node: statement.node, policyLabel: policy.label) {
                            "\(policy.label): \(statement.label) allows \(requestAction)"
                        }
                    } else {
                        continue
                    }
                case .doesNotApply(let node, let mismatch, let why):
                    r = EvaluationReason(role: .doesNotApply, node: node, policyLabel: policy.label) {
                        "\(policy.label): \(statement.label) does not apply: \(why())"
                    }
                    r.mismatch = mismatch
                }
                r.statement = statement
                r.policy = policy
                reasons.append(r)
            }
            return (allows, bestMatch)
        }
    }

    /// Which branch of the documented logic decided, with what it lacked.
    enum Verdict {
        case explicitDeny
        case allowed
        /// A service principal: only a resource policy can allow it.
        case serviceNotGranted
        /// Across accounts: both sides must allow.
        case crossAccountDenied(resourceSideMissing: Bool, identitySideMissing: Bool)
        /// A role's trust policy that does not allow the caller, even within one account.
        case trustNotGranted
        /// Within one account: the resource policy trusts only the account, which delegates.
        case accountDelegated
        /// Within one account: a grant to the role's ARN capped by its boundary.
        case roleCappedByBoundary
        /// Within one account: neither side allows.
        case notGranted
        /// A level of the organisation's service control policies allows nothing for the request.
        case serviceControlNotGranted

        var decision: Decision {
            switch self {
            case .explicitDeny: .explicitDeny
            case .allowed: .allow
            default: .implicitDeny
            }
        }
    }

    static func decide(_ g: Gathered, _ policies: PolicySet) -> Verdict {
        if g.denied { return .explicitDeny }
        if g.serviceControlGap != nil { return .serviceControlNotGranted }
        if g.isService { return g.resourceAllows == true ? .allowed : .serviceNotGranted }
        if g.crossAccount {
            if g.identityAllows && g.boundaryAllows && g.resourceAllows == true { return .allowed }
            return .crossAccountDenied(resourceSideMissing: g.resourceAllows != true, identitySideMissing: !g.identityAllows)
        }
        // A role's trust policy is never optional: even within one account an identity policy
        // alone cannot assume a role or tag its session.
        if policies.resource?.kind == .trust && g.resourceAllows != true { return .trustNotGranted }
        let identitySide = g.identityAllows && g.boundaryAllows
        // A resource policy that names the caller itself grants on its own; one that names the
        // account only delegates to the identity side. A boundary still caps a grant made to a
        // role ARN (not to a session).
        var resourceSide = g.resourceAllows == true && (g.resourceMatch == .direct || g.resourceMatch == .role)
        var roleCaller = false
        if case .role = g.caller { roleCaller = true }
        if resourceSide, policies.boundary != nil, !g.boundaryAllows, roleCaller || g.resourceMatch == .role { resourceSide = false }
        if identitySide || resourceSide { return .allowed }
        if g.resourceAllows == true && g.resourceMatch == .account { return .accountDelegated }
        if g.resourceAllows == true && g.resourceMatch == .role { return .roleCappedByBoundary }
        return .notGranted
    }

    /// The statements' reasons, then what the decision lacked.
    static func explain(_ verdict: Verdict, _ g: Gathered, _ request: AccessRequest, _ policies: PolicySet) -> [EvaluationReason] {
        var reasons = g.reasons
        func missing(_ message: @autoclosure @escaping @Sendable () -> String, _ policy: PolicyDocument?) {
            var r = EvaluationReason.lazy(role: .missing, message: message(), node: policy?.root, policyLabel: policy?.label)
            // The organisation's gap names its policy (others keep theirs unset: the reason is
            // about what is absent, not about one statement).
            if policy?.origin == .organization { r.policy = policy }
            reasons.append(r)
        }
        if let boundary = policies.boundary, !g.isService, !g.boundaryAllows {
            missing("the permissions boundary \(boundary.label) does not allow \(request.action)", boundary)
        }
        let resource = policies.resource
        let caller = g.caller
        switch verdict {
        case .explicitDeny, .allowed:
            break
        case .serviceControlNotGranted:
            let level = g.serviceControlGap ?? []
            let names = level.map(\.label).joined(separator: ", ")
            missing("no service control policy at that level of the organisation allows \(request.action) (\(names)): an SCP allow-list that omits an action denies it to every principal of the account", level.first)
        case .serviceNotGranted:
            missing(resource == nil
                        ? "a service principal is allowed only by a resource policy, and none was given"
                        : "\(resource!.label) has no statement that allows \(request.principal) to \(request.action)", resource)
        case .crossAccountDenied(let resourceSideMissing, let identitySideMissing):
            if resource == nil {
                missing("the request crosses accounts (\(caller.account ?? "?") → \(g.resourceAccount ?? "?")): the resource's own policy must allow it too, and it is not among the inputs", nil)
            } else if resourceSideMissing {
                missing("\(resource!.label) has no statement that allows \(request.principal) to \(request.action)", resource)
            }
            if identitySideMissing {
                missing("the request crosses accounts, so the caller's own policies must allow \(request.action) on \(request.resource), and none does", nil)
            }
        case .trustNotGranted:
            missing("\(resource!.label) has no statement that allows \(request.principal) to \(request.action); a role's trust policy must allow the caller even within one account", resource)
        case .accountDelegated:
            missing("\(resource!.label) trusts the whole account \(caller.account ?? ""), which delegates to the caller's own policies, and none of them allows \(request.action)", resource)
        case .roleCappedByBoundary:
            missing("\(resource!.label) allows the role rather than the session \(request.principal), and a grant to a role's ARN is capped by its permissions boundary", resource)
        case .notGranted:
            if !g.identityAllows {
                let what = policies.identity.isEmpty ? "no identity policy was given" : "no identity policy allows it"
                let resourceNote = resource.map { " and \($0.label) does not allow it either" } ?? ""
                missing("\(request.principal) may not \(request.action) on \(request.resource): \(what)\(resourceNote)", nil)
            }
        }
        return reasons
    }
}

/// The request context as the evaluator reads it: the request's own keys, then the keys AWS sets
/// from the caller itself (`aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:username` …) and the
/// resource's account, worked out only when a policy asks for them.
struct EvalContext {
    let explicit: RequestContext
    let caller: PrincipalIdentity
    let resourceAccount: String?

    /// Values of a key given in lower case.
    func values(lowered key: String) -> [String]? {
        if let v = explicit.values(lowered: key) { return v }
        switch (key, caller) {
        case ("aws:principalaccount", _):
            return caller.account.map { [$0] }
        case ("aws:principalarn", .assumedRole(let account, let roleName, _, _)):
            // A session's aws:PrincipalArn is its role's ARN; the role's path is not known here.
            return ["arn:aws:iam::\(account):role/\(roleName)"]
        case ("aws:principalarn", _):
            return caller.arn.map { [$0] }
        case ("aws:principaltype", .assumedRole), ("aws:principaltype", .role):
            return ["AssumedRole"]
        case ("aws:principaltype", .user):
            return ["User"]
        case ("aws:principaltype", .account):
            return ["Account"]
        case ("aws:username", .user(_, let name, _)):
            return [name]
        case ("aws:principalservicename", .service(let name)):
            return [name]
        case ("aws:principalisawsservice", .service):
            return ["true"]
        case ("aws:resourceaccount", _):
            return resourceAccount.map { [$0] }
        default:
            return nil
        }
    }

    func values(_ key: String) -> [String]? { values(lowered: Wildcard.asciiLowered(key)) }
}

/// Whether one statement applies to a request, and if not, the first reason why.
package enum StatementMatcher {
    enum Outcome {
        case applies(PrincipalMatch?)
        /// Where, which element, and why (written only if asked).
        case doesNotApply(Node, EvaluationReason.Mismatch, @Sendable () -> String)
    }

    /// `action` is the request's action in lower case.
    static func match(_ s: PolicyStatement, in policy: PolicyDocument, action: String, request: AccessRequest,
                      caller: PrincipalIdentity, context: EvalContext) -> Outcome {
        guard s.effect != nil else { return .doesNotApply(s.node, .effect) { "its Effect is invalid" } }
        // Action.
        guard let actions = s.action else { return .doesNotApply(s.node, .action) { "it has no Action" } }
        let listed = actions.patterns.contains { Wildcard.matches($0, action) }
        if listed == actions.negated {
            let requestAction = request.action
            return .doesNotApply(actions.node, .action) {
                actions.negated ? "\(requestAction) is excluded by NotAction" : "\(requestAction) is not in its Action \(list(actions.values))"
            }
        }
        // Resource (a trust policy has none: the resource is the role).
        if let resources = s.resource {
            let variables = policy.variablesEnabled && resources.hasVariables
            let target = request.resource
            let hit = resources.patterns.contains { pattern in
                if pattern == "*" { return true }
                if variables { return PolicyVariables.matches(pattern: pattern, value: target, context: context, enabled: true, arn: true) }
                return ARN.matches(pattern: pattern, value: target)
            }
            if hit == resources.negated {
                return .doesNotApply(resources.node, .resource) {
                    resources.negated ? "\(target) is excluded by NotResource" : "\(target) is not in its Resource \(list(resources.values))"
                }
            }
        }
        // Principal (resource and trust policies).
        var via: PrincipalMatch?
        if let principal = s.principal {
            let principalText = request.principal
            if principal.negated {
                // NotPrincipal exempts only the principals it lists: listing Bob and his account
                // exempts Bob, not the account's other users; a role, not its other sessions.
                if notPrincipalExempts(principal, caller) {
                    return .doesNotApply(principal.node, .principal) { "\(principalText) is excluded by NotPrincipal" }
                }
                via = .direct
            } else {
                guard let m = principalMatch(principal, caller) else {
                    return .doesNotApply(principal.node, .principal) { "its Principal \(principalList(principal)) does not name \(principalText)" }
                }
                via = m
            }
        }
        // Conditions: every entry must hold.
        for entry in s.conditions {
            let outcome = ConditionEvaluator.evaluate(entry, context: context, variables: policy.variablesEnabled)
            if !outcome.satisfied {
                if context.explicit.absentKeysHold, s.effect == .allow,
                   context.explicit.standIns.contains(entry.loweredKey)
                    || (context.values(lowered: entry.loweredKey) == nil && !context.explicit.settles(lowered: entry.loweredKey)) { continue }
                let explain = outcome.explain
                return .doesNotApply(entry.keyNode, .condition(entry.key)) { "condition \(explain())" }
            }
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

    static func isService(_ caller: PrincipalIdentity) -> Bool {
        if case .service = caller { return true }
        return false
    }

    /// How a principal block names the caller, if it does.
    static func principalMatch(_ p: PrincipalBlock, _ caller: PrincipalIdentity) -> PrincipalMatch? {
        if p.isWildcardString { return .direct }
        var best: PrincipalMatch?
        for (type, identity, text) in p.parsed {
            switch type {
            case .aws:
                if case .anyone = identity {
                    if isService(caller) { continue }
                    return .direct
                }
                switch (identity, caller) {
                case (.account(let a), _) where caller.account == a:
                    if isService(caller) { continue }
                    if best == nil { best = .account }
                case (.role(let a, let name, let arn), .role(let b, let callerName, let callerArn)):
                    if arn == callerArn || (a == b && name == callerName) { best = .role }
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
            case .service:
                if case .service(let name) = caller, Wildcard.asciiLowered(name) == Wildcard.asciiLowered(text) { return .direct }
            default:
                if case .other(let other) = caller, other == text { return .direct }
            }
        }
        return best
    }

    /// Whether a NotPrincipal block lists the caller itself: its own ARN (the session's, not
    /// only its role's), its account when the caller is the account, or its service.
    static func notPrincipalExempts(_ p: PrincipalBlock, _ caller: PrincipalIdentity) -> Bool {
        if p.isWildcardString { return true }
        for (type, identity, text) in p.parsed {
            switch type {
            case .aws:
                if case .anyone = identity { return true }
                switch (identity, caller) {
                case (.account(let a), .account(let b)):
                    if a == b { return true }
                case (.role(let a, let name, let arn), .role(let b, let callerName, let callerArn)):
                    if arn == callerArn || (a == b && name == callerName) { return true }
                case (.assumedRole(_, _, _, let arn), .assumedRole(_, _, _, let callerArn)),
                     (.user(_, _, let arn), .user(_, _, let callerArn)),
                     (.federatedUser(_, let arn), .federatedUser(_, let callerArn)):
                    if arn == callerArn { return true }
                default:
                    continue
                }
            case .service:
                if case .service(let name) = caller, Wildcard.asciiLowered(name) == Wildcard.asciiLowered(text) { return true }
            default:
                if case .other(let other) = caller, other == text { return true }
            }
        }
        return false
    }
}
