import RoleCheckCore
import RoleCheckDocuments

/// What a policy is attached to, which decides its grammar (`Principal` required or forbidden)
/// and its part in an evaluation.
public enum PolicyKind: String, Sendable, Hashable {
    /// Attached to a user, group or role (inline or managed); also permissions boundaries.
    case identity
    /// A role's trust policy (`AssumeRolePolicyDocument`).
    case trust
    /// A resource-based policy, such as an S3 bucket policy.
    case resource

    /// Guesses the kind of a standalone policy from its shape: statements with a principal are
    /// trust policies when every action is an `sts:` role-session action and no statement names a
    /// resource, resource policies otherwise; without principals it is an identity policy.
    public static func infer(_ root: Node) -> PolicyKind {
        let statements: [Node]
        switch root["Statement"]?.kind {
        case .object?: statements = [root["Statement"]!]
        case .array?: statements = root["Statement"]!.elements
        default: return .identity
        }
        let withPrincipal = statements.filter { $0["Principal"] != nil || $0["NotPrincipal"] != nil }
        guard !withPrincipal.isEmpty else { return .identity }
        if statements.contains(where: { $0["Resource"] != nil || $0["NotResource"] != nil }) { return .resource }
        let stsActions: Set<String> = ["sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity",
                                       "sts:tagsession", "sts:setsourceidentity", "sts:setcontext", "sts:*"]
        let actions = statements.flatMap { s -> [String] in
            guard let a = s["Action"] else { return [] }
            return a.kind == .array ? a.elements.compactMap(\.string) : [a.string].compactMap { $0 }
        }
        if !actions.isEmpty && actions.allSatisfy({ stsActions.contains(Wildcard.asciiLowered($0)) }) { return .trust }
        return .resource
    }
}

public enum Effect: String, Sendable {
    case allow = "Allow"
    case deny = "Deny"
}

/// A string of a policy, as the node it came from. The model keeps no copy of the text: it is
/// read from the document's bytes when asked for (an organisation's policies hold millions of
/// values, most of which no rule ever reads as a string).
public struct PolicyValue: Sendable {
    public let node: Node

    init(node: Node) {
        self.node = node
    }

    /// The value's text: a string's value; in YAML also an unquoted number or boolean; in a
    /// condition any scalar.
    public var text: String { node.scalarText ?? "" }

    /// Whether a node is a value's text: a string; in YAML also an unquoted number or boolean,
    /// which YAML tools such as CloudFormation turn into strings (`AWS: 111122223333`).
    static func isText(_ n: Node) -> Bool {
        n.kind == .string || (n.document.format == .yaml && (n.kind == .number || n.kind == .bool))
    }

    /// The values a node holds: itself when it is text, its text elements when it is a list.
    static func values(of node: Node) -> [PolicyValue] {
        if node.kind == .array { return node.elements.filter(isText).map(PolicyValue.init(node:)) }
        return isText(node) ? [PolicyValue(node: node)] : []
    }

    /// Whether the value holds `${`, the start of a policy variable (read from the bytes).
    var hasVariable: Bool {
        node.withValueBytes { bytes in
            var previous: UInt8 = 0
            for b in bytes {
                if previous == UInt8(ascii: "$") && b == UInt8(ascii: "{") { return true }
                previous = b
            }
            return false
        }
    }
}

/// `Action`/`NotAction` or `Resource`/`NotResource`.
public final class ValueBlock: Sendable {
    public let negated: Bool
    public let node: Node
    /// The member's key (`Action`, `NotResource` …): the record just before its value.
    public var keyNode: Node { node.memberKey }
    /// Whether the evaluator matches the values ASCII-lowered (actions).
    let lowered: Bool
    /// Whether any value holds a policy variable (`${…}`).
    let hasVariables: Bool

    init(negated: Bool, node: Node, lowered: Bool) {
        self.negated = negated
        self.node = node
        self.lowered = lowered
        self.hasVariables = PolicyValue.values(of: node).contains { $0.hasVariable }
    }

    /// The values: the string, or the strings of the list (elements that are not strings are
    /// grammar problems and are left out). Read from the node when asked for, not kept.
    public var values: [PolicyValue] { PolicyValue.values(of: node) }

