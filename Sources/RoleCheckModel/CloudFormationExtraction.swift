import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM

/// CloudFormation templates (JSON and YAML): the same typed resources as the AWS CLI exports,
/// read from the template's resolved copy (`CloudFormationTemplate`), so every rule applies and
/// findings point at the template's lines and columns.
///
/// Accounts: the template's folder or configured path (`accountOf`), else the symbolic account
/// `ARN.symbolicAccount`, which `AWS::AccountId` denotes and which equals only itself.
///
/// Unknown values (`!ImportValue`, parameters without a default …) are never judged:
/// - a policy holding one is not parsed (its grammar could only be guessed); a trust policy with
///   one leaves the role without a trust policy (the trust rules then say nothing); a permission
///   policy with one gives the role a permissions boundary that is not among the inputs, so the
///   evaluator does not judge what the role may call, and no finding says a policy is missing;
/// - a cluster property that is unknown is the unknown node (not a string), which rules read
///   neither as a value nor as missing;
/// - a Studio domain or user profile whose EMR role lists hold an unknown is left out (which
///   runtime roles it offers is not known).
extension ModelBuilder {
    mutating func addCloudFormation(_ doc: ClassifiedDocument) {
        let template = CloudFormationTemplate(doc.document, account: accountOf(doc), imports: cloudFormationExports)
        guard let stack = CloudFormationStack(template, doc) else { return }
        cfnAddIAM(stack)
        cfnAddEMR(stack)
        cfnAddBucketPolicies(stack)
        cfnAddStudio(stack)
    }

    /// Gathers the exports of every template in the run, so that `Fn::ImportValue` in one
    /// template reads what another exports (a stack of roles, a stack of clusters). Call before
    /// `add`; it does nothing unless some template imports. A name exported twice is ambiguous
    /// (CloudFormation refuses duplicates in one Region) and stays unknown.
    public mutating func prepare(_ docs: [ClassifiedDocument]) {
        let templates = docs.filter { $0.kind == .cloudFormationTemplate }
        guard templates.count > 1, templates.contains(where: { Self.mentionsImportValue($0.document) }) else { return }
        var exports: [String: String] = [:]
        var duplicated: Set<String> = []
        for doc in templates {
            for (name, value) in CloudFormationTemplate.exports(of: doc.document, account: accountOf(doc)) {
                if exports[name] != nil && exports[name] != value { duplicated.insert(name) }
                exports[name] = value
            }
        }
        for name in duplicated { exports[name] = nil }
        cloudFormationExports = exports
    }

    static func mentionsImportValue(_ document: Document) -> Bool {
        let needle = Array("ImportValue".utf8)
        return document.source.withUnsafeBufferPointer { buf in
            guard buf.count >= needle.count else { return false }
            return (0...(buf.count - needle.count)).contains { i in buf[i] == needle[0] && buf[i..<(i + needle.count)].elementsEqual(needle) }
        }
    }

