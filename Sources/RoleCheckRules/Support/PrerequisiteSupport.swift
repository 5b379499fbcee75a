import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// Shared pieces of the RC2xx rules: version numbers, the cluster → security configuration join,
/// the Studio settings that take effect, and role-ARN checks.

/// A dotted version (`6.10.0`, `1.9`), compared numerically part by part, missing parts being 0:
/// `6.10 > 6.9`, `6.9 == 6.9.0`.
public struct DottedVersion: Comparable, Hashable, Sendable, CustomStringConvertible {
    public let parts: [Int]

    public init(_ parts: [Int]) { self.parts = parts }

    /// Reads `x`, `x.y` or `x.y.z` (digits only). With `allowSuffix`, a SemVer pre-release or
    /// build suffix (`1.9.0-cpu`, `2.0.0+build`) is ignored.
    public static func parse(_ text: some StringProtocol, allowSuffix: Bool = false) -> DottedVersion? {
        var core = Substring(text)
        if allowSuffix, let cut = core.firstIndex(where: { $0 == "-" || $0 == "+" }) { core = core[..<cut] }
        let pieces = core.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(pieces.count) else { return nil }
        var out: [Int] = []
        for p in pieces {
            guard !p.isEmpty, p.count <= 6, p.allSatisfy(\.isASCIIDigitCharacter), let v = Int(p) else { return nil }
            out.append(v)
        }
        return DottedVersion(out)
    }

    func part(_ i: Int) -> Int { i < parts.count ? parts[i] : 0 }

    public static func < (a: DottedVersion, b: DottedVersion) -> Bool {
        for i in 0..<max(a.parts.count, b.parts.count) where a.part(i) != b.part(i) { return a.part(i) < b.part(i) }
        return false
    }

    public static func == (a: DottedVersion, b: DottedVersion) -> Bool {
        (0..<max(a.parts.count, b.parts.count)).allSatisfy { a.part(($0)) == b.part($0) }
    }

    public func hash(into hasher: inout Hasher) {
        var p = parts
        while p.last == 0 { p.removeLast() }
        hasher.combine(p)
    }

    public var description: String { parts.map(String.init).joined(separator: ".") }
}

/// An EMR release label: `emr-6.10.0`.
public enum EMRReleaseLabel {
    /// The version of a label of the form `emr-x.y.z` (`emr-x.y` is read as `x.y.0`); nil for
    /// anything else.
    public static func version(_ label: String) -> DottedVersion? {
        guard label.count > 4, label.prefix(4).lowercased() == "emr-" else { return nil }
        return DottedVersion.parse(label.dropFirst(4))
    }

    /// The first release SageMaker Studio connects to with runtime roles.
    public static let studioMinimum = DottedVersion([6, 9, 0])
    /// Lake Formation table-level access control.
    public static let lakeFormationTables = DottedVersion([6, 13, 0])
    /// Lake Formation row-, column- and cell-level access control.
    public static let lakeFormationFineGrained = DottedVersion([6, 15, 0])
}

/// The SageMaker Distribution version a JupyterLab resource spec selects.
public enum SageMakerDistribution {
    public static let studioMinimum = DottedVersion([1, 10])

    /// Whether an image ARN names a SageMaker Distribution image (nil means: no image given, the
    /// default image, which is SageMaker Distribution).
    public static func isDistribution(imageArn: String?) -> Bool {
        guard let imageArn else { return true }
        return imageArn.contains("sagemaker-distribution")
    }

    /// The version from `SageMakerImageVersionAlias` (`1.9.0`, `1.9`, `2.0.0-cpu`), else from a
    /// version written into the image reference itself (`…/sagemaker-distribution-cpu:1.9.0`,
    /// `…/sagemaker-distribution-cpu/1.9.0`). An image-version ARN's trailing integer
    /// (`image-version/sagemaker-distribution-cpu/12`) is SageMaker's internal version number,
    /// not the distribution's, and is not read.
    public static func version(alias: String?, imageArn: String?) -> DottedVersion? {
        if let alias, let v = DottedVersion.parse(alias, allowSuffix: true) { return v }
        guard let imageArn, imageArn.contains("sagemaker-distribution") else { return nil }
        for separator: Character in [":", "/"] {
            if let last = imageArn.split(separator: separator).last, last.contains("."),
               let v = DottedVersion.parse(last, allowSuffix: true) {
                return v
            }
        }
        return nil
    }
}