    /// The values as the evaluator matches them (ASCII-lowered for actions). Worked out when a
    /// statement is evaluated, not kept: only the policies of a setup's chains are evaluated.
    var patterns: [String] { values.map { lowered ? Wildcard.asciiLowered($0.text) : $0.text } }
}

/// `Principal`/`NotPrincipal`.
public final class PrincipalBlock: Sendable {
    public let negated: Bool
    public let node: Node
    /// The member's key (`Principal` or `NotPrincipal`): the record just before its value.
    public var keyNode: Node { node.memberKey }
    /// `"Principal": "*"`.
    public let isWildcardString: Bool
    /// `AWS`, `Service`, `Federated`, `CanonicalUser` → values, in document order (other types
    /// are grammar problems and are left out). Read from the node when asked for, not kept.
    public var entries: [(type: String, values: [PolicyValue])] {
        guard !isWildcardString, node.kind == .object else { return [] }
        var out: [(type: String, values: [PolicyValue])] = []
        for (typeKey, list) in node.members {
            guard let type = typeKey.string, PolicyParser.principalTypes.contains(type) else { continue }
            out.append((type, PolicyValue.values(of: list)))
        }
        return out
    }
    enum EntryType { case aws, service, other }

    /// Every value with what it denotes, for the evaluator (parsed when a trust is evaluated, not
    /// kept: most of an organisation's trust policies never are).
    var parsed: [(type: EntryType, identity: PrincipalIdentity, text: String)] {
        entries.flatMap { e in
            let type: EntryType = e.type == "AWS" ? .aws : e.type == "Service" ? .service : .other
            return e.values.map { v in
                let text = v.text
                return (type, PrincipalIdentity.parse(text), text)
            }
        }
    }

    init(negated: Bool, node: Node, isWildcardString: Bool) {
        self.negated = negated
        self.node = node
        self.isWildcardString = isWildcardString
    }

    /// Whether it names everyone: `"*"` or `{"AWS": "*"}` (or `"*"` in a list).
    public var allowsAnyone: Bool {
        isWildcardString || entries.contains { $0.type == "AWS" && $0.values.contains { $0.text == "*" } }
    }
}

/// One `operator: {key: values}` entry of a `Condition`.
public final class ConditionEntry: Sendable {
    public let operatorText: String
    public let operatorNode: Node
    /// Nil when the operator is unknown (RC105).
    public let op: ConditionOperator?
    public let key: String
    public let keyNode: Node
    public let values: [PolicyValue]
    /// The key ASCII-lowered, computed once for the evaluator.
    let loweredKey: String
    /// The values' texts (read from the document when evaluated).
    var texts: [String] { values.map(\.text) }
    /// Whether a value holds a policy variable.
    let hasVariables: Bool
    /// The values read once for the operator's family: CIDR blocks, numbers, dates (nil where a
    /// value does not read; RC105 reports it).
    let ipBlocks: [IPBlock?]
    let numbers: [Double?]

    init(operatorText: String, operatorNode: Node, op: ConditionOperator?, key: String, keyNode: Node, values: [PolicyValue]) {
        self.operatorText = operatorText
        self.operatorNode = operatorNode
        self.op = op
        self.key = key
        self.keyNode = keyNode
        self.values = values
        self.loweredKey = Wildcard.asciiLowered(key)
        self.hasVariables = values.contains { $0.hasVariable }
        switch op?.family {
        case .ipAddress?:
            ipBlocks = values.map { IPBlock.parse($0.text) }
            numbers = []
        case .numeric?:
            ipBlocks = []
            numbers = values.map { Double($0.text) }
        case .date?:
            ipBlocks = []
            numbers = values.map { DateValue.parse($0.text) }
        default:
            ipBlocks = []
            numbers = []
        }
    }
}

public final class PolicyStatement: Sendable {
    public let node: Node
    /// Position in the `Statement` list (0-based).
    public let index: Int
    public let effect: Effect?
    public let principal: PrincipalBlock?
    public let action: ValueBlock?
    public let resource: ValueBlock?
    public let conditions: [ConditionEntry]

