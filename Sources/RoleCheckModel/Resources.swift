import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM

/// Typed AWS resources read from the inputs. Each keeps the node it came from, so findings can
/// point at it and list it as a related location.

/// Which account a document belongs to when it carries no ARN of its own: the deepest folder of
/// its path whose name starts with a 12-digit account ID (`444455556666-data/iam.json`).
public enum AccountFolders {
    public static func account(forPath path: String) -> String? {
        var found: String?
        for component in path.split(separator: "/").dropLast() {
            let digits = component.prefix(12)
            if digits.count == 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
               component.count == 12 || component.dropFirst(12).first.map({ !$0.isNumber }) == true {
                found = String(digits)
            }
        }
        return found
    }
}

/// A role as far as the inputs describe it (the pieces of one role may come from several
/// documents: `get-role`, `get-role-policy`, an authorization-details export).
public final class RoleResource: @unchecked Sendable {
    public let name: String
    public internal(set) var arn: String?
    public internal(set) var account: String?
    public internal(set) var trust: PolicyDocument?
    public internal(set) var inlinePolicies: [PolicyDocument] = []
    /// ARNs of attached managed policies, with the node naming each.
    public internal(set) var attachedPolicyArns: [(arn: String, node: Node)] = []
    public internal(set) var boundaryArn: String?
    /// Whether an input lists the role's permission policies, even as none: an
    /// authorization-details entry (`RolePolicyList`, `AttachedManagedPolicies`) or a Terraform
    /// `aws_iam_role` resource (whose `inline_policy` and `managed_policy_arns` a state lists).
    /// `get-role` output and Terraform's `aws_iam_role` data source carry only the trust policy.
    public internal(set) var permissionsListed = false
    /// Whether some of the role's permissions cannot be known from the inputs: a Terraform plan
    /// value known only after apply, or a CloudFormation value that does not resolve. Such a role
    /// is never judged on what it may call (and is not reported as missing either).
    public internal(set) var permissionsUnknown = false
    /// The role's tags, when the input lists them (`Tags` of an IAM export, even empty); nil when
    /// it does not say. A session of the role carries them as `aws:PrincipalTag/…`.
    public internal(set) var tags: [String: String]?
    /// The node that describes the role (for related locations).
    public internal(set) var node: Node

    init(name: String, arn: String?, account: String?, node: Node) {
        self.name = name
        self.arn = arn
        self.account = account
        self.node = node
    }

    /// The role's ARN, or one built from its account and name when the input gave none.
    public var effectiveArn: String? { arn ?? account.map { "arn:aws:iam::\($0):role/\(name)" } }
}

public struct InstanceProfileResource: Sendable {
    public let name: String
    public let arn: String?
    public let account: String?
    /// Roles in the profile (ARNs where given, else names).
    public let roleArns: [String]
    public let roleNames: [String]
    public let node: Node
}

public struct ManagedPolicyResource: Sendable {
    public let arn: String
    public let name: String
    public let document: PolicyDocument
}

/// An EMR cluster from `aws emr describe-cluster`.
public struct ClusterResource: Sendable {
    public let id: String?
    public let name: String?
    public let arn: String?
    public let account: String?
    public let releaseLabel: String?
    public let releaseNode: Node?
    public let applications: [(name: String, node: Node)]
    public let applicationsNode: Node?
    public let securityConfigurationName: String?
    public let securityConfigurationNode: Node?
    public let instanceProfileName: String?
    public let instanceProfileNode: Node?
    public let serviceRole: String?
    /// Primary (master) nodes requested, when the export shows instance groups or fleets.
    public let primaryNodeCount: Int?
    public let primaryNodeCountNode: Node?
    public let node: Node
    public let source: ClassifiedDocument
    /// The cluster's bootstrap actions (CLI: `BootstrapActions` of `describe-cluster`, which
    /// `list-bootstrap-actions` also gives; Terraform: `bootstrap_action` blocks), and the node
    /// that lists them. Empty when the input shows none.
    public var bootstrapActions: [(name: String?, node: Node)] = []
    public var bootstrapActionsNode: Node? = nil
    /// The cluster's tags, when the input lists them (`Tags` of describe-cluster); nil otherwise.
    /// Requests on the cluster carry them as `aws:ResourceTag/…` and `elasticmapreduce:ResourceTag/…`.
    public var tags: [String: String]? = nil
    /// CloudFormation: the conditions (`Fn::If`) the Applications list depends on that cannot be
    /// decided from the template (a parameter without a default). The list then holds only the
    /// applications every choice installs.
    public var applicationsDependOn: [String] = []
    /// CloudFormation: a `ReleaseLabel` given as `!Ref` of a parameter with `AllowedValues`: the
    /// parameter, and the values it allows other than the one judged (its default), each with its
    /// node in `AllowedValues`. A stack can be launched with any of them.
    public var releaseParameter: String? = nil
    public var releaseAlternatives: [(label: String, node: Node)] = []

    /// "cluster j-2AXXXXXXGAPLF (analytics)".
    public var label: String {
        var s = "cluster \(id ?? arn ?? "?")"
        if let name { s += " (\(name))" }
        return s
    }

    /// The ARN, or one built from the account and id (the region is unknown then: `*`).
    public var effectiveArn: String {
        arn ?? "arn:aws:elasticmapreduce:*:\(account ?? "*"):cluster/\(id ?? "*")"
    }

}

/// How a Studio user reaches EMR: Studio Classic (JupyterServer app, roles in files on the
/// user's home) or the JupyterLab app of the new Studio (roles in `EmrSettings`).
public enum StudioApp: String, Sendable {
    case classic = "Studio Classic"
    case jupyterLab = "JupyterLab"
}

