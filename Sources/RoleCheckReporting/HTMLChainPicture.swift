import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel
import RoleCheckRules
import RoleCheckEngine

/// One chain of a `SetupGraph` drawn as inline SVG: accounts as columns (in the order the chain
/// reaches them), entities as boxes in a fixed row order by kind (Studio, access role, cluster,
/// security configuration, instance-profile role, runtime role, Lake Formation, bucket), hops as
/// arrows labelled with their actions. A hop or entity a finding at warning or error is about is
/// red, dashed (hops) and labelled with the rule ids (`SetupGraph.mark`).
///
/// The layout is computed, not measured: text is wrapped by character count, so the same chain
/// gives the same bytes everywhere. Arrowheads are polygons, not markers, so a picture refers to
/// nothing outside itself.
struct HTMLChainPicture {
    static let kindOrder: [SetupGraph.Kind] = [
        .studio, .accessRole, .cluster, .securityConfiguration, .instanceProfileRole, .runtimeRole, .lakeFormation, .bucket,
    ]

    static let margin = 16
    static let headerHeight = 30
    static let boxWidth = 250
    static let gutter = 200
    static let rightPadding = 150
    static let rowGap = 52
    static let lineHeight = 15
    static let labelLineHeight = 13
    /// Characters per line in a box (12px sans-serif, about 7px a character).
    static let boxChars = 32
    static let edgeChars = 30

    let graph: SetupGraph
    /// Display names of accounts (the configuration's `setup.accounts`).
    let accountNames: [String: String]

    struct Placed {
        let node: Int
        let column: Int
        let row: Int
        var x = 0, y = 0, height = 0
        var lines: [String] = []
        var cx: Int { x + HTMLChainPicture.boxWidth / 2 }
        var cy: Int { y + height / 2 }
        var right: Int { x + HTMLChainPicture.boxWidth }
        var bottom: Int { y + height }
    }

    /// Appends the `<svg>` of a chain; `id` is a token unique in the page.
    func render(_ chain: SetupGraph.ChainPath, id: String, title: String, into out: inout String) {
        // Columns: the chain's accounts in the order it reaches them.
        var columns: [String?] = []
        for i in chain.nodes where !columns.contains(where: { $0 == graph.nodes[i].account }) {
            columns.append(graph.nodes[i].account)
        }
        // Rows: one per kind present, as many as the most nodes of that kind in one column.
        var perColumnKind: [Int: [SetupGraph.Kind: Int]] = [:]
        var slot: [Int: (column: Int, kindOrdinal: Int)] = [:]
        for i in chain.nodes {
            let column = columns.firstIndex(where: { $0 == graph.nodes[i].account })!
            let k = graph.nodes[i].kind
            let ordinal = perColumnKind[column, default: [:]][k, default: 0]
            perColumnKind[column, default: [:]][k] = ordinal + 1
            slot[i] = (column, ordinal)
        }
        var rows: [(SetupGraph.Kind, Int)] = []
        for kind in Self.kindOrder {
            let most = perColumnKind.values.map { $0[kind] ?? 0 }.max() ?? 0
            for k in 0..<most { rows.append((kind, k)) }
        }
        var placed: [Int: Placed] = [:]
        var order: [Int] = []
        for i in chain.nodes {
            let s = slot[i]!
            let row = rows.firstIndex { $0.0 == graph.nodes[i].kind && $0.1 == s.kindOrdinal }!
            var p = Placed(node: i, column: s.column, row: row)
            p.lines = HTMLText.wrap(graph.nodes[i].label, width: Self.boxChars, maxLines: 3)
            if !graph.nodes[i].rules.isEmpty {
                p.lines += HTMLText.wrap("✗ " + graph.nodes[i].rules.joined(separator: ", "), width: Self.boxChars, maxLines: 2)
            }
            p.height = 14 + Self.lineHeight * p.lines.count
            placed[i] = p
            order.append(i)
        }
        // Row heights and positions.
        var rowHeight = [Int](repeating: 40, count: rows.count)
        for p in placed.values { rowHeight[p.row] = max(rowHeight[p.row], p.height) }
        var rowTop = [Int](repeating: 0, count: rows.count)
        var y = Self.margin + Self.headerHeight
        for r in rows.indices {
            rowTop[r] = y
            y += rowHeight[r] + Self.rowGap
        }
        let height = y - Self.rowGap + Self.margin
        for i in order {
            var p = placed[i]!
            p.x = Self.margin + p.column * (Self.boxWidth + Self.gutter)
            p.y = rowTop[p.row] + (rowHeight[p.row] - p.height) / 2
            placed[i] = p
        }
        let width = Self.margin + columns.count * Self.boxWidth + (columns.count - 1) * Self.gutter + Self.rightPadding

        out += "<svg class=\"chain-svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-labelledby=\"\(id)-t\">"
        out += "<title id=\"\(id)-t\">"
        HTMLText.append(title, to: &out)
        out += "</title>"
        // Account lanes.
        for (c, account) in columns.enumerated() {
            let x = Self.margin + c * (Self.boxWidth + Self.gutter) - 10
            out += "<rect class=\"lane\" x=\"\(x)\" y=\"\(Self.margin - 6)\" width=\"\(Self.boxWidth + 20)\" height=\"\(height - 2 * Self.margin + 12)\" rx=\"8\"/>"
            out += "<text class=\"acct\" x=\"\(x + 10)\" y=\"\(Self.margin + 12)\">"
            if let account {
                HTMLText.append("account " + account + (accountNames[account].map { " (\($0))" } ?? ""), to: &out)
            } else {
                out += "account unknown"
            }
            out += "</text>"
        }
        // Edges under the boxes.
        var curves: [Int: Int] = [:]   // per column: curves drawn so far, to fan them out
        for e in chain.edges {
            let edge = graph.edges[e]
            guard let fi = graph.nodeIndex(id: edge.from), let ti = graph.nodeIndex(id: edge.to),
                  let a = placed[fi], let b = placed[ti] else { continue }
            drawEdge(edge, from: a, to: b, placed: placed, curves: &curves, into: &out)
        }
        // Boxes.
        for i in order {
            let p = placed[i]!
            let n = graph.nodes[i]
            let failing = !n.rules.isEmpty
            out += "<g class=\"node k-\(n.kind.rawValue)\(failing ? " bad" : "")\">"
            out += "<rect x=\"\(p.x)\" y=\"\(p.y)\" width=\"\(Self.boxWidth)\" height=\"\(p.height)\" rx=\"\(n.kind == .cluster ? 14 : 5)\"/>"
            out += "<title>"
            HTMLText.append(n.label, to: &out)
            out += "</title>"
            let labelLines = p.lines.count - (failing ? HTMLText.wrap("✗ " + n.rules.joined(separator: ", "), width: Self.boxChars, maxLines: 2).count : 0)
            for (k, line) in p.lines.enumerated() {
                let cls = k >= labelLines ? " class=\"rules\"" : ""
                out += "<text\(cls) x=\"\(p.x + 10)\" y=\"\(p.y + 20 + k * Self.lineHeight)\">"
                HTMLText.append(line, to: &out)
                out += "</text>"
            }
            out += "</g>"
        }
        out += "</svg>"
    }

