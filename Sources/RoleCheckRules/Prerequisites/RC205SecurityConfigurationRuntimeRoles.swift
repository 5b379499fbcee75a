import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel

/// RC205: the security configuration must set
/// `AuthorizationConfiguration.IAMConfiguration.EnableApplicationScopedIAMRole` to boolean `true`.
public struct RC205SecurityConfigurationRuntimeRoles: DocumentRule {
    public let id: RuleID = .RC205
    public let kinds: Set<DocumentKind> = [.securityConfiguration, .describeSecurityConfiguration, .terraformJSON, .cloudFormationTemplate]

    public init() {}

    static let path = "AuthorizationConfiguration.IAMConfiguration.EnableApplicationScopedIAMRole"

    public func check(_ document: ClassifiedDocument, in setup: Setup, _ context: inout RuleContext) {
        for config in setup.securityConfigurations(in: document) where setup.isInRuntimeRoleScope(config) {
            check(config, &context)
        }
    }

    func check(_ config: SecurityConfiguration, _ context: inout RuleContext) {
        let subject = config.name.map { "security configuration \"\($0)\"" } ?? "this security configuration"
        let root = config.configuration
        let fix = config.fix("add \(Self.path): true")

        guard let authz = root["AuthorizationConfiguration"] else {
            context.report("runtime roles are off: \(subject) has no AuthorizationConfiguration; \(fix)",
                           at: root, identity: "AuthorizationConfiguration", about: [.entity(config.entity)])
            return
        }
        guard authz.kind == .object else {
            context.report("runtime roles are off: AuthorizationConfiguration is \(authz.kind.withArticle), not an object; it must hold IAMConfiguration.EnableApplicationScopedIAMRole: true",
                           at: authz, identity: "AuthorizationConfiguration", about: [.entity(config.entity)])
            return
        }
        guard let iam = authz["IAMConfiguration"] else {
            context.report("runtime roles are off: AuthorizationConfiguration has no IAMConfiguration; \(config.fix("add IAMConfiguration.EnableApplicationScopedIAMRole: true here"))",
                           at: authz.keyNode ?? authz, identity: "IAMConfiguration", about: [.entity(config.entity)])
            return
        }
        guard iam.kind == .object else {
            context.report("runtime roles are off: IAMConfiguration is \(iam.kind.withArticle), not an object; it must hold EnableApplicationScopedIAMRole: true",
                           at: iam, identity: "IAMConfiguration", about: [.entity(config.entity)])
            return
        }
        guard let flag = iam["EnableApplicationScopedIAMRole"] else {
            context.report("runtime roles are off: IAMConfiguration has no EnableApplicationScopedIAMRole; \(config.fix("add EnableApplicationScopedIAMRole: true here"))",
                           at: iam.keyNode ?? iam, identity: "EnableApplicationScopedIAMRole", about: [.entity(config.entity)],
                           fix: Fix.of("add EnableApplicationScopedIAMRole: true to IAMConfiguration",
                                       [iam.insertingMember("EnableApplicationScopedIAMRole", .bool(true))]))
            return
        }
        switch flag.kind {
        case .bool:
            if flag.bool == false {
                context.report("runtime roles are off: EnableApplicationScopedIAMRole is false in \(subject); \(config.fix("set it to true"))",
                               at: flag, about: [.entity(config.entity)], fix: Self.setTrue(flag))
            }
        case .string where flag.string?.lowercased() == "true":
            context.report("EnableApplicationScopedIAMRole is the string \"\(flag.string ?? "")\", not the boolean true that EMR documents; write true without quotes",
                           at: flag, severity: .warning, about: [.entity(config.entity)], fix: Self.setTrue(flag))
        default:
            context.report("runtime roles are off: EnableApplicationScopedIAMRole must be the boolean true, but it is \(describe(flag))",
                           at: flag, about: [.entity(config.entity)])
        }
    }

    /// The flag set to the boolean true (a CloudFormation template's YAML keeps its layout).
    static func setTrue(_ flag: Node) -> Fix? {
        Fix.of("set EnableApplicationScopedIAMRole to the boolean true", [flag.replaced(with: .bool(true))])
    }

    func describe(_ node: Node) -> String {
        switch node.kind {
        case .string: "the string \"\(node.string ?? "")\""
        case .null: "null"
        case .number: "the number \(node.scalarText ?? "")"
        default: node.kind.withArticle
        }
    }
}
