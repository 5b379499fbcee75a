/// rolecheck's configuration file (`rolecheck.yaml` or `.rolecheck.yaml`). Its `setup` section
/// tells rolecheck what the files alone cannot: which account a folder holds, and which role or
/// bucket a raw policy file belongs to. The format is documented in docs/configuration.md.
public struct Configuration: Sendable {
    /// The file it was read from, and the folder its relative paths start from.
    public var path: String
    public var baseDirectory: String
    public var setup = SetupConfiguration()

    public init(path: String, baseDirectory: String) {
        self.path = path
        self.baseDirectory = baseDirectory
    }
}

public struct SetupConfiguration: Sendable {
    /// Display names of accounts (`"111122223333": studio`).
    public var accountNames: [String: String] = [:]
    /// Files and folders (globs, relative to the configuration file) and the account they hold.
    public var paths: [(pattern: String, account: String)] = []
    public var policies: [PolicyMapping] = []

    public init() {}
}

/// A raw policy file and what it is attached to.
public struct PolicyMapping: Sendable {
    public enum Target: Sendable, Equatable {
        case roleTrust(String)
        case rolePermissions(String)
        case roleBoundary(String)
        case bucket(String)
    }

    public var pattern: String
    public var target: Target
    public var account: String?
}

/// A configuration problem: exit code 2 with the position.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

public enum ConfigurationLoader {
    public static let fileNames = ["rolecheck.yaml", ".rolecheck.yaml"]

