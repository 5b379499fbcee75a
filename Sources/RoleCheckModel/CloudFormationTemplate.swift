import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM

/// A CloudFormation template (JSON or YAML) with its intrinsic functions resolved symbolically.
///
/// `resolved` is a copy of the template's tree in which every intrinsic (`!Ref`, `!GetAtt`,
/// `!Sub`, `!Join`, `!If`, `!Select`, `!FindInMap`, `!Split`, and their long forms
/// `{"Ref": …}`, `{"Fn::GetAtt": …}` …) is replaced by what it denotes, at the intrinsic's
/// position: a string record (its value in the side buffer) whose range is the intrinsic's text, so
/// findings about it point at the template's line and column. Nodes that are not intrinsics keep
/// their records (and positions) unchanged.
///
/// - `!Ref` of a pseudo parameter: `AWS::AccountId` is the template's account (its folder's, else
///   the symbolic `CloudFormationTemplate.symbolicAccount`, which equals itself and passes where
///   an account ID is checked); `AWS::Partition` is `aws`; `AWS::Region` is `*` (any Region:
///   ARNs built from it match whatever Region the other side names); `AWS::URLSuffix` is
///   `amazonaws.com`; `AWS::StackName` is `AWS-StackName`; `AWS::NoValue` removes the property.
/// - `!Ref` of a parameter is its `Default` (a list for `CommaDelimitedList` and `List<…>`);
///   an `AWS::SSM::Parameter::Value<…>` parameter, or one without a default, is unknown.
/// - `!Ref` of a resource is its physical ID: a role's or profile's name (its `RoleName` /
///   `InstanceProfileName`, else the logical ID, which stands for the generated name), a managed
///   policy's ARN, a security configuration's name, a cluster's ID (the logical ID), a bucket's
///   name, a domain's ID (the logical ID). `!GetAtt` gives ARNs (`Role.Arn`,
///   `InstanceProfile.Arn`, `Bucket.Arn`, `Domain.DomainArn`, `UserProfile.UserProfileArn`) and IDs
///   (`Domain.DomainId`) built the same way, so `!GetAtt Role.Arn` and
///   `!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/name` denote the same role.
/// - What cannot be resolved (`!ImportValue`, a parameter without a default, an attribute that is
///   not modelled, a condition that depends on one) is UNKNOWN: an empty object tagged
///   `CloudFormationTemplate.unknownTag`. No string or list is read from it, so no rule judges it;
///   the extraction also leaves out (or marks as unknown) whatever depends on it.
struct CloudFormationTemplate {
    /// The account of a template outside any account folder.
    static let symbolicAccount = ARN.symbolicAccount
    /// The tag of an unknown value in the resolved tree.
    static let unknownTag = "!rolecheck:unknown"
    /// The tag of a string an intrinsic produced.
    static let resolvedTag = "!rolecheck:resolved"
    /// The stack's name, for `AWS::StackName` and generated names: the template's file name
    /// without its extension (a template is one stack).
    let stackName: String

    /// The physical name CloudFormation generates for a resource that names none: scoped to the
    /// stack (CloudFormation writes `stack-LogicalId-SUFFIX`), so a logical ID resolves only
    /// inside its own template and two templates with the same logical IDs never share a resource.
    func generatedName(_ logicalId: String) -> String { "\(stackName)-\(logicalId)" }

    static func stackName(ofPath path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = file.lastIndex(of: "."), dot != file.startIndex else { return file }
        return String(file[..<dot])
    }

    let original: Document
    let account: String
    private(set) var resolved: Document
    /// Logical ID → resource object (in the original document).
    let resources: [String: Node]
    let parameters: [String: Node]
    let mappings: Node?
    let conditions: Node?

    /// Values other templates of the run export (`Outputs.*.Export.Name` → value), which
    /// `Fn::ImportValue` reads. Empty when the run has no template that imports.
    let imports: [String: String]

