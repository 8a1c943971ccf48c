import Foundation

/// Evaluates a parsed expression against a scope, in Float64.
///
/// Every failure is a Diagnostic at the column of the operator, name or argument
/// responsible; shape errors name both shapes. Every tensor an operation would create is
/// checked against the scope's memory budget first, and the scope's cancellation check is
/// polled at every node and inside long loops. Recursion follows the nesting of the
/// expression only, which the parser limits; flat runs of operators are loops.
///
/// With a `GradientTape`, values that depend on the tape's parameters are recorded with
/// their backward rules, for `ExpressionGradient`.
public struct ExpressionEvaluator {
    public let expression: ParsedExpression
    public let scope: ExpressionScope
    let tape: GradientTape?
    /// Values recorded on the tape, by name; they shadow the scope's values.
    let traced: [String: Traced]

    public init(expression: ParsedExpression, scope: ExpressionScope) {
        self.init(expression: expression, scope: scope, tape: nil, traced: [:])
    }

    init(expression: ParsedExpression, scope: ExpressionScope, tape: GradientTape?, traced: [String: Traced]) {
        self.expression = expression
        self.scope = scope
        self.tape = tape
        self.traced = traced
    }

    public func evaluate() throws -> Tensor {
        try evaluate(expression.root).value
    }

    func evaluateTraced() throws -> Traced {
        try evaluate(expression.root)
    }

    /// The functions the language knows, for help texts and suggestions.
    public static let functionNames = ExpressionFunction.names

    func location(_ offset: Int) -> SourceLocation { expression.location(at: offset) }

    private var limits: EvaluationLimits { scope.limits }

    /// A value computed from `inputs`; recorded on the tape when one of them is.
    func record(_ value: Tensor, _ inputs: [Traced], _ backward: @escaping GradientTape.Backward) throws -> Traced {
        guard let tape, inputs.contains(where: { $0.id != nil }) else { return Traced(value) }
        return try tape.record(value, inputs: inputs.map(\.id), backward, budget: limits.memory)
    }

    func evaluate(_ node: ExpressionNode) throws -> Traced {
        try limits.checkCancelled()
        let value = try evaluateNode(node)
        limits.computed?.add(value.value.count)
        return value
    }

