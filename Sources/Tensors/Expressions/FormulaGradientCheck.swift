import Foundation

/// A gradient formula checked against differences of a loss written in the expression
/// language: what `{gradcheck}` does for each `grad NAME:` line, and `{derive}` for its own.
///
/// The differences come from a `PerturbationLoss` (only what a moved entry changes is
/// evaluated again) and take `GradientCheck`'s stencils around kinks: central, or one-sided
/// from the side without a kink. Two kinds of point cannot tell a right formula from a wrong
/// one: a parameter sitting on kinks (a layer initialised to zeros puts every relu input at
/// exactly 0, so its entries have a kink within ε on both sides), and a loss that does not
/// change with the parameter (the layer after a zero layer sees only zeros). The check then
/// moves the point: every parameter of `movable` gets seeded normal noise of standard
/// deviation `moveScale`, and the formula and the differences are evaluated there. Up to
/// `moveAttempts` points are tried (each with twice the noise of the one before); the best
/// is kept, and the report says where the check was made.
package struct FormulaGradientCheck {
    /// Where the check was made instead of the starting point, and why.
    package struct Move: Sendable {
        package enum Reason: Sendable {
            /// `skipped` of the `drawn` entries had a kink within ε on both sides.
            case kinks(skipped: Int, drawn: Int)
            /// The loss did not change with the parameter.
            case flat
        }
        package var reason: Reason
        /// The names moved, each with its noise's standard deviation (drawn with the check's seed).
        package var moved: [(name: String, scale: Double)]
    }

    /// What one formula came to.
    package struct Outcome {
        package var result: GradientCheck.Result
        /// The formula's values at the point of the check, every entry.
        package var analytic: Tensor
        /// The names at the point of the check (moved, when `move` is set).
        package var scope: ExpressionScope
        package var move: Move?

        /// Entries left out, and whether the loss was flat: what a move tries to bring to nothing.
        var trouble: (flat: Int, skipped: Int) { (result.lossIsFlat ? 1 : 0, result.kinkCount) }
    }

    /// Moves tried at most, after the starting point.
    static let moveAttempts = 3

    var scope: ExpressionScope
    var definitions: [ParsedExpression]
    var loss: ParsedExpression
    /// The names a move may change besides the parameter checked: a model's parameters, or the
    /// cell's other `grad` names (never data).
    var movable: [String]
    var epsilon: Double
    var tolerance: Double
    var seed: UInt64

    package init(scope: ExpressionScope, definitions: [ParsedExpression], loss: ParsedExpression, movable: [String],
                 epsilon: Double, tolerance: Double, seed: UInt64) {
        self.scope = scope
        self.definitions = definitions
        self.loss = loss
        self.movable = movable
        self.epsilon = epsilon
        self.tolerance = tolerance
        self.seed = seed
    }

    /// The noise a tensor is moved by: far larger than ε, so that after the move a kink within
    /// ε of an entry is rare, and scaled with the tensor's own size.
    func moveScale(for value: Tensor) -> Double {
        let meanSquare = value.data.reduce(0) { $0 + $1 * $1 } / Double(max(1, value.count))
        return 1000 * epsilon * max(1, meanSquare.squareRoot())
    }

    /// Checks `formula` (its value `analytic` at the scope's values) as the gradient of the loss
    /// with respect to `name`, on entries drawn with the seed. `formula` evaluates it at another
    /// point; `between` runs between blocks of entries (progress, with the entries drawn, and cancellation).
    package func check(_ name: String, analytic: Tensor, formula: (ExpressionScope) throws -> Tensor, entries: GradientCheck.EntryCount,
               between: (_ done: Int, _ drawn: Int) throws -> Void) throws -> Outcome {
        let start = scope[name]!
        let perturbed = try PerturbationLoss(scope: scope, definitions: definitions, loss: loss, parameter: name)
        let limit = entries.limit(of: start.count, valuesPerEvaluation: try perturbed.valuesPerEvaluation())
        let indices = GradientCheck.indices(count: start.count, limit: limit, seed: seed)
        let progress: (Int) throws -> Void = { try between($0, indices.count) }
        var outcome = try check(name, analytic: analytic, perturbed, in: scope, indices: indices, between: progress)
        let first = outcome.trouble
        guard first != (0, 0) else { return outcome }
        let reason: Move.Reason = first.skipped > 0 ? .kinks(skipped: first.skipped, drawn: indices.count) : .flat
        let names = [name] + movable.filter { $0 != name && scope[$0] != nil }
        var factor = 1.0
        for attempt in 0..<Self.moveAttempts {
            var generator = Xoshiro256StarStar(seed: seed &+ 0x6B1_4C0FF &* UInt64(attempt + 1))
            var moved = scope
            var scales: [(name: String, scale: Double)] = []
            for moving in names {
                let value = scope[moving]!
                let scale = factor * moveScale(for: value)
                moved[moving] = value.map { $0 + scale * generator.normal() }
                scales.append((moving, scale))
            }
            let analytic = try formula(moved)
            let perturbed = try PerturbationLoss(scope: moved, definitions: definitions, loss: loss, parameter: name)
            var tried = try check(name, analytic: analytic, perturbed, in: moved, indices: indices, between: progress)
            tried.move = Move(reason: reason, moved: scales)
            if tried.trouble < outcome.trouble { outcome = tried }
            if outcome.trouble == (0, 0) { break }
            factor *= 2
        }
        return outcome
    }

    private func check(_ name: String, analytic: Tensor, _ perturbed: PerturbationLoss, in scope: ExpressionScope, indices: [Int],
                       between: (Int) throws -> Void) throws -> Outcome {
        let result = try GradientCheck.check(name: name, analytic: analytic, parameter: scope[name]!, start: try perturbed.atStart(),
                                             entryLoss: { try perturbed.evaluate(at: $0, value: $1) },
                                             indices: indices, epsilon: epsilon, tolerance: tolerance, between: between)
        return Outcome(result: result, analytic: analytic, scope: scope)
    }
}