    init(_ document: Document, account: String?, imports: [String: String] = [:]) {
        self.init(unresolved: document, account: account, imports: imports)
        var builder = Builder(template: self)
        builder.emit(document.root, parent: NodeRecord.noParent)
        self.resolved = Document(file: document.file, format: document.format, streamIndex: document.streamIndex,
                                 origin: document.origin, text: document.text, textReleased: document.textReleased,
                                 records: builder.records,
                                 side: builder.side, tags: builder.tags, duplicates: [])
    }

    /// What the template exports: `Outputs.*.Export.Name` → the output's `Value`, where both
    /// resolve to strings. The stack's name (`AWS::StackName`) is the template's file name.
    static func exports(of document: Document, account: String?) -> [(name: String, value: String)] {
        let outputs = document.root["Outputs"]
        guard let outputs, outputs.kind == .object else { return [] }
        let template = CloudFormationTemplate(unresolved: document, account: account, imports: [:])
        var out: [(String, String)] = []
        for (_, o) in outputs.members {
            guard let nameNode = o["Export"]?["Name"], let valueNode = o["Value"],
                  let name = template.string(template.value(nameNode)), let value = template.string(template.value(valueNode)) else { continue }
            out.append((name, value))
        }
        return out
    }

    /// A template whose values can be asked for, without its resolved copy (for exports, and
    /// before the resolved copy is built).
    private init(unresolved document: Document, account: String?, imports: [String: String]) {
        self.imports = imports
        self.original = document
        self.account = account ?? Self.symbolicAccount
        self.stackName = Self.stackName(ofPath: document.file.path)
        let root = document.root
        var res: [String: Node] = [:]
        for (k, v) in root["Resources"]?.members ?? [] { if let id = k.string { res[id] = v } }
        var params: [String: Node] = [:]
        for (k, v) in root["Parameters"]?.members ?? [] { if let id = k.string { params[id] = v } }
        self.resources = res
        self.parameters = params
        self.mappings = root["Mappings"]
        self.conditions = root["Conditions"]
        self.resolved = document
    }

    /// Whether a node of the resolved tree is unknown.
    static func isUnknown(_ n: Node) -> Bool { n.tag == unknownTag }

    /// Whether a node of the resolved tree is unknown or holds an unknown value.
    static func containsUnknown(_ n: Node) -> Bool {
        let doc = n.document
        let start = Int(n.index)
        let end = start + n.size
        guard let t = doc.tags.firstIndex(of: unknownTag) else { return false }
        let tag = UInt16(t + 1)
        for i in start...end where doc.records[i].tag == tag { return true }
        return false
    }

    // MARK: Values

    /// What an intrinsic (or any node) denotes.
    indirect enum Value {
        case string(String)
        case list([Value])
        /// A node of the original document, resolved in turn where it is emitted.
        case node(Node)
        case unknown
        case noValue
    }

    static let shortTags: [String: String] = [
        "!Ref": "Ref", "!GetAtt": "Fn::GetAtt", "!Sub": "Fn::Sub", "!Join": "Fn::Join", "!If": "Fn::If",
        "!Select": "Fn::Select", "!FindInMap": "Fn::FindInMap", "!ImportValue": "Fn::ImportValue", "!Split": "Fn::Split",
        "!Base64": "Fn::Base64", "!GetAZs": "Fn::GetAZs", "!Cidr": "Fn::Cidr", "!Equals": "Fn::Equals", "!And": "Fn::And",
        "!Or": "Fn::Or", "!Not": "Fn::Not", "!Condition": "Condition", "!Transform": "Fn::Transform",
        "!Length": "Fn::Length", "!ToJsonString": "Fn::ToJsonString",
    ]

    /// The function and its argument when the node is an intrinsic.
    static func intrinsic(_ n: Node) -> (name: String, arg: Node)? {
        if let tag = n.tag, let name = shortTags[tag] { return (name, n) }
        guard n.kind == .object, n.count == 1, let (k, v) = n.members.first, let key = k.string else { return nil }
        if key == "Ref" || key.hasPrefix("Fn::") { return (key, v) }
        return nil
    }

