import RoleCheckCore

extension DocumentLoader {
    /// Whether a string holds a URL-encoded JSON document, as the raw IAM API returns policies
    /// (`%7B%22Version%22…`).
    public static func looksURLEncoded(_ node: Node) -> Bool {
        node.withValueBytes { v in
            var i = 0
            while i < v.count, v[i] == 0x20 || v[i] == 0x0A || v[i] == 0x0D || v[i] == 0x09 { i += 1 }
            return i + 2 < v.count && v[i] == UInt8(ascii: "%") && v[i + 1] == UInt8(ascii: "7")
                && (v[i + 2] == UInt8(ascii: "B") || v[i + 2] == UInt8(ascii: "b"))
        }
    }

    /// Parses a URL-encoded (RFC 3986, `+` read as a space) JSON document held in a string.
    /// Positions map to the encoded characters in the outer file.
    public static func parseEmbeddedURLEncodedJSON(_ node: Node, limits: ParseLimits = .default) -> Result<Document, ParseError> {
        let outer = node.document
        let raw: [UInt8] = node.withValueBytes { Array($0) }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(raw.count)
        var innerStarts: [Int] = [], rawStarts: [Int] = [], linear: [Bool] = []
        var inPlain = false
        var i = 0
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        while i < raw.count {
            if raw[i] == UInt8(ascii: "%"), i + 2 < raw.count, let h = hex(raw[i + 1]), let l = hex(raw[i + 2]) {
                innerStarts.append(decoded.count); rawStarts.append(i); linear.append(false)
                inPlain = false
                decoded.append(h << 4 | l)
                i += 3
            } else {
                if !inPlain {
                    innerStarts.append(decoded.count); rawStarts.append(i); linear.append(true)
                    inPlain = true
                }
                decoded.append(raw[i] == UInt8(ascii: "+") ? 0x20 : raw[i])
                i += 1
            }
        }
        // Raw offsets are offsets in the string's value; they equal offsets in the outer text
        // only when the literal has no escapes (always true of URL-encoded text in JSON, and of
        // plain or quoted YAML scalars written on one line).
        let record = node.record
        let literalStart = Int(record.start) + (outer.format == .json || node.isQuotedScalar ? 1 : 0)
        let literalLength = Int(record.end) - Int(record.start) - (outer.format == .json || node.isQuotedScalar ? 2 : 0)
        let map: OffsetMap
        if literalLength == raw.count && innerStarts.count > 0 {
            map = OffsetMap(innerStarts: innerStarts, outerStarts: rawStarts.map { $0 + literalStart }, linear: linear,
                            innerEnd: decoded.count, outerEnd: literalStart + raw.count)
        } else {
            map = .constant(Int(record.start), innerLength: decoded.count)
        }
        let result = JSONParser.parse(text: decoded, file: outer.file, origin: .embedded(in: node, map: map),
                                      skipBOM: false, limits: limits)
        switch result {
        case .success(let doc): return .success(doc)
        case .failure(var error):
            error.offset = map.outerOffset(error.offset)
            error.endOffset = error.endOffset.map { map.outerOffset($0) }
            return .failure(error)
        }
    }
}
