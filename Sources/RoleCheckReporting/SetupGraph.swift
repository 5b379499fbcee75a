import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel
import RoleCheckRules
import RoleCheckEngine

/// A picture of a setup's chains: accounts as groups; the Studio role, access roles, clusters,
/// instance-profile roles, runtime roles and buckets as nodes; each hop an edge labelled with its
/// action. Hops with findings are drawn dashed and red, labelled with their rule ids.
public struct SetupGraph: Sendable {
    public enum Kind: String, Sendable {
        case studio, accessRole, cluster, instanceProfileRole, runtimeRole, bucket
    }

    public struct GraphNode: Sendable {
        public let id: String
        public let kind: Kind
        public let label: String
        public let account: String?
        public var rules: [String]
    }

    public struct Edge: Sendable {
        public let from: String
        public let to: String
        public let label: String
        public var rules: [String]
    }

    public private(set) var nodes: [GraphNode] = []
    public private(set) var edges: [Edge] = []
    private var index: [String: Int] = [:]
    private var edgeIndex: [String: Int] = [:]

    mutating func node(_ key: String, _ kind: Kind, _ label: String, account: String?) -> String {
        if let i = index[key] { return nodes[i].id }
        let id = "n\(nodes.count + 1)"
        index[key] = nodes.count
        nodes.append(GraphNode(id: id, kind: kind, label: label, account: account, rules: []))
        return id
    }

    mutating func edge(_ from: String, _ to: String, _ label: String, rules: [String]) {
        let key = "\(from)>\(to)>\(label)"
        if let i = edgeIndex[key] {
            edges[i].rules = Array(Set(edges[i].rules + rules)).sorted()
            return
        }
        edgeIndex[key] = edges.count
        edges.append(Edge(from: from, to: to, label: label, rules: Array(Set(rules)).sorted()))
    }

    mutating func mark(_ id: String, _ rules: [String]) {
        guard let i = nodes.firstIndex(where: { $0.id == id }), !rules.isEmpty else { return }
        nodes[i].rules = Array(Set(nodes[i].rules + rules)).sorted()
    }

    /// Builds the graph of a linted setup; `findings` mark the hops that fail.
    public static func build(_ setup: Setup, findings: [Finding]) -> SetupGraph {
        var g = SetupGraph()
        func rules(_ ids: Set<String>, _ matches: (Finding) -> Bool) -> [String] {
            findings.filter { ids.contains($0.ruleId) && matches($0) }.map(\.ruleId)
        }
        for f in setup.chainFacts {
            let c = f.chain
            let studioArn = c.studio.executionRoleArn ?? "studio"
            let studioName = StatementMatcher.roleName(studioArn)
            let studio = g.node("studio|\(studioArn)", .studio, "Studio execution role \(studioName) (\(c.studio.app.rawValue))",
                                account: ARN(studioArn)?.account ?? c.studio.account)
            g.mark(studio, rules(["RC309", "RC207", "RC208", "RC211"]) { $0.identity.contains(c.studio.label) })
            var caller = studio
            if let access = c.accessRole {
                let accessName = StatementMatcher.roleName(access.arn)
                let a = g.node("role|\(access.arn)", .accessRole, "EMR access role \(accessName)", account: ARN(access.arn)?.account)
                g.edge(studio, a, "sts:AssumeRole", rules: rules(["RC401", "RC402", "RC312"]) { $0.identity.contains(accessName) })
                caller = a
            }
            let cluster = g.node("cluster|\(c.cluster.effectiveArn)", .cluster,
                                 "EMR \(c.cluster.label) \(c.cluster.releaseLabel ?? "")".trimmingSpaces, account: c.cluster.account)
            let callerName = f.caller?.name ?? StatementMatcher.roleName(f.callerArn ?? "")
            g.edge(caller, cluster, "GetClusterSessionCredentials",
                   rules: rules(["RC306", "RC308"]) { $0.identity.hasPrefix(callerName + "|") }
                       + rules(["RC403"]) { $0.identity.hasPrefix(c.studio.label + "|") })
            g.mark(cluster, rules(["RC201", "RC202", "RC203", "RC204", "RC205", "RC206", "RC209", "RC210"]) { finding in
                finding.location.file == c.cluster.node.document.file.path
            })
            let runtimeName = StatementMatcher.roleName(c.runtimeRoleArn)
            let runtime = g.node("role|\(c.runtimeRoleArn)", .runtimeRole, "runtime role \(runtimeName)", account: ARN(c.runtimeRoleArn)?.account)
            g.mark(runtime, rules(["RC310", "RC311", "RC407"]) { $0.identity.hasPrefix(runtimeName + "|") })
            if let ip = f.instanceProfileRole {
                let ipNode = g.node("role|\(ip.effectiveArn ?? ip.name)", .instanceProfileRole, "instance-profile role \(ip.name)", account: ip.account)
                g.edge(cluster, ipNode, "instance profile \(c.cluster.instanceProfileName ?? "")".trimmingSpaces, rules: [])
                g.edge(ipNode, runtime, f.propagatesSourceIdentity ? "sts:AssumeRole, TagSession, SetSourceIdentity" : "sts:AssumeRole, sts:TagSession",
                       rules: rules(["RC301", "RC302", "RC303", "RC304"]) { $0.identity.hasPrefix("\(ip.name)|\(runtimeName)") }
                           + rules(["RC305"]) { $0.identity.hasPrefix(runtimeName + "|") })
            } else {
                g.edge(cluster, runtime, "instance profile \(c.cluster.instanceProfileName ?? "?") (not among the inputs)",
                       rules: rules(["RC004"]) { $0.identity.contains(c.cluster.instanceProfileName ?? "\u{0}") })
            }
            if c.option == .option2, let rt = f.runtimeRole {
                for bucket in ChainBuilder.buckets(usedBy: rt, setup.resources) {
                    guard let bp = setup.resources.bucketPolicy(for: bucket), bp.account != rt.account else { continue }
                    let b = g.node("bucket|\(bucket)", .bucket, "S3 bucket \(bucket)", account: bp.account)
                    g.edge(runtime, b, "s3 (bucket policy)", rules: rules(["RC405"]) { $0.identity.hasPrefix("\(rt.name)|\(bucket)|") })
                }
            }
        }
        return g
    }