    /// A property written as `!Ref` of a parameter that lists `AllowedValues`: the parameter's
    /// name, its allowed scalar values with their nodes, and its default's text (nil without one).
    /// A stack may be launched with any allowed value, so a rule can judge them all.
    func parameterChoices(_ property: Node?) -> (parameter: String, allowed: [(text: String, node: Node)], defaultValue: String?)? {
        guard let property, let (name, arg) = Self.intrinsic(property), name == "Ref", let target = arg.string,
              let p = parameters[target], let allowed = p["AllowedValues"], allowed.kind == .array else { return nil }
        let values = allowed.elements.compactMap { e in e.scalarText.map { (text: $0, node: e) } }
        guard !values.isEmpty else { return nil }
        let d = p["Default"].flatMap { $0.isNull ? nil : $0.scalarText }
        return (target, values, d)
    }

    /// The value of a node: an intrinsic's result, or the node itself.
    func value(_ n: Node, depth: Int = 0) -> Value {
        guard depth < 32 else { return .unknown }
        guard let (name, arg) = Self.intrinsic(n) else { return .node(n) }
        let d = depth + 1
        switch name {
        case "Ref":
            guard let target = arg.string else { return .unknown }
            return ref(target, depth: d)
        case "Fn::GetAtt":
            var parts: [String] = []
            if let s = arg.string {
                if let dot = s.firstIndex(of: ".") { parts = [String(s[..<dot]), String(s[s.index(after: dot)...])] }
            } else {
                parts = arg.elements.compactMap { string(value($0, depth: d)) }
            }
            guard parts.count == 2 else { return .unknown }
            return getAtt(parts[0], parts[1], depth: d)
        case "Fn::Sub":
            if let s = arg.string { return sub(s, vars: [:], depth: d) }
            let e = arg.elements
            guard e.count >= 1, let s = e[0].string else { return .unknown }
            var vars: [String: Value] = [:]
            if e.count > 1 { for (k, v) in e[1].members { if let key = k.string { vars[key] = value(v, depth: d) } } }
            return sub(s, vars: vars, depth: d)
        case "Fn::Join":
            let e = arg.elements
            guard e.count == 2, let delimiter = string(value(e[0], depth: d)), let items = list(value(e[1], depth: d), depth: d) else { return .unknown }
            var out: [String] = []
            for item in items {
                guard let s = string(item) else { return .unknown }
                out.append(s)
            }
            return .string(out.joined(separator: delimiter))
        case "Fn::Select":
            let e = arg.elements
            guard e.count == 2, let i = string(value(e[0], depth: d)).flatMap({ Int($0) }),
                  let items = list(value(e[1], depth: d), depth: d), i >= 0, i < items.count else { return .unknown }
            return items[i]
        case "Fn::Split":
            let e = arg.elements
            guard e.count == 2, let delimiter = string(value(e[0], depth: d)), !delimiter.isEmpty,
                  let s = string(value(e[1], depth: d)) else { return .unknown }
            return .list(s.split(separator: delimiter, omittingEmptySubsequences: false).map { .string(String($0)) })
        case "Fn::If":
            let e = arg.elements
            guard e.count == 3, let c = e[0].string, let holds = condition(named: c, depth: d) else { return .unknown }
            return value(holds ? e[1] : e[2], depth: d)
        case "Fn::FindInMap":
            let e = arg.elements
            guard e.count >= 3 else { return .unknown }
            let keys = e.prefix(3).map { string(value($0, depth: d)) }
            guard let m = keys[0], let top = keys[1], let second = keys[2],
                  let found = mappings?[m]?[top]?[second] else { return .unknown }
            // A scalar is placed where the FindInMap is.
            if !found.isContainer, Self.intrinsic(found) == nil, let s = found.scalarText { return .string(s) }
            return value(found, depth: d)
        case "Fn::ImportValue":
            // Another template of the run that exports the name gives the value; else unknown.
            // `!ImportValue name` is its own argument; `Fn::ImportValue: <value>` has one.
            let name = arg.isSame(n) ? arg.string : string(value(arg, depth: d))
            guard let name, let exported = imports[name] else { return .unknown }
            return .string(exported)
        default:
            // Fn::GetAZs, Fn::Base64, Fn::Cidr, transforms …: not known here.
            return .unknown
        }
    }

