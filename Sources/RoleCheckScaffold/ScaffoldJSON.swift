import RoleCheckCore

/// JSON text of plan values (2-space indentation, keys in the order written, a final newline).
enum ScaffoldJSON {
    /// A document whose references have all been made literal; a reference left in it is written
    /// as its resource's name, which the plan never does (CLI documents are literal).
    static func document(_ value: ScaffoldValue) -> String {
        JSONWriter(pretty: true).document(json(value))
    }

    /// The value on one line, without a final newline (a document stored in a JSON string).
    static func compact(_ value: ScaffoldValue) -> String {
        var s = JSONWriter(pretty: false).document(json(value))
        s.removeLast()
        return s
    }

    static func json(_ value: ScaffoldValue) -> JSONValue {
        switch value {
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .array(let items): return .array(items.map(json))
        case .object(let members): return .object(members.map { ($0.0, json($0.1)) })
        case .ref(let r): return .string(r.resource.name)
        case .text(let pieces):
            return .string(pieces.map { piece in
                switch piece {
                case .literal(let t): t
                case .ref(let r): r.resource.name
                }
            }.joined())
        }
    }

    static func quoted(_ s: String) -> String { JSONText.quoted(s) }
}
