import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

// The layers below report what they could not read as typed problems; here each kind is given
// the rule that reports it, and becomes a finding.

extension PolicyProblem.Kind {
    /// The rule that reports problems of this kind.
    public var rule: RuleID {
        switch self {
        case .grammar: .RC101
        case .version: .RC102
        case .malformedARN: .RC104
        case .conditionOperator: .RC105
        case .placeholder, .deletedPrincipal: .RC104
        }
    }

    /// The severity of this kind when it is not the rule's default: a placeholder is a note (a
    /// template to fill in), a deleted role's unique ID a warning.
    public var severity: Severity? {
        switch self {
        case .placeholder: .note
        case .deletedPrincipal: .warning
        default: nil
        }
    }
}

extension PolicyProblem {
    /// The problem as a finding of its rule, at the rule's default severity.
    public var finding: Finding {
        Finding(ruleId: kind.rule.rawValue, severity: kind.severity ?? RuleCatalog.defaultSeverity(kind.rule.rawValue), message: message,
                location: Location(node: node), identity: message)
    }
}

extension InputProblem.Kind {
    /// The rule that reports problems of this kind.
    public var rule: RuleID {
        switch self {
        case .syntax: .RC001
        case .skipped: .RC003
        case .unsupportedField: .RC005
        }
    }
}

extension InputProblem {
    /// The problem as a finding of its rule, at the rule's default severity.
    public var finding: Finding {
        Finding(ruleId: kind.rule.rawValue, severity: RuleCatalog.defaultSeverity(kind.rule.rawValue), message: message,
                location: location, identity: identity)
    }
}
