import RoleCheckCore
import RoleCheckDocuments

/// An Amazon Resource Name split into its six parts:
/// `arn:partition:service:region:account:resource`. The resource part keeps its own colons and
/// slashes.
public struct ARN: Hashable, Sendable, CustomStringConvertible {
    public var partition: String
    public var service: String
    public var region: String
    public var account: String
    public var resource: String

    public init(partition: String, service: String, region: String, account: String, resource: String) {
        self.partition = partition
        self.service = service
        self.region = region
        self.account = account
        self.resource = resource
    }

    /// Parses an ARN; nil when the text does not have the six parts.
    public init?(_ text: String) {
        // The five colons by `colons`, one scan of the bytes; then the parts as strings.
        var copy = text
        guard let c = copy.withUTF8({ Self.colons($0) }) else { return nil }
        let utf8 = text.utf8
        func part(_ from: Int, _ to: Int?) -> String {
            let start = utf8.index(utf8.startIndex, offsetBy: from + 1)
            return String(text[start..<(to.map { utf8.index(utf8.startIndex, offsetBy: $0) } ?? utf8.endIndex)])
        }
        partition = part(c.0, c.1)
        service = part(c.1, c.2)
        region = part(c.2, c.3)
        account = part(c.3, c.4)
        resource = part(c.4, nil)
    }

    /// The last non-empty "/"-separated part of a text (`role/path/name` → `name`; trailing
    /// slashes skipped), nil when every part is empty. What `split(separator: "/").last` gives,
    /// without building the array of parts (it runs for every hop of every chain).
    package static func lastPathComponent(_ text: String) -> Substring? {
        let utf8 = text.utf8
        let slash = UInt8(ascii: "/")
        var end = utf8.endIndex
        while end > utf8.startIndex, utf8[utf8.index(before: end)] == slash { end = utf8.index(before: end) }
        guard end > utf8.startIndex else { return nil }
        var start = end
        while start > utf8.startIndex, utf8[utf8.index(before: start)] != slash { start = utf8.index(before: start) }
        return text[start..<end]
    }

    public var description: String { "arn:\(partition):\(service):\(region):\(account):\(resource)" }

    /// The parts in order (partition … resource), for part-by-part matching.
    var parts: [String] { [partition, service, region, account, resource] }

    /// Known partitions.
    public static let partitions: Set<String> = ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"]

    /// The account of a CloudFormation template that no account folder or configured path
    /// names (what `AWS::AccountId` denotes there): symbolic, equal only to itself, and accepted
    /// wherever an account ID is checked.
    public static let symbolicAccount = "AWSAccountId"

    /// A 12-digit account ID (or the symbolic account of a CloudFormation template).
    public static func isAccountID(_ s: String) -> Bool {
        (s.utf8.count == 12 && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }) || s == symbolicAccount
    }

    /// Matches an ARN pattern (with `*` and `?`) against an ARN the way IAM does: each of the six
    /// colon-separated parts separately, so a wildcard in the account part never spans into the
    /// resource. A pattern that is not ARN-shaped is matched as a whole string.
    public static func matches(pattern: String, value: String) -> Bool {
        if pattern == "*" { return true }
        var p = pattern, v = value
        return p.withUTF8 { pb in v.withUTF8 { vb in matches(pb, vb) } }
    }

    /// Byte offsets of the five colons that split an ARN into six parts, or nil.
    @inline(__always)
    static func colons(_ b: UnsafeBufferPointer<UInt8>) -> (Int, Int, Int, Int, Int)? {
        guard b.count >= 4, b[0] == UInt8(ascii: "a"), b[1] == UInt8(ascii: "r"), b[2] == UInt8(ascii: "n"),
              b[3] == UInt8(ascii: ":") else { return nil }
        var found = (3, 0, 0, 0, 0)
        var n = 1
        var i = 4
        while i < b.count && n < 5 {
            if b[i] == UInt8(ascii: ":") {
                switch n {
                case 1: found.1 = i
                case 2: found.2 = i
                case 3: found.3 = i
                default: found.4 = i
                }
                n += 1
            }
            i += 1
        }
        return n == 5 ? found : nil
    }

    static func matches(_ p: UnsafeBufferPointer<UInt8>, _ v: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let pc = colons(p), let vc = colons(v) else { return Wildcard.matches(p, v, caseInsensitive: false) }
        @inline(__always) func part(_ a: Int, _ b: Int, _ c: Int, _ d: Int) -> Bool {
            // A value part that is exactly `*` is unknown (rolecheck writes it into ARNs it builds
            // when an export omits the Region): it matches whatever the pattern says there.
            if d - c == 2 && v[c + 1] == UInt8(ascii: "*") && c > 3 { return true }
            return Wildcard.matches(UnsafeBufferPointer(rebasing: p[(a + 1)..<b]), UnsafeBufferPointer(rebasing: v[(c + 1)..<d]),
                                    caseInsensitive: false)
        }
        // The resource part first: it differs most often.
        return part(pc.4, p.count, vc.4, v.count) && part(pc.3, pc.4, vc.3, vc.4) && part(pc.2, pc.3, vc.2, vc.3)
            && part(pc.1, pc.2, vc.1, vc.2) && part(pc.0, pc.1, vc.0, vc.1)
    }

    /// The account part of an ARN, without allocating the other parts; nil when not an ARN or empty.
    static func account(of text: String) -> String? {
        var t = text
        return t.withUTF8 { b -> String? in
            guard let c = colons(b), c.4 > c.3 + 1 else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: b[(c.3 + 1)..<c.4]), as: UTF8.self)
        }
    }
}

