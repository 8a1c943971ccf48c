import Foundation

/// Evaluates a parsed expression against a scope, in Float64.
///
/// Every failure is a Diagnostic at the column of the operator, name or argument
/// responsible; shape errors name both shapes.
public struct ExpressionEvaluator {
    public let expression: ParsedExpression
    public let scope: ExpressionScope

    public init(expression: ParsedExpression, scope: ExpressionScope) {
        self.expression = expression
        self.scope = scope
    }

    public func evaluate() throws -> Tensor {
        try evaluate(expression.root)
    }

    /// The functions the language knows, for help texts and suggestions.
    public static let functionNames = ["exp", "log", "sqrt", "abs", "sum", "mean", "max", "min", "argmax", "softmax", "onehot"]

    private func location(_ offset: Int) -> SourceLocation { expression.location(at: offset) }

    private func evaluate(_ node: ExpressionNode) throws -> Tensor {
        switch node.kind {
        case .number(let value):
            return Tensor(scalar: value)
        case .name(let name):
            return try lookup(name, at: node.span.lowerBound)
        case .list(let elements):
            return try list(elements, node)
        case .negate(let operand):
            return try evaluate(operand).map { -$0 }
        case .binary(let op, let lhs, let rhs, let offset):
            let a = try evaluate(lhs), b = try evaluate(rhs)
            return try located(at: offset) { try apply(op, a, b, lhs, rhs) }
        case .call(let name, let arguments):
            return try call(name, arguments, node)
        case .member(let base, let name, let offset):
            return try member(base, name, offset)
        case .index(let base, let items, let offset):
            return try index(try evaluate(base), items, offset)
        }
    }

    /// Runs `body`, turning a ShapeError into a Diagnostic at `offset`.
    private func located<T>(at offset: Int, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ShapeError {
            throw Diagnostic.error(error.message, at: location(offset), hint: error.hint)
        }
    }

    // MARK: Names and members

    private func lookup(_ name: String, at offset: Int) throws -> Tensor {
        if let value = scope.values[name] { return value }
        if let reason = scope.unavailable[name] {
            throw Diagnostic.error("'\(name)' is not available: \(reason)", at: location(offset))
        }
        if Self.functionNames.contains(name) {
            throw Diagnostic.error("'\(name)' is a function", at: location(offset), hint: "call it, e.g. \(name)(x)")
        }
        if let metrics = scope.metrics[name] {
            let example = metrics.first.map { "\(name).\($0.name)" } ?? "\(name).metric"
            throw Diagnostic.error("'\(name)' is a cell label, not a value", at: location(offset), hint: "read one of its metrics, e.g. \(example)")
        }
        let bound = scope.values.keys.sorted()
        let known = bound + scope.unavailable.keys.sorted() + scope.metrics.keys.sorted()
        var hint = bound.isEmpty ? "no names are bound here" : "bound names: " + bound.joined(separator: ", ")
        if name == "P", scope.values["X"] != nil {
            hint = "define it on a line of its own first: P = softmax(X @ W + b); " + hint
        } else if let near = Suggestion.nearest(to: name, in: known + Self.functionNames) {
            hint = "did you mean '\(near)'? " + hint
        }
        throw Diagnostic.error("unknown name '\(name)'", at: location(offset), hint: hint)
    }

    private func member(_ base: ExpressionNode, _ name: String, _ offset: Int) throws -> Tensor {
        if case .name(let label) = base.kind, scope.values[label] == nil, scope.unavailable[label] == nil {
            guard let metrics = scope.metrics[label] else {
                let labels = scope.metrics.keys.sorted()
                var hint = labels.isEmpty ? "no cell before this point has recorded metrics"
                    : "cells with metrics: " + labels.joined(separator: ", ")
                if let near = Suggestion.nearest(to: label, in: labels + scope.values.keys.sorted()) { hint = "did you mean '\(near)'? " + hint }
                throw Diagnostic.error("no cell labelled '\(label)' has recorded metrics", at: location(base.span.lowerBound), hint: hint)
            }
            guard let metric = metrics.last(where: { $0.name == name }) else {
                let names = metrics.map(\.name)
                var hint = names.isEmpty ? "it recorded none" : "its metrics: " + names.joined(separator: ", ")
                if let near = Suggestion.nearest(to: name, in: names) { hint = "did you mean '\(near)'? " + hint }
                throw Diagnostic.error("cell '\(label)' has no metric '\(name)'", at: location(offset), hint: hint)
            }
            return Tensor(scalar: metric.value)
        }
        let value = try evaluate(base)
        switch name {
        case "T": return value.transposed
        case "shape": return Tensor(vector: value.shape.map(Double.init))
        default:
            throw Diagnostic.error("a tensor has no member '\(name)'", at: location(offset),
                                   hint: "tensors have .T (transpose) and .shape; label.metric reads a cell's metric")
        }
    }

