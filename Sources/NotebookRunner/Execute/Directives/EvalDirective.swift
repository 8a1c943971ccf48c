import Foundation

/// `{eval}`: evaluates expressions line by line and shows the results.
///
/// Each body line is an expression, or `name = expression` to bind a name for later
/// lines, later cells and inline roles; a line ending in `;` is computed but not shown. Scalars print as `expr = value`, vectors and
/// matrices as tables (large ones as their top-left corner). A scalar binding is also
/// recorded as a metric of the cell, so `label.name` reads it later.
public struct EvalDirective: Directive {
    public static let spec = DirectiveSpec(
        name: "eval",
        arguments: "",
        summary: "Evaluates tensor expressions (softmax([1, 2, 3]), onehot(y, 10), …) and shows the values.",
        options: [
            OptionSpec("digits", "integer 0…12", "Decimals shown.", default: "3"),
            OptionSpec("samples", "integer ≥ 1", "Rows of the training split bound to X, y, Y (N = samples).", default: "32"),
            OptionSpec("seed", "integer", "Seed for the rows drawn and random weights.", default: "front matter seed or 0"),
        ],
        acceptsBody: true)

    let lines: [ParsedExpression]
    let digits: Int
    let samples: Int
    let seed: UInt64

    public init(cell: Cell, defaults: Defaults) throws {
        let options = OptionReader(cell: cell, defaults: defaults)
        digits = try options.int("digits", default: 3, range: 0...12)
        samples = try options.int("samples", default: 32, range: 1...100_000, inheritsDefault: false)
        seed = UInt64(truncatingIfNeeded: try options.int("seed", default: Int(truncatingIfNeeded: defaults.seed)))
        var lines: [ParsedExpression] = []
        for line in cell.body {
            let scalars = Array(line.text.unicodeScalars)
            let start = scalars.firstIndex { $0 != " " && $0 != "\t" } ?? scalars.count
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[start...])
            let text = String(view)
            if text.isEmpty || text.hasPrefix("#") { continue }
            lines.append(try ExpressionParser.parseStatement(text, at: line.location.advanced(byColumns: start)))
        }
        guard !lines.isEmpty else {
            throw Diagnostic.error("{eval} needs at least one expression", at: cell.directiveLocation,
                                   hint: "write one per line, e.g. softmax([1, 2, 3])")
        }
        self.lines = lines
    }

    /// A cell that binds names changes `state.expressionBindings`, which the cell cache does
    /// not store yet; saying its inputs cannot be listed keeps it (and what follows) uncached,
    /// so a later cell never misses a binding a cached cell would have made.
    public func run(in context: ExecutionContext) throws -> CellOutputs {
        var scope = ExpressionBindings(state: context.state, samples: samples, seed: seed).scope
        scope.limits = context.evaluationLimits
        let formatter = TensorFormatter(digits: digits)
        var outputs = CellOutputs()
        for line in lines {
            let value = try scope.evaluate(line)
            var label = line.expressionText
            if let name = line.binding {
                scope.values[name] = value
                context.state.expressionBindings[name] = value
                if let scalar = value.scalar, value.isScalar { outputs.record(name, scalar) }
                label = "\(name) = \(label)"
            }
            if line.isSilent { continue }
            for output in formatter.outputs(label: label, value) { outputs.append(output) }
        }
        return outputs
    }
}
