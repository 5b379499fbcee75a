import RoleCheckCore

/// Bounds that keep hostile input from exhausting time or memory. Each is far above anything a real
/// AWS export, CloudFormation template or Terraform plan reaches (see docs/limits.md).
public struct ParseLimits: Sendable {
    /// Largest file read, in bytes. An `get-account-authorization-details` export of 20,000 roles is
    /// about 100 MB.
    public var maxFileSize: Int = 512 * 1024 * 1024
    /// Deepest nesting of arrays and objects. Real configurations stay under 30 levels.
    public var maxDepth: Int = 512
    /// Most nodes that YAML aliases may add to one document by expansion (an alias bomb stops here).
    public var maxAliasExpansion: Int = 1_000_000
    /// Most documents in one YAML stream.
    public var maxDocumentsPerStream: Int = 10_000
    /// A JSON file read from disk of at least this many bytes gives its text back once parsed:
    /// its document copies its values (about a third of an AWS CLI export, the rest being
    /// layout) and the file is read again only where a finding needs a position, an excerpt or a
    /// fix. Nil keeps every text. Not a bound on input; it only trades memory for a second read.
    public var releaseTextAbove: Int? = 1 << 20

    public init() {}

    public static let `default` = ParseLimits()
}

/// A document that could not be read: the reason and where, as a byte offset into the text that
/// was parsed (mapped to the file by the loader).
public struct ParseError: Error, Sendable, Equatable {
    public var message: String
    public var offset: Int
    public var endOffset: Int?

    public init(_ message: String, at offset: Int, to endOffset: Int? = nil) {
        self.message = message
        self.offset = offset
        self.endOffset = endOffset
    }
}

/// Describes the byte at `offset` for an error message (`'x'`, `end of input`, `byte 0x9C`).
func describeByte(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int) -> String {
    guard offset < bytes.count else { return "end of input" }
    let b = bytes[offset]
    switch b {
    case 0x20..<0x7F: return "'\(Character(UnicodeScalar(b)))'"
    case 0x09: return "a tab"
    case 0x0A, 0x0D: return "a line break"
    case 0x00: return "a NUL byte"
    default:
        let hex = String(b, radix: 16, uppercase: true)
        return "byte 0x\(hex.count == 1 ? "0" + hex : hex)"
    }
}
