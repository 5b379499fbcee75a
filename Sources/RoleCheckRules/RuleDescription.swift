import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// A file of a rule example. The file name's extension decides how it is read, as for real inputs.
/// In a triggering example, each `↓` marks where a finding of the rule must start; the marker is
/// removed before the example is linted.
///
/// A triggering example of a rule with a certain fix gives, for each file the fix changes, its
/// `fixed` content: what `rolecheck fix` must turn the file into, byte for byte.
public struct ExampleFile: Sendable, Hashable {
    public var name: String
    public var content: String
    /// The file after `rolecheck fix` (only for files the rule's fix changes).
    public var fixed: String?

    public init(name: String, content: String, fixed: String? = nil) {
        self.name = name
        self.content = content
        self.fixed = fixed
    }

    public static let marker: Character = "↓"

    /// The content without markers.
    public var cleanContent: String { content.filter { $0 != ExampleFile.marker } }
}

/// One example: a set of files linted together (one file for document rules, several for rules
/// that join documents).
public struct RuleExample: Sendable, Hashable {
    public var title: String?
    public var files: [ExampleFile]

    public init(title: String? = nil, files: [ExampleFile]) {
        self.title = title
        self.files = files
    }

    /// Whether the example shows the rule's fix.
    public var isFixed: Bool { files.contains { $0.fixed != nil } }
}

/// Everything a rule says about itself: the single source is `rules/RCnnn.yaml`, embedded in the
/// binary. The same examples test the rule and render its documentation.
public struct RuleDescription: Sendable {
    public var id: String
    public var title: String
    public var severity: Severity
    public var category: String
    public var tags: [String]
    /// What the rule checks.
    public var description: String
    /// Why it matters.
    public var rationale: String
    /// How to fix what it reports.
    public var remediation: String
    /// Choices made where AWS sources disagree or are silent (optional).
    public var notes: String?
    /// Where the rule's sources are (AWS documentation pages).
    public var references: [String]
    /// A security-relevant rule's severity score for GitHub code scanning (0.0–10.0), if any.
    public var securitySeverity: Double?
    public var triggering: [RuleExample]
    public var nonTriggering: [RuleExample]

    package init(id: String, title: String, severity: Severity, category: String, tags: [String], description: String,
                 rationale: String, remediation: String, notes: String?, references: [String], securitySeverity: Double?,
                 triggering: [RuleExample], nonTriggering: [RuleExample]) {
        self.id = id
        self.title = title
        self.severity = severity
        self.category = category
        self.tags = tags
        self.description = description
        self.rationale = rationale
        self.remediation = remediation
        self.notes = notes
        self.references = references
        self.securitySeverity = securitySeverity
        self.triggering = triggering
        self.nonTriggering = nonTriggering
    }

    public var isSecurity: Bool { tags.contains("security") }

    /// Where the rule's documentation lives in the repository.
    public var helpURI: String { "\(RoleCheck.repositoryURL)/blob/main/docs/rules/\(id).md" }
}

/// Facts about the tool itself.
public enum RoleCheck {
    public static let version = "0.1.0"
    public static let name = "rolecheck"
    public static let repositoryURL = "https://github.com/rolecheck/rolecheck"
    public static let informationURI = "https://github.com/rolecheck/rolecheck"
}
