#if canImport(Glibc)
import Glibc
#endif
import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM

/// What the configuration file says about the setup's inputs: which accounts folders and files
/// hold, and what raw policy files are attached to. Read by the model; written by the engine's
/// configuration loader.
public struct SetupConfiguration: Sendable {
    /// Display names of accounts (`"111122223333": studio`).
    public var accountNames: [String: String] = [:]
    /// Files and folders (globs, relative to the configuration file) and the account they hold.
    public var paths: [(pattern: String, account: String)] = []
    public var policies: [PolicyMapping] = []
    /// Folders and files (relative to the configuration file) that complete the setup in
    /// changed-files mode: loaded whenever only files are named, but their findings are not shown.
    public var context: [String] = []
    /// Judge every cluster as meant for runtime roles (`setup.require-runtime-roles: true`), for
    /// organisations where every cluster must use them; by default only clusters the inputs show
    /// are meant for runtime roles are.
    public var requireRuntimeRoles = false
    /// The folder globs are relative to (the configuration file's).
    public var baseDirectory: String = "."

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

    public init(pattern: String, target: Target, account: String?) {
        self.pattern = pattern
        self.target = target
        self.account = account
    }
}


/// Path globs as the configuration file writes them: relative to a base folder, `**` spans `/`.
public enum PathPattern {
    /// Whether an input path falls under a configuration pattern (relative to the configuration's
    /// folder): `*` matches within a path segment, `**` across segments; a pattern without
    /// wildcards also matches everything below it.
    ///
    /// A configuration found by walking up from the working folder has an absolute folder while
    /// the inputs are usually relative (and the other way round): when exactly one side is
    /// absolute, the other is resolved against the working folder before comparing.
    public static func matches(pattern: String, path: String, base: String) -> Bool {
        var full = normalize(pattern.hasPrefix("/") ? pattern : base == "." ? pattern : base + "/" + pattern)
        var target = normalize(path)
        if full.hasPrefix("/") != target.hasPrefix("/"), let cwd = workingDirectory {
            if full.hasPrefix("/") { target = normalize(cwd + "/" + target) } else { full = normalize(cwd + "/" + full) }
        }
        if !Wildcard.hasWildcard(full) {
            return target == full || target.hasPrefix(full.hasSuffix("/") ? full : full + "/")
        }
        return glob(Array(full.utf8), Array(target.utf8))
    }

    /// The process's working folder (read once: rolecheck never changes it).
    static let workingDirectory: String? = {
        var buf = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buf, buf.count) != nil else { return nil }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    /// `a/./b` → `a/b`, `a/x/../b` → `a/b`, leading `./` dropped.
    public static func normalize(_ path: String) -> String {
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
