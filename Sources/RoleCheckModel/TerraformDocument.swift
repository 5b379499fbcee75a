import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM

/// The resources of one `terraform show -json` output, state or plan, with what a plan knows
/// about each value.
///
/// A state lists resources under `values.root_module` (and its `child_modules`). A plan lists
/// what will exist after apply under `planned_values`, with values known only after apply left
/// out (or, inside lists, written as `null`); `resource_changes[].change.after_unknown` marks
/// them, and `configuration` holds the expressions they come from, whose `references` name the
/// resources they will be read from.
struct TerraformDocument {
    private(set) var resources: [TerraformResource] = []

    init(_ root: Node) {
        var unknownByAddress: [String: Node] = [:]
        var expressionsByKey: [String: Node] = [:]
        var out: [TerraformResource] = []
        if root["planned_values"] != nil || root["resource_changes"] != nil {
            for change in root["resource_changes"]?.elements ?? [] {
                guard change["deposed"] == nil, let address = change["address"]?.string, let c = change["change"] else { continue }
                if let u = c["after_unknown"], !u.isNull { unknownByAddress[address] = u }
            }
            if let config = root["configuration"]?["root_module"] { Self.indexConfiguration(config, prefix: "", into: &expressionsByKey) }
            if let planned = root["planned_values"]?["root_module"] {
                Self.collect(planned, module: "", into: &out)
            } else {
                // A plan without planned values: each change's `after`.
                for change in root["resource_changes"]?.elements ?? [] {
                    guard change["deposed"] == nil, let c = change["change"], let after = c["after"], after.kind == .object,
                          let address = change["address"]?.string, let type = change["type"]?.string else { continue }
                    out.append(TerraformResource(address: address, mode: change["mode"]?.string ?? "managed", type: type,
                                                 name: change["name"]?.string ?? "", module: change["module_address"]?.string ?? "",
                                                 node: change, values: after, unknown: nil, expressions: nil))
                }
            }
            // Data sources read before the plan are in its prior state only.
            if let prior = root["prior_state"]?["values"]?["root_module"] {
                var priorResources: [TerraformResource] = []
                Self.collect(prior, module: "", into: &priorResources)
                let planned = Set(out.map(\.address))
                out += priorResources.filter { $0.mode == "data" && !planned.contains($0.address) }
            }
        } else {
            if let state = root["values"]?["root_module"] { Self.collect(state, module: "", into: &out) }
        }
        resources = out.map { r in
            TerraformResource(address: r.address, mode: r.mode, type: r.type, name: r.name, module: r.module, node: r.node,
                              values: r.values, unknown: r.unknown ?? unknownByAddress[r.address],
                              expressions: expressionsByKey[Self.configurationKey(r.address)])
        }
    }

    /// The resources of a module and its child modules, in document order.
    static func collect(_ module: Node, module address: String, into out: inout [TerraformResource]) {
        for r in module["resources"]?.elements ?? [] {
            // A deposed object (replaced, not yet destroyed) is on its way out.
            guard r["deposed_key"] == nil, let a = r["address"]?.string, let type = r["type"]?.string,
                  let values = r["values"], values.kind == .object else { continue }
            out.append(TerraformResource(address: a, mode: r["mode"]?.string ?? "managed", type: type, name: r["name"]?.string ?? "",
                                         module: address, node: r, values: values, unknown: nil, expressions: nil))
        }
        for child in module["child_modules"]?.elements ?? [] {
            collect(child, module: child["address"]?.string ?? address, into: &out)
        }
    }

    /// `configuration.root_module`: each resource's `expressions`, by its address without instance
    /// keys (`module.emr.aws_iam_role.runtime`).
    static func indexConfiguration(_ module: Node, prefix: String, into out: inout [String: Node]) {
        for r in module["resources"]?.elements ?? [] {
            guard let type = r["type"]?.string, let name = r["name"]?.string, let e = r["expressions"] else { continue }
            let data = r["mode"]?.string == "data" ? "data." : ""
            out[prefix + data + type + "." + name] = e
        }
        for (key, call) in module["module_calls"]?.members ?? [] {
            guard let name = key.string, let m = call["module"] else { continue }
            indexConfiguration(m, prefix: prefix + "module." + name + ".", into: &out)
        }
    }

    /// An address without its instance keys: `module.a["x"].aws_iam_role.r[0]` → `module.a.aws_iam_role.r`.
    static func configurationKey(_ address: String) -> String {
        var out = ""
        var depth = 0
        var quoted = false
        var escaped = false
        for ch in address {
            if depth > 0 {
                if escaped { escaped = false } else if quoted && ch == "\\" { escaped = true } else if ch == "\"" { quoted.toggle() } else if !quoted && ch == "]" { depth -= 1 }
                continue
            }
            if ch == "[" { depth += 1; continue }
            out.append(ch)
        }
        return out
    }

