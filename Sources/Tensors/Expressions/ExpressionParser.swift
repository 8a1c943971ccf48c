/// Parses the tensor expression language used by `{gradcheck}`, `{eval}` and inline `{eval}` roles.
///
/// Grammar (EBNF; whitespace between tokens is ignored):
///
/// ```
/// statement  = [ identifier "=" ] expression [ ";" ] ;
/// expression = additive [ comparison additive ] ;
/// comparison = "<" | "<=" | ">" | ">=" | "==" | "!=" ;
/// additive   = term { ( "+" | "-" ) term } ;
/// term       = unary { ( "*" | "/" | "@" ) unary } ;
/// unary      = { "-" } power ;
/// power      = postfix [ "**" unary ] ;
/// postfix    = primary { "." identifier | "[" subscript { "," subscript } "]" } ;
/// subscript  = expression | [ expression ] ":" [ expression ] ;
/// primary    = number | identifier | call | "(" expression ")" | list ;
/// call       = identifier "(" [ argument { "," argument } ] ")" ;
/// argument   = [ identifier "=" ] expression ;
/// list       = "[" [ expression { "," expression } ] "]" ;
/// number     = digits [ "." [ digits ] ] [ ( "e" | "E" ) [ "+" | "-" ] digits ]
///            | "." digits [ ( "e" | "E" ) [ "+" | "-" ] digits ] ;
/// identifier = ( letter | "_" ) { letter | digit | "_" } ;
/// ```
///
/// As in Python, `**` binds tighter than a unary minus on its left (`-x**2` is `-(x**2)`)
/// and is right-associative; `@` has the precedence of `*`; comparisons bind loosest
/// (`x > 0 == 1` is an error: comparisons do not chain). A trailing `;` (statements only)
/// hides the value in `{eval}`. Flat runs (`a + b + …`, `- - x`, `x.T.T…`, `x[0][0]…`)
/// may be of any length; nesting (brackets, calls, powers) is limited to `maxDepth`
/// levels so that neither the parser nor the evaluator can exhaust the stack. Every error
/// is a Diagnostic at the column of the offending token.
public struct ExpressionParser {
    private let tokens: [ExpressionToken]
    private let source: String
    private let origin: SourceLocation
    private var position = 0
    private var depth = 0

    /// How deeply brackets, calls and powers may nest.
    public static let maxDepth = 100

    /// Parses `source`, whose first character is at `origin`.
    public static func parse(_ source: String, at origin: SourceLocation) throws -> ParsedExpression {
        var parser = try ExpressionParser(source, origin: origin)
        let root = try parser.parseExpression()
        try parser.expectEnd()
        return ParsedExpression(source: source, root: root, origin: origin)
    }

    /// Parses `expr` or `name = expr`.
    public static func parseStatement(_ source: String, at origin: SourceLocation) throws -> ParsedExpression {
        var parser = try ExpressionParser(source, origin: origin)
        var binding: String?
        if case .identifier(let name) = parser.peek.kind, parser.peek(1).kind == .symbol("=") {
            binding = name
            parser.position += 2
        }
        if binding != nil, case .end = parser.peek.kind {
            throw Diagnostic.error("expected an expression after '='", at: parser.location(parser.peek))
        }
        let root = try parser.parseExpression()
        let silent = parser.isSymbol(";")
        if silent { _ = parser.advance() }
        try parser.expectEnd()
        var statement = ParsedExpression(source: source, root: root, origin: origin, binding: binding)
        statement.isSilent = silent
        return statement
    }

    private init(_ source: String, origin: SourceLocation) throws {
        self.source = source
        self.origin = origin
        self.tokens = try ExpressionLexer(source, origin: origin).tokens()
    }

    // MARK: Token access

    private var peek: ExpressionToken { tokens[position] }
    private func peek(_ ahead: Int) -> ExpressionToken { tokens[min(position + ahead, tokens.count - 1)] }
    private func location(_ token: ExpressionToken) -> SourceLocation { origin.advanced(byColumns: token.offset) }

    private func isSymbol(_ symbol: String) -> Bool { peek.kind == .symbol(symbol) }

