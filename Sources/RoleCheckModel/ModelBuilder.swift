import Dispatch
import Synchronization
import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM

/// Builds the typed model from the recognised documents. Where a value must be parsed further (a
/// configuration or policy stored as a JSON string, or URL-encoded as the raw IAM API returns it)
/// it parses it in place, keeps the embedded document, and reports what it cannot read.
public struct ModelBuilder {
    public var securityConfigurations: [SecurityConfiguration] = []
    public var policies: [PolicyDocument] = []
    /// Documents parsed out of strings, for duplicate-key checks.
    public var embeddedDocuments: [Document] = []
    /// What the model could not read: the engine turns each into a finding of the rule that
    /// reports its kind.
    public var problems: [InputProblem] = []
    public var roles: [RoleResource] = []
    var roleIndex: [String: RoleResource] = [:]
    public var instanceProfiles: [InstanceProfileResource] = []
    public var managedPolicies: [ManagedPolicyResource] = []
    public var clusters: [ClusterResource] = []
    public var domains: [StudioDomainResource] = []
    public var userProfiles: [StudioUserProfileResource] = []
    public var spaces: [StudioSpaceResource] = []
    public var classicRoleConfigs: [StudioClassicRoleConfig] = []
    public var classicDiscoveryConfigs: [StudioClassicDiscoveryConfig] = []
    public var bucketPolicies: [BucketPolicyResource] = []
    public var lakeFormation: [LakeFormationSettingsResource] = []
    /// SCPs and RCPs per account (`rolecheck collect`'s organization-policies.json).
    public var organizationPolicies: [OrganizationPolicyPath] = []
    /// Accounts whose IAM the inputs show whole (a get-account-authorization-details export).
    public var completeAccounts: Set<String> = []
    /// What the run's CloudFormation templates export, for `Fn::ImportValue` (see `prepare`).
    var cloudFormationExports: [String: String] = [:]
    let limits: ParseLimits
    /// What the configuration file says about accounts and policy files.
    let configuration: SetupConfiguration?
    /// Which input document each policy came from.
    var policySources: [ObjectIdentifier: [PolicyDocument]] = [:]
    /// Policies of the document being added, parsed ahead on every core, by node index.
    var prefetched: [Int32: PolicyDocument] = [:]

    public init(limits: ParseLimits = .default, configuration: SetupConfiguration? = nil) {
        self.limits = limits
        self.configuration = configuration
    }

