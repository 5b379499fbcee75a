import FuzzSupport
import RoleCheckKit

// The whole pipeline on one document: recognise, model, every rule, then every reporter. The first
// byte picks the file name (and so the format the loader assumes); the rest is the content.
// Checks: each finding's range is inside the file, the JSON and GitLab reports are JSON, the JUnit
// report holds only characters XML 1.0 allows, the HTML report opens no markup from the input, and
// linting twice gives byte-identical JSON (the output is deterministic).
private let names = ["input.json", "input.yaml", "template.yaml", "plan.json", "rolecheck-input", "trust-policy.json",
                     "111122223333-data/get-account-authorization-details.json", "stack.template.json"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLint(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let name = names[Int(data[0]) % names.count]
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let file = SourceFile(path: name, bytes: bytes)
    var options = LintOptions()
    options.limits.maxAliasExpansion = 20_000
    options.limits.maxDocumentsPerStream = 200
    options.today = CalendarDate(year: 2026, month: 1, day: 1)!
    let linter = Linter(options: options)
    let (report, setup) = linter.analyze(inputs: [.file(file)])
    for finding in report.findings {
        let r = finding.location.range
        guard r.start.offset >= 0, r.start.offset <= r.end.offset, r.end.offset <= bytes.count else {
            fatalError("\(finding.ruleId) range \(r.start.offset)..<\(r.end.offset) outside \(bytes.count) bytes")
        }
        guard !finding.message.isEmpty else { fatalError("\(finding.ruleId) without a message") }
    }
    let json = JSONReporter().render(report)
    // SARIF once: most of its bytes are the rule metadata, the same for every input.
    _ = SARIFReporter().render(report)
    _ = TextReporter(color: true).render(report)
    let graph = SetupGraph.build(setup, findings: report.findings)
    _ = GitHubReporter().render(report, graph: graph)
    // The HTML page: no input text may open an element there.
    let html = HTMLReporter().render(report, graph: graph)
    if html.contains("<script") || html.contains("<!--") || html.contains("]]>") {
        fatalError("input text opened markup in the HTML report")
    }
    // Our JSON output must be JSON by our own strict parser.
    if case .failure(let error) = JSONParser.parse(file: SourceFile(path: "report.json", text: json)) {
        fatalError("the JSON report is not JSON: \(error.message) at \(error.offset)")
    }
    // The CI formats: GitLab's report is JSON; the JUnit report holds only characters XML 1.0 allows.
    let gitlab = GitLabReporter(root: "/").render(report)
    if case .failure(let error) = JSONParser.parse(file: SourceFile(path: "gitlab.json", text: gitlab)) {
        fatalError("the GitLab report is not JSON: \(error.message) at \(error.offset)")
    }
    let junit = JUnitReporter(failureThreshold: .warning).render(report)
    if let bad = junit.unicodeScalars.first(where: { u in
        !(u == "\t" || u == "\n" || u == "\r" || (0x20...0xD7FF).contains(u.value) || (0xE000...0xFFFD).contains(u.value)
          || u.value >= 0x10000)
    }) {
        fatalError("the JUnit report holds U+\(String(bad.value, radix: 16)), which XML 1.0 cannot")
    }
    let again = linter.lint(files: [SourceFile(path: name, bytes: bytes)])
    if JSONReporter().render(again) != json {
        fatalError("two runs on the same bytes gave different reports")
    }
    return 0
}
