/// An EMR security configuration, from a raw configuration document, from
/// `describe-security-configuration` output (whose configuration is a JSON string), and later from
/// CloudFormation and Terraform.
public struct SecurityConfiguration: Sendable {
    /// The configuration's name, where the input carries one.
    public let name: String?
    public let nameNode: Node?
    /// The configuration object (in an embedded document for the describe shape).
    public let configuration: Node
    /// The document it was read from.
    public let source: ClassifiedDocument

    /// `AuthorizationConfiguration.IAMConfiguration.EnableApplicationScopedIAMRole`.
    public var enableRuntimeRoles: Node? {
        configuration["AuthorizationConfiguration"]?["IAMConfiguration"]?["EnableApplicationScopedIAMRole"]
    }
}

/// Builds the typed model from the recognised documents. Where a value must be parsed further (a
/// configuration or policy stored as a JSON string) it records the embedded documents and any
/// problem with them.
public struct ModelBuilder {
    public var securityConfigurations: [SecurityConfiguration] = []
    /// Documents parsed out of strings, for duplicate-key checks.
    public var embeddedDocuments: [Document] = []
    /// Findings about input the model could not read (RC001 inside an embedded string, RC003).
    public var findings: [Finding] = []
    let limits: ParseLimits

    public init(limits: ParseLimits = .default) {
        self.limits = limits
    }

    public mutating func add(_ doc: ClassifiedDocument) {
        switch doc.kind {
        case .securityConfiguration:
            securityConfigurations.append(SecurityConfiguration(name: nil, nameNode: nil, configuration: doc.root, source: doc))
        case .describeSecurityConfiguration:
            let root = doc.root
            let nameNode = root["Name"]
            guard let value = root["SecurityConfiguration"] else { return }
            switch value.kind {
            case .object:
                securityConfigurations.append(SecurityConfiguration(name: nameNode?.string, nameNode: nameNode,
                                                                    configuration: value, source: doc))
            case .string:
                switch DocumentLoader.parseEmbeddedJSON(value, limits: limits) {
                case .success(let embedded):
                    embeddedDocuments.append(embedded)
                    if embedded.root.kind == .object {
                        securityConfigurations.append(SecurityConfiguration(name: nameNode?.string, nameNode: nameNode,
                                                                            configuration: embedded.root, source: doc))
                    } else {
                        skipped(value, "the SecurityConfiguration string holds JSON \(embedded.root.kind.withArticle), not an object; the configuration was not checked")
                    }
                case .failure(let error):
                    let file = doc.document.file
                    let start = doc.document.fileOffset(error.offset)
                    let end = error.endOffset.map { doc.document.fileOffset($0) } ?? start
                    findings.append(Finding(ruleId: "RC001", severity: RuleCatalog.defaultSeverity("RC001"),
                                            message: "the SecurityConfiguration string is not valid JSON: \(error.message)",
                                            location: Location(file: file.path, range: file.range(from: start, to: end),
                                                               pointer: value.fullPointer, documentIndex: doc.document.streamIndex),
                                            identity: error.message))
                }
            default:
                skipped(value, "SecurityConfiguration is \(value.kind.withArticle), neither a JSON string nor an object; the configuration was not checked")
            }
        default:
            break
        }
    }

    mutating func skipped(_ node: Node, _ message: String) {
        findings.append(Finding(ruleId: "RC003", severity: RuleCatalog.defaultSeverity("RC003"), message: message, location: Location(node: node),
                                identity: message))
    }
}