extension SetupResources {
    /// The security configurations a cluster's `SecurityConfiguration` name selects: same name,
    /// in the cluster's account (or in a document whose account is unknown).
    /// Whether the setup shows EMR being used from Studio: a cluster, preloaded runtime or access
    /// roles (`EmrSettings`), or Studio Classic's configuration files.
    var usesEMR: Bool {
        !clusters.isEmpty || !classicRoleConfigs.isEmpty || !classicDiscoveryConfigs.isEmpty
            || domains.contains { $0.defaults.executionRoles != nil || $0.defaults.assumableRoles != nil }
            || userProfiles.contains { $0.settings.executionRoles != nil || $0.settings.assumableRoles != nil }
    }
}

extension ClusterResource {
    /// Whether the cluster comes from a template (CloudFormation or Terraform) rather than an
    /// export of a running cluster: a fix is then an edit of the template, whose deployment
    /// replaces the cluster.
    var isFromTemplate: Bool { source.kind == .cloudFormationTemplate || source.kind == .terraformJSON }

    /// How to change a setting fixed at launch, worded for the input: "set X in the template"
    /// or "launch a new cluster with X".
    func launchFix(template: String, export: String) -> String {
        isFromTemplate ? "\(template) in the template (deploying the change replaces the cluster)" : export
    }
}

extension SecurityConfiguration {
    /// A change to the configuration, worded for the input: a template is edited; a file is
    /// fixed before `create-security-configuration`; an existing configuration cannot be edited,
    /// so a new one is created. Clusters keep the configuration they were launched with.
    func fix(_ change: String) -> String {
        switch source.kind {
        case .describeSecurityConfiguration:
            "\(change) in a new security configuration (an existing one cannot be edited), and launch a new cluster with it"
        case .cloudFormationTemplate, .terraformJSON:
            "\(change) in the template (deploying the change replaces the security configuration and the clusters that use it)"
        default:
            "\(change) before creating the security configuration from this file (clusters keep the configuration they were launched with)"
        }
    }
}

/// One Studio user's settings as they take effect: the user profile's over the domain's defaults.
struct EffectiveStudioUser {
    let app: StudioApp
    /// "user profile alice of domain d-abc", "the default user settings of domain d-abc".
    let label: String
    /// The user profile, when this is one.
    let profile: StudioUserProfileResource?
    let domain: StudioDomainResource?
    /// The Studio context's entity (its execution role), as findings' subjects name it.
    let entity: EntityRef

    /// The node that describes this user (for related locations).
    var node: Node? { profile?.node ?? domain?.node }

    /// Every user profile among the inputs, and each domain none of them belongs to, with the app
    /// it reaches EMR from (as `ChainBuilder` decides it).
    static func all(_ r: SetupResources) -> [EffectiveStudioUser] {
        var out: [EffectiveStudioUser] = []
        let domainsById = Dictionary(r.domains.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var covered: Set<String> = []
        for profile in r.userProfiles {
            let domain = domainsById[profile.domainId]
            covered.insert(profile.domainId)
            let label = "user profile \(profile.name) of domain \(profile.domainId)"
            let c = ChainBuilder.context(settings: profile.settings, defaults: domain?.defaults, domain: domain, label: label,
                                         account: profile.account ?? domain?.account, node: profile.node, r)
            out.append(EffectiveStudioUser(app: c.app, label: label, profile: profile, domain: domain, entity: c.entity))
        }
        for domain in r.domains where !covered.contains(domain.id) {
            let label = "the default user settings of domain \(domain.id)"
            let c = ChainBuilder.context(settings: domain.defaults, defaults: nil, domain: domain, label: label,
                                         account: domain.account, node: domain.node, r)
            out.append(EffectiveStudioUser(app: c.app, label: label, profile: nil, domain: domain, entity: c.entity))
        }
        return out
    }
}

/// Checks that a text is an IAM role ARN as SageMaker's `RoleArn` type accepts it
/// (`arn:aws[a-z-]*:iam::\d{12}:role/<path and name>`).
enum RoleArnCheck {
    static let nameCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+=,.@_-/")