/// A list of role ARNs with its nodes.
public struct RoleList: Sendable {
    public let node: Node
    public let arns: [(arn: String, node: Node)]

    public var isEmpty: Bool { arns.isEmpty }
}

/// The image fields of an app's `DefaultResourceSpec` (CLI) or `default_resource_spec` (Terraform),
/// each the node of a value that is set (not null, and for Terraform not `""`).
public struct ResourceSpecImage: Sendable {
    /// `SageMakerImageArn` (`…:image/jupyter-server-3`).
    public let imageArn: Node?
    /// `SageMakerImageVersionArn` (`…:image-version/jupyter-server-3/1`).
    public let imageVersionArn: Node?
    /// `SageMakerImageVersionAlias` (`1.10.0`).
    public let versionAlias: Node?

    public init(imageArn: Node? = nil, imageVersionArn: Node? = nil, versionAlias: Node? = nil) {
        func set(_ n: Node?) -> Node? { n.flatMap { $0.isNull ? nil : $0 } }
        self.imageArn = set(imageArn)
        self.imageVersionArn = set(imageVersionArn)
        self.versionAlias = set(versionAlias)
    }

    /// Whether the spec says anything about the image (then it, not the level above, takes effect).
    public var namesImage: Bool { imageArn != nil || imageVersionArn != nil || versionAlias != nil }
}

/// The Studio settings that matter here, from a domain's defaults or a user profile.
public struct StudioSettings: Sendable {
    public let executionRole: String?
    public let executionRoleNode: Node?
    /// `JupyterServerAppSettings.DefaultResourceSpec.SageMakerImageArn` (Studio Classic).
    public let jupyterServerImage: String?
    public let jupyterServerImageNode: Node?
    /// `JupyterLabAppSettings.DefaultResourceSpec` image and version alias.
    public let jupyterLabImage: String?
    public let jupyterLabVersionAlias: String?
    public let jupyterLabImageNode: Node?
    public internal(set) var assumableRoles: RoleList?
    public internal(set) var executionRoles: RoleList?
    /// `StudioWebPortal` (`ENABLED` is the new Studio).
    public let studioWebPortal: String?
    /// The image fields of `JupyterServerAppSettings.DefaultResourceSpec` (Studio Classic), with
    /// the image-version ARN.
    public var jupyterServerSpec = ResourceSpecImage()
    /// The image fields of `JupyterLabAppSettings.DefaultResourceSpec`.
    public var jupyterLabSpec = ResourceSpecImage()
}

public struct StudioDomainResource: Sendable {
    public let id: String
    public let arn: String?
    public let name: String?
    public let account: String?
    public let defaults: StudioSettings
    /// `DefaultSpaceSettings` (Terraform: `default_space_settings`), when given: only its
    /// `EmrSettings` lists are read (RC404).
    public var defaultSpaceSettings: StudioSettings? = nil
    /// `DomainSettings.ExecutionRoleIdentityConfig` (`USER_PROFILE_NAME` propagates source identity).
    public let executionRoleIdentityConfig: String?
    public let executionRoleIdentityConfigNode: Node?
    public let node: Node
}

public struct StudioUserProfileResource: Sendable {
    public let domainId: String
    public let name: String
    public let arn: String?
    public let account: String?
    public let settings: StudioSettings
    public let node: Node
}

public struct StudioSpaceResource: Sendable {
    public let domainId: String
    public let name: String
    public let account: String?
    public let sharingType: String?
    public let sharingTypeNode: Node?
    public let owner: String?
    public let appType: String?
    public let jupyterLabImage: String?
    public let jupyterLabVersionAlias: String?
    public let jupyterLabImageNode: Node?
    public let node: Node
    /// The image fields of `SpaceSettings.JupyterLabAppSettings.DefaultResourceSpec`.
    public var jupyterLabSpec = ResourceSpecImage()
}

/// Studio Classic's `emr-configurations-DO_NOT_DELETE.json`: runtime roles per cluster account.
public struct StudioClassicRoleConfig: Sendable {
    public let account: String?
    public let rolesByAccount: [(account: String, keyNode: Node, roles: RoleList)]
    public let node: Node
    public let source: ClassifiedDocument
}

/// Studio Classic's `emr-discovery-iam-role-arns-DO_NOT_DELETE.json`: one access role per account.
public struct StudioClassicDiscoveryConfig: Sendable {
    public let account: String?
    public let accessRoles: [(account: String, keyNode: Node, arn: String, node: Node)]
    public let node: Node
    public let source: ClassifiedDocument
}

/// An S3 bucket policy, with the buckets its resources name.
public struct BucketPolicyResource: Sendable {
    public let buckets: [String]
    public let account: String?
    public let policy: PolicyDocument
}

/// `aws lakeformation get-data-lake-settings`.
public struct LakeFormationSettingsResource: Sendable {
    public let account: String?
    public let authorizedSessionTagValues: [(value: String, node: Node)]
    public let authorizedSessionTagValueNode: Node?
    public let allowExternalDataFiltering: Bool?
    public let externalDataFilteringAllowList: [String]
    public let node: Node
}

/// The organisation policies that apply to one account: its path from the root, each level with
/// its service control policies (which limit the account's principals) and resource control
/// policies (which limit what may be done to its resources).
public struct OrganizationPolicyPath: Sendable {
    public struct Level: Sendable {
        public let target: String
        public let type: String
        public let serviceControl: [PolicyDocument]
        public let resourceControl: [PolicyDocument]
    }

    public let account: String
    public let organizationId: String?
    /// The management account, which SCPs and RCPs do not govern.
    public let managementAccount: String?
    /// The organisation's member accounts, when listed: `aws:PrincipalOrgID` is known for them.
    public let memberAccounts: Set<String>
    public let levels: [Level]
    public let node: Node
}
