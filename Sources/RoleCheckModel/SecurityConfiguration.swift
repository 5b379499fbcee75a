import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM

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

    /// The account whose folder (or configured path) the configuration was found in.
    public let account: String?

    /// `AuthorizationConfiguration.IAMConfiguration.EnableApplicationScopedIAMRole`.
    public var enableRuntimeRoles: Node? {
        configuration["AuthorizationConfiguration"]?["IAMConfiguration"]?["EnableApplicationScopedIAMRole"]
    }
}

