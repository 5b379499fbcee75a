import Foundation
import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckIAM
@testable import RoleCheckModel
@testable import RoleCheckRules
@testable import RoleCheckEngine
@testable import RoleCheckReporting

/// The hostile inputs of the robustness list, each given to the real `rolecheck` binary as a child
/// process: every one must end with exit 1 and an RC001 at a line and column, or exit 2 with a
/// message — never a signal — and stay inside generous time and memory bounds. The bounds are hang
/// and blow-up guards for a debug build, not speed measurements (those are in BENCHMARKS.md).
///
/// The parsers' exact error offsets for the same inputs are pinned in ParseLimitTests; this suite
/// checks the whole process: reading, recognising, every rule, reporting, exit status.
@Suite(.serialized) struct HostileInputTests {
    /// Wall-clock guard: the child is killed after this and the test fails.
    static let timeLimit: Double = 60
    /// Peak resident memory guard for the child. The largest legitimate case (a 20 MB string) stays
    /// far below it; an unbounded alias expansion or a copy per nesting level would not.
    /// `wait4`'s `ru_maxrss` is an upper bound of the child's own peak: Linux carries the spawning
    /// process's high-water mark across `exec`, so the figure can only be too high, never too low.
    static let memoryLimitMB = 1024

    struct Outcome {
        var exitCode: Int32?
        var signal: Int32?
        var seconds: Double
        var peakRSSMB: Int
        var stdout: String
        var stderr: String
        var killedByWatchdog: Bool
    }

    /// Spawns the binary with `args` in `cwd`, waits with `wait4` to read its peak RSS, and kills
    /// it if it outlives `timeLimit`.
    static func spawn(_ args: [String], cwd: String) throws -> Outcome {
        let out = cwd + "/.stdout", err = cwd + "/.stderr"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // `sh` changes folder and then becomes the binary (exec keeps the pid, so wait4's usage is
        // the binary's).
        let command = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", cwd, CLITests.binary] + args
        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env["GITHUB_STEP_SUMMARY"] = nil
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }

