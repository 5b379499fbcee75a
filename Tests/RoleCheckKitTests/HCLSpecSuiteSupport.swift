import Testing
@testable import RoleCheckCore
@testable import RoleCheckDocuments

/// A minimal evaluator of constant HCL expressions and an `hcldec` spec decoder, for HashiCorp's
/// HCL spec suite only: literals, templates of constants and variables, heredocs, tuples,
/// objects, traversals of variables, operators and conditionals. Numbers are Doubles (HCL's are
/// arbitrary-precision; results are compared to 12 significant digits, and the parser keeps every
/// number's full source text). Functions, `for` expressions, splats and template directives are
/// beyond it (the suite's syntax tests use none).
indirect enum HCLValue: Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case tuple([HCLValue])
    case object([String: HCLValue])

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .number(let d): HCLValue.format(d)
        case .string(let s): "\"\(s)\""
        case .tuple(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .object(let m): "{" + m.keys.sorted().map { "\($0) = \(m[$0]!)" }.joined(separator: ", ") + "}"
        }
    }

    static func format(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
        return String(d)
    }

    /// Equal, numbers to 12 significant digits.
    func matches(_ other: HCLValue) -> Bool {
        switch (self, other) {
        case (.number(let a), .number(let b)):
            return a == b || abs(a - b) <= 1e-12 * max(abs(a), abs(b))
        case (.tuple(let a), .tuple(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.matches($1) }
        case (.object(let a), .object(let b)):
            return a.count == b.count && a.allSatisfy { k, v in b[k].map { v.matches($0) } ?? false }
        default:
            return self == other
        }
    }
}

struct HCLEvalError: Error, CustomStringConvertible {
    var description: String
}

struct HCLConstantEvaluator {
    var variables: [String: HCLValue] = [:]

    func eval(_ e: HCLExpr) throws -> HCLValue {
        switch e.kind {
        case .literal(.number(let t)):
            guard let d = Double(t) else { throw HCLEvalError(description: "number \(t)") }
            return .number(d)
        case .literal(.bool(let b)): return .bool(b)
        case .literal(.null): return .null
        case .template(let parts, _):
            if parts.count == 1, case .interpolation(let inner) = parts[0].kind { return try eval(inner) }
            var s = ""
            for p in parts {
                switch p.kind {
                case .literal(let text): s += text
                case .interpolation(let inner): s += try string(eval(inner))
                case .directive: throw HCLEvalError(description: "template directives are beyond the test evaluator")
                }
            }
            return .string(s)
        case .tuple(let items): return .tuple(try items.map(eval))
        case .object(let items):
            var m: [String: HCLValue] = [:]
            for (k, v) in items { m[try string(eval(k))] = try eval(v) }
            return .object(m)
        case .scopeTraversal(let root, let steps):
            guard let v = variables[root] else { throw HCLEvalError(description: "unknown variable \(root)") }
            return try traverse(v, steps)
        case .relativeTraversal(let base, let steps): return try traverse(eval(base), steps)
        case .parenthesized(let x): return try eval(x)
        case .unary(let op, let x):
            let v = try eval(x)
            if op == "!", case .bool(let b) = v { return .bool(!b) }
            if op == "-" { return .number(-(try number(v))) }
            throw HCLEvalError(description: "bad operand for \(op)")
        case .conditional(let c, let t, let f):
            guard case .bool(let b) = try eval(c) else { throw HCLEvalError(description: "condition is not a bool") }
            return try eval(b ? t : f)
        case .binary(let op, let l, let r):
            let a = try eval(l), b = try eval(r)
            switch op {
            case "==": return .bool(a == b)
            case "!=": return .bool(a != b)
            case "&&", "||":
                guard case .bool(let x) = a, case .bool(let y) = b else { throw HCLEvalError(description: "\(op) needs bools") }
                return .bool(op == "&&" ? x && y : x || y)
            default:
                let x = try number(a), y = try number(b)
                switch op {
                case "+": return .number(x + y)
                case "-": return .number(x - y)
                case "*": return .number(x * y)
                case "/": return .number(x / y)
                case "%": return .number(x.truncatingRemainder(dividingBy: y))
                case "<": return .bool(x < y)
                case ">": return .bool(x > y)
                case "<=": return .bool(x <= y)
                case ">=": return .bool(x >= y)
                default: throw HCLEvalError(description: "operator \(op)")
                }
            }
        case .functionCall(let name, _, _): throw HCLEvalError(description: "function \(name) is beyond the test evaluator")
        case .splat, .forExpr: throw HCLEvalError(description: "splats and for expressions are beyond the test evaluator")
        }
    }

