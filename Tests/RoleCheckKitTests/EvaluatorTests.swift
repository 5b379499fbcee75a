import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckIAM
@testable import RoleCheckModel
@testable import RoleCheckRules
@testable import RoleCheckEngine
@testable import RoleCheckReporting

/// The offline evaluator checked against AWS's documented policy evaluation logic. The cases were
/// written from the IAM User Guide, not from the code; each names the rule it encodes:
///
/// - [EVAL] "Policy evaluation logic" / "How AWS enforcement code logic evaluates requests":
///   all requests are implicitly denied; an explicit deny in any policy overrides any allow;
///   "If either the identity-based policy or the resource-based policy within the same account
///   allows the request and the other doesn't, the request is still allowed"; "IAM role trust
///   policies and KMS key policies are exceptions ... they must explicitly allow access for
///   principals".
/// - [XACCT] "Cross-account policy evaluation logic": the resource-based policy must allow the
///   trusted principal and the principal's identity-based policy must allow the access; "The
///   request is allowed only if both evaluations return true".
/// - [BOUNDARY] "Permissions boundaries": the entity may perform only the actions allowed by both
///   its identity-based policies and its boundary; the boundary grants nothing; within one
///   account an implicit deny in a boundary does not limit a resource policy grant to an IAM user
///   ARN or to a role session ARN, but does limit a grant made to the role's ARN.
/// - [PRINCIPAL] "AWS JSON policy elements: Principal" / "NotPrincipal".
/// - [ACTION] / [RESOURCE] "IAM JSON policy elements: Action, NotAction, Resource, NotResource".
/// - [COND] "IAM JSON policy elements: Condition operators" (String, Numeric, Date, Bool,
///   BinaryEquals, IpAddress, Arn, …IfExists, Null) and "Conditions with multiple context keys
///   or values" (values ORed, keys and operators ANDed, negated operators NOR, absent keys).
/// - [SET] "Single-valued vs. multivalued context keys" / "Creating a condition that tests
///   multiple key values": ForAllValues / ForAnyValue, and "If the key values in the request
///   resolve to an empty data set (for example, an empty string), ForAllValues returns true, and
///   ForAnyValue returns false"; ForAllValues "also returns true if there are no context keys".
/// - [VARS] "IAM policy elements: Variables and tags".
@Suite struct EvaluatorTests {
    // MARK: Fixtures

    static let acctA = "111122223333"
    static let acctB = "444455556666"
    static let roleA = "arn:aws:iam::111122223333:role/app/AppRole"
    static let sessionA = "arn:aws:sts::111122223333:assumed-role/AppRole/alice"
    static let otherSessionA = "arn:aws:sts::111122223333:assumed-role/AppRole/mallory"
    static let otherRoleSessionA = "arn:aws:sts::111122223333:assumed-role/OtherRole/alice"
    static let sessionB = "arn:aws:sts::444455556666:assumed-role/AppRole/alice"
    static let userBob = "arn:aws:iam::111122223333:user/bob"
    static let userCarol = "arn:aws:iam::111122223333:user/carol"
    static let queueA = "arn:aws:sqs:us-east-1:111122223333:queue1"
    static let queueB = "arn:aws:sqs:us-east-1:444455556666:queue1"
    static let targetRoleA = "arn:aws:iam::111122223333:role/Target"
    static let targetRoleB = "arn:aws:iam::444455556666:role/Target"
    static let ec2 = "ec2.amazonaws.com"
    static let lambda = "lambda.amazonaws.com"

    /// A policy document from JSON text.
    static func doc(_ json: String, _ kind: PolicyKind = .identity, label: String = "p") throws -> PolicyDocument {
        let d = try JSONParser.parse(file: SourceFile(path: label + ".json", text: json)).get()
        return PolicyDocument.parse(d.root, kind: kind, label: label)
    }

    /// `{"Version": "2012-10-17", "Statement": [...]}`.
    static func policy(_ statements: String..., version: String? = "2012-10-17") -> String {
        let v = version.map { "\"Version\": \"\($0)\", " } ?? ""
        return "{\(v)\"Statement\": [\(statements.joined(separator: ", "))]}"
    }