    public mutating func add(_ doc: ClassifiedDocument) {
        let root = doc.root
        switch doc.kind {
        case .securityConfiguration:
            securityConfigurations.append(SecurityConfiguration(name: nil, nameNode: nil, configuration: root, source: doc,
                                                                account: accountOf(doc)))
        case .describeSecurityConfiguration:
            let nameNode = root["Name"]
            guard let value = root["SecurityConfiguration"],
                  let configuration = embeddedObject(value, what: "the SecurityConfiguration string", in: doc) else { return }
            securityConfigurations.append(SecurityConfiguration(name: nameNode?.string, nameNode: nameNode,
                                                                configuration: configuration, source: doc, account: accountOf(doc)))
        case .iamPolicy:
            if let mapping = configuration?.policies.first(where: {
                PathPattern.matches(pattern: $0.pattern, path: doc.document.file.path, base: configuration!.baseDirectory)
            }) {
                addMappedPolicy(root, mapping, in: doc)
            } else {
                if let aws = AWSManagedPolicies.identify(root) {
                    // The content of an AWS managed policy: AWS's document, judged as such.
                    addPolicy(root, kind: .identity, label: "policy \(aws.name) (\(doc.document.file.path) holds its \(aws.version))",
                              origin: .awsManaged, in: doc)
                } else {
                    addPolicy(root, kind: PolicyKind.infer(root), label: "policy \(doc.document.file.path)", origin: .standalone, in: doc)
                }
            }
        case .getRole:
            if let role = root["Role"] { addRole(role, in: doc) }
        case .getRolePolicy:
            let roleName = root["RoleName"]?.string ?? "?"
            let name = root["PolicyName"]?.string ?? "?"
            if let d = root["PolicyDocument"],
               let p = addPolicy(d, kind: .identity, label: "inline policy \(name) of role \(roleName)", origin: .inlineRole(role: roleName), in: doc),
               let rn = root["RoleName"]?.string {
                role(named: rn, arn: nil, account: accountOf(doc), node: root).inlinePolicies.append(p)
            }
        case .getInstanceProfile:
            if let p = root["InstanceProfile"] {
                addInstanceProfile(p, in: doc)
                for r in p["Roles"]?.elements ?? [] { addRole(r, in: doc) }
            }
        case .describeCluster:
            if let c = root["Cluster"] { addCluster(c, in: doc) }
        case .describeDomain, .describeUserProfile, .describeSpace, .studioExecutionRoleConfiguration,
             .studioDiscoveryConfiguration, .dataLakeSettings:
            addStudio(doc)
        case .getPolicyVersion:
            if let p = root["PolicyVersion"]?["Document"] {
                let v = root["PolicyVersion"]?["VersionId"]?.string ?? "?"
                if let aws = AWSManagedPolicies.identify(p) {
                    addPolicy(p, kind: .identity, label: "policy \(aws.name) version \(v)", origin: .awsManaged, in: doc)
                } else {
                    addPolicy(p, kind: .identity, label: "managed policy version \(v)", origin: .managed, in: doc)
                }
            }
        case .accountAuthorizationDetails:
            // The export lists every role of its account: a role of that account it does not
            // list does not exist.
            let roleAccount = root["RoleDetailList"]?.elements.lazy.compactMap { $0["Arn"]?.string.flatMap { ARN($0)?.account } }.first
            if let account = accountOf(doc) ?? roleAccount { completeAccounts.insert(account) }
            prefetchRolePolicies(root)
            defer { prefetched = [:] }
            for role in root["RoleDetailList"]?.elements ?? [] { addRole(role, in: doc) }
            for (listKey, itemKey, what) in [("UserDetailList", "UserPolicyList", "user"), ("GroupDetailList", "GroupPolicyList", "group")] {
                for principal in root[listKey]?.elements ?? [] {
                    let name = principal["\(what == "user" ? "User" : "Group")Name"]?.string ?? "?"
                    for p in principal[itemKey]?.elements ?? [] {
                        if let d = p["PolicyDocument"] {
                            addPolicy(d, kind: .identity, label: "inline policy \(p["PolicyName"]?.string ?? "?") of \(what) \(name)", origin: what == "user" ? .inlineUser(user: name) : .inlineGroup(group: name), in: doc)
                        }
                    }
                }
            }
            for managed in root["Policies"]?.elements ?? [] {
                // Only the default version is in effect.
                let name = managed["PolicyName"]?.string ?? managed["Arn"]?.string ?? "?"
                let defaultId = managed["DefaultVersionId"]?.string
                for version in managed["PolicyVersionList"]?.elements ?? [] {
                    let isDefault = version["IsDefaultVersion"]?.bool == true || (defaultId != nil && version["VersionId"]?.string == defaultId)
                    if isDefault, let d = version["Document"] {
                        let awsOwned = managed["Arn"]?.string?.hasPrefix("arn:aws:iam::aws:") == true
                        if let p = addPolicy(d, kind: .identity, label: "managed policy \(name)", origin: awsOwned ? .awsManaged : .managed, in: doc),
                           let arn = managed["Arn"]?.string {
                            managedPolicies.append(ManagedPolicyResource(arn: arn, name: name, document: p))
                        }
                    }
                }
            }
        case .terraformJSON:
            addTerraform(doc)
        case .cloudFormationTemplate: addCloudFormation(doc)
        case .organizationPolicies: addOrganizationPolicies(doc)
        case .getBucketPolicy:
            if let node = root["Policy"], let p = addPolicy(node, kind: .resource, label: "bucket policy", origin: .bucket, in: doc) {
                bucketPolicies.append(BucketPolicyResource(buckets: Self.buckets(of: p), account: accountOf(doc), policy: p))
            }
        default:
            break
        }
    }