    private mutating func advance() -> ExpressionToken {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    private mutating func expect(_ symbol: String, closing opener: ExpressionToken? = nil, context: String) throws -> ExpressionToken {
        guard isSymbol(symbol) else {
            var message = "expected '\(symbol)' \(context), found \(peek.quoted)"
            if let opener { message += " (the '\(opener.text)' is at column \(location(opener).column))" }
            throw Diagnostic.error(message, at: location(peek))
        }
        return advance()
    }

    private func expectEnd() throws {
        guard case .end = peek.kind else {
            var hint: String?
            if isSymbol(")") || isSymbol("]") { hint = "there is no matching opening bracket" }
            if isSymbol("=") { hint = "compare with '==', or bind a name at the start of a line: name = expression" }
            if isSymbol(";") { hint = "a trailing ';' hides a value in an {eval} line; it has no meaning here" }
            if case .identifier = peek.kind { hint = "an operator is missing between the two terms (e.g. '*' or '@')" }
            if case .number = peek.kind { hint = "an operator is missing between the two terms (e.g. '*' or '@')" }
            throw Diagnostic.error("unexpected \(peek.quoted) after a complete expression", at: location(peek), hint: hint)
        }
    }

    // MARK: Grammar

    private static let comparisons: [String: BinaryOperator] = [
        "<": .less, "<=": .lessEqual, ">": .greater, ">=": .greaterEqual, "==": .equal, "!=": .notEqual,
    ]

    private var comparison: BinaryOperator? {
        if case .symbol(let symbol) = peek.kind { return Self.comparisons[symbol] }
        return nil
    }

    private mutating func parseExpression() throws -> ExpressionNode {
        let lhs = try parseAdditive()
        guard let op = comparison else { return lhs }
        let opToken = advance()
        let rhs = try parseAdditive()
        if comparison != nil {
            throw Diagnostic.error("comparisons do not chain: '\(opToken.text)' and '\(peek.text)' in a row", at: location(peek),
                                   hint: "group one of them, e.g. (a < b) * (b < c) for 'both'")
        }
        return ExpressionNode(.binary(op, lhs, rhs, operatorOffset: opToken.offset), span: lhs.span.lowerBound..<rhs.span.upperBound)
    }

    /// Parses `operand { op operand }` for the operators in `level` into one `.chain` node.
    private mutating func parseChain(_ level: [String: BinaryOperator],
                                     _ operand: (inout ExpressionParser) throws -> ExpressionNode) throws -> ExpressionNode {
        let first = try operand(&self)
        var steps: [OperatorStep] = []
        var end = first.span.upperBound
        while case .symbol(let symbol) = peek.kind, let op = level[symbol] {
            let opToken = advance()
            let rhs = try operand(&self)
            steps.append(OperatorStep(op, at: opToken.offset, rhs))
            end = rhs.span.upperBound
        }
        return steps.isEmpty ? first : ExpressionNode(.chain(first, steps), span: first.span.lowerBound..<end)
    }

    private mutating func parseAdditive() throws -> ExpressionNode {
        try parseChain(["+": .add, "-": .subtract]) { try $0.parseTerm() }
    }

    private mutating func parseTerm() throws -> ExpressionNode {
        try parseChain(["*": .multiply, "/": .divide, "@": .matmul]) { try $0.parseUnary() }
    }

    /// Every operand passes here, so this is where nesting is counted.
    private mutating func parseUnary() throws -> ExpressionNode {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else {
            throw Diagnostic.error("the expression nests more than \(Self.maxDepth) levels deep", at: location(peek),
                                   hint: "split it into named steps, one per line (name = …)")
        }
        var minuses: [ExpressionToken] = []
        while isSymbol("-") { minuses.append(advance()) }
        if isSymbol("+") {
            throw Diagnostic.error("unexpected '+': a unary plus is not supported", at: location(peek), hint: "leave it out")
        }
        let operand = try parsePower()
        guard let first = minuses.first else { return operand }
        // Negation is exact, so an even run of minuses is the operand itself.
        let span = first.offset..<operand.span.upperBound
        if minuses.count % 2 == 0 {
            var node = operand
            node.span = span
            return node
        }
        return ExpressionNode(.negate(operand), span: span)
    }

    private mutating func parsePower() throws -> ExpressionNode {
        let base = try parsePostfix()
        if isSymbol("**") {
            let op = advance()
            let exponent = try parseUnary()
            return ExpressionNode(.binary(.power, base, exponent, operatorOffset: op.offset), span: base.span.lowerBound..<exponent.span.upperBound)
        }
        return base
    }

    private mutating func parsePostfix() throws -> ExpressionNode {
        let base = try parsePrimary()
        var steps: [PostfixStep] = []
        var end = base.span.upperBound
        while true {
            if isSymbol(".") {
                _ = advance()
                guard case .identifier(let name) = peek.kind else {
                    throw Diagnostic.error("expected a name after '.', found \(peek.quoted)", at: location(peek),
                                           hint: "write .T for the transpose or label.metric for a cell's metric")
                }
                let nameToken = advance()
                end = nameToken.offset + nameToken.length
                steps.append(.member(name, nameOffset: nameToken.offset, end: end))
            } else if isSymbol("[") {
                let open = advance()
                var items: [IndexItem] = []
                repeat {
                    if !items.isEmpty { _ = advance() }
                    items.append(try parseSubscript())
                } while isSymbol(",")
                let close = try expect("]", closing: open, context: "to close the index")
                if items.count > 2 {
                    throw Diagnostic.error("at most two subscripts (row, column) are allowed, found \(items.count)", at: location(open))
                }
                end = close.offset + 1
                steps.append(.index(items, bracketOffset: open.offset, end: end))
            } else {
                return steps.isEmpty ? base : ExpressionNode(.postfix(base, steps), span: base.span.lowerBound..<end)
            }
        }
    }

    private mutating func parseSubscript() throws -> IndexItem {
        var start: ExpressionNode?
        if !isSymbol(":") { start = try parseExpression() }
        guard isSymbol(":") else {
            guard let start else { throw Diagnostic.error("expected an index, found \(peek.quoted)", at: location(peek)) }
            return .at(start)
        }
        let colon = advance()
        var stop: ExpressionNode?
        if !isSymbol(",") && !isSymbol("]") { stop = try parseExpression() }
        return .range(start, stop, offset: colon.offset)
    }

    private mutating func parsePrimary() throws -> ExpressionNode {
        let token = peek
        switch token.kind {
        case .number(let value):
            _ = advance()
            return ExpressionNode(.number(value), span: token.offset..<token.offset + token.length)
        case .identifier(let name):
            _ = advance()
            if isSymbol("(") { return try parseCall(name, token) }
            return ExpressionNode(.name(name), span: token.offset..<token.offset + token.length)
        case .symbol("("):
            let open = advance()
            if isSymbol(")") {
                throw Diagnostic.error("empty parentheses: expected an expression", at: location(peek))
            }
            let inner = try parseExpression()
            let close = try expect(")", closing: open, context: "to close the parenthesis")
            var node = inner
            node.span = open.offset..<close.offset + 1
            return node
        case .symbol("["):
            let open = advance()
            var elements: [ExpressionNode] = []
            if !isSymbol("]") {
                elements.append(try parseExpression())
                while isSymbol(",") {
                    _ = advance()
                    if isSymbol("]") { break }
                    elements.append(try parseExpression())
                }
            }
            let close = try expect("]", closing: open, context: "to close the list")
            if elements.isEmpty {
                throw Diagnostic.error("an empty list has no shape", at: location(open), hint: "write at least one value, e.g. [0]")
            }
            return ExpressionNode(.list(elements), span: open.offset..<close.offset + 1)
        case .end:
            throw Diagnostic.error(position == 0 ? "expected an expression, found nothing" : "expected an expression after '\(tokens[position - 1].text)', found the end of the expression",
                                   at: location(token))
        case .symbol(let symbol):
            var hint: String?
            if ["*", "/", "@", "**", "+"].contains(symbol) || Self.comparisons[symbol] != nil {
                hint = position == 0 ? "an operand is missing before '\(symbol)'" : "two operators in a row: an operand is missing"
            }
            throw Diagnostic.error("expected an expression, found '\(symbol)'", at: location(token), hint: hint)
        }
    }

    private mutating func parseCall(_ name: String, _ nameToken: ExpressionToken) throws -> ExpressionNode {
        let open = advance()
        var arguments: [CallArgument] = []
        if !isSymbol(")") {
            repeat {
                if !arguments.isEmpty { _ = advance() }
                if case .identifier(let keyword) = peek.kind, peek(1).kind == .symbol("=") {
                    let keywordToken = advance()
                    _ = advance()
                    arguments.append(CallArgument(keyword: keyword, keywordOffset: keywordToken.offset, value: try parseExpression()))
                } else {
                    if arguments.contains(where: { $0.keyword != nil }) {
                        throw Diagnostic.error("a positional argument cannot follow a keyword argument", at: location(peek))
                    }
                    arguments.append(CallArgument(value: try parseExpression()))
                }
            } while isSymbol(",")
        }
        let close = try expect(")", closing: open, context: "to close the call to \(name)(")
        return ExpressionNode(.call(name, arguments), span: nameToken.offset..<close.offset + 1)
    }
}