        var pid: pid_t = 0
        let start = Date()
        let rc = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, envp)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        let child = pid
        let finished = ManagedAtomicFlag()
        let watchdog = Thread {
            let deadline = Date().addingTimeInterval(timeLimit)
            while Date() < deadline {
                if finished.value { return }
                Thread.sleep(forTimeInterval: 0.05)
            }
            if !finished.value {
                finished.killed = true
                kill(child, SIGKILL)
            }
        }
        watchdog.start()
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) == -1 && errno == EINTR {}
        finished.value = true
        let seconds = Date().timeIntervalSince(start)
        let termSignal = status & 0x7F
        return Outcome(exitCode: termSignal == 0 ? (status >> 8) & 0xFF : nil,
                       signal: termSignal == 0 ? nil : termSignal,
                       seconds: seconds, peakRSSMB: usage.ru_maxrss / 1024,
                       stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                       stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "",
                       killedByWatchdog: finished.killed)
    }

    /// A flag shared with the watchdog thread.
    final class ManagedAtomicFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var _value = false
        private var _killed = false
        var value: Bool {
            get { lock.withLock { _value } }
            set { lock.withLock { _value = newValue } }
        }
        var killed: Bool {
            get { lock.withLock { _killed } }
            set { lock.withLock { _killed = newValue } }
        }
    }

    /// One hostile case: the files to write, the command, and what must come out.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var files: @Sendable () -> [(String, [UInt8])]
        var args: [String]
        var exitCode: Int32
        /// `file:line:column RCnnn` lines that must be among the JSON report's findings.
        var findings: [String] = []
        /// Text that must appear on standard error (for exit 2).
        var stderr: String? = nil
        var testDescription: String { name }
    }

    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    static func random(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }

    static let lint = ["lint", ".", "--format", "json"]

    static let cases: [Case] = [
        Case(name: "JSON nested 200,000 deep",
             files: { [("deep.json", [UInt8](repeating: UInt8(ascii: "["), count: 200_000))] },
             args: lint, exitCode: 1, findings: ["deep.json:1:513 RC001"]),
        Case(name: "JSON objects nested 100,000 deep and closed",
             files: { [("deep-objects.json", bytes(String(repeating: "{\"a\":", count: 100_000) + String(repeating: "}", count: 100_000)))] },
             args: lint, exitCode: 1, findings: ["deep-objects.json:1:2561 RC001"]),
        Case(name: "YAML flow nested 200,000 deep",
             files: { [("deep.yaml", [UInt8](repeating: UInt8(ascii: "["), count: 200_000))] },
             args: lint, exitCode: 1, findings: ["deep.yaml:1:513 RC001"]),
        Case(name: "YAML block nested 200,000 deep",
             files: { [("deep-block.yaml", bytes((0..<200_000).map { String(repeating: " ", count: min($0, 3)) + "- " }.joined() + "x\n"))] },
             args: lint, exitCode: 1, findings: []),
        Case(name: "YAML alias bomb (billion laughs)",
             files: { [("bomb.yaml", bytes("""
                a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
                b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
                c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
                d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
                e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
                f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
                g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
                h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
                i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]

                """))] },
             args: lint, exitCode: 1, findings: []),
        Case(name: "1 MB of random bytes named .json",
             files: { [("random.json", random(1 << 20, seed: 42))] },
             args: lint, exitCode: 1, findings: ["random.json:1:1 RC001"]),
        Case(name: "invalid UTF-8 in a JSON string",
             files: { [("utf8.json", bytes("{\"Version\": \"2012-10-17\", \"Sid\": \"a") + [0xC3, 0x28] + bytes("\"}"))] },
             args: lint, exitCode: 1, findings: ["utf8.json:1:36 RC001"]),
        Case(name: "invalid UTF-8 in YAML",
             files: { [("utf8.yaml", bytes("Key: va") + [0xFE, 0x0A])] },
             args: lint, exitCode: 1, findings: ["utf8.yaml:1:8 RC001"]),
        Case(name: "NUL bytes in JSON and YAML",
             files: { [("nul.json", bytes("{\"a\": \"x") + [0] + bytes("y\"}")), ("nul.yaml", bytes("a: b") + [0] + bytes("c\n"))] },
             args: lint, exitCode: 1, findings: ["nul.json:1:9 RC001", "nul.yaml:1:5 RC001"]),
        Case(name: "numbers with 100,000 digits (valid JSON: read, not judged)",
             files: { [("digits.json", bytes("{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\", \"Condition\": {\"NumericLessThan\": {\"s3:max-keys\": "
                                             + "1" + String(repeating: "0", count: 99_999) + "}}}]}"))] },
             args: lint, exitCode: 0, findings: []),
        Case(name: "a 20 MB string",
             files: { [("big-string.json", bytes("{\"Description\": \"") + [UInt8](repeating: UInt8(ascii: "a"), count: 20 << 20) + bytes("\"}"))] },
             args: lint, exitCode: 0, findings: []),
        Case(name: "tabs in YAML indentation",
             files: { [("tabs.yaml", bytes("Statement:\n  - Effect: Allow\n\t  Action: '*'\n"))] },
             args: lint, exitCode: 1, findings: ["tabs.yaml:3:1 RC001"]),
        Case(name: "a multi-document stream with a broken document",
             files: { [("stream.yaml", bytes("a: 1\n---\nb: [1, 2\n---\nc: 3\n"))] },
             args: lint, exitCode: 1, findings: ["stream.yaml:4:1 RC001"]),
        Case(name: "a symlink loop in a linted folder",
             files: { [("sub/sc.json", bytes("{\"AuthorizationConfiguration\": {\"IAMConfiguration\": {}}}"))] },
             args: lint, exitCode: 1, findings: ["sub/sc.json:1:33 RC205"]),
        Case(name: "an unreadable file",
             files: { [("ok.json", bytes("{}"))] },
             args: ["lint", "ok.json", "/proc/self/mem", "--format", "json"], exitCode: 2, stderr: "/proc/self/mem"),
        Case(name: "an unwritable --output",
             files: { [("ok.json", bytes("{}"))] },
             args: ["lint", "ok.json", "--output", "/proc/version"], exitCode: 2, stderr: "cannot write --output /proc/version"),
    ]

    @Test(arguments: cases)
    func hostileInputEndsCleanly(_ c: Case) throws {
        let dir = NSTemporaryDirectory() + "rolecheck-hostile-\(getpid())-\(abs(c.name.hashValue))"
        try? FileManager.default.removeItem(atPath: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, content) in c.files() {
            let path = dir + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: path, contents: Data(content)))
        }
        if c.name.contains("symlink") {
            try FileManager.default.createSymbolicLink(atPath: dir + "/sub/loop", withDestinationPath: dir)
        }
        let o = try Self.spawn(c.args, cwd: dir)
        #expect(!o.killedByWatchdog, "still running after \(Self.timeLimit) s")
        #expect(o.signal == nil, "ended by signal \(o.signal ?? 0): \(o.stderr.suffix(2000))")
        #expect(o.exitCode == c.exitCode, "exit \(o.exitCode.map(String.init) ?? "-"); stderr: \(o.stderr.prefix(500))")
        #expect(o.peakRSSMB < Self.memoryLimitMB, "peak RSS \(o.peakRSSMB) MB")
        if let text = c.stderr {
            #expect(o.stderr.contains(text), "stderr: \(o.stderr)")
        }
        if c.exitCode != 2 {
            let found = try CLITests().findings(o.stdout)
            for expected in c.findings {
                #expect(found.contains(expected), "\(expected) not among \(found)")
            }
            // Every RC001 names a line and column, and the text report would show it too.
            let report = try JSONParser.parse(file: SourceFile(path: "report.json", text: o.stdout)).get()
            for f in try #require(report.root["findings"]).elements where f["ruleId"]?.string == "RC001" {
                #expect((f["location"]?["line"]?.number ?? 0) >= 1)
                #expect((f["location"]?["column"]?.number ?? 0) >= 1)
                let message = f["message"]?.string ?? ""
                #expect(message.count > 0)
            }
            if c.exitCode == 1 && c.findings.isEmpty {
                #expect(found.contains { $0.hasSuffix(" RC001") }, "no RC001 among \(found)")
            }
        }
    }
}
