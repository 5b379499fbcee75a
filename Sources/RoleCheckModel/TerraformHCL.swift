import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM

/// Terraform as people write it: `.tf` files (HCL native syntax), read into the same model as
/// `terraform show -json`. Each directory is a root module. Its resources are evaluated
/// symbolically and written, file by file, as a plan-shaped document (`planned_values`, with
/// `after_unknown` marks for what cannot be known) whose nodes point into the `.tf` file, so the
/// Terraform extraction applies unchanged and findings point at the attribute, or at the element
/// inside a heredoc or `jsonencode(...)`.
///
/// What is evaluated: literals; strings and heredocs, with interpolation of known values;
/// `jsonencode(...)` (the object itself, so a policy written in HCL is positioned element by
/// element); references between resources (`aws_iam_role.runtime.arn` is that role's ARN, built
/// from its name and path; a resource without a name stands for the name Terraform would
/// generate, which rolecheck writes as its label); `local.*`; `var.*` with their defaults (or a
/// module call's arguments); `data.aws_caller_identity.*.account_id` (the folder's account, else
/// the symbolic account), `data.aws_partition.*.partition` (`aws`), `data.aws_region.*.name` (any
/// Region); `data "aws_iam_policy_document"` (statements, principals, conditions,
/// `source_policy_documents`, `override_policy_documents`); a few functions (`join`, `format`,
/// `concat`, `merge`, `lower`, `upper`, `lookup`, `coalesce`, `try`, `tolist`, `toset`, `compact`,
/// `flatten`, `distinct`); and local modules (`source = "./…"`), followed with their arguments.
/// `count`, `for_each` and `dynamic` blocks are an unknown multiplicity: one instance is read,
/// and what depends on `count.index` or `each.*` is unknown. What cannot be known is unknown,
/// never a mismatch.
public enum TerraformHCL {
    /// The documents of the `.tf` files given, grouped into root modules by directory. A file
    /// that does not parse gets its error and no document; the others of its module are still
    /// read. `readModule` reads the `.tf` files of a local module's directory (nil: modules are
    /// not followed).
    public static func load(_ files: [SourceFile], limits: ParseLimits = .default,
                            readModule: (@Sendable (String) -> [SourceFile])? = nil) -> [LoadedFile] {
        var byDirectory: [String: [SourceFile]] = [:]
        var order: [String] = []
        for f in files {
            let dir = TFLoader.normalize(directory(of: f.path))
            if byDirectory[dir] == nil { order.append(dir) }
            byDirectory[dir, default: []].append(f)
        }
        var out: [LoadedFile] = []
        let loader = TFLoader(limits: limits, readModule: readModule)
        for dir in order {
            var parsed: [HCLFile] = []
            for f in byDirectory[dir]! {
                switch HCLParser.parse(f, limits: limits) {
                case .success(let h): parsed.append(h)
                case .failure(let e): out.append(LoadedFile(file: f, format: .hcl, documents: [], error: e))
                }
            }
            loader.cache[dir] = TFModule(directory: dir, files: parsed)
        }
        // A directory another one calls as a local module is read through that call, with its
        // arguments, not as a root module of its own.
        var called: Set<String> = []
        for dir in order {
            guard let m = loader.cache[dir] else { continue }
            for name in m.moduleOrder {
                guard let call = m.moduleCalls[name], let source = call.block.body.attribute("source"),
                      let path = source.expr.literalString, path.hasPrefix("./") || path.hasPrefix("../") else { continue }
                called.insert(TFLoader.normalize(dir + "/" + path))
            }
        }
        var documents: [ObjectIdentifier: [Document]] = [:]
        for dir in order where !called.contains(dir) {
            guard let module = loader.cache[dir] else { continue }
            let instance = TFInstance(module: module, address: "", inputs: [:], account: nil, loader: loader, depth: 0)
            for (k, docs) in instance.documents() { documents[k, default: []] += docs }
        }
        var given: Set<ObjectIdentifier> = []
        for dir in order {
            for h in loader.cache[dir]?.files ?? [] {
                given.insert(ObjectIdentifier(h.file))
                out.append(LoadedFile(file: h.file, format: .hcl, documents: documents[ObjectIdentifier(h.file)] ?? [], error: nil))
            }
        }
        // Files of local modules read from disk (not among the files given) come last.
        for dir in loader.cache.keys.sorted() where !order.contains(dir) {
            for h in loader.cache[dir]?.files ?? [] where !given.contains(ObjectIdentifier(h.file)) {
                guard let docs = documents[ObjectIdentifier(h.file)] else { continue }
                out.append(LoadedFile(file: h.file, format: .hcl, documents: docs, error: nil))
            }
        }
        return out
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }
}

// MARK: - Values

/// Where a value came from: a byte range of one file.
struct TFSpan {
    let file: ObjectIdentifier
    let start: Int
    let end: Int

    /// `offsets`: an element's byte offsets in `file` (its `offsets`, `nameOffsets` …).
    init(_ file: SourceFile, _ offsets: Range<Int>) {
        self.file = ObjectIdentifier(file)
        start = offsets.lowerBound
        end = offsets.upperBound
    }

    init(file: ObjectIdentifier, start: Int, end: Int) {
        self.file = file
        self.start = start
        self.end = end
    }
}

