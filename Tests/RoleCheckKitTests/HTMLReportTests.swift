import Foundation
import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckModel
@testable import RoleCheckRules
@testable import RoleCheckEngine
@testable import RoleCheckReporting

/// `rolecheck lint --format html` (`swift test --filter HTML`): one self-contained page with the
/// summary, the chains drawn from the setup graph, and the findings.
@Suite struct HTMLReportTests {
    // MARK: - Helpers

    /// A rendered page; failed expectations print its size, not its text.
    struct Page: CustomStringConvertible {
        let text: String
        var description: String { "<page of \(text.utf8.count) bytes>" }
        func has(_ s: String) -> Bool { text.contains(s) }
        func count(_ s: String) -> Int { text.ranges(of: s).count }
        func range(of s: String) -> Range<String.Index>? { text.firstRange(of: s) }
    }

    static func analyze(_ files: [SourceFile]) -> (report: LintReport, graph: SetupGraph) {
        let (report, setup) = Linter().analyze(inputs: files.map { .file($0) })
        return (report, SetupGraph.build(setup, findings: report.findings))
    }

    static func html(_ folder: String, _ reporter: HTMLReporter = HTMLReporter()) throws -> (Page, LintReport, SetupGraph) {
        let (report, graph) = analyze(try OrderIndependenceTests.files(of: folder))
        return (Page(text: reporter.render(report, graph: graph)), report, graph)
    }

    /// How often `needle` occurs in `s`.
    static func count(_ needle: String, in s: String) -> Int {
        s.ranges(of: needle).count
    }

    /// Every tag of the page: its name and attribute names, read the way an HTML tokenizer reads
    /// them (a quoted value runs to its closing quote). Unquoted values and stray quotes are
    /// reported as a problem: the reporter always quotes.
    static func tags(_ html: String) -> (tags: [(name: String, attributes: [(String, String)])], problems: [String]) {
        var tags: [(String, [(String, String)])] = []
        var problems: [String] = []
        let s = Array(html.unicodeScalars)
        var i = 0
        func isNameChar(_ u: Unicode.Scalar) -> Bool {
            (u.isASCII && u.properties.isAlphabetic) || ("0"..."9").contains(u) || u == "-" || u == ":" || u == "_"
        }
        var inRawText = false
        while i < s.count {
            guard s[i] == "<" else { i += 1; continue }
            i += 1
            if i < s.count && s[i] == "!" {
                // <!DOCTYPE html> only; comments are not written.
                let end = s[i...].firstIndex(of: ">") ?? s.count
                let text = String(String.UnicodeScalarView(s[i..<end]))
                if text != "!DOCTYPE html" { problems.append("<\(text)>") }
                i = end + 1
                continue
            }
            var closing = false
            if i < s.count && s[i] == "/" { closing = true; i += 1 }
            var name = ""
            while i < s.count && isNameChar(s[i]) { name.unicodeScalars.append(s[i]); i += 1 }
            if name.isEmpty { problems.append("a '<' that opens no tag at \(i)"); continue }
            if inRawText && !(closing && name == "style") { continue }
            var attributes: [(String, String)] = []
            while i < s.count && s[i] != ">" {
                if s[i] == " " || s[i] == "/" || s[i] == "\n" { i += 1; continue }
                var attr = ""
                while i < s.count && isNameChar(s[i]) { attr.unicodeScalars.append(s[i]); i += 1 }
                if attr.isEmpty { problems.append("stray \(s[i]) in <\(name)>"); i += 1; continue }
                var value = ""
                if i < s.count && s[i] == "=" {
                    i += 1
                    guard i < s.count, s[i] == "\"" else { problems.append("unquoted value of \(attr) in <\(name)>"); continue }
                    i += 1
                    while i < s.count && s[i] != "\"" { value.unicodeScalars.append(s[i]); i += 1 }
                    i += 1
                }
                attributes.append((attr, value))
            }
            i += 1
            if !closing { tags.append((name, attributes)) }
            if name == "style" { inRawText = !closing }
        }
        return (tags, problems)
    }

