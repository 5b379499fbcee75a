import RoleCheckCore

// The positioned syntax tree of HCL's native syntax (Terraform's `.tf` files), as `HCLParser`
// builds it. Every element has its source range (1-based lines, columns in Unicode scalars,
// byte offsets), so a finding can point at an attribute, a block label, an element of a tuple or
// a character inside a heredoc.
//
// The tree is flat, as `Document` is: the parser writes one array of small records (byte
// offsets, the kind, indexes of children) and a few side arrays, and the types below are views
// of one record each (the tree and an index). Names and literal text are read from the file's
// bytes when asked for, and a `range` (line and column) is resolved from the offsets by
// `SourceFile`, so a reader that needs only offsets (`offsets`) never pays for positions.
//
// The tree is syntax only: nothing is evaluated, and no name is resolved. No expression is
// deeper than `ParseLimits.maxDepth + 1` levels and no block nesting deeper than
// `ParseLimits.maxDepth`, so a recursive walk of a parsed file stays within a small stack.

/// A parsed file: its top-level body.
public struct HCLFile: Sendable {
    public let file: SourceFile
    public let body: HCLBody

    init(tree: HCLTree, body: Int) {
        self.file = tree.file
        self.body = HCLBody(tree: tree, index: body)
    }
}

/// The attributes and blocks of a file or of a block, each in source order.
public struct HCLBody: Sendable {
    let tree: HCLTree
    let index: Int

    /// The attributes, in source order.
    public var attributes: HCLList<HCLAttribute> {
        let r = tree.records[index]
        return HCLList(tree: tree, start: Int(r.a), count: Int(r.b), element: HCLAttribute.link)
    }

    /// The blocks, in source order.
    public var blocks: HCLList<HCLBlock> {
        let r = tree.records[index]
        return HCLList(tree: tree, start: Int(r.a) + Int(r.b), count: Int(r.c), element: HCLBlock.link)
    }

    /// A block's body: from its `{` to its `}` inclusive. The file's body: the whole file.
    public var range: SourceRange { tree.range(of: index) }
    public var offsets: Range<Int> { tree.offsets(of: index) }

    /// Where something would be added: an empty range just before the closing `}` (or at the end
    /// of the file, for the file's body).
    public var endRange: SourceRange {
        let o = endOffset
        return tree.file.range(from: o, to: o)
    }

    /// The offset of `endRange`.
    public var endOffset: Int {
        let r = tree.records[index]
        return Int(r.end) - (r.flags & HCLRecord.flagClosed != 0 ? 1 : 0)
    }

    /// The attribute of that name, if any (a body cannot define one twice in valid HCL; if it
    /// does, the first).
    public func attribute(_ name: String) -> HCLAttribute? {
        attributes.first { tree.sourceEquals(tree.records[$0.index].start, tree.records[$0.index].c, name) }
    }

    /// The blocks of one type, in source order.
    public func blocks(ofType type: String) -> [HCLBlock] {
        blocks.filter { tree.sourceEquals(tree.records[$0.index].start, tree.records[$0.index].c, type) }
    }
}

/// `name = expression`.
public struct HCLAttribute: Sendable {
    let tree: HCLTree
    let index: Int

    static let link: @Sendable (HCLTree, Int) -> HCLAttribute = { HCLAttribute(tree: $0, index: Int($0.links[$1])) }

    public var name: String {
        let r = tree.records[index]
        return tree.sourceText(r.start, r.c)
    }

    public var nameRange: SourceRange {
        let r = tree.records[index]
        return tree.file.range(from: Int(r.start), to: Int(r.c))
    }

    public var nameOffsets: Range<Int> {
        let r = tree.records[index]
        return Int(r.start)..<Int(r.c)
    }

    public var expr: HCLExpr { HCLExpr(tree: tree, index: Int(tree.records[index].a)) }

    /// From the name to the end of the expression.
    public var range: SourceRange { tree.range(of: index) }
    public var offsets: Range<Int> { tree.offsets(of: index) }
}

/// `type "label" label { body }` (a one-line block `type { name = value }` too).
public struct HCLBlock: Sendable {
    let tree: HCLTree
    let index: Int

    static let link: @Sendable (HCLTree, Int) -> HCLBlock = { HCLBlock(tree: $0, index: Int($0.links[$1])) }

