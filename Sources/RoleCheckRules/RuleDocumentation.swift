import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// Renders a rule's documentation from its metadata and examples: the text of `rolecheck explain`,
/// the Markdown of `docs/rules/RCnnn.md` and of SARIF `help.markdown`. The examples are the ones
/// the test suite runs, so the documentation cannot drift from the behaviour.
public enum RuleDocumentation {
    public static func markdown(_ rule: RuleDescription) -> String {
        var out = "# \(rule.id): \(rule.title)\n\n"
        out += "| default severity | category | tags |\n|---|---|---|\n"
        out += "| \(rule.severity.rawValue) | \(rule.category) | \(rule.tags.map { "`\($0)`" }.joined(separator: " ")) |\n\n"
        out += "## What it checks\n\n\(trimmed(rule.description))\n\n"
        out += "## Why it matters\n\n\(trimmed(rule.rationale))\n\n"
        out += "## How to fix it\n\n\(trimmed(rule.remediation))\n\n"
        if let notes = rule.notes, !notes.isEmpty {
            out += "## Choices rolecheck makes\n\n\(trimmed(notes))\n\n"
        }
        out += "## Examples\n\n"
        out += "`↓` marks where rolecheck reports the finding.\n\n"
        out += "### Triggering\n\n"
        for example in rule.triggering { out += markdownExample(example) }
        out += "### Not triggering\n\n"
        for example in rule.nonTriggering { out += markdownExample(example) }
        if !rule.references.isEmpty {
            out += "## References\n\n"
            for r in rule.references { out += "- <\(r)>\n" }
            out += "\n"
        }
        out += "Suppress or re-grade it by its id, `\(rule.id)`.\n"
        return out
    }

    static func markdownExample(_ example: RuleExample) -> String {
        var out = ""
        if let title = example.title { out += "**\(title)**\n\n" }
        for file in example.files {
            let lang = file.name.hasSuffix(".json") ? "json" : "yaml"
            out += "`\(file.name)`\n\n"
            let fence = file.content.contains("```") ? "````" : "```"
            out += "\(fence)\(lang)\n\(visible(file.content))\(file.content.hasSuffix("\n") ? "" : "\n")\(fence)\n\n"
        }
        for file in example.files {
            guard let fixed = file.fixed else { continue }
            let lang = file.name.hasSuffix(".json") ? "json" : "yaml"
            out += "`rolecheck fix` makes `\(file.name)`:\n\n"
            let fence = fixed.contains("```") ? "````" : "```"
            out += "\(fence)\(lang)\n\(visible(fixed))\(fixed.hasSuffix("\n") ? "" : "\n")\(fence)\n\n"
        }
        return out
    }

    /// Plain text for a terminal.
    public static func text(_ rule: RuleDescription) -> String {
        var out = "\(rule.id): \(rule.title)\n"
        out += "default severity: \(rule.severity.rawValue); category: \(rule.category)"
        if !rule.tags.isEmpty { out += "; tags: \(rule.tags.joined(separator: ", "))" }
        out += "\n\n"
        out += section("What it checks", rule.description)
        out += section("Why it matters", rule.rationale)
        out += section("How to fix it", rule.remediation)
        if let notes = rule.notes, !notes.isEmpty { out += section("Choices rolecheck makes", notes) }
        out += "Examples (↓ marks where the finding is reported)\n\n"
        for (i, example) in rule.triggering.enumerated() {
            out += exampleText("Triggering \(i + 1)", example)
        }
        for (i, example) in rule.nonTriggering.enumerated() {
            out += exampleText("Not triggering \(i + 1)", example)
        }
        if !rule.references.isEmpty {
            out += "References\n"
            for r in rule.references { out += "  \(r)\n" }
            out += "\n"
        }
        out += "Documentation: \(rule.helpURI)\n"
        return out
    }

    static func section(_ title: String, _ body: String) -> String {
        "\(title)\n" + indent(trimmed(body)) + "\n\n"
    }

    static func exampleText(_ label: String, _ example: RuleExample) -> String {
        var out = "  \(label)" + (example.title.map { ": \($0)" } ?? "") + "\n"
        for file in example.files {
            out += "    \(file.name)\n"
            for line in visible(file.content).split(separator: "\n", omittingEmptySubsequences: false).dropLast(file.content.hasSuffix("\n") ? 1 : 0) {
                out += "      │ \(line)\n"
            }
        }
        for file in example.files {
            guard let fixed = file.fixed else { continue }
            out += "    \(file.name), after rolecheck fix\n"
            for line in visible(fixed).split(separator: "\n", omittingEmptySubsequences: false).dropLast(fixed.hasSuffix("\n") ? 1 : 0) {
                out += "      │ \(line)\n"
            }
        }
        return out + "\n"
    }

    /// Makes tabs visible in rendered examples (a tab is the point of some of them).
    static func visible(_ s: String) -> String { s.replacing("\t", with: "→   ") }

    static func indent(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
    }

    static func trimmed(_ s: String) -> String {
        var t = Substring(s)
        while t.last == "\n" || t.last == " " { t = t.dropLast() }
        return String(t)
    }
}
