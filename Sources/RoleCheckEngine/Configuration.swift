import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel
import RoleCheckRules

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// rolecheck's configuration file (`rolecheck.yaml` or `.rolecheck.yaml`). Its `setup` section
/// tells rolecheck what the files alone cannot: which account a folder holds, and which role or
/// bucket a raw policy file belongs to; the other sections tune the linter for a team: rule
/// severities, the exit-code threshold, which files a folder contributes, a baseline and
/// suppressions. The format is documented in docs/configuration.md.
public struct Configuration: Sendable {
    /// The file it was read from, and the folder its relative paths start from.
    public var path: String
    public var baseDirectory: String
    public var setup = SetupConfiguration()
    /// `rules`: per rule id, off or the severity every finding of the rule gets.
    public var rules: [String: RuleSetting] = [:]
    /// `fail-on`: the exit-code threshold when `--fail-on` is not given.
    public var failOn: FailThreshold?
    /// `include` / `exclude`: globs (relative to the configuration file) applied to the files
    /// found when a folder is expanded. An empty `include` admits every file.
    public var include: [String] = []
    public var exclude: [String] = []
    /// `extensions`: file extensions read below a folder besides .json, .yaml and .yml (such as
    /// `.template`); the files are recognised by their content, as every input is.
    public var extensions: [String] = []
    /// `baseline`: the baseline file as written in the configuration (relative to it).
    public var baseline: String?
    /// `suppressions`: findings hidden by file, JSON pointer and rule.
    public var suppressions: [ConfiguredSuppression] = []
    /// `catalog`: an IAM catalog directory (relative to the configuration) laid over the embedded
    /// catalog, used when `--catalog` is not given.
    public var catalog: String?
    /// Where `catalog` is written (`rolecheck.yaml:4:10`), for messages about it.
    public var catalogPosition: String?

    public init(path: String, baseDirectory: String) {
        self.path = path
        self.baseDirectory = baseDirectory
    }

    /// The baseline file's path, resolved against the configuration's folder.
    public var baselinePath: String? {
        guard let baseline else { return nil }
        if baseline.hasPrefix("/") || baseDirectory == "." { return baseline }
        return (baseDirectory.hasSuffix("/") ? baseDirectory : baseDirectory + "/") + baseline
    }

    /// The catalog directory's path, resolved against the configuration's folder.
    public var catalogPath: String? {
        guard let catalog else { return nil }
        if catalog.hasPrefix("/") || baseDirectory == "." { return catalog }
        return (baseDirectory.hasSuffix("/") ? baseDirectory : baseDirectory + "/") + catalog
    }

    /// Whether a file found below a named folder is linted: it matches an `include` pattern (or
    /// there are none) and no `exclude` pattern. Files named on the command line are not asked.
    public func admits(_ path: String) -> Bool {
        if !include.isEmpty && !include.contains(where: { PathPattern.matches(pattern: $0, path: path, base: baseDirectory) }) {
            return false
        }
        return !exclude.contains { PathPattern.matches(pattern: $0, path: path, base: baseDirectory) }
    }

    /// Whether the rule is turned off.
    public func isOff(_ ruleId: String) -> Bool { rules[ruleId] == .off }
}

/// What the configuration says about one rule.
public enum RuleSetting: Sendable, Equatable {
    case off
    /// Every finding of the rule gets this severity.
    case severity(Severity)
}

/// The exit-code threshold: `fail-on` in the configuration, `--fail-on` on the command line.
public enum FailThreshold: String, Sendable, CaseIterable {
    case error, warning, note, never

    /// The lowest severity that fails the run; nil for `never`.
    public var threshold: Severity? {
        switch self {
        case .error: .error
        case .warning: .warning
        case .note: .note
        case .never: nil
        }
    }
}

/// One entry of the configuration's `suppressions`: hides the findings of `rule` in the files
/// `file` matches, at `pointer` or below it (the whole file when there is no pointer).
public struct ConfiguredSuppression: Sendable, Hashable {
    /// A glob relative to the configuration file (as in `setup.paths`).
    public var file: String
    /// An RFC 6901 JSON Pointer; nil for the whole file.
    public var pointer: String?
    public var rule: String
    public var reason: String
    /// The last day the suppression applies (inclusive); nil for no end.
    public var until: CalendarDate?
    /// The entry in the configuration file (where RC006 reports it).
    public var location: Location

    public init(file: String, pointer: String?, rule: String, reason: String, until: CalendarDate?, location: Location) {
        self.file = file
        self.pointer = pointer
        self.rule = rule
        self.reason = reason
        self.until = until
        self.location = location
    }