    /// Managed policies, roles with their policies, and instance profiles.
    mutating func cfnAddIAM(_ stack: CloudFormationStack) {
        let (template, account, doc) = (stack.template, stack.account, stack.doc)
        let of = stack.of, str = CloudFormationStack.str, unknown = CloudFormationTemplate.containsUnknown
        // Managed policies first, so roles can name them.
        var unknownManaged: Set<String> = []
        for (id, _, props) in of("AWS::IAM::ManagedPolicy") {
            guard let arn = CloudFormationTemplate.Value.string(from: template.getAtt(id, "PolicyArn", depth: 0)) else { continue }
            let name = str(props?["ManagedPolicyName"]) ?? template.generatedName(id)
            if let d = props?["PolicyDocument"], !unknown(d),
               let p = cfnPolicy(d, kind: .identity, label: "managed policy \(name) (\(id))", origin: .managed, in: doc) {
                managedPolicies.append(ManagedPolicyResource(arn: arn, name: name, document: p))
            } else {
                unknownManaged.insert(arn)
            }
        }

        // Roles.
        for (id, node, props) in of("AWS::IAM::Role") {
            let name = str(props?["RoleName"]) ?? template.generatedName(id)
            let arn = CloudFormationTemplate.Value.string(from: template.getAtt(id, "Arn", depth: 0))
            let role = role(named: name, arn: arn, account: account, node: node)
            role.node = node
            // The template lists the role's policies (Policies, ManagedPolicyArns, and the
            // AWS::IAM::Policy resources read below), even when it lists none.
            role.permissionsListed = true
            if let trust = props?["AssumeRolePolicyDocument"], !unknown(trust) {
                role.trust = cfnPolicy(trust, kind: .trust, label: "trust policy of role \(name) (\(id))", origin: .trust(role: name), in: doc)
            }
            if let list = props?["Policies"] {
                if CloudFormationTemplate.isUnknown(list) { Self.cfnPermissionsUnknown(role) }
                for item in list.elements {
                    let policyName = str(item["PolicyName"]) ?? "?"
                    guard let d = item["PolicyDocument"], !unknown(d), !unknown(item) else {
                        Self.cfnPermissionsUnknown(role)
                        continue
                    }
                    if let p = cfnPolicy(d, kind: .identity, label: "inline policy \(policyName) of role \(name) (\(id))",
                                         origin: .inlineRole(role: name), in: doc) {
                        role.inlinePolicies.append(p)
                    }
                }
            }
            if let list = props?["ManagedPolicyArns"] {
                if CloudFormationTemplate.isUnknown(list) { Self.cfnPermissionsUnknown(role) }
                for m in list.elements {
                    guard let arn = str(m) else {
                        Self.cfnPermissionsUnknown(role)
                        continue
                    }
                    if unknownManaged.contains(arn) { Self.cfnPermissionsUnknown(role); continue }
                    if !role.attachedPolicyArns.contains(where: { $0.arn == arn }) { role.attachedPolicyArns.append((arn, m)) }
                }
            }
            if let b = props?["PermissionsBoundary"] {
                if let arn = str(b) { role.boundaryArn = arn } else { Self.cfnPermissionsUnknown(role) }
            }
        }

        /// The roles a `Roles` list (or a `RoleName`) names; nil entries are unknown.
        func rolesNamed(_ n: Node?) -> [RoleResource?] {
            guard let n else { return [] }
            let items = n.kind == .array ? n.elements : [n]
            return items.map { item in
                guard let text = str(item) else { return nil }
                let roleName = text.hasPrefix("arn:") ? StatementMatcher.roleName(text) : text
                return role(named: roleName, arn: nil, account: account, node: item)
            }
        }

        for (id, _, props) in of("AWS::IAM::ManagedPolicy") {
            guard let arn = CloudFormationTemplate.Value.string(from: template.getAtt(id, "PolicyArn", depth: 0)) else { continue }
            for case let role? in rolesNamed(props?["Roles"]) {
                if unknownManaged.contains(arn) {
                    Self.cfnPermissionsUnknown(role)
                } else if !role.attachedPolicyArns.contains(where: { $0.arn == arn }) {
                    role.attachedPolicyArns.append((arn, props?["Roles"] ?? role.node))
                }
            }
        }
        for type in ["AWS::IAM::Policy", "AWS::IAM::RolePolicy"] {
            for (id, _, props) in of(type) {
                let policyName = str(props?["PolicyName"]) ?? id
                let targets = rolesNamed(type == "AWS::IAM::Policy" ? props?["Roles"] : props?["RoleName"])
                guard let d = props?["PolicyDocument"], !unknown(d) else {
                    for case let role? in targets { Self.cfnPermissionsUnknown(role) }
                    continue
                }
                let known = targets.compactMap { $0 }
                let label = known.count == 1 ? "inline policy \(policyName) of role \(known[0].name) (\(id))" : "policy \(policyName) (\(id))"
                guard let p = cfnPolicy(d, kind: .identity, label: label, origin: .inlineRole(role: known.first?.name ?? "?"), in: doc) else { continue }
                for role in known { role.inlinePolicies.append(p) }
            }
        }

        for (id, node, props) in of("AWS::IAM::InstanceProfile") {
            let name = str(props?["InstanceProfileName"]) ?? template.generatedName(id)
            let arn = CloudFormationTemplate.Value.string(from: template.getAtt(id, "Arn", depth: 0))
            let names = (props?["Roles"]?.elements ?? []).compactMap { str($0) }.map { $0.hasPrefix("arn:") ? StatementMatcher.roleName($0) : $0 }
            instanceProfiles.append(InstanceProfileResource(name: name, arn: arn, account: account, roleArns: [], roleNames: names, node: node))
        }
    }

