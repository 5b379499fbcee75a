import Foundation
import Synchronization
import CCurlShim
import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM

/// `rolecheck catalog update`: fetches AWS's service reference information (the service list,
/// then every service's file), turns it into rolecheck's catalog format and writes it to
/// `DIR/iam-catalog.txt`, which `lint --catalog DIR` and `simulate --catalog DIR` lay over the
/// embedded catalog.
///
/// Every fetched byte is hostile: each response is bounded (`maxFileSize`, and `maxTotalSize` for
/// all of them), every request has a time limit, redirects and service URLs must stay on the
/// source's own scheme, host and port, and the JSON is read by `ServiceReference`, which checks
/// every field. Nothing is written unless every service was read: the catalog is written to a
/// temporary file in DIR and renamed into place.
public struct CatalogUpdate: Sendable {
    /// AWS's service list.
    public static let defaultSource = "https://servicereference.us-east-1.amazonaws.com/"
    /// The catalog's file name inside the directory.
    public static let fileName = "iam-catalog.txt"

    public struct Options: Sendable {
        /// An http(s) URL of a service list, a file:// URL or path of one, or a directory that
        /// holds `service-list.json` (and the services' files laid out as the URLs' paths).
        public var source: String = CatalogUpdate.defaultSource
        public var output: String
        /// The date written into the catalog (YYYY-MM-DD): the day of the fetch.
        public var date: String
        /// Requests made at once.
        public var jobs = 8
        /// Seconds a request may wait for the server (connecting, or between two reads).
        public var timeout: Double = 30
        public var maxFileSize = 32 << 20
        public var maxTotalSize = 1 << 30
        /// The User-Agent of requests.
        public var userAgent = "rolecheck (catalog update)"

        public init(output: String, date: String) {
            self.output = output
            self.date = date
        }
    }