/// What an IAM principal string denotes.
public enum PrincipalIdentity: Hashable, Sendable {
    /// A whole account: a 12-digit id or `arn:aws:iam::ACCOUNT:root`.
    case account(String)
    /// An IAM role `arn:…:iam::ACCOUNT:role/PATH/NAME`.
    case role(account: String, name: String, arn: String)
    /// A role session `arn:…:sts::ACCOUNT:assumed-role/NAME/SESSION`.
    case assumedRole(account: String, roleName: String, session: String, arn: String)
    /// An IAM user.
    case user(account: String, name: String, arn: String)
    /// A federated user session `arn:…:sts::ACCOUNT:federated-user/NAME`.
    case federatedUser(account: String, arn: String)
    /// A service principal such as `ec2.amazonaws.com`.
    case service(String)
    /// Everyone.
    case anyone
    /// Something else (an identity provider, a canonical user, an unrecognised ARN).
    case other(String)

    /// Interprets a principal as it appears in a request or in a policy's `AWS` list.
    /// The last non-empty "/"-separated part of a resource (`role/path/name` → `name`), "" when none.
    static func lastPathPart(_ r: String) -> String {
        ARN.lastPathComponent(r).map(String.init) ?? ""
    }

    public static func parse(_ text: String) -> PrincipalIdentity {
        if text == "*" { return .anyone }
        if ARN.isAccountID(text) { return .account(text) }
        guard let arn = ARN(text) else {
            if text.hasSuffix(".amazonaws.com") || text.hasSuffix(".amazonaws.com.cn") { return .service(text) }
            return .other(text)
        }
        let r = arn.resource
        switch arn.service {
        case "iam":
            if r == "root" { return .account(arn.account) }
            if r.hasPrefix("role/") {
                return .role(account: arn.account, name: lastPathPart(r), arn: text)
            }
            if r.hasPrefix("user/") {
                return .user(account: arn.account, name: lastPathPart(r), arn: text)
            }
        case "sts":
            if r.hasPrefix("assumed-role/") {
                let parts = r.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
                if parts.count == 3 {
                    return .assumedRole(account: arn.account, roleName: String(parts[1]), session: String(parts[2]), arn: text)
                }
            }
            if r.hasPrefix("federated-user/") { return .federatedUser(account: arn.account, arn: text) }
        default:
            break
        }
        return .other(text)
    }

    /// The account the principal belongs to, when it has one.
    public var account: String? {
        switch self {
        case .account(let a), .role(let a, _, _), .assumedRole(let a, _, _, _), .user(let a, _, _), .federatedUser(let a, _):
            return a
        default:
            return nil
        }
    }

    /// The principal's ARN (the account root for an account).
    public var arn: String? {
        switch self {
        case .account(let a): return "arn:aws:iam::\(a):root"
        case .role(_, _, let arn), .assumedRole(_, _, _, let arn), .user(_, _, let arn), .federatedUser(_, let arn): return arn
        default: return nil
        }
    }
}