    init(node: Node, index: Int, effect: Effect?, principal: PrincipalBlock?,
         action: ValueBlock?, resource: ValueBlock?, conditions: [ConditionEntry]) {
        self.node = node
        self.index = index
        self.effect = effect
        self.principal = principal
        self.action = action
        self.resource = resource
        self.conditions = conditions
    }

    // Nodes looked up in the statement when asked for (a statement has a handful of members),
    // not kept: the model of an organisation holds hundreds of thousands of statements.

    /// `Sid`, when it is a string.
    public var sid: PolicyValue? { node["Sid"].flatMap { $0.kind == .string ? PolicyValue(node: $0) : nil } }
    /// The `Effect` value, whatever it holds.
    public var effectNode: Node? { node["Effect"] }
    /// The `Condition` value, whatever it holds.
    public var conditionNode: Node? { node["Condition"] }

    /// "statement 2" or "statement \"AllowAssumeRole\"" for messages.
    public var label: String { sid.map { "statement \"\($0.text)\"" } ?? "statement \(index + 1)" }

    /// Whether a condition entry names a key (case-insensitively).
    public func conditions(on key: String) -> [ConditionEntry] {
        let k = Wildcard.asciiLowered(key)
        return conditions.filter { Wildcard.asciiLowered($0.key) == k }
    }
}

/// A problem with a policy's grammar, found while reading it. Its kind says what is wrong; the
/// rules layer decides which rule reports each kind.
public struct PolicyProblem: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// The policy language's grammar: elements, types, combinations IAM rejects.
        case grammar
        /// A missing or outdated `Version`.
        case version
        /// A value that should be an ARN or a principal and is not one.
        case malformedARN
        /// A condition operator IAM does not know.
        case conditionOperator
        /// A placeholder where an account ID belongs (`<aws_account_id>`, `${AccountId}`,
        /// `ACCOUNT_ID`): a template to fill in, not a mistake.
        case placeholder
        /// A principal shown as a role's unique ID (`AROA…`): the role it named was deleted.
        case deletedPrincipal
    }

    public let kind: Kind
    public let message: String
    public let node: Node
}

/// Where a policy is attached, which decides its size quota.
public enum PolicyOrigin: Sendable, Hashable {
    /// A policy file on its own: inline or managed is not known.
    case standalone
    case trust(role: String)
    case inlineRole(role: String)
    case inlineUser(user: String)
    case inlineGroup(group: String)
    /// A customer managed policy.
    case managed
    /// A policy AWS manages (`arn:aws:iam::aws:policy/…`): no customer quota applies.
    case awsManaged
    case bucket
    /// A service or resource control policy of AWS Organizations: it sets a ceiling and grants
    /// nothing.
    case organization
}

/// What a policy's label is made of.
package enum PolicyLabel: Sendable {
    case text(String)
    /// "trust policy of role NAME", NAME from the origin (`.trust(role:)`).
    case roleTrust
    /// "inline policy NAME of role ROLE": NAME is the string `PolicyName` names (`?` when it is
    /// not a string), ROLE from the origin (`.inlineRole(role:)`).
    case roleInline(policyName: Node?)

    /// Whether two labels are made of the same parts (without writing their texts).
    package func same(as other: PolicyLabel) -> Bool {
        switch (self, other) {
        case (.text(let a), .text(let b)): return a == b
        case (.roleTrust, .roleTrust): return true
        case (.roleInline(let a), .roleInline(let b)):
            guard let a, let b else { return a == nil && b == nil }
            return a.isSame(b)
        default: return false
        }
    }

    package func text(origin: PolicyOrigin) -> String {
        switch (self, origin) {
        case (.text(let s), _): return s
        case (.roleTrust, .trust(let role)): return "trust policy of role \(role)"
        case (.roleInline(let name), .inlineRole(let role)): return "inline policy \(name?.string ?? "?") of role \(role)"
        case (.roleTrust, _): return "trust policy"
        case (.roleInline(let name), _): return "inline policy \(name?.string ?? "?")"
        }
    }
}