    public var type: String {
        let r = tree.records[index]
        return tree.sourceText(r.start, r.c)
    }

    public var typeRange: SourceRange {
        let r = tree.records[index]
        return tree.file.range(from: Int(r.start), to: Int(r.c))
    }

    public var typeOffsets: Range<Int> {
        let r = tree.records[index]
        return Int(r.start)..<Int(r.c)
    }

    /// Quoted labels are decoded (escapes resolved); a label's range includes its quotes.
    public var labels: HCLList<HCLLabel> {
        let r = tree.records[index]
        return HCLList(tree: tree, start: Int(r.a), count: Int(r.b), element: HCLLabel.link)
    }

    /// The body's record is written just before the block's.
    public var body: HCLBody { HCLBody(tree: tree, index: index - 1) }

    /// From the type to the closing `}` inclusive.
    public var range: SourceRange { tree.range(of: index) }
    public var offsets: Range<Int> { tree.offsets(of: index) }
}

/// A block label: a name, or a quoted string without template sequences.
public struct HCLLabel: Sendable {
    let tree: HCLTree
    let index: Int

    static let link: @Sendable (HCLTree, Int) -> HCLLabel = { HCLLabel(tree: $0, index: Int($0.links[$1])) }

    /// The label's text, escapes resolved.
    public var value: String {
        let r = tree.records[index]
        if r.flags & HCLRecord.flagQuoted != 0 { return tree.literalText(Int(r.a)) }
        return tree.sourceText(r.start, r.end)
    }

    /// The label, its quotes included.
    public var range: SourceRange { tree.range(of: index) }
    public var offsets: Range<Int> { tree.offsets(of: index) }
}

/// A variable of a `for` expression.
public struct HCLName: Sendable {
    let tree: HCLTree
    let index: Int

    public var name: String {
        let r = tree.records[index]
        return tree.sourceText(r.start, r.end)
    }

    public var range: SourceRange { tree.range(of: index) }
    public var offsets: Range<Int> { tree.offsets(of: index) }
}

/// An expression and where it is.
public struct HCLExpr: Sendable {
    let tree: HCLTree
    let index: Int

    static let link: @Sendable (HCLTree, Int) -> HCLExpr = { HCLExpr(tree: $0, index: Int($0.links[$1])) }

    init(tree: HCLTree, index: Int) {
        self.tree = tree
        self.index = index
    }

    public var range: SourceRange { tree.range(of: index) }
    public var offsets: Range<Int> { tree.offsets(of: index) }

    public var kind: HCLExprKind {
        let r = tree.records[index]
        switch r.kind {
        case .number: return .literal(.number(tree.sourceText(r.start, r.end)))
        case .bool: return .literal(.bool(r.flags & HCLRecord.flagTrue != 0))
        case .null: return .literal(.null)
        case .template:
            return .template(HCLList(tree: tree, start: Int(r.a), count: Int(r.b), element: HCLTemplatePart.link),
                             heredoc: r.flags & HCLRecord.flagHeredoc != 0)
        case .tuple: return .tuple(HCLList(tree: tree, start: Int(r.a), count: Int(r.b), element: HCLExpr.link))
        case .object: return .object(HCLList(tree: tree, start: Int(r.a), count: Int(r.b) / 2, stride: 2, element: Self.pair))
        case .call:
            let name = r.flags & HCLRecord.flagNameInTable != 0 ? tree.names[Int(r.c)] : tree.sourceText(r.start, r.c)
            return .functionCall(name: name, args: HCLList(tree: tree, start: Int(r.a), count: Int(r.b), element: HCLExpr.link),
                                 expandFinal: r.flags & HCLRecord.flagExpand != 0)
        case .scope:
            return .scopeTraversal(root: tree.sourceText(r.start, r.c), steps: steps(r))
        case .relative:
            return .relativeTraversal(HCLExpr(tree: tree, index: Int(r.c)), steps(r))
        case .splat:
            return .splat(HCLExpr(tree: tree, index: Int(r.c)), steps(r), full: r.flags & HCLRecord.flagFull != 0)
        case .forExpr: return .forExpr(HCLForExpr(tree: tree, record: r))
        case .conditional:
            return .conditional(HCLExpr(tree: tree, index: Int(r.a)), HCLExpr(tree: tree, index: Int(r.b)), HCLExpr(tree: tree, index: Int(r.c)))
        case .binary:
            return .binary(HCLState.opText(HCLTokenKind(rawValue: UInt8(truncatingIfNeeded: r.c))!),
                           HCLExpr(tree: tree, index: Int(r.a)), HCLExpr(tree: tree, index: Int(r.b)))
        case .unary:
            return .unary(HCLState.opText(HCLTokenKind(rawValue: UInt8(truncatingIfNeeded: r.c))!), HCLExpr(tree: tree, index: Int(r.a)))
        case .paren: return .parenthesized(HCLExpr(tree: tree, index: Int(r.a)))
        default: fatalError("HCL tree: record \(index) is not an expression")
        }
    }

