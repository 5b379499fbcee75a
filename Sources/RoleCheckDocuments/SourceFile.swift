import Synchronization
import RoleCheckCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One input: its display path and its bytes. Lines are indexed lazily, the first time a
/// position is asked for, so files without findings never pay for it; positions use a sparse
/// index (every 64th line's start), so a finding in a file of millions of lines costs a few KB.
///
/// A file read from disk may give its bytes back once its document is parsed and holds its own
/// values (`releaseBytes()`, done by `DocumentLoader` for large JSON files): an organisation's
/// exports are then not kept in memory beside their trees. Asking for the bytes again (a position,
/// an excerpt, a fix) reads the file once more; if it no longer has the bytes that were parsed,
/// the file is recorded in `changedSinceRead` and a blank text of the original length stands in.
public final class SourceFile: Sendable {
    /// The path as reported in findings (relative to the working directory when possible), or `<stdin>`.
    public let path: String
    /// Number of bytes, whether or not they are held.
    public let byteCount: Int
    /// Byte length of a leading UTF-8 byte-order mark (0 or 3).
    public let bomLength: Int
    /// Where the bytes can be read again; nil for standard input and text made in memory.
    private let readFrom: String?
    private let storage: Mutex<Storage>
    private let lineStartsCache = Mutex<[UInt32]?>(nil)
    private let checkpointsCache = Mutex<LineCheckpoints?>(nil)

    private struct Storage {
        var bytes: [UInt8]?
        /// The fingerprint of each block of lines (`LineCheckpoints`) and where the blocks start
        /// (the checkpoints' own array, kept here so a re-read needs no other lock), taken when
        /// the bytes were released.
        var blockFingerprints: [UInt64] = []
        var blockStarts: [UInt32] = []
        /// The block of lines read last (a position or a line of a released file needs one block).
        var lastBlock: (index: Int, bytes: [UInt8])?
    }

    /// Every `stride`th line's start (lines 1, 1 + stride, …) and the number of lines.
    private struct LineCheckpoints {
        static let stride = 64
        var starts: [UInt32]
        var lineCount: Int
    }

    /// `readFrom`: the path the bytes were read from, when they may be released and read again.
    public init(path: String, bytes: [UInt8], readFrom: String? = nil) {
        self.path = path
        self.byteCount = bytes.count
        self.bomLength = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        self.readFrom = readFrom
        self.storage = Mutex(Storage(bytes: bytes))
    }

    public convenience init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    /// The file's bytes (read again from disk if they were released).
    public var bytes: [UInt8] {
        storage.withLock { storage in
            if let bytes = storage.bytes { return bytes }
            let bytes = reread(expecting: storage.blockFingerprints, blockStarts: storage.blockStarts)
            storage.bytes = bytes
            return bytes
        }
    }

    /// Whether the bytes can be released (the file was read from a path it can be read from again).
    public var canReleaseBytes: Bool { readFrom != nil }

    /// Whether the bytes are held now.
    public var holdsBytes: Bool { storage.withLock { $0.bytes != nil } }

    /// Lets the bytes go (when the file can be read again). A position or a line is then read
    /// back one block of lines at a time (checked against the block's fingerprint); the next use
    /// of `bytes` reads the whole file back.
    package func releaseBytes() {
        guard readFrom != nil else { return }
        let starts = checkpoints.starts
        storage.withLock { storage in
            guard let bytes = storage.bytes else { return }
            storage.blockFingerprints = Self.blockFingerprints(bytes, starts: starts)
            storage.blockStarts = starts
            storage.bytes = nil
        }
    }

    private static func blockRange(_ k: Int, starts: [UInt32], count: Int) -> Range<Int> {
        Int(starts[k])..<(k + 1 < starts.count ? Int(starts[k + 1]) : count)
    }

    private static func blockFingerprints(_ bytes: [UInt8], starts: [UInt32]) -> [UInt64] {
        starts.indices.map { fingerprint(bytes[blockRange($0, starts: starts, count: bytes.count)]) }
    }

    /// What stands in for bytes that are not the ones parsed: blanks of the same length, the file
    /// recorded in `changedSinceRead`.
    private func unreliable(_ count: Int) -> [UInt8] {
        Self.changed.withLock { if !$0.contains(path) { $0.append(path) } }
        return [UInt8](repeating: 0x20, count: count)
    }

    /// Calls `body` with the bytes of the block of lines `k` (or with all the bytes, when they are
    /// held) and the file offset of the buffer's first byte.
    private func withBlock<R>(_ k: Int, _ body: (UnsafeBufferPointer<UInt8>, _ base: Int) -> R) -> R {
        let starts = checkpoints.starts
        let (block, base): ([UInt8], Int) = storage.withLock { storage in
            if let bytes = storage.bytes { return (bytes, 0) }
            let range = Self.blockRange(k, starts: starts, count: byteCount)
            if let last = storage.lastBlock, last.index == k { return (last.bytes, range.lowerBound) }
            var block = readFrom.flatMap { Self.readRange($0, range) } ?? []
            if block.count != range.count || Self.fingerprint(block[...]) != storage.blockFingerprints[k] {
                block = unreliable(range.count)
            }
            storage.lastBlock = (k, block)
            return (block, range.lowerBound)
        }
        return block.withUnsafeBufferPointer { body($0, base) }
    }

