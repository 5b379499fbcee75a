import Dispatch
import Synchronization
import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel
import RoleCheckRules

/// Options of one run.
public struct LintOptions: Sendable {
    public var limits: ParseLimits = .default
    /// The configuration file's settings, if one was found or named.
    public var configuration: Configuration?
    /// The baseline: findings it holds are not reported (see `Baseline`).
    public var baseline: Baseline?
    /// The day `until:` dates of suppressions are compared with (UTC; injectable for tests).
    public var today: CalendarDate = .today()
    /// Reads the `.tf` files of a local Terraform module's directory (`module { source = "./…" }`);
    /// nil: local modules are not followed.
    public var terraformModuleReader: (@Sendable (String) -> [SourceFile])?
    /// Changed-files mode: the files whose findings will be reported (nil: all). The other files
    /// complete the setup; rules skip work whose findings could only land in them (document rules
    /// on their documents, chains that run through none of the focused files). The findings in
    /// focused files are the same as without it (tested on every sample).
    public var focus: (@Sendable (String) -> Bool)?
    /// The IAM catalog the IAM rules judge by: the embedded one, or a catalog directory laid over
    /// it (`--catalog`, the configuration's `catalog`; see `CatalogDirectory`).
    public var catalog: IAMCatalog = .shared

    public init() {}
}

/// One input of a run: a file's bytes, or a file too large to read.
public enum LintInput: Sendable {
    case file(SourceFile)
    case tooLarge(path: String, size: Int)
}

extension LintInput {
    public var path: String {
        switch self {
        case .file(let f): f.path
        case .tooLarge(let path, _): path
        }
    }

    /// Inputs sorted by path bytes; equal paths by size, then bytes.
    static func canonicalOrder(_ a: LintInput, _ b: LintInput) -> Bool {
        let (pa, pb) = (a.path, b.path)
        if pa != pb { return pa.utf8.lexicographicallyPrecedes(pb.utf8) }
        switch (a, b) {
        case (.file(let x), .file(let y)):
            if x.byteCount != y.byteCount { return x.byteCount < y.byteCount }
            return x.bytes.lexicographicallyPrecedes(y.bytes)
        case (.tooLarge, .file): return true
        default: return false
        }
    }
}

/// Runs the pipeline: read → recognise → model → rules → sorted findings.
public struct Linter: Sendable {
    public var options: LintOptions

    public init(options: LintOptions = LintOptions()) {
        self.options = options
    }

    public func lint(files: [SourceFile]) -> LintReport {
        lint(inputs: files.map { .file($0) })
    }

    public func lint(inputs: [LintInput]) -> LintReport {
        analyze(inputs: inputs).report
    }

    /// Lints and also returns the setup the findings were drawn from (for `rolecheck graph`).
    public func analyze(inputs given: [LintInput]) -> (report: LintReport, setup: Setup) {
        // The report is a function of the set of inputs, not of their order: every join, every
        // "first" and every dedup below sees the inputs sorted by path (then by content, for the
        // rare run that names one path twice).
        var inputs = given.sorted(by: LintInput.canonicalOrder)
        var findings: [Finding] = []
        var classified: [ClassifiedDocument] = []
        var documents: [Document] = []
        var files: [SourceFile] = []
        var comments: [String: [SuppressionComment]] = [:]
        let rc001 = RuleCatalog.defaultSeverity("RC001")
        let rc003 = RuleCatalog.defaultSeverity("RC003")

        // `.tf` files are read together, a directory at a time: a module spans its files.
        var terraform: [ObjectIdentifier: LoadedFile] = [:]
        let tfFiles: [SourceFile] = inputs.compactMap { if case .file(let f) = $0, f.path.hasSuffix(".tf") { return f }; return nil }
        if !tfFiles.isEmpty {
            let given = Set(tfFiles.map(ObjectIdentifier.init))
            for l in TerraformHCL.load(tfFiles, limits: options.limits, readModule: options.terraformModuleReader) {
                terraform[ObjectIdentifier(l.file)] = l
                // A local module's files, read because a given file calls the module.
                if !given.contains(ObjectIdentifier(l.file)) { inputs.append(.file(l.file)) }
            }
        }
        for input in inputs {
            let file: SourceFile
            switch input {
            case .tooLarge(let path, let size):
                let empty = SourceFile(path: path, bytes: [])
                files.append(empty)
                findings.append(Finding(ruleId: "RC001", severity: rc001,
                                        message: "file is \(size) bytes, over the \(options.limits.maxFileSize)-byte limit; it was not read",
                                        location: Location(file: path, range: empty.range(from: 0, to: 0), pointer: nil),
                                        identity: "size"))
                continue
            case .file(let f):
                file = f
            }
            files.append(file)
            let loaded = terraform[ObjectIdentifier(file)] ?? DocumentLoader.load(file, limits: options.limits)
            if loaded.format == .yaml || loaded.format == .hcl {
                let found = SuppressionScanner.scan(file, documents: loaded.documents, parsed: loaded.error == nil)
                if !found.isEmpty { comments[file.path, default: []].append(contentsOf: found) }
            }
            if let error = loaded.error {
                let start = error.offset
                let end = error.endOffset ?? nextScalarEnd(file.bytes, start)
                let format = loaded.format.displayName
                findings.append(Finding(ruleId: "RC001", severity: rc001, message: "invalid \(format): \(error.message)",
                                        location: Location(file: file.path, range: file.range(from: start, to: end),
                                                           pointer: nil, documentIndex: loaded.documents.count),
                                        identity: error.message))
            } else if loaded.documents.isEmpty && loaded.format != .hcl {
                // (A `.tf` file of variables, outputs or providers holds no resource: nothing to say.)
                findings.append(Finding(ruleId: "RC003", severity: rc003, message: "the file holds no document; nothing was checked",
                                        location: Location(file: file.path, range: file.range(from: 0, to: 0), pointer: ""),
                                        identity: "empty"))
            }
            for doc in loaded.documents {
                documents.append(doc)
                if let kind = DocumentClassifier.classify(doc) {
                    classified.append(ClassifiedDocument(document: doc, kind: kind))
                } else {
                    findings.append(Finding(ruleId: "RC003", severity: rc003, message: unrecognisedMessage(doc),
                                            location: Location(node: doc.root), identity: "unrecognised"))
                }
            }
        }

        var model = ModelBuilder(limits: options.limits, configuration: options.configuration?.setup)
        model.prepare(classified)
        for doc in classified { model.add(doc) }
        findings.append(contentsOf: model.problems.map(\.finding))
        let setup = Setup(documents: classified, model: model, focus: options.focus)
        // The builder's own indexes (roles by account and name, policies waiting to be taken)
        // are not needed once the setup holds its own: free them before the rules run.
        model = ModelBuilder()

        findings.append(contentsOf: duplicateKeyFindings(documents + setup.embeddedDocuments))

        // Every (document, rule) pair and every setup rule is one job; the jobs read the setup
        // and nothing else, so they run on all cores. Findings are collected per job and joined
        // in job order (and sorted below), so the output does not depend on the scheduling.
        var jobs: [RuleJob] = []
        for doc in classified where options.focus?(doc.document.file.path) ?? true {
            for rule in RuleRegistry.documentRules where rule.kinds.contains(doc.kind) && !isOff(rule.id.rawValue) {
                jobs.append(.document(rule, doc))
            }
        }
        for rule in RuleRegistry.setupRules where !isOff(rule.id.rawValue) { jobs.append(.setup(rule)) }
        findings.append(contentsOf: RuleJob.run(jobs, setup: setup, catalog: options.catalog))

        findings.sort(by: Finding.reportOrder)
        var unique: [Finding] = []
        unique.reserveCapacity(findings.count)
        for f in findings where unique.last != f { unique.append(f) }
        let filters = FindingFilters(configuration: options.configuration, today: options.today, baseline: options.baseline)
        let (shown, suppressed) = filters.apply(unique, comments: comments, lintedFiles: files.map(\.path))
        return (LintReport(findings: shown, files: files, documentCount: documents.count,
                           recognizedDocumentCount: classified.count, suppressed: suppressed, catalog: options.catalog), setup)
    }

