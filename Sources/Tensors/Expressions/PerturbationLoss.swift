/// A loss as a function of one entry of one parameter, evaluated incrementally: what a
/// gradient check calls twice per entry.
///
/// Central differences move one entry at a time, and most of a forward pass does not see
/// the move. Before the first call, every statement and sub-expression that does not depend
/// on the parameter is evaluated once and stands in as a constant; a product `A @ θ` (or
/// `θ @ B`) with a constant other side becomes its value at the starting point plus the
/// rank-one change of the moved entry, ε·A[:, i] in column j. The statements that do depend
/// on θ are then re-evaluated, on those constants, by the ordinary evaluator: the values are
/// the same expressions' values, only cheaper to get.
///
/// Central differences are wrong where the loss has a kink between θ − ε and θ + ε (a relu
/// input changing sign). The arguments of `relu`, `abs`, `maximum`, `minimum`, `clip` and of
/// comparisons are therefore evaluated as statements of their own, and `sides(at:value:)`
/// returns which side of its kink each of their entries is on; an entry whose two evaluations
/// see different sides is reported as at a kink instead of compared.
struct PerturbationLoss: Sendable {
    /// A product `A @ θ` or `θ @ B` replaced by its starting value plus a rank-one change.
    private struct RankOneSite: Sendable {
        var name: String
        var base: Tensor
        /// The constant side: `A` (left of θ) or `B` (right of θ).
        var other: Tensor
        var parameterOnLeft: Bool
    }

    private let parameter: String
    private let start: Tensor
    private var scope: ExpressionScope
    private var statements: [ParsedExpression] = []
    private var loss: ParsedExpression
    private var sites: [RankOneSite] = []
    /// Whether the rewritten statements still read θ itself (else it is not bound per call).
    private var readsParameter = false

    init(scope: ExpressionScope, definitions: [ParsedExpression], loss: ParsedExpression, parameter: String) throws {
        self.parameter = parameter
        self.start = scope[parameter]!
        var base = scope
        var moving: Set<String> = [parameter]
        var constants = 0
        var rewriter = Rewriter(parameter: parameter, moving: moving)
        self.scope = scope
        self.loss = loss
        for definition in Self.needed(definitions, by: loss) {
            let name = definition.binding
            if Self.names(in: definition.root).isDisjoint(with: moving) {
                // Unaffected by θ: its value is fixed, so later statements read it as it is.
                let value = try base.evaluate(definition)
                if let name { base.values[name] = value; self.scope.values[name] = value }
                continue
            }
            let value = try base.evaluate(definition)
            rewriter.moving = moving
            let root = try rewriter.rewrite(definition.root, in: definition, scope: base, constants: &constants)
            rewriter.bindStartingValues(in: &base)
            statements += try rewriter.hoistKinks(ParsedExpression(source: definition.source, root: root, origin: definition.origin, binding: name),
                                                  scope: &base)
            if let name { base.values[name] = value; moving.insert(name) }
        }
        rewriter.moving = moving
        let root = try rewriter.rewrite(loss.root, in: loss, scope: base, constants: &constants)
        rewriter.bindStartingValues(in: &base)
        let hoisted = try rewriter.hoistKinks(ParsedExpression(source: loss.source, root: root, origin: loss.origin), scope: &base)
        statements += hoisted.dropLast()
        self.loss = hoisted.last!
        for (name, value) in rewriter.constants { self.scope.values[name] = value }
        sites = rewriter.sites
        readsParameter = (statements + [self.loss]).contains { Self.names(in: $0.root).contains(parameter) }
    }

    /// The definitions the loss reads, directly or through other definitions, in order.
    static func needed(_ definitions: [ParsedExpression], by loss: ParsedExpression) -> [ParsedExpression] {
        var reads = names(in: loss.root)
        var kept: [ParsedExpression] = []
        for definition in definitions.reversed() {
            guard let name = definition.binding, reads.contains(name) else { continue }
            reads.remove(name)
            reads.formUnion(names(in: definition.root))
            kept.append(definition)
        }
        return kept.reversed()
    }