    /// Security configurations and clusters.
    mutating func cfnAddEMR(_ stack: CloudFormationStack) {
        let (template, account, doc) = (stack.template, stack.account, stack.doc)
        let of = stack.of, str = CloudFormationStack.str, unknown = CloudFormationTemplate.containsUnknown
        // EMR.
        var unknownConfigurations: [String: Node] = [:]
        for (id, node, props) in of("AWS::EMR::SecurityConfiguration") {
            let nameNode = props?["Name"]
            let name = str(nameNode) ?? template.generatedName(id)
            guard let value = props?["SecurityConfiguration"], !unknown(value) else {
                unknownConfigurations[name] = props?["SecurityConfiguration"] ?? node
                continue
            }
            guard let configuration = cfnObject(value, what: "the SecurityConfiguration string", in: doc) else { continue }
            securityConfigurations.append(SecurityConfiguration(name: name, nameNode: nameNode ?? node, configuration: configuration,
                                                                source: doc, account: account))
        }
        for (id, node, props) in of("AWS::EMR::Cluster") {
            let apps = (props?["Applications"]?.elements ?? []).compactMap { a in a["Name"].flatMap { n in str(n).map { ($0, n) } } }
            var configName = str(props?["SecurityConfiguration"])
            var configNode = props?["SecurityConfiguration"]
            if let n = configName, let u = unknownConfigurations[n] {
                configName = nil
                configNode = u
            }
            let instances = props?["Instances"]
            var primary: Int?
            var primaryNode: Node?
            if let n = instances?["MasterInstanceGroup"]?["InstanceCount"], let v = str(n).flatMap({ Double($0) }) {
                primary = Int(v)
                primaryNode = n
            } else if let fleet = instances?["MasterInstanceFleet"] {
                let onDemand = fleet["TargetOnDemandCapacity"], spot = fleet["TargetSpotCapacity"]
                let o = str(onDemand).flatMap { Double($0) }, s = str(spot).flatMap { Double($0) }
                if o != nil || s != nil {
                    primary = Int((o ?? 0) + (s ?? 0))
                    primaryNode = (s ?? 0) > (o ?? 0) ? spot : (onDemand ?? spot)
                }
            }
            var cluster = ClusterResource(
                id: template.generatedName(id), name: str(props?["Name"]), arn: nil, account: account,
                releaseLabel: str(props?["ReleaseLabel"]), releaseNode: props?["ReleaseLabel"],
                applications: apps, applicationsNode: props?["Applications"],
                securityConfigurationName: configName, securityConfigurationNode: configNode,
                instanceProfileName: str(props?["JobFlowRole"]), instanceProfileNode: props?["JobFlowRole"],
                serviceRole: str(props?["ServiceRole"]), primaryNodeCount: primary, primaryNodeCountNode: primaryNode,
                node: node, source: doc)
            cluster.bootstrapActions = (props?["BootstrapActions"]?.elements ?? []).map { (str($0["Name"]), $0) }
            cluster.bootstrapActionsNode = props?["BootstrapActions"]
            cluster.applicationsDependOn = stack.undecidedConditions(inList: template.resources[id]?["Properties"]?["Applications"])
            if let choices = template.parameterChoices(template.resources[id]?["Properties"]?["ReleaseLabel"]) {
                cluster.releaseParameter = choices.parameter
                cluster.releaseAlternatives = choices.allowed.filter { $0.text != cluster.releaseLabel }.map { ($0.text, $0.node) }
            }
            clusters.append(cluster)
        }
    }

    /// S3 bucket policies.
    mutating func cfnAddBucketPolicies(_ stack: CloudFormationStack) {
        let (account, doc) = (stack.account, stack.doc)
        let of = stack.of, str = CloudFormationStack.str, unknown = CloudFormationTemplate.containsUnknown
        for (id, _, props) in of("AWS::S3::BucketPolicy") {
            let bucket = str(props?["Bucket"])
            guard let d = props?["PolicyDocument"], !unknown(d),
                  let p = cfnPolicy(d, kind: .resource, label: "bucket policy of \(bucket ?? "?") (\(id))", origin: .bucket, in: doc) else { continue }
            let named = Self.buckets(of: p)
            bucketPolicies.append(BucketPolicyResource(buckets: named.isEmpty ? bucket.map { [$0] } ?? [] : named, account: account, policy: p))
        }
    }

