/// A position in a source file.
///
/// `line` and `column` are 1-based. **Columns count Unicode scalar values** (code points) from the
/// start of the line — the unit libyaml reports and the one SARIF calls `unicodeCodePoints`. A UTF-8
/// byte-order mark at the start of the file is not counted. `offset` is the 0-based byte offset.
///
/// Stored in 32 bits each (12 bytes, not 24): positioned trees hold two positions per element,
/// and inputs are limited far below 2 GiB (`ParseLimits.maxFileSize`); a larger value is clamped.
public struct SourcePosition: Hashable, Comparable, Sendable {
    @usableFromInline internal var storedLine: Int32
    @usableFromInline internal var storedColumn: Int32
    @usableFromInline internal var storedOffset: Int32

    @inlinable public var line: Int {
        get { Int(storedLine) }
        set { storedLine = Int32(clamping: newValue) }
    }
    @inlinable public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = Int32(clamping: newValue) }
    }
    @inlinable public var offset: Int {
        get { Int(storedOffset) }
        set { storedOffset = Int32(clamping: newValue) }
    }

    @inlinable public init(line: Int, column: Int, offset: Int) {
        storedLine = Int32(clamping: line)
        storedColumn = Int32(clamping: column)
        storedOffset = Int32(clamping: offset)
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
