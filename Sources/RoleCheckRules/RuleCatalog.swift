import Synchronization
import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// The short facts about a rule that every run needs (compiled in; no parsing at start-up).
public struct RuleSummary: Sendable, Hashable {
    public var id: String
    public var title: String
    public var severity: Severity
    public var category: String
    public var tags: [String]
}

/// The rules' metadata, embedded from `rules/*.yaml` by `scripts/embed-rules.py`.
/// Summaries are compiled in; full descriptions are parsed from the embedded YAML on first use.
public enum RuleCatalog {
    public static var summaries: [RuleSummary] { EmbeddedRules.summaries }

    /// Summaries by id: looked up for every rule of every document and every finding.
    private static let summaryIndex: [String: RuleSummary] =
        Dictionary(EmbeddedRules.summaries.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })

    public static func summary(for id: String) -> RuleSummary? {
        summaryIndex[id]
    }

    public static func defaultSeverity(_ id: String) -> Severity {
        summary(for: id)?.severity ?? .warning
    }

    /// The embedded YAML source of each rule, keyed by file name (`RC205.yaml`).
    public static var sources: [(file: String, yaml: String)] { EmbeddedRules.sources }

    private static let parsed = Mutex<[String: RuleDescription]?>(nil)

    /// Every rule's full description, sorted by id.
    public static var all: [RuleDescription] {
        loadAll().values.sorted { $0.id < $1.id }
    }

    public static func description(for id: String) -> RuleDescription? {
        loadAll()[id.uppercased()]
    }

    private static func loadAll() -> [String: RuleDescription] {
        parsed.withLock { cache in
            if let cache { return cache }
            var out: [String: RuleDescription] = [:]
            for (file, yaml) in EmbeddedRules.sources {
                // The embedded sources are checked by the test suite; a broken one is a build defect.
                if case .success(let d) = RuleMetadataParser.parse(yaml: yaml, fileName: file) { out[d.id] = d }
            }
            cache = out
            return out
        }
    }
}

/// Reads a rule's YAML metadata file into a `RuleDescription`, with precise errors for the
/// repository's consistency test.
public enum RuleMetadataParser {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    static let knownKeys: Set<String> = [
        "id", "title", "severity", "category", "tags", "description", "rationale", "remediation", "notes",
        "references", "security-severity", "examples",
    ]