    func traverse(_ v: HCLValue, _ steps: HCLList<HCLTraversalStep>) throws -> HCLValue {
        var v = v
        for s in steps {
            switch (s.kind, v) {
            case (.attribute(let name), .object(let m)):
                guard let x = m[name] else { throw HCLEvalError(description: "no attribute \(name)") }
                v = x
            case (.index(let k), _):
                v = try index(v, eval(k))
            case (.legacyIndex(let i), _):
                v = try index(v, .number(Double(i)))
            default: throw HCLEvalError(description: "cannot traverse \(v)")
            }
        }
        return v
    }

    func index(_ v: HCLValue, _ k: HCLValue) throws -> HCLValue {
        switch v {
        case .tuple(let items):
            let i = Int(try number(k))
            guard i >= 0 && i < items.count else { throw HCLEvalError(description: "index out of range") }
            return items[i]
        case .object(let m):
            guard let x = m[try string(k)] else { throw HCLEvalError(description: "no key") }
            return x
        default: throw HCLEvalError(description: "cannot index \(v)")
        }
    }

    func string(_ v: HCLValue) throws -> String {
        switch v {
        case .string(let s): return s
        case .number(let d): return HCLValue.format(d)
        case .bool(let b): return b ? "true" : "false"
        default: throw HCLEvalError(description: "cannot convert \(v) to a string")
        }
    }

    func number(_ v: HCLValue) throws -> Double {
        switch v {
        case .number(let d): return d
        case .string(let s): if let d = Double(s) { return d }
        default: break
        }
        throw HCLEvalError(description: "cannot convert \(v) to a number")
    }
}

/// A diagnostic as the suite states it: a range in bytes (and lines and columns).
struct HCLSpecDiagnostic: Equatable, CustomStringConvertible {
    var from: SourcePosition
    var to: SourcePosition
    var description: String { "\(from.line):\(from.column) (byte \(from.offset)) – \(to.line):\(to.column) (byte \(to.offset))" }
}

/// Decodes a body with an `hcldec` spec (the forms the suite uses: literal, object, attr, block,
/// block_list, block_map, and `variables`).
struct HCLDecoder {
    var evaluator: HCLConstantEvaluator
    var diagnostics: [HCLSpecDiagnostic] = []
    let file: SourceFile

    init(file: SourceFile, variables: [String: HCLValue]) {
        self.file = file
        self.evaluator = HCLConstantEvaluator(variables: variables)
    }

    mutating func unsupported(_ range: SourceRange) {
        diagnostics.append(HCLSpecDiagnostic(from: range.start, to: range.end))
    }

    /// The value of `spec` (a block of the .hcldec file) applied to `body`.
    mutating func decode(_ spec: HCLBlock, _ body: HCLBody) throws -> HCLValue {
        switch spec.type {
        case "literal":
            let value = try #require(spec.body.attribute("value"))
            return try HCLConstantEvaluator().eval(value.expr)
        case "object":
            var out: [String: HCLValue] = [:]
            var attrNames: Set<String> = [], blockTypes: Set<String> = []
            for child in spec.body.blocks {
                let key = child.labels.first?.value ?? ""
                switch child.type {
                case "attr":
                    let name = child.body.attribute("name")?.expr.literalString ?? key
                    attrNames.insert(name)
                    out[key] = try attribute(body, name, type: child.body.attribute("type")?.expr)
                default:
                    let type = child.body.attribute("block_type")?.expr.literalString ?? key
                    blockTypes.insert(type)
                    out[key] = try blocks(child, body, type: type)
                }
            }
            for a in body.attributes where !attrNames.contains(a.name) { unsupported(a.nameRange) }
            for b in body.blocks where !blockTypes.contains(b.type) { unsupported(b.typeRange) }
            return .object(out)
        case "attr":
            let name = spec.body.attribute("name")?.expr.literalString ?? spec.labels.first?.value ?? ""
            for a in body.attributes where a.name != name { unsupported(a.nameRange) }
            return try attribute(body, name, type: spec.body.attribute("type")?.expr)
        default:
            let type = spec.body.attribute("block_type")?.expr.literalString ?? spec.labels.first?.value ?? ""
            for a in body.attributes { unsupported(a.nameRange) }
            for b in body.blocks where b.type != type { unsupported(b.typeRange) }
            return try blocks(spec, body, type: type)
        }
    }