    /// The bytes of a file's range, nil when they cannot be read.
    private static func readRange(_ path: String, _ range: Range<Int>) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: range.count)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + count, $0.count - count, off_t(range.lowerBound + count)) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            count += n
        }
        return count == bytes.count ? bytes : nil
    }

    private static let changed = Mutex<[String]>([])

    /// Files whose bytes were released and, read again, were not the bytes that were parsed (the
    /// file changed during the run): positions and excerpts in them are not to be trusted.
    public static var changedSinceRead: [String] { changed.withLock { $0.sorted() } }

    private func reread(expecting fingerprints: [UInt64], blockStarts starts: [UInt32]) -> [UInt8] {
        if let path = readFrom, let bytes = Self.readRange(path, 0..<byteCount),
           Self.blockFingerprints(bytes, starts: starts) == fingerprints {
            return bytes
        }
        return unreliable(byteCount)
    }

    /// A 64-bit digest of the bytes (not cryptographic: it tells a file that changed from one that
    /// did not), eight bytes at a time.
    static func fingerprint(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.withUnsafeBytes { raw in
            var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(raw.count)
            let words = raw.count / 8
            for w in 0..<words {
                let v = raw.loadUnaligned(fromByteOffset: w * 8, as: UInt64.self)
                h = (h ^ v) &* 0xFF51_AFD7_ED55_8CCD
                h ^= h >> 29
            }
            for i in (words * 8)..<raw.count {
                h = (h ^ UInt64(raw[i])) &* 0xC4CE_B9FE_1A85_EC53
                h ^= h >> 31
            }
            return h
        }
    }

    /// Offsets at which lines start. A line ends at `\n`, `\r\n` or a lone `\r` (as in YAML).
    /// 32-bit, as the parsers' offsets are (inputs are at most `ParseLimits.maxFileSize`): an
    /// organisation's exports have millions of lines.
    public var lineStarts: [UInt32] {
        lineStartsCache.withLock { cache in
            if let cache { return cache }
            var starts: [UInt32] = [0]
            let bytes = self.bytes
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
            let bytes = self.bytes
            bytes.withUnsafeBufferPointer { buf in
                var i = 0
                let n = buf.count
                guard let base = buf.baseAddress else { return }
                if memchr(base, 0x0D, n) == nil {
                    // Only `\n` breaks lines (the common case): find them with memchr.
                    while i < n, let hit = memchr(base + i, 0x0A, n - i) {
                        i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
                        if lines % LineCheckpoints.stride == 0 { starts.append(UInt32(truncatingIfNeeded: i)) }
                        lines += 1
                    }
                    return
                }
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

    /// The number of lines (a final line break ends the last line but one: the empty line after
    /// it counts).
    public var lineCount: Int { checkpoints.lineCount }

    /// The start of the line after the one that holds `i` (a line start or inside a line), or
    /// nil when that line is the last of the buffer.
    private static func nextLineStart(_ bytes: UnsafeBufferPointer<UInt8>, after i: Int) -> Int? {
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

    /// Resolves a byte offset (clamped to the file) to a line and a column in Unicode scalars.
    public func position(ofOffset rawOffset: Int) -> SourcePosition {
        let offset = max(0, min(rawOffset, byteCount))
        let starts = checkpoints.starts
        var lo = 0, hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if Int(starts[mid]) <= offset { lo = mid } else { hi = mid - 1 }
        }
        return withBlock(lo) { buf, base in
            // From the checkpoint, line by line (fewer than `stride` lines) to the one holding `offset`.
            let target = offset - base
            var line = lo * LineCheckpoints.stride
            var lineStart = Int(starts[lo]) - base
            while let next = Self.nextLineStart(buf, after: lineStart), next <= target {
                lineStart = next
                line += 1
            }
            if line == 0 { lineStart = min(bomLength, target) }
            var column = 1
            var i = lineStart
            while i < target {
                if buf[i] & 0xC0 != 0x80 { column += 1 }
                i += 1
            }
            return SourcePosition(line: line + 1, column: column, offset: offset)
        }
    }

    /// Calls `body` with the bytes of a 1-based line, without its terminator, and the file offset
    /// of its first byte (after the byte-order mark, on line 1); nil past the last line.
    public func withLine<R>(_ line: Int, _ body: (UnsafeBufferPointer<UInt8>, _ start: Int) -> R) -> R? {
        let index = checkpoints
        guard line >= 1 && line <= index.lineCount else { return nil }
        let k = (line - 1) / LineCheckpoints.stride
        return withBlock(k) { buf, base in
            var s = Int(index.starts[k]) - base
            for _ in (k * LineCheckpoints.stride)..<(line - 1) {
                guard let next = Self.nextLineStart(buf, after: s) else { return nil }
                s = next
            }
            if line == 1 { s = bomLength }
            var e = Self.nextLineStart(buf, after: s) ?? buf.count
            while e > s && (buf[e - 1] == 0x0A || buf[e - 1] == 0x0D) { e -= 1 }
            return body(UnsafeBufferPointer(rebasing: buf[s..<e]), base + s)
        }
    }

    /// The text of a 1-based line without its terminator (invalid UTF-8 is replaced).
    public func lineText(_ line: Int) -> String {
        withLine(line) { bytes, _ in String(decoding: bytes, as: UTF8.self) } ?? ""
    }

    public func range(from start: Int, to end: Int) -> SourceRange {
        SourceRange(start: position(ofOffset: start), end: position(ofOffset: max(start, end)))
    }
}
