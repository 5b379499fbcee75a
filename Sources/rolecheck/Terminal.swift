#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Process-level I/O without Foundation (keeps start-up fast for pre-commit hooks).
enum Terminal {
    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    static func env(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }

    static func currentDirectory() -> String? {
        var buf = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buf, buf.count) != nil else { return nil }
        let bytes = buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func writeOutput(_ s: String) { writeAll(1, s) }
    static func writeError(_ s: String) { writeAll(2, s) }

    @discardableResult
    static func writeAll(_ fd: Int32, _ s: String) -> Bool {
        var s = s
        return s.withUTF8 { buf in
            var offset = 0
            while offset < buf.count {
                let n = write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return true
        }
    }
}

/// Where the report goes: standard output or a file opened before the run.
enum OutputSink {
    case standardOutput
    case file(path: String, fd: Int32)

    static func file(_ path: String) throws -> OutputSink {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            throw UsageFailure(description: "cannot write --output \(path): \(String(cString: strerror(errno)))")
        }
        return .file(path: path, fd: fd)
    }

    func write(_ s: String) throws {
        switch self {
        case .standardOutput:
            if !Terminal.writeAll(1, s) {
                throw UsageFailure(description: "cannot write to standard output: \(String(cString: strerror(errno)))")
            }
        case .file(let path, let fd):
            if !Terminal.writeAll(fd, s) {
                throw UsageFailure(description: "cannot write --output \(path): \(String(cString: strerror(errno)))")
            }
        }
    }

    func close() throws {
        if case .file(let path, let fd) = self, Glibc.close(fd) != 0 {
            throw UsageFailure(description: "cannot write --output \(path): \(String(cString: strerror(errno)))")
        }
    }

    static func append(_ s: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0, Terminal.writeAll(fd, s) else {
            throw UsageFailure(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        Glibc.close(fd)
    }

    static func writeFile(_ s: String, to path: String) throws {
        let sink = try OutputSink.file(path)
        try sink.write(s)
        try sink.close()
    }
}