    static let allowedTags: Set<String> = [
        "html", "head", "meta", "title", "style", "body", "input", "div", "header", "nav", "section", "article", "footer",
        "h1", "h2", "h3", "h4", "h5", "p", "span", "a", "label", "code", "pre", "mark", "strong", "ul", "li",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "svg", "g", "rect", "text", "path", "polygon",
    ]
    static let allowedAttributes: Set<String> = [
        "lang", "charset", "http-equiv", "content", "name", "type", "class", "id", "checked", "autocomplete", "href", "for",
        "title", "scope", "aria-label", "aria-labelledby", "role", "viewBox", "width", "height", "x", "y", "rx", "d",
        "points", "text-anchor",
    ]

    // MARK: - Structure

    @Test func theSummaryCountsWhatTheFindingsAre() throws {
        for folder in ["samples/setups/broken/trust-names-ec2-service", "samples/setups/broken/missing-lake-formation-permissions",
                       "samples/broken-input", "samples/setups/option1-classic"] {
            let (html, report, _) = try Self.html(folder)
            #expect(!report.findings.isEmpty, "\(folder) has findings")
            // Each finding once, in an article of its severity.
            #expect(html.count("<article class=\"f ") == report.findings.count, "\(folder)")
            for sev in Severity.allCases {
                #expect(html.count("<article class=\"f xs-\(sev.rawValue) ") == report.count(sev), "\(folder) \(sev)")
                #expect(html.has("<label for=\"fs-\(sev.rawValue)\" class=\"chip sev-\(sev.rawValue)\">\(sev.rawValue) (\(report.count(sev)))</label>"))
            }
            for i in 1...report.findings.count {
                #expect(html.count(" id=\"f\(i)\">") == 1, "\(folder): finding \(i) is not on the page once")
            }
            // The totals row of the account table.
            let totals = "<tfoot><tr><th scope=\"row\">all</th><td>\(report.count(.error))</td><td>\(report.count(.warning))</td>"
                + "<td>\(report.count(.note))</td><td>\(report.findings.count)</td></tr></tfoot>"
            #expect(html.has(totals), "\(folder)")
            // One rule section per rule with findings, each linked from its findings.
            for rule in Set(report.findings.map(\.ruleId)) {
                #expect(html.count("id=\"rule-\(rule)\"") == 1)
                #expect(html.count("<a class=\"rid\" href=\"#rule-\(rule)\">\(rule)</a>")
                        == report.findings.filter { $0.ruleId == rule }.count)
            }
        }
    }

    @Test func theAccountTableAddsUpPerAccount() throws {
        let (html, report, _) = try Self.html("samples/setups/broken/trust-names-ec2-service")
        // RC305 is in the data account's iam.json; the RC400 notes in the Studio account's file.
        let data = report.findings.filter { $0.location.file.contains("444455556666-data/") }
        let studio = report.findings.filter { $0.location.file.contains("111122223333-studio/") }
        #expect(data.count + studio.count == report.findings.count)
        func row(_ account: String, _ fs: [Finding]) -> String {
            let e = fs.filter { $0.severity == .error }.count, w = fs.filter { $0.severity == .warning }.count,
                n = fs.filter { $0.severity == .note }.count
            func cell(_ v: Int, _ cls: String) -> String { "<td class=\"\(v > 0 ? "c-" + cls : "zero")\">\(v)</td>" }
            return "<tr><th scope=\"row\">\(account)</th>\(cell(e, "error"))\(cell(w, "warning"))\(cell(n, "note"))<td>\(fs.count)</td></tr>"
        }
        #expect(html.has(row("444455556666", data)))
        #expect(html.has(row("111122223333", studio)))
        #expect(data.contains { $0.ruleId == "RC305" && $0.severity == .error })
    }

    @Test func findingsAreGroupedByChainThenEntityThenFile() throws {
        let (html, report, graph) = try Self.html("samples/setups/broken/trust-names-ec2-service")
        let rc305 = try #require(report.findings.firstIndex { $0.ruleId == "RC305" })
        // Under the failing chain, below its hop's heading.
        let failing = try #require(graph.chains.firstIndex(where: graph.isFailing))
        let group = try #require(html.range(of: "<section class=\"group\" id=\"g-c\(failing + 1)\">"))
        let hopHeading = try #require(html.range(of: "<h5>instance-profile role EMR_EC2_RuntimeRolesRole → runtime role emr-runtime-ml-analyst"))
        let article = try #require(html.range(of: "id=\"f\(rc305 + 1)\">"))
        #expect(group.lowerBound < hopHeading.lowerBound && hopHeading.lowerBound < article.lowerBound)
        // The chain's picture links to it.
        let picture = try #require(html.range(of: "<section class=\"chain failing\" id=\"c\(failing + 1)\">"))
        let link = try #require(html.range(of: "<a href=\"#f\(rc305 + 1)\" class=\"sev-error\">RC305 error</a>"))
        #expect(picture.lowerBound < link.lowerBound && link.lowerBound < group.lowerBound)

        // Files only: every finding under "By file", one group per file.
        let (plain, plainReport, _) = try Self.html("samples/broken-input")
        #expect(!plain.has("By chain") && plain.has("By file"))
        #expect(plain.count("<section class=\"group\" id=\"g-f") == Set(plainReport.findings.map(\.location.file)).count)
    }

    @Test func eachFindingHasItsExcerptWithTheColumnMarkedAndItsFix() throws {
        let (html, report, _) = try Self.html("samples/setups/broken/trust-names-ec2-service")
        let i = try #require(report.findings.firstIndex { $0.ruleId == "RC305" })
        let f = report.findings[i]
        #expect(f.location.range.start.line == 133 && f.location.range.start.column == 40)
        let start = try #require(html.range(of: "id=\"f\(i + 1)\">"))
        let end = try #require(html.text[start.upperBound...].firstRange(of: "</article>"))
        let article = String(html.text[start.upperBound..<end.lowerBound])
        #expect(article.contains("<code>samples/setups/broken/trust-names-ec2-service/444455556666-data/iam.json:133:40</code>"))
        #expect(article.contains("<p class=\"msg\">runtime role emr-runtime-ml-analyst trusts the EC2 service"))
        // Lines 131–135, line 133 with the value marked and a caret under its first character.
        #expect(article.contains("<span class=\"ln\">131</span>") && article.contains("<span class=\"ln\">135</span>"))
        #expect(!article.contains("<span class=\"ln\">130</span>") && !article.contains("<span class=\"ln\">136</span>"))
        #expect(article.contains("&quot;Service&quot;: <mark>&quot;ec2.amazonaws.com&quot;</mark>"))
        let caret = try #require(article.split(separator: "\n").first { $0.contains("class=\"caret\"") })
        let carets = caret.split(separator: ">")[3].prefix { $0 != "<" }
        #expect(carets.prefix { $0 == " " }.count == 39, "the caret is under column 40: \(caret)")
        #expect(carets.drop { $0 == " " } == "^" + String(repeating: "~", count: "\"ec2.amazonaws.com\"".count - 1))
        // The rule's fix, from the embedded metadata.
        #expect(article.contains("<p class=\"fix-h\">How to fix</p><p>Replace the principal with the instance-profile role&#39;s ARN"))
        #expect(html.has("<section class=\"rule\" id=\"rule-RC305\"><h3>RC305: Runtime role trusts EC2 or the EMR service role instead of the instance-profile role</h3>"))
    }

    @Test func aFindingOnAVeryLongLineShowsOnlyAWindowOfIt() throws {
        // A minified policy: one 200 KB line, the finding near its end.
        var statements: [String] = []
        for k in 0..<2_000 { statements.append("{\"Sid\":\"S\(k)\",\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b\(k)/*\"}") }
        statements.append("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObjectt\",\"Resource\":\"*\"}")
        let text = "{\"Version\":\"2012-10-17\",\"Statement\":[" + statements.joined(separator: ",") + "]}"
        let report = TestSupport.lint([("minified.json", text)])
        let i = try #require(report.findings.firstIndex { $0.message.contains("GetObjectt") })
        let f = report.findings[i]
        let html = HTMLReporter().render(report, graph: SetupGraph())
        let article = try #require(html.firstRange(of: "id=\"f\(i + 1)\">").map { html[$0.upperBound...] })
        let pre = try #require(article.firstRange(of: "<pre class=\"src\">").flatMap { s in
            article[s.lowerBound...].firstRange(of: "</pre>").map { String(article[s.lowerBound..<$0.upperBound]) }
        })
        #expect(pre.count < 1_000, "\(pre.count) characters for one windowed line")
        #expect(pre.hasPrefix("<pre class=\"src\"><span class=\"ln\">1</span> …"), "the line is cut before the window")
        #expect(pre.contains("&quot;Action&quot;:<mark>&quot;s3:GetObjectt&quot;</mark>"), "\(pre)")
        #expect(f.location.range.start.line == 1)
    }

    // MARK: - Pictures

    @Test func failingHopsAreDrawnRedWithTheirRuleIds() throws {
        let (html, _, graph) = try Self.html("samples/setups/broken/missing-tag-session")
        let edge = try #require(graph.edges.first { $0.hop.kind == .assumeRuntimeRole })
        #expect(edge.rules == ["RC302"])
        #expect(html.has("<g class=\"edge bad\">"))
        #expect(html.has("<text class=\"el rules\"") && html.has(">✗ RC302</text>"))
        // Each drawn chain has one arrow per hop of the graph, red exactly where the graph marks one.
        for (c, chain) in graph.chains.enumerated() {
            let svg = try #require(Self.svg(of: c, in: html.text))
            #expect(Self.count("<g class=\"edge", in: svg) == chain.edges.count)
            #expect(Self.count("<g class=\"edge bad\">", in: svg) == chain.edges.filter { !graph.edges[$0].rules.isEmpty }.count)
            #expect(Self.count("<g class=\"node", in: svg) == chain.nodes.count)
            for e in chain.edges { #expect(svg.contains(HTMLText.escape(HTMLText.wrap(graph.edges[e].label, width: 30, maxLines: 3)[0]))) }
        }

        // A working setup: nothing red.
        let (ok, _, okGraph) = try Self.html("samples/setups/same-account-jupyterlab")
        #expect(!okGraph.chains.isEmpty)
        #expect(ok.count("<svg class=\"chain-svg\"") == okGraph.chains.count)
        #expect(!ok.has("edge bad") && !ok.has("node bad") && !ok.has("chain failing"))
    }

    @Test func everyBrokenSampleShowsEachChainRuleOnAPicture() throws {
        for scenario in GraphTests.brokenScenarios() {
            let (html, report, graph) = try Self.html(scenario)
            for f in report.findings where GraphTests.isChainFamily(f.ruleId) && f.severity >= .warning && f.subjects.contains(where: graph.shows) {
                #expect(html.has("✗ \(f.ruleId)") || html.has(", \(f.ruleId)"), "\(scenario): \(f.ruleId) is not on a picture")
            }
        }
    }

    /// The `<svg>` of chain `c` (0-based).
    static func svg(of c: Int, in html: String) -> String? {
        guard let section = html.firstRange(of: "id=\"c\(c + 1)\">"),
              let from = html[section.upperBound...].firstRange(of: "<svg "),
              let to = html[from.lowerBound...].firstRange(of: "</svg>") else { return nil }
        return String(html[from.lowerBound..<to.upperBound])
    }

    @Test func picturesAreCappedFailingFirstAndThePageSaysSo() throws {
        var reporter = HTMLReporter()
        reporter.maxChainPictures = 1
        let (html, _, graph) = try Self.html("samples/setups/broken/trust-names-ec2-service", reporter)
        #expect(graph.chains.count == 2)
        #expect(html.count("<svg class=\"chain-svg\"") == 1)
        let failing = try #require(graph.chains.firstIndex(where: graph.isFailing))
        #expect(html.has("<section class=\"chain failing\" id=\"c\(failing + 1)\">"))
        #expect(html.has("1 more chain is not drawn: the page draws at most 1, the failing ones first."))

        reporter.maxDetailedFindings = 1
        let (small, report, _) = try Self.html("samples/setups/broken/trust-names-ec2-service", reporter)
        #expect(small.count("<pre class=\"src\">") == 1)
        #expect(small.has("the other \(report.findings.count - 1) with their message only"))
    }

    // MARK: - Hostile input, determinism, self-containment

    /// Markup, quotes, `&` and `]]>`: as a role name (IAM would refuse it; rolecheck must still
    /// show it safely), in a folder name, and as a file name and policy values.
    static let hostileName = "x<b onmouseover=alert(1)>&amp;'\"]]><!--"
    static let hostileScript = "<script>alert(1)</script>\"'&]]>"

    static func json(_ s: String) -> String { s.replacing("\"", with: "\\\"") }

    /// A broken sample whose runtime role, folder and a policy carry hostile text.
    static func hostileFiles() throws -> [SourceFile] {
        var files = try OrderIndependenceTests.files(of: "samples/setups/broken/missing-tag-session").map { f in
            let text = String(decoding: f.bytes, as: UTF8.self).replacing("emr-runtime-partner-analyst", with: "emr-" + json(hostileName))
            let path = f.path.replacing("444455556666-data", with: "444455556666-" + hostileName)
            return SourceFile(path: path, text: text)
        }
        let value = json(hostileScript)
        files.append(SourceFile(path: "policies/" + hostileScript + ".json", text: """
            {"Version": "2012-10-17", "Statement": [{"Sid": "\(value)", "Effect": "Allow",
              "Action": "s3:\(value)", "Resource": "*", "\(value)": 1}]}
            """))
        return files
    }

    @Test func everyStringFromTheInputsIsEscaped() throws {
        let (report, graph) = Self.analyze(try Self.hostileFiles())
        // The hostile text reached the findings and the picture, so escaping is what is tested.
        #expect(report.findings.contains { $0.location.file.contains(Self.hostileName) })
        #expect(report.findings.contains { $0.location.file.contains(Self.hostileScript) })
        #expect(report.findings.contains { $0.message.contains("<script>") })
        #expect(graph.nodes.contains { $0.label.contains(Self.hostileName) })
        #expect(graph.edges.contains { !$0.rules.isEmpty })
        let html = Page(text: HTMLReporter().render(report, graph: graph))

        for raw in ["<script", "</script", "<b ", "]]>", "<!--", "&amp;'"] {
            #expect(!html.has(raw), "\(raw) reached the page unescaped")
        }
        let name = "x&lt;b onmouseover=alert(1)&gt;&amp;amp;&#39;&quot;]]&gt;&lt;!--"
        let script = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;]]&gt;"
        #expect(html.has("444455556666-" + name + "/iam.json"), "the folder name, escaped")
        #expect(html.has("policies/" + script + ".json"), "the file name, escaped")
        #expect(html.has("runtime role emr-" + name), "the role's label, escaped")
        #expect(html.has("s3:" + script), "the policy value, escaped")
        // In the SVG too (labels are wrapped there, so look for a piece).
        let svg = try #require(Self.svg(of: 0, in: html.text))
        #expect(svg.contains("&lt;b onmouseover=alert(1)&gt;"))

        // No attribute or element was opened by the input: every tag and attribute is one the
        // reporter writes.
        let (tags, problems) = Self.tags(html.text)
        #expect(problems.isEmpty, "\(problems)")
        for t in tags {
            #expect(Self.allowedTags.contains(t.name), "unexpected <\(t.name)>")
            for (a, _) in t.attributes { #expect(Self.allowedAttributes.contains(a), "unexpected \(a)= in <\(t.name)>") }
        }
    }

    @Test func controlAndBidiCharactersAreShownNotObeyed() throws {
        let name = "a\u{202E}gpj.json\u{1B}[31m"
        let report = TestSupport.lint([(name, "{\"k\": 1, \"k\": 2}\u{202E}")])
        let html = Page(text: HTMLReporter().render(report, graph: SetupGraph()))
        #expect(!html.text.unicodeScalars.contains { $0 == "\u{202E}" || $0 == "\u{1B}" })
        #expect(html.has("a\\u{202E}gpj.json\\u{1B}[31m"))
    }

    @Test func theSameInputGivesTheSameBytes() throws {
        for folder in ["samples/setups/broken/trust-names-ec2-service", "samples/setups/option2-jupyterlab", "samples/broken-input"] {
            let files = try OrderIndependenceTests.files(of: folder)
            let a = Self.analyze(files), b = Self.analyze(files.reversed())
            let first = HTMLReporter().render(a.report, graph: a.graph)
            let again = first == HTMLReporter().render(a.report, graph: a.graph)
            let reordered = first == HTMLReporter().render(b.report, graph: b.graph)
            #expect(again, "\(folder): two renderings differ")
            #expect(reordered, "\(folder): the input order changed the page")
        }
    }

    @Test func thePageLoadsNothing() throws {
        for folder in CLITests.sampleScenarios {
            let (html, _, _) = try Self.html(folder)
            #expect(html.text.hasPrefix("<!DOCTYPE html>\n"))
            #expect(html.has("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"))
            let lower = Page(text: html.text.lowercased())
            for banned in ["<script", "<link", "<img", "<iframe", "<object", "<embed", "<image", "<use", "<foreignobject",
                           "src=", "srcset=", "@import", "url(", "xlink:href", "@font-face"] {
                #expect(!lower.has(banned), "\(folder): \(banned)")
            }
            for t in Self.tags(html.text).tags {
                for (name, value) in t.attributes where name == "href" {
                    #expect(t.name == "a", "\(folder): href on <\(t.name)>")
                    #expect(value.hasPrefix("#") || value.hasPrefix("https://"), "\(folder): href=\(value)")
                }
            }
        }
    }

    // MARK: - GitHub step summary

    @Test func theStepSummaryDrawsTheFailingChainsOnly() throws {
        let (report, graph) = Self.analyze(try OrderIndependenceTests.files(of: "samples/setups/broken/trust-names-ec2-service"))
        let summary = GitHubReporter().render(report, graph: graph).summary
        let block = try #require(summary.firstRange(of: "```mermaid\n").flatMap { s in
            summary[s.upperBound...].firstRange(of: "```\n").map { String(summary[s.upperBound..<$0.lowerBound]) }
        })
        #expect(block.hasPrefix("flowchart LR\n"))
        #expect(block.contains("-.->|\"✗ RC305"))
        // Only the failing chain: the working runtime role of the other chain is not drawn.
        #expect(!block.contains("emr-runtime-ml-engineer") && block.contains("emr-runtime-ml-analyst"))
        #expect(summary.contains("### Failing chains"))
        // Before the table of findings.
        #expect(summary.firstRange(of: "```mermaid")!.lowerBound < summary.firstRange(of: "| Severity | Rule |")!.lowerBound)
        // Without the graph, as before.
        #expect(!GitHubReporter().render(report).summary.contains("mermaid"))

        // A working setup has chains but none failing: no picture.
        let (ok, okGraph) = Self.analyze(try OrderIndependenceTests.files(of: "samples/setups/same-account-classic"))
        #expect(!okGraph.chains.isEmpty && okGraph.failingChains.isEmpty)
        #expect(!GitHubReporter().render(ok, graph: okGraph).summary.contains("mermaid"))
    }

    @Test func theStepSummaryPictureIsBounded() throws {
        let (report, graph) = Self.analyze(try OrderIndependenceTests.files(of: "samples/setups/broken/trust-names-ec2-service"))
        var reporter = GitHubReporter()
        reporter.mermaidByteLimit = 100
        let summary = reporter.render(report, graph: graph).summary
        #expect(!summary.contains("mermaid"))
        #expect(summary.contains("1 chain fails; the picture would be too large for the summary"))
        // Within the summary's own limit, with the picture.
        let small = GitHubReporter(summaryByteLimit: 3_000).render(report, graph: graph).summary
        #expect(small.utf8.count <= 3_000)
    }

    @Test func aLabelCannotCloseTheMermaidFence() throws {
        let files = try OrderIndependenceTests.files(of: "samples/setups/broken/missing-tag-session").map { f in
            SourceFile(path: f.path, text: String(decoding: f.bytes, as: UTF8.self)
                .replacing("emr-runtime-partner-analyst", with: "r\\r\\n```\\n![x](https://example.com/x.png)````"))
        }
        let (report, graph) = Self.analyze(files)
        #expect(graph.nodes.contains { $0.label.contains("```") })
        let summary = GitHubReporter().render(report, graph: graph).summary
        #expect(summary.contains("`````mermaid\n"))
        // No line of the block is a fence but the last.
        let lines = summary.split(separator: "\n", omittingEmptySubsequences: false)
        let open = try #require(lines.firstIndex(of: "`````mermaid"))
        let close = try #require(lines[(open + 1)...].firstIndex { $0.hasPrefix("```") })
        #expect(lines[close] == "`````")
        #expect(lines[open..<close].allSatisfy { !$0.contains("\r") })
    }

    @Test func githubFormatPutsThePictureInTheStepSummaryFile() throws {
        let cli = CLITests()
        let path = NSTemporaryDirectory() + "rolecheck-mermaid-\(getpid()).md"
        defer { try? FileManager.default.removeItem(atPath: path) }
        for (folder, status, drawn) in [("samples/setups/broken/missing-tag-session", Int32(1), true),
                                        ("samples/setups/option1-jupyterlab", 0, false)] {
            try? FileManager.default.removeItem(atPath: path)
            let r = try cli.run(["lint", folder, "--format", "github"], env: ["GITHUB_STEP_SUMMARY": path])
            #expect(r.status == status, "\(folder): \(r.stderr)")
            let summary = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            #expect(summary.contains("```mermaid\n") == drawn, "\(folder)")
            #expect(summary.contains("✗ RC302") == drawn, "\(folder)")
        }
    }

    // MARK: - CLI

    @Test func lintWritesTheHTMLReportWithTheSameExitCode() throws {
        let cli = CLITests()
        let path = NSTemporaryDirectory() + "rolecheck-html-\(getpid()).html"
        defer { try? FileManager.default.removeItem(atPath: path) }
        for (folder, status) in [("samples/setups/broken/trust-names-ec2-service", Int32(1)), ("samples/setups/same-account-classic", 0)] {
            let text = try cli.run(["lint", folder])
            let html = try cli.run(["lint", folder, "--format", "html", "--output", path])
            #expect(text.status == status && html.status == status, "\(folder): \(html.stderr)")
            #expect(html.stdout.isEmpty)
            let written = try String(contentsOfFile: path, encoding: .utf8)
            #expect(written.hasPrefix("<!DOCTYPE html>") && written.hasSuffix("</html>\n"))
            #expect(written.contains("<svg class=\"chain-svg\""))
        }
        let never = try cli.run(["lint", "samples/setups/broken/trust-names-ec2-service", "--format", "html", "--fail-on", "never"])
        #expect(never.status == 0 && never.stdout.contains("✗ RC305"))
    }
}
