import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel
import RoleCheckRules
import RoleCheckEngine

/// The report formats of `rolecheck lint --format`.
public enum OutputFormat: String, CaseIterable, Sendable {
    /// Compiler-style diagnostics with source lines (`TextReporter`).
    case text
    /// The versioned JSON report (`JSONReporter`, docs/json-output.md).
    case json
    /// SARIF 2.1.0 for code scanning (`SARIFReporter`).
    case sarif
    /// GitHub Actions workflow commands and a step summary (`GitHubReporter`).
    case github
    /// GitLab Code Quality JSON for the merge-request widget (`GitLabReporter`).
    case gitlab
    /// JUnit XML for the test tabs of Jenkins, Azure DevOps, CircleCI and GitLab (`JUnitReporter`).
    case junit
    /// One self-contained page for people: summary, chain pictures, findings, filters (`HTMLReporter`).
    case html
}