    /// A value as one string, nil when it is not (or not known to be) one.
    func string(_ v: Value, depth: Int = 0) -> String? {
        switch v {
        case .string(let s): return s
        case .node(let n):
            if Self.intrinsic(n) != nil { return string(value(n, depth: depth + 1), depth: depth + 1) }
            switch n.kind {
            case .string, .number, .bool: return n.scalarText
            default: return nil
            }
        default: return nil
        }
    }

    /// A value as a list of values, nil when it is not (or not known to be) one.
    func list(_ v: Value, depth: Int = 0) -> [Value]? {
        switch v {
        case .list(let items): return items
        case .node(let n):
            if Self.intrinsic(n) != nil { return depth < 32 ? list(value(n, depth: depth + 1), depth: depth + 1) : nil }
            guard n.kind == .array else { return nil }
            return n.elements.map { value($0, depth: depth + 1) }
        default: return nil
        }
    }

    func ref(_ target: String, depth: Int) -> Value {
        switch target {
        case "AWS::AccountId": return .string(account)
        case "AWS::Partition": return .string("aws")
        case "AWS::Region": return .string("*")
        case "AWS::URLSuffix": return .string("amazonaws.com")
        case "AWS::StackName": return .string(stackName)
        case "AWS::NoValue": return .noValue
        default: break
        }
        if target.hasPrefix("AWS::") { return .unknown }
        if let p = parameters[target] {
            // An SSM parameter type's default is the parameter's name, not its value.
            if p["Type"]?.string?.hasPrefix("AWS::SSM::") == true { return .unknown }
            guard let d = p["Default"], !d.isNull, let text = d.kind == .array ? nil : d.scalarText else {
                if let d = p["Default"], d.kind == .array { return value(d, depth: depth) }
                return .unknown
            }
            let type = p["Type"]?.string ?? "String"
            if type == "CommaDelimitedList" || type.hasPrefix("List<") {
                return .list(text.split(separator: ",", omittingEmptySubsequences: false)
                    .map { .string(String($0.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())) })
            }
            return .string(text)
        }
        guard let r = resources[target] else { return .unknown }
        let props = r["Properties"]
        func named(_ key: String, lowercase: Bool = false) -> Value {
            if let n = props?[key] { return string(value(n, depth: depth)).map { .string($0) } ?? .unknown }
            return .string(lowercase ? generatedName(target).lowercased() : generatedName(target))
        }
        switch r["Type"]?.string {
        case "AWS::IAM::Role": return named("RoleName")
        case "AWS::IAM::InstanceProfile": return named("InstanceProfileName")
        case "AWS::EMR::SecurityConfiguration": return named("Name")
        case "AWS::S3::Bucket": return named("BucketName", lowercase: true)
        case "AWS::IAM::ManagedPolicy": return getAtt(target, "PolicyArn", depth: depth)
        case "AWS::EMR::Cluster", "AWS::SageMaker::Domain": return .string(generatedName(target))
        default: return .unknown
        }
    }

    /// A resource's path property (`/` when absent).
    func path(_ r: Node, depth: Int) -> String? {
        guard let p = r["Properties"]?["Path"] else { return "/" }
        return string(value(p, depth: depth))
    }