    /// A raw policy file the configuration attaches to a role or a bucket.
    mutating func addMappedPolicy(_ root: Node, _ mapping: PolicyMapping, in doc: ClassifiedDocument) {
        let file = doc.document.file.path
        switch mapping.target {
        case .roleTrust(let arn), .rolePermissions(let arn), .roleBoundary(let arn):
            let name = StatementMatcher.roleName(arn)
            let role = role(named: name, arn: arn, account: ARN(arn)?.account, node: root)
            switch mapping.target {
            case .roleTrust:
                role.trust = addPolicy(root, kind: .trust, label: "trust policy of role \(name) (\(file))", origin: .trust(role: name), in: doc)
            case .rolePermissions:
                if let p = addPolicy(root, kind: .identity, label: "policy \(file) of role \(name)", origin: .inlineRole(role: name), in: doc) {
                    role.inlinePolicies.append(p)
                }
            default:
                if let p = addPolicy(root, kind: .identity, label: "permissions boundary \(file) of role \(name)", origin: .managed, in: doc) {
                    let boundaryArn = "arn:aws:iam::\(role.account ?? "aws"):policy/rolecheck-boundary/\(name)"
                    managedPolicies.append(ManagedPolicyResource(arn: boundaryArn, name: file, document: p))
                    role.boundaryArn = boundaryArn
                }
            }
        case .bucket(let bucket):
            if let p = addPolicy(root, kind: .resource, label: "bucket policy of \(bucket) (\(file))", origin: .bucket, in: doc) {
                bucketPolicies.append(BucketPolicyResource(buckets: [bucket], account: mapping.account ?? accountOf(doc), policy: p))
            }
        }
    }

    @discardableResult
    mutating func addPolicy(_ node: Node, kind: PolicyKind, label: String, origin: PolicyOrigin, in doc: ClassifiedDocument) -> PolicyDocument? {
        addPolicy(node, kind: kind, label: .text(label), origin: origin, in: doc)
    }

    @discardableResult
    mutating func addPolicy(_ node: Node, kind: PolicyKind, label: PolicyLabel, origin: PolicyOrigin, in doc: ClassifiedDocument) -> PolicyDocument? {
        guard let root = embeddedObject(node, what: "the policy string", in: doc) else { return nil }
        let policy: PolicyDocument
        if let ready = prefetched.removeValue(forKey: root.index), ready.root.document === root.document,
           ready.kind == kind, ready.origin == origin, ready.labelSource.same(as: label) {
            policy = ready
        } else {
            policy = PolicyDocument.parse(root, kind: kind, label: label, origin: origin)
        }
        policies.append(policy)
        policySources[ObjectIdentifier(doc.document), default: []].append(policy)
        return policy
    }

    /// Parses the trust and inline policies of an authorization-details export's roles on every
    /// core, ahead of the (sequential) model building, which then takes each one whose node, kind,
    /// label and origin are the ones it would have parsed with. Policies held in strings are left
    /// to `addPolicy`, which reports what is wrong with them.
    mutating func prefetchRolePolicies(_ root: Node) {
        var jobs: [(node: Node, kind: PolicyKind, label: PolicyLabel, origin: PolicyOrigin)] = []
        for role in root["RoleDetailList"]?.elements ?? [] {
            guard let name = role["RoleName"]?.string else { continue }
            jobs += Self.policySources(ofRole: role, named: name).filter { $0.node.kind == .object }
        }
        guard jobs.count > 64 else { return }
        let work = jobs
        let parsed = Mutex<[PolicyDocument?]>(Array(repeating: nil, count: jobs.count))
        // Chunks of jobs, so that each thread takes a fair share without a lock per policy.
        let chunk = 256
        let chunks = (jobs.count + chunk - 1) / chunk
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let range = (c * chunk)..<min(work.count, (c + 1) * chunk)
            let done = range.map { i in PolicyDocument.parse(work[i].node, kind: work[i].kind, label: work[i].label, origin: work[i].origin) }
            parsed.withLock { all in for (i, p) in zip(range, done) { all[i] = p } }
        }
        for p in parsed.withLock({ $0 }) { if let p { prefetched[p.root.index] = p } }
    }

    /// The object a value denotes: itself, or the JSON document a string holds (plain or
    /// URL-encoded). Records a syntax problem for a string that is not JSON and a skipped value for other types.
    mutating func embeddedObject(_ value: Node, what: String, in doc: ClassifiedDocument) -> Node? {
        switch value.kind {
        case .object:
            return value
        case .string:
            let encoded = DocumentLoader.looksURLEncoded(value)
            let parsed = encoded ? DocumentLoader.parseEmbeddedURLEncodedJSON(value, limits: limits)
                                 : DocumentLoader.parseEmbeddedJSON(value, limits: limits)
            switch parsed {
            case .success(let embedded):
                embeddedDocuments.append(embedded)
                if embedded.root.kind == .object { return embedded.root }
                skipped(value, "\(what) holds JSON \(embedded.root.kind.withArticle), not an object; it was not checked")
            case .failure(let error):
                let file = doc.document.file
                let start = value.document.fileOffset(error.offset)
                let end = error.endOffset.map { value.document.fileOffset($0) } ?? start
                problems.append(InputProblem(kind: .syntax,
                                        message: "\(what) is not valid \(encoded ? "URL-encoded " : "")JSON: \(error.message)",
                                        location: Location(file: file.path, range: file.range(from: start, to: end),
                                                           pointer: value.fullPointer, documentIndex: doc.document.streamIndex),
                                        identity: error.message))
            }
        default:
            skipped(value, "\(what.replacing("the ", with: "").replacing(" string", with: "")) is \(value.kind.withArticle), neither a JSON string nor an object; it was not checked")
        }
        return nil
    }

    mutating func skipped(_ node: Node, _ message: String) {
        problems.append(InputProblem(kind: .skipped, message: message,
                                location: Location(node: node), identity: message))
    }
}

