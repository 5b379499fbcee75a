/// A position in a source file.
///
/// `line` and `column` are 1-based. **Columns count Unicode scalar values** (code points) from the
/// start of the line — the unit libyaml reports and the one SARIF calls `unicodeCodePoints`. A UTF-8
/// byte-order mark at the start of the file is not counted. `offset` is the 0-based byte offset.
public struct SourcePosition: Hashable, Comparable, Sendable {
    public var line: Int
    public var column: Int
    public var offset: Int

    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    public static func < (a: SourcePosition, b: SourcePosition) -> Bool {
        (a.line, a.column, a.offset) < (b.line, b.column, b.offset)
    }
}

/// A half-open range of source text: `end` is the position just after the last character.
public struct SourceRange: Hashable, Sendable {
    public var start: SourcePosition
    public var end: SourcePosition

    public init(start: SourcePosition, end: SourcePosition) {
        self.start = start
        self.end = end
    }
}