    static let pair: @Sendable (HCLTree, Int) -> (key: HCLExpr, value: HCLExpr) = {
        (HCLExpr(tree: $0, index: Int($0.links[$1])), HCLExpr(tree: $0, index: Int($0.links[$1 + 1])))
    }

    func steps(_ r: HCLRecord) -> HCLList<HCLTraversalStep> {
        HCLList(tree: tree, start: Int(r.a), count: Int(r.b), element: HCLTraversalStep.link)
    }

    /// The text of a string written without interpolation or directives (`"a"`, a heredoc
    /// without `${`), else nil.
    public var literalString: String? {
        let r = tree.records[index]
        guard r.kind == .template, r.b == 1 else { return nil }
        let part = Int(tree.links[Int(r.a)])
        guard tree.records[part].kind == .literalPart else { return nil }
        return tree.literalText(part)
    }
}

public enum HCLExprKind: Sendable {
    /// A number (its source text, full precision), `true`, `false` or `null`.
    case literal(HCLLiteral)
    /// A quoted string (`heredoc: false`) or a heredoc. A string without interpolation or
    /// directive is exactly one literal part (`""` too: one empty literal). A template that is
    /// exactly one interpolation and nothing else (`"${x}"`) yields the value of `x` itself,
    /// not a string (HCL's "unwrapping").
    case template(HCLList<HCLTemplatePart>, heredoc: Bool)
    case tuple(HCLList<HCLExpr>)
    /// Keys are expressions. A bare identifier key (`{ name = 1 }`) is a literal string: a
    /// `.template` of one literal part whose range is the identifier. `{ (name) = 1 }` is a
    /// `.parenthesized` variable reference; `{ true = 1 }` a `.literal(.bool(true))`.
    case object(HCLList<(key: HCLExpr, value: HCLExpr)>)
    /// `name(args)`; a provider function's name keeps its `::` (`provider::aws::arn_parse`).
    /// `expandFinal`: the last argument was followed by `...`.
    case functionCall(name: String, args: HCLList<HCLExpr>, expandFinal: Bool)
    /// A variable and its attribute and index steps: `var.x`, `local.y`, `aws_iam_role.r.arn`,
    /// `data.x.y.json`, `each.value`, `count.index`, `x[0]`, `x["k"]`, `x.0` (legacy index).
    case scopeTraversal(root: String, steps: HCLList<HCLTraversalStep>)
    /// Steps applied to another expression: `(expr).attr`, `f(x)[0]`, `[1, 2][0]`.
    case relativeTraversal(HCLExpr, HCLList<HCLTraversalStep>)
    /// `x[*].y` (`full: true`: every following step, attribute or index, applies to each element)
    /// and `x.*.y` (`full: false`: attribute steps only; a following `[i]` indexes the result,
    /// as a `.relativeTraversal` around the splat). A splat inside a splat's steps
    /// (`x[*].a[*].b`) is written as a splat of the first splat's result, `(x[*].a)[*].b`; HCL
    /// maps the inner splat over each element (the two differ only for lists of lists).
    case splat(HCLExpr, HCLList<HCLTraversalStep>, full: Bool)
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

/// A part of a template: literal text, an interpolation or a directive.
public struct HCLTemplatePart: Sendable {
    let tree: HCLTree
    let index: Int

    static let link: @Sendable (HCLTree, Int) -> HCLTemplatePart = { HCLTemplatePart(tree: $0, index: Int($0.links[$1])) }

