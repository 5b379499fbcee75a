import Foundation
import Testing
@testable import RoleCheckKit
@testable import RoleCheckCore
@testable import RoleCheckDocuments
@testable import RoleCheckModel
@testable import RoleCheckEngine
@testable import RoleCheckReporting

/// A large JSON file gives its bytes back once parsed (`ParseLimits.releaseTextAbove`): its
/// document holds its values, and the file is read again, a block of lines at a time, where a
/// finding needs a position or an excerpt. None of that may change a byte of any report.
@Suite struct ReleasedTextTests {
    static func temporaryFile(_ bytes: [UInt8]) throws -> String { try SourceFileReleaseTests.temporaryFile(bytes) }

    @Test func aReleasedDocumentReadsEveryValueItHeldBefore() throws {
        let bytes = SourceFileReleaseTests.awkwardText
        let path = try Self.temporaryFile(bytes)
        defer { unlink(path) }
        var limits = ParseLimits()
        limits.releaseTextAbove = 0
        let released = DocumentLoader.load(SourceFile(path: "values", bytes: bytes, readFrom: path), limits: limits)
        let held = DocumentLoader.load(SourceFile(path: "values", bytes: bytes))
        let (a, b) = (try #require(released.documents.first), try #require(held.documents.first))
        #expect(a.textReleased && a.text.isEmpty && !a.file.holdsBytes)
        #expect(!b.textReleased)
        #expect(a.nodeCount == b.nodeCount)
        for i in 0..<a.nodeCount {
            let (x, y) = (Node(document: a, index: i), Node(document: b, index: i))
            #expect(x.kind == y.kind && x.scalarText == y.scalarText && x.headRange == y.headRange, "node \(i)")
        }
    }

    /// Every sample scenario, its JSON files released (threshold 0) and held: the same reports,
    /// byte for byte, in every format that shows positions, excerpts or fixes.
    @Test(arguments: FocusTests.folders)
    func releasingTextsChangesNoReport(_ folder: String) throws {
        func run(release: Bool) throws -> (reports: [String], files: [SourceFile], documents: [Document]) {
            let files = try OrderIndependenceTests.files(of: folder, rereadable: true)
            var options = LintOptions()
            options.limits.releaseTextAbove = release ? 0 : nil
            let (report, setup) = Linter(options: options).analyze(inputs: files.map { .file($0) })
            let graph = SetupGraph.build(setup, findings: report.findings)
            return ([JSONReporter().render(report), TextReporter(color: false).render(report), SARIFReporter().render(report),
                     HTMLReporter().render(report, graph: graph)], files, setup.documents.map(\.document))
        }
        let held = try run(release: false)
        let released = try run(release: true)
        for (a, b) in zip(released.reports, held.reports) {
            #expect(a == b, "\(folder): a report changed when the texts were released")
        }
        // Every JSON document read from a file was released (the threshold is 0), none when held.
        let json = released.documents.filter { $0.format == .json && $0.origin.isFile && $0.file.byteCount > 0 }
        #expect(json.allSatisfy { $0.textReleased }, "\(folder)")
        #expect(!held.documents.contains { $0.textReleased })
        for file in released.files {
            #expect(!SourceFile.changedSinceRead.contains(file.path))
        }
    }
}
