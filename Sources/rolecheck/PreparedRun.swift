import ArgumentParser
import RoleCheckKit

/// What `lint` and `fix` share before the rules run: the configuration, the threshold, the
/// baseline, the inputs (with changed-files mode's context and a `.tf` file's directory), and
/// which files' findings are shown.
struct PreparedRun {
    var options: LintOptions
    /// --fail-on, else the configuration's fail-on, else error (nil: never fail).
    var threshold: Severity?
    var inputs: [LintInput]
    var inputErrors: [InputError]
    /// In changed-files mode, the named files (their findings alone are reported); nil otherwise.
    var shown: ((String) -> Bool)?

    static func prepare(paths: [String], config: String?, failOn: FailOn?, baseline: String?, useBaseline: Bool,
                        stdinFilename: String?, catalog: String? = nil) throws -> PreparedRun {
        var options = LintOptions()
        options.configuration = try InputLoading.configuration(explicit: config, paths: paths)
        options.catalog = try InputLoading.catalog(explicit: catalog, configuration: options.configuration)
        let threshold = FailOn(rawValue: failOn?.rawValue ?? options.configuration?.failOn?.rawValue ?? "error")?.threshold
        // --write-baseline records everything the run finds, so no baseline hides anything then.
        if useBaseline, let path = baseline ?? options.configuration?.baselinePath {
            switch Baseline.load(path: path) {
            case .success(let b): options.baseline = b
            case .failure(let e): throw UsageFailure(description: e.message)
            }
        }
        let configuration = options.configuration
        // Changed-files mode: only files are named and the configuration gives a setup context.
        // The context completes the setup; only the named files' findings are reported.
        let namedFiles = paths.filter { $0 != "-" && Inputs.isFile($0) }
        // A `.tf` file is part of its directory's module: named alone, its directory is read too
        // (the module's other files complete it) and only the named files are reported.
        let namedTerraform = namedFiles.filter { $0.hasSuffix(".tf") }
        let changedFilesMode = (!(configuration?.setup.context.isEmpty ?? true) || !namedTerraform.isEmpty)
            && !paths.isEmpty && namedFiles.count == paths.count
        var toCollect = paths
        if changedFilesMode, let c = configuration {
            toCollect += c.setup.context.map { PathPattern.normalize(c.baseDirectory == "." ? $0 : c.baseDirectory + "/" + $0) }
        }
        for f in namedTerraform {
            let dir = f.contains("/") ? String(f[..<f.lastIndex(of: "/")!]) : "."
            toCollect += InputLoading.terraformFiles(in: dir).filter { $0 != f }
        }
        options.terraformModuleReader = InputLoading.terraformModuleReader
        var collected = try InputLoading.collect(toCollect, configuration: configuration)
        let cwd = Terminal.currentDirectory() ?? "."
        let fileKey: @Sendable (String) -> String = { p in PathPattern.normalize(p.hasPrefix("/") ? p : cwd + "/" + p) }
        if changedFilesMode {
            // A file named and also found in the context is read once, under the name given.
            var seen: Set<String> = []
            collected.paths = collected.paths.filter { seen.insert(fileKey($0)).inserted }
        }
        let (inputs, readErrors) = InputLoading.read(collected.paths, stdinName: stdinFilename ?? "<stdin>",
                                                     limit: options.limits.maxFileSize)
        var shown: ((String) -> Bool)?
        if changedFilesMode {
            let named = Set(namedFiles.map(fileKey))
            shown = { named.contains(fileKey($0)) }
            // The rules ask for every node they look at: the inputs' paths are matched once.
            let focused = Set(inputs.map(\.path).filter { named.contains(fileKey($0)) })
            options.focus = { focused.contains($0) }
        }
        return PreparedRun(options: options, threshold: threshold, inputs: inputs, inputErrors: collected.errors + readErrors,
                           shown: shown)
    }
}