    /// One statement. `principal` / `notPrincipal` are raw JSON (`"*"`, `{"AWS": "…"}`); `resource`
    /// nil leaves Resource out (trust policies); `condition` is a raw JSON object.
    static func stmt(_ effect: String = "Allow", principal: String? = nil, notPrincipal: String? = nil,
                     action: String = "*", notAction: String? = nil, resource: String? = "*", notResource: String? = nil,
                     condition: String? = nil, sid: String? = nil) -> String {
        var parts: [String] = []
        if let sid { parts.append("\"Sid\": \"\(sid)\"") }
        parts.append("\"Effect\": \"\(effect)\"")
        if let principal { parts.append("\"Principal\": \(principal)") }
        if let notPrincipal { parts.append("\"NotPrincipal\": \(notPrincipal)") }
        if let notAction { parts.append("\"NotAction\": \(notAction)") } else { parts.append("\"Action\": \(jsonList(action))") }
        if let notResource { parts.append("\"NotResource\": \(notResource)") } else if let resource { parts.append("\"Resource\": \(jsonList(resource))") }
        if let condition { parts.append("\"Condition\": \(condition)") }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    /// A JSON string, or the text itself when it is already a JSON array.
    static func jsonList(_ s: String) -> String { s.hasPrefix("[") ? s : "\"\(s)\"" }

    static func aws(_ values: String...) -> String {
        values.count == 1 ? "{\"AWS\": \"\(values[0])\"}" : "{\"AWS\": [" + values.map { "\"\($0)\"" }.joined(separator: ", ") + "]}"
    }

    static func service(_ name: String) -> String { "{\"Service\": \"\(name)\"}" }

    static func context(_ pairs: [String: [String]]) -> RequestContext {
        var c = RequestContext()
        for (k, values) in pairs.sorted(by: { $0.key < $1.key }) {
            if values.isEmpty { c.set(k, []) } else { for v in values { c.add(k, v) } }
        }
        return c
    }

    // MARK: 1. Decision logic

    struct DecisionCase: CustomTestStringConvertible, Sendable {
        var name: String
        var principal: String
        var action: String = "sqs:SendMessage"
        var resource: String = EvaluatorTests.queueA
        var identity: [String] = []
        var boundary: String?
        var resourcePolicy: String?
        var resourceKind: PolicyKind = .resource
        var expected: Decision
        var testDescription: String { name }
    }

    static let allowAll = policy(stmt())
    static let allowSend = policy(stmt(action: "sqs:SendMessage", resource: queueA))
    static let allowSendB = policy(stmt(action: "sqs:SendMessage", resource: queueB))
    static let denySend = policy(stmt("Deny", action: "sqs:SendMessage"))
    static let boundarySQS = policy(stmt(action: "sqs:*"))
    static let boundaryS3 = policy(stmt(action: "s3:*"))
    static func grant(_ principal: String, action: String = "sqs:SendMessage", resource: String? = "*") -> String {
        policy(stmt(principal: principal, action: action, resource: resource))
    }
    static let trustAssume = "sts:AssumeRole"

    static let decisionCases: [DecisionCase] = [
        // Same account.
        DecisionCase(name: "EVAL: an identity-based allow alone suffices within one account",
                     principal: sessionA, identity: [allowSend], expected: .allow),
        DecisionCase(name: "EVAL: with no policy at all the request is implicitly denied",
                     principal: sessionA, expected: .implicitDeny),
        DecisionCase(name: "EVAL: an allow for another action leaves an implicit deny",
                     principal: sessionA, identity: [policy(stmt(action: "sqs:ReceiveMessage"))], expected: .implicitDeny),
        DecisionCase(name: "EVAL: an allow for another resource leaves an implicit deny",
                     principal: sessionA, identity: [policy(stmt(action: "sqs:*", resource: "arn:aws:sqs:us-east-1:111122223333:queue2"))],
                     expected: .implicitDeny),
        DecisionCase(name: "EVAL: an explicit deny in another identity policy overrides the allow",
                     principal: sessionA, identity: [allowAll, denySend], expected: .explicitDeny),
        DecisionCase(name: "EVAL: an explicit deny in the same identity policy overrides the allow",
                     principal: sessionA, identity: [policy(stmt(), stmt("Deny", action: "sqs:Send*"))], expected: .explicitDeny),
        DecisionCase(name: "EVAL: an explicit deny in the resource policy overrides an identity allow",
                     principal: sessionA, identity: [allowAll], resourcePolicy: policy(stmt("Deny", principal: "\"*\"")),
                     expected: .explicitDeny),
        DecisionCase(name: "EVAL: an explicit deny in the resource policy overrides its own allow",
                     principal: sessionA, resourcePolicy: policy(stmt(principal: aws(sessionA)), stmt("Deny", principal: aws(acctA))),
                     expected: .explicitDeny),
        DecisionCase(name: "EVAL: an explicit deny in the permissions boundary overrides the allow",
                     principal: sessionA, identity: [allowAll], boundary: policy(stmt(), stmt("Deny", action: "sqs:SendMessage")),
                     expected: .explicitDeny),
        DecisionCase(name: "EVAL: a resource policy naming the session ARN suffices on its own",
                     principal: sessionA, resourcePolicy: grant(aws(sessionA)), expected: .allow),
        DecisionCase(name: "EVAL: a resource policy naming the role ARN suffices on its own for its session",
                     principal: sessionA, resourcePolicy: grant(aws(roleA)), expected: .allow),
        DecisionCase(name: "EVAL: a resource policy naming the IAM user ARN suffices on its own",
                     principal: userBob, resourcePolicy: grant(aws(userBob)), expected: .allow),
        DecisionCase(name: "EVAL: a resource policy naming only the account ID delegates to the identity side",
                     principal: sessionA, resourcePolicy: grant(aws(acctA)), expected: .implicitDeny),
        DecisionCase(name: "EVAL: a resource policy naming only the account root delegates to the identity side",
                     principal: userBob, resourcePolicy: grant(aws("arn:aws:iam::111122223333:root")), expected: .implicitDeny),
        DecisionCase(name: "EVAL: account-wide resource grant plus an identity allow is allowed",
                     principal: sessionA, identity: [allowSend], resourcePolicy: grant(aws(acctA)), expected: .allow),
        DecisionCase(name: "EVAL: a resource grant to someone else does not help",
                     principal: sessionA, resourcePolicy: grant(aws(userBob)), expected: .implicitDeny),
        DecisionCase(name: "EVAL: a resource grant naming the session loses to an identity explicit deny",
                     principal: sessionA, identity: [denySend], resourcePolicy: grant(aws(sessionA)), expected: .explicitDeny),
        DecisionCase(name: "PRINCIPAL: \"Principal\": \"*\" grants within one account",
                     principal: sessionA, resourcePolicy: grant("\"*\""), expected: .allow),
        DecisionCase(name: "PRINCIPAL: {\"AWS\": \"*\"} grants within one account",
                     principal: userBob, resourcePolicy: grant(aws("*")), expected: .allow),
        // Permissions boundaries.
        DecisionCase(name: "BOUNDARY: an action allowed by both identity policy and boundary is allowed",
                     principal: sessionA, identity: [allowAll], boundary: boundarySQS, expected: .allow),
        DecisionCase(name: "BOUNDARY: an identity allow outside the boundary is implicitly denied",
                     principal: sessionA, identity: [allowAll], boundary: boundaryS3, expected: .implicitDeny),
        DecisionCase(name: "BOUNDARY: an identity allow outside the boundary is implicitly denied for a user",
                     principal: userBob, identity: [allowAll], boundary: boundaryS3, expected: .implicitDeny),
        DecisionCase(name: "BOUNDARY: a boundary alone grants nothing",
                     principal: sessionA, boundary: allowAll, expected: .implicitDeny),
        DecisionCase(name: "BOUNDARY: a resource grant to the session ARN is not limited by the boundary",
                     principal: sessionA, boundary: boundaryS3, resourcePolicy: grant(aws(sessionA)), expected: .allow),
        DecisionCase(name: "BOUNDARY: a resource grant to the role ARN is limited by the boundary's implicit deny",
                     principal: sessionA, boundary: boundaryS3, resourcePolicy: grant(aws(roleA)), expected: .implicitDeny),
        DecisionCase(name: "BOUNDARY: a resource grant to the role ARN inside the boundary is allowed",
                     principal: sessionA, boundary: boundarySQS, resourcePolicy: grant(aws(roleA)), expected: .allow),
        DecisionCase(name: "BOUNDARY: a resource grant to the IAM user ARN is not limited by the boundary",
                     principal: userBob, boundary: boundaryS3, resourcePolicy: grant(aws(userBob)), expected: .allow),
        DecisionCase(name: "BOUNDARY: an account-wide resource grant still needs the identity side inside the boundary",
                     principal: sessionA, identity: [allowAll], boundary: boundaryS3, resourcePolicy: grant(aws(acctA)),
                     expected: .implicitDeny),
        // Cross-account.
        DecisionCase(name: "XACCT: identity allow plus a resource policy naming the caller's account",
                     principal: sessionA, resource: queueB, identity: [allowSendB], resourcePolicy: grant(aws(acctA)), expected: .allow),
        DecisionCase(name: "XACCT: identity allow plus a resource policy naming the caller's account root",
                     principal: userBob, resource: queueB, identity: [allowSendB],
                     resourcePolicy: grant(aws("arn:aws:iam::111122223333:root")), expected: .allow),
        DecisionCase(name: "XACCT: identity allow plus a resource policy naming the session",
                     principal: sessionA, resource: queueB, identity: [allowSendB], resourcePolicy: grant(aws(sessionA)), expected: .allow),
        DecisionCase(name: "XACCT: identity allow plus a resource policy naming the role",
                     principal: sessionA, resource: queueB, identity: [allowSendB], resourcePolicy: grant(aws(roleA)), expected: .allow),
        DecisionCase(name: "XACCT: an identity allow without the resource's policy is implicitly denied",
                     principal: sessionA, resource: queueB, identity: [allowAll], expected: .implicitDeny),
        DecisionCase(name: "XACCT: a resource policy naming the session without an identity allow is implicitly denied",
                     principal: sessionA, resource: queueB, resourcePolicy: grant(aws(sessionA)), expected: .implicitDeny),
        DecisionCase(name: "XACCT: a resource policy naming the account without an identity allow is implicitly denied",
                     principal: sessionA, resource: queueB, resourcePolicy: grant(aws(acctA)), expected: .implicitDeny),
        DecisionCase(name: "XACCT: a resource policy naming only its own account does not trust the caller",
                     principal: sessionA, resource: queueB, identity: [allowAll], resourcePolicy: grant(aws(acctB)), expected: .implicitDeny),
        DecisionCase(name: "XACCT: both sides allow but the caller's boundary does not",
                     principal: sessionA, resource: queueB, identity: [allowAll], boundary: boundaryS3,
                     resourcePolicy: grant(aws(sessionA)), expected: .implicitDeny),
        DecisionCase(name: "XACCT: an explicit deny in the resource policy wins",
                     principal: sessionA, resource: queueB, identity: [allowAll],
                     resourcePolicy: policy(stmt(principal: aws(acctA)), stmt("Deny", principal: aws(roleA))), expected: .explicitDeny),
        DecisionCase(name: "XACCT: an explicit deny in the identity policy wins",
                     principal: sessionA, resource: queueB, identity: [allowAll, denySend],
                     resourcePolicy: grant(aws(acctA)), expected: .explicitDeny),
        DecisionCase(name: "XACCT: \"Principal\": \"*\" plus an identity allow",
                     principal: sessionA, resource: queueB, identity: [allowAll], resourcePolicy: grant("\"*\""), expected: .allow),
        DecisionCase(name: "XACCT: {\"AWS\": \"*\"} plus an identity allow",
                     principal: sessionA, resource: queueB, identity: [allowAll], resourcePolicy: grant(aws("*")), expected: .allow),
        DecisionCase(name: "XACCT: \"Principal\": \"*\" without an identity allow is implicitly denied",
                     principal: sessionA, resource: queueB, resourcePolicy: grant("\"*\""), expected: .implicitDeny),
        DecisionCase(name: "XACCT: a role of the same name in another account is not the role named",
                     principal: sessionB, identity: [allowAll], resourcePolicy: grant(aws(roleA)), expected: .implicitDeny),
        // Service principals.
        DecisionCase(name: "PRINCIPAL: a service principal is allowed by a trust policy naming it",
                     principal: ec2, action: trustAssume, resource: targetRoleA,
                     resourcePolicy: grant(service(ec2), action: trustAssume, resource: nil), resourceKind: .trust, expected: .allow),
        DecisionCase(name: "PRINCIPAL: a service principal is not allowed by a trust policy naming another service",
                     principal: ec2, action: trustAssume, resource: targetRoleA,
                     resourcePolicy: grant(service(lambda), action: trustAssume, resource: nil), resourceKind: .trust, expected: .implicitDeny),
        DecisionCase(name: "PRINCIPAL: a service principal has no identity policies: only a resource policy allows it",
                     principal: ec2, action: trustAssume, resource: targetRoleA, identity: [allowAll], expected: .implicitDeny),
        DecisionCase(name: "PRINCIPAL: an account principal does not admit a service",
                     principal: ec2, action: trustAssume, resource: targetRoleA, identity: [allowAll],
                     resourcePolicy: grant(aws(acctA), action: trustAssume, resource: nil), resourceKind: .trust, expected: .implicitDeny),
        DecisionCase(name: "EVAL: an explicit deny of the service in the trust policy wins",
                     principal: ec2, action: trustAssume, resource: targetRoleA,
                     resourcePolicy: policy(stmt(principal: service(ec2), action: trustAssume, resource: nil),
                                            stmt("Deny", principal: service(ec2), action: trustAssume, resource: nil)),
                     resourceKind: .trust, expected: .explicitDeny),
        // Role trust policies.
        DecisionCase(name: "EVAL: a trust policy naming the caller's session allows AssumeRole without an identity allow",
                     principal: sessionA, action: trustAssume, resource: targetRoleA,
                     resourcePolicy: grant(aws(sessionA), action: trustAssume, resource: nil), resourceKind: .trust, expected: .allow),
        DecisionCase(name: "EVAL: a trust policy naming the caller's role allows AssumeRole without an identity allow",
                     principal: sessionA, action: trustAssume, resource: targetRoleA,
                     resourcePolicy: grant(aws(roleA), action: trustAssume, resource: nil), resourceKind: .trust, expected: .allow),
        DecisionCase(name: "EVAL: a trust policy naming the account needs the identity allow (present)",
                     principal: sessionA, action: trustAssume, resource: targetRoleA,
                     identity: [policy(stmt(action: "sts:AssumeRole", resource: targetRoleA))],
                     resourcePolicy: grant(aws(acctA), action: trustAssume, resource: nil), resourceKind: .trust, expected: .allow),
        DecisionCase(name: "EVAL: a trust policy naming the account needs the identity allow (absent)",
                     principal: sessionA, action: trustAssume, resource: targetRoleA,
                     resourcePolicy: grant(aws(acctA), action: trustAssume, resource: nil), resourceKind: .trust, expected: .implicitDeny),
        DecisionCase(name: "EVAL: trust policies are an exception: an identity allow alone cannot assume a role",
                     principal: sessionA, action: trustAssume, resource: targetRoleA, identity: [allowAll],
                     resourcePolicy: grant(aws(userBob), action: trustAssume, resource: nil), resourceKind: .trust, expected: .implicitDeny),
        DecisionCase(name: "EVAL: a trust policy allowing AssumeRole does not allow TagSession",
                     principal: sessionA, action: "sts:TagSession", resource: targetRoleA, identity: [allowAll],
                     resourcePolicy: grant(aws(sessionA), action: trustAssume, resource: nil), resourceKind: .trust, expected: .implicitDeny),
        DecisionCase(name: "XACCT: a trust policy naming the other account plus the caller's identity allow",
                     principal: sessionB, action: trustAssume, resource: targetRoleA, identity: [allowAll],
                     resourcePolicy: grant(aws(acctB), action: trustAssume, resource: nil), resourceKind: .trust, expected: .allow),
        DecisionCase(name: "XACCT: a trust policy naming the other account without the caller's identity allow",
                     principal: sessionB, action: trustAssume, resource: targetRoleA,
                     resourcePolicy: grant(aws(acctB), action: trustAssume, resource: nil), resourceKind: .trust, expected: .implicitDeny),
        DecisionCase(name: "XACCT: assuming a role in another account without its trust policy",
                     principal: sessionA, action: trustAssume, resource: targetRoleB, identity: [allowAll], expected: .implicitDeny),
        DecisionCase(name: "EVAL: an explicit deny in the trust policy wins over its allow",
                     principal: sessionA, action: trustAssume, resource: targetRoleA, identity: [allowAll],
                     resourcePolicy: policy(stmt(principal: aws(acctA), action: trustAssume, resource: nil),
                                            stmt("Deny", principal: aws(sessionA), action: "sts:*", resource: nil)),
                     resourceKind: .trust, expected: .explicitDeny),
    ]

    static func run(_ c: DecisionCase) throws -> EvaluationResult {
        let policies = PolicySet(
            identity: try c.identity.enumerated().map { try doc($0.element, .identity, label: "identity\($0.offset)") },
            boundary: try c.boundary.map { try doc($0, .identity, label: "boundary") },
            resource: try c.resourcePolicy.map { try doc($0, c.resourceKind, label: "resource") }
        )
        return Evaluator.evaluate(AccessRequest(principal: c.principal, action: c.action, resource: c.resource), policies)
    }

    @Test(arguments: decisionCases)
    func decision(_ c: DecisionCase) throws {
        let result = try Self.run(c)
        #expect(result.decision == c.expected, "\(c.name): \(result.reasons.map(\.message))")
        #expect(result.allowed == (c.expected == .allow))
    }

    @Test func crossAccountWithoutResourcePolicySaysTheResourceSideIsMissing() throws {
        // XACCT: "you must attach a resource-based policy to the resource that you want to share".
        let result = try Self.run(DecisionCase(name: "", principal: Self.sessionA, resource: Self.queueB,
                                               identity: [Self.allowAll], expected: .implicitDeny))
        #expect(result.decision == .implicitDeny)
        #expect(result.crossAccount)
        #expect(result.identityAllows)
        #expect(result.resourceAllows == nil)
        let missing = result.reasons.filter { $0.role == .missing }
        #expect(missing.contains { $0.message.contains("resource") && $0.message.contains(Self.acctB) }, "\(missing.map(\.message))")
        #expect(!result.reasons.contains { $0.role == .denies })
    }

    @Test func sameAccountIsNotCrossAccount() throws {
        let result = try Self.run(DecisionCase(name: "", principal: Self.sessionA, identity: [Self.allowSend], expected: .allow))
        #expect(!result.crossAccount)
        #expect(result.identityAllows)
        #expect(result.resourceAllows == nil)
    }

    // MARK: 2. Principals

    struct PrincipalCase: CustomTestStringConvertible, Sendable {
        var name: String
        /// The Principal element's JSON value.
        var principal: String
        var caller: String
        var matches: Bool
        var testDescription: String { name }
    }

    static let principalCases: [PrincipalCase] = [
        PrincipalCase(name: "account ID names a session of that account", principal: aws(acctA), caller: sessionA, matches: true),
        PrincipalCase(name: "account ID names a user of that account", principal: aws(acctA), caller: userBob, matches: true),
        PrincipalCase(name: "account ID names a role of that account", principal: aws(acctA), caller: roleA, matches: true),
        PrincipalCase(name: "account root names a session of that account", principal: aws("arn:aws:iam::111122223333:root"), caller: sessionA, matches: true),
        PrincipalCase(name: "account root names a user of that account", principal: aws("arn:aws:iam::111122223333:root"), caller: userCarol, matches: true),
        PrincipalCase(name: "account ID does not name another account's session", principal: aws(acctA), caller: sessionB, matches: false),
        PrincipalCase(name: "account root does not name another account's session", principal: aws("arn:aws:iam::111122223333:root"), caller: sessionB, matches: false),
        PrincipalCase(name: "role ARN with a path names the role's session (assumed-role ARNs carry no path)",
                      principal: aws("arn:aws:iam::111122223333:role/some/path/AppRole"), caller: sessionA, matches: true),
        PrincipalCase(name: "role ARN without a path names the role's session",
                      principal: aws("arn:aws:iam::111122223333:role/AppRole"), caller: sessionA, matches: true),
        PrincipalCase(name: "role ARN names the role itself", principal: aws("arn:aws:iam::111122223333:role/AppRole"), caller: roleA, matches: true),
        PrincipalCase(name: "role ARN does not name a same-named role's session in another account",
                      principal: aws("arn:aws:iam::111122223333:role/some/path/AppRole"), caller: sessionB, matches: false),
        PrincipalCase(name: "role ARN does not name another role's session", principal: aws(roleA), caller: otherRoleSessionA, matches: false),
        PrincipalCase(name: "session ARN names that session", principal: aws(sessionA), caller: sessionA, matches: true),
        PrincipalCase(name: "session ARN does not name another session of the same role", principal: aws(sessionA), caller: otherSessionA, matches: false),
        PrincipalCase(name: "user ARN names that user", principal: aws(userBob), caller: userBob, matches: true),
        PrincipalCase(name: "user ARN does not name another user", principal: aws(userBob), caller: userCarol, matches: false),
        PrincipalCase(name: "user ARN does not name a session of a role with the user's name",
                      principal: aws(userBob), caller: "arn:aws:sts::111122223333:assumed-role/bob/bob", matches: false),
        PrincipalCase(name: "a list of principals is ORed", principal: aws("arn:aws:iam::444455556666:root", userBob), caller: userBob, matches: true),
        PrincipalCase(name: "a list of principals names none of the others", principal: aws("arn:aws:iam::444455556666:root", userBob), caller: userCarol, matches: false),
        PrincipalCase(name: "service principal names that service", principal: service(ec2), caller: ec2, matches: true),
        PrincipalCase(name: "service principal does not name another service", principal: service(ec2), caller: lambda, matches: false),
        PrincipalCase(name: "service principal does not name an IAM session", principal: service(ec2), caller: sessionA, matches: false),
        PrincipalCase(name: "an account principal does not name a service", principal: aws(acctA), caller: ec2, matches: false),
        PrincipalCase(name: "\"*\" names a session of any account", principal: "\"*\"", caller: sessionB, matches: true),
        PrincipalCase(name: "\"*\" names a user", principal: "\"*\"", caller: userBob, matches: true),
        PrincipalCase(name: "{\"AWS\": \"*\"} names a session of any account", principal: aws("*"), caller: sessionB, matches: true),
        PrincipalCase(name: "a Federated provider does not name an IAM session",
                      principal: "{\"Federated\": \"arn:aws:iam::111122223333:saml-provider/Okta\"}", caller: sessionA, matches: false),
    ]

    /// The resource policy allows everyone (and the two services) and denies `principal`; the
    /// identity side allows everything. A match shows as an explicit deny, no match as an allow.
    @Test(arguments: principalCases)
    func principalMatching(_ c: PrincipalCase) throws {
        let resource = Self.policy(Self.stmt(principal: "\"*\""), Self.stmt(principal: "{\"Service\": [\"\(Self.ec2)\", \"\(Self.lambda)\"]}"),
                                   Self.stmt("Deny", principal: c.principal))
        let policies = PolicySet(identity: [try Self.doc(Self.allowAll)], resource: try Self.doc(resource, .resource))
        let result = Evaluator.evaluate(AccessRequest(principal: c.caller, action: "sqs:SendMessage", resource: Self.queueA), policies)
        #expect(result.decision == (c.matches ? .explicitDeny : .allow), "\(c.name): \(result.reasons.map(\.message))")
    }

    struct NotPrincipalCase: CustomTestStringConvertible, Sendable {
        var name: String
        var notPrincipal: String
        var caller: String
        var denied: Bool
        var testDescription: String { name }
    }

    /// [PRINCIPAL] NotPrincipal with Deny: "all principals except the user named Bob in AWS account
    /// 444455556666 are explicitly denied" for NotPrincipal [Bob, account root]; and "all
    /// principals except the assumed-role user named cross-account-audit-app" for [session, role,
    /// account root].
    static let notPrincipalCases: [NotPrincipalCase] = [
        NotPrincipalCase(name: "Bob, listed with his account, is not denied", notPrincipal: aws(userBob, "arn:aws:iam::111122223333:root"),
                         caller: userBob, denied: false),
        NotPrincipalCase(name: "another user of Bob's account is denied", notPrincipal: aws(userBob, "arn:aws:iam::111122223333:root"),
                         caller: userCarol, denied: true),
        NotPrincipalCase(name: "a session of another account is denied", notPrincipal: aws(userBob, "arn:aws:iam::111122223333:root"),
                         caller: sessionB, denied: true),
        NotPrincipalCase(name: "the listed session (with its role and account) is not denied",
                         notPrincipal: aws(sessionA, "arn:aws:iam::111122223333:role/AppRole", "arn:aws:iam::111122223333:root"),
                         caller: sessionA, denied: false),
        NotPrincipalCase(name: "another session of the listed role is denied",
                         notPrincipal: aws(sessionA, "arn:aws:iam::111122223333:role/AppRole", "arn:aws:iam::111122223333:root"),
                         caller: otherSessionA, denied: true),
        NotPrincipalCase(name: "a session of another role of the listed account is denied",
                         notPrincipal: aws(sessionA, "arn:aws:iam::111122223333:role/AppRole", "arn:aws:iam::111122223333:root"),
                         caller: otherRoleSessionA, denied: true),
        NotPrincipalCase(name: "the listed service is not denied", notPrincipal: service(ec2), caller: ec2, denied: false),
        NotPrincipalCase(name: "another service is denied", notPrincipal: service(ec2), caller: lambda, denied: true),
    ]

    @Test(arguments: notPrincipalCases)
    func notPrincipal(_ c: NotPrincipalCase) throws {
        let resource = Self.policy(Self.stmt(principal: "\"*\""), Self.stmt(principal: "{\"Service\": [\"\(Self.ec2)\", \"\(Self.lambda)\"]}"),
                                   Self.stmt("Deny", notPrincipal: c.notPrincipal))
        let policies = PolicySet(identity: [try Self.doc(Self.allowAll)], resource: try Self.doc(resource, .resource))
        let result = Evaluator.evaluate(AccessRequest(principal: c.caller, action: "sqs:SendMessage", resource: Self.queueA), policies)
        #expect(result.decision == (c.denied ? .explicitDeny : .allow), "\(c.name): \(result.reasons.map(\.message))")
    }

    // MARK: 3. Action / NotAction, Resource / NotResource

    struct ElementCase: CustomTestStringConvertible, Sendable {
        var name: String
        /// The statement (an Allow in an identity policy).
        var statement: String
        var action: String
        var resource: String
        var applies: Bool
        var testDescription: String { name }
    }

    static let elementCases: [ElementCase] = [
        // [ACTION] "action names are case insensitive"; * and ? wildcards.
        ElementCase(name: "ACTION: sts:Assume* matches sts:AssumeRole", statement: stmt(action: "sts:Assume*"),
                    action: "sts:AssumeRole", resource: "*", applies: true),
        ElementCase(name: "ACTION: sts:Assume* matches sts:AssumeRoleWithSAML", statement: stmt(action: "sts:Assume*"),
                    action: "sts:AssumeRoleWithSAML", resource: "*", applies: true),
        ElementCase(name: "ACTION: sts:Assume* does not match sts:TagSession", statement: stmt(action: "sts:Assume*"),
                    action: "sts:TagSession", resource: "*", applies: false),
        ElementCase(name: "ACTION: STS:ASSUMEROLE matches sts:AssumeRole (case-insensitive)", statement: stmt(action: "STS:ASSUMEROLE"),
                    action: "sts:AssumeRole", resource: "*", applies: true),
        ElementCase(name: "ACTION: sts:assumerole matches a request for STS:AssumeRole", statement: stmt(action: "sts:assumerole"),
                    action: "STS:AssumeRole", resource: "*", applies: true),
        ElementCase(name: "ACTION: ? matches exactly one character", statement: stmt(action: "sts:AssumeRol?"),
                    action: "sts:AssumeRole", resource: "*", applies: true),
        ElementCase(name: "ACTION: ? does not match two characters", statement: stmt(action: "sts:AssumeRol?"),
                    action: "sts:AssumeRoleX", resource: "*", applies: false),
        ElementCase(name: "ACTION: ? does not match zero characters", statement: stmt(action: "sts:AssumeRol?"),
                    action: "sts:AssumeRol", resource: "*", applies: false),
        ElementCase(name: "ACTION: * matches every action", statement: stmt(action: "*"),
                    action: "kms:Decrypt", resource: "*", applies: true),
        ElementCase(name: "ACTION: a wildcard in the middle (iam:*AccessKey*)", statement: stmt(action: "iam:*AccessKey*"),
                    action: "iam:CreateAccessKey", resource: "*", applies: true),
        ElementCase(name: "ACTION: iam:*AccessKey* does not match iam:CreateUser", statement: stmt(action: "iam:*AccessKey*"),
                    action: "iam:CreateUser", resource: "*", applies: false),
        ElementCase(name: "ACTION: s3:Get* matches a lower-case request", statement: stmt(action: "s3:Get*"),
                    action: "s3:getobject", resource: "*", applies: true),
        ElementCase(name: "ACTION: the service prefix must match", statement: stmt(action: "sts:*"),
                    action: "s3:GetObject", resource: "*", applies: false),
        ElementCase(name: "ACTION: a list of actions is ORed", statement: stmt(action: "[\"s3:GetObject\", \"sqs:SendMessage\"]"),
                    action: "sqs:SendMessage", resource: "*", applies: true),
        ElementCase(name: "ACTION: NotAction applies to actions it does not list", statement: stmt(notAction: "\"iam:*\""),
                    action: "s3:GetObject", resource: "*", applies: true),
        ElementCase(name: "ACTION: NotAction does not apply to actions it lists", statement: stmt(notAction: "\"iam:*\""),
                    action: "iam:CreateUser", resource: "*", applies: false),
        ElementCase(name: "ACTION: NotAction with a list excludes each listed action", statement: stmt(notAction: "[\"iam:*\", \"STS:*\"]"),
                    action: "sts:AssumeRole", resource: "*", applies: false),
        // [RESOURCE] ARNs are case-sensitive; wildcards within segments; * alone.
        ElementCase(name: "RESOURCE: an exact ARN matches", statement: stmt(resource: "arn:aws:iam::111122223333:user/Bob"),
                    action: "iam:GetUser", resource: "arn:aws:iam::111122223333:user/Bob", applies: true),
        ElementCase(name: "RESOURCE: ARNs are case-sensitive (user/Bob vs user/bob)", statement: stmt(resource: "arn:aws:iam::111122223333:user/Bob"),
                    action: "iam:GetUser", resource: "arn:aws:iam::111122223333:user/bob", applies: false),
        ElementCase(name: "RESOURCE: * in the resource segment spans slashes", statement: stmt(resource: "arn:aws:s3:::bucket/*"),
                    action: "s3:GetObject", resource: "arn:aws:s3:::bucket/a/b/c.txt", applies: true),
        ElementCase(name: "RESOURCE: bucket/* does not match the bucket itself", statement: stmt(resource: "arn:aws:s3:::bucket/*"),
                    action: "s3:ListBucket", resource: "arn:aws:s3:::bucket", applies: false),
        ElementCase(name: "RESOURCE: bucket names are case-sensitive", statement: stmt(resource: "arn:aws:s3:::Bucket/*"),
                    action: "s3:GetObject", resource: "arn:aws:s3:::bucket/x", applies: false),
        ElementCase(name: "RESOURCE: * in the account segment matches any account", statement: stmt(resource: "arn:aws:iam::*:role/app-*"),
                    action: "iam:GetRole", resource: "arn:aws:iam::444455556666:role/app-x", applies: true),
        ElementCase(name: "RESOURCE: a name prefix must match", statement: stmt(resource: "arn:aws:iam::*:role/app-*"),
                    action: "iam:GetRole", resource: "arn:aws:iam::444455556666:role/web-x", applies: false),
        ElementCase(name: "RESOURCE: ? in the region segment matches one character", statement: stmt(resource: "arn:aws:sqs:us-east-?:111122223333:queue1"),
                    action: "sqs:SendMessage", resource: queueA, applies: true),
        ElementCase(name: "RESOURCE: ? does not match a different region", statement: stmt(resource: "arn:aws:sqs:us-east-?:111122223333:queue1"),
                    action: "sqs:SendMessage", resource: "arn:aws:sqs:us-west-1:111122223333:queue1", applies: false),
        ElementCase(name: "RESOURCE: the account segment must match", statement: stmt(resource: "arn:aws:sqs:*:111122223333:queue1"),
                    action: "sqs:SendMessage", resource: queueB, applies: false),
        ElementCase(name: "RESOURCE: a path prefix (user/accounting/*) matches users on that path",
                    statement: stmt(resource: "arn:aws:iam::111122223333:user/accounting/*"),
                    action: "iam:GetUser", resource: "arn:aws:iam::111122223333:user/accounting/alice", applies: true),
        ElementCase(name: "RESOURCE: a path prefix does not match users on another path",
                    statement: stmt(resource: "arn:aws:iam::111122223333:user/accounting/*"),
                    action: "iam:GetUser", resource: "arn:aws:iam::111122223333:user/marketing/alice", applies: false),
        ElementCase(name: "RESOURCE: role/* does not match a user", statement: stmt(resource: "arn:aws:iam::111122223333:role/*"),
                    action: "iam:GetUser", resource: "arn:aws:iam::111122223333:user/x", applies: false),
        ElementCase(name: "RESOURCE: * alone matches every resource", statement: stmt(resource: "*"),
                    action: "s3:GetObject", resource: "arn:aws:s3:::anything/at/all", applies: true),
        ElementCase(name: "RESOURCE: a list of resources is ORed", statement: stmt(resource: "[\"arn:aws:s3:::a/*\", \"arn:aws:s3:::b/*\"]"),
                    action: "s3:GetObject", resource: "arn:aws:s3:::b/key", applies: true),
        ElementCase(name: "RESOURCE: NotResource does not apply to a listed resource", statement: stmt(notResource: "\"arn:aws:s3:::secret/*\""),
                    action: "s3:GetObject", resource: "arn:aws:s3:::secret/x", applies: false),
        ElementCase(name: "RESOURCE: NotResource applies to other resources", statement: stmt(notResource: "\"arn:aws:s3:::secret/*\""),
                    action: "s3:GetObject", resource: "arn:aws:s3:::public/x", applies: true),
    ]

    /// The request names the caller's own account as the resource's owner, so only the elements
    /// decide (a cross-account resource would need its own policy).
    @Test(arguments: elementCases)
    func actionAndResourceElements(_ c: ElementCase) throws {
        let policies = PolicySet(identity: [try Self.doc(Self.policy(c.statement))])
        let request = AccessRequest(principal: Self.sessionA, action: c.action, resource: c.resource, resourceAccount: Self.acctA)
        let result = Evaluator.evaluate(request, policies)
        #expect(result.decision == (c.applies ? .allow : .implicitDeny), "\(c.name): \(result.reasons.map(\.message))")
    }

    // MARK: 4. Condition operators

    struct ConditionCase: CustomTestStringConvertible, Sendable {
        var name: String
        /// The Condition element's JSON object.
        var condition: String
        var context: [String: [String]]
        var holds: Bool
        var testDescription: String { name }
    }

    static let tagKey = "aws:PrincipalTag/team"
    static let blob = "QmluYXJ5VmFsdWVJbkJhc2U2NA=="

    static let conditionCases: [ConditionCase] = [
        // String operators.
        ConditionCase(name: "COND StringEquals: exact match", condition: #"{"StringEquals": {"aws:PrincipalTag/team": "data"}}"#,
                      context: [tagKey: ["data"]], holds: true),
        ConditionCase(name: "COND StringEquals: case-sensitive", condition: #"{"StringEquals": {"aws:PrincipalTag/team": "data"}}"#,
                      context: [tagKey: ["Data"]], holds: false),
        ConditionCase(name: "COND StringEquals: an absent key does not match", condition: #"{"StringEquals": {"aws:PrincipalTag/team": "data"}}"#,
                      context: [:], holds: false),
        ConditionCase(name: "COND StringEquals: several values are ORed", condition: #"{"StringEquals": {"aws:PrincipalTag/team": ["ml", "data"]}}"#,
                      context: [tagKey: ["data"]], holds: true),
        ConditionCase(name: "COND StringEquals: * is literal, not a wildcard", condition: #"{"StringEquals": {"k": "a*"}}"#,
                      context: ["k": ["abc"]], holds: false),
        ConditionCase(name: "COND StringEquals: * matches a literal *", condition: #"{"StringEquals": {"k": "a*"}}"#,
                      context: ["k": ["a*"]], holds: true),
        ConditionCase(name: "COND StringNotEquals: a different value", condition: #"{"StringNotEquals": {"k": "data"}}"#,
                      context: ["k": ["ml"]], holds: true),
        ConditionCase(name: "COND StringNotEquals: the same value", condition: #"{"StringNotEquals": {"k": "data"}}"#,
                      context: ["k": ["data"]], holds: false),
        ConditionCase(name: "COND StringNotEquals: an absent key is true (negated operator)", condition: #"{"StringNotEquals": {"k": "data"}}"#,
                      context: [:], holds: true),
        ConditionCase(name: "COND StringNotEquals: several values are NORed (one equal)", condition: #"{"StringNotEquals": {"k": ["a", "b"]}}"#,
                      context: ["k": ["b"]], holds: false),
        ConditionCase(name: "COND StringNotEquals: several values are NORed (none equal)", condition: #"{"StringNotEquals": {"k": ["a", "b"]}}"#,
                      context: ["k": ["c"]], holds: true),
        ConditionCase(name: "COND StringEqualsIgnoreCase: ignores case", condition: #"{"StringEqualsIgnoreCase": {"k": "DATA"}}"#,
                      context: ["k": ["data"]], holds: true),
        ConditionCase(name: "COND StringEqualsIgnoreCase: still exact", condition: #"{"StringEqualsIgnoreCase": {"k": "DATA"}}"#,
                      context: ["k": ["datas"]], holds: false),
        ConditionCase(name: "COND StringNotEqualsIgnoreCase: same value in another case", condition: #"{"StringNotEqualsIgnoreCase": {"k": "DATA"}}"#,
                      context: ["k": ["data"]], holds: false),
        ConditionCase(name: "COND StringNotEqualsIgnoreCase: an absent key is true", condition: #"{"StringNotEqualsIgnoreCase": {"k": "DATA"}}"#,
                      context: [:], holds: true),
        ConditionCase(name: "COND StringLike: * matches any run", condition: #"{"StringLike": {"s3:prefix": "home/*"}}"#,
                      context: ["s3:prefix": ["home/bob/docs"]], holds: true),
        ConditionCase(name: "COND StringLike: case-sensitive", condition: #"{"StringLike": {"s3:prefix": "home/*"}}"#,
                      context: ["s3:prefix": ["Home/bob"]], holds: false),
        ConditionCase(name: "COND StringLike: ? matches one character", condition: #"{"StringLike": {"k": "file-?.txt"}}"#,
                      context: ["k": ["file-1.txt"]], holds: true),
        ConditionCase(name: "COND StringLike: ? does not match two characters", condition: #"{"StringLike": {"k": "file-?.txt"}}"#,
                      context: ["k": ["file-10.txt"]], holds: false),
        ConditionCase(name: "COND StringLike: partial matches need a wildcard", condition: #"{"StringLike": {"k": "home"}}"#,
                      context: ["k": ["home/bob"]], holds: false),
        ConditionCase(name: "COND StringLike: an absent key does not match", condition: #"{"StringLike": {"k": "*"}}"#,
                      context: [:], holds: false),
        ConditionCase(name: "COND StringNotLike: a matching value", condition: #"{"StringNotLike": {"k": "tmp-*"}}"#,
                      context: ["k": ["tmp-1"]], holds: false),
        ConditionCase(name: "COND StringNotLike: a value that does not match", condition: #"{"StringNotLike": {"k": "tmp-*"}}"#,
                      context: ["k": ["prod"]], holds: true),
        ConditionCase(name: "COND StringNotLike: an absent key is true", condition: #"{"StringNotLike": {"k": "tmp-*"}}"#,
                      context: [:], holds: true),
        // Numeric operators.
        ConditionCase(name: "COND NumericLessThan: 9 < 10", condition: #"{"NumericLessThan": {"s3:max-keys": "10"}}"#,
                      context: ["s3:max-keys": ["9"]], holds: true),
        ConditionCase(name: "COND NumericLessThan: 10 is not < 10", condition: #"{"NumericLessThan": {"s3:max-keys": "10"}}"#,
                      context: ["s3:max-keys": ["10"]], holds: false),
        ConditionCase(name: "COND NumericLessThanEquals: 10 <= 10", condition: #"{"NumericLessThanEquals": {"s3:max-keys": "10"}}"#,
                      context: ["s3:max-keys": ["10"]], holds: true),
        ConditionCase(name: "COND NumericLessThanEquals: an absent key does not match", condition: #"{"NumericLessThanEquals": {"s3:max-keys": "10"}}"#,
                      context: [:], holds: false),
        ConditionCase(name: "COND NumericGreaterThan: decimals", condition: #"{"NumericGreaterThan": {"n": "10"}}"#,
                      context: ["n": ["10.5"]], holds: true),
        ConditionCase(name: "COND NumericGreaterThanEquals: 9.99 is not >= 10", condition: #"{"NumericGreaterThanEquals": {"n": "10"}}"#,
                      context: ["n": ["9.99"]], holds: false),
        ConditionCase(name: "COND NumericEquals: compares numbers, not text (10 == 10.0)", condition: #"{"NumericEquals": {"n": "10"}}"#,
                      context: ["n": ["10.0"]], holds: true),
        ConditionCase(name: "COND NumericEquals: a JSON number in the policy", condition: #"{"NumericEquals": {"n": 7}}"#,
                      context: ["n": ["7"]], holds: true),
        ConditionCase(name: "COND NumericEquals: a non-numeric request value does not match", condition: #"{"NumericEquals": {"n": "10"}}"#,
                      context: ["n": ["ten"]], holds: false),
        ConditionCase(name: "COND NumericNotEquals: a different number", condition: #"{"NumericNotEquals": {"n": "10"}}"#,
                      context: ["n": ["11"]], holds: true),
        ConditionCase(name: "COND NumericNotEquals: the same number", condition: #"{"NumericNotEquals": {"n": "10"}}"#,
                      context: ["n": ["10"]], holds: false),
        ConditionCase(name: "COND NumericNotEquals: an absent key is true", condition: #"{"NumericNotEquals": {"n": "10"}}"#,
                      context: [:], holds: true),
        // Date operators: W3C ISO 8601 forms or epoch time.
        ConditionCase(name: "COND DateGreaterThan: a later ISO 8601 time", condition: #"{"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}}"#,
                      context: ["aws:TokenIssueTime": ["2021-06-01T12:00:00Z"]], holds: true),
        ConditionCase(name: "COND DateGreaterThan: an earlier ISO 8601 time", condition: #"{"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}}"#,
                      context: ["aws:TokenIssueTime": ["2019-12-31T23:59:59Z"]], holds: false),
        ConditionCase(name: "COND DateGreaterThan: an absent key does not match", condition: #"{"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}}"#,
                      context: [:], holds: false),
        ConditionCase(name: "COND DateLessThan: an epoch request value against an ISO policy value",
                      condition: #"{"DateLessThan": {"aws:EpochTime": "2024-01-01T00:00:00Z"}}"#,
                      context: ["aws:EpochTime": ["1700000000"]], holds: true),
        ConditionCase(name: "COND DateGreaterThan: an epoch policy value against an ISO request value",
                      condition: #"{"DateGreaterThan": {"aws:CurrentTime": "1700000000"}}"#,
                      context: ["aws:CurrentTime": ["2024-01-01T00:00:00Z"]], holds: true),
        ConditionCase(name: "COND DateEquals: a time-zone offset is honoured", condition: #"{"DateEquals": {"d": "2024-01-01T12:00:00+02:00"}}"#,
                      context: ["d": ["2024-01-01T10:00:00Z"]], holds: true),
        ConditionCase(name: "COND DateEquals: hours and minutes without seconds", condition: #"{"DateEquals": {"d": "2024-01-01T10:00Z"}}"#,
                      context: ["d": ["2024-01-01T10:00:00Z"]], holds: true),
        ConditionCase(name: "COND DateGreaterThan: fractions of a second count", condition: #"{"DateGreaterThan": {"d": "2024-01-01T10:00:00Z"}}"#,
                      context: ["d": ["2024-01-01T10:00:00.5Z"]], holds: true),
        ConditionCase(name: "COND DateLessThanEquals: a complete date (YYYY-MM-DD) is its first instant",
                      condition: #"{"DateLessThanEquals": {"d": "2024-01-01"}}"#, context: ["d": ["2024-01-01T00:00:00Z"]], holds: true),
        ConditionCase(name: "COND DateGreaterThanEquals: year and month (YYYY-MM)", condition: #"{"DateGreaterThanEquals": {"d": "2024-02"}}"#,
                      context: ["d": ["2024-02-01T00:00:00Z"]], holds: true),
        ConditionCase(name: "COND DateLessThan: year and month (YYYY-MM)", condition: #"{"DateLessThan": {"d": "2024-02"}}"#,
                      context: ["d": ["2024-02-01T00:00:00Z"]], holds: false),
        ConditionCase(name: "COND DateNotEquals: an absent key is true", condition: #"{"DateNotEquals": {"d": "2024-01-01T00:00:00Z"}}"#,
                      context: [:], holds: true),
        ConditionCase(name: "COND DateNotEquals: the same instant in another form", condition: #"{"DateNotEquals": {"d": "2024-01-01T00:00:00Z"}}"#,
                      context: ["d": ["1704067200"]], holds: false),
        ConditionCase(name: "COND DateGreaterThan: a request value that is not a date", condition: #"{"DateGreaterThan": {"d": "2020-01-01T00:00:00Z"}}"#,
                      context: ["d": ["yesterday"]], holds: false),
        // Bool.
        ConditionCase(name: "COND Bool: true", condition: #"{"Bool": {"aws:SecureTransport": "true"}}"#,
                      context: ["aws:SecureTransport": ["true"]], holds: true),
        ConditionCase(name: "COND Bool: false is not true", condition: #"{"Bool": {"aws:SecureTransport": "true"}}"#,
                      context: ["aws:SecureTransport": ["false"]], holds: false),
        ConditionCase(name: "COND Bool: a JSON false in the policy", condition: #"{"Bool": {"aws:SecureTransport": false}}"#,
                      context: ["aws:SecureTransport": ["false"]], holds: true),
        ConditionCase(name: "COND Bool: an absent key does not match", condition: #"{"Bool": {"aws:MultiFactorAuthPresent": "false"}}"#,
                      context: [:], holds: false),
        ConditionCase(name: "COND BoolIfExists: an absent key is true", condition: #"{"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}"#,
                      context: [:], holds: true),
        ConditionCase(name: "COND BoolIfExists: a present key is checked", condition: #"{"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}"#,
                      context: ["aws:MultiFactorAuthPresent": ["false"]], holds: false),
        // BinaryEquals: the base-64 text is compared.
        ConditionCase(name: "COND BinaryEquals: the same base-64 value", condition: #"{"BinaryEquals": {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}"#,
                      context: ["key": [blob]], holds: true),
        ConditionCase(name: "COND BinaryEquals: another value", condition: #"{"BinaryEquals": {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}"#,
                      context: ["key": ["T3RoZXJWYWx1ZQ=="]], holds: false),
        ConditionCase(name: "COND BinaryEquals: an absent key does not match", condition: #"{"BinaryEquals": {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}"#,
                      context: [:], holds: false),
        // IP addresses.
        ConditionCase(name: "COND IpAddress: an address in an IPv4 CIDR block", condition: #"{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#,
                      context: ["aws:SourceIp": ["203.0.113.7"]], holds: true),
        ConditionCase(name: "COND IpAddress: an address outside the IPv4 block", condition: #"{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#,
                      context: ["aws:SourceIp": ["203.0.114.7"]], holds: false),
        ConditionCase(name: "COND IpAddress: no prefix means /32 (same address)", condition: #"{"IpAddress": {"aws:SourceIp": "203.0.113.7"}}"#,
                      context: ["aws:SourceIp": ["203.0.113.7"]], holds: true),
        ConditionCase(name: "COND IpAddress: no prefix means /32 (next address)", condition: #"{"IpAddress": {"aws:SourceIp": "203.0.113.7"}}"#,
                      context: ["aws:SourceIp": ["203.0.113.8"]], holds: false),
        ConditionCase(name: "COND IpAddress: an address in an IPv6 CIDR block", condition: #"{"IpAddress": {"aws:SourceIp": "2001:DB8:1234:5678::/64"}}"#,
                      context: ["aws:SourceIp": ["2001:db8:1234:5678:abcd::1"]], holds: true),
        ConditionCase(name: "COND IpAddress: an address outside the IPv6 block", condition: #"{"IpAddress": {"aws:SourceIp": "2001:DB8:1234:5678::/64"}}"#,
                      context: ["aws:SourceIp": ["2001:db8:1234:5679::1"]], holds: false),
        ConditionCase(name: "COND IpAddress: IPv4 and IPv6 blocks mixed in one list",
                      condition: #"{"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}}"#,
                      context: ["aws:SourceIp": ["2001:db8:1234:5678::42"]], holds: true),
        ConditionCase(name: "COND IpAddress: an IPv6 address is not in an IPv4 block", condition: #"{"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}"#,
                      context: ["aws:SourceIp": ["2001:db8::1"]], holds: false),
        ConditionCase(name: "COND IpAddress: 0.0.0.0/0 holds every IPv4 address", condition: #"{"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}"#,
                      context: ["aws:SourceIp": ["198.51.100.1"]], holds: true),
        ConditionCase(name: "COND IpAddress: an absent key does not match", condition: #"{"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}"#,
                      context: [:], holds: false),
        ConditionCase(name: "COND NotIpAddress: an address outside the block", condition: #"{"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#,
                      context: ["aws:SourceIp": ["198.51.100.1"]], holds: true),
        ConditionCase(name: "COND NotIpAddress: an address inside the block", condition: #"{"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#,
                      context: ["aws:SourceIp": ["203.0.113.9"]], holds: false),
        ConditionCase(name: "COND NotIpAddress: an absent key is true", condition: #"{"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#,
                      context: [:], holds: true),
        // ARN operators: each of the six colon-delimited parts separately; case-sensitive.
        ConditionCase(name: "COND ArnLike: wildcards per part", condition: #"{"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111122223333:topic-?"}}"#,
                      context: ["aws:SourceArn": ["arn:aws:sns:us-east-1:111122223333:topic-1"]], holds: true),
        ConditionCase(name: "COND ArnEquals: behaves like ArnLike", condition: #"{"ArnEquals": {"aws:SourceArn": "arn:aws:sns:*:111122223333:topic-?"}}"#,
                      context: ["aws:SourceArn": ["arn:aws:sns:us-east-1:111122223333:topic-1"]], holds: true),
        ConditionCase(name: "COND ArnLike: * does not cross colons (the guide's finance/* example)",
                      condition: #"{"ArnLike": {"aws:SourceArn": "arn:aws:someservice:*:111122223333:finance/*"}}"#,
                      context: ["aws:SourceArn": ["arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"]], holds: false),
        ConditionCase(name: "COND StringLike: * crosses colons (the same example)",
                      condition: #"{"StringLike": {"aws:SourceArn": "arn:aws:someservice:*:111122223333:finance/*"}}"#,
                      context: ["aws:SourceArn": ["arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"]], holds: true),
        ConditionCase(name: "COND ArnEquals: case-sensitive", condition: #"{"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:Topic"}}"#,
                      context: ["aws:SourceArn": ["arn:aws:sns:us-east-1:111122223333:topic"]], holds: false),
        ConditionCase(name: "COND ArnNotEquals: another ARN", condition: #"{"ArnNotEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:topic"}}"#,
                      context: ["aws:SourceArn": ["arn:aws:sns:us-east-1:111122223333:other"]], holds: true),
        ConditionCase(name: "COND ArnNotEquals: the same ARN", condition: #"{"ArnNotEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:topic"}}"#,
                      context: ["aws:SourceArn": ["arn:aws:sns:us-east-1:111122223333:topic"]], holds: false),
        ConditionCase(name: "COND ArnNotLike: a matching ARN", condition: #"{"ArnNotLike": {"aws:SourceArn": "arn:aws:sns:*:*:topic-*"}}"#,
                      context: ["aws:SourceArn": ["arn:aws:sns:us-east-1:111122223333:topic-9"]], holds: false),
        ConditionCase(name: "COND ArnNotLike: an absent key is true", condition: #"{"ArnNotLike": {"aws:SourceArn": "arn:aws:sns:*:*:topic-*"}}"#,
                      context: [:], holds: true),
        ConditionCase(name: "COND ArnLike: an absent key does not match", condition: #"{"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:*"}}"#,
                      context: [:], holds: false),
        // Null.
        ConditionCase(name: "COND Null true: the key is absent", condition: #"{"Null": {"aws:TokenIssueTime": "true"}}"#,
                      context: [:], holds: true),
        ConditionCase(name: "COND Null true: the key is present", condition: #"{"Null": {"aws:TokenIssueTime": "true"}}"#,
                      context: ["aws:TokenIssueTime": ["2024-01-01T00:00:00Z"]], holds: false),
        ConditionCase(name: "COND Null false: the key is present", condition: #"{"Null": {"aws:TokenIssueTime": "false"}}"#,
                      context: ["aws:TokenIssueTime": ["2024-01-01T00:00:00Z"]], holds: true),
        ConditionCase(name: "COND Null false: the key is absent", condition: #"{"Null": {"aws:TokenIssueTime": "false"}}"#,
                      context: [:], holds: false),
        // …IfExists.
        ConditionCase(name: "COND StringLikeIfExists: an absent key is true", condition: #"{"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}}"#,
                      context: [:], holds: true),
        ConditionCase(name: "COND StringLikeIfExists: a present key that matches", condition: #"{"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}}"#,
                      context: ["ec2:InstanceType": ["t2.micro"]], holds: true),
        ConditionCase(name: "COND StringLikeIfExists: a present key that does not match", condition: #"{"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}}"#,
                      context: ["ec2:InstanceType": ["m5.large"]], holds: false),
        ConditionCase(name: "COND NumericLessThanIfExists: an absent key is true", condition: #"{"NumericLessThanIfExists": {"n": "3"}}"#,
                      context: [:], holds: true),
        ConditionCase(name: "COND DateLessThanIfExists: a present key is checked", condition: #"{"DateLessThanIfExists": {"d": "2020-01-01T00:00:00Z"}}"#,
                      context: ["d": ["2021-01-01T00:00:00Z"]], holds: false),
        ConditionCase(name: "COND StringNotEqualsIfExists: an absent key is true", condition: #"{"StringNotEqualsIfExists": {"k": "x"}}"#,
                      context: [:], holds: true),
        ConditionCase(name: "COND StringNotEqualsIfExists: a present equal key is false", condition: #"{"StringNotEqualsIfExists": {"k": "x"}}"#,
                      context: ["k": ["x"]], holds: false),
        ConditionCase(name: "COND IpAddressIfExists: an absent key is true", condition: #"{"IpAddressIfExists": {"aws:SourceIp": "10.0.0.0/8"}}"#,
                      context: [:], holds: true),
        ConditionCase(name: "COND ArnLikeIfExists: a present key is checked", condition: #"{"ArnLikeIfExists": {"aws:SourceArn": "arn:aws:sns:*:*:a"}}"#,
                      context: ["aws:SourceArn": ["arn:aws:sns:us-east-1:111122223333:b"]], holds: false),
        // Set operators on multivalued keys (a key added several times).
        ConditionCase(name: "SET ForAllValues: every request value is listed", condition: #"{"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}}"#,
                      context: ["aws:TagKeys": ["a", "b"]], holds: true),
        ConditionCase(name: "SET ForAllValues: a subset of the listed values", condition: #"{"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}}"#,
                      context: ["aws:TagKeys": ["a"]], holds: true),
        ConditionCase(name: "SET ForAllValues: one request value is not listed", condition: #"{"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}}"#,
                      context: ["aws:TagKeys": ["a", "c"]], holds: false),
        ConditionCase(name: "SET ForAllValues: no key in the request is true", condition: #"{"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}}"#,
                      context: [:], holds: true),
        ConditionCase(name: "SET ForAllValues: an empty data set is true", condition: #"{"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}}"#,
                      context: ["aws:TagKeys": []], holds: true),
        ConditionCase(name: "SET ForAllValues: an empty string is an empty data set (true)", condition: #"{"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}}"#,
                      context: ["aws:TagKeys": [""]], holds: true),
        ConditionCase(name: "SET ForAnyValue: one request value is listed", condition: #"{"ForAnyValue:StringEquals": {"aws:TagKeys": ["a", "b"]}}"#,
                      context: ["aws:TagKeys": ["c", "a"]], holds: true),
        ConditionCase(name: "SET ForAnyValue: no request value is listed", condition: #"{"ForAnyValue:StringEquals": {"aws:TagKeys": ["a", "b"]}}"#,
                      context: ["aws:TagKeys": ["c", "d"]], holds: false),
        ConditionCase(name: "SET ForAnyValue: no key in the request is false", condition: #"{"ForAnyValue:StringEquals": {"aws:TagKeys": ["a", "b"]}}"#,
                      context: [:], holds: false),
        ConditionCase(name: "SET ForAnyValue: an empty data set is false", condition: #"{"ForAnyValue:StringEquals": {"aws:TagKeys": ["a", "b"]}}"#,
                      context: ["aws:TagKeys": []], holds: false),
        ConditionCase(name: "SET ForAnyValue: an empty string is an empty data set (false)", condition: #"{"ForAnyValue:StringEquals": {"aws:TagKeys": ["", "a"]}}"#,
                      context: ["aws:TagKeys": [""]], holds: false),
        ConditionCase(name: "SET ForAllValues:StringLike: the guide's DynamoDB example (UserName not allowed)",
                      condition: #"{"ForAllValues:StringLike": {"dynamodb:requestedAttributes": ["PostDateTime", "Message", "Tags"]}}"#,
                      context: ["dynamodb:requestedAttributes": ["PostDateTime", "UserName"]], holds: false),
        ConditionCase(name: "SET ForAnyValue:StringLike: the guide's DynamoDB example (PostDateTime listed)",
                      condition: #"{"ForAnyValue:StringLike": {"dynamodb:requestedAttributes": ["ID", "Post*"]}}"#,
                      context: ["dynamodb:requestedAttributes": ["UserName", "Message", "PostDateTime"]], holds: true),
        ConditionCase(name: "SET ForAllValues:StringNotLike: no value has the prefix", condition: #"{"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}"#,
                      context: ["aws:TagKeys": ["key2:audit"]], holds: true),
        ConditionCase(name: "SET ForAllValues:StringNotLike: a value has the prefix", condition: #"{"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}"#,
                      context: ["aws:TagKeys": ["key1:hr", "key2:audit"]], holds: false),
        ConditionCase(name: "SET ForAllValues:StringNotLike: no key in the request is true", condition: #"{"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}"#,
                      context: [:], holds: true),
        ConditionCase(name: "SET ForAnyValue:StringNotEquals: one value is not listed", condition: #"{"ForAnyValue:StringNotEquals": {"aws:TagKeys": "key1"}}"#,
                      context: ["aws:TagKeys": ["key1", "key2"]], holds: true),
        ConditionCase(name: "SET ForAnyValue:StringNotEquals: every value is listed", condition: #"{"ForAnyValue:StringNotEquals": {"aws:TagKeys": "key1"}}"#,
                      context: ["aws:TagKeys": ["key1"]], holds: false),
        ConditionCase(name: "SET ForAnyValue:StringNotEquals: no key in the request is false", condition: #"{"ForAnyValue:StringNotEquals": {"aws:TagKeys": "key1"}}"#,
                      context: [:], holds: false),
        ConditionCase(name: "SET ForAnyValue:StringEqualsIfExists: an absent key is true (IfExists)",
                      condition: #"{"ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": "a"}}"#, context: [:], holds: true),
        ConditionCase(name: "SET ForAnyValue:StringEqualsIfExists: a present key is checked",
                      condition: #"{"ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": "a"}}"#, context: ["aws:TagKeys": ["b"]], holds: false),
        ConditionCase(name: "SET ForAllValues:IpAddress: every address in the block", condition: #"{"ForAllValues:IpAddress": {"ips": "10.0.0.0/8"}}"#,
                      context: ["ips": ["10.1.1.1", "10.2.2.2"]], holds: true),
        ConditionCase(name: "SET ForAnyValue:ArnLike: one ARN matches", condition: #"{"ForAnyValue:ArnLike": {"arns": "arn:aws:iam::*:role/admin"}}"#,
                      context: ["arns": ["arn:aws:iam::111122223333:role/dev", "arn:aws:iam::444455556666:role/admin"]], holds: true),
        // Combination logic.
        ConditionCase(name: "COND several keys under one operator are ANDed (one missing)", condition: #"{"StringEquals": {"k1": "a", "k2": "b"}}"#,
                      context: ["k1": ["a"]], holds: false),
        ConditionCase(name: "COND several keys under one operator are ANDed (both hold)", condition: #"{"StringEquals": {"k1": "a", "k2": "b"}}"#,
                      context: ["k1": ["a"], "k2": ["b"]], holds: true),
        ConditionCase(name: "COND several operators are ANDed (one fails)",
                      condition: #"{"StringEquals": {"k1": "a"}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#,
                      context: ["k1": ["a"], "aws:SourceIp": ["192.168.0.1"]], holds: false),
        ConditionCase(name: "COND several operators are ANDed (both hold)",
                      condition: #"{"StringEquals": {"k1": "a"}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#,
                      context: ["k1": ["a"], "aws:SourceIp": ["10.1.2.3"]], holds: true),
        ConditionCase(name: "COND condition key names are case-insensitive (policy in capitals)", condition: #"{"IpAddress": {"AWS:SOURCEIP": "10.0.0.0/8"}}"#,
                      context: ["aws:SourceIp": ["10.1.2.3"]], holds: true),
        ConditionCase(name: "COND condition key names are case-insensitive (request in capitals)", condition: #"{"StringEquals": {"aws:principaltag/team": "data"}}"#,
                      context: ["AWS:PrincipalTag/Team": ["data"]], holds: true),
        ConditionCase(name: "COND an unknown operator never holds", condition: #"{"StringEqual": {"k": "a"}}"#,
                      context: ["k": ["a"]], holds: false),
    ]

    @Test(arguments: conditionCases)
    func conditionOperators(_ c: ConditionCase) throws {
        let policies = PolicySet(identity: [try Self.doc(Self.policy(Self.stmt(condition: c.condition)))])
        let request = AccessRequest(principal: Self.sessionA, action: "s3:GetObject", resource: "arn:aws:s3:::bucket/key",
                                    context: Self.context(c.context))
        let result = Evaluator.evaluate(request, policies)
        #expect(result.decision == (c.holds ? .allow : .implicitDeny), "\(c.name): \(result.reasons.map(\.message))")
    }

    /// A condition that holds in a Deny statement denies; the same condition failing leaves the
    /// Allow in force ("For a Deny statement, match means denied").
    @Test(arguments: [(["10.1.2.3"], Decision.explicitDeny), (["192.0.2.1"], Decision.allow), ([], Decision.allow)])
    func conditionInADenyStatement(_ ips: [String], _ expected: Decision) throws {
        let p = Self.policy(Self.stmt(), Self.stmt("Deny", condition: #"{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#))
        let request = AccessRequest(principal: Self.sessionA, action: "s3:GetObject", resource: "*",
                                    context: ips.isEmpty ? RequestContext() : Self.context(["aws:SourceIp": ips]))
        #expect(Evaluator.evaluate(request, PolicySet(identity: [try Self.doc(p)])).decision == expected)
    }

    /// "If you are using an "Effect": "Deny" element with a negated condition operator like
    /// StringNotEqualsIfExists, the request is still denied even if the tag is missing."
    @Test func negatedIfExistsInADenyStillDeniesWithoutTheKey() throws {
        let p = Self.policy(Self.stmt(), Self.stmt("Deny", condition: #"{"StringNotEqualsIfExists": {"aws:ResourceTag/env": "dev"}}"#))
        let request = AccessRequest(principal: Self.sessionA, action: "ec2:StopInstances", resource: "*")
        #expect(Evaluator.evaluate(request, PolicySet(identity: [try Self.doc(p)])).decision == .explicitDeny)
    }

    @Test func requestContextKeysAreCaseInsensitiveAndMultiValued() {
        var c = RequestContext()
        c.add("aws:TagKeys", "a")
        c.add("AWS:TAGKEYS", "b")
        #expect(c.values("aws:tagkeys") == ["a", "b"])
        #expect(c.contains("Aws:TagKeys"))
        #expect(!c.contains("aws:TagKey"))
    }

    // MARK: 5. Policy variables

    struct VariableCase: CustomTestStringConvertible, Sendable {
        var name: String
        var principal: String
        var statement: String
        var version: String? = "2012-10-17"
        var action: String = "iam:CreateAccessKey"
        var resource: String = "*"
        var context: [String: [String]] = [:]
        var allowed: Bool
        var testDescription: String { name }
    }

    static let userResource = "arn:aws:iam::111122223333:user/${aws:username}"

    static let variableCases: [VariableCase] = [
        VariableCase(name: "VARS ${aws:username} in Resource: the user's own ARN", principal: userBob,
                     statement: stmt(action: "iam:*AccessKey*", resource: userResource), resource: userBob, allowed: true),
        VariableCase(name: "VARS ${aws:username} in Resource: another user's ARN", principal: userBob,
                     statement: stmt(action: "iam:*AccessKey*", resource: userResource), resource: userCarol, allowed: false),
        VariableCase(name: "VARS ${aws:username} in Resource: a role session has no aws:username (statement does not match)",
                     principal: sessionA, statement: stmt(action: "iam:*", resource: userResource),
                     resource: "arn:aws:iam::111122223333:user/alice", allowed: false),
        VariableCase(name: "VARS ${aws:username} in Resource with the S3 home-directory pattern", principal: userBob,
                     statement: stmt(action: "s3:GetObject", resource: "arn:aws:s3:::mybucket/home/${aws:username}/*"),
                     action: "s3:GetObject", resource: "arn:aws:s3:::mybucket/home/bob/notes.txt", allowed: true),
        VariableCase(name: "VARS ${aws:username} in StringEquals", principal: userBob,
                     statement: stmt(condition: #"{"StringEquals": {"s3:prefix": "home/${aws:username}/"}}"#),
                     context: ["s3:prefix": ["home/bob/"]], allowed: true),
        VariableCase(name: "VARS ${aws:username} in StringLike: another user's prefix", principal: userBob,
                     statement: stmt(condition: #"{"StringLike": {"s3:prefix": "home/${aws:username}/*"}}"#),
                     context: ["s3:prefix": ["home/carol/x"]], allowed: false),
        VariableCase(name: "VARS ${aws:username} in StringLike: the user's own prefix", principal: userBob,
                     statement: stmt(condition: #"{"StringLike": {"s3:prefix": "home/${aws:username}/*"}}"#),
                     context: ["s3:prefix": ["home/bob/docs/x"]], allowed: true),
        VariableCase(name: "VARS ${aws:PrincipalTag/team} equals the resource tag", principal: sessionA,
                     statement: stmt(condition: #"{"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}"#),
                     context: ["aws:PrincipalTag/team": ["data"], "aws:ResourceTag/team": ["data"]], allowed: true),
        VariableCase(name: "VARS ${aws:PrincipalTag/team} differs from the resource tag", principal: sessionA,
                     statement: stmt(condition: #"{"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}"#),
                     context: ["aws:PrincipalTag/team": ["data"], "aws:ResourceTag/team": ["ml"]], allowed: false),
        VariableCase(name: "VARS a variable with no value makes the statement not match", principal: sessionA,
                     statement: stmt(condition: #"{"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}"#),
                     context: ["aws:ResourceTag/team": ["${aws:PrincipalTag/team}"]], allowed: false),
        VariableCase(name: "VARS a variable with no value in ArnLike makes the statement not match", principal: sessionA,
                     statement: stmt(condition: #"{"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:${aws:PrincipalTag/topic}"}}"#),
                     context: ["aws:SourceArn": ["arn:aws:sns:us-east-1:111122223333:x"]], allowed: false),
        VariableCase(name: "VARS a variable in ArnLike", principal: sessionA,
                     statement: stmt(condition: #"{"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:${aws:PrincipalTag/topic}"}}"#),
                     context: ["aws:SourceArn": ["arn:aws:sns:us-east-1:111122223333:x"], "aws:PrincipalTag/topic": ["x"]], allowed: true),
        VariableCase(name: "VARS a multivalued key cannot be a policy variable", principal: sessionA,
                     statement: stmt(condition: #"{"StringEquals": {"k": "${aws:TagKeys}"}}"#),
                     context: ["aws:TagKeys": ["a", "b"], "k": ["a"]], allowed: false),
        VariableCase(name: "VARS a default value is used when the key is absent", principal: sessionA,
                     statement: stmt(condition: #"{"StringEquals": {"aws:ResourceTag/owner": "${aws:username, 'anonymous'}"}}"#),
                     context: ["aws:ResourceTag/owner": ["anonymous"]], allowed: true),
        VariableCase(name: "VARS a default value is not used when the key is present (owner)", principal: userBob,
                     statement: stmt(condition: #"{"StringEquals": {"aws:ResourceTag/owner": "${aws:username, 'anonymous'}"}}"#),
                     context: ["aws:ResourceTag/owner": ["bob"]], allowed: true),
        VariableCase(name: "VARS a default value is not used when the key is present (default)", principal: userBob,
                     statement: stmt(condition: #"{"StringEquals": {"aws:ResourceTag/owner": "${aws:username, 'anonymous'}"}}"#),
                     context: ["aws:ResourceTag/owner": ["anonymous"]], allowed: false),
        VariableCase(name: "VARS a default value in Resource", principal: sessionA,
                     statement: stmt(action: "s3:GetObject", resource: "arn:aws:s3:::bucket/${aws:userid, 'anonymous'}/*"),
                     action: "s3:GetObject", resource: "arn:aws:s3:::bucket/anonymous/file", allowed: true),
        VariableCase(name: "VARS variable names are case-insensitive", principal: userBob,
                     statement: stmt(condition: #"{"StringEquals": {"k": "${AWS:UserName}"}}"#),
                     context: ["k": ["bob"]], allowed: true),
        VariableCase(name: "VARS ${*} is a literal * (matches *)", principal: sessionA,
                     statement: stmt(condition: #"{"StringLike": {"k": "a${*}b"}}"#), context: ["k": ["a*b"]], allowed: true),
        VariableCase(name: "VARS ${*} is a literal * (not a wildcard)", principal: sessionA,
                     statement: stmt(condition: #"{"StringLike": {"k": "a${*}b"}}"#), context: ["k": ["axxb"]], allowed: false),
        VariableCase(name: "VARS ${?} is a literal ? (matches ?)", principal: sessionA,
                     statement: stmt(condition: #"{"StringLike": {"k": "what${?}"}}"#), context: ["k": ["what?"]], allowed: true),
        VariableCase(name: "VARS ${?} is a literal ? (not a wildcard)", principal: sessionA,
                     statement: stmt(condition: #"{"StringLike": {"k": "what${?}"}}"#), context: ["k": ["whatX"]], allowed: false),
        VariableCase(name: "VARS ${$} is a literal $", principal: sessionA,
                     statement: stmt(condition: #"{"StringEquals": {"k": "cost${$}"}}"#), context: ["k": ["cost$"]], allowed: true),
        VariableCase(name: "VARS ${*} in StringEquals is a literal *", principal: sessionA,
                     statement: stmt(condition: #"{"StringEquals": {"k": "${*}"}}"#), context: ["k": ["*"]], allowed: true),
        VariableCase(name: "VARS ${*} in Resource is a literal * (not a wildcard)", principal: sessionA,
                     statement: stmt(action: "s3:GetObject", resource: "arn:aws:s3:::bucket/${*}"),
                     action: "s3:GetObject", resource: "arn:aws:s3:::bucket/anything", allowed: false),
        VariableCase(name: "VARS ${*} in Resource matches a literal *", principal: sessionA,
                     statement: stmt(action: "s3:GetObject", resource: "arn:aws:s3:::bucket/${*}"),
                     action: "s3:GetObject", resource: "arn:aws:s3:::bucket/*", allowed: true),
        VariableCase(name: "VARS no substitution under Version 2008-10-17 (the value)", principal: userBob,
                     statement: stmt(condition: #"{"StringEquals": {"k": "${aws:username}"}}"#), version: "2008-10-17",
                     context: ["k": ["bob"]], allowed: false),
        VariableCase(name: "VARS no substitution under Version 2008-10-17 (the literal text)", principal: userBob,
                     statement: stmt(condition: #"{"StringEquals": {"k": "${aws:username}"}}"#), version: "2008-10-17",
                     context: ["k": ["${aws:username}"]], allowed: true),
        VariableCase(name: "VARS no substitution without a Version", principal: userBob,
                     statement: stmt(condition: #"{"StringEquals": {"k": "${aws:username}"}}"#), version: nil,
                     context: ["k": ["bob"]], allowed: false),
        VariableCase(name: "VARS no substitution in Resource under Version 2008-10-17", principal: userBob,
                     statement: stmt(action: "iam:*", resource: userResource), version: "2008-10-17", resource: userBob, allowed: false),
        VariableCase(name: "VARS variables are not substituted in Numeric conditions", principal: sessionA,
                     statement: stmt(condition: #"{"NumericEquals": {"n": "${aws:PrincipalTag/n}"}}"#),
                     context: ["aws:PrincipalTag/n": ["5"], "n": ["5"]], allowed: false),
    ]

    @Test(arguments: variableCases)
    func policyVariables(_ c: VariableCase) throws {
        let policies = PolicySet(identity: [try Self.doc(Self.policy(c.statement, version: c.version))])
        let request = AccessRequest(principal: c.principal, action: c.action, resource: c.resource,
                                    resourceAccount: Self.acctA, context: Self.context(c.context))
        let result = Evaluator.evaluate(request, policies)
        #expect(result.decision == (c.allowed ? .allow : .implicitDeny), "\(c.name): \(result.reasons.map(\.message))")
    }

    // MARK: 6. Reasons

    /// Line and column (1-based, in characters; the texts here are ASCII) of the `occurrence`-th
    /// appearance of `needle`.
    static func locate(_ needle: String, in text: String, occurrence: Int = 1) -> (line: Int, column: Int)? {
        var seen = 0
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var search = line[...]
            while let r = search.range(of: needle) {
                seen += 1
                if seen == occurrence { return (i + 1, line.distance(from: line.startIndex, to: r.lowerBound) + 1) }
                search = line[r.upperBound...]
            }
        }
        return nil
    }

    static let reasonPolicy = """
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "AllowQueues",
          "Effect": "Allow",
          "Action": "sqs:*",
          "Resource": "*"
        },
        {
          "Sid": "DenyFromOutside",
          "Effect": "Deny",
          "Action": "sqs:SendMessage",
          "Resource": "*",
          "Condition": {
            "NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}
          }
        }
      ]
    }
    """

    @Test func explicitDenyReasonPointsAtTheDenyStatement() throws {
        let p = try Self.doc(Self.reasonPolicy, label: "team-policy")
        let request = AccessRequest(principal: Self.sessionA, action: "sqs:SendMessage", resource: Self.queueA,
                                    context: Self.context(["aws:SourceIp": ["192.0.2.10"]]))
        let result = Evaluator.evaluate(request, PolicySet(identity: [p]))
        #expect(result.decision == .explicitDeny)
        let denies = result.reasons.filter { $0.role == .denies }
        #expect(denies.count == 1)
        let deny = try #require(denies.first)
        #expect(deny.message.contains("DenyFromOutside"))
        #expect(deny.policyLabel == "team-policy")
        #expect(result.summary == deny.message)
        let node = try #require(deny.node)
        let statement = p.statements[1]
        #expect(statement.node.range.start <= node.range.start && node.range.end <= statement.node.range.end,
                "the reason's node lies inside the deny statement")
        let effectLine = try #require(Self.locate("\"Effect\": \"Deny\"", in: Self.reasonPolicy))
        #expect(node.range.start.line == effectLine.line)
        #expect(node.document.file.path == "team-policy.json")
        // The Allow statement applied too, and is reported as such.
        #expect(result.reasons.contains { $0.role == .allows && $0.message.contains("AllowQueues") })
    }

    @Test func implicitDenyReasonNamesTheFailedConditionKeyAndItsPosition() throws {
        let text = """
        {
          "Version": "2012-10-17",
          "Statement": [{
            "Sid": "AllowFromOffice",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {
              "StringEquals": {"aws:PrincipalTag/team": "data"},
              "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}
            }
          }]
        }
        """
        let p = try Self.doc(text, label: "office")
        let request = AccessRequest(principal: Self.sessionA, action: "s3:GetObject", resource: "arn:aws:s3:::b/k",
                                    context: Self.context(["aws:SourceIp": ["198.51.100.1"], "aws:PrincipalTag/team": ["data"]]))
        let result = Evaluator.evaluate(request, PolicySet(identity: [p]))
        #expect(result.decision == .implicitDeny)
        let notApplying = result.reasons.filter { $0.role == .doesNotApply }
        #expect(notApplying.count == 1)
        let reason = try #require(notApplying.first)
        #expect(reason.message.contains("aws:SourceIp"))
        #expect(reason.message.contains("AllowFromOffice"))
        #expect(!reason.message.contains("aws:PrincipalTag/team"), "the condition that held is not blamed")
        let node = try #require(reason.node)
        let where_ = try #require(Self.locate("\"aws:SourceIp\"", in: text))
        #expect(node.range.start.line == where_.line)
        #expect(node.range.start.column == where_.column)
        #expect(!result.reasons.contains { $0.role == .denies || $0.role == .allows })
    }

    @Test func implicitDenyReasonForAnAbsentConditionKey() throws {
        let p = try Self.doc(Self.policy(Self.stmt(condition: #"{"Bool": {"aws:MultiFactorAuthPresent": "true"}}"#)))
        let result = Evaluator.evaluate(AccessRequest(principal: Self.userBob, action: "iam:ListUsers"), PolicySet(identity: [p]))
        #expect(result.decision == .implicitDeny)
        #expect(result.reasons.contains { $0.role == .doesNotApply && $0.message.contains("aws:MultiFactorAuthPresent") })
    }

    @Test func implicitDenyReasonNamesTheUnlistedActionAtTheActionElement() throws {
        let text = """
        {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}]}
        """
        let p = try Self.doc(text)
        let result = Evaluator.evaluate(AccessRequest(principal: Self.sessionA, action: "s3:PutObject"), PolicySet(identity: [p]))
        #expect(result.decision == .implicitDeny)
        let reason = try #require(result.reasons.first { $0.role == .doesNotApply })
        #expect(reason.message.contains("s3:PutObject"))
        let node = try #require(reason.node)
        let at = try #require(Self.locate("[\"s3:GetObject\"", in: text))
        #expect(node.range.start.line == at.line && node.range.start.column == at.column)
    }

    @Test func boundaryThatDoesNotAllowIsReported() throws {
        let result = try Self.run(DecisionCase(name: "", principal: Self.sessionA, identity: [Self.allowAll],
                                               boundary: Self.boundaryS3, expected: .implicitDeny))
        #expect(result.decision == .implicitDeny)
        #expect(!result.identityAllows)
        #expect(result.reasons.contains { $0.role == .missing && $0.message.contains("boundary") && $0.policyLabel == "boundary" })
    }

    @Test func accountWideTrustReasonSaysTheIdentitySideIsNeeded() throws {
        let result = try Self.run(DecisionCase(name: "", principal: Self.sessionA, resourcePolicy: Self.grant(Self.aws(Self.acctA)),
                                               expected: .implicitDeny))
        #expect(result.decision == .implicitDeny)
        #expect(result.resourceAllows == true)
        #expect(result.reasons.contains { $0.role == .allows && $0.policyLabel == "resource" })
        #expect(result.reasons.contains { $0.role == .missing && $0.message.contains(Self.acctA) })
    }

    @Test func principalMismatchReasonPointsAtThePrincipal() throws {
        let text = """
        {"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/bob"}, "Action": "sqs:*", "Resource": "*"}
        ]}
        """
        let p = try Self.doc(text, .resource)
        let result = Evaluator.evaluate(AccessRequest(principal: Self.userCarol, action: "sqs:SendMessage", resource: Self.queueA),
                                        PolicySet(resource: p))
        #expect(result.decision == .implicitDeny)
        let reason = try #require(result.reasons.first { $0.role == .doesNotApply })
        #expect(reason.message.contains(Self.userCarol))
        let node = try #require(reason.node)
        let at = try #require(Self.locate("{\"AWS\"", in: text))
        #expect(node.range.start.line == at.line && node.range.start.column == at.column)
    }
}