/// A policy document read from the positioned tree.
public final class PolicyDocument: Sendable {
    public let root: Node
    public let kind: PolicyKind
    public let origin: PolicyOrigin
    /// What the policy is, for messages: "trust policy of role EMR_EC2_DefaultRole".
    /// What the policy is, for messages: "trust policy of role EMR_EC2_DefaultRole". A role's
    /// policy keeps only what its label is made of (the role's name is in `origin`), and the text
    /// is written when asked for: an organisation has hundreds of thousands of them.
    public var label: String { labelSource.text(origin: origin) }
    package let labelSource: PolicyLabel
    public let version: PolicyValue?
    public let statements: [PolicyStatement]
    public let problems: [PolicyProblem]

    init(root: Node, kind: PolicyKind, origin: PolicyOrigin, label: PolicyLabel, version: PolicyValue?,
         statements: [PolicyStatement], problems: [PolicyProblem]) {
        self.root = root
        self.kind = kind
        self.origin = origin
        self.labelSource = label
        self.version = version
        self.statements = statements
        self.problems = problems
        self.variablesEnabled = version?.text == "2012-10-17"
    }

    /// Policy variables (`${aws:username}`) are substituted only under version 2012-10-17.
    public let variablesEnabled: Bool

    public static func parse(_ root: Node, kind: PolicyKind, label: String, origin: PolicyOrigin = .standalone) -> PolicyDocument {
        parse(root, kind: kind, label: .text(label), origin: origin)
    }

    package static func parse(_ root: Node, kind: PolicyKind, label: PolicyLabel, origin: PolicyOrigin) -> PolicyDocument {
        var parser = PolicyParser(kind: kind, origin: origin)
        return parser.parse(root, label: label)
    }
}

/// Reads a policy and records every grammar problem with its node.
struct PolicyParser {
    let kind: PolicyKind
    let origin: PolicyOrigin
    var problems: [PolicyProblem] = []

    init(kind: PolicyKind, origin: PolicyOrigin) {
        self.kind = kind
        self.origin = origin
    }

    static let topLevelKeys: Set<String> = ["Version", "Id", "Statement"]
    static let statementKeys: Set<String> = [
        "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition",
    ]
    static let principalTypes: Set<String> = ["AWS", "Service", "Federated", "CanonicalUser"]

    /// Whether an unknown element name is a likely misspelling of a known one.
    static func isNear(_ name: String, _ known: String) -> Bool {
        Wildcard.asciiLowered(name) == Wildcard.asciiLowered(known)
            || editDistance(Wildcard.asciiLowered(name), Wildcard.asciiLowered(known)) <= 2
    }

    static func suggestion(_ name: String, among known: Set<String>) -> String {
        guard let hint = known.sorted().first(where: { isNear(name, $0) }) else { return "" }
        let caseOnly = Wildcard.asciiLowered(hint) == Wildcard.asciiLowered(name)
        return "; did you mean \"\(hint)\"?" + (caseOnly ? " (element names are case-sensitive)" : "")
    }

    mutating func problem(_ kind: PolicyProblem.Kind, _ message: String, _ node: Node) {
        problems.append(PolicyProblem(kind: kind, message: message, node: node))
    }