    /// Whether a finding's pointer is the suppression's pointer or below it.
    public func covers(pointer findingPointer: String?) -> Bool {
        guard let pointer else { return true }
        guard let findingPointer else { return false }
        return findingPointer == pointer || pointer.isEmpty || findingPointer.hasPrefix(pointer + "/")
    }
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
        config.setup.baseDirectory = config.baseDirectory
        guard let root = loaded.documents.first?.root, !root.isNull else { return .success(config) }
        guard root.kind == .object else { return fail("the configuration must be a mapping", root) }
        let knownKeys = ["setup", "rules", "fail-on", "include", "exclude", "extensions", "baseline", "suppressions", "catalog"]
        for (key, _) in root.members where !knownKeys.contains(key.string ?? "") {
            return fail("unknown key '\(key.scalarText ?? "")' (known: \(knownKeys.joined(separator: ", ")))", key)
        }
        if let setup = root["setup"] {
            if let error = readSetup(setup, into: &config) { return fail(error.0, error.1) }
        }
        if let rules = root["rules"] {
            guard rules.kind == .object else { return fail("'rules' maps rule ids to off, error, warning or note", rules) }
            let known = Set(RuleCatalog.summaries.map(\.id))
            for (k, v) in rules.members {
                guard let id = k.scalarText, known.contains(id) else {
                    return fail("unknown rule '\(k.scalarText ?? "")' in rules (rolecheck rules lists them)", k)
                }
                let setting: RuleSetting
                switch v.isContainer ? nil : v.scalarText {
                case "off": setting = .off
                case "error": setting = .severity(.error)
                case "warning": setting = .severity(.warning)
                case "note": setting = .severity(.note)
                default: return fail("the setting of \(id) must be off, error, warning or note", v)
                }
                config.rules[id] = setting
            }
        }
        if let failOn = root["fail-on"] {
            guard !failOn.isContainer, let t = failOn.scalarText.flatMap(FailThreshold.init(rawValue:)) else {
                return fail("'fail-on' must be error, warning, note or never", failOn)
            }
            config.failOn = t
        }
        for name in ["include", "exclude"] {
            guard let list = root[name] else { continue }
            guard list.kind == .array else { return fail("'\(name)' is a list of glob patterns", list) }
            var patterns: [String] = []
            for item in list.elements {
                guard let p = item.string, !p.isEmpty else { return fail("each of '\(name)' must be a non-empty string", item) }
                patterns.append(p)
            }
            if name == "include" { config.include = patterns } else { config.exclude = patterns }
        }
        if let list = root["extensions"] {
            guard list.kind == .array else { return fail("'extensions' is a list of file extensions such as .template", list) }
            for item in list.elements {
                guard let e = item.string, e.count > 1, !e.contains("/"), !e.contains("*") else {
                    return fail("each of 'extensions' is a file extension such as .template", item)
                }
                config.extensions.append(e.hasPrefix(".") ? e : "." + e)
            }
        }
        if let baseline = root["baseline"] {
            guard let b = baseline.string, !b.isEmpty else { return fail("'baseline' must be the path of a baseline file", baseline) }
            config.baseline = b
        }
        if let catalog = root["catalog"] {
            guard let c = catalog.string, !c.isEmpty else {
                return fail("'catalog' must be the path of a catalog directory (rolecheck catalog update --output DIR writes one)", catalog)
            }
            config.catalog = c
            let p = catalog.range.start
            config.catalogPosition = "\(path):\(p.line):\(p.column)"
        }
        if let suppressions = root["suppressions"] {
            guard suppressions.kind == .array else {
                return fail("'suppressions' is a list of {file, pointer, rule, reason, until}", suppressions)
            }
            let known = Set(RuleCatalog.summaries.map(\.id))
            let keys = ["file", "pointer", "rule", "reason", "until"]
            for item in suppressions.elements {
                guard item.kind == .object else { return fail("each of 'suppressions' is a mapping with file, rule and reason", item) }
                for (k, _) in item.members where !keys.contains(k.string ?? "") {
                    return fail("unknown key '\(k.scalarText ?? "")' in suppressions (known: \(keys.joined(separator: ", ")))", k)
                }
                guard let file = item["file"]?.string, !file.isEmpty else {
                    return fail("'file' must be a non-empty string (a path or glob relative to this file)", item["file"] ?? item)
                }
                var pointer: String?
                if let p = item["pointer"] {
                    guard let text = p.string, text.isEmpty || text.hasPrefix("/") else {
                        return fail("'pointer' must be a JSON Pointer: empty, or starting with '/'", p)
                    }
                    pointer = text
                }
                guard let ruleNode = item["rule"] else { return fail("name the 'rule' to suppress (such as RC301)", item) }
                guard ruleNode.kind == .string, let rule = ruleNode.scalarText, known.contains(rule) else {
                    return fail("unknown rule '\(ruleNode.scalarText ?? "")' (rolecheck rules lists them)", ruleNode)
                }
                if rule == FindingFilters.suppressionRuleId {
                    return fail("\(rule) cannot be suppressed; turn it off in 'rules' instead", ruleNode)
                }
                guard let reasonNode = item["reason"] else { return fail("a suppression needs a 'reason'", item) }
                guard let reason = reasonNode.string, !reason.allSatisfy(\.isWhitespace) else {
                    return fail("'reason' must be a non-empty string", reasonNode)
                }
                var until: CalendarDate?
                if let u = item["until"] {
                    guard let date = u.scalarText.flatMap(CalendarDate.init(parsing:)), !u.isContainer else {
                        return fail("'until' must be a date written YYYY-MM-DD", u)
                    }
                    until = date
                }
                config.suppressions.append(ConfiguredSuppression(file: file, pointer: pointer, rule: rule, reason: reason,
                                                                 until: until, location: Location(node: item)))
            }
        }
        return .success(config)
    }

    /// Reads the `setup` section; the message and node of the first problem, if any.
    static func readSetup(_ setup: Node, into config: inout Configuration) -> (String, Node?)? {
        guard setup.kind == .object else { return ("'setup' must be a mapping", setup) }
        for (key, value) in setup.members {
            switch key.string {
            case "accounts":
                guard value.kind == .object else { return ("'setup.accounts' maps 12-digit account IDs to names", value) }
                for (k, v) in value.members {
                    guard let id = k.scalarText, ARN.isAccountID(id) else { return ("'\(k.scalarText ?? "")' is not a 12-digit account ID (quote it in YAML)", k) }
                    guard let name = v.scalarText, v.kind == .string else { return ("the name of account \(id) must be a string", v) }
                    config.setup.accountNames[id] = name
                }
            case "paths":
                guard value.kind == .array else { return ("'setup.paths' is a list of {path, account}", value) }
                for item in value.elements {
                    guard item.kind == .object else { return ("each of 'setup.paths' is a mapping with 'path' and 'account'", item) }
                    for (k, _) in item.members where !["path", "account"].contains(k.string ?? "") {
                        return ("unknown key '\(k.string ?? "")' in setup.paths (known: path, account)", k)
                    }
                    guard let p = item["path"]?.string, !p.isEmpty else { return ("'path' must be a non-empty string", item["path"] ?? item) }
                    guard let a = item["account"]?.scalarText, ARN.isAccountID(a) else {
                        return ("'account' must be a 12-digit account ID (quote it in YAML)", item["account"] ?? item)
                    }
                    config.setup.paths.append((p, a))
                }
            case "policies":
                guard value.kind == .array else { return ("'setup.policies' is a list of {file, role, as} or {file, bucket}", value) }
                for item in value.elements {
                    guard item.kind == .object else { return ("each of 'setup.policies' is a mapping", item) }
                    for (k, _) in item.members where !["file", "role", "as", "bucket", "account"].contains(k.string ?? "") {
                        return ("unknown key '\(k.string ?? "")' in setup.policies (known: file, role, as, bucket, account)", k)
                    }
                    guard let f = item["file"]?.string, !f.isEmpty else { return ("'file' must be a non-empty string", item["file"] ?? item) }
                    let account = item["account"]?.scalarText
                    if let account, !ARN.isAccountID(account) { return ("'account' must be a 12-digit account ID", item["account"]) }
                    if let role = item["role"]?.string {
                        guard ARN(role)?.resource.hasPrefix("role/") == true else { return ("'role' must be an IAM role ARN", item["role"]) }
                        guard item["bucket"] == nil else { return ("a policy belongs to a role or a bucket, not both", item["bucket"]) }
                        let target: PolicyMapping.Target
                        switch item["as"]?.string ?? "permissions" {
                        case "trust": target = .roleTrust(role)
                        case "permissions": target = .rolePermissions(role)
                        case "boundary": target = .roleBoundary(role)
                        default: return ("'as' must be trust, permissions or boundary", item["as"])
                        }
                        config.setup.policies.append(PolicyMapping(pattern: f, target: target, account: account ?? ARN(role)?.account))
                    } else if let bucket = item["bucket"]?.string {
                        if item["as"] != nil { return ("'as' applies to role policies only", item["as"]) }
                        config.setup.policies.append(PolicyMapping(pattern: f, target: .bucket(bucket), account: account))
                    } else {
                        return ("name the 'role' (an IAM role ARN) or the 'bucket' the policy belongs to", item)
                    }
                }
            case "context":
                guard value.kind == .array, value.elements.allSatisfy({ $0.kind == .string && !($0.string ?? "").isEmpty }) else {
                    return ("'setup.context' is a list of folders and files", value)
                }
                config.setup.context = value.elements.compactMap(\.string)
            case "require-runtime-roles":
                guard let flag = value.bool else { return ("'setup.require-runtime-roles' is true or false", value) }
                config.setup.requireRuntimeRoles = flag
            default:
                return ("unknown key '\(key.string ?? "")' in setup (known: accounts, paths, policies, context, require-runtime-roles)", key)
            }
        }
        return nil
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
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