    /// Why an update failed. `kind` picks the exit code.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public enum Kind: Sendable { case usage, network, data, output }
        public let kind: Kind
        public let description: String
    }

    public struct Outcome: Sendable {
        /// The catalog file written.
        public let path: String
        public let counts: ServiceReference.Counts
        /// Condition keys whose type this rolecheck does not know (`ledgerlake:Shape has type Polygon`).
        public let unknownTypes: [String]
    }

    public let options: Options

    public init(options: Options) { self.options = options }

    /// The date for a new catalog: `SOURCE_DATE_EPOCH` (seconds, for reproducible output) when
    /// set, else today; UTC.
    public static func today(environment: [String: String] = ProcessInfo.processInfo.environment) -> Result<String, Failure> {
        var seconds = Date().timeIntervalSince1970
        if let epoch = environment["SOURCE_DATE_EPOCH"] {
            guard let s = Int64(epoch), s >= 0, s < 253_402_300_800 else {
                return .failure(Failure(kind: .usage, description: "SOURCE_DATE_EPOCH \(epoch) is not a number of seconds since 1970"))
            }
            seconds = Double(s)
        }
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        return .success(String(format: "%04d-%02d-%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday)))
    }

    // MARK: Sources

    /// Where the files come from: a web server, or a local copy.
    enum Origin {
        /// The service list's URL.
        case remote(URL)
        /// The service list file and the folder its services' URL paths are read under.
        case local(list: String, root: String)
    }

    func origin() throws -> Origin {
        let source = options.source
        if let url = URL(string: source), let scheme = url.scheme?.lowercased(), scheme.count > 1 {
            switch scheme {
            case "http", "https":
                guard url.host != nil else { throw Failure(kind: .usage, description: "--source \(source): the URL has no host") }
                return .remote(url)
            case "file":
                return try local(url.path)
            default:
                throw Failure(kind: .usage, description: "--source \(source): rolecheck reads http, https and file URLs, or a local path")
            }
        }
        return try local(source)
    }

    func local(_ path: String) throws -> Origin {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw Failure(kind: .usage, description: "--source \(options.source): no such file or directory")
        }
        if isDirectory.boolValue {
            let root = path.hasSuffix("/") ? String(path.dropLast()) : path
            return .local(list: (root.isEmpty ? "" : root) + "/service-list.json", root: root.isEmpty ? "/" : root)
        }
        let dir = (path as NSString).deletingLastPathComponent
        return .local(list: path, root: dir.isEmpty ? "." : dir)
    }

    /// Where a service's file is, for its list entry's `url`.
    enum Location: Sendable {
        case remote(URL)
        case local(String)

        var display: String {
            switch self {
            case .remote(let u): u.absoluteString
            case .local(let p): p
            }
        }
    }

    func location(of entry: ServiceReference.ListEntry, origin: Origin, listName: String) throws -> Location {
        let bad = { (why: String) in
            Failure(kind: .data, description: "\(listName): service \(entry.service): url \(JSONText.quoted(entry.url)) \(why)")
        }
        switch origin {
        case .remote(let listURL):
            guard let url = URL(string: entry.url, relativeTo: listURL)?.absoluteURL else { throw bad("is not a URL") }
            guard Self.sameOrigin(url, listURL) else {
                throw bad("is not on \(Self.originText(listURL)); rolecheck fetches service files only from the service list's own scheme, host and port")
            }
            return .remote(url)
        case .local(let list, let root):
            // Absolute http(s) URLs are read by their path under the folder (a mirror of the
            // site); relative ones beside the list. Never outside the folder.
            let path: String
            let base: String
            if let url = URL(string: entry.url), let scheme = url.scheme?.lowercased() {
                guard scheme == "http" || scheme == "https" else { throw bad("is a \(scheme) URL; a local copy may name http(s) URLs or relative paths") }
                path = url.path
                base = root
            } else {
                guard let decoded = entry.url.removingPercentEncoding, !decoded.contains("?"), !decoded.contains("#") else {
                    throw bad("is not a relative path")
                }
                path = decoded
                let dir = (list as NSString).deletingLastPathComponent
                base = dir.isEmpty ? "." : dir
            }
            let segments = path.split(separator: "/", omittingEmptySubsequences: true)
            guard !segments.isEmpty, !segments.contains(where: { $0 == ".." || $0 == "." }), !path.contains("\0") else {
                throw bad("does not name a file below the source folder")
            }
            return .local(base + "/" + segments.joined(separator: "/"))
        }
    }

    static func sameOrigin(_ a: URL, _ b: URL) -> Bool {
        a.scheme?.lowercased() == b.scheme?.lowercased() && a.host?.lowercased() == b.host?.lowercased()
            && effectivePort(a) == effectivePort(b)
    }

    static func effectivePort(_ u: URL) -> Int {
        u.port ?? (u.scheme?.lowercased() == "https" ? 443 : 80)
    }

    static func originText(_ u: URL) -> String {
        "\(u.scheme ?? "")://\(u.host ?? "")" + (u.port.map { ":\($0)" } ?? "")
    }

    // MARK: Fetching

    /// One file's bytes, within the limits.
    func read(_ location: Location, budget: Budget) throws -> [UInt8] {
        switch location {
        case .local(let path):
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw Failure(kind: .network, description: "\(path): cannot be read (missing, or not readable)")
            }
            defer { try? handle.close() }
            let data = (try? handle.read(upToCount: options.maxFileSize + 1)) ?? Data()
            if data.count > options.maxFileSize {
                throw Failure(kind: .data, description: "\(path): larger than the \(options.maxFileSize)-byte limit for one file (--max-file-size)")
            }
            try budget.spend(data.count, on: path)
            return [UInt8](data)
        case .remote(let url):
            return try Download(url: url, limit: options.maxFileSize, timeout: options.timeout, budget: budget,
                                userAgent: options.userAgent).run()
        }
    }

    /// What all the files together may weigh.
    final class Budget: Sendable {
        let limit: Int
        let used = Mutex(0)

        init(limit: Int) { self.limit = limit }

        func spend(_ n: Int, on what: String) throws {
            let total = used.withLock { u -> Int in
                u += n
                return u
            }
            if total > limit {
                throw Failure(kind: .data, description: "\(what): the files fetched so far weigh more than the \(limit)-byte limit for a whole update")
            }
        }
    }

    // MARK: The run

    /// Fetches, checks, converts and writes. `progress(done, total)` is called as services arrive.
    public func run(progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) throws -> Outcome {
        let date = options.date
        guard date.utf8.count == 10 else { throw Failure(kind: .usage, description: "the catalog date \(date) is not YYYY-MM-DD") }
        let origin = try self.origin()
        let listLocation: Location
        switch origin {
        case .remote(let u): listLocation = .remote(u)
        case .local(let list, _): listLocation = .local(list)
        }
        let budget = Budget(limit: options.maxTotalSize)

        // Check the output first: a folder that cannot be written fails before any download. A
        // folder made for this run is removed again when the run fails (if still empty).
        let created = try prepareOutput()
        do {
            return try fetchAndWrite(origin: origin, listLocation: listLocation, budget: budget, progress: progress)
        } catch {
            if created { rmdir(options.output) }
            throw error
        }
    }

    func fetchAndWrite(origin: Origin, listLocation: Location, budget: Budget,
                       progress: @escaping @Sendable (Int, Int) -> Void) throws -> Outcome {
        let date = options.date
        let listName = listLocation.display
        let listBytes = try read(listLocation, budget: budget)
        let entries: [ServiceReference.ListEntry]
        switch ServiceReference.parseServiceList(SourceFile(path: listName, bytes: listBytes)) {
        case .success(let e): entries = e
        case .failure(let f): throw Failure(kind: .data, description: f.message)
        }
        if entries.isEmpty { throw Failure(kind: .data, description: "\(listName): the service list is empty") }
        let locations = try entries.map { try location(of: $0, origin: origin, listName: listName) }

        // The services, `jobs` at a time; the first failure stops new requests.
        let results = Mutex([Result<ServiceReference.Service, Failure>?](repeating: nil, count: entries.count))
        let next = Mutex(0)
        let stopped = Mutex(false)
        let done = Mutex(0)
        let group = DispatchGroup()
        for _ in 0..<max(1, min(options.jobs, entries.count)) {
            DispatchQueue.global().async(group: group) {
                while true {
                    if stopped.withLock({ $0 }) { return }
                    let i = next.withLock { n -> Int in
                        defer { n += 1 }
                        return n
                    }
                    guard i < entries.count else { return }
                    let result: Result<ServiceReference.Service, Failure>
                    do {
                        let bytes = try read(locations[i], budget: budget)
                        switch ServiceReference.parseService(SourceFile(path: locations[i].display, bytes: bytes),
                                                             expectedPrefix: entries[i].service) {
                        case .success(let s): result = .success(s)
                        case .failure(let f): result = .failure(Failure(kind: .data, description: f.message))
                        }
                    } catch let f as Failure {
                        result = .failure(f)
                    } catch {
                        result = .failure(Failure(kind: .network, description: "\(locations[i].display): \(error)"))
                    }
                    if case .failure = result { stopped.withLock { $0 = true } }
                    results.withLock { $0[i] = result }
                    let n = done.withLock { d -> Int in
                        d += 1
                        return d
                    }
                    progress(n, entries.count)
                }
            }
        }
        group.wait()

        var services: [ServiceReference.Service] = []
        var failures: [Failure] = []
        for r in results.withLock({ $0 }) {
            switch r {
            case .success(let s)?: services.append(s)
            case .failure(let f)?: failures.append(f)
            case nil: break
            }
        }
        if let first = failures.first {
            let more = failures.count > 1 ? " (and \(failures.count - 1) more failure\(failures.count > 2 ? "s" : ""))" : ""
            throw Failure(kind: first.kind, description: first.description + more + "; nothing was written")
        }

        let header: [(String, String)] = [
            ("source", "AWS service reference, \(options.source)"),
            ("date", date),
            ("schema", "aws-service-reference v1"),
        ]
        let (text, counts) = ServiceReference.catalogText(services, header: header,
                                                          typeHints: IAMCatalog.shared.globalConditionKeys, globals: nil)
        let path = try write(text)
        let unknown = services.flatMap(\.unknownTypes)
        return Outcome(path: path, counts: counts, unknownTypes: unknown)
    }

    // MARK: Output

    /// Makes sure the output directory exists and is writable; true when it was created now.
    func prepareOutput() throws -> Bool {
        let dir = options.output
        var isDirectory: ObjCBool = false
        var created = false
        if FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw Failure(kind: .output, description: "--output \(dir): exists and is not a directory") }
        } else {
            created = true
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch {
                throw Failure(kind: .output, description: "--output \(dir): cannot create the directory (\(Self.reason(error)))")
            }
        }
        guard FileManager.default.isWritableFile(atPath: dir) else {
            throw Failure(kind: .output, description: "--output \(dir): the directory is not writable")
        }
        return created
    }

    /// Writes the catalog beside its final name, then renames it into place.
    func write(_ text: String) throws -> String {
        let path = options.output + "/" + Self.fileName
        let temporary = options.output + "/.\(Self.fileName).\(getpid()).tmp"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
            if rename(temporary, path) != 0 {
                let code = errno
                try? FileManager.default.removeItem(atPath: temporary)
                throw Failure(kind: .output, description: "cannot write \(path): \(String(cString: strerror(code)))")
            }
        } catch let f as Failure {
            throw f
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw Failure(kind: .output, description: "cannot write \(path): \(Self.reason(error))")
        }
        return path
    }

    static func reason(_ error: Error) -> String {
        if let e = error as? CocoaError, let underlying = e.userInfo[NSUnderlyingErrorKey] as? NSError,
           underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return (error as NSError).localizedDescription
    }
}