    func getAtt(_ id: String, _ attribute: String, depth: Int) -> Value {
        guard let r = resources[id], let type = r["Type"]?.string else { return .unknown }
        func build(_ body: (String) -> String?) -> Value {
            guard let name = string(ref(id, depth: depth)), let s = body(name) else { return .unknown }
            return .string(s)
        }
        switch (type, attribute) {
        case ("AWS::IAM::Role", "Arn"):
            return build { name in path(r, depth: depth).map { "arn:aws:iam::\(account):role\($0)\(name)" } }
        case ("AWS::IAM::InstanceProfile", "Arn"):
            return build { name in path(r, depth: depth).map { "arn:aws:iam::\(account):instance-profile\($0)\(name)" } }
        case ("AWS::IAM::ManagedPolicy", "PolicyArn"):
            var name: String? = generatedName(id)
            if let nameNode = r["Properties"]?["ManagedPolicyName"] { name = string(value(nameNode, depth: depth)) }
            guard let name, let p = path(r, depth: depth) else { return .unknown }
            return .string("arn:aws:iam::\(account):policy\(p)\(name)")
        case ("AWS::S3::Bucket", "Arn"):
            return build { "arn:aws:s3:::\($0)" }
        case ("AWS::SageMaker::Domain", "DomainId"):
            return .string(generatedName(id))
        case ("AWS::SageMaker::Domain", "DomainArn"):
            return .string("arn:aws:sagemaker:*:\(account):domain/\(generatedName(id))")
        case ("AWS::SageMaker::UserProfile", "UserProfileArn"):
            let props = r["Properties"]
            guard let domain = props?["DomainId"].flatMap({ string(value($0, depth: depth)) }),
                  let name = props?["UserProfileName"].flatMap({ string(value($0, depth: depth)) }) else { return .unknown }
            return .string("arn:aws:sagemaker:*:\(account):user-profile/\(domain)/\(name)")
        default:
            return .unknown
        }
    }

    /// `Fn::Sub`: `${Name}`, `${Resource.Attribute}`, `${AWS::…}`, `${!Literal}`. A variable
    /// with a colon but no `::` (an IAM policy variable such as `${aws:username}`) is kept.
    func sub(_ template: String, vars: [String: Value], depth: Int) -> Value {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstRange(of: "${") {
            out += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            guard let close = after.firstIndex(of: "}") else {
                out += rest[open.lowerBound...]
                rest = ""
                break
            }
            let name = String(after[..<close])
            rest = after[after.index(after: close)...]
            if name.hasPrefix("!") {
                out += "${" + name.dropFirst() + "}"
                continue
            }
            let v: Value
            if let given = vars[name] {
                v = given
            } else if name.contains(":") && !name.contains("::") {
                out += "${\(name)}"
                continue
            } else if !name.hasPrefix("AWS::"), let dot = name.firstIndex(of: ".") {
                v = getAtt(String(name[..<dot]), String(name[name.index(after: dot)...]), depth: depth)
            } else {
                v = ref(name, depth: depth)
            }
            guard let s = string(v, depth: depth) else { return .unknown }
            out += s
        }
        out += rest
        return .string(out)
    }

    /// A named condition of the `Conditions` section; nil when it cannot be decided.
    func condition(named name: String, depth: Int) -> Bool? {
        guard depth < 32, let c = conditions?[name] else { return nil }
        return condition(c, depth: depth + 1)
    }

    func condition(_ n: Node, depth: Int) -> Bool? {
        guard depth < 32 else { return nil }
        if let b = n.bool { return b }
        guard let (name, arg) = Self.intrinsic(n) ?? ((n.kind == .object && n.count == 1 && n["Condition"] != nil) ? ("Condition", n["Condition"]!) : nil) else {
            return nil
        }
        let d = depth + 1
        switch name {
        case "Condition":
            return arg.string.flatMap { condition(named: $0, depth: d) }
        case "Fn::Equals":
            let e = arg.elements
            guard e.count == 2 else { return nil }
            let a = value(e[0], depth: d), b = value(e[1], depth: d)
            guard let x = string(a, depth: d), let y = string(b, depth: d) else { return nil }
            return x == y
        case "Fn::Not":
            guard let first = arg.elements.first, let v = condition(first, depth: d) else { return nil }
            return !v
        case "Fn::And", "Fn::Or":
            let values = arg.elements.map { condition($0, depth: d) }
            let isAnd = name == "Fn::And"
            if values.contains(where: { $0 == !isAnd }) { return !isAnd }
            return values.contains(where: { $0 == nil }) ? nil : isAnd
        default:
            return nil
        }
    }

