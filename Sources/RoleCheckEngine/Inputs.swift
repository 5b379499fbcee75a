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

/// A problem with the inputs themselves (exit code 2): a path that does not exist or cannot be read.
public struct InputError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}

/// Finds and reads input files with plain POSIX calls (no Foundation at start-up).
public enum Inputs {
    /// Extensions read when recursing into a folder.
    public static let extensions = [".json", ".yaml", ".yml", ".tf"]

    public struct Collected: Sendable {
        /// Files to lint, sorted by path, without duplicates. `-` stands for standard input.
        public var paths: [String]
        public var errors: [InputError]
        /// Files found below a named folder and not read: their extension is not one rolecheck
        /// reads (the first 20), and how many there were in all.
        public var skipped: [String] = []
        public var skippedCount = 0
        /// Files found below a named folder that the configuration's include/exclude left out.
        public var excludedCount = 0

        /// Why a run that found nothing to read found nothing, for the exit-2 message.
        public func nothingToReadMessage(_ named: [String], extensions: [String]) -> String {
            var why = "no file to lint in \(named.joined(separator: ", "))"
            if skippedCount > 0 {
                let shown = skipped.prefix(5).joined(separator: ", ")
                why += ": \(skippedCount) file\(skippedCount == 1 ? "" : "s") skipped because rolecheck reads only \(extensions.joined(separator: ", ")) (\(shown)\(skippedCount > 5 ? ", …" : ""))"
                why += "; add other extensions with `extensions:` in rolecheck.yaml (they are read by content)"
            }
            if excludedCount > 0 {
                why += "\(skippedCount > 0 ? ", and" : ":") \(excludedCount) file\(excludedCount == 1 ? "" : "s") left out by the configuration's include/exclude"
            }
            if skippedCount == 0 && excludedCount == 0 { why += ": the folders hold no file" }
            return why
        }
    }

    /// Expands folders (recursively, sorted, skipping hidden entries below a named folder and
    /// following each real folder once, so symlink loops end). `filter` decides which files found
    /// below a folder are kept (the configuration's `include` / `exclude`); a file named in
    /// `paths` is always kept.
    public static func collect(_ paths: [String], filter: ((String) -> Bool)? = nil, extraExtensions: [String] = []) -> Collected {
        var out: [String] = []
        var errors: [InputError] = []
        var skipped: [String] = []
        var skippedCount = 0, excludedCount = 0
        let readable = extensions + extraExtensions.map { ($0.hasPrefix(".") ? $0 : "." + $0).lowercased() }
        var seenDirs: Set<[UInt64]> = []
        var seenFiles: Set<String> = []

        func add(_ p: String) {
            if seenFiles.insert(p).inserted { out.append(p) }
        }

        func walk(_ dir: String) {
            guard let handle = opendir(dir) else {
                errors.append(InputError(path: dir, message: "cannot read folder: \(errnoText())"))
                return
            }
            var names: [String] = []
            while let entry = readdir(handle) {
                let name = withUnsafePointer(to: entry.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
                }
                if name.hasPrefix(".") { continue }
                names.append(name)
            }
            closedir(handle)
            names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for name in names {
                let child = dir == "." ? name : dir.hasSuffix("/") ? dir + name : dir + "/" + name
                var st = stat()
                guard stat(child, &st) == 0 else {
                    // A dangling symlink or a file that vanished: say so, do not guess.
                    errors.append(InputError(path: child, message: "cannot read: \(errnoText())"))
                    continue
                }
                if (st.st_mode & S_IFMT) == S_IFDIR {
                    if seenDirs.insert([UInt64(st.st_dev), UInt64(st.st_ino)]).inserted { walk(child) }
                } else if (st.st_mode & S_IFMT) == S_IFREG {
                    let lower = name.lowercased()
                    if !readable.contains(where: { lower.hasSuffix($0) }) {
                        skippedCount += 1
                        if skipped.count < 20 { skipped.append(child) }
                    } else if filter?(child) == false {
                        excludedCount += 1
                    } else {
                        add(child)
                    }
                }
            }
        }

        for path in paths {
            if path == "-" {
                add(path)
                continue
            }
            var st = stat()
            guard stat(path, &st) == 0 else {
                errors.append(InputError(path: path, message: errno == ENOENT ? "no such file or folder" : "cannot read: \(errnoText())"))
                continue
            }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                if seenDirs.insert([UInt64(st.st_dev), UInt64(st.st_ino)]).inserted { walk(path) }
            } else {
                add(path)
            }
        }
        return Collected(paths: out, errors: errors, skipped: skipped, skippedCount: skippedCount, excludedCount: excludedCount)
    }

    /// What reading a file gave: its bytes, or its size when it is over the limit.
    public enum ReadResult: Sendable {
        case bytes([UInt8])
        case tooLarge(Int)
    }

    /// Reads a whole file (or standard input for `-`), refusing more than `limit` bytes.
    public static func read(_ path: String, limit: Int) -> Result<ReadResult, InputError> {
        let fd: Int32 = path == "-" ? 0 : open(path, O_RDONLY)
        guard fd >= 0 else { return .failure(InputError(path: path, message: "cannot open: \(errnoText())")) }
        defer { if fd != 0 { close(fd) } }
        var st = stat()
        if fstat(fd, &st) == 0 {
            if (st.st_mode & S_IFMT) == S_IFDIR {
                return .failure(InputError(path: path, message: "is a folder"))
            }
            if (st.st_mode & S_IFMT) == S_IFREG && Int(st.st_size) > limit { return .success(.tooLarge(Int(st.st_size))) }
        }
        var bytes: [UInt8] = []
        if (st.st_mode & S_IFMT) == S_IFREG { bytes.reserveCapacity(Int(st.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(InputError(path: path, message: "cannot read: \(errnoText())"))
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > limit { return .success(.tooLarge(bytes.count)) }
        }
        return .success(.bytes(bytes))
    }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    public static func isFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
