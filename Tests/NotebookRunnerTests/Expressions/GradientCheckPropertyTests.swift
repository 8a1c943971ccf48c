import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

private typealias Support = ExpressionTestSupport

/// For random small models and losses, the right gradient passes every kind of check and no
/// wrong one does: scaled, shifted, sign flipped, transposed, or missing a factor of the chain
/// rule (a relu's mask, the (1 − Y) part, an activation's derivative). Seeded; a failing case
/// is printed whole.
@Suite struct GradientCheckPropertyTests {
    /// A loss with its right gradient formulas and, per parameter, the formulas a classic slip gives.
    struct Problem {
        var name: String
        /// Definitions and the loss (for `{gradcheck}`), or the model's body (for `:model:`).
        var lines: [String]
        /// Helper lines of the check, then one formula per parameter.
        var helpers: [String] = []
        var gradients: [(parameter: String, right: String, slips: [String], square: Bool)]
    }

    /// The wrong versions of `right` a case tries, drawn with `generator`.
    static func wrong(_ right: String, slips: [String], square: Bool, _ generator: inout Xoshiro256StarStar) -> [(String, String)] {
        let factor = (generator.unit() < 0.5 ? -1.0 : 1.0) * Foundation.exp(Foundation.log(1.05) + generator.unit() * (Foundation.log(1000) - Foundation.log(1.05)))
        let shift = 0.05 + generator.unit() * 5
        var cases = [("scaled by \(factor)", "(\(right)) * \(factor)"),
                     ("shifted by \(shift) × its rms", "(\(right)) + \(shift) * sqrt(mean((\(right)) ** 2))"),
                     ("sign flipped", "-(\(right))")]
        if square { cases.append(("transposed", "(\(right)).T")) }
        cases += slips.map { ("slip", $0) }
        return cases
    }

    // MARK: plain {gradcheck}: X, Y, N, W, b of the synthetic data

    static func plainProblem(_ generator: inout Xoshiro256StarStar) -> Problem {
        switch Int(generator.next() % 5) {
        case 0:
            return Problem(name: "softmax regression", lines: ["P = softmax(X @ W + b)", "loss: -mean(sum(Y * log(P), axis=1))"],
                           gradients: [("W", "X.T @ (P - Y) / N", ["X.T @ ((P - Y) * Y) / N", "X.T @ (P - Y)"], false),
                                       ("b", "sum(P - Y, axis=0) / N", ["sum((P - Y) * Y, axis=0) / N"], false)])
        case 1:
            return Problem(name: "squared error", lines: ["E = X @ W + b - Y", "loss: sum(E ** 2) / (2 * N)"],
                           gradients: [("W", "X.T @ E / N", ["X.T @ E / N / 2", "X.T @ (X @ W - Y) / N"], false),
                                       ("b", "sum(E, axis=0) / N", ["mean(E, axis=0) / N"], false)])
        case 2:
            return Problem(name: "sigmoid cross-entropy", lines: ["S = sigmoid(X @ W + b)", "loss: -mean(sum(Y * log(S) + (1 - Y) * log(1 - S), axis=1))"],
                           gradients: [("W", "X.T @ (S - Y) / N", ["X.T @ ((S - 1) * Y) / N"], false),
                                       ("b", "sum(S - Y, axis=0) / N", ["sum((S - 1) * Y, axis=0) / N"], false)])
        case 3:
            return Problem(name: "relu regression", lines: ["Z = X @ W + b", "H = relu(Z)", "loss: sum((H - Y) ** 2) / (2 * N)"],
                           gradients: [("W", "X.T @ ((H - Y) * (Z > 0)) / N", ["X.T @ (H - Y) / N"], false),
                                       ("b", "sum((H - Y) * (Z > 0), axis=0) / N", ["sum(H - Y, axis=0) / N"], false)])
        default:
            return Problem(name: "tanh regression", lines: ["T = tanh(X @ W + b)", "loss: sum((T - Y) ** 2) / (2 * N)"],
                           gradients: [("W", "X.T @ ((T - Y) * (1 - T ** 2)) / N", ["X.T @ (T - Y) / N"], false),
                                       ("b", "sum((T - Y) * (1 - T ** 2), axis=0) / N", ["sum(T - Y, axis=0) / N"], false)])
        }
    }