    /// Whether a resource's `Condition` holds (true when it has none or it cannot be decided: the
    /// resource may exist, and is checked as if it does).
    func resourceExists(_ r: Node) -> Bool {
        guard let c = r["Condition"]?.string else { return true }
        return condition(named: c, depth: 0) ?? true
    }

    // MARK: Building the resolved tree

    struct Builder {
        let template: CloudFormationTemplate
        var records: [NodeRecord] = []
        var side: [UInt8]
        var tags: [String]
        let unknownTagId: UInt16
        let resolvedTagId: UInt16

        init(template: CloudFormationTemplate) {
            self.template = template
            side = template.original.side
            tags = template.original.tags
            tags.append(CloudFormationTemplate.unknownTag)
            unknownTagId = UInt16(truncatingIfNeeded: tags.count)
            tags.append(CloudFormationTemplate.resolvedTag)
            resolvedTagId = UInt16(truncatingIfNeeded: tags.count)
        }

        /// Emits a node of the original document, resolving the intrinsics in it.
        mutating func emit(_ n: Node, parent: UInt32) {
            if CloudFormationTemplate.intrinsic(n) != nil {
                emit(template.value(n), at: n, parent: parent)
                return
            }
            let r = n.record
            switch n.kind {
            case .object:
                let me = begin(r, parent: parent)
                var children: UInt32 = 0
                for (k, v) in n.members {
                    if case .noValue = valueIfIntrinsic(v) { continue }
                    var kr = k.record
                    kr.parent = me
                    kr.tag = 0
                    records.append(kr)
                    emit(v, parent: me)
                    children += 2
                }
                end(me, children: children)
            case .array:
                let me = begin(r, parent: parent)
                var children: UInt32 = 0
                for e in n.elements {
                    if case .noValue = valueIfIntrinsic(e) { continue }
                    emit(e, parent: me)
                    children += 1
                }
                end(me, children: children)
            default:
                var copy = r
                copy.parent = parent
                records.append(copy)
            }
        }

        func valueIfIntrinsic(_ n: Node) -> Value? {
            CloudFormationTemplate.intrinsic(n) != nil ? template.value(n) : nil
        }

        mutating func begin(_ r: NodeRecord, parent: UInt32) -> UInt32 {
            var copy = r
            copy.parent = parent
            copy.a = 0
            copy.b = 0
            records.append(copy)
            return UInt32(records.count - 1)
        }

        mutating func end(_ me: UInt32, children: UInt32) {
            records[Int(me)].a = UInt32(records.count) - me - 1
            records[Int(me)].b = children
        }

        /// Emits a value at the position of the intrinsic it came from.
        mutating func emit(_ v: Value, at n: Node, parent: UInt32) {
            let r = n.record
            switch v {
            case .node(let m):
                emit(m, parent: parent)
            case .string(let s):
                let offset = side.count
                side.append(contentsOf: Array(s.utf8))
                records.append(NodeRecord(start: r.start, end: r.end, parent: parent, a: UInt32(offset), b: UInt32(s.utf8.count),
                                          tag: resolvedTagId, kind: .string, flags: NodeRecord.flagSideValue))
            case .list(let items):
                var container = NodeRecord(start: r.start, end: r.end, parent: parent, a: 0, b: 0, tag: 0, kind: .array, flags: 0)
                container.flags = 0
                let me = begin(container, parent: parent)
                var children: UInt32 = 0
                for item in items {
                    if case .noValue = item { continue }
                    emit(item, at: n, parent: me)
                    children += 1
                }
                end(me, children: children)
            case .unknown, .noValue:
                records.append(NodeRecord(start: r.start, end: r.end, parent: parent, a: 0, b: 0, tag: unknownTagId,
                                          kind: .object, flags: 0))
            }
        }
    }
}
