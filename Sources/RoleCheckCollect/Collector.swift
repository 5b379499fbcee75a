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
    /// Bounds the CLI processes running at once to `options.jobs` (the organisation's calls run
    /// beside the accounts').
    let slots: DispatchSemaphore
    let now: Date

    public init(options: Options, progress: Progress, now: Date = Date()) {
        self.options = options
        self.cli = AWSCLI(executable: options.awsCLI)
        self.progress = progress
        self.slots = DispatchSemaphore(value: max(1, options.jobs))
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
            let sessions = map(options.roleArns) { self.assume($0, from: first) }
            identities += sessions.compactMap { $0 }.map { ($0, nil) }
        }
        // Who each identity is, and its account's alias (for the folder's name).
        let found = map(identities) { identity, profile -> Account? in
            guard let who = self.callerIdentity(identity) else { return nil }
            let alias = self.accountAlias(identity, account: who.account)
            let label = Self.folderSafe(alias ?? profile ?? "account")
            return Account(id: who.account, arn: who.arn, identity: identity, alias: alias, folder: "\(who.account)-\(label)")
        }
        var accounts: [Account] = []
        for case let a? in found where !accounts.contains(where: { $0.id == a.id }) { accounts.append(a) } // reached twice: collected once
        guard !accounts.isEmpty else {
            let reasons = calls.withLock { $0 }.compactMap(\.message).joined(separator: "; ")
            throw Failure.noIdentity("no account could be reached: sts get-caller-identity failed for every identity (\(reasons))")
        }
        let regions = options.regions.isEmpty ? [defaultRegion(accounts[0].identity)] : options.regions
        for account in accounts {
            try FileManager.default.createDirectory(atPath: folder(account), withIntermediateDirectories: true)
        }
        // The accounts (then the buckets their runtime roles name) and the organisation at once.
        let reached = accounts
        parallel([true, false]) { accountsFirst in
            if accountsFirst {
                self.collectAccounts(reached, regions: regions)
                self.collectBucketPolicies(reached, region: regions[0])
            } else {
                self.collectOrganizationPolicies(reached)
            }
        }
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
        let (node, made) = attempt(args, region: region, account: account, identity: identity, file: file, tolerate: tolerate)
        record(made)
        return node
    }

    /// Makes a call and writes its output, without recording it (the caller decides).
    func attempt(_ args: [String], region: String?, account: Account?, identity: AWSCLI.Identity, file: String? = nil,
                 tolerate: [String] = []) -> (Node?, Call) {
        let command = (["aws"] + args).joined(separator: " ")
        progress.started(command, account: account?.id, region: region)
        // At most `jobs` CLI processes at once, however the work is split.
        slots.wait()
        var outcome = cli.run(args, region: region, as: identity)
        slots.signal()
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
        progress.finished(command, status: outcome.status)
        return (node, Call(account: account?.id, region: region, command: command, status: outcome.status,
                           message: outcome.message, file: written))
    }

    func record(_ call: Call) {
        calls.withLock { $0.append(call) }
    }

    /// Runs `body` on each item, at most `options.jobs` at once.
    func parallel<T: Sendable>(_ items: [T], _ body: @escaping @Sendable (T) -> Void) {
        guard items.count > 1, options.jobs > 1 else { items.forEach(body); return }
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = options.jobs
        for item in items { queue.addOperation { body(item) } }
        queue.waitUntilAllOperationsAreFinished()
    }

    /// `transform` of each item, run as `parallel` runs them, in the items' order.
    func map<T: Sendable, U: Sendable>(_ items: [T], _ transform: @escaping @Sendable (T) -> U) -> [U] {
        let results = Mutex<[Int: U]>([:])
        parallel(Array(items.enumerated())) { i, item in
            let u = transform(item)
            results.withLock { $0[i] = u }
        }
        let all = results.withLock { $0 }
        return items.indices.map { all[$0]! }
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

    /// Every account's IAM, and in each Region its EMR clusters (active, and terminated within
    /// `terminatedDays`) with their security configurations, its SageMaker domains with their user
    /// profiles and spaces, and its Lake Formation settings. In three steps, each step's calls at
    /// once (at most `jobs` run): what can be read without knowing anything (IAM, the lists, Lake
    /// Formation), then what the lists name (clusters, domains, the domains' lists), then what those
    /// name (security configurations, user profiles, spaces). One step at a time, so no call waits
    /// for another while it holds a thread.
    func collectAccounts(_ accounts: [Account], regions: [String]) {
        typealias Step = @Sendable () -> Void
        let since = ISO8601DateFormatter().string(from: now.addingTimeInterval(-Double(options.terminatedDays) * 86_400))
        // What each step found, for the next: "account|region|what" → names.
        let found = Mutex<[String: [String]]>([:])
        func names(_ key: String) -> [String] { found.withLock { $0[key] ?? [] } }
        /// A call whose output lists names (`key` → `field` of each element), kept under `into`.
        func listing(_ args: [String], _ a: Account, _ region: String, _ key: String, _ field: String, into: String) -> Step {
            { @Sendable in
                let names = (self.call(args, region: region, account: a, identity: a.identity)?[key]?.elements ?? []).compactMap { $0[field]?.string }
                found.withLock { $0[into, default: []] += names }
            }
        }

        var first: [Step] = []
        for a in accounts {
            first.append { self.call(["iam", "get-account-authorization-details"], region: nil, account: a, identity: a.identity, file: "iam.json") }
            for r in regions {
                let at = "\(a.id)|\(r)|"
                first.append(listing(["emr", "list-clusters", "--active"], a, r, "Clusters", "Id", into: at + "active"))
                first.append(listing(["emr", "list-clusters", "--cluster-states", "TERMINATED", "TERMINATED_WITH_ERRORS", "--created-after", since],
                                     a, r, "Clusters", "Id", into: at + "terminated"))
                first.append(listing(["emr", "list-security-configurations"], a, r, "SecurityConfigurations", "Name", into: at + "configurations"))
                first.append(listing(["sagemaker", "list-domains"], a, r, "Domains", "DomainId", into: at + "domains"))
                first.append { self.call(["lakeformation", "get-data-lake-settings"], region: r, account: a, identity: a.identity,
                                         file: "get-data-lake-settings-\(r).json") }
            }
        }
        parallel(first) { $0() }

        var second: [Step] = []
        for a in accounts {
            for r in regions {
                let at = "\(a.id)|\(r)|"
                for cluster in Self.unique(names(at + "active") + names(at + "terminated")) {
                    second.append {
                        let out = self.call(["emr", "describe-cluster", "--cluster-id", cluster], region: r, account: a, identity: a.identity,
                                            file: "describe-cluster-\(r)-\(Self.fileSafe(cluster)).json")
                        if let name = out?["Cluster"]?["SecurityConfiguration"]?.string { found.withLock { $0[at + "named", default: []].append(name) } }
                    }
                }
                for domain in names(at + "domains") {
                    second.append { self.call(["sagemaker", "describe-domain", "--domain-id", domain], region: r, account: a, identity: a.identity,
                                              file: "describe-domain-\(r)-\(Self.fileSafe(domain)).json") }
                    second.append(listing(["sagemaker", "list-user-profiles", "--domain-id-equals", domain], a, r, "UserProfiles", "UserProfileName",
                                          into: at + "profiles|" + domain))
                    second.append(listing(["sagemaker", "list-spaces", "--domain-id-equals", domain], a, r, "Spaces", "SpaceName",
                                          into: at + "spaces|" + domain))
                }
            }
        }
        parallel(second) { $0() }

        var third: [Step] = []
        for a in accounts {
            for r in regions {
                let at = "\(a.id)|\(r)|"
                for name in Self.unique(names(at + "named") + names(at + "configurations")).sorted() {
                    third.append { self.call(["emr", "describe-security-configuration", "--name", name], region: r, account: a, identity: a.identity,
                                             file: "describe-security-configuration-\(r)-\(Self.fileSafe(name)).json") }
                }
                for domain in names(at + "domains") {
                    let d = Self.fileSafe(domain)
                    for p in names(at + "profiles|" + domain) {
                        third.append { self.call(["sagemaker", "describe-user-profile", "--domain-id", domain, "--user-profile-name", p], region: r,
                                                 account: a, identity: a.identity, file: "describe-user-profile-\(r)-\(d)-\(Self.fileSafe(p)).json") }
                    }
                    for sp in names(at + "spaces|" + domain) {
                        third.append { self.call(["sagemaker", "describe-space", "--domain-id", domain, "--space-name", sp], region: r,
                                                 account: a, identity: a.identity, file: "describe-space-\(r)-\(d)-\(Self.fileSafe(sp)).json") }
                    }
                }
            }
        }
        parallel(third) { $0() }
    }

    /// The bucket policies of the buckets that runtime roles' policies name, read by the first
    /// account whose identity may (the bucket's owner, in a working setup).
    func collectBucketPolicies(_ accounts: [Account], region: String) {
        parallel(Self.runtimeRoleBuckets(in: options.output)) { bucket in
            for (i, a) in accounts.enumerated() {
                let (_, made) = self.attempt(["s3api", "get-bucket-policy", "--bucket", bucket], region: region, account: a, identity: a.identity,
                                             file: "get-bucket-policy-\(Self.fileSafe(bucket)).json", tolerate: ["NoSuchBucketPolicy"])
                // Another account's bucket: try the next identity; record only the last attempt's gap.
                if made.status == "ok" || i == accounts.count - 1 {
                    self.record(made)
                    break
                }
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
