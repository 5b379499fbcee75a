import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel
import RoleCheckRules
import RoleCheckEngine

/// A report for people: one self-contained HTML file (inline CSS and SVG, no script, no request
/// to anything — a Content-Security-Policy of `default-src 'none'` says so to the browser).
///
/// - a summary of the findings per account and severity, and per rule;
/// - every chain of the setup drawn (`HTMLChainPicture`) from the same `SetupGraph` that
///   `rolecheck graph` draws: failing chains first;
/// - the findings grouped by the chain and the entity or hop they are about (`Finding.subjects`),
///   then by entity, then the rest by file; each with its rule, severity, position, message,
///   related locations, a source excerpt with the range marked, and the rule's fix;
/// - the rules that have findings, with their title, description and remediation (the embedded
///   rule metadata);
/// - filters by severity, rule and account made of checkboxes and CSS (`:checked ~`), so they
///   work without JavaScript; with everything checked the page shows everything.
///
/// The output is deterministic: the same report and graph give the same bytes (no clock, no
/// dictionary order). Large inputs are bounded: at most `maxChainPictures` pictures, the
/// failing chains first; excerpts, related locations and fixes only for the first
/// `maxDetailedFindings` findings; the page says what it left out.
public struct HTMLReporter: Sendable {
    /// Chains drawn as pictures (failing first); the others are listed by name, up to `maxChainsListed`.
    public var maxChainPictures = 100
    public var maxChainsListed = 1_000
    /// Findings shown with an excerpt, related locations and fix; later ones are shown as one entry each.
    public var maxDetailedFindings = 5_000
    /// Findings of one rule that carry the rule's fix in full; later ones link to it.
    public var maxFixesPerRule = 25
    /// Related locations listed per finding.
    public var maxRelated = 12
    /// Links from a chain's picture to the findings about it.
    public var maxChainLinks = 40
    /// Lines of source shown before and after a finding's line.
    public var excerptContext = 2
    /// Columns of a source line shown around the finding.
    public var maxSourceWidth = 160
    /// The configuration's `setup` section: files assigned to accounts (`setup.paths`) and account
    /// names (`setup.accounts`).
    public var setup: SetupConfiguration?

    public init(setup: SetupConfiguration? = nil) {
        self.setup = setup
    }

    /// The page, ending with a newline.
    public func render(_ report: LintReport, graph: SetupGraph) -> String {
        var page = Page(reporter: self, report: report, graph: graph)
        return page.render()
    }

    /// The account a finding is counted under: the account of its file (a folder named after the
    /// account or the configuration's `setup.paths`), else of what it is about.
    func account(of finding: Finding, graph: SetupGraph) -> String? {
        if let a = account(ofFile: finding.location.file) { return a }
        for s in finding.subjects {
            if case .entity(let e) = s, let a = Self.account(of: e, graph: graph) { return a }
        }
        for s in finding.subjects {
            if case .hop(let h) = s, let a = Self.account(of: h.to, graph: graph) ?? Self.account(of: h.from, graph: graph) { return a }
        }
        return nil
    }

    func account(ofFile path: String) -> String? {
        if let c = setup, let hit = c.paths.last(where: { PathPattern.matches(pattern: $0.pattern, path: path, base: c.baseDirectory) }) {
            return hit.account
        }
        return AccountFolders.account(forPath: path)
    }

    static func account(of entity: EntityRef, graph: SetupGraph) -> String? {
        if let n = graph.node(for: entity), let a = n.account { return a }
        switch entity.kind {
        case .role, .cluster: return ARN(entity.id)?.account.nilIfEmpty
        case .securityConfiguration:
            let a = entity.id.split(separator: "/", maxSplits: 1).first.map(String.init)
            return a == "?" ? nil : a
        case .lakeFormation: return entity.id
        case .bucket, .studio: return nil
        }
    }
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}

/// One rendering of the page.
private struct Page {
    let r: HTMLReporter
    let report: LintReport
    let graph: SetupGraph
    var out = ""

    // What the page is made of, worked out once.
    /// Each finding's account (index into `accounts`).
    var findingAccount: [Int] = []
    /// Accounts of the findings and of the picture, sorted; nil (no account) last.
    var accounts: [String?] = []
    /// Rules with findings, sorted.
    var rules: [String] = []
    /// Chains in the order shown: failing first, then the others, each in graph order.
    var chainOrder: [Int] = []
    /// Chains each subject is on, in the order shown (so the first is where its findings go).
    var chainsOf: [Subject: [Int]] = [:]
    /// Chains in the order shown → their rank.
    var chainRank: [Int: Int] = [:]
    var failingChains = Set<Int>()
    /// Per chain, the findings about it (indices into report.findings).
    var findingsOnChain: [Int: [Int]] = [:]
    var files: [String: SourceFile] = [:]

    init(reporter: HTMLReporter, report: LintReport, graph: SetupGraph) {
        self.r = reporter
        self.report = report
        self.graph = graph
    }