    private func evaluateNode(_ node: ExpressionNode) throws -> Traced {
        switch node.kind {
        case .number(let value):
            return Traced(Tensor(scalar: value))
        case .name(let name):
            return try lookup(name, at: node.span.lowerBound)
        case .list(let elements):
            return try list(elements, node)
        case .negate(let operand):
            let x = try evaluate(operand)
            return try record(x.value.map { -$0 }, [x]) { g in [g.map { -$0 }] }
        case .chain(let first, let steps):
            var lhs = try evaluate(first)
            var lhsEnd = first.span.upperBound
            for step in steps {
                let rhs = try evaluate(step.operand)
                let lhsSpan = first.span.lowerBound..<lhsEnd
                lhs = try located(at: step.operatorOffset) {
                    try apply(step.op, lhs, rhs, leftText: expression.text(of: lhsSpan), rightText: expression.text(of: step.operand.span))
                }
                lhsEnd = step.operand.span.upperBound
            }
            return lhs
        case .binary(let op, let lhs, let rhs, let offset):
            let a = try evaluate(lhs), b = try evaluate(rhs)
            return try located(at: offset) {
                try apply(op, a, b, leftText: expression.text(of: lhs.span), rightText: expression.text(of: rhs.span))
            }
        case .call(let name, let arguments):
            return try call(name, arguments, node)
        case .postfix(let base, let steps):
            return try postfix(base, steps)
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

    private func lookup(_ name: String, at offset: Int) throws -> Traced {
        if let value = traced[name] { return value }
        if let value = scope.values[name] { return Traced(value) }
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
        let bound = Set(scope.values.keys).union(traced.keys).sorted()
        let known = bound + scope.unavailable.keys.sorted() + scope.metrics.keys.sorted()
        var hint = bound.isEmpty ? "no names are bound here" : "bound names: " + bound.joined(separator: ", ")
        if name == "P", scope.values["X"] != nil {
            hint = "define it on a line of its own first: P = softmax(X @ W + b); " + hint
        } else if let near = Suggestion.nearest(to: name, in: known + Self.functionNames) {
            hint = "did you mean '\(near)'? " + hint
        }
        throw Diagnostic.error("unknown name '\(name)'", at: location(offset), hint: hint)
    }

    private func isBound(_ name: String) -> Bool {
        traced[name] != nil || scope.values[name] != nil || scope.unavailable[name] != nil
    }

    private func postfix(_ base: ExpressionNode, _ steps: [PostfixStep]) throws -> Traced {
        var remaining = steps[...]
        var value: Traced
        if case .name(let label) = base.kind, !isBound(label), steps.count >= 3, case .member("history", _, _) = steps[0],
           case .index(let items, let bracket, _) = steps[1], case .member(let field, let offset, _) = steps[2] {
            // label.history[K].name: epoch K+1 of a training cell (K from 0; negative counts from the end).
            let epochs = Int(try metric(label, "epochs", base, offset))
            guard items.count == 1, case .at(let node) = items[0], let k = try evaluate(node).value.scalar,
                  k == k.rounded(), abs(k) <= Double(epochs), (k < 0 ? Int(k) + epochs : Int(k)) < epochs else {
                throw Diagnostic.error("cell '\(label)' trained \(epochs) epoch\(epochs == 1 ? "" : "s"): history[0] … history[\(epochs - 1)] (or history[-1], the last)",
                                       at: location(bracket), hint: "history[K] is epoch K+1, counted from 0")
            }
            let index = k < 0 ? Int(k) + epochs : Int(k)
            value = Traced(Tensor(scalar: try metric(label, "history[\(index)].\(field)", base, offset)))
            remaining = steps.dropFirst(3)
        } else if case .name(let owner) = base.kind, case .member(let name, _, _) = steps[0], let state = scope.values[owner + "." + name] {
            // A model's state under the name of the value it belongs to: H.running_mean, H.running_var.
            value = Traced(state)
            remaining = steps.dropFirst()
        } else if case .name(let label) = base.kind, !isBound(label), case .member(let name, let offset, _) = steps[0] {
            value = Traced(Tensor(scalar: try metric(label, name, base, offset)))
            remaining = steps.dropFirst()
        } else {
            value = try evaluate(base)
        }
        for step in remaining {
            try limits.checkCancelled()
            switch step {
            case .member(let name, let offset, _):
                switch name {
                case "T":
                    guard value.value.rank <= 2 else {
                        throw Diagnostic.error(".T of a \(value.value.shapeDescription) tensor: it transposes a matrix", at: location(offset),
                                               hint: "flatten(x) turns images into rows")
                    }
                    value = try record(value.value.transposed, [value]) { g in [g.transposed] }
                case "shape": value = Traced(Tensor(vector: value.value.shape.map(Double.init)))
                default:
                    throw Diagnostic.error("a tensor has no member '\(name)'", at: location(offset),
                                           hint: "tensors have .T (transpose) and .shape; label.metric reads a cell's metric")
                }
            case .index(let items, let offset, _):
                value = try index(value, items, offset)
            }
        }
        return value
    }

    private func metric(_ label: String, _ name: String, _ base: ExpressionNode, _ offset: Int) throws -> Double {
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
        return metric.value
    }

    // MARK: Literals and operators

    private func list(_ elements: [ExpressionNode], _ node: ExpressionNode) throws -> Traced {
        let values = try elements.map { try evaluate($0) }
        let tensors = values.map(\.value)
        if tensors.allSatisfy(\.isScalar) {
            return try record(Tensor(vector: tensors.map { $0.data[0] }), values) { g in g.data.map { Tensor(scalar: $0) } }
        }
        guard let first = tensors.first, first.rank == 1 else {
            let bad = zip(elements, tensors).first { $0.1.rank != 1 }!
            throw Diagnostic.error("a list literal holds scalars or rows of equal length; this element is \(bad.1.shapeDescription)",
                                   at: location(bad.0.span.lowerBound))
        }
        for (element, value) in zip(elements, tensors) where value.rank != 1 || value.count != first.count {
            throw Diagnostic.error("rows of a matrix literal must have equal lengths: the first row has \(first.count) values, this one is \(value.shapeDescription)",
                                   at: location(element.span.lowerBound))
        }
        let cols = first.count
        try located(at: node.span.lowerBound) { try Tensor.checkAllocation([tensors.count, cols], within: limits.memory, by: "this list") }
        return try record(Tensor(rows: tensors.count, cols: cols, data: tensors.flatMap(\.data)), values) { g in
            (0..<tensors.count).map { Tensor(vector: Array(g.data[$0 * cols ..< ($0 + 1) * cols])) }
        }
    }

    private func apply(_ op: BinaryOperator, _ a: Traced, _ b: Traced, leftText: @autoclosure () -> String,
                       rightText: @autoclosure () -> String) throws -> Traced {
        if op == .matmul {
            let (x, y) = (a.value, b.value)
            if x.rank >= 1, y.rank >= 1, (x.rank == 2 ? x.shape[1] : x.shape[0]) == y.shape[0] {
                let shape: [Int] = (x.rank == 2 ? [x.shape[0]] : []) + (y.rank == 2 ? [y.shape[1]] : [])
                try Tensor.checkAllocation(shape, within: limits.memory, by: "'@'")
            }
            let product = try Tensor.matmul(x, y, leftText: leftText(), rightText: rightText(), poll: limits.checkCancelled)
            return try record(product, [a, b]) { g in GradientRules.matmul(g, x, y) }
        }
        let (x, y) = (a.value, b.value)
        if let shape = Tensor.broadcastShape(x.shape, y.shape), shape != x.shape, shape != y.shape {
            try Tensor.checkAllocation(shape, within: limits.memory, by: "'\(op.rawValue)'")
        }
        let body: (Double, Double) -> Double
        switch op {
        case .add: body = { $0 + $1 }
        case .subtract: body = { $0 - $1 }
        case .multiply: body = { $0 * $1 }
        case .divide: body = { $0 / $1 }
        case .power: body = { Foundation.pow($0, $1) }
        case .less: body = { $0 < $1 ? 1 : 0 }
        case .lessEqual: body = { $0 <= $1 ? 1 : 0 }
        case .greater: body = { $0 > $1 ? 1 : 0 }
        case .greaterEqual: body = { $0 >= $1 ? 1 : 0 }
        case .equal: body = { $0 == $1 ? 1 : 0 }
        case .notEqual: body = { $0 != $1 ? 1 : 0 }
        case .matmul: preconditionFailure("handled above")
        }
        let out = try Tensor.zip(x, y, op.rawValue, poll: limits.checkCancelled, body)
        switch op {
        case .add, .subtract, .multiply, .divide, .power:
            return try record(out, [a, b]) { g in try GradientRules.arithmetic(op, g, x, y, out) }
        default:
            return Traced(out)
        }
    }

    private func index(_ traced: Traced, _ items: [IndexItem], _ offset: Int) throws -> Traced {
        let value = traced.value
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
        let shape = zip(ranges, keeps).filter(\.1).map(\.0.count)
        // Flat positions of the picked values, the last axis fastest.
        var positions = [0]
        var stride = 1
        for (axis, range) in ranges.enumerated().reversed() {
            positions = range.flatMap { i in positions.map { $0 + i * stride } }
            stride *= value.shape[axis]
        }
        let result = Tensor(shape: shape, data: positions.map { value.data[$0] })
        let inputShape = value.shape
        return try record(result, [traced]) { g in [GradientRules.scatter(g, positions, into: inputShape)] }
    }

    /// Evaluates `node` to a whole number of at most 15 digits, or throws saying what `role` needs.
    /// (Also how the training engine reads `axis=`, so both accept the same arguments.)
    func integer(_ node: ExpressionNode, _ role: String) throws -> Int {
        let value = try evaluate(node).value
        guard let scalar = value.scalar, scalar.rounded() == scalar, Swift.abs(scalar) < 1e15 else {
            let found = value.scalar.map { TensorFormatter.significant($0, 6) } ?? value.shapeDescription
            let detail = value.scalar.map { $0.isFinite && $0.rounded() == $0 ? " (too large)" : "" } ?? ""
            throw Diagnostic.error("\(role) must be a whole number, got \(found)\(detail)", at: location(node.span.lowerBound))
        }
        return Int(scalar)
    }

    /// The whole numbers a `LayerOp` call fixes: its positional size or shape and its
    /// keyword options. (Also the training engine's reading: they must not depend on data.)
    func layerSettings(_ op: LayerOp, _ bound: [String: ExpressionNode]) throws -> LayerOp.Settings {
        var settings = LayerOp.Settings()
        if op.random, let x = bound[op.tensors[0]] {
            let place = location(x.span.lowerBound)
            settings.site = place.line << 20 | place.column
            settings.noise = scope.noise
        }
        for name in op.constants + op.options {
            guard let node = bound[name] else { continue }
            switch name {
            case "size": settings.size = try integer(node, "the window's side")
            case "stride": settings.stride = try integer(node, "stride=")
            case "padding": settings.padding = try integer(node, "padding=")
            case "p":
                let value = try evaluate(node).value
                guard let rate = value.scalar else {
                    throw Diagnostic.error("dropout's p is one number, got \(value.shapeDescription)", at: location(node.span.lowerBound))
                }
                settings.rate = rate
            default:
                let value = try evaluate(node).value
                guard value.rank == 1, value.data.allSatisfy({ $0.rounded() == $0 && Swift.abs($0) < 1e9 }) else {
                    throw Diagnostic.error("a shape is a list of whole numbers, e.g. [-1, 1, 28, 28]", at: location(node.span.lowerBound))
                }
                settings.shape = value.data.map { Int($0) }
            }
        }
        return settings
    }

    /// Evaluates a `keepdims=` value: True/False, or 1/0. (Also the training engine's reading.)
    func flag(_ node: ExpressionNode, _ role: String) throws -> Bool {
        if case .name(let name) = node.kind, !isBound(name) {
            switch name {
            case "True", "true": return true
            case "False", "false": return false
            default: break
            }
        }
        let value = try evaluate(node).value
        guard let scalar = value.scalar, scalar == 0 || scalar == 1 else {
            throw Diagnostic.error("\(role) must be True or False (or 1 or 0)", at: location(node.span.lowerBound))
        }
        return scalar == 1
    }

    // MARK: Functions

    private func call(_ name: String, _ arguments: [CallArgument], _ node: ExpressionNode) throws -> Traced {
        let at = node.span.lowerBound
        guard let function = ExpressionFunction.named(name) else {
            var hint = "functions: " + Self.functionNames.joined(separator: ", ")
            if let near = Suggestion.nearest(to: name, in: Self.functionNames) { hint = "did you mean '\(near)'? " + hint }
            if isBound(name) { hint = "'\(name)' is a value; use '*' or '@' to multiply" }
            throw Diagnostic.error("unknown function '\(name)'", at: location(at), hint: hint)
        }
        let bound = try bind(arguments, to: function, node)
        if function.isReduction || name == "softmax" {
            let x = try evaluate(bound["x"]!)
            let axisNode = bound["axis"]
            let axis = try axisNode.map { try integer($0, "axis=") }
            let keepdims = try bound["keepdims"].map { try flag($0, "keepdims=") } ?? false
            return try located(at: axisNode?.span.lowerBound ?? at) {
                if name == "softmax" {
                    let out = try x.value.softmax(axis: axis ?? -1)
                    return try record(out, [x]) { g in [GradientRules.softmax(g, out, axis: axis ?? -1)] }
                }
                let kind = Reduction(rawValue: name)!
                let out = try x.value.reduce(kind, axis: axis, keepdims: keepdims)
                guard kind != .argmax else { return Traced(out) }
                let input = x.value
                return try record(out, [x]) { g in [try GradientRules.reduction(kind, g, input, out, axis: axis)] }
            }
        }
        if let op = LayerOp.named(name) {
            let inputs = try op.tensors.map { try evaluate(bound[$0]!) }
            var settings = try layerSettings(op, bound)
            var values = inputs.map(\.value)
            if !op.state.isEmpty {
                // batchnorm: the running statistics kept under the statement's name, read when
                // evaluating; a training step normalises with the batch's and logs its input.
                let names = expression.binding.map { [BatchNormalization.meanName($0), BatchNormalization.varianceName($0)] } ?? []
                let running = names.compactMap { scope.values[$0] }
                if scope.noise == nil, running.count == 2 {
                    settings.batchStatistics = false
                    values += running
                } else if scope.noise != nil, let name = expression.binding {
                    scope.batchStatistics?.record(name, values[0])
                }
            }
            let shape = try located(at: at) { try op.shape(values.map(\.shape), settings) }
            try located(at: at) { try Tensor.checkAllocation(shape, within: limits.memory, by: "\(name)()") }
            let out = op.value(values, settings, shape)
            return try record(out, inputs) { g in op.gradient(g, values, settings) }
        }
        switch name {
        case "onehot":
            let labels = try evaluate(bound["y"]!).value
            let classesNode = bound["classes"]!
            let classes = try integer(classesNode, "the number of classes")
            return Traced(try onehot(labels, classes: classes, bound["y"]!, classesNode))
        case "maximum", "minimum":
            let a = try evaluate(bound["a"]!), b = try evaluate(bound["b"]!)
            return try located(at: at) { try extreme(name == "maximum", a, b) }
        case "clip":
            let x = try evaluate(bound["x"]!), lo = try evaluate(bound["lo"]!), hi = try evaluate(bound["hi"]!)
            return try located(at: at) { try extreme(false, try extreme(true, x, lo), hi) }
        case "where":
            let condition = try evaluate(bound["condition"]!).value
            let a = try evaluate(bound["a"]!), b = try evaluate(bound["b"]!)
            return try located(at: at) { try select(condition, a, b) }
        case "eye":
            let sizeNode = bound["n"]!
            let n = try integer(sizeNode, "the size")
            // 4,096² values of Float64 are 128 MiB.
            guard (1...4096).contains(n) else {
                throw Diagnostic.error("eye(n) takes a size from 1 to 4096, got \(n)", at: location(sizeNode.span.lowerBound))
            }
            return Traced(Tensor(shape: [n, n], data: (0..<n * n).map { $0 % (n + 1) == 0 ? 1 : 0 }))
        case "rand", "randn":
            let shapeNode = bound["shape"]!
            let value = try evaluate(shapeNode).value
            let sizes = value.data.map { $0.rounded() == $0 && $0 >= 1 && $0 < 1e9 ? Int($0) : 0 }
            guard value.rank <= 1, (1...Tensor.maxRank).contains(sizes.count), !sizes.contains(0) else {
                throw Diagnostic.error("\(name) takes a size or a list of 1 to \(Tensor.maxRank) sizes, each a whole number ≥ 1, got \(value.scalar.map { TensorFormatter.significant($0, 6) } ?? value.shapeDescription)",
                                       at: location(shapeNode.span.lowerBound), hint: "e.g. \(name)([3, 4]) or \(name)(5)")
            }
            try located(at: at) { try Tensor.checkAllocation(sizes, within: limits.memory, by: "\(name)()") }
            return Traced(Tensor(shape: sizes, data: scope.random.draw(sizes.reduce(1, *), normal: name == "randn")))
        case "solve", "inv", "lstsq":
            return try linearAlgebra(name, bound, node)
        default:
            let op = ElementwiseOp.named(name)!
            let x = try evaluate(bound["x"]!)
            let input = x.value
            let out = input.map(op.value)
            // A function the tape passes through backpropagates as if its derivative were 1.
            let passes = tape?.passesThrough.contains(name) ?? false
            return try record(out, [x]) { g in [passes ? g : GradientRules.elementwise(op, g, input, out)] }
        }
    }


    /// Matches call arguments to the function's parameters and options (also for the training
    /// engine, so a misspelt or misplaced argument is the same error in both).
    func bind(_ arguments: [CallArgument], to function: ExpressionFunction, _ node: ExpressionNode) throws -> [String: ExpressionNode] {
        let name = function.name
        let positional = arguments.filter { $0.keyword == nil }
        if function.isReduction || name == "softmax", positional.count == 2 {
            let second = expression.text(of: positional[1].value.span)
            let first = expression.text(of: positional[0].value.span)
            var hint = "write \(name)(\(first), axis=\(second))"
            if name == "max" || name == "min" {
                hint += "; for the elementwise \(name == "max" ? "maximum" : "minimum") use \(name == "max" ? "maximum" : "minimum")(\(first), \(second))"
            }
            throw Diagnostic.error("\(name)() takes the axis only as a keyword: axis=\(second)", at: location(positional[1].value.span.lowerBound), hint: hint)
        }
        guard positional.count <= function.parameters.count else {
            let count = function.parameters.count
            throw Diagnostic.error("\(name)() takes \(count == 1 ? "one argument" : "\(count) arguments"), got \(positional.count)",
                                   at: location(positional[count].value.span.lowerBound), hint: function.usage)
        }
        var bound: [String: ExpressionNode] = [:]
        for (parameter, argument) in zip(function.parameters, positional) { bound[parameter] = argument.value }
        for argument in arguments {
            guard let keyword = argument.keyword else { continue }
            let keywordLocation = location(argument.keywordOffset!)
            guard function.parameters.contains(keyword) || function.options.contains(keyword) else {
                let known = function.parameters + function.options
                var hint = function.usage
                if let near = Suggestion.nearest(to: keyword, in: known) { hint = "did you mean '\(near)='? " + hint }
                throw Diagnostic.error("\(name)() has no argument '\(keyword)'", at: keywordLocation, hint: hint)
            }
            guard bound[keyword] == nil else { throw Diagnostic.error("\(name)() got '\(keyword)' twice", at: keywordLocation) }
            bound[keyword] = argument.value
        }
        if let missing = function.parameters.first(where: { bound[$0] == nil }) {
            let message = positional.isEmpty && arguments.isEmpty ? "\(name)() needs an argument"
                : "\(name)() needs '\(missing)'"
            throw Diagnostic.error(message, at: location(node.span.lowerBound), hint: function.usage)
        }
        return bound
    }

    /// The elementwise maximum (or minimum), with broadcasting; nan wins, as in NumPy.
    private func extreme(_ isMaximum: Bool, _ a: Traced, _ b: Traced) throws -> Traced {
        let (x, y) = (a.value, b.value)
        let symbol = isMaximum ? "maximum" : "minimum"
        if let shape = Tensor.broadcastShape(x.shape, y.shape), shape != x.shape, shape != y.shape {
            try Tensor.checkAllocation(shape, within: limits.memory, by: "\(symbol)()")
        }
        let out = try Tensor.zip(x, y, symbol, poll: limits.checkCancelled) { u, v in
            if u.isNaN || v.isNaN { return .nan }
            return isMaximum ? Swift.max(u, v) : Swift.min(u, v)
        }
        return try record(out, [a, b]) { g in try GradientRules.extreme(isMaximum, g, x, y) }
    }

    /// `where(condition, a, b)`: a where the condition is not 0, else b, all three broadcast.
    private func select(_ condition: Tensor, _ a: Traced, _ b: Traced) throws -> Traced {
        let (x, y) = (a.value, b.value)
        guard let inner = Tensor.broadcastShape(x.shape, y.shape), let shape = Tensor.broadcastShape(condition.shape, inner) else {
            let ab = Tensor.broadcastShape(x.shape, y.shape) == nil
            throw ShapeError("shape mismatch in where(): \(ab ? "a \(x.shapeDescription) and b \(y.shapeDescription)" : "the condition \(condition.shapeDescription) and the values") cannot broadcast")
        }
        try Tensor.checkAllocation(shape, within: limits.memory, by: "where()")
        let mask = condition.broadcasted(to: shape).map { $0 != 0 ? 1 : 0 }
        let u = x.broadcasted(to: shape), v = y.broadcasted(to: shape)
        var data = u.data
        for i in 0..<data.count where mask.data[i] == 0 { data[i] = v.data[i] }
        let result = Tensor(shape: shape, data: data)
        return try record(result, [a, b]) { g in try GradientRules.select(g, mask, x.shape, y.shape) }
    }

    private func onehot(_ labels: Tensor, classes: Int, _ argument: ExpressionNode, _ classesNode: ExpressionNode) throws -> Tensor {
        guard classes >= 1 else {
            throw Diagnostic.error("onehot() needs at least one class, got \(classes)", at: location(classesNode.span.lowerBound))
        }
        guard labels.rank <= 1 else {
            throw Diagnostic.error("onehot() takes a vector of labels, got \(labels.shapeDescription)", at: location(argument.span.lowerBound))
        }
        let shape = labels.isScalar ? [classes] : [labels.count, classes]
        try located(at: classesNode.span.lowerBound) { try Tensor.checkAllocation(shape, within: limits.memory, by: "onehot()") }
        for (i, label) in labels.data.enumerated() {
            guard label.rounded() == label, label >= 0, label < Double(classes) else {
                throw Diagnostic.error("onehot() label \(TensorFormatter.significant(label, 6)) at position \(i) is not a class in 0…\(classes - 1)",
                                       at: location(argument.span.lowerBound))
            }
        }
        var data = [Double](repeating: 0, count: labels.count * classes)
        for (i, label) in labels.data.enumerated() { data[i * classes + Int(label)] = 1 }
        return Tensor(shape: shape, data: data)
    }
}