/// A value as far as the files tell it.
indirect enum TFValue {
    case string(String, TFSpan)
    case number(String, TFSpan)
    case bool(Bool, TFSpan)
    case null(TFSpan)
    case object([(key: String, keySpan: TFSpan, value: TFValue)], TFSpan)
    case array([TFValue], TFSpan)
    case unknown(TFSpan)

    var span: TFSpan {
        switch self {
        case .string(_, let s), .number(_, let s), .bool(_, let s), .null(let s), .object(_, let s), .array(_, let s), .unknown(let s): s
        }
    }

    /// The value as a string where Terraform would convert it to one.
    var text: String? {
        switch self {
        case .string(let s, _), .number(let s, _): s
        case .bool(let b, _): b ? "true" : "false"
        default: nil
        }
    }

    var isKnown: Bool {
        switch self {
        case .unknown: false
        case .object(let members, _): members.allSatisfy { $0.value.isKnown }
        case .array(let items, _): items.allSatisfy(\.isKnown)
        default: true
        }
    }

    subscript(key: String) -> TFValue? {
        if case .object(let members, _) = self { return members.last { $0.key == key }?.value }
        return nil
    }

    var elements: [TFValue]? {
        if case .array(let items, _) = self { return items }
        return nil
    }

    /// The same value placed at another span (a value used far from where it was written).
    func moved(to span: TFSpan) -> TFValue {
        switch self {
        case .string(let s, _): .string(s, span)
        case .number(let s, _): .number(s, span)
        case .bool(let b, _): .bool(b, span)
        case .null: .null(span)
        case .unknown: .unknown(span)
        case .object(let m, _): .object(m.map { ($0.key, span, $0.value.moved(to: span)) }, span)
        case .array(let a, _): .array(a.map { $0.moved(to: span) }, span)
        }
    }
}

// MARK: - Modules

/// A module's declarations, from the `.tf` files of one directory.
final class TFModule {
    struct Declaration {
        let block: HCLBlock
        let file: SourceFile
    }

    let directory: String
    let files: [HCLFile]
    var resources: [String: Declaration] = [:]   // "type.name", "data.type.name"
    var resourceOrder: [String] = []
    var variables: [String: Declaration] = [:]
    var locals: [String: (attribute: HCLAttribute, file: SourceFile)] = [:]
    var outputs: [String: Declaration] = [:]
    var moduleCalls: [String: Declaration] = [:]
    var moduleOrder: [String] = []

    init(directory: String, files: [HCLFile]) {
        self.directory = directory
        self.files = files
        for f in files {
            for b in f.body.blocks {
                let d = Declaration(block: b, file: f.file)
                switch (b.type, b.labels.count) {
                case ("resource", 2):
                    let key = "\(b.labels[0].value).\(b.labels[1].value)"
                    if resources[key] == nil { resourceOrder.append(key) }
                    resources[key] = d
                case ("data", 2):
                    let key = "data.\(b.labels[0].value).\(b.labels[1].value)"
                    if resources[key] == nil { resourceOrder.append(key) }
                    resources[key] = d
                case ("variable", 1): variables[b.labels[0].value] = d
                case ("output", 1): outputs[b.labels[0].value] = d
                case ("module", 1):
                    if moduleCalls[b.labels[0].value] == nil { moduleOrder.append(b.labels[0].value) }
                    moduleCalls[b.labels[0].value] = d
                case ("locals", 0):
                    for a in b.body.attributes { locals[a.name] = (a, f.file) }
                default: break
                }
            }
        }
    }
}

/// Reads local modules, once each.
final class TFLoader {
    let limits: ParseLimits
    let readModule: (@Sendable (String) -> [SourceFile])?
    var cache: [String: TFModule] = [:]

    init(limits: ParseLimits, readModule: (@Sendable (String) -> [SourceFile])?) {
        self.limits = limits
        self.readModule = readModule
    }

    func module(at directory: String) -> TFModule? {
        if let m = cache[directory] { return m }
        guard let readModule else { return nil }
        let files = readModule(directory).compactMap { try? HCLParser.parse($0, limits: limits).get() }
        guard !files.isEmpty else { return nil }
        let m = TFModule(directory: directory, files: files)
        cache[directory] = m
        return m
    }

    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for p in path.split(separator: "/", omittingEmptySubsequences: true) {
            if p == "." { continue }
            if p == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            parts.append(p)
        }
        let joined = parts.joined(separator: "/")
        return path.hasPrefix("/") ? "/" + joined : (joined.isEmpty ? "." : joined)
    }
}

// MARK: - Evaluation

/// One instance of a module: the root module, or a module call with its arguments.
final class TFInstance {
    let module: TFModule
    /// `""` for the root module, else `module.a` (`module.a.module.b` …).
    let address: String
    let inputs: [String: TFValue]
    let loader: TFLoader
    let depth: Int
    /// The account of the module's folder (or configured path), else the symbolic account.
    let account: String
    var localCache: [String: TFValue] = [:]
    var resourceCache: [String: TFValue] = [:]
    var evaluating: Set<String> = []
    var children: [String: TFInstance] = [:]
    /// Expression evaluations left before everything else is unknown (a bound on hostile input).
    var budget = 200_000

    init(module: TFModule, address: String, inputs: [String: TFValue], account: String?, loader: TFLoader, depth: Int) {
        self.module = module
        self.address = address
        self.inputs = inputs
        self.loader = loader
        self.depth = depth
        let folder = module.files.first.flatMap { AccountFolders.account(forPath: $0.file.path) }
        self.account = account ?? folder ?? ARN.symbolicAccount
    }

    func prefixed(_ key: String) -> String { address.isEmpty ? key : "\(address).\(key)" }

    // MARK: Expressions

