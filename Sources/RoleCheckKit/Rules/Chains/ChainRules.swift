extension RuleRegistry {
    /// Rules over the setup's Studio → cluster → runtime role chains (RC3xx, RC4xx, RC004).
    static let chainRules: [any SetupRule] = [
        RC004MissingReference(),
        RC301RuntimeTrustAssumeRole(),
        RC302RuntimeTrustTagSession(),
        RC303RuntimeTrustSourceIdentity(),
        RC304InstanceProfilePermissions(),
        RC305TrustsServiceInsteadOfRole(),
        RC306SessionCredentials(),
        RC308DiscoveryPermissions(),
        RC309NotPreloaded(),
        RC310LakeFormationPermissions(),
        RC311LakeFormationTag(),
        RC312StudioSourceIdentity(),
        RC400Topology(),
        RC401AccessRoleTrust(),
        RC402StudioAssumeAccessRole(),
        RC403NoAccessRole(),
        RC405BucketPolicy(),
        RC406Option3JupyterLab(),
        RC407UnknownAccountTrust(),
    ]
}