    /// SageMaker domains, user profiles and spaces.
    mutating func cfnAddStudio(_ stack: CloudFormationStack) {
        let (template, account) = (stack.template, stack.account)
        let of = stack.of, str = CloudFormationStack.str
        var unknownDomains: Set<String> = []
        for (id, node, props) in of("AWS::SageMaker::Domain") {
            let settingsNode = props?["DefaultUserSettings"]
            if let s = settingsNode, Self.cfnRoleListsUnknown(s) {
                unknownDomains.insert(template.generatedName(id))
                continue
            }
            let identity = props?["DomainSettings"]?["ExecutionRoleIdentityConfig"]
            var defaults = Self.settings(settingsNode)
            // The SageMaker API takes EmrSettings in a domain's DefaultUserSettings, but
            // CloudFormation's AWS::SageMaker::Domain does not (AWS::SageMaker::UserProfile does):
            // such a stack fails to deploy, so its lists are reported and not read.
            if let emr = settingsNode?["JupyterLabAppSettings"]?["EmrSettings"] {
                defaults.assumableRoles = nil
                defaults.executionRoles = nil
                problems.append(InputProblem(kind: .unsupportedField,
                                        message: "CloudFormation's AWS::SageMaker::Domain has no EmrSettings in DefaultUserSettings.JupyterLabAppSettings (only AWS::SageMaker::UserProfile has), so this stack fails to deploy; set the runtime and assumable roles on each user profile instead. The lists here were not read",
                                        location: Location(node: emr.keyNode ?? emr), identity: "domain-emr-settings|\(id)"))
            }
            var domain = StudioDomainResource(
                id: template.generatedName(id), arn: "arn:aws:sagemaker:*:\(account):domain/\(template.generatedName(id))", name: str(props?["DomainName"]), account: account,
                defaults: defaults, executionRoleIdentityConfig: str(identity),
                executionRoleIdentityConfigNode: identity, node: node)
            if let space = props?["DefaultSpaceSettings"], !Self.cfnRoleListsUnknown(space) { domain.defaultSpaceSettings = Self.settings(space) }
            domains.append(domain)
        }
        for (id, node, props) in of("AWS::SageMaker::UserProfile") {
            let domainId = str(props?["DomainId"]) ?? "?"
            let settingsNode = props?["UserSettings"]
            if let s = settingsNode, Self.cfnRoleListsUnknown(s) { continue }
            let settings = Self.settings(settingsNode)
            let ownLists = !(settings.executionRoles?.isEmpty ?? true) || !(settings.assumableRoles?.isEmpty ?? true)
            if !ownLists && unknownDomains.contains(domainId) { continue }
            let name = str(props?["UserProfileName"]) ?? id
            userProfiles.append(StudioUserProfileResource(
                domainId: domainId, name: name, arn: "arn:aws:sagemaker:*:\(account):user-profile/\(domainId)/\(name)",
                account: account, settings: settings, node: node))
        }
        for (id, node, props) in of("AWS::SageMaker::Space") {
            let spec = props?["SpaceSettings"]?["JupyterLabAppSettings"]?["DefaultResourceSpec"]
            let sharing = props?["SpaceSharingSettings"]?["SharingType"]
            var space = StudioSpaceResource(
                domainId: str(props?["DomainId"]) ?? "?", name: str(props?["SpaceName"]) ?? id, account: account,
                sharingType: str(sharing), sharingTypeNode: sharing,
                owner: str(props?["OwnershipSettings"]?["OwnerUserProfileName"]), appType: str(props?["SpaceSettings"]?["AppType"]),
                jupyterLabImage: str(spec?["SageMakerImageArn"]), jupyterLabVersionAlias: str(spec?["SageMakerImageVersionAlias"]),
                jupyterLabImageNode: spec?["SageMakerImageVersionAlias"] ?? spec?["SageMakerImageArn"], node: node)
            space.jupyterLabSpec = Self.resourceSpec(spec)
            spaces.append(space)
        }
    }

    /// Whether the EMR role lists (or what holds them) of Studio settings are not all known.
    static func cfnRoleListsUnknown(_ settings: Node) -> Bool {
        if CloudFormationTemplate.isUnknown(settings) { return true }
        guard let lab = settings["JupyterLabAppSettings"] else { return false }
        if CloudFormationTemplate.isUnknown(lab) { return true }
        guard let emr = lab["EmrSettings"] else { return false }
        return CloudFormationTemplate.containsUnknown(emr)
    }

    /// A role whose permission policies are not all known: not judged on what it may call, and
    /// no finding about it.
    static func cfnPermissionsUnknown(_ role: RoleResource) {
        role.permissionsUnknown = true
    }

    /// Parses a policy of the resolved template (an object, or a JSON string).
    mutating func cfnPolicy(_ node: Node, kind: PolicyKind, label: String, origin: PolicyOrigin, in doc: ClassifiedDocument) -> PolicyDocument? {
        guard let object = cfnObject(node, what: "the policy string", in: doc) else { return nil }
        return addPolicy(object, kind: kind, label: label, origin: origin, in: doc)
    }