    func evaluate(_ e: HCLExpr, _ file: SourceFile, _ level: Int = 0) -> TFValue {
        let span = TFSpan(file, e.offsets)
        budget -= 1
        guard level < 64, budget > 0 else { return .unknown(span) }
        switch e.kind {
        case .literal(let l):
            switch l {
            case .number(let t): return .number(t, span)
            case .bool(let b): return .bool(b, span)
            case .null: return .null(span)
            }
        case .template(let parts, _):
            if parts.count == 1 {
                let part = parts[0]
                switch part.kind {
                case .literal(let text): return .string(text, TFSpan(file, part.offsets))
                // "${x}" alone is x itself (HCL's unwrapping), a list or an object included.
                case .interpolation(let inner): return evaluate(inner, file, level + 1)
                case .directive: break
                }
            }
            var out = ""
            for p in parts {
                switch p.kind {
                case .literal(let text): out += text
                case .interpolation(let inner):
                    guard let t = evaluate(inner, file, level + 1).text else { return .unknown(span) }
                    out += t
                case .directive: return .unknown(span)
                }
            }
            return .string(out, span)
        case .tuple(let items):
            return .array(items.map { evaluate($0, file, level + 1) }, span)
        case .object(let members):
            var out: [(key: String, keySpan: TFSpan, value: TFValue)] = []
            for m in members {
                let key: String?
                if case .scopeTraversal(let root, let steps) = m.key.kind, steps.isEmpty { key = root } else { key = evaluate(m.key, file, level + 1).text }
                guard let key else { return .unknown(span) }
                out.append((key, TFSpan(file, m.key.offsets), evaluate(m.value, file, level + 1)))
            }
            return .object(out, span)
        case .functionCall(let name, let args, let expand):
            guard !expand else { return .unknown(span) }
            return call(name, args.map { evaluate($0, file, level + 1) }, span)
        case .scopeTraversal(let root, let steps):
            return traverse(root: root, steps, span, file, level)
        case .relativeTraversal(let base, let steps):
            return apply(steps, to: evaluate(base, file, level + 1), span, file, level)
        case .splat, .forExpr:
            return .unknown(span)
        case .conditional(let c, let a, let b):
            guard case .bool(let holds, _) = evaluate(c, file, level + 1) else { return .unknown(span) }
            return evaluate(holds ? a : b, file, level + 1)
        case .binary(let op, let l, let r):
            let x = evaluate(l, file, level + 1), y = evaluate(r, file, level + 1)
            switch op {
            case "==", "!=":
                guard x.isKnown, y.isKnown, let a = x.text, let b = y.text else { return .unknown(span) }
                return .bool((a == b) == (op == "=="), span)
            case "&&", "||":
                guard case .bool(let a, _) = x, case .bool(let b, _) = y else { return .unknown(span) }
                return .bool(op == "&&" ? a && b : a || b, span)
            default:
                return .unknown(span)
            }
        case .unary(let op, let inner):
            if op == "!", case .bool(let b, _) = evaluate(inner, file, level + 1) { return .bool(!b, span) }
            return .unknown(span)
        case .parenthesized(let inner):
            return evaluate(inner, file, level + 1)
        }
    }

    func apply(_ steps: some Collection<HCLTraversalStep>, to start: TFValue, _ span: TFSpan, _ file: SourceFile, _ level: Int) -> TFValue {
        var cur = start
        for s in steps {
            switch s.kind {
            case .attribute(let name):
                guard let next = cur[name] else { return .unknown(span) }
                cur = next
            case .index(let ix):
                let key = evaluate(ix, file, level + 1)
                if let items = cur.elements, let i = key.text.flatMap({ Int($0) }), i >= 0, i < items.count { cur = items[i] }
                else if let k = key.text, let v = cur[k] { cur = v }
                else { return .unknown(span) }
            case .legacyIndex(let i):
                guard let items = cur.elements, i >= 0, i < items.count else { return .unknown(span) }
                cur = items[i]
            }
        }
        return cur
    }

    /// The attribute read from a resource or data source after its name, and the steps after
    /// it. Instance keys in between are skipped: a resource with count or for_each is read as
    /// one instance.
    static func attributeAfterInstanceKeys(_ steps: Slice<HCLList<HCLTraversalStep>>)
        -> (name: String, rest: Slice<HCLList<HCLTraversalStep>>)? {
        guard let i = steps.firstIndex(where: { $0.attributeName != nil }), let name = steps[i].attributeName else { return nil }
        return (name, steps[(i + 1)...])
    }

