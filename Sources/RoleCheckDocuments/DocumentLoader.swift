import RoleCheckCore

/// What reading one file produced.
public struct LoadedFile: Sendable {
    public var file: SourceFile
    public var format: DocumentFormat
    public var documents: [Document]
    /// A syntax, encoding or limit error (at most one per file: parsing stops there).
    public var error: ParseError?

    package init(file: SourceFile, format: DocumentFormat, documents: [Document], error: ParseError? = nil) {
        self.file = file
        self.format = format
        self.documents = documents
        self.error = error
    }
}

/// Turns a file into documents: `.json` is strict JSON (never retried as YAML), `.yaml`/`.yml` is
/// YAML, anything else (stdin included) is recognised by its content.
public enum DocumentLoader {
    public static func format(forPath path: String, bytes: [UInt8]) -> DocumentFormat {
        let lower = path.lowercased()
        if lower.hasSuffix(".json") { return .json }
        if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") { return .yaml }
        return sniff(bytes)
    }

    /// JSON when the first significant character opens an object or array and the whole text is
    /// valid JSON; YAML otherwise (YAML flow style starts with a bracket too).
    static func sniff(_ bytes: [UInt8]) -> DocumentFormat {
        var i = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") || bytes[i] == UInt8(ascii: "[") else { return .yaml }
        return .json
    }

    public static func load(_ file: SourceFile, limits: ParseLimits = .default) -> LoadedFile {
        if file.byteCount > limits.maxFileSize {
            return LoadedFile(file: file, format: .json, documents: [],
                              error: ParseError("file is \(file.byteCount) bytes, over the \(limits.maxFileSize)-byte limit", at: 0))
        }
        var format = format(forPath: file.path, bytes: file.bytes)
        switch format {
        case .json:
            let release = limits.releaseTextAbove.map { file.byteCount >= $0 && file.canReleaseBytes } ?? false
            let result = release ? JSONParser.parseReleasingText(file: file, limits: limits) : JSONParser.parse(file: file, limits: limits)
            switch result {
            case .success(let doc):
                return LoadedFile(file: file, format: .json, documents: [doc], error: nil)
            case .failure(let error):
                let lower = file.path.lowercased()
                // Content-recognised input that is not strict JSON may still be YAML flow style.
                if !lower.hasSuffix(".json") {
                    let yaml = YAMLLoader.parse(file: file, limits: limits)
                    if yaml.error == nil { return LoadedFile(file: file, format: .yaml, documents: yaml.documents, error: nil) }
                }
                return LoadedFile(file: file, format: .json, documents: [], error: error)
            }
        case .yaml, .hcl:
            // (HCL is never sniffed: `.tf` files are read a directory at a time by the model.)
            format = .yaml
            let result = YAMLLoader.parse(file: file, limits: limits)
            return LoadedFile(file: file, format: .yaml, documents: result.documents, error: result.error)
        }
    }

    /// Parses the JSON held in a string node (a policy or security configuration stored as a
    /// string). Positions inside it map to the string's characters in the outer file.
    public static func parseEmbeddedJSON(_ node: Node, limits: ParseLimits = .default) -> Result<Document, ParseError> {
        let outer = node.document
        let text: [UInt8] = node.withValueBytes { Array($0) }
        let record = node.record
        let map: OffsetMap
        if outer.format == .json && record.flags & NodeRecord.flagVerbatim != 0 {
            // (A string without escapes, its value copied out of a released text.)
            map = .shifted(by: Int(record.start) + 1, innerLength: text.count)
        } else if outer.format == .json {
            map = OffsetMap.forJSONString(raw: outer.source, contentStart: Int(record.start) + 1,
                                          contentEnd: max(Int(record.start) + 1, Int(record.end) - 1), outerBase: 0)
        } else {
            map = yamlScalarMap(node, valueLength: text.count)
        }
        let result = JSONParser.parse(text: text, file: outer.file, origin: .embedded(in: node, map: map),
                                      skipBOM: false, limits: limits)
        switch result {
        case .success(let doc): return .success(doc)
        case .failure(var error):
            // Express the error's offset in the outer document's text.
            error.offset = map.outerOffset(error.offset)
            error.endOffset = error.endOffset.map { map.outerOffset($0) }
            return .failure(error)
        }
    }

    /// A YAML scalar maps character for character when its source text (inside the quotes, for a
    /// quoted scalar) is exactly its value; otherwise every offset maps to the scalar's start.
    static func yamlScalarMap(_ node: Node, valueLength: Int) -> OffsetMap {
        let r = node.record
        let raw = node.document.text
        var s = Int(r.start), e = min(Int(r.end), raw.count)
        if s < e, raw[s] == UInt8(ascii: "\"") || raw[s] == UInt8(ascii: "'") {
            s += 1
            e -= 1
        }
        if e - s == valueLength && s >= 0 && e <= raw.count {
            let same = node.withValueBytes { v in v.elementsEqual(raw[s..<e]) }
            if same { return .shifted(by: s, innerLength: valueLength) }
        }
        return .constant(Int(r.start), innerLength: valueLength)
    }
}
