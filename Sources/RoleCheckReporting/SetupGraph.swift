import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel
import RoleCheckRules
import RoleCheckEngine

/// A picture of a setup's chains: accounts as groups; the Studio role, access roles, clusters,
/// security configurations, instance-profile roles, runtime roles, Lake Formation and buckets as
/// nodes; each hop an edge labelled with its action. The nodes and edges are the hops the chain
/// rules decided (`ChainFacts.hops`); a finding at warning or error marks the entities and hops it
/// is about (`Finding.subjects`): those edges are drawn dashed and red, labelled with rule ids.
public struct SetupGraph: Sendable {
    public enum Kind: String, Sendable {
        case studio, accessRole, cluster, securityConfiguration, instanceProfileRole, runtimeRole, lakeFormation, bucket
    }

    public struct GraphNode: Sendable {
        public let id: String
        public let entity: EntityRef
        public let kind: Kind
        public let label: String
        public let account: String?
        public var rules: [String]
    }

    public struct Edge: Sendable {
        public let from: String
        public let to: String
        public let hop: HopRef
        public let label: String
        public var rules: [String]
    }

    /// One chain of the setup as the picture draws it: the nodes and edges its hops use, in the
    /// order a connection reaches them (indices into `nodes` and `edges`).
    public struct ChainPath: Sendable {
        /// "user profile alice of domain d-… (JupyterLab) → cluster j-… → runtime role analyst".
        public let label: String
        /// The documented arrangement (`same account`, `option 1` …).
        public let option: String
        public let nodes: [Int]
        public let edges: [Int]
    }

    public private(set) var nodes: [GraphNode] = []
    public private(set) var edges: [Edge] = []
    /// The setup's chains, in the order `Setup.chainFacts` lists them.
    public private(set) var chains: [ChainPath] = []
    private var index: [EntityRef: Int] = [:]
    private var edgeIndex: [HopRef: Int] = [:]
    private var nodeIndexByID: [String: Int] = [:]

    /// Whether the picture has anything to show.
    public var isEmpty: Bool { nodes.isEmpty }

    mutating func node(_ entity: EntityRef, _ kind: Kind, _ label: String, account: String?) -> String {
        if let i = index[entity] { return nodes[i].id }
        let id = "n\(nodes.count + 1)"
        index[entity] = nodes.count
        nodeIndexByID[id] = nodes.count
        nodes.append(GraphNode(id: id, entity: entity, kind: kind, label: label, account: account, rules: []))
        return id
    }

    @discardableResult
    mutating func edge(_ hop: HopRef, _ from: String, _ to: String, _ label: String) -> Int {
        if let i = edgeIndex[hop] { return i }
        edgeIndex[hop] = edges.count
        edges.append(Edge(from: from, to: to, hop: hop, label: label, rules: []))
        return edges.count - 1
    }

    /// The node drawn for an entity, if any.
    public func node(for entity: EntityRef) -> GraphNode? { index[entity].map { nodes[$0] } }

    /// The edge drawn for a hop, if any.
    public func edge(for hop: HopRef) -> Edge? { edgeIndex[hop].map { edges[$0] } }

    /// The index in `nodes` of the node with this id (`n3`).
    public func nodeIndex(id: String) -> Int? { nodeIndexByID[id] }

    /// Whether a finding at warning or error marks one of the chain's nodes or edges.
    public func isFailing(_ chain: ChainPath) -> Bool {
        chain.edges.contains { !edges[$0].rules.isEmpty } || chain.nodes.contains { !nodes[$0].rules.isEmpty }
    }

    /// The chains a finding at warning or error marks, in chain order.
    public var failingChains: [ChainPath] { chains.filter(isFailing) }

    /// The part of the picture these chains use: their nodes and edges, in the picture's order and
    /// with the picture's ids and marks (`mermaid()` of it draws only those chains).
    public func restricted(to selected: [ChainPath]) -> SetupGraph {
        var keepNodes = Set<Int>(), keepEdges = Set<Int>()
        for c in selected {
            keepNodes.formUnion(c.nodes)
            keepEdges.formUnion(c.edges)
        }
        var g = SetupGraph()
        var nodeMap: [Int: Int] = [:], edgeMap: [Int: Int] = [:]
        for (i, n) in nodes.enumerated() where keepNodes.contains(i) {
            nodeMap[i] = g.nodes.count
            g.index[n.entity] = g.nodes.count
            g.nodeIndexByID[n.id] = g.nodes.count
            g.nodes.append(n)
        }
        for (i, e) in edges.enumerated() where keepEdges.contains(i) {
            edgeMap[i] = g.edges.count
            g.edgeIndex[e.hop] = g.edges.count
            g.edges.append(e)
        }
        g.chains = selected.map { c in
            ChainPath(label: c.label, option: c.option, nodes: c.nodes.compactMap { nodeMap[$0] }, edges: c.edges.compactMap { edgeMap[$0] })
        }
        return g
    }

    /// Whether a subject is on the picture (an entity drawn as a node, a hop as an edge).
    public func shows(_ subject: Subject) -> Bool {
        switch subject {
        case .entity(let e): index[e] != nil
        case .hop(let h): edgeIndex[h] != nil
        }
    }

    /// Marks every drawn subject of the findings at warning or error with the finding's rule.
    mutating func mark(_ findings: [Finding]) {
        for f in findings where f.severity >= .warning {
            for subject in f.subjects {
                switch subject {
                case .entity(let e):
                    if let i = index[e], !nodes[i].rules.contains(f.ruleId) { nodes[i].rules.append(f.ruleId) }
                case .hop(let h):
                    if let i = edgeIndex[h], !edges[i].rules.contains(f.ruleId) { edges[i].rules.append(f.ruleId) }
                }
            }
        }
        for i in nodes.indices { nodes[i].rules.sort() }
        for i in edges.indices { edges[i].rules.sort() }
    }

