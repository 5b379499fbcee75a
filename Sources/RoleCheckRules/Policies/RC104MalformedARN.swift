import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC104: a malformed ARN, account ID or principal. Placeholders where account IDs belong (a
/// template to fill in) are one note per file, not one finding per ARN.
public struct RC104MalformedARN: PolicyRule {
    public let id: RuleID = .RC104
    public init() {}
    public func check(_ policy: PolicyDocument, _ context: inout RuleContext) { reportProblems(policy, &context) }

    public func check(_ document: ClassifiedDocument, in setup: Setup, _ context: inout RuleContext) {
        checkPolicies(of: document, in: setup, &context)
        let placeholders = setup.policies(in: document).flatMap { $0.problems.filter { $0.kind == .placeholder } }
        guard let first = placeholders.first else { return }
        let texts = placeholders.compactMap { $0.node.scalarText }
        var seen: Set<String> = []
        let distinct = texts.filter { seen.insert($0).inserted }
        let shown = distinct.prefix(3).map { "\"\($0)\"" }.joined(separator: ", ")
        context.report("this file is a template: \(placeholders.count) ARN\(placeholders.count == 1 ? "" : "s") hold\(placeholders.count == 1 ? "s" : "") a placeholder where an account ID belongs (\(shown)\(distinct.count > 3 ? ", …" : "")); rolecheck reads them as written, so checks that join accounts are not meaningful until the placeholders are filled in",
                       at: first.node, severity: .note, identity: "placeholders")
    }
}
