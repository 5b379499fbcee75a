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
        guard text.hasPrefix("arn:") else { return nil }
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6 else { return nil }
        partition = String(parts[1])
        service = String(parts[2])
        region = String(parts[3])
        account = String(parts[4])
        resource = String(parts[5])
    }

    public var description: String { "arn:\(partition):\(service):\(region):\(account):\(resource)" }

    /// The parts in order (partition … resource), for part-by-part matching.
    var parts: [String] { [partition, service, region, account, resource] }

    /// Known partitions.
    public static let partitions: Set<String> = ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"]

    public static func isAccountID(_ s: String) -> Bool {
        s.utf8.count == 12 && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// Matches an ARN pattern (with `*` and `?`) against an ARN the way IAM does: each of the six
    /// colon-separated parts separately, so a wildcard in the account part never spans into the
    /// resource. A pattern that is not ARN-shaped is matched as a whole string.
    public static func matches(pattern: String, value: String) -> Bool {
        if pattern == "*" { return true }
        guard let p = ARN(pattern), let v = ARN(value) else {
            return Wildcard.matches(pattern, value)
        }
        let pp = p.parts, vp = v.parts
        for i in 0..<5 where !Wildcard.matches(pp[i], vp[i]) { return false }
        return true
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
                let name = r.split(separator: "/").last.map(String.init) ?? ""
                return .role(account: arn.account, name: name, arn: text)
            }
            if r.hasPrefix("user/") {
                let name = r.split(separator: "/").last.map(String.init) ?? ""
                return .user(account: arn.account, name: name, arn: text)
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