    mutating func attribute(_ body: HCLBody, _ name: String, type: HCLExpr?) throws -> HCLValue {
        guard let a = body.attribute(name) else { return .null }
        let v = try evaluator.eval(a.expr)
        guard let type else { return v }
        return try convert(v, to: type)
    }

    func convert(_ v: HCLValue, to type: HCLExpr) throws -> HCLValue {
        switch type.kind {
        case .scopeTraversal("string", _): return v == .null ? v : .string(try evaluator.string(v))
        case .scopeTraversal("number", _): return v == .null ? v : .number(try evaluator.number(v))
        case .scopeTraversal("bool", _):
            if case .string(let s) = v, s == "true" || s == "false" { return .bool(s == "true") }
            return v
        case .functionCall("map", let args, _), .functionCall("list", let args, _):
            switch v {
            case .object(let m): return .object(try m.mapValues { try convert($0, to: args[0]) })
            case .tuple(let items): return .tuple(try items.map { try convert($0, to: args[0]) })
            default: return v
            }
        default: return v
        }
    }

    /// The nested spec of a block spec (its one child block).
    func nested(_ spec: HCLBlock) -> HCLBlock? { spec.body.blocks.first }

    mutating func blocks(_ spec: HCLBlock, _ body: HCLBody, type: String) throws -> HCLValue {
        let found = body.blocks(ofType: type)
        let inner = nested(spec)
        func value(_ b: HCLBlock) throws -> HCLValue {
            guard let inner else { return .object([:]) }
            return try decode(inner, b.body)
        }
        switch spec.type {
        case "block":
            guard let b = found.first else { return .null }
            return try value(b)
        case "block_list":
            return .tuple(try found.map(value))
        case "block_map":
            var m: [String: HCLValue] = [:]
            for b in found { m[b.labels.first?.value ?? ""] = try value(b) }
            return .object(m)
        default:
            throw HCLEvalError(description: "hcldec spec '\(spec.type)' is beyond the test decoder")
        }
    }
}

/// Whether a value has an HCL type written as in the suite's `result_type`.
func hclConforms(_ v: HCLValue, _ type: HCLExpr) -> Bool {
    switch type.kind {
    case .scopeTraversal("any", _): return true
    case .scopeTraversal("string", _): if case .string = v { return true }; return v == .null
    case .scopeTraversal("number", _): if case .number = v { return true }; return v == .null
    case .scopeTraversal("bool", _): if case .bool = v { return true }; return v == .null
    case .functionCall("object", let args, _):
        guard case .object(let attrs) = args.first?.kind, case .object(let m) = v else { return false }
        guard attrs.count == m.count else { return false }
        return attrs.allSatisfy { k, t in
            // A key is a name, `true`, `false` and `null` included (HCL's static analysis reads
            // those keywords as names too).
            var name = k.literalString
            if case .literal(.bool(let b)) = k.kind { name = b ? "true" : "false" }
            if case .literal(.null) = k.kind { name = "null" }
            guard let name, let x = m[name] else { return false }
            return hclConforms(x, t)
        }
    case .functionCall("map", let args, _):
        guard case .object(let m) = v else { return false }
        return m.values.allSatisfy { hclConforms($0, args[0]) }
    case .functionCall("list", let args, _), .functionCall("set", let args, _):
        guard case .tuple(let items) = v else { return false }
        return items.allSatisfy { hclConforms($0, args[0]) }
    default:
        return false
    }
}

