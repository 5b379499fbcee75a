import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// A rule that looks at each IAM policy on its own, wherever it was found (a policy file, a CLI
/// export, a string inside another document).
public protocol PolicyRule: DocumentRule {
    func check(_ policy: PolicyDocument, _ context: inout RuleContext)
    /// Whether the rule judges a policy that grants nothing: one used only as a permissions
    /// boundary, or an organisation's SCP or RCP (default true). A rule about what a policy
    /// grants says false.
    var judgesBoundaries: Bool { get }
    /// Whether the rule judges an AWS-managed policy (default false). AWS wrote it, IAM accepted
    /// it, and the user cannot edit it: grammar, hygiene and quota rules have nothing to say to
    /// the user about it. A rule about what attaching it grants says true.
    var judgesAWSManaged: Bool { get }
}

extension PolicyRule {
    public var kinds: Set<DocumentKind> { DocumentKind.policyBearing }
    public var judgesBoundaries: Bool { true }
    public var judgesAWSManaged: Bool { false }

    public func check(_ document: ClassifiedDocument, in setup: Setup, _ context: inout RuleContext) {
        checkPolicies(of: document, in: setup, &context)
    }

    /// Runs the rule on each policy of the document, the findings about what each belongs to.
    func checkPolicies(of document: ClassifiedDocument, in setup: Setup, _ context: inout RuleContext) {
        checkPolicies(of: document, in: setup, &context) { policy, context in check(policy, &context) }
    }

    /// The same, with the check each policy gets (a rule that also needs the setup).
    func checkPolicies(of document: ClassifiedDocument, in setup: Setup, _ context: inout RuleContext,
                       _ checkPolicy: (PolicyDocument, inout RuleContext) -> Void) {
        for policy in setup.policies(in: document) {
            // A boundary, an SCP and an RCP grant nothing: rules about grants leave them alone.
            if !judgesBoundaries && (setup.isBoundaryOnly(policy) || policy.origin == .organization) { continue }
            if !judgesAWSManaged && policy.origin == .awsManaged { continue }
            let before = context.findings.count
            checkPolicy(policy, &context)
            // A finding about a policy is about what the policy belongs to.
            if context.findings.count > before { context.attach(setup.ownerSubjects(of: policy), toFindingsFrom: before) }
        }
    }

    /// Reports the problems the policy reader found for this rule, each with the fix `fix` gives.
    func reportProblems(_ policy: PolicyDocument, _ context: inout RuleContext, fix: (PolicyProblem) -> Fix? = { _ in nil }) {
        for p in policy.problems where p.kind.rule == id && p.kind != .placeholder {
            context.report("\(p.message) (\(policy.label))", at: p.node, severity: p.kind.severity, identity: p.message, fix: fix(p))
        }
    }
}

extension DocumentKind {
    /// Documents that hold IAM policies.
    public static let policyBearing: Set<DocumentKind> = [
        .iamPolicy, .getRole, .getRolePolicy, .getPolicyVersion, .accountAuthorizationDetails, .getBucketPolicy, .terraformJSON,
        .cloudFormationTemplate,
    ]
}
