#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file of a scaffold: its path relative to the output folder, and its text.
public struct ScaffoldFile: Sendable, Equatable {
    public let path: String
    public let contents: String
    /// Written with the executable bit (the AWS CLI format's `apply.sh`).
    public let executable: Bool

    public init(path: String, contents: String, executable: Bool = false) {
        self.path = path
        self.contents = contents
        self.executable = executable
    }
}

/// `rolecheck scaffold`: a complete, least-privilege runtime-role setup for one arrangement.
public enum Scaffold {
    /// The files of the scaffold a request asks for, sorted by path. The same request gives the
    /// same bytes.
    public static func files(for request: ScaffoldRequest) throws(ScaffoldError) -> [ScaffoldFile] {
        let resolved = try request.validated()
        let plan = ScaffoldPlan.build(resolved)
        let files: [ScaffoldFile]
        switch resolved.format {
        case .cli: files = try CLIRenderer(plan: plan).render()
        case .cloudformation: files = CloudFormationRenderer(plan: plan).render()
        case .terraform: files = TerraformRenderer(plan: plan).render()
        }
        return files.sorted { $0.path < $1.path }
    }
}

/// Writes a scaffold's files into a folder.
public enum ScaffoldWriter {
    /// What was written, and what else the folder holds.
    public struct Outcome: Sendable {
        public let written: Int
        /// Files that were in the folder before, that the scaffold does not write (with `force`).
        public let others: [String]
    }

    /// Writes `files` under `directory`, creating it (and its parents) when needed. A folder that
    /// already holds something is refused unless `force` is set; then the scaffold's files are
    /// overwritten and every other file is left as it was.
    public static func write(_ files: [ScaffoldFile], to directory: String, force: Bool) throws(ScaffoldError) -> Outcome {
        guard !directory.isEmpty else { throw ScaffoldError("--output is empty; name the folder to write into") }
        let dir = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        var st = stat()
        var existing: [String] = []
        if stat(dir, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else {
                throw ScaffoldError("--output \(directory) exists and is not a folder")
            }
            existing = listFiles(dir, prefix: "")
            if !existing.isEmpty && !force {
                throw ScaffoldError("--output \(directory) is not empty (\(existing.count) file\(existing.count == 1 ? "" : "s")); choose a new or empty folder, or give --force to overwrite the scaffold's files there")
            }
            if existing.isEmpty && !force, !listEntries(dir).isEmpty {
                throw ScaffoldError("--output \(directory) is not empty; choose a new or empty folder, or give --force to write into it")
            }
        }
        for file in files {
            let path = dir + "/" + file.path
            let parent = String(path[..<path.lastIndex(of: "/")!])
            try makeDirectories(parent, for: directory)
            guard let handle = fopen(path, "wb") else {
                throw ScaffoldError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            let bytes = Array(file.contents.utf8)
            let n = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, handle) }
            let closed = fclose(handle)
            guard n == bytes.count, closed == 0 else {
                throw ScaffoldError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            chmod(path, file.executable ? 0o755 : 0o644)
        }
        let ours = Set(files.map(\.path))
        return Outcome(written: files.count, others: existing.filter { !ours.contains($0) }.sorted())
    }

    static func makeDirectories(_ path: String, for output: String) throws(ScaffoldError) {
        var st = stat()
        if stat(path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else { throw ScaffoldError("cannot write into \(path): it is not a folder") }
            return
        }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try makeDirectories(String(path[..<slash]), for: output)
        }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw ScaffoldError("cannot create \(path) for --output \(output): \(String(cString: strerror(errno)))")
        }
    }

    /// Every entry of a folder (hidden ones included).
    static func listEntries(_ path: String) -> [String] {
        guard let d = opendir(path) else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Regular files below a folder, relative to it.
    static func listFiles(_ path: String, prefix: String) -> [String] {
        var out: [String] = []
        for name in listEntries(path) {
            var st = stat()
            let full = path + "/" + name
            guard lstat(full, &st) == 0 else { continue }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                out += listFiles(full, prefix: prefix + name + "/")
            } else {
                out.append(prefix + name)
            }
        }
        return out
    }
}
