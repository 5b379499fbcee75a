import Synchronization
import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM

/// Every document of a run, recognised and indexed once, with the typed model built from them.
/// Setup rules join documents through these indexes instead of re-scanning the inputs.
public final class Setup: Sendable {
    public let documents: [ClassifiedDocument]
    public let byKind: [DocumentKind: [ClassifiedDocument]]
    /// Documents parsed out of strings (embedded configurations and policies).
    public let embeddedDocuments: [Document]
    /// Every IAM policy found in the inputs, with its kind and a label.
    public let policies: [PolicyDocument]
    /// Roles, clusters, Studio settings … and the joins between them.
    public let resources: SetupResources
    let chainCache = Mutex<[ChainFacts]?>(nil)
    let contextCache = Mutex<[StudioContext]?>(nil)
    let ownerCache = Mutex<[ObjectIdentifier: [Subject]]?>(nil)
    let scopeCache = Mutex<RuntimeRoleScope?>(nil)
    let boundaryCache = Mutex<Set<ObjectIdentifier>?>(nil)
    /// The configuration's `setup.require-runtime-roles`: every cluster is judged as one meant
    /// for runtime roles.
    public let requiresRuntimeRoles: Bool
    /// Accounts whose IAM the inputs show whole (a get-account-authorization-details export): a
    /// role of such an account that the inputs do not hold does not exist.
    public let completeAccounts: Set<String>
    /// Changed-files mode: the files whose findings are reported (nil: every file). Work whose
    /// findings can only land in other files may be skipped (`chainFacts` leaves out the chains
    /// that run through none of these files).
    public let focus: (@Sendable (String) -> Bool)?
    private let policiesByDocument: [ObjectIdentifier: [PolicyDocument]]

    /// The policies read from one input document.
    public func policies(in document: ClassifiedDocument) -> [PolicyDocument] {
        policiesByDocument[ObjectIdentifier(document.document)] ?? []
    }

    public init(documents: [ClassifiedDocument], model: ModelBuilder, focus: (@Sendable (String) -> Bool)? = nil) {
        self.documents = documents
        self.focus = focus
        self.byKind = Dictionary(grouping: documents, by: \.kind)
        self.embeddedDocuments = model.embeddedDocuments
        self.policies = model.policies
        self.resources = SetupResources(model: model)
        self.policiesByDocument = model.policySources
        self.requiresRuntimeRoles = model.configuration?.requireRuntimeRoles ?? false
        self.completeAccounts = model.completeAccounts
        self.configurationsByDocument = Dictionary(grouping: model.securityConfigurations) { ObjectIdentifier($0.source.document) }
    }

    private let configurationsByDocument: [ObjectIdentifier: [SecurityConfiguration]]

    /// The security configurations read from one input document.
    public func securityConfigurations(in document: ClassifiedDocument) -> [SecurityConfiguration] {
        configurationsByDocument[ObjectIdentifier(document.document)] ?? []
    }

    public func documents(of kind: DocumentKind) -> [ClassifiedDocument] { byKind[kind] ?? [] }
}