    func traverse(root: String, _ steps: HCLList<HCLTraversalStep>, _ span: TFSpan, _ file: SourceFile, _ level: Int) -> TFValue {
        func attr(_ i: Int) -> String? { i < steps.count ? steps[i].attributeName : nil }
        switch root {
        case "var":
            guard let name = attr(0) else { return .unknown(span) }
            let value: TFValue
            if let given = inputs[name] {
                value = given
            } else if let decl = module.variables[name], let d = decl.block.body.attribute("default") {
                value = guarded("var.\(name)") { evaluate(d.expr, decl.file, level + 1) } ?? .unknown(span)
            } else {
                return .unknown(span)
            }
            return apply(steps.dropFirst(), to: value, span, file, level)
        case "local":
            guard let name = attr(0), let local = module.locals[name] else { return .unknown(span) }
            let value: TFValue
            if let cached = localCache[name] { value = cached } else {
                value = guarded("local.\(name)") { evaluate(local.attribute.expr, local.file, level + 1) } ?? .unknown(span)
                localCache[name] = value
            }
            return apply(steps.dropFirst(), to: value, span, file, level)
        case "module":
            guard let name = attr(0), let output = attr(1), let child = child(name),
                  let decl = child.module.outputs[output], let v = decl.block.body.attribute("value") else { return .unknown(span) }
            let value = child.guarded("output.\(output)") { child.evaluate(v.expr, decl.file, level + 1) } ?? .unknown(span)
            return apply(steps.dropFirst(2), to: value, span, file, level)
        case "data":
            guard let type = attr(0), let name = attr(1),
                  let (attribute, rest) = Self.attributeAfterInstanceKeys(steps.dropFirst(2)) else { return .unknown(span) }
            return apply(rest, to: dataAttribute(type, name, attribute, span), span, file, level)
        case "count", "each", "self", "path", "terraform":
            return .unknown(span)
        default:
            // A resource: TYPE.NAME[.index].attribute….
            guard let name = attr(0), let (attribute, rest) = Self.attributeAfterInstanceKeys(steps.dropFirst()) else { return .unknown(span) }
            return apply(rest, to: resourceAttribute("\(root).\(name)", attribute, span), span, file, level)
        }
    }

    /// Evaluates once at a time per key: a cycle (a local that refers to itself) is unknown.
    func guarded(_ key: String, _ body: () -> TFValue) -> TFValue? {
        guard evaluating.insert(key).inserted else { return nil }
        defer { evaluating.remove(key) }
        return body()
    }

    func child(_ name: String) -> TFInstance? {
        if let c = children[name] { return c }
        guard depth < 8, let call = module.moduleCalls[name],
              let source = call.block.body.attribute("source"),
              let path = evaluate(source.expr, call.file).text, path.hasPrefix("./") || path.hasPrefix("../"),
              let m = loader.module(at: TFLoader.normalize(module.directory + "/" + path)) else { return nil }
        var args: [String: TFValue] = [:]
        for a in call.block.body.attributes where !["source", "version", "count", "for_each", "providers", "depends_on"].contains(a.name) {
            args[a.name] = evaluate(a.expr, call.file)
        }
        let c = TFInstance(module: m, address: prefixed("module.\(name)"), inputs: args, account: account, loader: loader, depth: depth + 1)
        children[name] = c
        return c
    }
}

// MARK: - Resources

/// A resource's body as Terraform's JSON writes it: attributes, and nested blocks as lists.
struct TFBody {
    enum Entry {
        case value(TFValue)
        case blocks([TFBody], TFSpan)
        /// `dynamic` blocks: how many, and what they hold, is not known.
        case unknownBlocks(TFSpan)
    }

    var members: [(key: String, keySpan: TFSpan, entry: Entry)] = []
    let span: TFSpan

    subscript(key: String) -> Entry? { members.last { $0.key == key }?.entry }

    mutating func set(_ key: String, _ keySpan: TFSpan, _ entry: Entry) {
        if let i = members.firstIndex(where: { $0.key == key }) { members[i] = (key, keySpan, entry) } else { members.append((key, keySpan, entry)) }
    }

    var value: TFValue {
        .object(members.map { m in
            switch m.entry {
            case .value(let v): (m.key, m.keySpan, v)
            case .blocks(let bodies, let s): (m.key, m.keySpan, .array(bodies.map(\.value), s))
            case .unknownBlocks(let s): (m.key, m.keySpan, .unknown(s))
            }
        }, span)
    }
}

extension TFInstance {
    static let metaArguments: Set<String> = ["count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection"]

    func body(_ b: HCLBody, _ file: SourceFile, span: TFSpan) -> TFBody {
        var out = TFBody(span: span)
        for a in b.attributes where !Self.metaArguments.contains(a.name) {
            out.set(a.name, TFSpan(file, a.nameOffsets), .value(evaluate(a.expr, file)))
        }
        for block in b.blocks where !Self.metaArguments.contains(block.type) {
            if block.type == "dynamic" {
                if let label = block.labels.first { out.set(label.value, TFSpan(file, label.offsets), .unknownBlocks(TFSpan(file, block.offsets))) }
                continue
            }
            let inner = body(block.body, file, span: TFSpan(file, block.offsets))
            if case .blocks(var list, let s)? = out[block.type] {
                list.append(inner)
                out.set(block.type, s, .blocks(list, s))
            } else {
                out.set(block.type, TFSpan(file, block.typeOffsets), .blocks([inner], TFSpan(file, block.offsets)))
            }
        }
        return out
    }

    /// A resource's values with the attributes Terraform computes that rolecheck can work out
    /// (ARNs from names and paths; IDs Terraform generates stand for themselves as the address).
    /// Whether `count` or `for_each` says, with a value known here, that no instance exists.
    func hasNoInstance(_ decl: TFModule.Declaration) -> Bool {
        if let count = decl.block.body.attribute("count"), case .number(let n, _) = evaluate(count.expr, decl.file), Double(n) == 0 { return true }
        if let each = decl.block.body.attribute("for_each") {
            let v = evaluate(each.expr, decl.file)
            if let items = v.elements, items.isEmpty { return true }
            if case .object(let m, _) = v, m.isEmpty { return true }
        }
        return false
    }