    /// The object a value of the resolved template denotes. A string that an intrinsic produced
    /// (`!Sub`, `!Join`) is parsed with every position at the intrinsic; other strings as usual.
    mutating func cfnObject(_ value: Node, what: String, in doc: ClassifiedDocument) -> Node? {
        let r = value.record
        guard value.kind == .string, r.flags & NodeRecord.flagSideValue != 0, value.document.origin.isFile,
              !CloudFormationTemplate.isOriginalScalar(value) else {
            return embeddedObject(value, what: what, in: doc)
        }
        let text: [UInt8] = value.withValueBytes { Array($0) }
        let map = OffsetMap.constant(Int(r.start), innerLength: text.count)
        switch JSONParser.parse(text: text, file: value.document.file, origin: .embedded(in: value, map: map), skipBOM: false, limits: limits) {
        case .success(let embedded):
            embeddedDocuments.append(embedded)
            if embedded.root.kind == .object { return embedded.root }
            skipped(value, "\(what) holds JSON \(embedded.root.kind.withArticle), not an object; it was not checked")
        case .failure(let error):
            let file = doc.document.file
            let start = Int(r.start)
            problems.append(InputProblem(kind: .syntax,
                                    message: "\(what) is not valid JSON: \(error.message)",
                                    location: Location(file: file.path, range: file.range(from: start, to: max(start, Int(r.end))),
                                                       pointer: value.fullPointer, documentIndex: doc.document.streamIndex),
                                    identity: error.message))
        }
        return nil
    }
}

extension CloudFormationTemplate.Value {
    static func string(from v: CloudFormationTemplate.Value) -> String? {
        if case .string(let s) = v { return s }
        return nil
    }
}

extension CloudFormationTemplate {
    /// Whether a string of the resolved tree is one the original document held, not one an
    /// intrinsic produced.
    static func isOriginalScalar(_ n: Node) -> Bool { n.tag != resolvedTag }
}

extension DocumentOrigin {
    var isFile: Bool {
        if case .file = self { return true }
        return false
    }
}

extension ClassifiedDocument {
    /// Whether a node of the model comes from this input document: from its tree, from a string
    /// parsed inside it, or from the resolved copy of a CloudFormation template
    /// (`CloudFormationTemplate.resolved`, which shares the template's file and stream index but
    /// is another `Document`). Rules that pick "the resources of this document" should ask this
    /// rather than compare `node.document === document`.
    public func holds(_ node: Node) -> Bool {
        var doc = node.document
        while true {
            if doc === document { return true }
            switch doc.origin {
            case .embedded(let outer, _):
                doc = outer.document
            case .file:
                return doc.file === document.file && doc.streamIndex == document.streamIndex
            }
        }
    }
}

/// One template as a stack: its resolved tree, its account, and its existing resources by type.
struct CloudFormationStack {
    let template: CloudFormationTemplate
    let doc: ClassifiedDocument
    let account: String
    let byType: [String: [(id: String, node: Node, props: Node?)]]

    init?(_ template: CloudFormationTemplate, _ doc: ClassifiedDocument) {
        let root = template.resolved.root
        guard let resourcesNode = root["Resources"], resourcesNode.kind == .object else { return nil }
        var byType: [String: [(id: String, node: Node, props: Node?)]] = [:]
        for (k, v) in resourcesNode.members {
            guard let id = k.string, let type = v["Type"]?.string, let original = template.resources[id],
                  template.resourceExists(original) else { continue }
            byType[type, default: []].append((id, v, v["Properties"]))
        }
        self.template = template
        self.doc = doc
        self.account = template.account
        self.byType = byType
    }

    /// The conditions of the `Fn::If` elements of a list (in the original template) whose value
    /// the template does not decide, in order.
    func undecidedConditions(inList list: Node?) -> [String] {
        var out: [String] = []
        for e in list?.elements ?? [] {
            guard let (name, arg) = CloudFormationTemplate.intrinsic(e), name == "Fn::If",
                  let c = arg.elements.first?.string, template.condition(named: c, depth: 0) == nil, !out.contains(c) else { continue }
            out.append(c)
        }
        return out
    }

    /// The stack's resources of one type, in template order.
    func of(_ type: String) -> [(id: String, node: Node, props: Node?)] { byType[type] ?? [] }

    /// A known scalar's text; nil for unknown values, containers and nulls.
    static func str(_ n: Node?) -> String? {
        guard let n, !CloudFormationTemplate.isUnknown(n) else { return nil }
        return n.kind == .array || n.kind == .object || n.isNull ? nil : n.scalarText
    }
}
