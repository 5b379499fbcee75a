import Synchronization
import RoleCheckCore

/// One input: its display path and its bytes. Lines are indexed lazily, the first time a
/// position is asked for, so files without findings never pay for it; positions use a sparse
/// index (every 64th line's start), so a finding in a file of millions of lines costs a few KB.
public final class SourceFile: Sendable {
    /// The path as reported in findings (relative to the working directory when possible), or `<stdin>`.
    public let path: String
    public let bytes: [UInt8]
    private let lineStartsCache = Mutex<[UInt32]?>(nil)
    private let checkpointsCache = Mutex<LineCheckpoints?>(nil)

    /// Every `stride`th line's start (lines 1, 1 + stride, …) and the number of lines.
    private struct LineCheckpoints {
        static let stride = 64
        var starts: [UInt32]
        var lineCount: Int
    }

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    public convenience init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    /// Byte length of a leading UTF-8 byte-order mark (0 or 3).
    public var bomLength: Int {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    }

    /// Offsets at which lines start. A line ends at `\n`, `\r\n` or a lone `\r` (as in YAML).
    /// 32-bit, as the parsers' offsets are (inputs are at most `ParseLimits.maxFileSize`): an
    /// organisation's exports have millions of lines.
    public var lineStarts: [UInt32] {
        lineStartsCache.withLock { cache in
            if let cache { return cache }
            var starts: [UInt32] = [0]
            bytes.withUnsafeBufferPointer { buf in
                var i = 0
                let n = buf.count
                while i < n {
                    let b = buf[i]
                    if b == 0x0A {
                        starts.append(UInt32(truncatingIfNeeded: i + 1))
                    } else if b == 0x0D {
                        if i + 1 < n && buf[i + 1] == 0x0A { i += 1 }
                        starts.append(UInt32(truncatingIfNeeded: i + 1))
                    }
                    i += 1
                }
            }
            cache = starts
            return starts
        }
    }

    private var checkpoints: LineCheckpoints {
        checkpointsCache.withLock { cache in
            if let cache { return cache }
            var starts: [UInt32] = [0]
            var lines = 1
            bytes.withUnsafeBufferPointer { buf in
                var i = 0
                let n = buf.count
                while i < n {
                    let b = buf[i]
                    if b == 0x0A || b == 0x0D {
                        if b == 0x0D && i + 1 < n && buf[i + 1] == 0x0A { i += 1 }
                        if lines % LineCheckpoints.stride == 0 { starts.append(UInt32(truncatingIfNeeded: i + 1)) }
                        lines += 1
                    }
                    i += 1
                }
            }
            let index = LineCheckpoints(starts: starts, lineCount: lines)
            cache = index
            return index
        }
    }

    /// The start of the line after the one that holds `i` (a line start or inside a line), or
    /// nil when that line is the last.
    private func nextLineStart(after i: Int) -> Int? {
        var i = i
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b == 0x0A { return i + 1 }
            if b == 0x0D { return i + 1 < n && bytes[i + 1] == 0x0A ? i + 2 : i + 1 }
            i += 1
        }
        return nil
    }

    /// The start offset of a 1-based line, nil past the last line.
    private func start(ofLine line: Int) -> Int? {
        let index = checkpoints
        guard line >= 1 && line <= index.lineCount else { return nil }
        var k = (line - 1) / LineCheckpoints.stride
        var s = Int(index.starts[k])
        k *= LineCheckpoints.stride
        while k < line - 1 {
            guard let next = nextLineStart(after: s) else { return nil }
            s = next
            k += 1
        }
        return s
    }

    /// Resolves a byte offset (clamped to the file) to a line and a column in Unicode scalars.
    public func position(ofOffset rawOffset: Int) -> SourcePosition {
        let offset = max(0, min(rawOffset, bytes.count))
        let starts = checkpoints.starts
        var lo = 0, hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if Int(starts[mid]) <= offset { lo = mid } else { hi = mid - 1 }
        }
        // From the checkpoint, line by line (fewer than `stride` lines) to the one holding `offset`.
        var line = lo * LineCheckpoints.stride
        var lineStart = Int(starts[lo])
        while let next = nextLineStart(after: lineStart), next <= offset {
            lineStart = next
            line += 1
        }
        if line == 0 { lineStart = min(bomLength, offset) }
        var column = 1
        var i = lineStart
        while i < offset {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return SourcePosition(line: line + 1, column: column, offset: offset)
    }

    /// The text of a 1-based line without its terminator (invalid UTF-8 is replaced).
    public func lineText(_ line: Int) -> String {
        guard var s = start(ofLine: line) else { return "" }
        if line == 1 { s = bomLength }
        var e = nextLineStart(after: s) ?? bytes.count
        while e > s && (bytes[e - 1] == 0x0A || bytes[e - 1] == 0x0D) { e -= 1 }
        return String(decoding: bytes[s..<e], as: UTF8.self)
    }

    public func range(from start: Int, to end: Int) -> SourceRange {
        SourceRange(start: position(ofOffset: start), end: position(ofOffset: max(start, end)))
    }
}
