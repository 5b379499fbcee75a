import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM

/// Reading the typed resources out of AWS CLI exports.
extension ModelBuilder {
    /// The account of a document without ARNs: a configured path first, then its folder.
    func accountOf(_ doc: ClassifiedDocument) -> String? {
        let path = doc.document.file.path
        if let c = configuration,
           let hit = c.paths.last(where: { PathPattern.matches(pattern: $0.pattern, path: path, base: c.baseDirectory) }) {
            return hit.account
        }
        return AccountFolders.account(forPath: path)
    }

    /// The role with this name (and account, when known), created on first mention.
    mutating func role(named name: String, arn: String?, account: String?, node: Node) -> RoleResource {
        let acct = account ?? arn.flatMap { ARN($0)?.account }
        let key = "\(acct ?? "?")|\(Wildcard.asciiLowered(name))"
        if let r = roleIndex[key] {
            if r.arn == nil { r.arn = arn }
            return r
        }
        let r = RoleResource(name: name, arn: arn, account: acct, node: node)
        roleIndex[key] = r
        roles.append(r)
        return r
    }

    /// Roles, inline policies and instance profiles of one role object (authorization details or
    /// `get-role`).
    mutating func addRole(_ roleNode: Node, in doc: ClassifiedDocument) {
        guard let name = roleNode["RoleName"]?.string else { return }
        let arn = roleNode["Arn"]?.string
        let role = role(named: name, arn: arn, account: arn.flatMap { ARN($0)?.account } ?? accountOf(doc), node: roleNode)
        role.node = roleNode
        if let tags = Self.tags(roleNode["Tags"]) { role.tags = tags }
        for source in Self.policySources(ofRole: roleNode, named: name) {
            guard let p = addPolicy(source.node, kind: source.kind, label: source.label, origin: source.origin, in: doc) else { continue }
            if source.kind == .trust { role.trust = p } else { role.inlinePolicies.append(p) }
        }
        if roleNode["RolePolicyList"] != nil || roleNode["AttachedManagedPolicies"] != nil { role.permissionsListed = true }
        for attached in roleNode["AttachedManagedPolicies"]?.elements ?? [] {
            if let a = attached["PolicyArn"], let text = a.string { role.attachedPolicyArns.append((text, a)) }
        }
        role.boundaryArn = roleNode["PermissionsBoundary"]?["PermissionsBoundaryArn"]?.string ?? role.boundaryArn
        // An instance profile listed under a role contains that role, whatever its own (often
        // empty or missing) nested Roles list says.
        for profile in roleNode["InstanceProfileList"]?.elements ?? [] { addInstanceProfile(profile, in: doc, containing: (arn, name)) }
    }

    /// A role object's trust policy and inline policies, with the kind, label and origin each is
    /// read with (by `addRole`, and ahead of it by `prefetchRolePolicies`).
    static func policySources(ofRole roleNode: Node, named name: String)
        -> [(node: Node, kind: PolicyKind, label: PolicyLabel, origin: PolicyOrigin)] {
        var out: [(node: Node, kind: PolicyKind, label: PolicyLabel, origin: PolicyOrigin)] = []
        if let trust = roleNode["AssumeRolePolicyDocument"] {
            out.append((trust, .trust, .roleTrust, .trust(role: name)))
        }
        for item in roleNode["RolePolicyList"]?.elements ?? [] {
            if let d = item["PolicyDocument"] {
                let policyName = item["PolicyName"]
                out.append((d, .identity, .roleInline(policyName: policyName?.kind == .string ? policyName : nil), .inlineRole(role: name)))
            }
        }
        return out
    }

    /// `[{"Key": …, "Value": …}]` as a dictionary; nil when the list is missing or not a list.
    static func tags(_ node: Node?) -> [String: String]? {
        guard let node, node.kind == .array else { return nil }
        var out: [String: String] = [:]
        for t in node.elements {
            if let k = t["Key"]?.string { out[k] = t["Value"]?.scalarText ?? "" }
        }
        return out
    }

    mutating func addInstanceProfile(_ node: Node, in doc: ClassifiedDocument, containing owner: (arn: String?, name: String)? = nil) {
        guard let name = node["InstanceProfileName"]?.string else { return }
        let arn = node["Arn"]?.string
        let roles = node["Roles"]?.elements ?? []
        var roleArns = roles.compactMap { $0["Arn"]?.string }
        var roleNames = roles.compactMap { $0["RoleName"]?.string }
        if let owner, !roleNames.contains(owner.name) {
            roleNames.append(owner.name)
            if let a = owner.arn { roleArns.append(a) }
        }
        instanceProfiles.append(InstanceProfileResource(
            name: name, arn: arn, account: arn.flatMap { ARN($0)?.account } ?? accountOf(doc),
            roleArns: roleArns, roleNames: roleNames, node: node))
    }