    // MARK: Literals and operators

    private func list(_ elements: [ExpressionNode], _ node: ExpressionNode) throws -> Tensor {
        let values = try elements.map { try evaluate($0) }
        if values.allSatisfy(\.isScalar) { return Tensor(vector: values.map { $0.data[0] }) }
        guard let first = values.first, first.rank == 1 else {
            let bad = zip(elements, values).first { $0.1.rank != 1 }!
            throw Diagnostic.error("a list literal holds scalars or rows of equal length; this element is \(bad.1.shapeDescription)",
                                   at: location(bad.0.span.lowerBound))
        }
        for (element, value) in zip(elements, values) where value.rank != 1 || value.count != first.count {
            throw Diagnostic.error("rows of a matrix literal must have equal lengths: the first row has \(first.count) values, this one is \(value.shapeDescription)",
                                   at: location(element.span.lowerBound))
        }
        return Tensor(rows: values.count, cols: first.count, data: values.flatMap(\.data))
    }

    private func apply(_ op: BinaryOperator, _ a: Tensor, _ b: Tensor, _ lhs: ExpressionNode, _ rhs: ExpressionNode) throws -> Tensor {
        switch op {
        case .add: return try Tensor.zip(a, b, "+", +)
        case .subtract: return try Tensor.zip(a, b, "-", -)
        case .multiply: return try Tensor.zip(a, b, "*", *)
        case .divide: return try Tensor.zip(a, b, "/", /)
        case .power: return try Tensor.zip(a, b, "**") { Foundation.pow($0, $1) }
        case .equal: return try Tensor.zip(a, b, "==") { $0 == $1 ? 1 : 0 }
        case .matmul:
            return try Tensor.matmul(a, b, leftText: expression.text(of: lhs.span), rightText: expression.text(of: rhs.span))
        }
    }

    private func index(_ value: Tensor, _ items: [IndexItem], _ offset: Int) throws -> Tensor {
        guard items.count <= value.rank else {
            throw Diagnostic.error("\(items.count) subscripts for a \(value.rank == 0 ? "scalar" : "tensor of shape \(value.shapeDescription)")",
                                   at: location(offset), hint: value.rank == 0 ? "a scalar cannot be indexed" : "use at most \(value.rank)")
        }
        var ranges: [Range<Int>] = []
        var keeps: [Bool] = []
        for (axis, item) in items.enumerated() {
            let size = value.shape[axis]
            switch item {
            case .at(let node):
                let i = try integer(node, "an index")
                let resolved = i < 0 ? i + size : i
                guard (0..<size).contains(resolved) else {
                    throw Diagnostic.error("index \(i) is out of range for axis \(axis) of size \(size) (shape \(value.shapeDescription))",
                                           at: location(node.span.lowerBound))
                }
                ranges.append(resolved..<resolved + 1)
                keeps.append(false)
            case .range(let startNode, let stopNode, _):
                func bound(_ node: ExpressionNode?, _ fallback: Int) throws -> Int {
                    guard let node else { return fallback }
                    let i = try integer(node, "a slice bound")
                    return Swift.min(size, Swift.max(0, i < 0 ? i + size : i))
                }
                let start = try bound(startNode, 0), stop = try bound(stopNode, size)
                ranges.append(start..<Swift.max(start, stop))
                keeps.append(true)
            }
        }
        while ranges.count < value.rank {
            ranges.append(0..<value.shape[ranges.count])
            keeps.append(true)
        }
        if value.rank == 1 {
            let slice = Array(value.data[ranges[0]])
            return keeps[0] ? Tensor(vector: slice) : Tensor(scalar: slice[0])
        }
        var data: [Double] = []
        for r in ranges[0] {
            for c in ranges[1] { data.append(value[r, c]) }
        }
        switch (keeps[0], keeps[1]) {
        case (true, true): return Tensor(rows: ranges[0].count, cols: ranges[1].count, data: data)
        case (false, false): return Tensor(scalar: data[0])
        default: return Tensor(vector: data)
        }
    }

    /// Evaluates `node` to a whole number, or throws saying what `role` needs.
    private func integer(_ node: ExpressionNode, _ role: String) throws -> Int {
        let value = try evaluate(node)
        guard let scalar = value.scalar, scalar.rounded() == scalar, abs(scalar) < 1e15 else {
            let found = value.scalar.map { String($0) } ?? value.shapeDescription
            throw Diagnostic.error("\(role) must be a whole number, got \(found)", at: location(node.span.lowerBound))
        }
        return Int(scalar)
    }

    // MARK: Functions