    func drawEdge(_ edge: SetupGraph.Edge, from a: Placed, to b: Placed, placed: [Int: Placed],
                  curves: inout [Int: Int], into out: inout String) {
        let failing = !edge.rules.isEmpty
        var label: [(String, Bool)] = []   // (line, is the rule line)
        if failing {
            for l in HTMLText.wrap("✗ " + edge.rules.joined(separator: ", "), width: Self.edgeChars, maxLines: 2) { label.append((l, true)) }
        }
        for l in HTMLText.wrap(edge.label, width: Self.edgeChars, maxLines: failing ? 2 : 3) { label.append((l, false)) }

        let path: String
        let tip: (Int, Int), tail: (Int, Int)   // the arrowhead's point, and a point it comes from
        var labelAt: (x: Int, y: Int, anchor: String)
        if a.column == b.column {
            let between = placed.values.contains { $0.column == a.column && $0.row > min(a.row, b.row) && $0.row < max(a.row, b.row) }
            if !between {
                let (y1, y2) = a.row < b.row ? (a.bottom, b.y) : (a.y, b.bottom)
                path = "M\(a.cx) \(y1)L\(b.cx) \(y2)"
                tip = (b.cx, y2)
                tail = (a.cx, y1)
                labelAt = (a.cx + 8, (y1 + y2) / 2, "start")
            } else {
                // Around the boxes in between, on the right.
                let k = curves[a.column, default: 0]
                curves[a.column] = k + 1
                let bulge = a.right + 46 + 18 * k
                path = "M\(a.right) \(a.cy)C\(bulge) \(a.cy) \(bulge) \(b.cy) \(b.right) \(b.cy)"
                tip = (b.right, b.cy)
                tail = (bulge, b.cy)
                labelAt = (bulge - 8, (a.cy + b.cy) / 2, "start")
            }
        } else {
            let rightward = b.column > a.column
            let x1 = rightward ? a.right : a.x, x2 = rightward ? b.x : b.right
            path = "M\(x1) \(a.cy)L\(x2) \(b.cy)"
            tip = (x2, b.cy)
            tail = (x1, a.cy)
            labelAt = ((x1 + x2) / 2, (a.cy + b.cy) / 2, "middle")
        }
        out += "<g class=\"edge\(failing ? " bad" : "")\"><path d=\"\(path)\"/>"
        out += "<polygon points=\"\(Self.arrowhead(tip: tip, from: tail))\"/>"
        let top = labelAt.y - (label.count - 1) * Self.labelLineHeight / 2 + 4
        for (k, line) in label.enumerated() {
            out += "<text class=\"el\(line.1 ? " rules" : "")\" x=\"\(labelAt.x)\" y=\"\(top + k * Self.labelLineHeight)\" text-anchor=\"\(labelAt.anchor)\">"
            HTMLText.append(line.0, to: &out)
            out += "</text>"
        }
        out += "</g>"
    }

    /// The three points of an arrowhead at `tip`, pointing away from `from`.
    static func arrowhead(tip: (Int, Int), from: (Int, Int)) -> String {
        let dx = Double(tip.0 - from.0), dy = Double(tip.1 - from.1)
        let length = max((dx * dx + dy * dy).squareRoot(), 1)
        let ux = dx / length, uy = dy / length
        let size = 9.0, half = 4.5
        let bx = Double(tip.0) - ux * size, by = Double(tip.1) - uy * size
        func f(_ v: Double) -> String {
            let r = (v * 10).rounded() / 10
            return r == r.rounded() ? String(Int(r)) : String(r)
        }
        return "\(tip.0),\(tip.1) \(f(bx - uy * half)),\(f(by + ux * half)) \(f(bx + uy * half)),\(f(by - ux * half))"
    }
}