    func resourceBody(_ key: String) -> TFBody? {
        guard let decl = module.resources[key], !hasNoInstance(decl) else { return nil }
        let file = decl.file
        let blockSpan = TFSpan(file, decl.block.offsets)
        let labelSpan = decl.block.labels.last.map { TFSpan(file, $0.offsets) } ?? blockSpan
        var b = body(decl.block.body, file, span: TFSpan(file, decl.block.body.offsets))
        let type = decl.block.labels.first?.value ?? ""
        let label = decl.block.labels.last?.value ?? ""
        func str(_ k: String) -> String? { if case .value(let v)? = b[k], v.isKnown { return v.text } else { return nil } }
        func setIfAbsent(_ k: String, _ v: TFValue) { if b[k] == nil { b.set(k, labelSpan, .value(v)) } }
        // A name Terraform generates: the resource's label stands for it (a prefix: unknown).
        let generated = (address.isEmpty ? "" : address.replacing("module.", with: "").replacing(".", with: "-") + "-") + label
        switch type {
        case "aws_iam_role", "aws_iam_policy", "aws_iam_instance_profile":
            if b["name"] == nil { b.set("name", labelSpan, .value(b["name_prefix"] != nil ? .unknown(labelSpan) : .string(generated, labelSpan))) }
            let path = str("path") ?? "/"
            let kind = type == "aws_iam_role" ? "role" : type == "aws_iam_policy" ? "policy" : "instance-profile"
            if let name = str("name") {
                setIfAbsent("arn", .string("arn:aws:iam::\(account):\(kind)\(path)\(name)", labelSpan))
                setIfAbsent("id", .string(type == "aws_iam_policy" ? "arn:aws:iam::\(account):policy\(path)\(name)" : name, labelSpan))
            } else {
                setIfAbsent("arn", .unknown(labelSpan))
                setIfAbsent("id", .unknown(labelSpan))
            }
            if type == "aws_iam_role" {
                if let name = str("name") { setIfAbsent("unique_id", .string("AROA" + name.uppercased().filter(\.isLetter).prefix(17), labelSpan)) }
            }
        case "aws_emr_security_configuration":
            if b["name"] == nil { b.set("name", labelSpan, .value(b["name_prefix"] != nil ? .unknown(labelSpan) : .string(generated, labelSpan))) }
            if let name = str("name") { setIfAbsent("id", .string(name, labelSpan)) }
        case "aws_s3_bucket":
            if b["bucket"] == nil { b.set("bucket", labelSpan, .value(.unknown(labelSpan))) }
            if let name = str("bucket") {
                setIfAbsent("id", .string(name, labelSpan))
                setIfAbsent("arn", .string("arn:aws:s3:::\(name)", labelSpan))
            }
        case "aws_emr_cluster", "aws_sagemaker_domain", "aws_sagemaker_user_profile", "aws_sagemaker_space":
            // IDs EMR and SageMaker generate: the address stands for them, where others join on them.
            setIfAbsent("id", .string(prefixed("\(type).\(label)"), labelSpan))
        default:
            break
        }
        return b
    }

    func resourceAttribute(_ key: String, _ attribute: String, _ span: TFSpan) -> TFValue {
        let value: TFValue
        if let cached = resourceCache[key] { value = cached } else {
            guard let b = guarded("resource.\(key)", { resourceBody(key)?.value ?? .unknown(span) }) else { return .unknown(span) }
            value = b
            resourceCache[key] = b
        }
        return value[attribute] ?? .unknown(span)
    }

    func dataAttribute(_ type: String, _ name: String, _ attribute: String, _ span: TFSpan) -> TFValue {
        switch (type, attribute) {
        case ("aws_caller_identity", "account_id"): return .string(account, span)
        case ("aws_partition", "partition"): return .string("aws", span)
        case ("aws_partition", "dns_suffix"): return .string("amazonaws.com", span)
        case ("aws_region", "name"), ("aws_region", "region"), ("aws_region", "id"): return .string("*", span)
        case ("aws_iam_policy_document", "json"), ("aws_iam_policy_document", "minified_json"):
            let key = "data.aws_iam_policy_document.\(name)"
            if let cached = resourceCache[key] { return cached }
            guard let v = guarded(key, { policyDocument(name, span) }) else { return .unknown(span) }
            resourceCache[key] = v
            return v
        default:
            // Other data sources read what exists: known only to Terraform.
            let key = "data.\(type).\(name)"
            if module.resources[key] != nil, let b = resourceBody(key), case .value(let v)? = b[attribute], v.isKnown { return v }
            return .unknown(span)
        }
    }

    /// `data "aws_iam_policy_document"`: the policy as an object, each element where it is written.
    func policyDocument(_ name: String, _ use: TFSpan) -> TFValue {
        guard let decl = module.resources["data.aws_iam_policy_document.\(name)"] else { return .unknown(use) }
        let file = decl.file
        let span = TFSpan(file, decl.block.offsets)
        let body = decl.block.body
        // Base documents, then this one's statements, then overrides (by Sid).
        var statements: [TFValue] = []
        func merge(_ list: [TFValue]) {
            for s in list {
                if let sid = s["Sid"]?.text, let i = statements.firstIndex(where: { $0["Sid"]?.text == sid }) { statements[i] = s } else { statements.append(s) }
            }
        }
        func statementsOf(_ doc: TFValue) -> [TFValue]? {
            if let list = doc["Statement"]?.elements { return list }
            if case .object = doc["Statement"] ?? .null(span) { return [doc["Statement"]!] }
            return nil
        }
        if let sources = body.attribute("source_policy_documents") ?? body.attribute("source_json") {
            let v = evaluate(sources.expr, file)
            for doc in v.elements ?? [v] {
                guard let list = statementsOf(doc) else { return .unknown(TFSpan(file, sources.expr.offsets)) }
                merge(list)
            }
        }
        for block in decl.block.body.blocks where block.type == "statement" {
            guard let s = statement(block, file) else { return .unknown(TFSpan(file, block.offsets)) }
            merge([s])
        }
        if !decl.block.body.blocks(ofType: "dynamic").isEmpty { return .unknown(span) }
        if let overrides = body.attribute("override_policy_documents") ?? body.attribute("override_json") {
            let v = evaluate(overrides.expr, file)
            for doc in v.elements ?? [v] {
                guard let list = statementsOf(doc) else { return .unknown(TFSpan(file, overrides.expr.offsets)) }
                merge(list)
            }
        }
        let version = body.attribute("version").map { evaluate($0.expr, file) } ?? .string("2012-10-17", span)
        var members: [(key: String, keySpan: TFSpan, value: TFValue)] = [("Version", span, version)]
        if let id = body.attribute("policy_id") { members.append(("Id", TFSpan(file, id.nameOffsets), evaluate(id.expr, file))) }
        members.append(("Statement", span, .array(statements, span)))
        return .object(members, span)
    }