    mutating func parse(_ root: Node, label: PolicyLabel) -> PolicyDocument {
        guard root.kind == .object else {
            problem(.grammar, "a policy must be a JSON object, not \(root.kind.withArticle)", root)
            return PolicyDocument(root: root, kind: kind, origin: origin, label: label, version: nil, statements: [], problems: problems)
        }
        var version: PolicyValue?
        for (key, value) in root.members {
            let name = key.string ?? ""
            if !Self.topLevelKeys.contains(name) {
                problem(.grammar, "unknown policy element \"\(name)\"" + Self.suggestion(name, among: Self.topLevelKeys), key)
                continue
            }
            if name == "Version" {
                if let text = text(value) {
                    version = PolicyValue(node: value)
                    if text == "2008-10-17" {
                        problem(.version, "Version is 2008-10-17: policy variables such as ${aws:username} are read as literal text; use \"2012-10-17\"", value)
                    } else if text != "2012-10-17" {
                        problem(.grammar, "Version must be \"2012-10-17\" (or the older \"2008-10-17\"), not \"\(text)\"", value)
                    }
                } else {
                    problem(.grammar, "Version must be the string \"2012-10-17\", not \(value.kind.withArticle)", value)
                }
            }
            if name == "Id", value.kind != .string {
                problem(.grammar, "Id must be a string, not \(value.kind.withArticle)", value)
            }
        }
        if root["Version"] == nil {
            problem(.version, "the policy has no Version: AWS then applies 2008-10-17, where policy variables are literal text; add \"Version\": \"2012-10-17\"", root)
        }
        var statements: [PolicyStatement] = []
        if let list = root["Statement"] {
            switch list.kind {
            case .object:
                if let s = parseStatement(list, index: 0) { statements.append(s) }
            case .array:
                if list.count == 0 { problem(.grammar, "Statement is an empty array: the policy grants and denies nothing", list) }
                for (i, element) in list.elements.enumerated() {
                    if element.kind != .object {
                        problem(.grammar, "each statement must be an object, not \(element.kind.withArticle)", element)
                    } else if let s = parseStatement(element, index: i) {
                        statements.append(s)
                    }
                }
            default:
                problem(.grammar, "Statement must be an object or an array of objects, not \(list.kind.withArticle)", list)
            }
        } else {
            problem(.grammar, "the policy has no Statement", root)
        }
        return PolicyDocument(root: root, kind: kind, origin: origin, label: label, version: version, statements: statements, problems: problems)
    }