    /// The loss and the side of every kink argument with the parameter as it is.
    func atStart() throws -> (loss: Double, sides: [Int8]) {
        try evaluate(moving: nil)
    }

    /// How many values one evaluation computes (every node's result and every rank-one
    /// product, in elements): what each entry of a check costs, twice.
    func valuesPerEvaluation() throws -> Int {
        let count = ValueCount()
        var counting = self
        counting.scope.limits.computed = count
        _ = try counting.evaluate(moving: nil)
        return count.value + sites.reduce(0) { $0 + $1.base.count }
    }

    /// The loss with entry `index` of the parameter set to `value`.
    func loss(at index: Int, value: Double) throws -> Double {
        try evaluate(at: index, value: value).loss
    }

    /// The loss, and the side of every kink argument (−1, 0, 1 per entry), with entry
    /// `index` of the parameter set to `value`.
    func evaluate(at index: Int, value: Double) throws -> (loss: Double, sides: [Int8]) {
        try evaluate(moving: (index, value))
    }

    private func evaluate(moving entry: (index: Int, value: Double)?) throws -> (loss: Double, sides: [Int8]) {
        var scope = self.scope
        for site in sites { scope.values[site.name] = site.base }
        if let (index, value) = entry {
            move(index, to: value, in: &scope)
        }
        var sides: [Int8] = []
        for statement in statements {
            let result = try scope.evaluate(statement)
            if let name = statement.binding {
                scope.values[name] = result
                if name.hasPrefix(Self.kinkPrefix) {
                    sides += result.data.map { $0 > 0 ? 1 : $0 < 0 ? -1 : 0 }
                }
            }
        }
        return (try scope.evaluate(loss).data[0], sides)
    }

    /// Sets entry `index` of the parameter to `value` in `scope`: the parameter itself when a
    /// statement reads it, and every rank-one product.
    private func move(_ index: Int, to value: Double, in scope: inout ExpressionScope) {
        let delta = value - start.data[index]
        if readsParameter {
            var moved = start
            moved.data[index] = value
            scope.values[parameter] = moved
        }
        let (row, column) = start.rank == 2 ? (index / start.cols, index % start.cols) : (0, index)
        for site in sites {
            var product = site.base
            let columns = product.cols
            if site.parameterOnLeft {
                // θ @ B: row `row` of the product gains δ·B[column, :].
                for c in 0..<columns { product.data[row * columns + c] += delta * site.other.data[column * site.other.cols + c] }
            } else {
                // A @ θ: column `column` of the product gains δ·A[:, row].
                let rows = product.rank == 2 ? product.rows : 1
                let aColumns = site.other.rank == 2 ? site.other.cols : site.other.count
                for r in 0..<rows { product.data[r * columns + column] += delta * site.other.data[r * aColumns + row] }
            }
            scope.values[site.name] = product
        }
    }

    /// Names of the hoisted kink arguments (not writable in the language).
    static let kinkPrefix = "\u{1}k"

    /// The names an expression reads.
    static func names(in node: ExpressionNode) -> Set<String> {
        var found: Set<String> = []
        var stack = [node]
        while let next = stack.popLast() {
            switch next.kind {
            case .number: break
            case .name(let name): found.insert(name)
            case .list(let elements): stack += elements
            case .negate(let inner): stack.append(inner)
            case .chain(let first, let steps): stack.append(first); stack += steps.map(\.operand)
            case .binary(_, let left, let right, _): stack += [left, right]
            case .call(_, let arguments): stack += arguments.map(\.value)
            case .postfix(let base, let steps):
                // `label.metric` reads a metric, not a name; other bases are expressions.
                stack.append(base)
                for step in steps {
                    if case .index(let items, _, _) = step {
                        for item in items {
                            switch item {
                            case .at(let inner): stack.append(inner)
                            case .range(let low, let high, _): stack += [low, high].compactMap { $0 }
                            }
                        }
                    }
                }
            }
        }
        return found
    }

