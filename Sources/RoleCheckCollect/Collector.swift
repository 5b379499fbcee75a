import Foundation
import Synchronization
import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// `rolecheck collect`: reads every account it is given through the AWS CLI and writes the
/// documents `lint` reads, one folder per account (`DIR/<account-id>-<alias or profile>/`), and a
/// manifest of every call (`DIR/manifest.json`): when, as whom, which calls, which failed and why.
/// A call that fails is recorded and the rest is collected; `lint` reports each gap.
public final class Collector: Sendable {
    public struct Options: Sendable {
        public var profiles: [String] = []
        public var roleArns: [String] = []
        public var regions: [String] = []
        public var output: String
        public var awsCLI: String = "aws"
        public var jobs: Int = 4
        /// Terminated clusters created within this many days are collected too.
        public var terminatedDays: Int = 14
        public var sessionName = "rolecheck-collect"
        public init(output: String) { self.output = output }
    }

    /// One call as the manifest records it.
    public struct Call: Sendable {
        public let account: String?
        public let region: String?
        public let command: String
        public let status: String
        public let message: String?
        public let file: String?
    }

    /// An account being collected.
    public struct Account: Sendable {
        public let id: String
        public let arn: String
        public let identity: AWSCLI.Identity
        public var alias: String?
        public var folder: String
    }

    public let options: Options
    let cli: AWSCLI
    let progress: Progress
    let calls = Mutex<[Call]>([])
    let now: Date

    public init(options: Options, progress: Progress, now: Date = Date()) {
        self.options = options
        self.cli = AWSCLI(executable: options.awsCLI)
        self.progress = progress
        self.now = now
    }

    public struct Result: Sendable {
        public let accounts: [Account]
        public let calls: [Call]
        public var failed: [Call] { calls.filter { $0.status != "ok" } }
    }

    public enum Failure: Error, CustomStringConvertible {
        case noIdentity(String)
        case output(String)
        public var description: String {
            switch self {
            case .noIdentity(let m), .output(let m): m
            }
        }
    }

    // MARK: The run

    public func run() throws -> Result {
        let started = now
        try FileManager.default.createDirectory(atPath: options.output, withIntermediateDirectories: true)
        // Identities: each profile (or the default chain), then each role assumed from the first.
        var identities: [(AWSCLI.Identity, String?)] = options.profiles.isEmpty
            ? [(.defaultChain, nil)] : options.profiles.map { (.profile($0), $0) }
        if !options.roleArns.isEmpty {
            let first = identities[0].0
            for arn in options.roleArns {
                guard let session = assume(arn, from: first) else { continue }
                identities.append((session, nil))
            }
        }
        var accounts: [Account] = []
        for (identity, profile) in identities {
            guard let who = callerIdentity(identity) else { continue }
            if accounts.contains(where: { $0.id == who.account }) { continue } // reached twice: collected once
            let alias = accountAlias(identity, account: who.account)
            let label = Self.folderSafe(alias ?? profile ?? "account")
            accounts.append(Account(id: who.account, arn: who.arn, identity: identity, alias: alias, folder: "\(who.account)-\(label)"))
        }
        guard !accounts.isEmpty else {
            let reasons = calls.withLock { $0 }.compactMap(\.message).joined(separator: "; ")
            throw Failure.noIdentity("no account could be reached: sts get-caller-identity failed for every identity (\(reasons))")
        }
        let regions = options.regions.isEmpty ? [defaultRegion(accounts[0].identity)] : options.regions
        for account in accounts {
            try FileManager.default.createDirectory(atPath: folder(account), withIntermediateDirectories: true)
            collectIAM(account)
            for region in regions { collectRegion(account, region) }
        }
        collectBucketPolicies(accounts, region: regions[0])
        collectOrganizationPolicies(accounts)
        let result = Result(accounts: accounts, calls: calls.withLock { $0 })
        try writeManifest(result, regions: regions, started: started)
        progress.finish(calls: result.calls.count, failed: result.failed.count)
        return result
    }

    func folder(_ a: Account) -> String { options.output + "/" + a.folder }

    /// Makes a call, records it, and writes its output to `file` (relative to the account's
    /// folder) when it succeeds. Returns the parsed output.
    @discardableResult
    func call(_ args: [String], region: String?, account: Account?, identity: AWSCLI.Identity, file: String? = nil,
              tolerate: [String] = []) -> Node? {
        let command = (["aws"] + args).joined(separator: " ")
        progress.started(command, account: account?.id, region: region)
        var outcome = cli.run(args, region: region, as: identity)
        // An expected absence (a bucket without a policy) is an answer, not a gap.
        if case .failed(let m) = outcome, tolerate.contains(where: { m.contains($0) }) { outcome = .ok([]) }
        var written: String?
        var node: Node?
        if case .ok(let bytes) = outcome, !bytes.isEmpty {
            if let file, let account {
                let path = folder(account) + "/" + file
                if FileManager.default.createFile(atPath: path, contents: Data(bytes)) { written = account.folder + "/" + file }
            }
            node = try? JSONParser.parse(file: SourceFile(path: file ?? "output.json", bytes: bytes)).get().root
        }
        calls.withLock { $0.append(Call(account: account?.id, region: region, command: command, status: outcome.status,
                                        message: outcome.message, file: written)) }
        progress.finished(command, status: outcome.status)
        return node
    }

