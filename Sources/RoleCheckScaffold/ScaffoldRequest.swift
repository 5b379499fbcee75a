/// What `rolecheck scaffold` is asked to write.

/// The documented arrangements of Studio, cluster, runtime roles and data.
public enum ScaffoldOption: String, Sendable, CaseIterable {
    case sameAccount = "same-account"
    case option1 = "1"
    case option2 = "2"
    case option3 = "3"

    /// The name RC400 gives the arrangement ("same account", "option 1" …).
    public var title: String {
        switch self {
        case .sameAccount: "same account"
        case .option1: "option 1"
        case .option2: "option 2"
        case .option3: "option 3"
        }
    }

    /// What lives where, in one sentence.
    public var summary: String {
        switch self {
        case .sameAccount: "Studio, the EMR cluster, the runtime roles and the data are in one account"
        case .option1: "the EMR cluster, the runtime roles and the data are in the data account; Studio reaches them through an EMR access role there"
        case .option2: "Studio, the EMR cluster and the runtime roles are in the Studio account; the data is in a bucket of the data account, shared by its bucket policy"
        case .option3: "Studio and the EMR cluster are in the Studio account; the runtime roles and the data are in the data account"
        }
    }

    /// The value `--option` takes for it.
    public var argument: String { rawValue }
}

/// The Studio app the users connect from.
public enum ScaffoldApp: String, Sendable, CaseIterable {
    /// Studio Classic: the JupyterServer app; runtime roles are preloaded by a lifecycle configuration.
    case classic
    /// The new Studio's JupyterLab app: runtime roles are listed in `EmrSettings`.
    case jupyterlab

    public var title: String { self == .classic ? "Studio Classic" : "Studio (JupyterLab)" }
}

/// How the setup is written.
public enum ScaffoldFormat: String, Sendable, CaseIterable {
    /// AWS documents (JSON) per account, with the AWS CLI commands that create them.
    case cli
    /// One CloudFormation template per account.
    case cloudformation
    /// One Terraform root module per account.
    case terraform
}

/// A request that cannot be satisfied; `message` says why and what to give instead.
public struct ScaffoldError: Error, Sendable, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Everything `rolecheck scaffold` takes. `validated()` checks it and fills in the defaults.
public struct ScaffoldRequest: Sendable {
    public var option: ScaffoldOption
    public var app: ScaffoldApp
    public var format: ScaffoldFormat
    public var studioAccount: String
    public var dataAccount: String?
    public var clusterAccount: String?
    public var clusterName: String?
    public var runtimeRoles: [String] = []
    public var region: String?
    public var domainId: String?
    public var userProfile: String?
    public var subnetId: String?
    public var dataBucket: String?
    public var certificates: String?
    public var releaseLabel: String?

    public static let defaultClusterName = "studio-runtime-roles"
    public static let defaultRuntimeRole = "emr-runtime-analyst"
    public static let defaultRegion = "us-east-1"
    public static let defaultUserProfile = "emr-analyst"
    public static let defaultReleaseLabel = "emr-7.5.0"
    /// `EmrSettings` lists hold at most five ARNs.
    public static let maxRuntimeRoles = 5

    public init(option: ScaffoldOption, app: ScaffoldApp, format: ScaffoldFormat, studioAccount: String) {
        self.option = option
        self.app = app
        self.format = format
        self.studioAccount = studioAccount
    }

