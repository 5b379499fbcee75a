import Synchronization
import RoleCheckCore

/// One input: its display path and its bytes. Line starts are indexed lazily, the first time a
/// position is asked for, so files without findings never pay for it.
public final class SourceFile: Sendable {
    /// The path as reported in findings (relative to the working directory when possible), or `<stdin>`.
    public let path: String
    public let bytes: [UInt8]
    private let lineStartsCache = Mutex<[UInt32]?>(nil)

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

    /// Resolves a byte offset (clamped to the file) to a line and a column in Unicode scalars.
    public func position(ofOffset rawOffset: Int) -> SourcePosition {
        let offset = max(0, min(rawOffset, bytes.count))
        let starts = lineStarts
        var lo = 0, hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if Int(starts[mid]) <= offset { lo = mid } else { hi = mid - 1 }
        }
        var lineStart = Int(starts[lo])
        if lo == 0 { lineStart = min(bomLength, offset) }
        var column = 1
        var i = lineStart
        while i < offset {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return SourcePosition(line: lo + 1, column: column, offset: offset)
    }

    /// The text of a 1-based line without its terminator (invalid UTF-8 is replaced).
    public func lineText(_ line: Int) -> String {
        let starts = lineStarts
        guard line >= 1 && line <= starts.count else { return "" }
        var s = Int(starts[line - 1])
        if line == 1 { s = bomLength }
        var e = line < starts.count ? Int(starts[line]) : bytes.count
        while e > s && (bytes[e - 1] == 0x0A || bytes[e - 1] == 0x0D) { e -= 1 }
        return String(decoding: bytes[s..<e], as: UTF8.self)
    }

    public func range(from start: Int, to end: Int) -> SourceRange {
        SourceRange(start: position(ofOffset: start), end: position(ofOffset: max(start, end)))
    }
}