    /// Runs `body` on each item, at most `options.jobs` at once.
    func parallel<T: Sendable>(_ items: [T], _ body: @escaping @Sendable (T) -> Void) {
        guard items.count > 1, options.jobs > 1 else { items.forEach(body); return }
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = options.jobs
        for item in items { queue.addOperation { body(item) } }
        queue.waitUntilAllOperationsAreFinished()
    }

    // MARK: Identities

    func assume(_ arn: String, from identity: AWSCLI.Identity) -> AWSCLI.Identity? {
        guard let out = call(["sts", "assume-role", "--role-arn", arn, "--role-session-name", options.sessionName],
                             region: nil, account: nil, identity: identity),
              let c = out["Credentials"], let id = c["AccessKeyId"]?.string, let secret = c["SecretAccessKey"]?.string,
              let token = c["SessionToken"]?.string else { return nil }
        return .session(accessKeyId: id, secretAccessKey: secret, sessionToken: token, label: "role \(arn)")
    }

    func callerIdentity(_ identity: AWSCLI.Identity) -> (account: String, arn: String)? {
        guard let out = call(["sts", "get-caller-identity"], region: nil, account: nil, identity: identity),
              let account = out["Account"]?.string, ARN.isAccountID(account) else { return nil }
        return (account, out["Arn"]?.string ?? "")
    }

    func accountAlias(_ identity: AWSCLI.Identity, account: String) -> String? {
        let out = call(["iam", "list-account-aliases"], region: nil, account: nil, identity: identity)
        return out?["AccountAliases"]?.elements.first?.string
    }

