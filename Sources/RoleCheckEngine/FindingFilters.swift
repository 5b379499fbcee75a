import RoleCheckCore
import RoleCheckDocuments
import RoleCheckIAM
import RoleCheckModel
import RoleCheckRules

/// What happens to the rules' findings before they are reported, in this order:
///
/// 1. the configuration's `rules`: a rule that is `off` reports nothing; a severity replaces the
///    severity of every finding of the rule;
/// 2. suppressions: `# rolecheck:ignore` comments in YAML files, then the configuration's
///    `suppressions`; unused, expired and malformed suppressions become RC006 findings (which
///    step 1 applies to, and which cannot themselves be suppressed);
/// 3. the baseline: findings it holds (by rule, file, pointer and identity; counted) are hidden.
///
/// Suppressed and baselined findings leave `LintReport.findings` for `LintReport.suppressed`.
struct FindingFilters {
    /// The rule that reports unused, expired and malformed suppressions.
    static let suppressionRuleId = "RC006"

    var configuration: Configuration?
    var today: CalendarDate
    var baseline: Baseline?

    /// Filters findings (in report order). `comments` are the suppression comments of each YAML
    /// file by path; `lintedFiles` the paths of every file of the run.
    func apply(_ findings: [Finding], comments: [String: [SuppressionComment]],
               lintedFiles: [String]) -> (shown: [Finding], suppressed: [SuppressedFinding]) {
        let rc006 = FindingFilters.suppressionRuleId
        let rules = configuration?.rules ?? [:]
        func isOff(_ id: String) -> Bool { rules[id] == .off }
        func configured(_ f: Finding) -> Finding {
            var f = f
            if case .severity(let s) = rules[f.ruleId] { f.severity = s }
            return f
        }

        // 1. Rule settings.
        var pending = findings.filter { !isOff($0.ruleId) }.map(configured)

        // 2. Suppressions.
        var suppressed: [SuppressedFinding] = []
        var extra: [Finding] = []   // RC006
        // Inline comments, by file and the line they cover.
        var byLine: [String: [Int: [Int]]] = [:]
        var used: [String: [Int: Set<String>]] = [:]
        for (file, list) in comments {
            for (i, c) in list.enumerated() where c.problem == nil && !isExpired(c.until) {
                byLine[file, default: [:]][c.targetLine, default: []].append(i)
            }
        }
        let configSuppressions = configuration?.suppressions ?? []
        var configUsed = Array(repeating: false, count: configSuppressions.count)
        let activeConfig = configSuppressions.indices.filter { !isExpired(configSuppressions[$0].until) }
        var kept: [Finding] = []
        kept.reserveCapacity(pending.count)
        for f in pending {
            if let candidates = byLine[f.location.file]?[f.location.range.start.line],
               let i = candidates.first(where: { comments[f.location.file]![$0].ruleIds.contains(f.ruleId) }) {
                let c = comments[f.location.file]![i]
                used[f.location.file, default: [:]][i, default: []].insert(f.ruleId)
                suppressed.append(SuppressedFinding(finding: f, suppression: Suppression(
                    source: .comment, justification: c.reason, until: c.until, location: c.location)))
                continue
            }
            if let i = activeConfig.first(where: { matches(configSuppressions[$0], f) }) {
                let s = configSuppressions[i]
                configUsed[i] = true
                suppressed.append(SuppressedFinding(finding: f, suppression: Suppression(
                    source: .configuration, justification: s.reason, until: s.until, location: s.location)))
                continue
            }
            kept.append(f)
        }
        pending = kept

        // RC006 for the comments.
        for file in comments.keys.sorted() {
            for (i, c) in comments[file]!.enumerated() {
                if let problem = c.problem {
                    extra.append(suppressionFinding(problem, at: c.location, identity: "invalid: " + c.text))
                } else if let until = c.until, isExpired(until) {
                    extra.append(suppressionFinding(
                        "this suppression of \(c.ruleIds.joined(separator: ", ")) expired on \(until) and no longer hides anything; fix what it hid, or renew the date if the reason (\(c.reason)) still holds",
                        at: c.location, identity: "expired: " + c.text))
                } else {
                    let unused = c.ruleIds.filter { !isOff($0) && used[file]?[i]?.contains($0) != true }
                    guard !unused.isEmpty else { continue }
                    let ids = unused.joined(separator: " or ")
                    let whereText = c.targetLine == c.location.range.start.line ? "on this line" : "on line \(c.targetLine), the line it covers"
                    let message = unused.count == c.ruleIds.count
                        ? "unused suppression: there is no \(ids) finding \(whereText); remove the comment"
                        : "\(unused.joined(separator: ", ")) in this suppression \(unused.count == 1 ? "is" : "are") unused: there is no \(ids) finding \(whereText); remove \(unused.count == 1 ? "it" : "them") from the comment"
                    extra.append(suppressionFinding(message, at: c.location, identity: "unused \(unused.joined(separator: ",")): " + c.text))
                }
            }
        }
        // RC006 for the configuration's suppressions, judged only in runs that lint a file they name.
        if let configuration {
            for (i, s) in configSuppressions.enumerated() {
                guard lintedFiles.contains(where: { PathPattern.matches(pattern: s.file, path: $0, base: configuration.baseDirectory) }) else { continue }
                let what = "the configured suppression of \(s.rule) for \(s.file)" + (s.pointer.map { " at \($0 == "" ? "\"\"" : $0)" } ?? "")
                let identity = "configuration \(s.rule) \(s.file) \(s.pointer ?? "")"
                if let until = s.until, isExpired(until) {
                    extra.append(suppressionFinding(
                        "\(what) expired on \(until) and no longer hides anything; fix what it hid, or renew the date if the reason (\(s.reason)) still holds",
                        at: s.location, identity: "expired: " + identity))
                } else if !configUsed[i] && !isOff(s.rule) {
                    extra.append(suppressionFinding("\(what) is unused: no \(s.rule) finding there; remove it",
                                                    at: s.location, identity: "unused: " + identity))
                }
            }
        }
        if !isOff(rc006) { pending.append(contentsOf: extra.map(configured)) }

        // 3. Baseline.
        if let baseline {
            var remaining = baseline.counts
            var kept: [Finding] = []
            for f in pending {
                let key = Baseline.Key(f)
                if let n = remaining[key], n > 0 {
                    remaining[key] = n - 1
                    suppressed.append(SuppressedFinding(finding: f, suppression: Suppression(source: .baseline, justification: "baseline")))
                } else {
                    kept.append(f)
                }
            }
            pending = kept
        }

        pending.sort(by: Finding.reportOrder)
        suppressed.sort { Finding.reportOrder($0.finding, $1.finding) }
        return (pending, suppressed)
    }

    /// Expired: the last day it applies (inclusive) is before today.
    func isExpired(_ until: CalendarDate?) -> Bool {
        guard let until else { return false }
        return until < today
    }

    func matches(_ s: ConfiguredSuppression, _ f: Finding) -> Bool {
        guard s.rule == f.ruleId, let configuration, s.covers(pointer: f.location.pointer) else { return false }
        return PathPattern.matches(pattern: s.file, path: f.location.file, base: configuration.baseDirectory)
    }

    func suppressionFinding(_ message: String, at location: Location, identity: String) -> Finding {
        let id = FindingFilters.suppressionRuleId
        return Finding(ruleId: id, severity: RuleCatalog.defaultSeverity(id), message: message, location: location, identity: identity)
    }
}

extension LintReport {
    /// Hides the findings `baseline` holds (each key as many times as it was recorded), as a run
    /// with that baseline would: `rolecheck lint --write-baseline` reports this way after writing.
    public mutating func applyBaseline(_ baseline: Baseline) {
        let filters = FindingFilters(configuration: nil, today: CalendarDate.today(), baseline: baseline)
        let (shown, hidden) = filters.apply(findings, comments: [:], lintedFiles: [])
        findings = shown
        suppressed = (suppressed + hidden).sorted { Finding.reportOrder($0.finding, $1.finding) }
    }
}
