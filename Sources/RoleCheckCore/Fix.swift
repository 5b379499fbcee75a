/// One change of a file's text: the bytes `start..<end` replaced by `replacement` (an insertion
/// when the range is empty). Offsets are byte offsets in the file as read; `range` is the same
/// span as lines and columns, for reports.
public struct TextEdit: Sendable, Hashable {
    public var file: String
    public var start: Int
    public var end: Int
    public var range: SourceRange
    public var replacement: String

    public init(file: String, start: Int, end: Int, range: SourceRange, replacement: String) {
        self.file = file
        self.start = start
        self.end = end
        self.range = range
        self.replacement = replacement
    }

    /// Whether two edits of the same file touch the same bytes (two insertions at one offset
    /// count: their order would be a guess).
    public func overlaps(_ other: TextEdit) -> Bool {
        guard file == other.file else { return false }
        switch (start == end, other.start == other.end) {
        case (true, true): return start == other.start
        case (true, false): return other.start < start && start < other.end
        case (false, true): return start < other.start && other.start < end
        case (false, false): return start < other.end && other.start < end
        }
    }
}

/// A machine-applicable fix: the edits that make a finding go away, offered only where the right
/// change is certain. Every edit keeps the rest of the file (formatting, comments, key order) as
/// it was.
public struct Fix: Sendable, Hashable {
    /// What the fix does, in words ("add sts:TagSession to this statement's Action").
    public var description: String
    /// Sorted by file, then offset; never overlapping.
    public var edits: [TextEdit]

    public init(description: String, edits: [TextEdit]) {
        self.description = description
        self.edits = edits.sorted { ($0.file, $0.start, $0.end) < ($1.file, $1.start, $1.end) }
    }

    /// Applies edits (of one file, none overlapping) to its bytes.
    public static func apply(_ edits: [TextEdit], to bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        for e in edits.sorted(by: { ($0.start, $0.end) > ($1.start, $1.end) }) {
            let s = max(0, min(e.start, out.count)), t = max(s, min(e.end, out.count))
            out.replaceSubrange(s..<t, with: Array(e.replacement.utf8))
        }
        return out
    }
}