    private func call(_ name: String, _ arguments: [CallArgument], _ node: ExpressionNode) throws -> Tensor {
        let at = node.span.lowerBound
        guard Self.functionNames.contains(name) else {
            var hint = "functions: " + Self.functionNames.joined(separator: ", ")
            if let near = Suggestion.nearest(to: name, in: Self.functionNames) { hint = "did you mean '\(near)'? " + hint }
            if scope.values[name] != nil { hint = "'\(name)' is a value; use '*' or '@' to multiply" }
            throw Diagnostic.error("unknown function '\(name)'", at: location(at), hint: hint)
        }
        let positional = arguments.filter { $0.keyword == nil }
        let keywords = arguments.filter { $0.keyword != nil }
        let second: String? = switch name {
        case "sum", "mean", "max", "min", "argmax", "softmax": "axis"
        case "onehot": "classes"
        default: nil
        }
        let maxPositional = second == nil ? 1 : 2
        guard !positional.isEmpty else {
            throw Diagnostic.error("\(name)() needs an argument", at: location(at), hint: usage(name))
        }
        guard positional.count <= maxPositional else {
            throw Diagnostic.error("\(name)() takes \(maxPositional == 1 ? "one argument" : "at most two arguments"), got \(positional.count)",
                                   at: location(positional[maxPositional].value.span.lowerBound), hint: usage(name))
        }
        var option: ExpressionNode? = positional.count > 1 ? positional[1].value : nil
        for keyword in keywords {
            guard keyword.keyword == second else {
                throw Diagnostic.error("\(name)() has no argument '\(keyword.keyword!)'", at: location(keyword.keywordOffset!), hint: usage(name))
            }
            guard option == nil else {
                throw Diagnostic.error("\(name)() got '\(second!)' twice", at: location(keyword.keywordOffset!))
            }
            option = keyword.value
        }
        let x = try evaluate(positional[0].value)
        let axis = try option.map { try integer($0, "axis=") }
        return try located(at: option?.span.lowerBound ?? at) {
            switch name {
            case "exp": return x.map { Foundation.exp($0) }
            case "log": return x.map { Foundation.log($0) }
            case "sqrt": return x.map { $0.squareRoot() }
            case "abs": return x.map { Swift.abs($0) }
            case "sum": return try x.reduce(axis: axis) { $0.reduce(0, +) }
            case "mean": return try x.reduce(axis: axis) { $0.reduce(0, +) / Double($0.count) }
            case "max": return try x.reduce(axis: axis) { Self.extreme($0, >) }
            case "min": return try x.reduce(axis: axis) { Self.extreme($0, <) }
            case "argmax": return try x.reduce(axis: axis) { Double(Self.argmax($0)) }
            case "softmax": return try x.softmax(axis: axis ?? -1)
            default: return try onehot(x, classes: axis, positional[0].value, node)
            }
        }
    }

    private func usage(_ name: String) -> String {
        switch name {
        case "sum", "mean", "max", "min", "argmax": return "\(name)(x) reduces everything; \(name)(x, axis=0) down the columns, axis=1 (or -1) along the rows"
        case "softmax": return "softmax(x) normalises along the last axis; softmax(x, axis=0) down the columns"
        case "onehot": return "onehot(y, 10) turns labels into rows with a single 1"
        default: return "\(name)(x) applies elementwise"
        }
    }

    /// The maximum (`>`) or minimum (`<`); nan wins, as in NumPy.
    private static func extreme(_ values: [Double], _ better: (Double, Double) -> Bool) -> Double {
        var best = values[0]
        for v in values {
            if v.isNaN { return .nan }
            if better(v, best) { best = v }
        }
        return best
    }

    /// The first index of the maximum (nan counts as the maximum, as in NumPy).
    private static func argmax(_ values: [Double]) -> Int {
        var best = 0
        for (i, v) in values.enumerated() {
            if v.isNaN { return i }
            if v > values[best] { best = i }
        }
        return best
    }

    private func onehot(_ labels: Tensor, classes: Int?, _ argument: ExpressionNode, _ node: ExpressionNode) throws -> Tensor {
        guard let classes else {
            throw Diagnostic.error("onehot() needs the number of classes", at: location(node.span.lowerBound), hint: "e.g. onehot(y, 10)")
        }
        guard classes >= 1 else { throw ShapeError("onehot() needs at least one class, got \(classes)") }
        guard labels.rank <= 1 else {
            throw Diagnostic.error("onehot() takes a vector of labels, got \(labels.shapeDescription)", at: location(argument.span.lowerBound))
        }
        var data = [Double](repeating: 0, count: labels.count * classes)
        for (i, label) in labels.data.enumerated() {
            guard label.rounded() == label, label >= 0, label < Double(classes) else {
                throw Diagnostic.error("onehot() label \(label) at position \(i) is not a class in 0…\(classes - 1)", at: location(argument.span.lowerBound))
            }
            data[i * classes + Int(label)] = 1
        }
        return labels.isScalar ? Tensor(vector: data) : Tensor(rows: labels.count, cols: classes, data: data)
    }
}