    mutating func prepare() {
        var accountSet = Set<String>(), hasNoAccount = false
        var perFinding: [String?] = []
        perFinding.reserveCapacity(report.findings.count)
        for f in report.findings {
            let a = r.account(of: f, graph: graph)
            perFinding.append(a)
            if let a { accountSet.insert(a) } else { hasNoAccount = true }
        }
        for n in graph.nodes {
            if let a = n.account { accountSet.insert(a) }
        }
        accounts = accountSet.sorted().map { Optional($0) } + (hasNoAccount ? [nil] : [])
        var accountIndex: [String: Int] = [:]
        for (i, a) in accounts.enumerated() { if let a { accountIndex[a] = i } }
        findingAccount = perFinding.map { $0.flatMap { accountIndex[$0] } ?? accounts.count - 1 }
        rules = Array(Set(report.findings.map(\.ruleId))).sorted()

        for (i, c) in graph.chains.enumerated() where graph.isFailing(c) { failingChains.insert(i) }
        chainOrder = graph.chains.indices.filter { failingChains.contains($0) } + graph.chains.indices.filter { !failingChains.contains($0) }
        for (rank, c) in chainOrder.enumerated() { chainRank[c] = rank }
        for i in chainOrder {
            let c = graph.chains[i]
            for n in c.nodes { chainsOf[.entity(graph.nodes[n].entity), default: []].append(i) }
            for e in c.edges { chainsOf[.hop(graph.edges[e].hop), default: []].append(i) }
        }
        // Links from the drawn chains only: a subject on every chain (one Studio role) costs the
        // pictures drawn, not every chain.
        for (fi, f) in report.findings.enumerated() where !f.subjects.isEmpty {
            var seen = Set<Int>()
            for s in f.subjects {
                for c in chainsOf[s] ?? [] {
                    if chainRank[c]! >= r.maxChainPictures { break }
                    if seen.insert(c).inserted { findingsOnChain[c, default: []].append(fi) }
                }
            }
        }
        for file in report.files where files[file.path] == nil { files[file.path] = file }
    }

    mutating func render() -> String {
        prepare()
        out.reserveCapacity(64 * 1024 + report.findings.count * 1_500 + min(graph.chains.count, r.maxChainPictures) * 6_000)
        out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<meta name=\"generator\" content=\"\(RoleCheck.name) \(RoleCheck.version)\">\n"
        out += "<title>rolecheck: "
        HTMLText.append(ReportSupport.summaryLine(report), to: &out)
        out += "</title>\n<style>\n"
        out += Self.css
        filterCSS()
        out += "</style>\n</head>\n<body>\n"
        filterInputs()
        out += "<div class=\"page\">\n"
        header()
        filterBar()
        summary()
        chains()
        findings()
        ruleSection()
        out += "<footer><p>Written by \(RoleCheck.name) \(RoleCheck.version) ("
        HTMLText.append(CatalogDirectory.describe(report.catalog), to: &out)
        out += "). This page loads nothing: no script, style sheet, font or image from anywhere.</p></footer>\n"
        out += "</div>\n</body>\n</html>\n"
        return out
    }

    // MARK: - Header and summary

    mutating func header() {
        out += "<header><h1>rolecheck report</h1>\n<p class=\"verdict\">"
        for sev in [Severity.error, .warning, .note] {
            let n = report.count(sev)
            out += "<span class=\"sev sev-\(sev.rawValue)\(n == 0 ? " zero" : "")\">\(ReportSupport.count(n, sev.rawValue))</span> "
        }
        out += "in \(ReportSupport.count(report.files.count, "file")) (\(ReportSupport.count(report.documentCount, "document")))"
        var hidden: [String] = []
        if report.suppressedCount > 0 { hidden.append("\(report.suppressedCount) suppressed") }
        if report.baselinedCount > 0 { hidden.append("\(report.baselinedCount) baselined") }
        if !hidden.isEmpty { out += "; not shown: " + hidden.joined(separator: ", ") }
        out += ".</p>\n"
        let failing = failingChains.count
        if !graph.chains.isEmpty {
            out += "<p>\(ReportSupport.count(graph.chains.count, "chain")) from Studio to a runtime role; "
            out += failing == 0 ? "no finding at warning or error is about any of them.</p>\n"
                : "\(ReportSupport.count(failing, "fails", "fail")) (<a href=\"#chains\">pictures</a>).</p>\n"
        }
        out += "<nav class=\"toc\"><a href=\"#summary\">Summary</a> · <a href=\"#chains\">Chains</a> · "
            + "<a href=\"#findings\">Findings</a> · <a href=\"#rules\">Rules</a></nav>\n</header>\n"
    }

    func accountLabel(_ a: String?) -> String {
        guard let a else { return "no account" }
        if let name = r.setup?.accountNames[a] { return "\(a) (\(name))" }
        return a
    }