    public enum Kind: Sendable {
        /// Literal text, decoded: escapes resolved (`\n`, `\"`, `\u00e9`, `$${` → `${`, `%%{` →
        /// `%{`), strip markers (`~`) and a `<<-` heredoc's indentation applied. The range
        /// covers the source characters the text came from. The text is not
        /// Unicode-normalised: HCL compares strings after NFC normalisation, as Swift's
        /// `String ==` does.
        case literal(String)
        /// `${ expr }`; the range includes `${` and `}`.
        case interpolation(HCLExpr)
        /// `%{ if … }`, `%{ else }`, `%{ endif }`, `%{ for … in … }`, `%{ endfor }`: one part per
        /// directive, kept in order between the literals they enclose; the parser checks their
        /// syntax and nesting, but does not expose their expressions.
        case directive
    }

    public var kind: Kind {
        let r = tree.records[index]
        switch r.kind {
        case .literalPart: return .literal(tree.literalText(index))
        case .interpolationPart: return .interpolation(HCLExpr(tree: tree, index: Int(r.a)))
        default: return .directive
        }
    }

    public var isLiteral: Bool { tree.records[index].kind == .literalPart }

    /// A literal part's text, else nil.
    public var text: String? { isLiteral ? tree.literalText(index) : nil }

    public var range: SourceRange { tree.range(of: index) }
    public var offsets: Range<Int> { tree.offsets(of: index) }

    /// For a literal part, the map from a byte offset in its text (UTF-8) to a byte offset in
    /// the file; nil when the text is byte for byte the source from `offsets.lowerBound` (then
    /// offset `k` is `offsets.lowerBound + k`), and for other parts. `fileOffset(ofTextOffset:)`
    /// handles both.
    public var offsetMap: OffsetMap? {
        let r = tree.records[index]
        guard r.kind == .literalPart, r.flags & HCLRecord.flagSide != 0 else { return nil }
        let header = tree.segments[Int(r.c)]
        let count = Int(header.inner)
        var inner: [Int] = [], outer: [Int] = [], linear: [Bool] = []
        inner.reserveCapacity(count)
        outer.reserveCapacity(count)
        linear.reserveCapacity(count)
        for s in tree.segments[Int(r.c) + 1...Int(r.c) + count] {
            inner.append(Int(s.inner))
            outer.append(Int(s.outer & ~HCLSegment.nonLinear))
            linear.append(s.outer & HCLSegment.nonLinear == 0)
        }
        return OffsetMap(innerStarts: inner, outerStarts: outer, linear: linear, innerEnd: Int(r.b), outerEnd: Int(r.end))
    }

    /// For a literal part, the file offset of byte `textOffset` of its text (the end of the
    /// literal for an offset past its end); nil for other parts.
    public func fileOffset(ofTextOffset textOffset: Int) -> Int? {
        let r = tree.records[index]
        guard r.kind == .literalPart else { return nil }
        if r.flags & HCLRecord.flagSide == 0 { return Int(r.start) + max(0, min(textOffset, Int(r.end) - Int(r.start))) }
        return offsetMap!.outerOffset(textOffset)
    }

    /// For a literal part, the map from its text to file offsets (built when the part has none).
    public var sourceMap: OffsetMap? {
        let r = tree.records[index]
        guard r.kind == .literalPart else { return nil }
        return offsetMap ?? .shifted(by: Int(r.start), innerLength: Int(r.end) - Int(r.start))
    }
}

/// A step of a traversal: `.name`, `[expr]` or `.0`.
public struct HCLTraversalStep: Sendable {
    let tree: HCLTree
    let index: Int

    static let link: @Sendable (HCLTree, Int) -> HCLTraversalStep = { HCLTraversalStep(tree: $0, index: Int($0.links[$1])) }

    public enum Kind: Sendable {
        /// `.name`; the range covers the dot and the name.
        case attribute(String)
        /// `[expr]`; the range covers the brackets.
        case index(HCLExpr)
        /// `.0` (HIL's index syntax, kept by HCL for old configurations); the range covers the dot.
        case legacyIndex(Int)
    }

    public var kind: Kind {
        let r = tree.records[index]
        switch r.kind {
        case .attributeStep: return .attribute(tree.sourceText(r.c, r.end))
        case .indexStep: return .index(HCLExpr(tree: tree, index: Int(r.a)))
        default: return .legacyIndex(Int(r.a) | Int(r.b) << 32)
        }
    }

