import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC209: EMR recommends in-transit encryption for runtime-role clusters that SageMaker Studio
/// connects to. Looked at only in configurations that enable runtime roles, and only when the
/// inputs show SageMaker Studio (EMR says the options can be skipped otherwise).
public struct RC209InTransitEncryption: DocumentRule {
    public let id: RuleID = .RC209
    public let kinds: Set<DocumentKind> = [.securityConfiguration, .describeSecurityConfiguration, .terraformJSON, .cloudFormationTemplate]

    public init() {}

    /// Whether a configuration turns runtime roles on (the boolean, or the string RC205 accepts
    /// with a warning).
    static func enablesRuntimeRoles(_ config: SecurityConfiguration) -> Bool {
        guard let flag = config.enableRuntimeRoles else { return false }
        return flag.bool == true || flag.string?.lowercased() == "true"
    }

    /// A Studio document among the inputs: a domain, user profile, space or Studio Classic file.
    static func studioEvidence(_ r: SetupResources) -> (node: Node, what: String)? {
        if let d = r.domains.first { return (d.node, "SageMaker Studio domain \(d.id)") }
        if let p = r.userProfiles.first { return (p.node, "Studio user profile \(p.name)") }
        if let s = r.spaces.first { return (s.node, "Studio space \(s.name)") }
        if let c = r.classicRoleConfigs.first { return (c.node, "Studio Classic's runtime-role file") }
        if let c = r.classicDiscoveryConfigs.first { return (c.node, "Studio Classic's discovery file") }
        return nil
    }

    public func check(_ document: ClassifiedDocument, in setup: Setup, _ context: inout RuleContext) {
        guard let studio = Self.studioEvidence(setup.resources) else { return }
        let related = [RelatedLocation(location: Location(node: studio.node), message: "\(studio.what) is among the inputs, so connections from Studio are expected")]
        for config in setup.securityConfigurations(in: document) where Self.enablesRuntimeRoles(config) {
            let subject = config.name.map { "security configuration \"\($0)\"" } ?? "this security configuration"
            let why = "EMR recommends in-transit encryption on every runtime-role cluster that SageMaker Studio connects to (Studio's Livy, Hive and Presto traffic then uses TLS)"
            let fix = "EnableInTransitEncryption: true and an InTransitEncryptionConfiguration.TLSCertificateConfiguration (a cluster's configuration is fixed at launch: create a new configuration and launch the cluster with it)"
            let root = config.configuration
            guard let encryption = root["EncryptionConfiguration"], !encryption.isNull else {
                context.report("\(subject) enables runtime roles but has no EncryptionConfiguration, so in-transit encryption is off; \(why). Add an EncryptionConfiguration with \(fix)",
                               at: root, related: related, identity: "EncryptionConfiguration", about: [.entity(config.entity)])
                continue
            }
            guard encryption.kind == .object else { continue } // RC005
            guard let flag = encryption["EnableInTransitEncryption"], !flag.isNull else {
                context.report("\(subject) enables runtime roles but its EncryptionConfiguration has no EnableInTransitEncryption, so in-transit encryption is off; \(why). Add \(fix)",
                               at: encryption.keyNode ?? encryption, related: related, identity: "EnableInTransitEncryption", about: [.entity(config.entity)])
                continue
            }
            let off: Bool
            switch flag.kind {
            case .bool: off = flag.bool == false
            case .string: off = flag.string?.lowercased() == "false" // "true" is on; RC005 asks for the boolean
            default: off = false // not a boolean: RC005
            }
            if off {
                context.report("in-transit encryption is off in \(subject), which enables runtime roles; \(why). Set \(fix)",
                               at: flag, related: related, about: [.entity(config.entity)])
            }
        }
    }
}
