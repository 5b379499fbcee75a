import RoleCheckCore
import RoleCheckDocuments
import RoleCheckModel

/// What `rolecheck fix` did: the files it changed, the findings whose fixes it applied, and the
/// report of a lint of the fixed files.
public struct FixOutcome: Sendable {
    public struct FileChange: Sendable {
        public let path: String
        public let before: [UInt8]
        public let after: [UInt8]
    }

    /// The report after fixing (what remains).
    public var report: LintReport
    /// The setup the last report was drawn from.
    public var setup: Setup
    /// The findings whose fixes were applied, in the order they were (report order, round by round).
    public var applied: [Finding]
    /// Fixes left out: they overlapped a fix already chosen in their round and were still wanted
    /// after the last round, or their edits left a file that no longer parses.
    public var notApplied: [(finding: Finding, reason: String)]
    /// The changed files, sorted by path.
    public var changes: [FileChange]
    /// The inputs as fixed.
    public var inputs: [LintInput]
}

/// Applies the fixes of a lint's findings, lints again and repeats: one fix can make another
/// possible (a trust that gains `sts:AssumeRole` may then lack `sts:TagSession`). Fixes whose
/// edits overlap are taken one per round. Everything happens in memory; the caller writes files.
public enum Fixer {
    /// - Parameters:
    ///   - select: which findings to fix (a rule filter, the changed files of pre-commit).
    ///   - rounds: the most lint-and-fix rounds (each fixes at least one finding, or the run stops).
    public static func run(_ linter: Linter, inputs given: [LintInput], select: (Finding) -> Bool,
                           rounds: Int = 8) -> FixOutcome {
        var inputs = given
        var original: [String: [UInt8]] = [:]
        var applied: [Finding] = []
        var notApplied: [(finding: Finding, reason: String)] = []
        // Findings not to fix again: fixed already, or their fix breaks a file (by fingerprint,
        // which covers the rule, file, pointer and offending value).
        var settled: Set<String> = []
        var analysis = linter.analyze(inputs: inputs)
        for _ in 0..<rounds {
            let candidates = analysis.report.findings.filter { $0.fix != nil && select($0) && !settled.contains(key($0)) }
            if candidates.isEmpty { break }
            // Greedy in report order: a fix whose edits overlap one already taken waits a round.
            var chosen: [Finding] = []
            var taken: [TextEdit] = []
            var duplicates: [Finding] = []
            for f in candidates {
                let edits = f.fix!.edits
                // Identical fixes (one mistake seen from two chains) are applied once.
                if chosen.contains(where: { $0.fix == f.fix }) { duplicates.append(f); continue }
                if edits.contains(where: { e in taken.contains { $0.overlaps(e) } }) { continue }
                chosen.append(f)
                taken += edits
            }
            let byFile = Dictionary(grouping: taken, by: \.file)
            var next = inputs
            for (i, input) in next.enumerated() {
                guard case .file(let file) = input, let edits = byFile[file.path] else { continue }
                if original[file.path] == nil { original[file.path] = file.bytes }
                next[i] = .file(SourceFile(path: file.path, bytes: Fix.apply(edits, to: file.bytes)))
            }
            let relinted = linter.analyze(inputs: next)
            // A fix must never break a file: if an edited file no longer parses, its fixes are settled.
            let broken = Set(relinted.report.findings.filter { $0.ruleId == "RC001" && byFile[$0.location.file] != nil }.map(\.location.file))
                .subtracting(analysis.report.findings.filter { $0.ruleId == "RC001" }.map(\.location.file))
            if !broken.isEmpty {
                for f in chosen where f.fix!.edits.contains(where: { broken.contains($0.file) }) {
                    settled.insert(key(f))
                    notApplied.append((f, "its edit would leave \(f.fix!.edits[0].file) unreadable"))
                }
                continue
            }
            applied += chosen + duplicates
            for f in chosen + duplicates { settled.insert(key(f)) }
            inputs = next
            analysis = relinted
        }
        // Fixes still offered after the last round, and findings a fix did not remove (a fix is
        // applied once: never again to the same finding).
        let appliedKeys = Set(applied.map(key))
        for f in analysis.report.findings where f.fix != nil && select(f) {
            if appliedKeys.contains(key(f)) {
                notApplied.append((f, "its fix was applied but the finding remains"))
            } else if !settled.contains(key(f)) {
                notApplied.append((f, "its edits overlap another fix's; run rolecheck fix again"))
            }
        }
        var changes: [FixOutcome.FileChange] = []
        for input in inputs {
            guard case .file(let file) = input, let before = original[file.path], before != file.bytes else { continue }
            changes.append(.init(path: file.path, before: before, after: file.bytes))
        }
        changes.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        return FixOutcome(report: analysis.report, setup: analysis.setup, applied: applied, notApplied: notApplied,
                          changes: changes, inputs: inputs)
    }

    static func key(_ f: Finding) -> String { f.fingerprint }
}