    public static func load(path: String, bytes: [UInt8]) -> Result<Configuration, ConfigurationError> {
        let file = SourceFile(path: path, bytes: bytes)
        let loaded = YAMLLoader.parse(file: file)
        func fail(_ message: String, _ node: Node?) -> Result<Configuration, ConfigurationError> {
            if let node {
                let p = node.range.start
                return .failure(ConfigurationError(message: "\(path):\(p.line):\(p.column): \(message)"))
            }
            return .failure(ConfigurationError(message: "\(path): \(message)"))
        }
        if let e = loaded.error {
            let p = file.position(ofOffset: e.offset)
            return .failure(ConfigurationError(message: "\(path):\(p.line):\(p.column): invalid YAML: \(e.message)"))
        }
        guard loaded.documents.count <= 1 else { return fail("expected one YAML document", nil) }
        var config = Configuration(path: path, baseDirectory: directory(of: path))
        guard let root = loaded.documents.first?.root, !root.isNull else { return .success(config) }
        guard root.kind == .object else { return fail("the configuration must be a mapping", root) }
        for (key, _) in root.members where key.string != "setup" {
            return fail("unknown key '\(key.string ?? "")' (known: setup)", key)
        }
        guard let setup = root["setup"] else { return .success(config) }
        guard setup.kind == .object else { return fail("'setup' must be a mapping", setup) }
        for (key, value) in setup.members {
            switch key.string {
            case "accounts":
                guard value.kind == .object else { return fail("'setup.accounts' maps 12-digit account IDs to names", value) }
                for (k, v) in value.members {
                    guard let id = k.scalarText, ARN.isAccountID(id) else { return fail("'\(k.scalarText ?? "")' is not a 12-digit account ID (quote it in YAML)", k) }
                    guard let name = v.scalarText, v.kind == .string else { return fail("the name of account \(id) must be a string", v) }
                    config.setup.accountNames[id] = name
                }
            case "paths":
                guard value.kind == .array else { return fail("'setup.paths' is a list of {path, account}", value) }
                for item in value.elements {
                    guard item.kind == .object else { return fail("each of 'setup.paths' is a mapping with 'path' and 'account'", item) }
                    for (k, _) in item.members where !["path", "account"].contains(k.string ?? "") {
                        return fail("unknown key '\(k.string ?? "")' in setup.paths (known: path, account)", k)
                    }
                    guard let p = item["path"]?.string, !p.isEmpty else { return fail("'path' must be a non-empty string", item["path"] ?? item) }
                    guard let a = item["account"]?.scalarText, ARN.isAccountID(a) else {
                        return fail("'account' must be a 12-digit account ID (quote it in YAML)", item["account"] ?? item)
                    }
                    config.setup.paths.append((p, a))
                }
            case "policies":
                guard value.kind == .array else { return fail("'setup.policies' is a list of {file, role, as} or {file, bucket}", value) }
                for item in value.elements {
                    guard item.kind == .object else { return fail("each of 'setup.policies' is a mapping", item) }
                    for (k, _) in item.members where !["file", "role", "as", "bucket", "account"].contains(k.string ?? "") {
                        return fail("unknown key '\(k.string ?? "")' in setup.policies (known: file, role, as, bucket, account)", k)
                    }
                    guard let f = item["file"]?.string, !f.isEmpty else { return fail("'file' must be a non-empty string", item["file"] ?? item) }
                    let account = item["account"]?.scalarText
                    if let account, !ARN.isAccountID(account) { return fail("'account' must be a 12-digit account ID", item["account"]) }
                    if let role = item["role"]?.string {
                        guard ARN(role)?.resource.hasPrefix("role/") == true else { return fail("'role' must be an IAM role ARN", item["role"]) }
                        guard item["bucket"] == nil else { return fail("a policy belongs to a role or a bucket, not both", item["bucket"]) }
                        let target: PolicyMapping.Target
                        switch item["as"]?.string ?? "permissions" {
                        case "trust": target = .roleTrust(role)
                        case "permissions": target = .rolePermissions(role)
                        case "boundary": target = .roleBoundary(role)
                        default: return fail("'as' must be trust, permissions or boundary", item["as"])
                        }
                        config.setup.policies.append(PolicyMapping(pattern: f, target: target, account: account ?? ARN(role)?.account))
                    } else if let bucket = item["bucket"]?.string {
                        if item["as"] != nil { return fail("'as' applies to role policies only", item["as"]) }
                        config.setup.policies.append(PolicyMapping(pattern: f, target: .bucket(bucket), account: account))
                    } else {
                        return fail("name the 'role' (an IAM role ARN) or the 'bucket' the policy belongs to", item)
                    }
                }
            default:
                return fail("unknown key '\(key.string ?? "")' in setup (known: accounts, paths, policies)", key)
            }
        }
        return .success(config)
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Whether an input path falls under a configuration pattern (relative to the configuration's
    /// folder): `*` matches within a path segment, `**` across segments; a pattern without
    /// wildcards also matches everything below it.
    public static func matches(pattern: String, path: String, base: String) -> Bool {
        let full = normalize(base == "." ? pattern : base + "/" + pattern)
        let target = normalize(path)
        if !Wildcard.hasWildcard(full) {
            return target == full || target.hasPrefix(full.hasSuffix("/") ? full : full + "/")
        }
        return glob(Array(full.utf8), Array(target.utf8))
    }

    /// `a/./b` → `a/b`, `a/x/../b` → `a/b`, leading `./` dropped.
    static func normalize(_ path: String) -> String {
        var out: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = out.last, last != ".." { out.removeLast(); continue }
            out.append(part)
        }
        return (path.hasPrefix("/") ? "/" : "") + out.joined(separator: "/")
    }

    /// Glob over bytes: `**` spans `/`, `*` and `?` do not.
    static func glob(_ p: [UInt8], _ v: [UInt8]) -> Bool {
        func match(_ pi: Int, _ vi: Int) -> Bool {
            if pi == p.count { return vi == v.count }
            if p[pi] == UInt8(ascii: "*") {
                let double = pi + 1 < p.count && p[pi + 1] == UInt8(ascii: "*")
                let next = double ? pi + 2 : pi + 1
                var k = vi
                while true {
                    if match(next, k) { return true }
                    if k == v.count || (!double && v[k] == UInt8(ascii: "/")) { return false }
                    k += 1
                }
            }
            guard vi < v.count else { return false }
            if p[pi] == UInt8(ascii: "?") { return v[vi] != UInt8(ascii: "/") && match(pi + 1, vi + 1) }
            return p[pi] == v[vi] && match(pi + 1, vi + 1)
        }
        return match(0, 0)
    }
}

extension ConfigurationLoader {
    /// The configuration of a run: the `--config` file; else the one at the root of a linted
    /// folder; else the first found walking up from the working directory. Two different files
    /// at the roots of linted folders are an error (name one with --config).
    public static func find(explicit: String?, paths: [String], workingDirectory: String?) -> Result<Configuration?, ConfigurationError> {
        func read(_ path: String) -> Result<Configuration?, ConfigurationError> {
            switch Inputs.read(path, limit: 1 << 20) {
            case .success(.bytes(let b)): return load(path: path, bytes: b).map { $0 }
            case .success(.tooLarge): return .failure(ConfigurationError(message: "\(path): the configuration file is over 1 MiB"))
            case .failure(let e): return .failure(ConfigurationError(message: "\(path): \(e.message)"))
            }
        }
        if let explicit { return read(explicit) }
        var found: [String] = []
        for p in paths where p != "-" && Inputs.isDirectory(p) {
            for name in fileNames {
                let candidate = (p.hasSuffix("/") ? p : p + "/") + name
                if Inputs.isFile(candidate) { found.append(candidate); break }
            }
        }
        if found.count > 1 {
            return .failure(ConfigurationError(message: "several configuration files (\(found.joined(separator: ", "))); name one with --config"))
        }
        if let one = found.first { return read(one) }
        guard var dir = workingDirectory else { return .success(nil) }
        while true {
            for name in fileNames {
                let candidate = (dir == "/" ? "" : dir) + "/" + name
                if Inputs.isFile(candidate) { return read(candidate) }
            }
            if dir == "/" || dir.isEmpty { return .success(nil) }
            dir = directory(of: dir)
        }
    }
}