/// Every range of a parsed file, checked for order and nesting: each lies inside the file and
/// inside the range of what holds it (an expression inside its attribute, a step inside its
/// traversal …), and a literal's text maps inside the literal's range. (Lines and columns are
/// `SourceFile`'s: the tree holds byte offsets.)
struct HCLRangeChecker {
    let file: SourceFile
    var problems: [String] = []
    var count = 0

    mutating func check(_ r: SourceRange, _ what: String, within outer: SourceRange) {
        count += 1
        if r.start.offset > r.end.offset { problems.append("\(what): start after end \(r)") }
        if r.start.offset < outer.start.offset || r.end.offset > outer.end.offset {
            problems.append("\(what): \(r) is not inside \(outer)")
        }
    }

    mutating func body(_ b: HCLBody) {
        let all = file.range(from: 0, to: file.bytes.count)
        check(b.range, "body", within: all)
        body(b, within: b.range)
    }

    mutating func body(_ b: HCLBody, within outer: SourceRange) {
        check(b.endRange, "body end", within: outer)
        for a in b.attributes {
            check(a.range, "attribute \(a.name)", within: outer)
            check(a.nameRange, "name of \(a.name)", within: a.range)
            expr(a.expr, within: a.range)
        }
        for bl in b.blocks {
            check(bl.range, "block \(bl.type)", within: outer)
            check(bl.typeRange, "type of \(bl.type)", within: bl.range)
            for l in bl.labels { check(l.range, "label \(l.value)", within: bl.range) }
            check(bl.body.range, "body of \(bl.type)", within: bl.range)
            body(bl.body, within: bl.body.range)
        }
    }

    mutating func steps(_ s: HCLList<HCLTraversalStep>, within outer: SourceRange) {
        for st in s {
            check(st.range, "step", within: outer)
            if case .index(let e) = st.kind { expr(e, within: st.range) }
        }
    }

    mutating func expr(_ e: HCLExpr, within outer: SourceRange) {
        let r = e.range
        check(r, HCLPrint.expr(e).prefix(60).description, within: outer)
        switch e.kind {
        case .literal: break
        case .template(let parts, _):
            for p in parts {
                check(p.range, "template part", within: r)
                switch p.kind {
                case .literal(let text):
                    // Every byte of the text maps inside the part's range.
                    for k in [0, text.utf8.count / 2, text.utf8.count] {
                        let o = p.fileOffset(ofTextOffset: k)!
                        if o < p.range.start.offset || o > p.range.end.offset { problems.append("literal offset \(k) → \(o) outside \(p.range)") }
                    }
                case .interpolation(let x): expr(x, within: p.range)
                case .directive: break
                }
            }
        case .tuple(let items): items.forEach { expr($0, within: r) }
        case .object(let items): for (k, v) in items { expr(k, within: r); expr(v, within: r) }
        case .functionCall(_, let args, _): args.forEach { expr($0, within: r) }
        case .scopeTraversal(_, let s): steps(s, within: r)
        case .relativeTraversal(let b, let s): expr(b, within: r); steps(s, within: r)
        case .splat(let b, let s, _): expr(b, within: r); steps(s, within: r)
        case .forExpr(let f):
            check(f.valueVar.range, "for variable", within: r)
            if let k = f.keyVar { check(k.range, "for key variable", within: r) }
            expr(f.collection, within: r)
            if let k = f.key { expr(k, within: r) }
            expr(f.value, within: r)
            if let c = f.condition { expr(c, within: r) }
        case .conditional(let a, let b, let c): expr(a, within: r); expr(b, within: r); expr(c, within: r)
        case .binary(_, let a, let b): expr(a, within: r); expr(b, within: r)
        case .unary(_, let a): expr(a, within: r)
        case .parenthesized(let a): expr(a, within: r)
        }
    }
}