    /// The request checked, with every default decided: accounts per option, names, Region.
    public func validated() throws(ScaffoldError) -> ResolvedRequest {
        try Self.checkAccount(studioAccount, flag: "--studio-account")
        if let dataAccount { try Self.checkAccount(dataAccount, flag: "--data-account") }
        if let clusterAccount { try Self.checkAccount(clusterAccount, flag: "--cluster-account") }

        // Which account holds what (aws-runtime-role-facts.md; the SageMaker page's three options).
        let other: String?
        switch option {
        case .sameAccount:
            for (flag, value) in [("--data-account", dataAccount), ("--cluster-account", clusterAccount)] {
                if let value, value != studioAccount {
                    throw ScaffoldError("--option same-account keeps everything in the Studio account \(studioAccount); \(flag) \(value) names another account (leave it out, or choose --option 1, 2 or 3)")
                }
            }
            other = nil
        case .option1:
            // The cluster, its runtime roles and the data share one account, reached through an
            // access role; --cluster-account and --data-account both name it.
            if let dataAccount, let clusterAccount, dataAccount != clusterAccount {
                throw ScaffoldError("--option 1 puts the cluster, the runtime roles and the data in one account, but --data-account \(dataAccount) and --cluster-account \(clusterAccount) differ; give one of them")
            }
            guard let account = dataAccount ?? clusterAccount else {
                throw ScaffoldError("--option 1 needs the account of the cluster, the runtime roles and the data: give --data-account ID (or --cluster-account ID)")
            }
            other = account
        case .option2, .option3:
            if let clusterAccount, clusterAccount != studioAccount {
                throw ScaffoldError("--option \(option.rawValue) runs the cluster in the Studio account \(studioAccount), but --cluster-account is \(clusterAccount); leave --cluster-account out, or choose --option 1 for a cluster in another account")
            }
            guard let dataAccount else {
                let what = option == .option2 ? "the data bucket" : "the runtime roles and the data"
                throw ScaffoldError("--option \(option.rawValue) needs the account of \(what): give --data-account ID")
            }
            other = dataAccount
        }
        if let other, other == studioAccount {
            throw ScaffoldError("--option \(option.rawValue) is a cross-account arrangement, but the other account is the Studio account \(studioAccount); give a different --data-account, or choose --option same-account")
        }

        let cluster = clusterName ?? Self.defaultClusterName
        try Self.checkClusterName(cluster)
        let roles = runtimeRoles.isEmpty ? [Self.defaultRuntimeRole] : runtimeRoles
        for r in roles { try Self.checkRoleName(r) }
        var seen: Set<String> = []
        for r in roles where !seen.insert(r.lowercased()).inserted {
            throw ScaffoldError("--runtime-role \(r) is given twice (IAM role names are case-insensitive)")
        }
        let derived = ["ec2-role", "service-role", "studio-role", "access-role"].map { "\(cluster)-\($0)" }
        for r in roles where derived.contains(where: { $0.lowercased() == r.lowercased() }) {
            throw ScaffoldError("--runtime-role \(r) is the name of one of the cluster's own roles (\(derived.joined(separator: ", "))); choose another name")
        }
        if roles.count > Self.maxRuntimeRoles {
            throw ScaffoldError("at most \(Self.maxRuntimeRoles) runtime roles: Studio lists at most five runtime role ARNs (\(roles.count) given)")
        }
        let region = self.region ?? Self.defaultRegion
        guard Self.isRegion(region) else {
            throw ScaffoldError("--region \(region) is not an AWS Region name (such as us-east-1 or eu-west-2)")
        }
        var classicImageAccount: String?
        if app == .classic {
            guard let account = Self.jupyterServer3ImageAccounts[region] else {
                let known = Self.jupyterServer3ImageAccounts.keys.sorted().joined(separator: ", ")
                throw ScaffoldError("--app classic needs the JupyterLab 3 image (jupyter-server-3) of the Region, and rolecheck knows its account only for \(known); choose one of them, or --app jupyterlab")
            }
            classicImageAccount = account
        }
        if let domainId, !Self.isDomainId(domainId) {
            throw ScaffoldError("--domain-id \(domainId) is not a SageMaker domain ID (d- followed by lowercase letters and digits, such as d-7xkqm2ab9frt)")
        }
        let profile = userProfile ?? Self.defaultUserProfile
        guard Self.isSageMakerName(profile, max: 63) else {
            throw ScaffoldError("--user-profile \(profile) is not a valid user profile name (letters, digits and single hyphens, starting and ending with a letter or digit, at most 63 characters)")
        }
        if let subnetId, !Self.isSubnetId(subnetId) {
            throw ScaffoldError("--subnet-id \(subnetId) is not a subnet ID (subnet- followed by 8 or 17 hexadecimal digits)")
        }
        let dataHome = other ?? studioAccount
        let bucket = dataBucket ?? "studio-emr-data-\(dataHome)"
        guard Self.isBucketName(bucket) else {
            throw ScaffoldError("--data-bucket \(bucket) is not a valid S3 bucket name (3–63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit)")
        }
        let clusterHome = option == .option1 ? other! : studioAccount
        let certificates = self.certificates ?? "s3://emr-certificates-\(clusterHome)-\(region)/\(cluster)/certs.zip"
        guard let certificateObject = Self.s3Object(certificates) else {
            throw ScaffoldError("--tls-certificates \(certificates) is not an S3 object URI (s3://bucket/key.zip, without wildcards, spaces or quotes)")
        }
        let release = releaseLabel ?? Self.defaultReleaseLabel
        guard let version = Self.releaseVersion(release) else {
            throw ScaffoldError("--release-label \(release) is not an EMR release label (such as emr-7.5.0)")
        }
        if version.lexicographicallyPrecedes([6, 10, 0]) {
            throw ScaffoldError("--release-label \(release) is too old: Studio connects with runtime roles from emr-6.9.0, and emr-6.9.0 needs a patch against intermittent failures; use emr-6.10.0 or later")
        }

        let runtimeRoleAccount = option == .option1 || option == .option3 ? other! : studioAccount
        return ResolvedRequest(
            option: option, app: app, format: format, region: region,
            studioAccount: studioAccount, dataAccount: other,
            clusterAccount: clusterHome, runtimeRoleAccount: runtimeRoleAccount, bucketAccount: dataHome,
            clusterName: cluster, runtimeRoles: roles, domainId: domainId, userProfile: profile,
            subnetId: subnetId, dataBucket: bucket, certificates: certificates, certificateObject: certificateObject,
            releaseLabel: release, classicImageAccount: classicImageAccount,
            givenDataAccount: dataAccount, givenClusterAccount: clusterAccount, givenClusterName: clusterName,
            givenRuntimeRoles: runtimeRoles, givenRegion: self.region, givenUserProfile: userProfile,
            givenDataBucket: dataBucket, givenCertificates: self.certificates, givenReleaseLabel: releaseLabel)
    }