    /// One `statement` block as IAM JSON; nil when a part of it cannot be known.
    func statement(_ block: HCLBlock, _ file: SourceFile) -> TFValue? {
        let span = TFSpan(file, block.offsets)
        var members: [(key: String, keySpan: TFSpan, value: TFValue)] = []
        let attrs = block.body
        func add(_ tfName: String, _ iam: String) {
            guard let a = attrs.attribute(tfName) else { return }
            members.append((iam, TFSpan(file, a.nameOffsets), evaluate(a.expr, file)))
        }
        add("sid", "Sid")
        if let effect = attrs.attribute("effect") {
            members.append(("Effect", TFSpan(file, effect.nameOffsets), evaluate(effect.expr, file)))
        } else {
            members.append(("Effect", span, .string("Allow", span)))
        }
        add("actions", "Action")
        add("not_actions", "NotAction")
        add("resources", "Resource")
        add("not_resources", "NotResource")
        for (tfName, iam) in [("principals", "Principal"), ("not_principals", "NotPrincipal")] {
            let blocks = block.body.blocks.filter { $0.type == tfName }
            guard !blocks.isEmpty else { continue }
            var byType: [(key: String, keySpan: TFSpan, value: TFValue)] = []
            for p in blocks {
                guard let t = p.body.attribute("type"), let type = evaluate(t.expr, file).text,
                      let ids = p.body.attribute("identifiers") else { return nil }
                let v = evaluate(ids.expr, file)
                if type == "*" {
                    byType = []
                    members.append((iam, TFSpan(file, p.offsets), .string("*", TFSpan(file, ids.expr.offsets))))
                    break
                }
                if let i = byType.firstIndex(where: { $0.key == type }), let old = byType[i].value.elements, let new = v.elements {
                    byType[i].value = .array(old + new, byType[i].value.span)
                } else {
                    byType.append((type, TFSpan(file, t.expr.offsets), v))
                }
            }
            if !byType.isEmpty { members.append((iam, TFSpan(file, blocks[0].offsets), .object(byType, TFSpan(file, blocks[0].offsets)))) }
        }
        let conditions = block.body.blocks.filter { $0.type == "condition" }
        if !conditions.isEmpty {
            var byTest: [(key: String, keySpan: TFSpan, value: TFValue)] = []
            for c in conditions {
                guard let t = c.body.attribute("test"), let test = evaluate(t.expr, file).text,
                      let variable = c.body.attribute("variable"), let key = evaluate(variable.expr, file).text,
                      let values = c.body.attribute("values") else { return nil }
                let entry = (key: key, keySpan: TFSpan(file, variable.expr.offsets), value: evaluate(values.expr, file))
                if let i = byTest.firstIndex(where: { $0.key == test }), case .object(var inner, let s) = byTest[i].value {
                    inner.append(entry)
                    byTest[i].value = .object(inner, s)
                } else {
                    byTest.append((test, TFSpan(file, t.expr.offsets), .object([entry], TFSpan(file, c.offsets))))
                }
            }
            members.append(("Condition", TFSpan(file, conditions[0].offsets), .object(byTest, TFSpan(file, conditions[0].offsets))))
        }
        return .object(members, span)
    }

    // MARK: Functions