    mutating func summary() {
        out += "<section id=\"summary\"><h2>Summary</h2>\n"
        if report.findings.isEmpty {
            out += "<p>No findings.</p>\n</section>\n"
            return
        }
        out += "<div class=\"tables\"><div><table class=\"counts\"><caption>Findings by account and severity</caption>\n"
        out += "<thead><tr><th scope=\"col\">account</th><th scope=\"col\">errors</th><th scope=\"col\">warnings</th>"
            + "<th scope=\"col\">notes</th><th scope=\"col\">total</th></tr></thead><tbody>\n"
        var counts = [[Int]](repeating: [0, 0, 0], count: accounts.count)
        for (i, f) in report.findings.enumerated() {
            counts[findingAccount[i]][2 - f.severity.rank] += 1
        }
        for (i, a) in accounts.enumerated() where counts[i].reduce(0, +) > 0 {
            out += "<tr><th scope=\"row\">"
            HTMLText.append(accountLabel(a), to: &out)
            out += "</th>"
            for (k, n) in counts[i].enumerated() {
                out += "<td class=\"\(n > 0 ? "c-\(["error", "warning", "note"][k])" : "zero")\">\(n)</td>"
            }
            out += "<td>\(counts[i].reduce(0, +))</td></tr>\n"
        }
        out += "</tbody><tfoot><tr><th scope=\"row\">all</th><td>\(report.count(.error))</td><td>\(report.count(.warning))</td>"
            + "<td>\(report.count(.note))</td><td>\(report.findings.count)</td></tr></tfoot></table>\n"
        let quiet = accounts.indices.filter { counts[$0].reduce(0, +) == 0 }
        if !quiet.isEmpty {
            // Accounts the picture shows that no finding is counted under.
            out += "<p class=\"quiet-accounts\">No findings in \(ReportSupport.count(quiet.count, "other account")) of the setup: "
            for (k, i) in quiet.prefix(50).enumerated() {
                if k > 0 { out += ", " }
                HTMLText.append(accountLabel(accounts[i]), to: &out)
            }
            out += quiet.count > 50 ? " and \(quiet.count - 50) more.</p>\n" : ".</p>\n"
        }
        out += "</div>\n"

        out += "<table class=\"counts\"><caption>Findings by rule</caption>\n<thead><tr><th scope=\"col\">rule</th>"
            + "<th scope=\"col\">title</th><th scope=\"col\">errors</th><th scope=\"col\">warnings</th><th scope=\"col\">notes</th></tr></thead><tbody>\n"
        var perRule: [String: [Int]] = [:]
        for f in report.findings { perRule[f.ruleId, default: [0, 0, 0]][2 - f.severity.rank] += 1 }
        for rule in rules {
            out += "<tr><th scope=\"row\"><a href=\"#rule-\(HTMLText.token(rule))\">"
            HTMLText.append(rule, to: &out)
            out += "</a></th><td class=\"title\">"
            HTMLText.append(RuleCatalog.summary(for: rule)?.title ?? "", to: &out)
            out += "</td>"
            for (k, n) in (perRule[rule] ?? [0, 0, 0]).enumerated() {
                out += "<td class=\"\(n > 0 ? "c-\(["error", "warning", "note"][k])" : "zero")\">\(n)</td>"
            }
            out += "</tr>\n"
        }
        out += "</tbody></table></div>\n</section>\n"
    }

    // MARK: - Filters

    /// The checkboxes the filters are made of: before `.page`, so that `:checked ~ .page …` reaches everything.
    mutating func filterInputs() {
        guard !report.findings.isEmpty else { return }
        for sev in [Severity.error, .warning, .note] {
            out += "<input type=\"checkbox\" class=\"toggle\" id=\"fs-\(sev.rawValue)\" checked autocomplete=\"off\">\n"
        }
        for i in rules.indices { out += "<input type=\"checkbox\" class=\"toggle\" id=\"fr\(i)\" checked autocomplete=\"off\">\n" }
        for i in accounts.indices { out += "<input type=\"checkbox\" class=\"toggle\" id=\"fa\(i)\" checked autocomplete=\"off\">\n" }
    }

    mutating func filterCSS() {
        guard !report.findings.isEmpty else { return }
        var ids: [(input: String, cls: String)] = [Severity.error, .warning, .note].map { ("fs-\($0.rawValue)", "xs-\($0.rawValue)") }
        ids += rules.indices.map { ("fr\($0)", "xr\($0)") }
        ids += accounts.indices.map { ("fa\($0)", "xa\($0)") }
        for (input, cls) in ids {
            out += "#\(input):not(:checked)~.page .\(cls){display:none}"
            out += "#\(input):not(:checked)~.page label[for=\(input)]{opacity:.45;text-decoration:line-through}"
            out += "#\(input):focus-visible~.page label[for=\(input)]{outline:2px solid #1a73e8}\n"
        }
    }

    mutating func filterBar() {
        guard !report.findings.isEmpty else { return }
        out += "<nav class=\"filters\" aria-label=\"filters\"><p class=\"hint\">Filters (click to hide or show; they apply to the findings):</p>\n"
        out += "<div><span class=\"fl\">severity</span>"
        for sev in [Severity.error, .warning, .note] {
            out += "<label for=\"fs-\(sev.rawValue)\" class=\"chip sev-\(sev.rawValue)\">\(sev.rawValue) (\(report.count(sev)))</label>"
        }
        out += "</div>\n<div><span class=\"fl\">rule</span>"
        var perRule: [String: Int] = [:]
        for f in report.findings { perRule[f.ruleId, default: 0] += 1 }
        for (i, rule) in rules.enumerated() {
            out += "<label for=\"fr\(i)\" class=\"chip\" title=\""
            HTMLText.append(RuleCatalog.summary(for: rule)?.title ?? rule, to: &out)
            out += "\">"
            HTMLText.append(rule, to: &out)
            out += " (\(perRule[rule] ?? 0))</label>"
        }
        out += "</div>\n<div><span class=\"fl\">account</span>"
        var perAccount = [Int](repeating: 0, count: accounts.count)
        for a in findingAccount { perAccount[a] += 1 }
        for (i, a) in accounts.enumerated() where perAccount[i] > 0 {
            out += "<label for=\"fa\(i)\" class=\"chip\">"
            HTMLText.append(accountLabel(a), to: &out)
            out += " (\(perAccount[i]))</label>"
        }
        out += "</div>\n</nav>\n"
    }