    public static func parse(yaml: String, fileName: String) -> Result<RuleDescription, Failure> {
        let file = SourceFile(path: fileName, text: yaml)
        let result = YAMLLoader.parse(file: file)
        if let error = result.error {
            let p = file.position(ofOffset: error.offset)
            return .failure(Failure(message: "\(fileName):\(p.line):\(p.column): \(error.message)"))
        }
        guard result.documents.count == 1, result.documents[0].root.kind == .object else {
            return .failure(Failure(message: "\(fileName): expected one YAML mapping"))
        }
        let root = result.documents[0].root
        func fail(_ node: Node?, _ message: String) -> Result<RuleDescription, Failure> {
            let p = (node ?? root).range.start
            return .failure(Failure(message: "\(fileName):\(p.line):\(p.column): \(message)"))
        }
        for (key, _) in root.members where !knownKeys.contains(key.string ?? "") {
            return fail(key, "unknown key '\(key.string ?? "")'")
        }
        func text(_ key: String, required: Bool = true) -> String? {
            guard let n = root[key] else { return required ? nil : "" }
            return n.kind == .string ? n.string : nil
        }
        guard let id = text("id") else { return fail(root["id"], "'id' must be a string") }
        guard let title = text("title") else { return fail(root["title"], "'title' must be a string") }
        guard let sev = text("severity"), let severity = Severity(rawValue: sev) else {
            return fail(root["severity"], "'severity' must be error, warning or note")
        }
        guard let category = text("category") else { return fail(root["category"], "'category' must be a string") }
        guard let description = text("description") else { return fail(root["description"], "'description' must be a string") }
        guard let rationale = text("rationale") else { return fail(root["rationale"], "'rationale' must be a string") }
        guard let remediation = text("remediation") else { return fail(root["remediation"], "'remediation' must be a string") }
        let notes = root["notes"]?.string
        var tags: [String] = []
        if let t = root["tags"] {
            guard t.kind == .array, t.elements.allSatisfy({ $0.kind == .string }) else {
                return fail(t, "'tags' must be a list of strings")
            }
            tags = t.elements.compactMap(\.string)
        }
        var references: [String] = []
        if let r = root["references"] {
            guard r.kind == .array, r.elements.allSatisfy({ $0.kind == .string }) else {
                return fail(r, "'references' must be a list of strings")
            }
            references = r.elements.compactMap(\.string)
        }
        var securitySeverity: Double?
        if let s = root["security-severity"] {
            guard let v = s.number, v >= 0, v <= 10 else { return fail(s, "'security-severity' must be a number from 0 to 10") }
            securitySeverity = v
        }
        guard let examples = root["examples"], examples.kind == .object else {
            return fail(root["examples"], "'examples' must be a mapping with 'triggering' and 'non-triggering'")
        }
        for (key, _) in examples.members where !["triggering", "non-triggering"].contains(key.string ?? "") {
            return fail(key, "unknown key '\(key.string ?? "")' in examples")
        }
        func readExamples(_ key: String) -> Result<[RuleExample], Failure> {
            guard let list = examples[key], list.kind == .array, list.count > 0 else {
                let p = (examples[key] ?? examples).range.start
                return .failure(Failure(message: "\(fileName):\(p.line):\(p.column): examples.\(key) must be a non-empty list"))
            }
            var out: [RuleExample] = []
            for item in list.elements {
                let p = item.range.start
                let at = "\(fileName):\(p.line):\(p.column)"
                guard item.kind == .object else { return .failure(Failure(message: "\(at): an example must be a mapping")) }
                for (k, _) in item.members where !["title", "file", "content", "files", "fixed"].contains(k.string ?? "") {
                    return .failure(Failure(message: "\(at): unknown key '\(k.string ?? "")' in an example"))
                }
                // `fixed` (the file after the rule's fix) belongs to triggering examples only.
                func fixed(_ n: Node) -> Result<String?, Failure> {
                    guard let f = n["fixed"] else { return .success(nil) }
                    guard key == "triggering", let text = f.string else {
                        let q = f.range.start
                        return .failure(Failure(message: "\(fileName):\(q.line):\(q.column): 'fixed' must be a string, in a triggering example"))
                    }
                    return .success(text)
                }
                var files: [ExampleFile] = []
                if let name = item["file"]?.string, let content = item["content"]?.string {
                    switch fixed(item) {
                    case .success(let f): files.append(ExampleFile(name: name, content: content, fixed: f))
                    case .failure(let e): return .failure(e)
                    }
                } else if let list = item["files"], list.kind == .array {
                    if let f = item["fixed"] {
                        let q = f.range.start
                        return .failure(Failure(message: "\(fileName):\(q.line):\(q.column): with 'files', give 'fixed' per file"))
                    }
                    for f in list.elements {
                        guard let name = f["file"]?.string, let content = f["content"]?.string else {
                            return .failure(Failure(message: "\(at): each of 'files' needs 'file' and 'content' strings"))
                        }
                        for (k, _) in f.members where !["file", "content", "fixed"].contains(k.string ?? "") {
                            return .failure(Failure(message: "\(at): unknown key '\(k.string ?? "")' in an example's file"))
                        }
                        switch fixed(f) {
                        case .success(let fx): files.append(ExampleFile(name: name, content: content, fixed: fx))
                        case .failure(let e): return .failure(e)
                        }
                    }
                }
                guard !files.isEmpty else {
                    return .failure(Failure(message: "\(at): an example needs 'file' and 'content', or 'files'"))
                }
                out.append(RuleExample(title: item["title"]?.string, files: files))
            }
            return .success(out)
        }
        let triggering: [RuleExample]
        switch readExamples("triggering") {
        case .success(let e): triggering = e
        case .failure(let f): return .failure(f)
        }
        let nonTriggering: [RuleExample]
        switch readExamples("non-triggering") {
        case .success(let e): nonTriggering = e
        case .failure(let f): return .failure(f)
        }
        return .success(RuleDescription(id: id, title: title, severity: severity, category: category, tags: tags,
                                        description: description, rationale: rationale, remediation: remediation,
                                        notes: notes, references: references, securitySeverity: securitySeverity,
                                        triggering: triggering, nonTriggering: nonTriggering))
    }
}