    mutating func parseStatement(_ node: Node, index: Int) -> PolicyStatement? {
        for (key, _) in node.members {
            let name = key.string ?? ""
            if !Self.statementKeys.contains(name) {
                problem(.grammar, "unknown statement element \"\(name)\"" + Self.suggestion(name, among: Self.statementKeys), key)
            }
        }
        if let s = node["Sid"] {
            if let text = s.string {
                if kind == .identity && !text.isEmpty && !text.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }) {
                    problem(.grammar, "Sid \"\(text)\" may hold only letters and digits (A-Z, a-z, 0-9) in an identity policy", s)
                }
            } else {
                problem(.grammar, "Sid must be a string, not \(s.kind.withArticle)", s)
            }
        }
        var effect: Effect?
        let effectNode = node["Effect"]
        if let e = effectNode {
            if let text = text(e), let parsed = Effect(rawValue: text) {
                effect = parsed
            } else if let text = e.string, let parsed = Effect(rawValue: text.prefix(1).uppercased() + text.dropFirst().lowercased()) {
                problem(.grammar, "Effect must be \"\(parsed.rawValue)\" exactly; \"\(text)\" is rejected by IAM (values are case-sensitive)", e)
            } else {
                problem(.grammar, "Effect must be \"Allow\" or \"Deny\", not \(describe(e))", e)
            }
        } else {
            problem(.grammar, "the statement has no Effect; add \"Effect\": \"Allow\" or \"Deny\"", node)
        }

        let action = parseValues(node, "Action", "NotAction", required: true)
        let resource = parseValues(node, "Resource", "NotResource", required: kind != .trust)
        if kind == .trust, let r = resource {
            problem(.grammar, "a trust policy may not have \(r.negated ? "NotResource" : "Resource"): the resource is the role itself", r.keyNode)
        }
        let principal = parsePrincipal(node)
        let conditions = parseConditions(node).0
        return PolicyStatement(node: node, index: index, effect: effect, principal: principal, action: action,
                               resource: resource, conditions: conditions)
    }

    /// A string value; in YAML also an unquoted number or boolean, which YAML tools such as
    /// CloudFormation turn into strings (`AWS: 111122223333`).
    func text(_ n: Node) -> String? {
        if let s = n.string { return s }
        if n.document.format == .yaml && (n.kind == .number || n.kind == .bool) { return n.scalarText }
        return nil
    }

    func describe(_ n: Node) -> String {
        n.kind == .string ? "\"\(n.string ?? "")\"" : n.kind.withArticle
    }

    /// Reads `Action`/`NotAction` (or `Resource`/`NotResource`): a string or a non-empty array of strings.
    mutating func parseValues(_ statement: Node, _ positive: String, _ negative: String, required: Bool) -> ValueBlock? {
        let members = statement.members
        let p = members.last { $0.key.valueEquals(positive) }
        let n = members.last { $0.key.valueEquals(negative) }
        if p != nil, let n {
            problem(.grammar, "a statement may have \(positive) or \(negative), not both", n.key)
        }
        guard let (_, value) = p ?? n else {
            // A misspelt element (already reported, with a suggestion) is the cause; say it once.
            let misspelt = statement.members.contains { m in
                guard let k = m.key.string, !Self.statementKeys.contains(k) else { return false }
                return [positive, negative].contains { Self.isNear(k, $0) }
            }
            if required && !misspelt {
                problem(.grammar, "the statement has neither \(positive) nor \(negative)", statement)
            }
            return nil
        }
        let negated = p == nil
        let name = negated ? negative : positive
        var values: [PolicyValue] = []
        switch value.kind {
        case _ where value.kind != .array && text(value) != nil:
            values.append(PolicyValue(node: value))
        case .array:
            if value.count == 0 { problem(.grammar, "\(name) is an empty array", value) }
            for e in value.elements {
                if text(e) != nil { values.append(PolicyValue(node: e)) } else {
                    problem(.grammar, "each \(name) value must be a string, not \(e.kind.withArticle)", e)
                }
            }
        default:
            problem(.grammar, "\(name) must be a string or an array of strings, not \(value.kind.withArticle)", value)
        }
        if positive == "Action" {
            for v in values { checkActionSyntax(v, name) }
        } else {
            for v in values { checkResourceSyntax(v, name) }
        }
        return ValueBlock(negated: negated, node: value, lowered: positive == "Action")
    }

    mutating func checkActionSyntax(_ v: PolicyValue, _ element: String) {
        if v.text == "*" { return }
        // service:Action, ASCII letters, digits, '-', '_' (action part only), '*', '?'.
        var colons = 0, serviceLength = 0, actionLength = 0, valid = true
        for b in v.text.utf8 {
            if b == UInt8(ascii: ":") { colons += 1; continue }
            let letterOrDigit = (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
            let common = letterOrDigit || b == UInt8(ascii: "-") || b == UInt8(ascii: "*") || b == UInt8(ascii: "?")
            if colons == 0 {
                serviceLength += 1
                if !common { valid = false }
            } else {
                actionLength += 1
                if !common && b != UInt8(ascii: "_") { valid = false }
            }
        }
        guard colons == 1, serviceLength > 0, actionLength > 0 else {
            problem(.grammar, "\"\(v.text)\" is not an action: \(element) values are service:ActionName (for example sts:AssumeRole) or \"*\"", v.node)
            return
        }
        if !valid {
            problem(.grammar, "\"\(v.text)\" is not an action: service prefixes and action names hold only letters, digits, '-', '*' and '?'", v.node)
        }
    }

    mutating func checkResourceSyntax(_ v: PolicyValue, _ element: String) {
        let t = v.text
        if t == "*" { return }
        guard t.hasPrefix("arn:") else {
            problem(.malformedARN, "\"\(t)\" is not an ARN: \(element) values are ARNs (arn:partition:service:region:account:resource) or \"*\"", v.node)
            return
        }
        guard let arn = ARN(t) else {
            problem(.malformedARN, "\"\(t)\" is not a complete ARN: it needs six colon-separated parts (arn:partition:service:region:account:resource)", v.node)
            return
        }
        if !Wildcard.hasWildcard(arn.partition) && !arn.partition.hasPrefix("${") && !ARN.partitions.contains(arn.partition) {
            problem(.malformedARN, "\"\(arn.partition)\" is not an AWS partition in \"\(t)\" (expected aws, aws-cn, aws-us-gov …)", v.node)
        }
        if !arn.account.isEmpty && !Wildcard.hasWildcard(arn.account) && !arn.account.hasPrefix("${")
            && !ARN.isAccountID(arn.account) && arn.account != "aws" {
            if Self.isPlaceholder(arn.account) {
                problem(.placeholder, "\"\(t)\" holds a placeholder, not an account", v.node)
                return
            }
            problem(.malformedARN, "\"\(arn.account)\" is not a 12-digit account ID in \"\(t)\"", v.node)
        }
    }

    /// `AROA` followed by 17 upper-case letters or digits: a role's unique ID.
    static func isUniqueRoleID(_ t: String) -> Bool {
        t.count == 21 && t.hasPrefix("AROA") && t.utf8.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) }
    }

    /// Text written where an account ID belongs, to be filled in: `<aws_account_id>`,
    /// `${AccountId}`, `{{account}}`, `ACCOUNT_ID`, `XXXXXXXXXXXX`, `account-id`.
    static func isPlaceholder(_ t: String) -> Bool {
        if t.contains("<") && t.contains(">") { return true }
        if t.contains("${") || t.contains("{{") { return true }
        let letters = t.unicodeScalars.filter { $0.properties.isAlphabetic }
        guard !letters.isEmpty, t.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || "0123456789_-".unicodeScalars.contains($0) }) else { return false }
        if t.count == 12 && Set(t.lowercased()) == ["x"] { return true }
        if t == t.uppercased() && letters.count >= 3 { return true } // ACCOUNT_ID, YOUR_ACCOUNT
        return t.lowercased().contains("account")
    }

    mutating func parsePrincipal(_ statement: Node) -> PrincipalBlock? {
        let members = statement.members
        let p = members.last { $0.key.valueEquals("Principal") }
        let n = members.last { $0.key.valueEquals("NotPrincipal") }
        if p != nil, let n { problem(.grammar, "a statement may have Principal or NotPrincipal, not both", n.key) }
        guard let (key, value) = p ?? n else {
            if kind != .identity {
                problem(.grammar, "a \(kind == .trust ? "trust" : "resource-based") policy statement must name a Principal", statement)
            }
            return nil
        }
        let negated = p == nil
        let name = negated ? "NotPrincipal" : "Principal"
        if kind == .identity {
            problem(.grammar, "an identity-based policy may not have \(name): the principal is whoever the policy is attached to", key)
        }
        if value.kind == .string {
            if value.string != "*" {
                problem(.grammar, "\(name) must be \"*\" or an object such as {\"AWS\": \"arn:aws:iam::111122223333:role/name\"}, not \"\(value.string!)\"", value)
            }
            return PrincipalBlock(negated: negated, node: value, isWildcardString: value.string == "*")
        }
        guard value.kind == .object else {
            problem(.grammar, "\(name) must be \"*\" or an object, not \(value.kind.withArticle)", value)
            return PrincipalBlock(negated: negated, node: value, isWildcardString: false)
        }
        if value.count == 0 { problem(.grammar, "\(name) is an empty object", value) }
        for (typeKey, list) in value.members {
            let type = typeKey.string ?? ""
            if !Self.principalTypes.contains(type) {
                problem(.grammar, "unknown principal type \"\(type)\" (expected AWS, Service, Federated or CanonicalUser)", typeKey)
                continue
            }
            var values: [PolicyValue] = []
            if list.kind != .array, text(list) != nil {
                values.append(PolicyValue(node: list))
            } else if list.kind == .array {
                if list.count == 0 { problem(.grammar, "\(name).\(type) is an empty array", list) }
                for e in list.elements {
                    if text(e) != nil { values.append(PolicyValue(node: e)) } else {
                        problem(.grammar, "each \(name).\(type) value must be a string, not \(e.kind.withArticle)", e)
                    }
                }
            } else {
                problem(.grammar, "\(name).\(type) must be a string or an array of strings, not \(list.kind.withArticle)", list)
            }
            for v in values { checkPrincipalSyntax(v, type: type) }
        }
        return PrincipalBlock(negated: negated, node: value, isWildcardString: false)
    }

    mutating func checkPrincipalSyntax(_ v: PolicyValue, type: String) {
        let t = v.text
        switch type {
        case "AWS":
            if t == "*" || ARN.isAccountID(t) { return }
            if Self.isUniqueRoleID(t) {
                problem(.deletedPrincipal, "principal \"\(t)\" is a role's unique ID, which IAM shows in place of a principal whose role was deleted: the trust no longer admits anyone (a new role of the same name is a different principal); remove it, or name the role by its ARN again", v.node)
                return
            }
            if Self.isPlaceholder(t) || ARN(t).map({ Self.isPlaceholder($0.account) }) == true {
                problem(.placeholder, "\"\(t)\" holds a placeholder, not an account", v.node)
                return
            }
            guard let arn = ARN(t) else {
                let digits = t.filter(\.isNumber).count
                problem(.malformedARN, digits > 0 && !t.contains(":")
                        ? "\"\(t)\" is not an account ID: an account ID has exactly 12 digits"
                        : "\"\(t)\" is not a principal: AWS principals are 12-digit account IDs, IAM ARNs (…:root, …:role/NAME, …:user/NAME, …:assumed-role/NAME/SESSION) or \"*\"", v.node)
                return
            }
            if !ARN.isAccountID(arn.account) {
                problem(.malformedARN, "the account in principal \"\(t)\" must be 12 digits\(Wildcard.hasWildcard(arn.account) ? " (wildcards are not allowed in principals)" : "")", v.node)
                return
            }
            if Wildcard.hasWildcard(arn.resource) {
                problem(.malformedARN, "principal \"\(t)\" contains a wildcard: IAM accepts \"*\" alone but no wildcards inside principal ARNs (use a condition on aws:PrincipalArn with ArnLike instead)", v.node)
                return
            }
            switch PrincipalIdentity.parse(t) {
            case .account, .role, .assumedRole, .user, .federatedUser: return
            default:
                problem(.malformedARN, "\"\(t)\" is not an IAM principal ARN (expected …:root, …:role/NAME, …:user/NAME or sts …:assumed-role/NAME/SESSION)", v.node)
            }
        case "Service":
            if t == "*" {
                problem(.malformedARN, "Service principals must be named (for example ec2.amazonaws.com); \"*\" is not accepted", v.node)
            } else if !t.contains(".") || t.contains(":") || t.contains(" ") {
                problem(.malformedARN, "\"\(t)\" is not a service principal (expected a name such as elasticmapreduce.amazonaws.com)", v.node)
            }
        default:
            return
        }
    }

    mutating func parseConditions(_ statement: Node) -> ([ConditionEntry], Node?) {
        guard let block = statement["Condition"] else { return ([], nil) }
        guard block.kind == .object else {
            problem(.grammar, "Condition must be an object of operator → {key: value}, not \(block.kind.withArticle)", block)
            return ([], block)
        }
        var out: [ConditionEntry] = []
        for (opKey, keys) in block.members {
            let opText = opKey.string ?? ""
            let op = ConditionOperator.parse(opText)
            if op == nil {
                problem(.conditionOperator, ConditionOperator.unknownMessage(opText), opKey)
            }
            guard keys.kind == .object else {
                problem(.grammar, "condition operator \(opText) must hold an object of key → value, not \(keys.kind.withArticle)", keys)
                continue
            }
            if keys.count == 0 { problem(.grammar, "condition operator \(opText) has no condition key", keys) }
            for (keyNode, valueNode) in keys.members {
                var values: [PolicyValue] = []
                switch valueNode.kind {
                case .string, .number, .bool:
                    values.append(PolicyValue(node: valueNode))
                case .array:
                    if valueNode.count == 0 { problem(.grammar, "condition key \(keyNode.string ?? "") has an empty list of values", valueNode) }
                    for e in valueNode.elements {
                        if e.kind == .string || e.kind == .number || e.kind == .bool {
                            values.append(PolicyValue(node: e))
                        } else {
                            problem(.grammar, "condition values must be strings, numbers or booleans, not \(e.kind.withArticle)", e)
                        }
                    }
                default:
                    problem(.grammar, "condition key \(keyNode.string ?? "") must have a value or a list of values, not \(valueNode.kind.withArticle)", valueNode)
                }
                out.append(ConditionEntry(operatorText: opText, operatorNode: opKey, op: op, key: keyNode.string ?? "",
                                          keyNode: keyNode, values: values))
            }
        }
        return (out, block)
    }
}
