import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// A check. Its metadata (title, severity, docs, examples) is not in the Swift code but in
/// `rules/<id>.yaml`, embedded in the binary and looked up by `id`.
public protocol Rule: Sendable {
    var id: RuleID { get }
}

/// A rule that looks at one recognised document at a time.
public protocol DocumentRule: Rule {
    /// The document kinds the rule wants; the engine calls it only for those.
    var kinds: Set<DocumentKind> { get }
    func check(_ document: ClassifiedDocument, in setup: Setup, _ context: inout RuleContext)
}

/// A rule that sees every document of the run at once, through the setup's indexes.
public protocol SetupRule: Rule {
    func check(_ setup: Setup, _ context: inout RuleContext)
}

/// Collects a rule's findings, with the rule's id and default severity filled in.
public struct RuleContext {
    public let ruleId: String
    public let defaultSeverity: Severity
    /// The IAM catalog of the run: the embedded one, or a `--catalog` overlay.
    public let catalog: IAMCatalog
    public private(set) var findings: [Finding] = []

    public init(ruleId: String, defaultSeverity: Severity, catalog: IAMCatalog = .shared) {
        self.ruleId = ruleId
        self.defaultSeverity = defaultSeverity
        self.catalog = catalog
    }

    public init(rule: RuleID, catalog: IAMCatalog = .shared) {
        self.init(ruleId: rule.rawValue, defaultSeverity: RuleCatalog.defaultSeverity(rule.rawValue), catalog: catalog)
    }

    /// Reports a finding at a node. `severity` lowers (or raises) the rule's default for this
    /// finding only — for the doubtful cases a rule documents.
    public mutating func report(_ message: String, at node: Node, severity: Severity? = nil,
                                related: [RelatedLocation] = [], identity: String? = nil, about subjects: [Subject] = [],
                                fix: Fix? = nil) {
        findings.append(Finding(ruleId: ruleId, severity: severity ?? defaultSeverity, message: message,
                                location: Location(node: node), related: related,
                                identity: identity ?? node.scalarText ?? "", subjects: subjects, fix: fix))
    }

    /// Adds subjects to the finding already reported at `node`: one finding that stands for the
    /// same mistake seen from several chains is about each of their hops.
    public mutating func attach(_ subjects: [Subject], toFindingAt node: Node) {
        let location = Location(node: node)
        guard let i = findings.lastIndex(where: { $0.location == location }) else { return }
        add(subjects, to: i)
    }

    /// Adds subjects to every finding reported since `index`.
    public mutating func attach(_ subjects: [Subject], toFindingsFrom index: Int) {
        guard !subjects.isEmpty else { return }
        for i in index..<findings.count { add(subjects, to: i) }
    }

    /// Merges subjects into a finding's (sorted, no duplicates, as `Finding` keeps them).
    private mutating func add(_ subjects: [Subject], to i: Int) {
        findings[i].subjects = Array(Set(findings[i].subjects + subjects)).sorted()
    }

    /// Reports a finding at an explicit location.
    public mutating func report(_ message: String, at location: Location, severity: Severity? = nil,
                                related: [RelatedLocation] = [], identity: String = "", about subjects: [Subject] = [],
                                fix: Fix? = nil) {
        findings.append(Finding(ruleId: ruleId, severity: severity ?? defaultSeverity, message: message,
                                location: location, related: related, identity: identity, subjects: subjects, fix: fix))
    }
}

/// Every rule rolecheck runs. The lists are generated (Generated/RuleRegistry.swift) by
/// `scripts/embed-rules.py` from the rule types under Sources/RoleCheckRules/; input rules RC001
/// (syntax), RC002 (duplicate keys) and RC003 are produced while reading and recognising.
public enum RuleRegistry {
    /// All implemented rule ids, sorted.
    public static var implementedIds: [String] {
        (builtinIds + documentRules.map(\.id) + setupRules.map(\.id)).map(\.rawValue).sorted()
    }
}
