/// Builds the typed model from the recognised documents. Where a value must be parsed further (a
/// configuration or policy stored as a JSON string, or URL-encoded as the raw IAM API returns it)
/// it parses it in place, keeps the embedded document, and reports what it cannot read.
public struct ModelBuilder {
    public var securityConfigurations: [SecurityConfiguration] = []
    public var policies: [PolicyDocument] = []
    /// Documents parsed out of strings, for duplicate-key checks.
    public var embeddedDocuments: [Document] = []
    /// Findings about input the model could not read (RC001 inside an embedded string, RC003).
    public var findings: [Finding] = []
    let limits: ParseLimits
    /// Which input document each policy came from.
    var policySources: [ObjectIdentifier: [PolicyDocument]] = [:]

    public init(limits: ParseLimits = .default) {
        self.limits = limits
    }

    public mutating func add(_ doc: ClassifiedDocument) {
        let root = doc.root
        switch doc.kind {
        case .securityConfiguration:
            securityConfigurations.append(SecurityConfiguration(name: nil, nameNode: nil, configuration: root, source: doc))
        case .describeSecurityConfiguration:
            let nameNode = root["Name"]
            guard let value = root["SecurityConfiguration"],
                  let configuration = embeddedObject(value, what: "the SecurityConfiguration string", in: doc) else { return }
            securityConfigurations.append(SecurityConfiguration(name: nameNode?.string, nameNode: nameNode,
                                                                configuration: configuration, source: doc))
        case .iamPolicy:
            addPolicy(root, kind: PolicyKind.infer(root), label: "policy \(doc.document.file.path)", origin: .standalone, in: doc)
        case .getRole:
            if let role = root["Role"] { addRolePolicies(role, in: doc) }
        case .getRolePolicy:
            let role = root["RoleName"]?.string ?? "?"
            let name = root["PolicyName"]?.string ?? "?"
            if let p = root["PolicyDocument"] { addPolicy(p, kind: .identity, label: "inline policy \(name) of role \(role)", origin: .inlineRole(role: role), in: doc) }
        case .getPolicyVersion:
            if let p = root["PolicyVersion"]?["Document"] {
                let v = root["PolicyVersion"]?["VersionId"]?.string ?? "?"
                addPolicy(p, kind: .identity, label: "managed policy version \(v)", origin: .managed, in: doc)
            }
        case .accountAuthorizationDetails:
            for role in root["RoleDetailList"]?.elements ?? [] { addRolePolicies(role, in: doc) }
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
                        addPolicy(d, kind: .identity, label: "managed policy \(name)", origin: awsOwned ? .awsManaged : .managed, in: doc)
                    }
                }
            }
        case .getBucketPolicy:
            if let p = root["Policy"] { addPolicy(p, kind: .resource, label: "bucket policy", origin: .bucket, in: doc) }
        default:
            break
        }
    }

    mutating func addRolePolicies(_ role: Node, in doc: ClassifiedDocument) {
        let name = role["RoleName"]?.string ?? role["Arn"]?.string ?? "?"
        if let trust = role["AssumeRolePolicyDocument"] {
            addPolicy(trust, kind: .trust, label: "trust policy of role \(name)", origin: .trust(role: name), in: doc)
        }
        for p in role["RolePolicyList"]?.elements ?? [] {
            if let d = p["PolicyDocument"] {
                addPolicy(d, kind: .identity, label: "inline policy \(p["PolicyName"]?.string ?? "?") of role \(name)", origin: .inlineRole(role: name), in: doc)
            }
        }
    }

    mutating func addPolicy(_ node: Node, kind: PolicyKind, label: String, origin: PolicyOrigin, in doc: ClassifiedDocument) {
        guard let root = embeddedObject(node, what: "the policy string", in: doc) else { return }
        let policy = PolicyDocument.parse(root, kind: kind, label: label, origin: origin)
        policies.append(policy)
        policySources[ObjectIdentifier(doc.document), default: []].append(policy)
    }

    /// The object a value denotes: itself, or the JSON document a string holds (plain or
    /// URL-encoded). Reports RC001 for a string that is not JSON and RC003 for other types.
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
                findings.append(Finding(ruleId: "RC001", severity: RuleCatalog.defaultSeverity("RC001"),
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
        findings.append(Finding(ruleId: "RC003", severity: RuleCatalog.defaultSeverity("RC003"), message: message,
                                location: Location(node: node), identity: message))
    }
}