    /// Whether the configuration turns the rule off (it is then not run at all).
    func isOff(_ ruleId: String) -> Bool { options.configuration?.isOff(ruleId) ?? false }

    func duplicateKeyFindings(_ documents: [Document]) -> [Finding] {
        let severity = RuleCatalog.defaultSeverity("RC002")
        var out: [Finding] = []
        for doc in documents {
            for dup in doc.duplicateKeys {
                let name = dup.key.string ?? ""
                let first = Location(node: dup.first)
                out.append(Finding(ruleId: "RC002", severity: severity,
                                   message: "key \"\(name)\" appears more than once in this object; AWS keeps only one of the values without saying which (rolecheck reads the last)",
                                   location: Location(node: dup.key),
                                   related: [RelatedLocation(location: first, message: "first \"\(name)\" here")],
                                   identity: name))
            }
        }
        return out
    }

    func unrecognisedMessage(_ doc: Document) -> String {
        let root = doc.root
        guard root.kind == .object else {
            return "the document is \(root.kind.withArticle), not one of the shapes rolecheck recognises; it was skipped"
        }
        let keys = root.members.compactMap { $0.key.string }
        let shown = keys.prefix(5).joined(separator: ", ")
        let more = keys.count > 5 ? ", …" : ""
        return keys.isEmpty
            ? "the document is an empty object, not one of the shapes rolecheck recognises; it was skipped"
            : "the document (top-level keys: \(shown)\(more)) is not one of the shapes rolecheck recognises; it was skipped"
    }

    /// End of the character at `offset` (so an error range covers one character).
    func nextScalarEnd(_ bytes: [UInt8], _ offset: Int) -> Int {
        guard offset < bytes.count else { return offset }
        var e = offset + 1
        while e < bytes.count && bytes[e] & 0xC0 == 0x80 && e - offset < 4 { e += 1 }
        return e
    }
}

/// One rule run: a document rule on one document, or a setup rule.
enum RuleJob: Sendable {
    case document(any DocumentRule, ClassifiedDocument)
    case setup(any SetupRule)

    var ruleId: RuleID {
        switch self {
        case .document(let rule, _): rule.id
        case .setup(let rule): rule.id
        }
    }

    func run(_ setup: Setup, catalog: IAMCatalog) -> [Finding] {
        var context = RuleContext(rule: ruleId, catalog: catalog)
        switch self {
        case .document(let rule, let doc): rule.check(doc, in: setup, &context)
        case .setup(let rule): rule.check(setup, &context)
        }
        return context.findings
    }

    /// Runs the jobs on every core (`concurrentPerform`); the result is in job order.
    static func run(_ jobs: [RuleJob], setup: Setup, catalog: IAMCatalog) -> [Finding] {
        guard jobs.count > 1 else { return jobs.flatMap { $0.run(setup, catalog: catalog) } }
        let results = Mutex<[[Finding]]>(Array(repeating: [], count: jobs.count))
        DispatchQueue.concurrentPerform(iterations: jobs.count) { i in
            let found = jobs[i].run(setup, catalog: catalog)
            results.withLock { $0[i] = found }
        }
        return results.withLock { $0.flatMap { $0 } }
    }
}