    // MARK: Checks

    static func checkAccount(_ value: String, flag: String) throws(ScaffoldError) {
        guard value.utf8.count == 12, value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw ScaffoldError("\(flag) \(value.isEmpty ? "\"\"" : value) is not an AWS account ID: an account ID is exactly 12 digits, such as 111122223333")
        }
    }

    /// Cluster names become part of role, instance-profile, security-configuration and
    /// lifecycle-configuration names (with suffixes of up to 16 characters, such as
    /// `-security-config`), so they keep to what all of those accept.
    static func checkClusterName(_ name: String) throws(ScaffoldError) {
        guard isSageMakerName(name, max: 40) else {
            throw ScaffoldError("--cluster-name \(name.isEmpty ? "\"\"" : name) cannot be used: it names the cluster's roles and configurations too, so it must be 1–40 letters, digits and single hyphens, starting and ending with a letter or digit")
        }
    }

    static func checkRoleName(_ name: String) throws(ScaffoldError) {
        let allowed = name.utf8.allSatisfy { c in
            (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || "+=,.@_-".utf8.contains(c)
        }
        guard !name.isEmpty, name.utf8.count <= 64, allowed else {
            throw ScaffoldError("--runtime-role \(name.isEmpty ? "\"\"" : name) is not an IAM role name (1–64 letters, digits and + = , . @ _ -)")
        }
    }

    /// Letters, digits and hyphens, no leading, trailing or doubled hyphen.
    static func isSageMakerName(_ s: String, max: Int) -> Bool {
        let b = Array(s.utf8)
        guard !b.isEmpty, b.count <= max, b.first != 45, b.last != 45 else { return false }
        for (i, c) in b.enumerated() {
            let alnum = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57)
            if !alnum && !(c == 45 && b[i - 1] != 45) { return false }
        }
        return true
    }

    static func isRegion(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, let last = parts.last, last.count == 1, last.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
        return parts.dropLast().allSatisfy { p in !p.isEmpty && p.utf8.allSatisfy { $0 >= 97 && $0 <= 122 } } && parts[0].count == 2
    }

    static func isDomainId(_ s: String) -> Bool {
        guard s.hasPrefix("d-") else { return false }
        let rest = s.dropFirst(2).utf8
        return !rest.isEmpty && rest.count <= 61 && rest.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) }
    }

    static func isSubnetId(_ s: String) -> Bool {
        guard s.hasPrefix("subnet-") else { return false }
        let rest = s.dropFirst(7).utf8
        return (rest.count == 8 || rest.count == 17) && rest.allSatisfy { ($0 >= 97 && $0 <= 102) || ($0 >= 48 && $0 <= 57) }
    }

    static func isBucketName(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count >= 3, b.count <= 63 else { return false }
        func alnum(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 48 && c <= 57) }
        guard alnum(b.first!), alnum(b.last!) else { return false }
        return b.allSatisfy { alnum($0) || $0 == 45 || $0 == 46 } && !s.contains("..")
    }

    /// `s3://bucket/key` → (bucket, key).
    static func s3Object(_ uri: String) -> (bucket: String, key: String)? {
        guard uri.hasPrefix("s3://") else { return nil }
        let rest = uri.dropFirst(5)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let bucket = String(rest[..<slash]), key = String(rest[rest.index(after: slash)...])
        // No wildcards (in an IAM resource they would widen the grant) and nothing a shell or a
        // template would read.
        guard isBucketName(bucket), !key.isEmpty, !key.hasSuffix("/"),
              !key.contains(where: { " \"\\$`'*?{}".contains($0) || $0.isNewline }) else { return nil }
        return (bucket, key)
    }

    /// `emr-7.5.0` → [7, 5, 0].
    static func releaseVersion(_ label: String) -> [Int]? {
        guard label.hasPrefix("emr-") else { return nil }
        let parts = label.dropFirst(4).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        let numbers = parts.compactMap { p in p.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) && !p.isEmpty && p.count <= 4 ? Int(p) : nil }
        return numbers.count == 3 ? numbers : nil
    }

    /// The accounts that publish the JupyterLab 3 image (`image/jupyter-server-3`) of Studio
    /// Classic, by Region (SageMaker developer guide, studio-jl.md).
    public static let jupyterServer3ImageAccounts: [String: String] = [
        "us-east-1": "081325390199", "us-east-2": "429704687514", "us-west-1": "742091327244",
        "us-west-2": "236514542706", "af-south-1": "559312083959", "ap-east-1": "493642496378",
        "ap-south-1": "394103062818", "ap-northeast-2": "806072073708", "ap-southeast-1": "492261229750",
        "ap-southeast-2": "452832661640", "ap-northeast-1": "102112518831", "ca-central-1": "310906938811",
        "eu-central-1": "936697816551", "eu-west-1": "470317259841", "eu-west-2": "712779665605",
        "eu-west-3": "615547856133", "eu-north-1": "243637512696", "eu-south-1": "592751261982",
        "sa-east-1": "782484402741",
    ]
}