    func call(_ name: String, _ args: [TFValue], _ span: TFSpan) -> TFValue {
        func strings(_ v: TFValue) -> [String]? { v.elements?.map(\.text).allSatisfy({ $0 != nil }) == true ? v.elements!.map { $0.text! } : nil }
        switch name {
        case "jsonencode", "tolist", "toset", "tomap", "sensitive", "nonsensitive":
            return args.count == 1 ? args[0] : .unknown(span)
        case "tostring":
            return args.count == 1 ? (args[0].text.map { .string($0, args[0].span) } ?? .unknown(span)) : .unknown(span)
        case "join":
            guard args.count >= 2, let sep = args[0].text else { return .unknown(span) }
            var parts: [String] = []
            for list in args.dropFirst() { guard let s = strings(list) else { return .unknown(span) }; parts += s }
            return .string(parts.joined(separator: sep), span)
        case "format":
            guard let fmt = args.first?.text else { return .unknown(span) }
            var out = "", i = 1
            var chars = fmt.makeIterator()
            while let c = chars.next() {
                guard c == "%" else { out.append(c); continue }
                guard let v = chars.next() else { return .unknown(span) }
                if v == "%" { out.append("%"); continue }
                guard ["s", "d", "v"].contains(v), i < args.count, let t = args[i].text else { return .unknown(span) }
                out += t
                i += 1
            }
            return .string(out, span)
        case "concat":
            var items: [TFValue] = []
            for a in args { guard let e = a.elements else { return .unknown(span) }; items += e }
            return .array(items, span)
        case "flatten":
            guard args.count == 1, let e = args[0].elements else { return .unknown(span) }
            return .array(e.flatMap { $0.elements ?? [$0] }, span)
        case "compact":
            guard args.count == 1, let e = args[0].elements else { return .unknown(span) }
            return .array(e.filter { v in
                if case .null = v { return false }
                return v.text != ""
            }, span)
        case "distinct":
            guard args.count == 1, let e = args[0].elements else { return .unknown(span) }
            var seen: Set<String> = []
            return .array(e.filter { v in v.text.map { seen.insert($0).inserted } ?? true }, span)
        case "merge":
            var members: [(key: String, keySpan: TFSpan, value: TFValue)] = []
            for a in args {
                guard case .object(let m, _) = a else { return .unknown(span) }
                for x in m {
                    if let i = members.firstIndex(where: { $0.key == x.key }) { members[i] = x } else { members.append(x) }
                }
            }
            return .object(members, span)
        case "lower", "upper":
            guard args.count == 1, let t = args[0].text else { return .unknown(span) }
            return .string(name == "lower" ? t.lowercased() : t.uppercased(), span)
        case "lookup":
            guard args.count >= 2, let k = args[1].text else { return .unknown(span) }
            if let v = args[0][k] { return v }
            return args.count == 3 ? args[2] : .unknown(span)
        case "coalesce":
            // The first argument that is neither null nor "": an unknown one might be either.
            for a in args {
                if !a.isKnown { return .unknown(span) }
                if case .null = a { continue }
                if a.text == "" { continue }
                return a
            }
            return .unknown(span)
        case "try":
            // The first argument that evaluates without an error. A value rolecheck does not know
            // is not an error (Terraform may well know it), so the fallback is never taken for it.
            return args.first ?? .unknown(span)
        case "can":
            return .unknown(span)
        default:
            // file(), templatefile(), jsondecode() … read what rolecheck does not evaluate.
            return .unknown(span)
        }
    }
}

// MARK: - Documents

extension TFInstance {
    /// The plan-shaped documents of this instance and the local modules it calls, by file.
    func documents() -> [ObjectIdentifier: [Document]] {
        var out: [ObjectIdentifier: [Document]] = [:]
        for f in module.files {
            let keys = module.resourceOrder.filter { !$0.hasPrefix("data.") && module.resources[$0]?.file === f.file }
            guard !keys.isEmpty else { continue }
            var b = TFDocumentBuilder(file: f.file)
            b.plan(instance: self, keys: keys)
            out[ObjectIdentifier(f.file), default: []].append(b.document())
        }
        for name in module.moduleOrder {
            guard let c = child(name) else { continue }
            for (k, docs) in c.documents() { out[k, default: []] += docs }
        }
        return out
    }
}

/// Writes a positioned tree, as the JSON and YAML parsers do, whose nodes point into one `.tf`
/// file: values written elsewhere (a variable's default in another file) point at where they
/// are used.
struct TFDocumentBuilder {
    let file: SourceFile
    let fid: ObjectIdentifier
    var records: [NodeRecord] = []
    var side: [UInt8] = []

    init(file: SourceFile) {
        self.file = file
        fid = ObjectIdentifier(file)
    }

    func document() -> Document {
        Document(file: file, format: .hcl, streamIndex: 0, origin: .file, text: file.bytes, records: records, side: side,
                 tags: [], duplicates: [])
    }

    func place(_ span: TFSpan, _ site: TFSpan) -> (UInt32, UInt32) {
        let s = span.file == fid ? span : site
        let limit = file.byteCount
        return (UInt32(min(s.start, limit)), UInt32(min(max(s.end, s.start), limit)))
    }

    mutating func scalar(_ kind: NodeKind, _ text: String, _ span: TFSpan, _ site: TFSpan, parent: UInt32, flags: UInt8 = 0) {
        let (start, end) = place(span, site)
        let offset = side.count
        side.append(contentsOf: Array(text.utf8))
        records.append(NodeRecord(start: start, end: end, parent: parent, a: UInt32(offset), b: UInt32(text.utf8.count),
                                  tag: 0, kind: kind, flags: flags | NodeRecord.flagSideValue))
    }

    mutating func key(_ k: String, _ span: TFSpan, _ site: TFSpan, parent: UInt32) {
        scalar(.string, k, span, site, parent: parent, flags: NodeRecord.flagKey)
    }

    mutating func begin(_ kind: NodeKind, _ span: TFSpan, _ site: TFSpan, parent: UInt32) -> UInt32 {
        let (start, end) = place(span, site)
        records.append(NodeRecord(start: start, end: end, parent: parent, a: 0, b: 0, tag: 0, kind: kind, flags: 0))
        return UInt32(records.count - 1)
    }

    mutating func end(_ me: UInt32, children: UInt32) {
        records[Int(me)].a = UInt32(records.count) - me - 1
        records[Int(me)].b = children
    }

