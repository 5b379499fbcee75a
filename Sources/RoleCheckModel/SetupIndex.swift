import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM

/// The typed resources of a run and the joins between them, built once.
public struct SetupResources: Sendable {
    public let roles: [RoleResource]
    public let instanceProfiles: [InstanceProfileResource]
    public let managedPolicies: [ManagedPolicyResource]
    public let clusters: [ClusterResource]
    public let domains: [StudioDomainResource]
    public let userProfiles: [StudioUserProfileResource]
    public let spaces: [StudioSpaceResource]
    public let classicRoleConfigs: [StudioClassicRoleConfig]
    public let classicDiscoveryConfigs: [StudioClassicDiscoveryConfig]
    public let bucketPolicies: [BucketPolicyResource]
    public let lakeFormation: [LakeFormationSettingsResource]
    public let securityConfigurations: [SecurityConfiguration]
    /// SCPs and RCPs per account, where the inputs hold them.
    public let organizationPolicies: [String: OrganizationPolicyPath]

    private let roleByKey: [String: RoleResource]
    private let roleByName: [String: [RoleResource]]
    private let managedByArn: [String: ManagedPolicyResource]

    init(model: ModelBuilder) {
        roles = model.roles
        instanceProfiles = model.instanceProfiles
        managedPolicies = model.managedPolicies
        clusters = model.clusters
        domains = model.domains
        userProfiles = model.userProfiles
        spaces = model.spaces
        classicRoleConfigs = model.classicRoleConfigs
        classicDiscoveryConfigs = model.classicDiscoveryConfigs
        bucketPolicies = model.bucketPolicies
        lakeFormation = model.lakeFormation
        securityConfigurations = model.securityConfigurations
        var org: [String: OrganizationPolicyPath] = [:]
        for p in model.organizationPolicies where org[p.account] == nil { org[p.account] = p }
        organizationPolicies = org
        var byKey: [String: RoleResource] = [:]
        var byName: [String: [RoleResource]] = [:]
        for r in model.roles {
            let name = Wildcard.asciiLowered(r.name)
            if let a = r.account { byKey["\(a)|\(name)"] = r }
            byName[name, default: []].append(r)
        }
        roleByKey = byKey
        roleByName = byName
        managedByArn = Dictionary(model.managedPolicies.map { ($0.arn, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The role an ARN names (matched by account and name, whatever its path). A role whose
    /// account the inputs do not show is matched by name alone when the name is unique.
    public func role(arn: String) -> RoleResource? {
        guard let parsed = ARN(arn), parsed.service == "iam", parsed.resource.hasPrefix("role/") else { return nil }
        let name = Wildcard.asciiLowered(String(parsed.resource.split(separator: "/").last ?? ""))
        if let r = roleByKey["\(parsed.account)|\(name)"] { return r }
        if let candidates = roleByName[name], candidates.count == 1, candidates[0].account == nil { return candidates[0] }
        return nil
    }

    public func role(named name: String, account: String?) -> RoleResource? {
        let n = Wildcard.asciiLowered(name)
        if let account, let r = roleByKey["\(account)|\(n)"] { return r }
        if let candidates = roleByName[n], candidates.count == 1 { return candidates[0] }
        return nil
    }

    /// The instance profile a cluster names, in the cluster's account.
    public func instanceProfile(named name: String, account: String?) -> InstanceProfileResource? {
        let matches = instanceProfiles.filter { $0.name == name || $0.arn == name }
        return matches.first { $0.account == account || account == nil } ?? (matches.count == 1 ? matches[0] : nil)
    }

    /// The role behind a cluster's instance profile. EMR names the profile, which may differ
    /// from its role's name; when no profile is among the inputs, a role of that name is taken
    /// (the EMR console creates both with one name).
    public func instanceProfileRole(of cluster: ClusterResource) -> (role: RoleResource?, profile: InstanceProfileResource?) {
        guard let name = cluster.instanceProfileName else { return (nil, nil) }
        let profileName = name.hasPrefix("arn:") ? String(name.split(separator: "/").last ?? "") : name
        if let profile = instanceProfile(named: profileName, account: cluster.account) {
            if let arn = profile.roleArns.first, let r = role(arn: arn) { return (r, profile) }
            if let n = profile.roleNames.first { return (role(named: n, account: profile.account ?? cluster.account), profile) }
            return (nil, profile)
        }
        return (role(named: profileName, account: cluster.account), nil)
    }

    /// The managed policy of that ARN, when the inputs hold it (a boundary included).
    public func managedPolicy(arn: String) -> ManagedPolicyResource? { managedByArn[arn] }

    /// A role's identity-based policies: inline ones and the attached managed ones the inputs hold.
    /// `missing` lists attached policies the inputs do not hold.
    public func identityPolicies(of role: RoleResource) -> (policies: [PolicyDocument], missing: [String]) {
        var out = role.inlinePolicies
        var missing: [String] = []
        for (arn, _) in role.attachedPolicyArns {
            if let m = managedByArn[arn] { out.append(m.document) } else { missing.append(arn) }
        }
        return (out, missing)
    }

    /// The security configurations a cluster names (of its account, when either is known).
    public func securityConfigurations(for cluster: ClusterResource) -> [SecurityConfiguration] {
        guard let name = cluster.securityConfigurationName else { return [] }
        return securityConfigurations(named: name).filter { cluster.uses($0) }
    }

    public func securityConfigurations(named name: String) -> [SecurityConfiguration] {
        securityConfigurations.filter { $0.name == name }
    }

    public func lakeFormationSettings(account: String?) -> LakeFormationSettingsResource? {
        lakeFormation.first { $0.account != nil && $0.account == account }
            ?? (lakeFormation.count == 1 && (account == nil || lakeFormation[0].account == nil) ? lakeFormation[0] : nil)
    }

    public func bucketPolicy(for bucket: String) -> BucketPolicyResource? {
        bucketPolicies.first { $0.buckets.contains(bucket) }
    }

    /// Accounts the inputs show: from ARNs of their resources and from account folders.
    public var knownAccounts: Set<String> {
        var out: Set<String> = []
        for r in roles { if let a = r.account { out.insert(a) } }
        for c in clusters { if let a = c.account { out.insert(a) } }
        for d in domains { if let a = d.account { out.insert(a) } }
        for p in userProfiles { if let a = p.account { out.insert(a) } }
        for b in bucketPolicies { if let a = b.account { out.insert(a) } }
        for l in lakeFormation { if let a = l.account { out.insert(a) } }
        for c in classicRoleConfigs {
            if let a = c.account { out.insert(a) }
            for e in c.rolesByAccount where ARN.isAccountID(e.account) { out.insert(e.account) }
        }
        for settings in domains.map(\.defaults) + userProfiles.map(\.settings) {
            for list in [settings.executionRoles, settings.assumableRoles].compactMap({ $0 }) {
                for entry in list.arns { if let a = ARN(entry.arn)?.account, ARN.isAccountID(a) { out.insert(a) } }
            }
        }
        for c in classicDiscoveryConfigs {
            if let a = c.account { out.insert(a) }
            for e in c.accessRoles where ARN.isAccountID(e.account) { out.insert(e.account) }
        }
        return out
    }
}
