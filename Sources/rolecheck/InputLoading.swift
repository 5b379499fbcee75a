import RoleCheckKit
import Foundation

/// What `lint` and `graph` share: finding the configuration and reading the inputs.
enum InputLoading {
    /// The run's configuration (`--config`, a linted folder's root, or upward from here);
    /// a problem with it is a usage failure (exit 2).
    static func configuration(explicit: String?, paths: [String]) throws -> Configuration? {
        switch ConfigurationLoader.find(explicit: explicit, paths: paths, workingDirectory: Terminal.currentDirectory()) {
        case .success(let c): return c
        case .failure(let e): throw UsageFailure(description: e.message)
        }
    }

    /// The IAM catalog of the run: `--catalog DIR`, else the configuration's `catalog`, else the
    /// embedded one. A directory that cannot be used is a usage failure (exit 2).
    static func catalog(explicit: String?, configuration: Configuration?) throws -> IAMCatalog {
        let given: (path: String, option: String)?
        if let explicit {
            given = (explicit, "--catalog")
        } else if let c = configuration, let path = c.catalogPath {
            given = (path, "\(c.catalogPosition ?? c.path): catalog")
        } else {
            given = nil
        }
        guard let given else { return .shared }
        switch CatalogDirectory.load(given.path, option: given.option) {
        case .success(let catalog): return catalog
        case .failure(let e): throw UsageFailure(description: e.message)
        }
    }

    /// Expands the paths (the configuration's include/exclude and extra extensions applied). A run
    /// that finds nothing to read is a usage failure (exit 2) that says what it skipped.
    static func collect(_ paths: [String], configuration: Configuration?) throws -> Inputs.Collected {
        let collected = Inputs.collect(paths, filter: configuration.map { c in { c.admits($0) } },
                                       extraExtensions: configuration?.extensions ?? [])
        if collected.paths.isEmpty && collected.errors.isEmpty {
            throw UsageFailure(description: collected.nothingToReadMessage(paths, extensions: Inputs.extensions + (configuration?.extensions ?? [])))
        }
        return collected
    }

    /// Reads collected paths (`-` is standard input, reported as `stdinName`); a file over the
    /// limit becomes an input that RC001 reports, an unreadable one an input error.
    static func read(_ paths: [String], stdinName: String, limit: Int) -> (inputs: [LintInput], errors: [InputError]) {
        var inputs: [LintInput] = []
        var errors: [InputError] = []
        for path in paths {
            let display = path == "-" ? stdinName : path
            switch Inputs.read(path, limit: limit) {
            case .success(.bytes(let bytes)):
                inputs.append(.file(SourceFile(path: display, bytes: bytes, readFrom: path == "-" ? nil : path)))
            case .success(.tooLarge(let size)): inputs.append(.tooLarge(path: display, size: size))
            case .failure(let error): errors.append(error)
            }
        }
        return (inputs, errors)
    }

    /// The `.tf` files directly in a directory, sorted (a Terraform module's files).
    static func terraformFiles(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".tf") && !$0.hasPrefix(".") }.sorted()
            .map { directory == "." ? $0 : directory + "/" + $0 }
            .filter { Inputs.isFile($0) }
    }

    /// Reads a local Terraform module's `.tf` files from disk, for lint and graph.
    static let terraformModuleReader: @Sendable (String) -> [SourceFile] = { dir in terraformFiles(in: dir).compactMap(readFile) }

    /// A file as a SourceFile, nil when it cannot be read (or is over the size limit).
    @Sendable static func readFile(_ path: String) -> SourceFile? {
        guard case .success(.bytes(let bytes)) = Inputs.read(path, limit: ParseLimits.default.maxFileSize) else { return nil }
        return SourceFile(path: path, bytes: bytes)
    }
}
