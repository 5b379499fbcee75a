extension RuleRegistry {
    /// RC2xx rules that look at one document at a time, and the input and Studio-list checks
    /// (RC005, RC404) that read the same documents.
    static let prerequisiteDocumentRules: [any DocumentRule] = [
        RC005FieldTypes(),
        RC205SecurityConfigurationRuntimeRoles(),
        RC209InTransitEncryption(),
        RC404StudioRoleLists(),
    ]

    /// RC2xx rules that join documents (a cluster and its security configuration, Studio settings).
    static let prerequisiteSetupRules: [any SetupRule] = [
        RC201ReleaseTooOld(),
        RC202Release690(),
        RC203StudioApplications(),
        RC204MultiplePrimaryNodes(),
        RC206SecurityConfigurationMissing(),
        RC207ClassicJupyterLab3(),
        RC208DistributionImage(),
        RC210LakeFormationRelease(),
        RC211SharedSpace(),
    ]
}