    // MARK: - Chains

    mutating func chains() {
        out += "<section id=\"chains\"><h2>Chains</h2>\n"
        if graph.chains.isEmpty {
            out += "<p>No Studio → cluster → runtime role chain in these inputs, so there is nothing to draw (a chain needs a "
                + "Studio domain, user profile or Studio Classic role file, and a cluster it can reach).</p>\n</section>\n"
            return
        }
        out += "<p class=\"legend\">Accounts are columns; each arrow is a hop of the chain, labelled with what it needs. "
            + "<span class=\"bad-text\">Red, dashed arrows and red boxes</span> are what a finding at warning or error is about, "
            + "with its rule ids.</p>\n"
        let picture = HTMLChainPicture(graph: graph, accountNames: r.setup?.accountNames ?? [:])
        let drawn = chainOrder.prefix(r.maxChainPictures)
        for c in drawn {
            let chain = graph.chains[c]
            let failing = failingChains.contains(c)
            out += "<section class=\"chain\(failing ? " failing" : "")\" id=\"c\(c + 1)\"><h3>"
            out += failing ? "<span class=\"mark bad-text\">✗</span> " : "<span class=\"mark ok-text\">✓</span> "
            HTMLText.append(chain.label, to: &out)
            out += "</h3>\n<p class=\"meta\">"
            HTMLText.append(chain.option, to: &out)
            let chainRules = Array(Set(chain.edges.flatMap { graph.edges[$0].rules } + chain.nodes.flatMap { graph.nodes[$0].rules })).sorted()
            if !chainRules.isEmpty {
                out += " · fails: "
                for (k, rule) in chainRules.enumerated() {
                    if k > 0 { out += ", " }
                    out += "<a href=\"#rule-\(HTMLText.token(rule))\">"
                    HTMLText.append(rule, to: &out)
                    out += "</a>"
                }
            }
            out += "</p>\n<div class=\"picture\">"
            picture.render(chain, id: "p\(c + 1)", title: chain.label, into: &out)
            out += "</div>\n"
            let on = findingsOnChain[c] ?? []
            if !on.isEmpty {
                out += "<p class=\"on-chain\">Findings about this chain: "
                for (k, fi) in on.prefix(r.maxChainLinks).enumerated() {
                    let f = report.findings[fi]
                    if k > 0 { out += " · " }
                    out += "<a href=\"#f\(fi + 1)\" class=\"sev-\(f.severity.rawValue)\">"
                    HTMLText.append("\(f.ruleId) \(f.severity.rawValue)", to: &out)
                    out += "</a>"
                }
                if on.count > r.maxChainLinks { out += " · and \(on.count - r.maxChainLinks) more" }
                out += "</p>\n"
            }
            out += "</section>\n"
        }
        let rest = chainOrder.dropFirst(r.maxChainPictures)
        if !rest.isEmpty {
            out += "<p class=\"capped\">\(ReportSupport.count(rest.count, "more chain is", "more chains are")) not drawn: the page "
                + "draws at most \(r.maxChainPictures), the failing ones first.</p>\n<ul class=\"more-chains\">\n"
            for c in rest.prefix(r.maxChainsListed) {
                let failing = failingChains.contains(c)
                out += "<li id=\"c\(c + 1)\">\(failing ? "<span class=\"bad-text\">✗</span> " : "✓ ")"
                HTMLText.append(graph.chains[c].label, to: &out)
                out += "</li>\n"
            }
            out += "</ul>\n"
            if rest.count > r.maxChainsListed {
                out += "<p class=\"capped\">… and \(rest.count - r.maxChainsListed) more, not listed.</p>\n"
            }
        }
        out += "</section>\n"
    }

    // MARK: - Findings

    /// A group of findings: a heading and the findings, in report order.
    struct Group {
        var heading: String
        var anchor: String
        var link: String?
        var subgroups: [(heading: String, findings: [Int])]
    }

    func subjectLabel(_ s: Subject) -> String {
        switch s {
        case .entity(let e): return graph.node(for: e)?.label ?? "\(e.kind.rawValue) \(e.id)"
        case .hop(let h):
            let from = graph.node(for: h.from)?.label ?? h.from.id
            let to = graph.node(for: h.to)?.label ?? h.to.id
            let what = graph.edge(for: h)?.label ?? h.kind.rawValue
            return "\(from) → \(to) (\(what))"
        }
    }

    /// Chains first (in the order shown), then entities not on a chain, then files.
    func groups() -> (chains: [Group], entities: [Group], files: [Group]) {
        var byChain: [Int: [(order: Int, subject: Subject, finding: Int)]] = [:]
        var byEntity: [String: (label: String, findings: [Int])] = [:]
        var entityKeys: [String] = []
        var byFile: [(file: String, findings: [Int])] = []
        for (fi, f) in report.findings.enumerated() {
            var best: (rank: Int, chain: Int)?
            for s in f.subjects {
                // Each subject's chains are in the order shown: the first is its best.
                if let c = chainsOf[s]?.first, best == nil || chainRank[c]! < best!.rank { best = (chainRank[c]!, c) }
            }
            if let best {
                let chain = graph.chains[best.chain]
                // The finding's first subject on that chain, placed where the chain reaches it.
                var placed: (order: Int, subject: Subject)?
                for s in f.subjects {
                    let order: Int
                    switch s {
                    case .entity(let e):
                        guard let k = chain.nodes.firstIndex(where: { graph.nodes[$0].entity == e }) else { continue }
                        order = 2 * k
                    case .hop(let h):
                        guard let e = chain.edges.first(where: { graph.edges[$0].hop == h }) else { continue }
                        order = 2 * (graph.nodeIndex(id: graph.edges[e].to).flatMap { chain.nodes.firstIndex(of: $0) } ?? 0) - 1
                    }
                    if placed == nil || order < placed!.order { placed = (order, s) }
                }
                byChain[best.chain, default: []].append((placed!.order, placed!.subject, fi))
            } else if let s = f.subjects.first {
                if byEntity[s.key] == nil {
                    byEntity[s.key] = (subjectLabel(s), [])
                    entityKeys.append(s.key)
                }
                byEntity[s.key]!.findings.append(fi)
            } else if let last = byFile.last, last.file == f.location.file {
                byFile[byFile.count - 1].findings.append(fi)
            } else {
                byFile.append((f.location.file, [fi]))
            }
        }
        var chainGroups: [Group] = []
        for c in chainOrder {
            guard let items = byChain[c] else { continue }
            var subgroups: [(heading: String, order: Int, findings: [Int])] = []
            for item in items {
                let heading = subjectLabel(item.subject)
                if let k = subgroups.firstIndex(where: { $0.heading == heading && $0.order == item.order }) {
                    subgroups[k].findings.append(item.finding)
                } else {
                    subgroups.append((heading, item.order, [item.finding]))
                }
            }
            // Stable: where the chain reaches the subject, then first finding.
            let sorted = subgroups.enumerated().sorted { ($0.element.order, $0.offset) < ($1.element.order, $1.offset) }.map(\.element)
            chainGroups.append(Group(heading: graph.chains[c].label, anchor: "g-c\(c + 1)",
                                     link: (chainRank[c]! < r.maxChainPictures) ? "#c\(c + 1)" : nil,
                                     subgroups: sorted.map { ($0.heading, $0.findings) }))
        }
        let entityGroups = entityKeys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.enumerated().map { k, key in
            Group(heading: byEntity[key]!.label, anchor: "g-e\(k + 1)", link: nil, subgroups: [("", byEntity[key]!.findings)])
        }
        let fileGroups = byFile.enumerated().map { k, g in
            Group(heading: g.file, anchor: "g-f\(k + 1)", link: nil, subgroups: [("", g.findings)])
        }
        return (chainGroups, entityGroups, fileGroups)
    }

    mutating func findings() {
        out += "<section id=\"findings\"><h2>Findings</h2>\n"
        if report.findings.isEmpty {
            out += "<p>No findings.</p>\n</section>\n"
            return
        }
        if report.findings.count > r.maxDetailedFindings {
            out += "<p class=\"capped\">The first \(r.maxDetailedFindings) findings are shown with their source, related "
                + "locations and fix; the other \(report.findings.count - r.maxDetailedFindings) with their message only "
                + "(the JSON report has them all in full).</p>\n"
        }
        let (chainGroups, entityGroups, fileGroups) = groups()
        var shown = 0
        var fixesShown: [String: Int] = [:]
        func section(_ title: String, _ intro: String, _ groups: [Group], into page: inout Page) {
            guard !groups.isEmpty else { return }
            page.out += "<h3 class=\"part\">"
            HTMLText.append(title, to: &page.out)
            page.out += "</h3>\n<p class=\"legend\">"
            HTMLText.append(intro, to: &page.out)
            page.out += "</p>\n"
            for g in groups {
                page.out += "<section class=\"group\" id=\"\(g.anchor)\"><h4>"
                HTMLText.append(g.heading, to: &page.out)
                if let link = g.link { page.out += " <a class=\"small\" href=\"\(link)\">(picture)</a>" }
                page.out += "</h4>\n"
                for sub in g.subgroups {
                    if !sub.heading.isEmpty {
                        page.out += "<h5>"
                        HTMLText.append(sub.heading, to: &page.out)
                        page.out += "</h5>\n"
                    }
                    for fi in sub.findings {
                        let detailed = shown < page.r.maxDetailedFindings
                        page.finding(fi, detailed: detailed, fixesShown: &fixesShown)
                        shown += 1
                    }
                }
                page.out += "</section>\n"
            }
        }
        section("By chain", "Findings about a chain's entities and hops, under the first chain (as shown above) they are about.",
                chainGroups, into: &self)
        section("By entity", "Findings about an entity or hop that no chain among the inputs reaches.", entityGroups, into: &self)
        section("By file", "Findings about a file or a policy rather than an entity of the setup.", fileGroups, into: &self)
        out += "</section>\n"
    }

    mutating func finding(_ fi: Int, detailed: Bool, fixesShown: inout [String: Int]) {
        let f = report.findings[fi]
        let ruleIndex = rules.firstIndex(of: f.ruleId) ?? 0
        let sev = f.severity.rawValue
        out += "<article class=\"f xs-\(sev) xr\(ruleIndex) xa\(findingAccount[fi])\" id=\"f\(fi + 1)\">\n<p class=\"fh\">"
        out += "<span class=\"sev sev-\(sev)\">\(sev)</span> <a class=\"rid\" href=\"#rule-\(HTMLText.token(f.ruleId))\">"
        HTMLText.append(f.ruleId, to: &out)
        out += "</a> <span class=\"rt\">"
        HTMLText.append(RuleCatalog.summary(for: f.ruleId)?.title ?? "", to: &out)
        out += "</span> <a class=\"small\" href=\"#f\(fi + 1)\" aria-label=\"link to this finding\">#</a></p>\n<p class=\"loc\"><code>"
        HTMLText.append(ReportSupport.position(f.location), to: &out)
        out += "</code>"
        if let a = accounts[findingAccount[fi]] {
            out += " <span class=\"acct-tag\">account "
            HTMLText.append(accountLabel(a), to: &out)
            out += "</span>"
        }
        out += "</p>\n<p class=\"msg\">"
        HTMLText.append(f.message, to: &out)
        out += "</p>\n"
        guard detailed else {
            out += "</article>\n"
            return
        }
        if let file = files[f.location.file] { excerpt(f.location.range, in: file) }
        if !f.related.isEmpty {
            out += "<ul class=\"related\">"
            for rel in f.related.prefix(r.maxRelated) {
                out += "<li><code>"
                HTMLText.append(ReportSupport.position(rel.location), to: &out)
                out += "</code> "
                HTMLText.append(rel.message, to: &out)
                out += "</li>"
            }
            if f.related.count > r.maxRelated { out += "<li>… and \(f.related.count - r.maxRelated) more</li>" }
            out += "</ul>\n"
        }
        if let d = RuleCatalog.description(for: f.ruleId) {
            let n = fixesShown[f.ruleId, default: 0]
            fixesShown[f.ruleId] = n + 1
            out += "<div class=\"fix\"><p class=\"fix-h\">How to fix</p>"
            if n < r.maxFixesPerRule {
                HTMLText.prose(d.remediation, into: &out)
            } else {
                out += "<p>As for the other \(f.ruleId) findings: <a href=\"#rule-\(HTMLText.token(f.ruleId))\">the rule's fix</a>.</p>"
            }
            out += "</div>\n"
        }
        out += "</article>\n"
    }

    // MARK: - Source excerpt

    /// Lines around the range's first line, the range marked (to the line's end when it spans
    /// lines) and a caret line under its start. Long lines are cut to a window around the range.
    mutating func excerpt(_ range: SourceRange, in file: SourceFile) {
        let lineCount = file.lineCount
        let line = range.start.line
        guard line >= 1 && line <= lineCount else { return }
        guard let focus = focusLine(file, range) else { return }
        let startIndex = max(0, range.start.column - focus.firstColumn)   // in focus.scalars
        var endIndex = range.end.line == line ? range.end.column - focus.firstColumn : focus.scalars.count + (focus.cutAfter ? 1 : 0)
        endIndex = max(endIndex, startIndex)
        // The window of columns shown, in the focus line's scalars.
        var from = 0, to = focus.scalars.count
        if focus.scalars.count > r.maxSourceWidth {
            from = max(0, min(startIndex - r.maxSourceWidth / 4, focus.scalars.count - r.maxSourceWidth))
            to = min(focus.scalars.count, from + r.maxSourceWidth)
        }
        let first = max(1, line - r.excerptContext), last = min(lineCount, line + r.excerptContext)
        let width = String(last).count
        out += "<pre class=\"src\">"
        for n in first...last {
            let number = String(n)
            out += "<span class=\"ln\">" + String(repeating: " ", count: width - number.count) + number + "</span> "
            if n == line {
                let cutBefore = focus.cutBefore || from > 0, cutAfter = focus.cutAfter || to < focus.scalars.count
                if cutBefore { out += "…" }
                var marking = false
                for i in from..<to {
                    if i == startIndex && endIndex > startIndex { out += "<mark>"; marking = true }
                    if marking && i == endIndex { out += "</mark>"; marking = false }
                    HTMLText.appendScalar(focus.scalars[i], to: &out, unsafe: .replace)
                }
                if marking { out += "</mark>" }
                if cutAfter { out += "…" }
                out += "\n"
                // The caret line.
                out += "<span class=\"ln\">" + String(repeating: " ", count: width) + "</span> <span class=\"caret\">"
                var pad = cutBefore ? " " : ""
                for i in from..<min(startIndex, to) { pad += focus.scalars[i] == "\t" ? "\t" : " " }
                if startIndex >= to { pad += String(repeating: " ", count: startIndex - to + (cutAfter ? 1 : 0)) }
                let visibleEnd = max(min(endIndex, to), startIndex + 1)
                out += pad + "^" + String(repeating: "~", count: max(0, visibleEnd - startIndex - 1)) + "</span>\n"
            } else {
                contextLine(file, n, from: from + focus.firstColumn - 1)
            }
        }
        out += "</pre>\n"
    }

    struct LineWindow {
        var scalars: [Unicode.Scalar]
        /// The column of `scalars[0]`.
        var firstColumn: Int
        var cutBefore: Bool
        var cutAfter: Bool
    }

    /// Lines longer than this many bytes are decoded only around the finding.
    static let longLine = 16 * 1024

    /// The finding's line, or for a very long line (a minified export) the part around the finding.
    func focusLine(_ file: SourceFile, _ range: SourceRange) -> LineWindow? {
        let width = 2 * r.maxSourceWidth * 4
        return file.withLine(range.start.line) { bytes, lineStart in
            let e = bytes.count
            if e <= Self.longLine {
                return LineWindow(scalars: Array(String(decoding: bytes, as: UTF8.self).unicodeScalars),
                                  firstColumn: 1, cutBefore: false, cutAfter: false)
            }
            // The offset of the range's start in the line: the position's own, when it lies on
            // this line; else counted from the line's start.
            var focus = range.start.offset - lineStart
            if focus < 0 || focus > e {
                focus = 0
                var column = 1
                while focus < e && column < range.start.column {
                    focus += 1
                    while focus < e && bytes[focus] & 0xC0 == 0x80 { focus += 1 }
                    column += 1
                }
            }
            var a = max(0, focus - width), b = min(e, focus + width)
            while a > 0 && bytes[a] & 0xC0 == 0x80 { a -= 1 }
            while b < e && bytes[b] & 0xC0 == 0x80 { b += 1 }
            var before = 0
            for i in a..<focus where bytes[i] & 0xC0 != 0x80 { before += 1 }
            return LineWindow(scalars: Array(String(decoding: UnsafeBufferPointer(rebasing: bytes[a..<b]), as: UTF8.self).unicodeScalars),
                              firstColumn: range.start.column - before, cutBefore: a > 0, cutAfter: b < e)
        }
    }

    /// A line around the finding, cut to the same columns as the finding's line (0-based `from`).
    mutating func contextLine(_ file: SourceFile, _ n: Int, from: Int) {
        let (text, long) = file.withLine(n) { bytes, _ in
            (String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<min(bytes.count, Self.longLine)]), as: UTF8.self),
             bytes.count > Self.longLine)
        } ?? ("", false)
        let scalars = Array(text.unicodeScalars)
        let lo = min(from, scalars.count), hi = min(scalars.count, lo + r.maxSourceWidth)
        if lo > 0 { out += "…" }
        for i in lo..<hi { HTMLText.appendScalar(scalars[i], to: &out, unsafe: .replace) }
        if hi < scalars.count || long { out += "…" }
        out += "\n"
    }

    // MARK: - Rules

    mutating func ruleSection() {
        out += "<section id=\"rules\"><h2>Rules</h2>\n"
        if rules.isEmpty {
            out += "<p>No rule has findings.</p>\n</section>\n"
            return
        }
        out += "<p class=\"legend\">The rules with findings in this report, from the documentation built into rolecheck "
            + "(<code>rolecheck explain RCnnn</code> prints the same, with examples).</p>\n"
        for rule in rules {
            out += "<section class=\"rule\" id=\"rule-\(HTMLText.token(rule))\"><h3>"
            HTMLText.append(rule, to: &out)
            guard let d = RuleCatalog.description(for: rule) else {
                out += "</h3></section>\n"
                continue
            }
            out += ": "
            HTMLText.append(d.title, to: &out)
            out += "</h3>\n<p class=\"meta\">default severity <span class=\"sev sev-\(d.severity.rawValue)\">\(d.severity.rawValue)</span> · "
            HTMLText.append(d.category, to: &out)
            out += "</p>\n<h4>What it checks</h4>"
            HTMLText.prose(d.description, into: &out)
            out += "\n<h4>How to fix it</h4>"
            HTMLText.prose(d.remediation, into: &out)
            out += "\n<p class=\"refs\">"
            out += "<a href=\""
            HTMLText.append(d.helpURI, to: &out)
            out += "\">Full documentation</a>"
            for ref in d.references where ref.hasPrefix("https://") {
                out += " · <a href=\""
                HTMLText.append(ref, to: &out)
                out += "\">"
                HTMLText.append(ref.dropFirst("https://".count).split(separator: "/").first.map(String.init) ?? ref, to: &out)
                out += "</a>"
            }
            out += "</p>\n</section>\n"
        }
        out += "</section>\n"
    }

    // MARK: - Style

    static let css = """
    :root{--err:#c5221f;--warn:#b06000;--note:#1967d2;--bad:#d73a49;--ink:#202124;--muted:#5f6368;--line:#dadce0}
    *{box-sizing:border-box}
    body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);background:#f8f9fa}
    .page{max-width:1280px;margin:0 auto;padding:16px 24px 48px;background:#fff}
    h1{font-size:24px;margin:8px 0}h2{font-size:20px;border-bottom:2px solid var(--line);padding-bottom:4px;margin-top:32px}
    h3{font-size:16px;margin:20px 0 6px}h4{font-size:14px;margin:14px 0 6px}h5{font-size:13px;margin:12px 0 4px;color:var(--muted);font-weight:600}
    a{color:#1a0dab}code,pre{font:12.5px/1.4 ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,Consolas,monospace}
    pre{background:#f6f8fa;border:1px solid #eaecef;border-radius:4px;padding:8px 10px;overflow-x:auto;tab-size:4;margin:6px 0}
    .toggle{position:absolute;opacity:0;width:1px;height:1px;pointer-events:none}
    .sev{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;color:#fff}
    .sev-error.sev{background:var(--err)}.sev-warning.sev{background:var(--warn)}.sev-note.sev{background:var(--note)}
    .sev.zero{opacity:.35}.verdict{font-size:15px}
    .toc a{margin:0 2px}.small{font-size:12px;color:var(--muted)}
    .filters{position:sticky;top:0;z-index:2;background:#fff;border:1px solid var(--line);border-radius:6px;padding:6px 10px;margin:12px 0}
    .filters div{margin:3px 0}.filters .hint{margin:0 0 4px;color:var(--muted);font-size:12px}
    .fl{display:inline-block;width:70px;color:var(--muted);font-size:12px}
    .chip{display:inline-block;border:1px solid var(--line);border-radius:12px;padding:1px 9px;margin:2px 4px 2px 0;cursor:pointer;font-size:12.5px;user-select:none;background:#f1f3f4}
    .chip.sev-error{border-color:var(--err);color:var(--err)}.chip.sev-warning{border-color:var(--warn);color:var(--warn)}.chip.sev-note{border-color:var(--note);color:var(--note)}
    .tables{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}.quiet-accounts{max-width:420px;font-size:12.5px;color:var(--muted)}
    table.counts{border-collapse:collapse;font-size:13px}table.counts caption{text-align:left;font-weight:600;padding:4px 0}
    .counts th,.counts td{border:1px solid var(--line);padding:3px 10px;text-align:right}.counts th[scope=row],.counts .title{text-align:left}
    .counts thead th{background:#f1f3f4}.counts tfoot{font-weight:600}.counts .zero{color:#bbb}
    .counts .c-error{color:var(--err);font-weight:600}.counts .c-warning{color:var(--warn);font-weight:600}.counts .c-note{color:var(--note)}
    .chain{border:1px solid var(--line);border-radius:6px;padding:4px 14px 10px;margin:14px 0}.chain.failing{border-color:var(--bad);border-left-width:5px}
    .chain h3{margin:8px 0 2px;font-size:14.5px}.meta{margin:2px 0 6px;color:var(--muted);font-size:12.5px}
    .bad-text{color:var(--bad);font-weight:700}.ok-text{color:#188038;font-weight:700}
    .picture{overflow-x:auto}.chain-svg{max-width:100%;height:auto;font:12px system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
    .chain-svg .lane{fill:#f8f9fa;stroke:#e8eaed}.chain-svg .acct{fill:var(--muted);font-weight:600}
    .chain-svg .node rect{fill:#fff;stroke:#80868b;stroke-width:1}.chain-svg .node text{fill:var(--ink)}
    .chain-svg .k-studio rect{fill:#e8f0fe}.chain-svg .k-accessRole rect{fill:#fef7e0}.chain-svg .k-cluster rect{fill:#e6f4ea}
    .chain-svg .k-securityConfiguration rect{fill:#f3e8fd}.chain-svg .k-instanceProfileRole rect{fill:#fff4e5}
    .chain-svg .k-runtimeRole rect{fill:#fce8f3}.chain-svg .k-lakeFormation rect{fill:#e4f7fb}.chain-svg .k-bucket rect{fill:#f1f3f4}
    .chain-svg .node.bad rect{stroke:var(--bad);stroke-width:2.5}.chain-svg .rules{fill:var(--bad);font-weight:700}
    .chain-svg .edge path{fill:none;stroke:#5f6368;stroke-width:1.5}.chain-svg .edge polygon{fill:#5f6368}
    .chain-svg .edge.bad path{stroke:var(--bad);stroke-width:2.5;stroke-dasharray:7 4}.chain-svg .edge.bad polygon{fill:var(--bad)}
    .chain-svg .el{font-size:11px;fill:#3c4043;paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}
    .chain-svg .el.rules{font-size:11.5px;fill:var(--bad)}
    .on-chain{font-size:12.5px;margin:4px 0}.on-chain .sev-error{color:var(--err)}.on-chain .sev-warning{color:var(--warn)}.on-chain .sev-note{color:var(--note)}
    .capped{color:var(--warn);font-style:italic}.more-chains{font-size:12.5px}
    .part{font-size:17px;margin-top:26px}.legend{color:var(--muted);font-size:12.5px;margin:2px 0 8px}
    .group{margin:10px 0 18px}.group>h4{background:#f1f3f4;padding:4px 8px;border-radius:4px}
    .f{border:1px solid var(--line);border-left:4px solid var(--line);border-radius:4px;padding:6px 12px;margin:8px 0}
    .f.xs-error{border-left-color:var(--err)}.f.xs-warning{border-left-color:var(--warn)}.f.xs-note{border-left-color:var(--note)}
    .f p{margin:3px 0}.fh .rid{font-weight:700;margin-left:4px}.fh .rt{color:var(--muted)}.loc code{background:#f1f3f4;padding:0 4px;border-radius:3px}
    .acct-tag{font-size:12px;color:var(--muted);margin-left:6px}.msg{white-space:pre-wrap;overflow-wrap:anywhere}
    .src .ln{color:#9aa0a6;user-select:none}.src mark{background:#fde293;color:inherit;border-radius:2px}.src .caret{color:#188038;font-weight:700}
    .related{margin:4px 0;padding-left:20px;font-size:12.5px;color:#3c4043}.related li{overflow-wrap:anywhere}
    .fix{background:#f6fbf7;border:1px solid #ceead6;border-radius:4px;padding:2px 10px;margin:6px 0;font-size:13px}
    .fix-h{font-weight:600;color:#188038}.fix pre{background:#fff}
    .rule{border-top:1px solid var(--line);padding-top:4px}.rule h3{font-size:15px}.refs{font-size:12.5px}
    footer{margin-top:40px;color:var(--muted);font-size:12px;border-top:1px solid var(--line)}
    @media print{.filters,.toc{display:none}.page{max-width:none}}

    """
}