    /// Accounts in first-seen order, nodes without an account last.
    var accounts: [String?] {
        var out: [String?] = []
        for n in nodes where !out.contains(where: { $0 == n.account }) { out.append(n.account) }
        return out.sorted { ($0 ?? "~") < ($1 ?? "~") }
    }

    static func escapeMermaid(_ s: String) -> String {
        s.replacing("\"", with: "#quot;").replacing("\n", with: " ")
    }

    /// Mermaid flowchart (renders in GitHub Markdown).
    public func mermaid() -> String {
        var out = "flowchart LR\n"
        for account in accounts {
            let members = nodes.filter { $0.account == account }
            if let account {
                out += "  subgraph a\(account)[\"account \(account)\"]\n"
            }
            for n in members {
                let rules = n.rules.isEmpty ? "" : "<br/>✗ " + n.rules.joined(separator: ", ")
                let shape: (String, String) = n.kind == .cluster ? ("[(", ")]") : n.kind == .bucket ? ("[/", "/]") : ("[", "]")
                out += "\(account == nil ? "  " : "    ")\(n.id)\(shape.0)\"\(Self.escapeMermaid(n.label))\(rules)\"\(shape.1)\n"
            }
            if account != nil { out += "  end\n" }
        }
        var failing: [Int] = []
        for (i, e) in edges.enumerated() {
            if e.rules.isEmpty {
                out += "  \(e.from) -->|\"\(Self.escapeMermaid(e.label))\"| \(e.to)\n"
            } else {
                out += "  \(e.from) -.->|\"✗ \(e.rules.joined(separator: ", ")): \(Self.escapeMermaid(e.label))\"| \(e.to)\n"
                failing.append(i)
            }
        }
        if !failing.isEmpty {
            out += "  linkStyle \(failing.map(String.init).joined(separator: ",")) stroke:#d73a49,stroke-width:2px\n"
        }
        let flagged = nodes.filter { !$0.rules.isEmpty }.map(\.id)
        if !flagged.isEmpty {
            out += "  classDef failing stroke:#d73a49,stroke-width:2px\n"
            out += "  class \(flagged.joined(separator: ",")) failing\n"
        }
        return out
    }

    static func escapeDot(_ s: String) -> String {
        s.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
    }

    /// Graphviz DOT.
    public func dot() -> String {
        var out = "digraph setup {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\"];\n"
        for account in accounts {
            let members = nodes.filter { $0.account == account }
            let indent = account == nil ? "  " : "    "
            if let account { out += "  subgraph cluster_\(account) {\n    label=\"account \(account)\";\n" }
            for n in members {
                let shape = n.kind == .cluster ? ", shape=cylinder" : n.kind == .bucket ? ", shape=folder" : ""
                let rules = n.rules.isEmpty ? "" : "\\n✗ " + n.rules.joined(separator: ", ")
                let color = n.rules.isEmpty ? "" : ", color=red"
                out += "\(indent)\(n.id) [label=\"\(Self.escapeDot(n.label))\(rules)\"\(shape)\(color)];\n"
            }
            if account != nil { out += "  }\n" }
        }
        for e in edges {
            if e.rules.isEmpty {
                out += "  \(e.from) -> \(e.to) [label=\"\(Self.escapeDot(e.label))\"];\n"
            } else {
                out += "  \(e.from) -> \(e.to) [label=\"✗ \(e.rules.joined(separator: ", ")): \(Self.escapeDot(e.label))\", color=red, fontcolor=red, style=dashed];\n"
            }
        }
        return out + "}\n"
    }
}