/// Something in the inputs the model could not read or use, found while building it. The kind
/// says what; which rule reports it is decided above this layer.
public struct InputProblem: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A document inside a string that is not valid JSON.
        case syntax
        /// A value that is not in a shape rolecheck reads; it was skipped.
        case skipped
        /// A field the input's format does not accept where it is written.
        case unsupportedField
    }

    public let kind: Kind
    public let message: String
    public let location: Location
    /// What identifies the problem independently of line numbers.
    public let identity: String

    public init(kind: Kind, message: String, location: Location, identity: String) {
        self.kind = kind
        self.message = message
        self.location = location
        self.identity = identity
    }
}

extension ModelBuilder {
    /// `{"OrganizationPolicies": {"Account", "OrganizationId", "ManagementAccount", "Accounts", "Levels": [{"Target", "Type",
    /// "ServiceControlPolicies": [{"Id", "Name", "Content"}], "ResourceControlPolicies": […]}]}}`,
    /// root first. `Content` is the policy's JSON text, as `describe-policy` returns it.
    mutating func addOrganizationPolicies(_ doc: ClassifiedDocument) {
        guard let o = doc.root["OrganizationPolicies"], let account = o["Account"]?.string ?? accountOf(doc) else { return }
        var levels: [OrganizationPolicyPath.Level] = []
        for level in o["Levels"]?.elements ?? [] {
            let target = level["Target"]?.string ?? "?"
            let type = level["Type"]?.string ?? "?"
            var lists: [[PolicyDocument]] = []
            for (key, kind, what) in [("ServiceControlPolicies", PolicyKind.identity, "service control policy"),
                                      ("ResourceControlPolicies", PolicyKind.resource, "resource control policy")] {
                var list: [PolicyDocument] = []
                for p in level[key]?.elements ?? [] {
                    guard let content = p["Content"] else { continue }
                    let name = p["Name"]?.string ?? p["Id"]?.string ?? "?"
                    let at = "\(type.lowercased().replacing("_", with: " ")) \(target)"
                    if let policy = addPolicy(content, kind: kind, label: "\(what) \(name) at \(at)", origin: .organization, in: doc) {
                        list.append(policy)
                    }
                }
                lists.append(list)
            }
            levels.append(.init(target: target, type: type, serviceControl: lists[0], resourceControl: lists[1]))
        }
        let members = Set((o["Accounts"]?.elements ?? []).compactMap(\.string))
        organizationPolicies.append(OrganizationPolicyPath(account: account, organizationId: o["OrganizationId"]?.string,
                                                           managementAccount: o["ManagementAccount"]?.string,
                                                           memberAccounts: members, levels: levels, node: o))
    }
}