/// A checked request: every account and name decided.
public struct ResolvedRequest: Sendable {
    public let option: ScaffoldOption
    public let app: ScaffoldApp
    public let format: ScaffoldFormat
    public let region: String
    public let studioAccount: String
    /// The second account of a cross-account option (nil for same-account).
    public let dataAccount: String?
    public let clusterAccount: String
    public let runtimeRoleAccount: String
    /// The account of the data bucket.
    public let bucketAccount: String
    public let clusterName: String
    public let runtimeRoles: [String]
    public let domainId: String?
    public let userProfile: String
    public let subnetId: String?
    public let dataBucket: String
    public let certificates: String
    public let certificateObject: (bucket: String, key: String)
    public let releaseLabel: String
    public let classicImageAccount: String?
    // What was given, to write the command line back in the README.
    let givenDataAccount: String?
    let givenClusterAccount: String?
    let givenClusterName: String?
    let givenRuntimeRoles: [String]
    let givenRegion: String?
    let givenUserProfile: String?
    let givenDataBucket: String?
    let givenCertificates: String?
    let givenReleaseLabel: String?

    /// The accounts, Studio's first: the order the setup must be applied in.
    public var accounts: [String] { [studioAccount] + (dataAccount.map { [$0] } ?? []) }

    /// The command line that writes this scaffold (options in a fixed order, without --output).
    public var commandLine: String {
        var parts = ["rolecheck scaffold", "--option \(option.rawValue)", "--app \(app.rawValue)", "--studio-account \(studioAccount)"]
        if let givenDataAccount { parts.append("--data-account \(givenDataAccount)") }
        if let givenClusterAccount { parts.append("--cluster-account \(givenClusterAccount)") }
        if let givenClusterName { parts.append("--cluster-name \(givenClusterName)") }
        for r in givenRuntimeRoles { parts.append("--runtime-role \(r)") }
        if let givenRegion { parts.append("--region \(givenRegion)") }
        if let domainId { parts.append("--domain-id \(domainId)") }
        if let givenUserProfile { parts.append("--user-profile \(givenUserProfile)") }
        if let subnetId { parts.append("--subnet-id \(subnetId)") }
        if let givenDataBucket { parts.append("--data-bucket \(givenDataBucket)") }
        if let givenCertificates { parts.append("--tls-certificates \(givenCertificates)") }
        if let givenReleaseLabel { parts.append("--release-label \(givenReleaseLabel)") }
        parts.append("--format \(format.rawValue)")
        return parts.joined(separator: " ")
    }
}