/// One GET with a size limit and time limits, through the system libcurl (loaded on first use);
/// redirects are followed only on the URL's own scheme, host and port, at most five.
struct Download {
    let url: URL
    let limit: Int
    let timeout: Double
    let budget: CatalogUpdate.Budget
    let userAgent: String

    func run() throws -> [UInt8] {
        var current = url
        for _ in 0...5 {
            var result = rc_fetch_result()
            let idle = max(1, Int(timeout.rounded(.up)))
            rc_fetch(current.absoluteString, limit, idle, max(idle * 10, 300), userAgent, &result)
            defer { rc_fetch_free(&result) }
            let here = current.absoluteString
            let error = withUnsafeBytes(of: &result.error) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            switch result.outcome {
            case 0: break
            case 1: throw CatalogUpdate.Failure(kind: .usage, description: "\(here): \(error)")
            case 3: throw CatalogUpdate.Failure(kind: .data, description: "\(here): larger than the \(limit)-byte limit for one file (--max-file-size)")
            case 4: throw CatalogUpdate.Failure(kind: .network, description: "\(here): no answer within \(idle) s (--timeout)")
            default: throw CatalogUpdate.Failure(kind: .network, description: "\(here): \(error.isEmpty ? "the transfer failed" : error)")
            }
            let status = result.http_code
            if (300..<400).contains(status) {
                let location = withUnsafeBytes(of: &result.redirect) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                guard let target = URL(string: location, relativeTo: current)?.absoluteURL, CatalogUpdate.sameOrigin(target, url) else {
                    throw CatalogUpdate.Failure(kind: .network, description: "\(here): redirected to \(location.isEmpty ? "nowhere" : location), away from \(CatalogUpdate.originText(url)); not followed")
                }
                current = target
                continue
            }
            guard status == 200 else {
                throw CatalogUpdate.Failure(kind: .network, description: "\(here): HTTP status \(status)\(Self.reason(status).map { " (\($0))" } ?? "")")
            }
            let bytes = result.data.map { [UInt8](UnsafeBufferPointer(start: $0, count: result.size)) } ?? []
            try budget.spend(bytes.count, on: here)
            return bytes
        }
        throw CatalogUpdate.Failure(kind: .network, description: "\(url.absoluteString): more than five redirects")
    }

    static func reason(_ status: Int) -> String? {
        switch status {
        case 400: "bad request"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not found"
        case 408: "request timeout"
        case 429: "too many requests"
        case 500: "internal server error"
        case 502: "bad gateway"
        case 503: "service unavailable"
        case 504: "gateway timeout"
        default: nil
        }
    }
}
