import RoleCheckCore

// The positioned syntax tree of HCL's native syntax (Terraform's `.tf` files), as `HCLParser`
// builds it. Every element carries its source range (1-based lines, columns in Unicode scalars,
// byte offsets), so a finding can point at an attribute, a block label, an element of a tuple or
// a character inside a heredoc.
//
// The tree is syntax only: nothing is evaluated, and no name is resolved. No expression is
// deeper than `ParseLimits.maxDepth + 1` levels and no block nesting deeper than
// `ParseLimits.maxDepth`, so a recursive walk of a parsed file stays within a small stack.

/// A parsed file: its top-level body.
public struct HCLFile: Sendable {
    public let file: SourceFile
    public let body: HCLBody

    public init(file: SourceFile, body: HCLBody) {
        self.file = file
        self.body = body
    }
}

/// The attributes and blocks of a file or of a block, each in source order.
public struct HCLBody: Sendable {
    public let attributes: [HCLAttribute]
    public let blocks: [HCLBlock]
    /// A block's body: from its `{` to its `}` inclusive. The file's body: the whole file.
    public let range: SourceRange
    /// Where something would be added: an empty range just before the closing `}` (or at the end
    /// of the file, for the file's body).
    public let endRange: SourceRange

    public init(attributes: [HCLAttribute], blocks: [HCLBlock], range: SourceRange, endRange: SourceRange) {
        self.attributes = attributes
        self.blocks = blocks
        self.range = range
        self.endRange = endRange
    }

    /// The attribute of that name, if any (a body cannot define one twice in valid HCL; if it
    /// does, the first).
    public func attribute(_ name: String) -> HCLAttribute? { attributes.first { $0.name == name } }

    /// The blocks of one type, in source order.
    public func blocks(ofType type: String) -> [HCLBlock] { blocks.filter { $0.type == type } }
}

/// `name = expression`.
public struct HCLAttribute: Sendable {
    public let name: String
    public let nameRange: SourceRange
    public let expr: HCLExpr
    /// From the name to the end of the expression.
    public let range: SourceRange

    public init(name: String, nameRange: SourceRange, expr: HCLExpr, range: SourceRange) {
        self.name = name
        self.nameRange = nameRange
        self.expr = expr
        self.range = range
    }
}

/// `type "label" label { body }` (a one-line block `type { name = value }` too).
public struct HCLBlock: Sendable {
    public let type: String
    public let typeRange: SourceRange
    /// Quoted labels are decoded (escapes resolved); a label's range includes its quotes.
    public let labels: [(value: String, range: SourceRange)]
    public let body: HCLBody
    /// From the type to the closing `}` inclusive.
    public let range: SourceRange

    public init(type: String, typeRange: SourceRange, labels: [(value: String, range: SourceRange)], body: HCLBody,
                range: SourceRange) {
        self.type = type
        self.typeRange = typeRange
        self.labels = labels
        self.body = body
        self.range = range
    }
}

/// An expression and where it is.
public struct HCLExpr: Sendable {
    public let kind: HCLExprKind
    public let range: SourceRange

    public init(kind: HCLExprKind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }

    /// The text of a string written without interpolation or directives (`"a"`, a heredoc
    /// without `${`), else nil.
    public var literalString: String? {
        if case .template(let parts, _) = kind, parts.count == 1, case .literal(let text, _, _) = parts[0] { return text }
        return nil
    }
}

public indirect enum HCLExprKind: Sendable {
    /// A number (its source text, full precision), `true`, `false` or `null`.
    case literal(HCLLiteral)
    /// A quoted string (`heredoc: false`) or a heredoc. A string without interpolation or
    /// directive is exactly one `.literal` part (`""` too: one empty literal). A template that is
    /// exactly one `.interpolation` and nothing else (`"${x}"`) yields the value of `x` itself,
    /// not a string (HCL's "unwrapping").
    case template([HCLTemplatePart], heredoc: Bool)
    case tuple([HCLExpr])
    /// Keys are expressions. A bare identifier key (`{ name = 1 }`) is a literal string: a
    /// `.template` of one literal part whose range is the identifier. `{ (name) = 1 }` is a
    /// `.parenthesized` variable reference; `{ true = 1 }` a `.literal(.bool(true))`.
    case object([(key: HCLExpr, value: HCLExpr)])
    /// `name(args)`; a provider function's name keeps its `::` (`provider::aws::arn_parse`).
    /// `expandFinal`: the last argument was followed by `...`.
    case functionCall(name: String, args: [HCLExpr], expandFinal: Bool)
    /// A variable and its attribute and index steps: `var.x`, `local.y`, `aws_iam_role.r.arn`,
    /// `data.x.y.json`, `each.value`, `count.index`, `x[0]`, `x["k"]`, `x.0` (legacy index).
    case scopeTraversal(root: String, steps: [HCLTraversalStep])
    /// Steps applied to another expression: `(expr).attr`, `f(x)[0]`, `[1, 2][0]`.
    case relativeTraversal(HCLExpr, [HCLTraversalStep])
    /// `x[*].y` (`full: true`: every following step, attribute or index, applies to each element)
    /// and `x.*.y` (`full: false`: attribute steps only; a following `[i]` indexes the result,
    /// as a `.relativeTraversal` around the splat). A splat inside a splat's steps
    /// (`x[*].a[*].b`) is written as a splat of the first splat's result, `(x[*].a)[*].b`; HCL
    /// maps the inner splat over each element (the two differ only for lists of lists).
    case splat(HCLExpr, [HCLTraversalStep], full: Bool)
    case forExpr(HCLForExpr)
    /// `condition ? whenTrue : whenFalse`.
    case conditional(HCLExpr, HCLExpr, HCLExpr)
    /// `||`, `&&`, `==`, `!=`, `<`, `>`, `<=`, `>=`, `+`, `-`, `*`, `/`, `%`.
    case binary(String, HCLExpr, HCLExpr)
    /// `-` or `!`.
    case unary(String, HCLExpr)
    case parenthesized(HCLExpr)
}