    mutating func addCluster(_ c: Node, in doc: ClassifiedDocument) {
        let arn = c["ClusterArn"]?.string
        let apps = (c["Applications"]?.elements ?? []).compactMap { a in a["Name"].flatMap { n in n.string.map { ($0, n) } } }
        // The primary node count: instance groups (MASTER) or fleets (MASTER target capacity).
        var primary: Int?
        var primaryNode: Node?
        for g in c["InstanceGroups"]?.elements ?? [] where g["InstanceGroupType"]?.string == "MASTER" {
            if let n = g["RequestedInstanceCount"] ?? g["RunningInstanceCount"], let v = n.number {
                primary = Int(v)
                primaryNode = n
            }
        }
        for f in c["InstanceFleets"]?.elements ?? [] where f["InstanceFleetType"]?.string == "MASTER" {
            let onDemand = f["TargetOnDemandCapacity"]?.number ?? 0
            let spot = f["TargetSpotCapacity"]?.number ?? 0
            primary = Int(onDemand + spot)
            // Point at whichever capacity holds the count.
            primaryNode = spot > onDemand ? f["TargetSpotCapacity"] : (f["TargetOnDemandCapacity"] ?? f["TargetSpotCapacity"] ?? f)
        }
        let ec2 = c["Ec2InstanceAttributes"]
        clusters.append(ClusterResource(
            id: c["Id"]?.string, name: c["Name"]?.string, arn: arn,
            account: arn.flatMap { ARN($0)?.account } ?? accountOf(doc),
            releaseLabel: c["ReleaseLabel"]?.string, releaseNode: c["ReleaseLabel"],
            applications: apps, applicationsNode: c["Applications"],
            securityConfigurationName: c["SecurityConfiguration"]?.string, securityConfigurationNode: c["SecurityConfiguration"],
            instanceProfileName: ec2?["IamInstanceProfile"]?.string, instanceProfileNode: ec2?["IamInstanceProfile"],
            serviceRole: c["ServiceRole"]?.string, primaryNodeCount: primary, primaryNodeCountNode: primaryNode,
            node: c, source: doc,
            bootstrapActions: (c["BootstrapActions"]?.elements ?? []).map { ($0["Name"]?.string, $0) },
            bootstrapActionsNode: c["BootstrapActions"], tags: Self.tags(c["Tags"])))
    }

    static func roleList(_ node: Node?) -> RoleList? {
        guard let node else { return nil }
        let items = node.kind == .array ? node.elements : [node]
        return RoleList(node: node, arns: items.compactMap { n in n.string.map { ($0, n) } })
    }

    static func settings(_ s: Node?) -> StudioSettings {
        let server = s?["JupyterServerAppSettings"]?["DefaultResourceSpec"]
        let lab = s?["JupyterLabAppSettings"]
        let labSpec = lab?["DefaultResourceSpec"]
        let emr = lab?["EmrSettings"]
        return StudioSettings(
            executionRole: s?["ExecutionRole"]?.string, executionRoleNode: s?["ExecutionRole"],
            jupyterServerImage: server?["SageMakerImageArn"]?.string, jupyterServerImageNode: server?["SageMakerImageArn"],
            jupyterLabImage: labSpec?["SageMakerImageArn"]?.string, jupyterLabVersionAlias: labSpec?["SageMakerImageVersionAlias"]?.string,
            jupyterLabImageNode: labSpec?["SageMakerImageVersionAlias"] ?? labSpec?["SageMakerImageArn"],
            assumableRoles: roleList(emr?["AssumableRoleArns"]), executionRoles: roleList(emr?["ExecutionRoleArns"]),
            studioWebPortal: s?["StudioWebPortal"]?.string,
            jupyterServerSpec: resourceSpec(server), jupyterLabSpec: resourceSpec(labSpec))
    }

    /// The image fields of a `DefaultResourceSpec` (nothing when it is not an object).
    static func resourceSpec(_ spec: Node?) -> ResourceSpecImage {
        guard let spec, spec.kind == .object else { return ResourceSpecImage() }
        return ResourceSpecImage(imageArn: spec["SageMakerImageArn"], imageVersionArn: spec["SageMakerImageVersionArn"],
                                 versionAlias: spec["SageMakerImageVersionAlias"])
    }