    /// Replaces what does not move with constants and `A @ θ` products with rank-one sites.
    private struct Rewriter {
        var parameter: String
        var moving: Set<String>
        var constants: [String: Tensor] = [:]
        var sites: [RankOneSite] = []
        var kinks = 0

        /// Binds the constants and the products' starting values made so far, by their internal
        /// names, in `scope`: the kink arguments hoisted next are evaluated there.
        func bindStartingValues(in scope: inout ExpressionScope) {
            for (name, value) in constants { scope.values[name] = value }
            for site in sites { scope.values[site.name] = site.base }
        }

        /// `statement` preceded by one statement per kink argument it reads that moves with θ
        /// (the argument itself for relu/abs, the difference of the two sides otherwise), its
        /// uses replaced by those names; `scope` gets their starting values.
        mutating func hoistKinks(_ statement: ParsedExpression, scope: inout ExpressionScope) throws -> [ParsedExpression] {
            var hoisted: [ParsedExpression] = []
            func argument(_ node: ExpressionNode) throws -> ExpressionNode {
                let name = PerturbationLoss.kinkPrefix + String(kinks)
                kinks += 1
                let inner = try visit(node)
                let expression = ParsedExpression(source: statement.source, root: inner, origin: statement.origin, binding: name)
                scope.values[name] = try scope.evaluate(expression)
                hoisted.append(expression)
                return ExpressionNode(.name(name), span: node.span)
            }
            // Rank-one sites move with θ too.
            func moves(_ node: ExpressionNode) -> Bool {
                PerturbationLoss.names(in: node).contains { moving.contains($0) || $0.hasPrefix("\u{1}r") }
            }
            func difference(_ a: ExpressionNode, _ b: ExpressionNode, _ offset: Int) -> ExpressionNode {
                ExpressionNode(.chain(a, [OperatorStep(.subtract, at: offset, b)]), span: a.span.lowerBound ..< b.span.upperBound)
            }
            func visit(_ node: ExpressionNode) throws -> ExpressionNode {
                switch node.kind {
                case .call(let function, let arguments) where ElementwiseOp.named(function)?.kinkAtZero == true && arguments.count == 1 && moves(arguments[0].value):
                    return ExpressionNode(.call(function, [CallArgument(value: try argument(arguments[0].value))]), span: node.span)
                case .call(let function, let arguments) where ["maximum", "minimum", "clip"].contains(function) && arguments.allSatisfy({ $0.keyword == nil }):
                    // The kinks are where the first argument meets each of the others: record those differences.
                    let visited = try arguments.map { CallArgument(value: try visit($0.value)) }
                    if arguments.contains(where: { moves($0.value) }) {
                        for other in visited.dropFirst() { _ = try argument(difference(visited[0].value, other.value, other.value.span.lowerBound)) }
                    }
                    return ExpressionNode(.call(function, visited), span: node.span)
                case .binary(let op, let left, let right, let offset) where [.less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual].contains(op):
                    let (l, r) = (try visit(left), try visit(right))
                    if moves(left) || moves(right) { _ = try argument(difference(l, r, offset)) }
                    return ExpressionNode(.binary(op, l, r, operatorOffset: offset), span: node.span)
                case .chain(let first, let steps):
                    return ExpressionNode(.chain(try visit(first), try steps.map { OperatorStep($0.op, at: $0.operatorOffset, try visit($0.operand)) }),
                                          span: node.span)
                case .negate(let inner):
                    return ExpressionNode(.negate(try visit(inner)), span: node.span)
                case .binary(let op, let left, let right, let offset):
                    return ExpressionNode(.binary(op, try visit(left), try visit(right), operatorOffset: offset), span: node.span)
                case .call(let function, let arguments):
                    return ExpressionNode(.call(function, try arguments.map {
                        CallArgument(keyword: $0.keyword, keywordOffset: $0.keywordOffset, value: try visit($0.value))
                    }), span: node.span)
                default:
                    return node
                }
            }
            let root = try visit(statement.root)
            return hoisted + [ParsedExpression(source: statement.source, root: root, origin: statement.origin, binding: statement.binding)]
        }