public enum HCLLiteral: Sendable {
    /// The number's source text (`5`, `3.14159…`, `1e10`), at full precision.
    case number(String)
    case bool(Bool)
    case null
}

public enum HCLTemplatePart: Sendable {
    /// Literal text, decoded: escapes resolved (`\n`, `\"`, `\u00e9`, `$${` → `${`, `%%{` → `%{`),
    /// strip markers (`~`) and a `<<-` heredoc's indentation applied. `range` covers the source
    /// characters the text came from. `offsetMap` maps a byte offset in `text` (UTF-8) to a byte
    /// offset in the file; nil when the text is byte for byte the source from `range.start`
    /// (then offset `k` is `range.start.offset + k`). `fileOffset(ofTextOffset:)` handles both.
    /// The text is not Unicode-normalised: HCL compares strings after NFC normalisation, as
    /// Swift's `String ==` does.
    case literal(text: String, range: SourceRange, offsetMap: OffsetMap?)
    /// `${ expr }`; the range includes `${` and `}`.
    case interpolation(HCLExpr, range: SourceRange)
    /// `%{ if … }`, `%{ else }`, `%{ endif }`, `%{ for … in … }`, `%{ endfor }`: one part per
    /// directive, kept in order between the literals they enclose; the parser checks their syntax
    /// and nesting, but does not expose their expressions.
    case directive(range: SourceRange)

    public var range: SourceRange {
        switch self {
        case .literal(_, let range, _), .interpolation(_, let range), .directive(let range): range
        }
    }

    /// For a literal part, the file offset of byte `textOffset` of its text (the end of the
    /// literal for an offset past its end); nil for other parts.
    public func fileOffset(ofTextOffset textOffset: Int) -> Int? {
        guard case .literal(let text, let range, let map) = self else { return nil }
        if let map { return map.outerOffset(textOffset) }
        return range.start.offset + max(0, min(textOffset, text.utf8.count))
    }

    /// For a literal part, the map from its text to file offsets (built when the part has none).
    public var sourceMap: OffsetMap? {
        guard case .literal(let text, let range, let map) = self else { return nil }
        return map ?? .shifted(by: range.start.offset, innerLength: text.utf8.count)
    }
}

public enum HCLTraversalStep: Sendable {
    /// `.name`; the range covers the dot and the name.
    case attribute(String, SourceRange)
    /// `[expr]`; the range covers the brackets.
    case index(HCLExpr, SourceRange)
    /// `.0` (HIL's index syntax, kept by HCL for old configurations); the range covers the dot.
    case legacyIndex(Int, SourceRange)

    public var range: SourceRange {
        switch self {
        case .attribute(_, let r), .index(_, let r), .legacyIndex(_, let r): r
        }
    }
}

/// `[for k, v in collection : value if condition]` and
/// `{for k, v in collection : key => value... if condition}`.
public struct HCLForExpr: Sendable {
    /// The key (or index) variable, when two names are given.
    public let keyVar: (name: String, range: SourceRange)?
    public let valueVar: (name: String, range: SourceRange)
    public let collection: HCLExpr
    /// The key expression of an object `for` (`key => value`); nil for a tuple `for`.
    public let key: HCLExpr?
    public let value: HCLExpr
    /// The `if` filter.
    public let condition: HCLExpr?
    /// `...` after the value: an object `for` groups the values of equal keys into tuples.
    public let grouping: Bool
    /// Whether it builds an object (`{for …}`) rather than a tuple (`[for …]`).
    public var isObject: Bool { key != nil }

    public init(keyVar: (name: String, range: SourceRange)?, valueVar: (name: String, range: SourceRange),
                collection: HCLExpr, key: HCLExpr?, value: HCLExpr, condition: HCLExpr?, grouping: Bool) {
        self.keyVar = keyVar
        self.valueVar = valueVar
        self.collection = collection
        self.key = key
        self.value = value
        self.condition = condition
        self.grouping = grouping
    }
}