    mutating func addStudio(_ doc: ClassifiedDocument) {
        let root = doc.root
        switch doc.kind {
        case .describeDomain:
            let arn = root["DomainArn"]?.string
            var domain = StudioDomainResource(
                id: root["DomainId"]?.string ?? "?", arn: arn, name: root["DomainName"]?.string,
                account: arn.flatMap { ARN($0)?.account } ?? accountOf(doc),
                defaults: Self.settings(root["DefaultUserSettings"]),
                executionRoleIdentityConfig: root["DomainSettings"]?["ExecutionRoleIdentityConfig"]?.string,
                executionRoleIdentityConfigNode: root["DomainSettings"]?["ExecutionRoleIdentityConfig"], node: root)
            if let space = root["DefaultSpaceSettings"] { domain.defaultSpaceSettings = Self.settings(space) }
            domains.append(domain)
        case .describeUserProfile:
            let arn = root["UserProfileArn"]?.string
            userProfiles.append(StudioUserProfileResource(
                domainId: root["DomainId"]?.string ?? "?", name: root["UserProfileName"]?.string ?? "?", arn: arn,
                account: arn.flatMap { ARN($0)?.account } ?? accountOf(doc), settings: Self.settings(root["UserSettings"]), node: root))
        case .describeSpace:
            let arn = root["SpaceArn"]?.string
            let spec = root["SpaceSettings"]?["JupyterLabAppSettings"]?["DefaultResourceSpec"]
            spaces.append(StudioSpaceResource(
                domainId: root["DomainId"]?.string ?? "?", name: root["SpaceName"]?.string ?? "?",
                account: arn.flatMap { ARN($0)?.account } ?? accountOf(doc),
                sharingType: root["SpaceSharingSettings"]?["SharingType"]?.string,
                sharingTypeNode: root["SpaceSharingSettings"]?["SharingType"],
                owner: root["OwnershipSettings"]?["OwnerUserProfileName"]?.string,
                appType: root["SpaceSettings"]?["AppType"]?.string,
                jupyterLabImage: spec?["SageMakerImageArn"]?.string, jupyterLabVersionAlias: spec?["SageMakerImageVersionAlias"]?.string,
                jupyterLabImageNode: spec?["SageMakerImageVersionAlias"] ?? spec?["SageMakerImageArn"], node: root,
                jupyterLabSpec: Self.resourceSpec(spec)))
        case .studioExecutionRoleConfiguration:
            guard let map = root["emr-execution-role-arns"] else { return }
            let entries = map.members.compactMap { key, value -> (String, Node, RoleList)? in
                guard let k = key.scalarText, let list = Self.roleList(value) else { return nil }
                return (k, key, list)
            }
            classicRoleConfigs.append(StudioClassicRoleConfig(account: accountOf(doc), rolesByAccount: entries, node: map, source: doc))
        case .studioDiscoveryConfiguration:
            let entries = root.members.compactMap { key, value -> (String, Node, String, Node)? in
                guard let k = key.scalarText, let v = value.string else { return nil }
                return (k, key, v, value)
            }
            classicDiscoveryConfigs.append(StudioClassicDiscoveryConfig(account: accountOf(doc), accessRoles: entries, node: root, source: doc))
        case .dataLakeSettings:
            let s = root["DataLakeSettings"]
            let values = (s?["AuthorizedSessionTagValueList"]?.elements ?? []).compactMap { n in n.string.map { ($0, n) } }
            let allow = (s?["ExternalDataFilteringAllowList"]?.elements ?? []).compactMap { $0["DataLakePrincipalIdentifier"]?.string }
            lakeFormation.append(LakeFormationSettingsResource(
                account: accountOf(doc), authorizedSessionTagValues: values,
                authorizedSessionTagValueNode: s?["AuthorizedSessionTagValueList"],
                allowExternalDataFiltering: s?["AllowExternalDataFiltering"]?.bool,
                externalDataFilteringAllowList: allow, node: s ?? root))
        default:
            break
        }
    }

    /// The buckets a bucket policy's resources name (`arn:aws:s3:::bucket` and `…:bucket/*`).
    static func buckets(of policy: PolicyDocument) -> [String] {
        var out: [String] = []
        for s in policy.statements {
            for v in s.resource?.values ?? [] where v.text.hasPrefix("arn:") {
                guard let arn = ARN(v.text), arn.service == "s3" else { continue }
                let bucket = String(arn.resource.prefix { $0 != "/" })
                if !bucket.isEmpty && !out.contains(bucket) { out.append(bucket) }
            }
        }
        return out
    }
}
