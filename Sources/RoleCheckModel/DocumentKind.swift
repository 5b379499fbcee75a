import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM

/// What a document is, recognised from its shape (never from its file name).
public enum DocumentKind: String, Sendable, CaseIterable, Hashable {
    /// A raw EMR security configuration (what `create-security-configuration` takes).
    case securityConfiguration = "security-configuration"
    /// `aws emr describe-security-configuration` output: the configuration is a JSON string.
    case describeSecurityConfiguration = "describe-security-configuration"
    /// `aws emr describe-cluster` output.
    case describeCluster = "describe-cluster"
    /// A standalone IAM policy document (identity, trust or resource).
    case iamPolicy = "iam-policy"
    /// `aws iam get-account-authorization-details` output.
    case accountAuthorizationDetails = "get-account-authorization-details"
    /// `aws iam get-role`.
    case getRole = "get-role"
    /// `aws iam get-role-policy`.
    case getRolePolicy = "get-role-policy"
    /// `aws iam get-policy-version`.
    case getPolicyVersion = "get-policy-version"
    /// `aws iam get-instance-profile`.
    case getInstanceProfile = "get-instance-profile"
    /// `aws s3api get-bucket-policy`: the policy is a JSON string.
    case getBucketPolicy = "get-bucket-policy"
    /// Studio Classic `emr-configurations-DO_NOT_DELETE.json`.
    case studioExecutionRoleConfiguration = "studio-emr-execution-roles"
    /// Studio Classic `emr-discovery-iam-role-arns-DO_NOT_DELETE.json`.
    case studioDiscoveryConfiguration = "studio-emr-discovery-roles"
    /// `aws sagemaker describe-domain`.
    case describeDomain = "describe-domain"
    /// `aws sagemaker describe-user-profile`.
    case describeUserProfile = "describe-user-profile"
    /// `aws sagemaker describe-space`.
    case describeSpace = "describe-space"
    /// `aws lakeformation get-data-lake-settings`.
    case dataLakeSettings = "get-data-lake-settings"
    /// A CloudFormation template.
    case cloudFormationTemplate = "cloudformation-template"
    /// `terraform show -json` output (state or plan).
    case terraformJSON = "terraform-show-json"
    /// rolecheck's own configuration file.
    case rolecheckConfiguration = "rolecheck-configuration"
    /// `rolecheck collect`'s record of its calls (`manifest.json`).
    case collectManifest = "collect-manifest"
    /// The SCPs and RCPs on an account's path to its organisation's root, as `rolecheck collect`
    /// writes them (`organization-policies.json`).
    case organizationPolicies = "organization-policies"

    /// Output of an IAM or S3 read API: what a live account holds, which IAM (or S3) accepted.
    public var isLiveExport: Bool {
        switch self {
        case .accountAuthorizationDetails, .getRole, .getRolePolicy, .getPolicyVersion, .getBucketPolicy: true
        default: false
        }
    }
}

/// A document and what it was recognised as.
public struct ClassifiedDocument: Sendable {
    public let document: Document
    public let kind: DocumentKind

    public init(document: Document, kind: DocumentKind) {
        self.document = document
        self.kind = kind
    }

    public var root: Node { document.root }
}

/// Recognises documents by their top-level keys.
public enum DocumentClassifier {
    /// Top-level sections of an EMR security configuration.
    static let securityConfigurationSections: Set<String> = [
        "AuthorizationConfiguration", "EncryptionConfiguration", "AuthenticationConfiguration",
        "InstanceMetadataServiceConfiguration",
    ]

    public static func classify(_ document: Document) -> DocumentKind? {
        let root = document.root
        guard root.kind == .object else { return nil }
        var keys: Set<String> = []
        for (key, _) in root.members { if let k = key.string { keys.insert(k) } }

        if keys.contains("Statement") && (keys.isSubset(of: ["Version", "Id", "Statement"])) { return .iamPolicy }
        if !keys.isDisjoint(with: securityConfigurationSections) && keys.isSubset(of: securityConfigurationSections) {
            return .securityConfiguration
        }
        if keys.contains("SecurityConfiguration") && keys.contains("Name") && !keys.contains("Cluster") {
            return .describeSecurityConfiguration
        }
        if let cluster = root["Cluster"], cluster.kind == .object { return .describeCluster }
        if !keys.isDisjoint(with: ["RoleDetailList", "UserDetailList", "GroupDetailList"]) { return .accountAuthorizationDetails }
        if let role = root["Role"], role.kind == .object, role["RoleName"] != nil || role["Arn"] != nil { return .getRole }
        if keys.contains("PolicyDocument") && keys.contains("RoleName") { return .getRolePolicy }
        if let v = root["PolicyVersion"], v.kind == .object { return .getPolicyVersion }
        if let p = root["InstanceProfile"], p.kind == .object { return .getInstanceProfile }
        if keys == ["Policy"], root["Policy"]?.kind == .string || root["Policy"]?.kind == .object { return .getBucketPolicy }
        if let e = root["emr-execution-role-arns"], e.kind == .object { return .studioExecutionRoleConfiguration }
        if keys.contains("DomainId") && (keys.contains("DefaultUserSettings") || keys.contains("DomainArn")) {
            return .describeDomain
        }
        if keys.contains("UserProfileName") && keys.contains("DomainId") { return .describeUserProfile }
        if keys.contains("SpaceName") && keys.contains("DomainId") { return .describeSpace }
        if let s = root["DataLakeSettings"], s.kind == .object { return .dataLakeSettings }
        if keys == ["RolecheckCollect"], root["RolecheckCollect"]?.kind == .object { return .collectManifest }
        if keys == ["OrganizationPolicies"], root["OrganizationPolicies"]?.kind == .object { return .organizationPolicies }
        if keys.contains("AWSTemplateFormatVersion") || isCloudFormationResources(root["Resources"]) {
            return .cloudFormationTemplate
        }
        if keys.contains("format_version") && !keys.isDisjoint(with: ["values", "planned_values", "resource_changes", "prior_state"]) {
            return .terraformJSON
        }
        if isDiscoveryFile(root) { return .studioDiscoveryConfiguration }
        if !keys.isEmpty && keys.isSubset(of: ["rules", "fail-on", "include", "exclude", "extensions", "setup", "baseline", "suppressions"]) {
            return .rolecheckConfiguration
        }
        return nil
    }

    static func isCloudFormationResources(_ node: Node?) -> Bool {
        guard let node, node.kind == .object, node.count > 0 else { return false }
        return node.members.contains { $0.value["Type"]?.string?.hasPrefix("AWS::") == true }
    }

    /// `{"<12-digit account>": "arn:aws:iam::<account>:role/<name>", …}`. Recognised by its IAM
    /// ARN values even when a key is malformed, so RC404 can say what is wrong with it.
    static func isDiscoveryFile(_ root: Node) -> Bool {
        guard root.count > 0 else { return false }
        let members = root.members
        let iamValues = members.allSatisfy { _, value in
            guard let v = value.string else { return false }
            return v.hasPrefix("arn:") && v.contains(":iam::")
        }
        let accountKeys = members.contains { key, _ in
            key.string.map { $0.count == 12 && $0.allSatisfy(\.isASCIIDigitCharacter) } ?? false
        }
        return iamValues && accountKeys
    }
}

extension Character {
    package var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
