/// What a finding is about, independently of where in a file it points: an entity of the setup
/// (a role, a cluster, a security configuration …) or a hop of a chain between two entities.
/// `rolecheck graph`, reports and explanations find a finding's place in the setup through it,
/// never through its message.
public enum Subject: Sendable, Hashable, Comparable {
    case entity(EntityRef)
    case hop(HopRef)

    public static func < (a: Subject, b: Subject) -> Bool { a.key.utf8.lexicographicallyPrecedes(b.key.utf8) }

    /// A stable text form, for sorting and for JSON.
    public var key: String {
        switch self {
        case .entity(let e): e.key
        case .hop(let h): h.key
        }
    }
}

/// An entity of a setup, named by what identifies it in AWS.
public struct EntityRef: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        /// An IAM role (Studio execution role, EMR access role, instance-profile role, runtime
        /// role), by ARN.
        case role
        /// An EMR cluster, by ARN (or the symbolic ARN of its id).
        case cluster
        /// An EMR security configuration, by `account/name` (`?/name` when the account is unknown).
        case securityConfiguration = "security-configuration"
        /// An S3 bucket, by name.
        case bucket
        /// A Studio user (or a domain's defaults) with no execution role among the inputs, by label.
        case studio
        /// Lake Formation of an account, by account ID.
        case lakeFormation = "lake-formation"
    }

    public let kind: Kind
    /// The ARN, name or label that identifies the entity among the inputs.
    public let id: String

    public init(_ kind: Kind, _ id: String) {
        self.kind = kind
        self.id = id
    }

    public static func role(_ arn: String) -> EntityRef { EntityRef(.role, arn) }
    public static func cluster(_ arn: String) -> EntityRef { EntityRef(.cluster, arn) }
    public static func bucket(_ name: String) -> EntityRef { EntityRef(.bucket, name) }

    public var key: String { "\(kind.rawValue):\(id)" }
}

/// The hops of a runtime-role chain: who calls whom, for what.
public enum HopKind: String, Sendable, CaseIterable {
    /// Studio's execution role assumes the EMR access role of the cluster's account (option 1).
    case assumeAccessRole = "assume-access-role"
    /// The Studio execution role (or the access role) asks the cluster for credentials of a
    /// runtime role (`GetClusterSessionCredentials`), after discovering the cluster.
    case sessionCredentials = "session-credentials"
    /// The cluster runs as its instance profile's role.
    case instanceProfile = "instance-profile"
    /// The cluster's security configuration.
    case securityConfiguration = "security-configuration"
    /// The instance-profile role assumes (and tags) the runtime role.
    case assumeRuntimeRole = "assume-runtime-role"
    /// The runtime role reads data through Lake Formation.
    case lakeFormation = "lake-formation"
    /// The runtime role reads a bucket of another account (option 2).
    case bucket
}

/// One hop between two entities.
public struct HopRef: Sendable, Hashable {
    public let kind: HopKind
    public let from: EntityRef
    public let to: EntityRef

    public init(_ kind: HopKind, from: EntityRef, to: EntityRef) {
        self.kind = kind
        self.from = from
        self.to = to
    }

    public var key: String { "\(kind.rawValue):\(from.key)->\(to.key)" }
}