    /// What is wrong with the text as a role ARN, or nil when it is one.
    static func problem(_ text: String) -> String? {
        if text.isEmpty { return "is empty" }
        if ARN.isAccountID(text) { return "is an account ID, not a role ARN" }
        guard text.hasPrefix("arn:") else {
            return text.contains(":") || text.contains("/") ? "is not an ARN" : "is a bare name, not a role ARN (write arn:aws:iam::<account>:role/\(text))"
        }
        guard let arn = ARN(text) else { return "is not a well-formed ARN (an ARN has six parts separated by colons)" }
        guard arn.partition.hasPrefix("aws"), arn.partition.allSatisfy({ $0 == "-" || ($0.isASCII && $0.isLowercase) }) else {
            return "has partition \"\(arn.partition)\", which is not an AWS partition"
        }
        if arn.service == "sts" && arn.resource.hasPrefix("assumed-role/") {
            return "is an assumed-role session ARN; name the role itself (arn:\(arn.partition):iam::\(arn.account):role/\(arn.resource.split(separator: "/").dropFirst().first ?? ""))"
        }
        guard arn.service == "iam" else { return "is an ARN of service \(arn.service), not an IAM role" }
        guard arn.region.isEmpty else { return "has the Region \"\(arn.region)\"; IAM ARNs have none" }
        guard ARN.isAccountID(arn.account) else {
            return arn.account.isEmpty ? "has no account ID" : "has account \"\(arn.account)\", which is not 12 digits"
        }
        if arn.resource.hasPrefix("instance-profile/") { return "is an instance profile ARN, not a role ARN" }
        if arn.resource.hasPrefix("user/") { return "is an IAM user ARN, not a role ARN" }
        if arn.resource == "root" { return "is an account root ARN, not a role ARN" }
        guard arn.resource.hasPrefix("role/") else { return "is not a role ARN (its resource is \"\(arn.resource)\")" }
        let name = arn.resource.dropFirst(5)
        if name.contains("*") || name.contains("?") { return "contains a wildcard; Studio needs the exact role ARN" }
        guard !name.isEmpty, !name.hasSuffix("/"), name.allSatisfy({ nameCharacters.contains($0) }) else {
            return "has a role name with characters IAM does not allow"
        }
        return nil
    }
}

extension Node {
    /// "the string \"x\"", "the number 3", "null", "an object".
    var describedValue: String {
        switch kind {
        case .string: "the string \"\(string ?? "")\""
        case .number: "the number \(scalarText ?? "")"
        case .bool: "the boolean \(scalarText ?? "")"
        case .null: "null"
        default: kind.withArticle
        }
    }

    /// A canonical text of the value (object keys sorted, the last of duplicate keys kept),
    /// for comparing two definitions; keys in `ignoring` are left out at any depth.
    func canonical(ignoring: Set<String> = []) -> String {
        switch kind {
        case .object:
            var byKey: [String: Node] = [:]
            for (k, v) in members { if let key = k.scalarText, !ignoring.contains(key) { byKey[key] = v } }
            return "{" + byKey.keys.sorted().map { "\($0.debugDescription):\(byKey[$0]!.canonical(ignoring: ignoring))" }.joined(separator: ",") + "}"
        case .array:
            return "[" + elements.map { $0.canonical(ignoring: ignoring) }.joined(separator: ",") + "]"
        case .number:
            return number.map { "\($0)" } ?? (scalarText ?? "")
        case .string:
            return (string ?? "").debugDescription
        default:
            return scalarText ?? ""
        }
    }
}
