import Foundation
import Testing
@testable import RoleCheckCore
@testable import RoleCheckDocuments

/// A file read from disk can give its bytes back (`SourceFile.releaseBytes`) and read them again,
/// a block of lines at a time for a position or a line, whole for everything else, checking that
/// they are the bytes it had.
@Suite struct SourceFileReleaseTests {
    static func temporaryFile(_ bytes: [UInt8]) throws -> String {
        var template = Array((NSTemporaryDirectory() + "/rolecheck-released-XXXXXX").utf8CString)
        let fd = mkstemp(&template)
        try #require(fd >= 0)
        close(fd)
        return try write(bytes, to: String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// Writes (or overwrites) a file; returns its path.
    static func write(_ bytes: [UInt8], to path: String) throws -> String {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(fd >= 0)
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        try #require(written == bytes.count)
        return path
    }

    /// Text with every kind of line break, multi-byte characters, a byte-order mark and lines
    /// enough for several blocks of the line index.
    static var awkwardText: [UInt8] {
        var s = "\u{FEFF}{\n"
        for i in 0..<300 {
            let brk = i % 3 == 0 ? "\r\n" : i % 7 == 0 ? "\r" : "\n"
            s += "  \"k\(i)\": \"é€𝄞 \(String(repeating: "x", count: i % 40))\",\(brk)"
        }
        s += "  \"end\": true\n}\n"
        return Array(s.utf8)
    }

    /// The same without `\r` (the line index's fast path) and ending without a line break.
    static var plainText: [UInt8] {
        Self.awkwardText.filter { $0 != 0x0D }.dropLast()
    }

    @Test(arguments: [false, true])
    func aReleasedFileGivesTheSamePositionsAndLinesReadingOneBlockAtATime(plain: Bool) throws {
        let bytes = plain ? Self.plainText : Self.awkwardText
        let path = try Self.temporaryFile(bytes)
        defer { unlink(path) }
        let held = SourceFile(path: "held", bytes: bytes)
        let released = SourceFile(path: "released-positions-\(plain)", bytes: bytes, readFrom: path)
        released.releaseBytes()
        #expect(!released.holdsBytes)
        #expect(released.lineCount == held.lineCount && held.lineCount > 4 * 64)
        for offset in stride(from: -1, through: bytes.count + 1, by: 1) {
            let (a, b) = (released.position(ofOffset: offset), held.position(ofOffset: offset))
            #expect(a.line == b.line && a.column == b.column && a.offset == b.offset, "offset \(offset)")
        }
        for line in 0...(held.lineCount + 1) {
            #expect(released.lineText(line) == held.lineText(line), "line \(line)")
        }
        // Positions and lines were read a block at a time: the file's bytes were not taken back.
        #expect(!released.holdsBytes)
        #expect(released.bytes == bytes)
        #expect(released.holdsBytes)
        #expect(!SourceFile.changedSinceRead.contains("released-positions-\(plain)"))
    }

    @Test func aFileThatChangedAfterItWasReleasedIsReportedNotTrusted() throws {
        let bytes = Self.awkwardText
        let path = try Self.temporaryFile(bytes)
        defer { unlink(path) }
        let file = SourceFile(path: "released-then-changed", bytes: bytes, readFrom: path)
        file.releaseBytes()
        var changed = bytes
        changed[10] = changed[10] == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
        unlink(path)
        _ = try Self.write(changed, to: path)
        let p = file.position(ofOffset: 12)
        #expect(p.offset == 12)
        #expect(SourceFile.changedSinceRead.contains("released-then-changed"))
        // The whole text, read back, is a blank of the same length rather than other bytes.
        #expect(file.bytes.count == bytes.count && file.bytes.allSatisfy { $0 == 0x20 })

        let gone = SourceFile(path: "released-then-deleted", bytes: bytes, readFrom: path)
        gone.releaseBytes()
        unlink(path)
        #expect(gone.lineText(2).allSatisfy { $0 == " " })
        #expect(SourceFile.changedSinceRead.contains("released-then-deleted"))
    }

    @Test func fileWithoutAPathToReadFromKeepsItsBytes() {
        let file = SourceFile(path: "memory", bytes: Self.awkwardText)
        file.releaseBytes()
        #expect(file.holdsBytes)
        #expect(!file.canReleaseBytes)
    }
}