    /// An attribute step's name, else nil.
    public var attributeName: String? {
        let r = tree.records[index]
        return r.kind == .attributeStep ? tree.sourceText(r.c, r.end) : nil
    }

    public var range: SourceRange { tree.range(of: index) }
    public var offsets: Range<Int> { tree.offsets(of: index) }
}

/// `[for k, v in collection : value if condition]` and
/// `{for k, v in collection : key => value... if condition}`.
public struct HCLForExpr: Sendable {
    /// The key (or index) variable, when two names are given.
    public let keyVar: HCLName?
    public let valueVar: HCLName
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

    /// Its children are linked in the order key variable (if any), value variable, collection,
    /// key (if any), value, condition (if any).
    init(tree: HCLTree, record r: HCLRecord) {
        var k = Int(r.a)
        func next() -> Int { defer { k += 1 }; return Int(tree.links[k]) }
        keyVar = r.flags & HCLRecord.flagKeyVar != 0 ? HCLName(tree: tree, index: next()) : nil
        valueVar = HCLName(tree: tree, index: next())
        collection = HCLExpr(tree: tree, index: next())
        key = r.flags & HCLRecord.flagKey != 0 ? HCLExpr(tree: tree, index: next()) : nil
        value = HCLExpr(tree: tree, index: next())
        condition = r.flags & HCLRecord.flagCondition != 0 ? HCLExpr(tree: tree, index: next()) : nil
        grouping = r.flags & HCLRecord.flagGrouping != 0
    }
}

/// Elements of the tree in source order (attributes, blocks, labels, expressions, template parts,
/// traversal steps, object members), read from the tree when asked for.
public struct HCLList<Element>: RandomAccessCollection, Sendable {
    let tree: HCLTree
    /// The first element's position in `tree.links`.
    let start: Int
    public let count: Int
    /// Links per element (2 for an object's key and value).
    let stride: Int
    /// The element whose (first) link is at a position of `tree.links`.
    let element: @Sendable (HCLTree, Int) -> Element

    init(tree: HCLTree, start: Int, count: Int, stride: Int = 1, element: @escaping @Sendable (HCLTree, Int) -> Element) {
        self.tree = tree
        self.start = start
        self.count = count
        self.stride = stride
        self.element = element
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> Element {
        precondition(position >= 0 && position < count, "HCLList index out of range")
        return element(tree, start + position * stride)
    }
}

// MARK: - Storage

/// One record of the flat tree: a node's byte offsets in the file, its kind, and three fields
/// whose meaning depends on the kind (see `HCLRecordKind`). Children are written before their
/// parents; a list of children is a run of `HCLTree.links`.
struct HCLRecord {
    var start: UInt32
    var end: UInt32
    var a: UInt32
    var b: UInt32
    var c: UInt32
    var kind: HCLRecordKind
    var flags: UInt8

    init(_ kind: HCLRecordKind, _ start: Int, _ end: Int, a: Int = 0, b: Int = 0, c: Int = 0, flags: UInt8 = 0) {
        self.start = UInt32(truncatingIfNeeded: start)
        self.end = UInt32(truncatingIfNeeded: end)
        self.a = UInt32(truncatingIfNeeded: a)
        self.b = UInt32(truncatingIfNeeded: b)
        self.c = UInt32(truncatingIfNeeded: c)
        self.kind = kind
        self.flags = flags
    }