    mutating func value(_ v: TFValue, _ site: TFSpan, parent: UInt32) {
        // A value written in another file is placed, with everything in it, where it is used.
        let here = v.span.file == fid ? v.span : site
        switch v {
        case .string(let s, let span): scalar(.string, s, span, site, parent: parent)
        case .number(let s, let span): scalar(.number, s, span, site, parent: parent)
        case .bool(let b, let span): scalar(.bool, b ? "true" : "false", span, site, parent: parent, flags: b ? 1 : 0)
        case .null(let span), .unknown(let span): scalar(.null, "null", span, site, parent: parent)
        case .object(let members, let span):
            let me = begin(.object, span, site, parent: parent)
            for m in members {
                key(m.key, m.keySpan, here, parent: me)
                value(m.value, here, parent: me)
            }
            end(me, children: UInt32(members.count * 2))
        case .array(let items, let span):
            let me = begin(.array, span, site, parent: parent)
            for item in items { value(item, here, parent: me) }
            end(me, children: UInt32(items.count))
        }
    }

    /// A body's known values; returns whether anything in it is unknown.
    mutating func values(_ body: TFBody, _ site: TFSpan, parent: UInt32) -> Bool {
        let me = begin(.object, body.span, site, parent: parent)
        var children: UInt32 = 0
        var unknown = false
        for m in body.members {
            switch m.entry {
            case .value(let v) where v.isKnown:
                key(m.key, m.keySpan, site, parent: me)
                value(v, m.keySpan.file == fid ? m.keySpan : site, parent: me)
                children += 2
            case .blocks(let bodies, let span):
                key(m.key, m.keySpan, site, parent: me)
                let list = begin(.array, span, site, parent: me)
                for inner in bodies {
                    if values(inner, span, parent: list) { unknown = true }
                }
                end(list, children: UInt32(bodies.count))
                children += 2
            default:
                unknown = true
            }
        }
        end(me, children: children)
        return unknown
    }

    /// `after_unknown` for a body: `true` at each unknown attribute, lists for nested blocks.
    mutating func unknownMarks(_ body: TFBody, _ site: TFSpan, parent: UInt32) {
        let me = begin(.object, body.span, site, parent: parent)
        var children: UInt32 = 0
        for m in body.members {
            switch m.entry {
            case .value(let v) where !v.isKnown:
                key(m.key, m.keySpan, site, parent: me)
                scalar(.bool, "true", v.span, m.keySpan.file == fid ? m.keySpan : site, parent: me, flags: 1)
                children += 2
            case .unknownBlocks(let span):
                key(m.key, m.keySpan, site, parent: me)
                scalar(.bool, "true", span, site, parent: me, flags: 1)
                children += 2
            case .blocks(let bodies, let span):
                key(m.key, m.keySpan, site, parent: me)
                let list = begin(.array, span, site, parent: me)
                for inner in bodies { unknownMarks(inner, span, parent: list) }
                end(list, children: UInt32(bodies.count))
                children += 2
            default:
                continue
            }
        }
        end(me, children: children)
    }

    /// `{"format_version", "planned_values": {"root_module": …}, "resource_changes": […]}` for
    /// the resources of one file of a module instance.
    mutating func plan(instance: TFInstance, keys: [String]) {
        let top = TFSpan(file: fid, start: 0, end: 0)
        let root = begin(.object, top, top, parent: NodeRecord.noParent)
        key("format_version", top, top, parent: root)
        scalar(.string, "1.2", top, top, parent: root)
        key("planned_values", top, top, parent: root)
        let planned = begin(.object, top, top, parent: root)
        key("root_module", top, top, parent: planned)
        let rootModule = begin(.object, top, top, parent: planned)
        var moduleObject = rootModule
        var childList: UInt32?
        if !instance.address.isEmpty {
            key("child_modules", top, top, parent: rootModule)
            childList = begin(.array, top, top, parent: rootModule)
            moduleObject = begin(.object, top, top, parent: childList!)
            key("address", top, top, parent: moduleObject)
            scalar(.string, instance.address, top, top, parent: moduleObject)
        }
        key("resources", top, top, parent: moduleObject)
        let list = begin(.array, top, top, parent: moduleObject)
        var unknownBodies: [(address: String, body: TFBody, span: TFSpan)] = []
        var emitted: UInt32 = 0
        for k in keys {
            guard let decl = instance.module.resources[k], let body = instance.resourceBody(k) else { continue }
            emitted += 1
            let span = TFSpan(decl.file, decl.block.offsets)
            let type = decl.block.labels[0].value, name = decl.block.labels[1].value
            let address = instance.prefixed("\(type).\(name)")
            let r = begin(.object, span, span, parent: list)
            for (k, v) in [("address", address), ("mode", "managed"), ("type", type), ("name", name)] {
                key(k, span, span, parent: r)
                scalar(.string, v, span, span, parent: r)
            }
            key("values", span, span, parent: r)
            if values(body, span, parent: r) { unknownBodies.append((address, body, span)) }
            end(r, children: 10)
        }
        end(list, children: emitted)
        if let childList {
            end(moduleObject, children: 4)
            end(childList, children: 1)
            end(rootModule, children: 2)
        } else {
            end(rootModule, children: 2)
        }
        end(planned, children: 2)
        key("resource_changes", top, top, parent: root)
        let changes = begin(.array, top, top, parent: root)
        for u in unknownBodies {
            let c = begin(.object, u.span, u.span, parent: changes)
            key("address", u.span, u.span, parent: c)
            scalar(.string, u.address, u.span, u.span, parent: c)
            key("change", u.span, u.span, parent: c)
            let change = begin(.object, u.span, u.span, parent: c)
            key("after_unknown", u.span, u.span, parent: change)
            unknownMarks(u.body, u.span, parent: change)
            end(change, children: 2)
            end(c, children: 4)
        }
        end(changes, children: UInt32(unknownBodies.count))
        end(root, children: 6)
    }
}