    /// The Region of the identity's configuration (`aws configure get region`), else us-east-1.
    func defaultRegion(_ identity: AWSCLI.Identity) -> String {
        for key in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
            if let v = ProcessInfo.processInfo.environment[key], !v.isEmpty { return v }
        }
        var args = ["configure", "get", "region"]
        if case .profile(let p) = identity { args += ["--profile", p] }
        if case .ok(let bytes) = cli.run(args, region: nil, as: .defaultChain) {
            let r = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\"", with: "")
            if !r.isEmpty { return r }
        }
        return "us-east-1"
    }

    static func folderSafe(_ s: String) -> String {
        let allowed = s.unicodeScalars.map { c -> Character in
            (c.properties.isAlphabetic && c.isASCII) || ("0"..."9").contains(Character(c)) || c == "-" || c == "_" || c == "." ? Character(c) : "-"
        }
        let out = String(allowed).trimmingCharacters(in: CharacterSet(charactersIn: "-."))
        return out.isEmpty ? "account" : String(out.prefix(64))
    }

    // MARK: What is collected

    func collectIAM(_ a: Account) {
        call(["iam", "get-account-authorization-details"], region: nil, account: a, identity: a.identity, file: "iam.json")
    }

    func collectRegion(_ a: Account, _ region: String) {
        let id = a.identity
        // EMR: active clusters and those terminated recently, their security configurations.
        var clusters: [String] = []
        if let out = call(["emr", "list-clusters", "--active"], region: region, account: a, identity: id) {
            clusters += (out["Clusters"]?.elements ?? []).compactMap { $0["Id"]?.string }
        }
        let since = ISO8601DateFormatter().string(from: now.addingTimeInterval(-Double(options.terminatedDays) * 86_400))
        if let out = call(["emr", "list-clusters", "--cluster-states", "TERMINATED", "TERMINATED_WITH_ERRORS", "--created-after", since],
                          region: region, account: a, identity: id) {
            clusters += (out["Clusters"]?.elements ?? []).compactMap { $0["Id"]?.string }
        }
        clusters = Self.unique(clusters)
        let configNames = Mutex<[String]>([])
        parallel(clusters) { cluster in
            let out = self.call(["emr", "describe-cluster", "--cluster-id", cluster], region: region, account: a, identity: id,
                                file: "describe-cluster-\(region)-\(Self.fileSafe(cluster)).json")
            if let name = out?["Cluster"]?["SecurityConfiguration"]?.string { configNames.withLock { $0.append(name) } }
        }
        var names = configNames.withLock { $0 }
        if let out = call(["emr", "list-security-configurations"], region: region, account: a, identity: id) {
            names += (out["SecurityConfigurations"]?.elements ?? []).compactMap { $0["Name"]?.string }
        }
        parallel(Self.unique(names).sorted()) { name in
            self.call(["emr", "describe-security-configuration", "--name", name], region: region, account: a, identity: id,
                      file: "describe-security-configuration-\(region)-\(Self.fileSafe(name)).json")
        }
        // SageMaker: domains, their user profiles and spaces.
        let domains = (call(["sagemaker", "list-domains"], region: region, account: a, identity: id)?["Domains"]?.elements ?? [])
            .compactMap { $0["DomainId"]?.string }
        parallel(domains) { domain in
            self.call(["sagemaker", "describe-domain", "--domain-id", domain], region: region, account: a, identity: id,
                      file: "describe-domain-\(region)-\(Self.fileSafe(domain)).json")
            let profiles = (self.call(["sagemaker", "list-user-profiles", "--domain-id-equals", domain], region: region, account: a, identity: id)?["UserProfiles"]?.elements ?? [])
                .compactMap { $0["UserProfileName"]?.string }
            for p in profiles {
                self.call(["sagemaker", "describe-user-profile", "--domain-id", domain, "--user-profile-name", p], region: region, account: a,
                          identity: id, file: "describe-user-profile-\(region)-\(Self.fileSafe(domain))-\(Self.fileSafe(p)).json")
            }
            let spaces = (self.call(["sagemaker", "list-spaces", "--domain-id-equals", domain], region: region, account: a, identity: id)?["Spaces"]?.elements ?? [])
                .compactMap { $0["SpaceName"]?.string }
            for s in spaces {
                self.call(["sagemaker", "describe-space", "--domain-id", domain, "--space-name", s], region: region, account: a,
                          identity: id, file: "describe-space-\(region)-\(Self.fileSafe(domain))-\(Self.fileSafe(s)).json")
            }
        }
        // Lake Formation.
        call(["lakeformation", "get-data-lake-settings"], region: region, account: a, identity: id,
             file: "get-data-lake-settings-\(region).json")
    }

    /// The bucket policies of the buckets that runtime roles' policies name, read by the first
    /// account whose identity may (the bucket's owner, in a working setup).
    func collectBucketPolicies(_ accounts: [Account], region: String) {
        let buckets = Self.runtimeRoleBuckets(in: options.output)
        for bucket in buckets {
            for (i, a) in accounts.enumerated() {
                let file = "get-bucket-policy-\(Self.fileSafe(bucket)).json"
                let before = calls.withLock { $0.count }
                call(["s3api", "get-bucket-policy", "--bucket", bucket], region: region, account: a, identity: a.identity, file: file,
                     tolerate: ["NoSuchBucketPolicy"])
                let last = calls.withLock { $0.count > before ? $0[$0.count - 1] : nil }
                // Another account's bucket: try the next identity; record only the last attempt's gap.
                if last?.status == "ok" { break }
                if i < accounts.count - 1 { calls.withLock { _ = $0.popLast() } }
            }
        }
    }

    /// Buckets that the collected runtime roles' policies name (runtime roles: those Studio
    /// offers and those named in `elasticmapreduce:ExecutionRoleArn` conditions).
    static func runtimeRoleBuckets(in folder: String) -> [String] {
        var docs: [ClassifiedDocument] = []
        let fm = FileManager.default
        for sub in ((try? fm.contentsOfDirectory(atPath: folder)) ?? []).sorted() {
            let dir = folder + "/" + sub
            for name in ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).sorted() where name.hasSuffix(".json") {
                guard let data = fm.contents(atPath: dir + "/" + name) else { continue }
                for d in DocumentLoader.load(SourceFile(path: sub + "/" + name, bytes: [UInt8](data))).documents {
                    if let kind = DocumentClassifier.classify(d) { docs.append(ClassifiedDocument(document: d, kind: kind)) }
                }
            }
        }
        var model = ModelBuilder()
        for d in docs { model.add(d) }
        let setup = Setup(documents: docs, model: model)
        var roles = setup.chainFacts.compactMap(\.runtimeRole)
        roles += setup.runtimeRolesOutsideChains.map(\.role)
        var out: [String] = []
        for role in roles {
            for b in ChainBuilder.buckets(usedBy: role, setup.resources) where !out.contains(b) && !b.contains("*") { out.append(b) }
        }
        return out.sorted()
    }

    static func unique(_ xs: [String]) -> [String] {
        var seen: Set<String> = []
        return xs.filter { seen.insert($0).inserted }
    }

    static func fileSafe(_ s: String) -> String {
        String(s.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") ? $0 : "_" }.prefix(100))
    }
}