        mutating func rewrite(_ node: ExpressionNode, in expression: ParsedExpression, scope: ExpressionScope,
                              constants count: inout Int) throws -> ExpressionNode {
            let reads = PerturbationLoss.names(in: node)
            if reads.isDisjoint(with: moving) {
                switch node.kind {
                case .name, .number: return node
                default:
                    let value = try scope.evaluate(ParsedExpression(source: expression.source, root: node, origin: expression.origin))
                    let name = "\u{1}c\(count)"
                    count += 1
                    constants[name] = value
                    return ExpressionNode(.name(name), span: node.span)
                }
            }
            switch node.kind {
            case .chain(let first, let steps):
                // A @ θ or θ @ B at the head of a chain of products, the other side constant.
                if let step = steps.first, step.op == .matmul {
                    let leftIsParameter = first.kind == .name(parameter)
                    let rightIsParameter = step.operand.kind == .name(parameter)
                    let constantSide = leftIsParameter ? step.operand : first
                    if leftIsParameter != rightIsParameter, PerturbationLoss.names(in: constantSide).isDisjoint(with: moving) {
                        let head = ExpressionNode(.chain(first, [step]), span: first.span.lowerBound ..< step.operand.span.upperBound)
                        let base = try scope.evaluate(ParsedExpression(source: expression.source, root: head, origin: expression.origin))
                        let other = try scope.evaluate(ParsedExpression(source: expression.source, root: constantSide, origin: expression.origin))
                        let parameterValue = scope[parameter]!
                        // Only plain matrix products are rewritten; anything else is evaluated as written.
                        if base.rank == 2, parameterValue.rank == 2, other.rank == 2 {
                            let name = "\u{1}r\(count)"
                            count += 1
                            sites.append(RankOneSite(name: name, base: base, other: other, parameterOnLeft: leftIsParameter))
                            let site = ExpressionNode(.name(name), span: head.span)
                            let rest = try steps.dropFirst().map { step in
                                OperatorStep(step.op, at: step.operatorOffset,
                                             try rewrite(step.operand, in: expression, scope: scope, constants: &count))
                            }
                            return rest.isEmpty ? site : ExpressionNode(.chain(site, rest), span: node.span)
                        }
                    }
                }
                let newFirst = try rewrite(first, in: expression, scope: scope, constants: &count)
                let newSteps = try steps.map { step in
                    OperatorStep(step.op, at: step.operatorOffset, try rewrite(step.operand, in: expression, scope: scope, constants: &count))
                }
                return ExpressionNode(.chain(newFirst, newSteps), span: node.span)
            case .negate(let inner):
                return ExpressionNode(.negate(try rewrite(inner, in: expression, scope: scope, constants: &count)), span: node.span)
            case .binary(let op, let left, let right, let offset):
                return ExpressionNode(.binary(op, try rewrite(left, in: expression, scope: scope, constants: &count),
                                              try rewrite(right, in: expression, scope: scope, constants: &count), operatorOffset: offset),
                                      span: node.span)
            case .call(let name, let arguments):
                let rewritten = try arguments.map { argument in
                    CallArgument(keyword: argument.keyword, keywordOffset: argument.keywordOffset,
                                 value: try rewrite(argument.value, in: expression, scope: scope, constants: &count))
                }
                return ExpressionNode(.call(name, rewritten), span: node.span)
            default:
                return node
            }
        }
    }
}