    // MARK: {gradcheck} :model: on a random two-layer network

    static func modelProblem(_ generator: inout Xoshiro256StarStar) -> Problem {
        let hidden = generator.unit() < 0.3 ? 10 : 3 + Int(generator.next() % 6)
        let activations = [("relu", "(Z1 > 0)"), ("tanh", "(1 - H ** 2)"), ("sigmoid", "H * (1 - H)")]
        let (activation, derivative) = activations[Int(generator.next() % 3)]
        let inits = activation == "relu" ? ["zeros", "normal(0.1)", "normal(0.5)", "normal(1)"] : ["normal(0.1)", "normal(0.5)", "normal(1)"]
        let first = inits[Int(generator.next() % UInt64(inits.count))]
        let body = ["param W1: inputs×\(hidden) \(first)", "param b1: \(hidden) \(first == "zeros" ? "zeros" : "constant(0.1)")",
                    "param W2: \(hidden)×classes normal(0.5)", "param b2: classes zeros",
                    "Z1 = X @ W1 + b1", "H = \(activation)(Z1)", "P = softmax(H @ W2 + b2)", "loss: -mean(sum(Y * log(P), axis=1))"]
        return Problem(name: "\(activation) network, \(hidden) hidden, first layer \(first)", lines: body,
                       helpers: ["dZ2 = (P - Y) / N", "dH = dZ2 @ W2.T", "dZ1 = dH * \(derivative)"],
                       gradients: [("W1", "X.T @ dZ1", ["X.T @ dH"], false), ("b1", "sum(dZ1, axis=0)", ["sum(dH, axis=0)"], false),
                                   ("W2", "H.T @ dZ2", ["H.T @ (P - Y)", "H.T @ (dZ2 * Y)"], hidden == 10),
                                   ("b2", "sum(dZ2, axis=0)", ["sum(dZ2 * Y, axis=0)"], false)])
    }

    // MARK: {derive} on :given: tensors

    static func deriveProblem(_ generator: inout Xoshiro256StarStar) -> (given: String, problem: Problem) {
        let rows = 3 + Int(generator.next() % 6)
        let square = generator.unit() < 0.4
        let cols = square ? rows : 3 + Int(generator.next() % 6)
        let given = "A \(rows)×\(cols) normal(1), B \(rows)×\(cols) normal(1), y \(rows) labels(\(cols))"
        switch Int(generator.next() % 4) {
        case 0:
            return (given, Problem(name: "cross-entropy of softmax", lines: ["Y = onehot(y, \(cols))", "J = -mean(sum(Y * log(softmax(A)), axis=1))"],
                                   gradients: [("A", "(softmax(A) - Y) / \(rows)", ["(softmax(A) - Y) * Y / \(rows)", "(softmax(A) - Y)"], square)]))
        case 1:
            return (given, Problem(name: "squared relu", lines: ["J = sum(relu(A) ** 2) / 2 + sum(A * B)"],
                                   gradients: [("A", "relu(A) + B", ["A + B", "relu(A)"], square)]))
        case 2:
            return (given, Problem(name: "log-sum-exp", lines: ["J = sum(log(sum(exp(A), axis=1)))"],
                                   gradients: [("A", "softmax(A)", ["exp(A)", "softmax(A, axis=0)"], square)]))
        default:
            return (given, Problem(name: "sigmoid cross-entropy", lines: ["Y = onehot(y, \(cols))", "J = -sum(Y * log(sigmoid(A)) + (1 - Y) * log(1 - sigmoid(A)))"],
                                   gradients: [("A", "sigmoid(A) - Y", ["(sigmoid(A) - 1) * Y"], square)]))
        }
    }

    /// One case: its description (printed when it goes wrong) and whether the check passed.
    typealias Outcome = (description: String, passed: Bool, error: String)