    /// The resources of a module instance that a configuration expression's references name,
    /// of the given types, in the order the references name them (all instances of a resource
    /// with count or for_each that is named without an index). `complete` is false when a
    /// reference names something that may be known only after apply and is not such a resource
    /// (another resource type, a local value, a module's output), so the expression's value
    /// cannot be worked out from these resources alone.
    func referenced(by refs: [String], from r: TerraformResource, types: Set<String>) -> (resources: [TerraformResource], complete: Bool) {
        var found: [TerraformResource] = []
        var complete = true
        var named: Set<String> = []
        for ref in refs {
            guard let target = TerraformReference(ref) else {
                // Input variables (and each., count., path.) are known when Terraform plans; local
                // values and module outputs may hide a value known only after apply.
                if !["var.", "each.", "count.", "path.", "terraform."].contains(where: { ref.hasPrefix($0) }) { complete = false }
                continue
            }
            guard types.contains(target.type) else {
                complete = false
                continue
            }
            // "aws_iam_role.a.arn" and "aws_iam_role.a" name one resource.
            guard named.insert((target.isData ? "data." : "") + target.type + "." + target.name + (target.index ?? "")).inserted else { continue }
            let prefix = (target.isData ? "data." : "") + target.type + "." + target.name
            // "aws_iam_role.a" next to "aws_iam_role.a[0]": the indexed reference says which.
            if target.index == nil && refs.contains(where: { $0.hasPrefix(prefix + "[") }) { continue }
            // Without an index, a resource with count or for_each means all its instances.
            let candidates = resources.filter { c in
                c.module == r.module && c.type == target.type && c.name == target.name && c.isData == target.isData
                    && (target.index.map { c.address.hasSuffix(prefix + $0) } ?? true)
            }
            if candidates.isEmpty { complete = false }
            for c in candidates where !found.contains(where: { $0.address == c.address }) { found.append(c) }
        }
        return (found, complete)
    }
}

/// A reference of a configuration expression to a resource: `aws_iam_role.runtime.arn`,
/// `data.aws_iam_policy.emr.arn`, `aws_iam_role.runtime[0]`.
struct TerraformReference {
    let isData: Bool
    let type: String
    let name: String
    /// The instance key with its brackets (`[0]`, `["a"]`), if the reference gives one.
    let index: String?

    init?(_ text: String) {
        var rest = Substring(text)
        var data = false
        if rest.hasPrefix("data.") {
            data = true
            rest = rest.dropFirst(5)
        }
        guard let dot = rest.firstIndex(of: ".") else { return nil }
        let type = String(rest[..<dot])
        // Resource types have a provider prefix; var., local., module., each., count., path. do not.
        guard type.contains("_"), !["var", "local", "module", "each", "count", "path", "self", "terraform"].contains(type) else { return nil }
        rest = rest[rest.index(after: dot)...]
        let nameEnd = rest.firstIndex { $0 == "." || $0 == "[" } ?? rest.endIndex
        let name = String(rest[..<nameEnd])
        guard !name.isEmpty else { return nil }
        var index: String?
        if nameEnd < rest.endIndex, rest[nameEnd] == "[", let close = rest[nameEnd...].firstIndex(of: "]") {
            index = String(rest[nameEnd...close])
        }
        self.isData = data
        self.type = type
        self.name = name
        self.index = index
    }
}

/// One resource instance of `terraform show -json` output.
struct TerraformResource {
    /// `module.emr.aws_iam_role.runtime`.
    let address: String
    /// `managed` or `data`.
    let mode: String
    let type: String
    let name: String
    /// The module instance it belongs to: `""` for the root module, `module.emr`, `module.x[0]`.
    let module: String
    /// The resource's object (address, type, values …): where findings about it point.
    let node: Node
    /// Its attribute values (`values`, or a change's `after`).
    let values: Node
    /// `change.after_unknown` of its change (plans only).
    let unknown: Node?
    /// The `expressions` of its configuration (plans only).
    let expressions: Node?

    var isData: Bool { mode == "data" }

    /// Follows a path of attribute names from a node. A nested block, which Terraform writes as a
    /// list of objects (of one, for the blocks read here), is entered through its first element.
    /// With `stopAtTrue`, a `true` on the way (an `after_unknown` mark of a whole block) is the answer.
    static func walk(_ start: Node?, _ path: [String], stopAtTrue: Bool = false) -> Node? {
        guard var cur = start else { return nil }
        for key in path {
            if stopAtTrue && cur.bool == true { return cur }
            if cur.kind == .array {
                guard let first = cur.elements.first else { return nil }
                cur = first
            }
            guard let next = cur[key] else { return nil }
            cur = next
        }
        return cur
    }

    /// The value at a path of attribute names, nil when absent or null.
    func value(_ path: String...) -> Node? { value(path) }

    func value(_ path: [String]) -> Node? {
        guard let n = Self.walk(values, path), !n.isNull else { return nil }
        return n
    }

    /// A non-empty string at a path (a state writes `""` for an optional string that is not set).
    func string(_ path: String...) -> (text: String, node: Node)? { string(path) }

    func string(_ path: [String]) -> (text: String, node: Node)? {
        guard let n = value(path), let s = n.string, !s.isEmpty else { return nil }
        return (s, n)
    }

    /// Where a plan marks the value at a path as known only after apply (the `true` of
    /// `after_unknown` at that path or above it); nil when the value is known.
    func unknownNode(_ path: String...) -> Node? { unknownNode(path) }

    func unknownNode(_ path: [String]) -> Node? {
        guard let n = Self.walk(unknown, path, stopAtTrue: true), n.bool == true else { return nil }
        return n
    }

    /// Indexes of a list's elements known only after apply.
    func unknownElements(_ path: [String]) -> Set<Int> {
        guard let list = Self.walk(unknown, path), list.kind == .array else { return [] }
        return Set(list.elements.enumerated().filter { $0.element.bool == true }.map(\.offset))
    }

    /// The configuration expression at a path (`{"references": [...]}`), where a value known only
    /// after apply and worked out from its references is declared (plans only).
    func expression(_ path: [String]) -> Node? { Self.walk(expressions, path) }

    /// The references of the configuration expression at a path (plans only).
    func references(_ path: [String]) -> [String] {
        guard var e = Self.walk(expressions, path) else { return [] }
        if e.kind == .array, let first = e.elements.first { e = first }
        return e["references"]?.elements.compactMap(\.string) ?? []
    }
}
