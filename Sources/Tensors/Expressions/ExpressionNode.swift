import Foundation

/// One node of a parsed tensor expression, with the span of source it was read from.
///
/// Spans and offsets count Unicode scalars from the start of the expression's source,
/// so `ParsedExpression.location(at:)` turns them into exact notebook columns.
public struct ExpressionNode: Sendable, Hashable {
    public indirect enum Kind: Sendable, Hashable {
        case number(Double)
        case name(String)
        /// `[a, b, …]`: a vector of scalars or a matrix of equally long rows.
        case list([ExpressionNode])
        case negate(ExpressionNode)
        /// Operators of one precedence level applied left to right: `a + b - c`, `A @ B * c`.
        /// A flat run of any length is one node, so its depth does not grow with its length.
        case chain(ExpressionNode, [OperatorStep])
        /// A comparison `a < b` or a power `a ** b` (these do not chain).
        case binary(BinaryOperator, ExpressionNode, ExpressionNode, operatorOffset: Int)
        /// `name(arguments)`; the name starts at the node's span.
        case call(String, [CallArgument])
        /// Members and subscripts applied left to right: `X.T[0]`, `train.test_accuracy`.
        case postfix(ExpressionNode, [PostfixStep])
    }

    public var kind: Kind
    public var span: Range<Int>

    public init(_ kind: Kind, span: Range<Int>) {
        self.kind = kind
        self.span = span
    }
}

/// The binary operators, lowest precedence first within the grammar.
public enum BinaryOperator: String, Sendable, Hashable, CaseIterable {
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="
    case equal = "=="
    case notEqual = "!="
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case matmul = "@"
    case power = "**"
}

/// One operator and its right operand in a `.chain`.
public struct OperatorStep: Sendable, Hashable {
    public var op: BinaryOperator
    public var operatorOffset: Int
    public var operand: ExpressionNode

    public init(_ op: BinaryOperator, at operatorOffset: Int, _ operand: ExpressionNode) {
        self.op = op
        self.operatorOffset = operatorOffset
        self.operand = operand
    }
}

/// One step of a `.postfix` node; `end` is the offset just past it.
public enum PostfixStep: Sendable, Hashable {
    /// `.name`: `.T`, `.shape`, or a metric after a cell label.
    case member(String, nameOffset: Int, end: Int)
    /// `[i]`, `[i, j]`, `[a:b]`.
    case index([IndexItem], bracketOffset: Int, end: Int)

    public var end: Int {
        switch self {
        case .member(_, _, let end), .index(_, _, let end): return end
        }
    }
}

/// One argument of a call: positional, or `keyword=value`.
public struct CallArgument: Sendable, Hashable {
    public var keyword: String?
    public var keywordOffset: Int?
    public var value: ExpressionNode

    public init(keyword: String? = nil, keywordOffset: Int? = nil, value: ExpressionNode) {
        self.keyword = keyword
        self.keywordOffset = keywordOffset
        self.value = value
    }
}

/// One subscript of an index expression: a position or a `start:stop` range.
public enum IndexItem: Sendable, Hashable {
    case at(ExpressionNode)
    case range(ExpressionNode?, ExpressionNode?, offset: Int)
}

/// A parsed expression with its source and the notebook location of its first character.
public struct ParsedExpression: Sendable, Hashable {
    public var source: String
    public var root: ExpressionNode
    public var origin: SourceLocation
    /// For statements `name = expr`: the bound name, else nil.
    public var binding: String?
    /// A statement ending in `;`: computed (and bound) but not displayed.
    public var isSilent = false
    public var scalars: [Unicode.Scalar]

    public init(source: String, root: ExpressionNode, origin: SourceLocation, binding: String? = nil) {
        self.source = source
        self.root = root
        self.origin = origin
        self.binding = binding
        self.scalars = Array(source.unicodeScalars)
    }

    /// The notebook location of the scalar at `offset`.
    public func location(at offset: Int) -> SourceLocation {
        origin.advanced(byColumns: offset)
    }

    /// The source text of `span`, trimmed.
    public func text(of span: Range<Int>) -> String {
        let clamped = max(0, span.lowerBound) ..< min(scalars.count, span.upperBound)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[clamped])
        return String(view).trimmingCharacters(in: .whitespaces)
    }

    /// The expression's own text (without a `name =` prefix).
    public var expressionText: String { text(of: root.span) }
}