    static func gradcheck(_ problem: Problem, formula: String, for parameter: String, model: Bool, seed: Int) throws -> Outcome {
        let state = Support.state()
        var options = [("seed", "\(seed)")]
        var body = problem.lines
        if model {
            let declared = try Support.run(ModelDirective.self, Support.cell("model", body: problem.lines, label: "net"), state: state)
            guard declared.status == .ok else { return ("model: \(problem.lines)", false, "\(String(describing: declared.error))") }
            options.append(("model", "net"))
            body = []
        }
        body += problem.helpers + ["grad \(parameter): \(formula)"]
        let result = try Support.run(GradCheckDirective.self, Support.cell("gradcheck", options: options, body: body), state: state)
        let passed = result.status == .ok && Support.metric(result, "passed") == 1
        let shown = (model ? ["{model}"] + problem.lines + ["{gradcheck} :model:"] : []) + body
        let description = "{gradcheck} (\(problem.name)), seed \(seed):\n    " + shown.joined(separator: "\n    ")
        return (description, passed, result.error.map { "\($0.message) (\($0.hint ?? ""))" } ?? "")
    }

    static func derive(given: String, _ problem: Problem, formula: String, seed: Int) throws -> Outcome {
        let lines = ["```{derive}", ":given: \(given)", ":seed: \(seed)"] + problem.lines + ["grad A: \(formula)", "```"]
        let text = lines.joined(separator: "\n")
        let run = Executor(registry: .standard, settings: testSettings()).run(try parseNotebook(text))
        let result = try #require(run.cells.first)
        let failed = result.metrics.first { $0.name == "failed_lines" }?.value
        return ("{derive} (\(problem.name)):\n    " + lines.joined(separator: "\n    "), result.status == .ok && failed == 0,
                result.error.map { "\($0.message) (\($0.hint ?? ""))" } ?? "")
    }

    /// Runs `cases` cases of `make`; every right formula must pass and every wrong one fail.
    static func property(seed: UInt64, cases: Int,
                         _ make: (inout Xoshiro256StarStar, Int) throws -> [(outcome: Outcome, shouldPass: Bool)]) throws {
        var generator = Xoshiro256StarStar(seed: seed)
        var failures: [String] = []
        var checked = 0
        for index in 0..<cases {
            for (outcome, shouldPass) in try make(&generator, index) {
                checked += 1
                if outcome.passed != shouldPass {
                    failures.append("\(shouldPass ? "the right gradient did not pass" : "a WRONG gradient passed"): \(outcome.description)\n    → \(outcome.error)")
                }
            }
        }
        #expect(failures.isEmpty, Comment(rawValue: "\(failures.count) of \(checked) checks went wrong:\n" + failures.joined(separator: "\n\n")))
        #expect(checked >= cases * 3)
    }

    /// The right formula of `gradient`, which should pass, and its wrong versions, which should not, each run by `run`.
    static func rightAndWrong(_ gradient: (parameter: String, right: String, slips: [String], square: Bool), _ generator: inout Xoshiro256StarStar,
                              run: (String) throws -> Outcome) throws -> [(outcome: Outcome, shouldPass: Bool)] {
        var outcomes = [(try run(gradient.right), true)]
        for (_, formula) in wrong(gradient.right, slips: gradient.slips, square: gradient.square, &generator) {
            outcomes.append((try run(formula), false))
        }
        return outcomes
    }

    @Test func plainChecksPassRightAndFailWrongGradients() throws {
        try Self.property(seed: 20_261_205, cases: 40) { generator, index in
            let problem = Self.plainProblem(&generator)
            let gradient = problem.gradients[Int(generator.next() % UInt64(problem.gradients.count))]
            return try Self.rightAndWrong(gradient, &generator) { try Self.gradcheck(problem, formula: $0, for: gradient.parameter, model: false, seed: index) }
        }
    }

    @Test func modelChecksPassRightAndFailWrongGradients() throws {
        try Self.property(seed: 7_0501, cases: 30) { generator, index in
            let problem = Self.modelProblem(&generator)
            let gradient = problem.gradients[Int(generator.next() % UInt64(problem.gradients.count))]
            return try Self.rightAndWrong(gradient, &generator) { try Self.gradcheck(problem, formula: $0, for: gradient.parameter, model: true, seed: index) }
        }
    }

    @Test func deriveGradientLinesPassRightAndFailWrongGradients() throws {
        try Self.property(seed: 31_337, cases: 40) { generator, index in
            let (given, problem) = Self.deriveProblem(&generator)
            return try Self.rightAndWrong(problem.gradients[0], &generator) { try Self.derive(given: given, problem, formula: $0, seed: index) }
        }
    }
}
