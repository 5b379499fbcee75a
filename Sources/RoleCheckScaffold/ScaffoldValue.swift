/// The values of generated documents: JSON-shaped, with references to other resources of the
/// setup that each format writes its own way (a literal ARN in a CLI document, `!GetAtt` in a
/// CloudFormation template, `aws_iam_role.x.arn` in Terraform).
indirect enum ScaffoldValue: Sendable {
    case string(String)
    case bool(Bool)
    case int(Int)
    case array([ScaffoldValue])
    /// Members in output order.
    case object([(String, ScaffoldValue)])
    /// An attribute of another resource of the setup.
    case ref(ResourceRef)
    /// Text with references inside (`arn:…:cluster/` followed by the cluster's ID).
    case text([TextPiece])

    static func strings(_ items: [String]) -> ScaffoldValue { .array(items.map { .string($0) }) }
}

enum TextPiece: Sendable {
    case literal(String)
    case ref(ResourceRef)
}

/// A resource of the setup, and which of its attributes a value takes.
struct ResourceRef: Sendable, Hashable {
    enum Attribute: Sendable, Hashable {
        /// An IAM role's or instance profile's ARN, a lifecycle configuration's ARN.
        case arn
        /// A role's, instance profile's or security configuration's name.
        case name
        /// A cluster's ID (known only once it exists).
        case id
    }

    let resource: ResourceKey
    let attribute: Attribute
}

/// Identifies a resource of the plan; each format derives its own identifiers from `name`
/// (`runtime_role_analyst` → `RuntimeRoleAnalyst` in CloudFormation).
struct ResourceKey: Sendable, Hashable, Comparable {
    /// snake_case, unique in the setup.
    let name: String

    static func < (a: ResourceKey, b: ResourceKey) -> Bool { a.name < b.name }

    /// CamelCase, for CloudFormation logical IDs.
    var logicalId: String {
        name.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    static let studioExecutionRole = ResourceKey(name: "studio_execution_role")
    static let accessRole = ResourceKey(name: "emr_access_role")
    static let instanceRole = ResourceKey(name: "cluster_instance_role")
    static let instanceProfile = ResourceKey(name: "cluster_instance_profile")
    static let serviceRole = ResourceKey(name: "cluster_service_role")
    static let securityConfiguration = ResourceKey(name: "runtime_roles_security_configuration")
    static let cluster = ResourceKey(name: "cluster")
    static let lifecycleConfig = ResourceKey(name: "preload_lifecycle_config")
    static let userProfile = ResourceKey(name: "user_profile")
    static let bucketPolicy = ResourceKey(name: "data_bucket_policy")
}

extension ScaffoldValue {
    /// The value with every reference replaced by `resolve`'s literal; nil when one has none.
    func literal(_ resolve: (ResourceRef) -> String?) -> ScaffoldValue? {
        switch self {
        case .string, .bool, .int: return self
        case .array(let items):
            var out: [ScaffoldValue] = []
            for i in items {
                guard let v = i.literal(resolve) else { return nil }
                out.append(v)
            }
            return .array(out)
        case .object(let members):
            var out: [(String, ScaffoldValue)] = []
            for (k, v) in members {
                guard let l = v.literal(resolve) else { return nil }
                out.append((k, l))
            }
            return .object(out)
        case .ref(let r):
            return resolve(r).map { .string($0) }
        case .text(let pieces):
            var s = ""
            for p in pieces {
                switch p {
                case .literal(let t): s += t
                case .ref(let r):
                    guard let v = resolve(r) else { return nil }
                    s += v
                }
            }
            return .string(s)
        }
    }

    /// The member `key` of an object.
    subscript(key: String) -> ScaffoldValue? {
        if case .object(let members) = self { return members.first { $0.0 == key }?.1 }
        return nil
    }
}