    static let flagTrue: UInt8 = 1          // bool
    static let flagHeredoc: UInt8 = 1       // template
    static let flagExpand: UInt8 = 1        // call: `...` after the last argument
    static let flagNameInTable: UInt8 = 2   // call: the name is `HCLTree.names[c]`
    static let flagFull: UInt8 = 1          // splat: `[*]`
    static let flagSide: UInt8 = 1          // literal part: the text is in `HCLTree.side`
    static let flagQuoted: UInt8 = 1        // label
    static let flagClosed: UInt8 = 1        // body: ends with its `}`
    static let flagKeyVar: UInt8 = 1        // for
    static let flagKey: UInt8 = 2
    static let flagCondition: UInt8 = 4
    static let flagGrouping: UInt8 = 8
}

/// What a record is, and what its fields `a`, `b`, `c` hold ("links a, b": `b` links from
/// position `a` of `HCLTree.links`).
enum HCLRecordKind: UInt8 {
    /// The text is the source from `start` to `end`.
    case number
    case bool, null
    /// Parts: links a, b.
    case template
    /// Elements: links a, b.
    case tuple
    /// Keys and values, alternating: links a, b (b = 2 × members).
    case object
    /// Arguments: links a, b. The name is the source from `start` to `c` (or `HCLTree.names[c]`).
    case call
    /// Steps: links a, b. The root is the source from `start` to `c`.
    case scope
    /// Steps: links a, b. The base expression: record c.
    case relative
    case splat
    /// Links a, b: see `HCLForExpr.init`.
    case forExpr
    /// Condition, true and false expressions: records a, b, c.
    case conditional
    /// Operands: records a, b; the operator: `HCLTokenKind(rawValue: c)`.
    case binary
    /// Operand: record a; the operator: `HCLTokenKind(rawValue: c)`.
    case unary
    /// Record a.
    case paren
    /// The source from `start` to `end`, or (`flagSide`) `b` bytes of `HCLTree.side` from `a`,
    /// with the segments of its offset map at `HCLTree.segments[c]` (a header, then its
    /// segments).
    case literalPart
    /// Record a.
    case interpolationPart
    case directivePart
    /// The name is the source from `c` to `end`.
    case attributeStep
    /// Record a.
    case indexStep
    /// The index: `a | b << 32`.
    case legacyIndexStep
    /// A `for` variable: the source from `start` to `end`.
    case name
    /// The source from `start` to `end`, or (`flagQuoted`) the text of the literal part record a.
    case label
    /// The name is the source from `start` to `c`; the expression is record a.
    case attribute
    /// The type is the source from `start` to `c`; labels: links a, b; the body is the record
    /// just before.
    case block
    /// Attributes: links a, b; blocks: the c links after them.
    case body
}

/// One segment of a literal's offset map: where it starts in the text and in the file.
/// The header of a map holds the number of segments in `inner`.
struct HCLSegment {
    var inner: UInt32
    /// The file offset; `nonLinear` set when offsets inside the segment stay on its start.
    var outer: UInt32

    static let nonLinear: UInt32 = 1 << 31
}

/// A parsed file's records and side arrays, shared by the views.
final class HCLTree: Sendable {
    let file: SourceFile
    /// The bytes that were parsed (the file's, held here as `Document` holds its text): names
    /// and text are read from them without asking the file.
    let bytes: [UInt8]
    let records: [HCLRecord]
    let links: [UInt32]
    /// Decoded text of literals that are not a run of the source.
    let side: [UInt8]
    let segments: [HCLSegment]
    /// Function names written across tokens (`provider :: aws :: f`).
    let names: [String]

    init(file: SourceFile, bytes: [UInt8], records: [HCLRecord], links: [UInt32], side: [UInt8], segments: [HCLSegment],
         names: [String]) {
        self.file = file
        self.bytes = bytes
        self.records = records
        self.links = links
        self.side = side
        self.segments = segments
        self.names = names
    }

    func offsets(of index: Int) -> Range<Int> {
        let r = records[index]
        return Int(r.start)..<Int(max(r.start, r.end))
    }

    func range(of index: Int) -> SourceRange {
        let r = records[index]
        return file.range(from: Int(r.start), to: Int(r.end))
    }

    func sourceText(_ start: UInt32, _ end: UInt32) -> String {
        bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[Int(start)..<Int(end)]), as: UTF8.self) }
    }

    /// Whether the source from `start` to `end` is `string`, as `String ==` compares (canonical
    /// equivalence): bytes first, the strings when either is not ASCII.
    func sourceEquals(_ start: UInt32, _ end: UInt32, _ string: String) -> Bool {
        let s = Int(start), e = Int(end)
        let sameBytes = bytes.withUnsafeBufferPointer { b in
            b[s..<e].elementsEqual(string.utf8)
        }
        if sameBytes { return true }
        let ascii = string.utf8.allSatisfy { $0 < 0x80 } && bytes[s..<e].allSatisfy { $0 < 0x80 }
        return !ascii && sourceText(start, end) == string
    }

    /// The text of a literal part record.
    func literalText(_ index: Int) -> String {
        let r = records[index]
        if r.flags & HCLRecord.flagSide == 0 { return sourceText(r.start, r.end) }
        return side.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[Int(r.a)..<Int(r.a) + Int(r.b)]), as: UTF8.self)
        }
    }
}
