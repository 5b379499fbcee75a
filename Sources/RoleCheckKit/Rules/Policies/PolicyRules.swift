extension RuleRegistry {
    /// RC1xx and the single-policy runtime-role rules.
    static let policyRules: [any DocumentRule] = [
        RC101PolicyGrammar(),
        RC102PolicyVersion(),
        RC103UnknownAction(),
        RC104MalformedARN(),
        RC105ConditionProblems(),
        RC106PublicPrincipal(),
        RC107AllowWithNot(),
        RC108ResourceMismatch(),
        RC109DuplicateSid(),
        RC110PolicySize(),
        RC307UnconditionedExecutionRole(),
        RC313BroadExecutionRoleCondition(),
    ]
}