    /// Builds the graph of a linted setup from its chains' hops; `findings` mark what fails.
    public static func build(_ setup: Setup, findings: [Finding]) -> SetupGraph {
        var g = SetupGraph()
        for f in setup.chainFacts {
            let c = f.chain
            let studioName = StatementMatcher.roleName(c.studio.executionRoleArn ?? "studio")
            let studio = g.node(f.studioEntity, .studio, "Studio execution role \(studioName) (\(c.studio.app.rawValue))",
                                account: c.studio.executionRoleArn.flatMap { ARN($0)?.account } ?? c.studio.account)
            // Nodes are numbered in the order a connection reaches them.
            func clusterNode() -> String {
                g.node(f.clusterEntity, .cluster, "EMR \(c.cluster.label) \(c.cluster.releaseLabel ?? "")".trimmingSpaces,
                       account: c.cluster.account)
            }
            func runtimeNode() -> String {
                g.node(f.runtimeEntity, .runtimeRole, "runtime role \(StatementMatcher.roleName(c.runtimeRoleArn))",
                       account: ARN(c.runtimeRoleArn)?.account)
            }
            var drawnInstanceProfile = false
            var chainEdges: [Int] = []
            for hop in f.hops {
                let ref = hop.ref
                switch hop.kind {
                case .assumeAccessRole:
                    let access = g.node(ref.to, .accessRole, "EMR access role \(StatementMatcher.roleName(ref.to.id))", account: ARN(ref.to.id)?.account)
                    chainEdges.append(g.edge(ref, studio, access, hop.label))
                case .sessionCredentials:
                    let caller = ref.from == f.studioEntity ? studio
                        : g.node(ref.from, .accessRole, "EMR access role \(StatementMatcher.roleName(ref.from.id))", account: ARN(ref.from.id)?.account)
                    chainEdges.append(g.edge(ref, caller, clusterNode(), hop.label))
                case .securityConfiguration:
                    let name = f.securityConfiguration?.name ?? "(unnamed)"
                    let cluster = clusterNode()
                    let sc = g.node(ref.to, .securityConfiguration, "security configuration \(name)", account: c.cluster.account)
                    chainEdges.append(g.edge(ref, cluster, sc, hop.label))
                case .instanceProfile:
                    let ip = f.instanceProfileRole
                    let cluster = clusterNode()
                    let node = g.node(ref.to, .instanceProfileRole, "instance-profile role \(ip?.name ?? ref.to.id)", account: ip?.account)
                    chainEdges.append(g.edge(ref, cluster, node, hop.label))
                    drawnInstanceProfile = true
                case .assumeRuntimeRole:
                    if let from = g.index[ref.from].map({ g.nodes[$0].id }) { chainEdges.append(g.edge(ref, from, runtimeNode(), hop.label)) }
                case .lakeFormation:
                    let runtime = runtimeNode()
                    let lf = g.node(ref.to, .lakeFormation, "Lake Formation (account \(ref.to.id))", account: ref.to.id)
                    chainEdges.append(g.edge(ref, runtime, lf, hop.label))
                case .bucket:
                    let account = setup.resources.bucketPolicy(for: ref.to.id)?.account
                    let runtime = runtimeNode()
                    let b = g.node(ref.to, .bucket, "S3 bucket \(ref.to.id)", account: account)
                    chainEdges.append(g.edge(ref, runtime, b, hop.label))
                }
            }
            if !drawnInstanceProfile {
                // The instance-profile role is not among the inputs: the cluster reaches the
                // runtime role through a hop rolecheck could not check.
                let ref = HopRef(.assumeRuntimeRole, from: f.clusterEntity, to: f.runtimeEntity)
                let cluster = clusterNode()
                chainEdges.append(g.edge(ref, cluster, runtimeNode(), "instance profile \(c.cluster.instanceProfileName ?? "?") (not among the inputs)"))
            }
            g.chains.append(g.path(label: c.label, option: c.option.rawValue, edges: chainEdges, start: studio))
        }
        g.mark(findings)
        return g
    }

    /// A chain's path from its edges: the start node, then each edge's ends in order, once each.
    func path(label: String, option: String, edges chainEdges: [Int], start: String) -> ChainPath {
        var seenEdges = Set<Int>(), edgeList: [Int] = []
        for e in chainEdges where seenEdges.insert(e).inserted { edgeList.append(e) }
        var seenNodes = Set<Int>(), nodeList: [Int] = []
        for id in [start] + edgeList.flatMap({ [edges[$0].from, edges[$0].to] }) {
            if let i = nodeIndexByID[id], seenNodes.insert(i).inserted { nodeList.append(i) }
        }
        return ChainPath(label: label, option: option, nodes: nodeList, edges: edgeList)
    }

    /// Accounts in first-seen order, nodes without an account last.
    var accounts: [String?] {
        var out: [String?] = []
        for n in nodes where !out.contains(where: { $0 == n.account }) { out.append(n.account) }
        return out.sorted { ($0 ?? "~") < ($1 ?? "~") }
    }

    /// A label inside `"…"`: quotes as `#quot;`, line breaks (CR, LF, CRLF: Markdown's line
    /// endings) as spaces, so a label stays on its line of the flowchart (and of a fenced block).
    static func escapeMermaid(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "#quot;"
            case "\r", "\n": out += " "
            default: out.unicodeScalars.append(u)
            }
        }
        return out
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
