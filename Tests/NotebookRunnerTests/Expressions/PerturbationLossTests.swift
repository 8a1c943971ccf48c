import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

/// The incremental loss of a gradient check gives the values a full evaluation gives.
@Suite struct PerturbationLossTests {
    func parse(_ lines: [String]) throws -> [ParsedExpression] {
        try lines.enumerated().map { try ExpressionParser.parseStatement($1, at: SourceLocation(file: "t.md", line: $0 + 1)) }
    }

    func random(_ shape: [Int], _ generator: inout Xoshiro256StarStar, scale: Double = 1) -> Tensor {
        Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in generator.normal() * scale })
    }

    @Test func matchesFullEvaluationOnATwoLayerNetwork() throws {
        var generator = Xoshiro256StarStar(seed: 3)
        var scope = ExpressionScope()
        scope.values["X"] = random([6, 5], &generator)
        scope.values["W1"] = random([5, 4], &generator)
        scope.values["b1"] = random([4], &generator)
        scope.values["W2"] = random([4, 3], &generator)
        scope.values["b2"] = random([3], &generator)
        scope.values["Y"] = Tensor(rows: 6, cols: 3, data: (0..<18).map { $0 % 4 == 0 ? 1 : 0 })
        let definitions = try parse(["Z1 = X @ W1 + b1", "H = relu(Z1)", "Z2 = H @ W2 * 2 + b2", "P = softmax(Z2)"])
        let loss = try ExpressionParser.parse("-mean(sum(Y * log(P), axis=1)) + sum(W1 * W1) / 10", at: SourceLocation(file: "t.md", line: 9))
        for parameter in ["W1", "b1", "W2", "b2"] {
            let perturbed = try PerturbationLoss(scope: scope, definitions: definitions, loss: loss, parameter: parameter)
            let start = scope[parameter]!
            for index in [0, start.count / 2, start.count - 1] {
                let value = start.data[index] + 0.37
                var moved = scope
                moved.values[parameter]!.data[index] = value
                let full = try moved.evaluate(loss, after: definitions).data[0]
                let fast = try perturbed.loss(at: index, value: value)
                #expect(abs(full - fast) <= 1e-12 * max(1, abs(full)), "\(parameter)[\(index)]: \(full) vs \(fast)")
            }
        }
    }

    @Test func rewritesProductsWithTheParameterOnEitherSide() throws {
        var generator = Xoshiro256StarStar(seed: 5)
        var scope = ExpressionScope()
        scope.values["A"] = random([3, 4], &generator)
        scope.values["T"] = random([4, 4], &generator)
        scope.values["B"] = random([4, 2], &generator)
        let loss = try ExpressionParser.parse("sum(exp((A @ T) @ B)) + sum(T @ B)", at: SourceLocation(file: "t.md", line: 1))
        let perturbed = try PerturbationLoss(scope: scope, definitions: [], loss: loss, parameter: "T")
        for index in 0..<16 {
            var moved = scope
            moved.values["T"]!.data[index] -= 0.5
            let full = try moved.evaluate(loss).data[0]
            #expect(abs(full - (try perturbed.loss(at: index, value: scope["T"]!.data[index] - 0.5))) <= 1e-10 * max(1, abs(full)))
        }
    }

    /// A relu input within ε of zero makes the central difference half a slope: that entry is
    /// differentiated from the side without the kink, the others centrally.
    @Test func entriesNearAReluKinkAreDifferentiatedFromTheOtherSide() throws {
        var scope = ExpressionScope()
        scope.values["x"] = Tensor(vector: [0.5, 3e-6, -0.25, -4e-6, 1.5])
        let loss = try ExpressionParser.parse("sum(relu(x) * relu(x)) / 2 + sum(relu(x))", at: SourceLocation(file: "t.md", line: 1))
        let perturbed = try PerturbationLoss(scope: scope, definitions: [], loss: loss, parameter: "x")
        let analytic = Tensor(vector: [1.5, 1 + 3e-6, 0, 0, 2.5])
        let result = try GradientCheck.check(name: "x", analytic: analytic, parameter: scope["x"]!, start: try perturbed.atStart(),
                                             entryLoss: { try perturbed.evaluate(at: $0, value: $1) },
                                             indices: [0, 1, 2, 3, 4], epsilon: 1e-5, tolerance: 1e-6)
        #expect(result.entries.map(\.stencil) == [.central, .forward, .central, .backward, .central])
        #expect(result.kinkCount == 0)
        #expect(result.oneSidedCount == 2)
        #expect(result.relativeError < 1e-9, "relative error \(result.relativeError)")
        #expect(result.passed)
    }

    /// Kinks within ε on both sides leave the entry out, counted.
    @Test func entriesBetweenTwoKinksAreLeftOut() throws {
        var scope = ExpressionScope()
        scope.values["x"] = Tensor(vector: [0.5, 1e-6])
        let loss = try ExpressionParser.parse("sum(relu(x)) + sum(relu(x - 2e-6))", at: SourceLocation(file: "t.md", line: 1))
        let perturbed = try PerturbationLoss(scope: scope, definitions: [], loss: loss, parameter: "x")
        let result = try GradientCheck.check(name: "x", analytic: Tensor(vector: [2, 1]), parameter: scope["x"]!, start: try perturbed.atStart(),
                                             entryLoss: { try perturbed.evaluate(at: $0, value: $1) },
                                             indices: [0, 1], epsilon: 1e-5, tolerance: 1e-6)
        #expect(result.entries.map(\.stencil) == [.central, .skipped])
        #expect(result.relativeError < 1e-9)
        #expect(!result.passed, "one of two entries compared is below the minimum")
    }

    /// Definitions the loss does not read (a check's helper lines) are not evaluated per entry,
    /// and their comparisons are no kinks of the loss.
    @Test func definitionsTheLossDoesNotReadAreLeftOut() throws {
        let definitions = try parse(["Z = x * 2", "M = (Z > 0) * 3", "L = sum(Z * Z)", "unused = relu(x)"])
        let loss = try ExpressionParser.parse("L + 1", at: SourceLocation(file: "t.md", line: 9))
        #expect(PerturbationLoss.needed(definitions, by: loss).map(\.binding) == ["Z", "L"])
    }
}

/// A backpropagation that forgets an activation's derivative is named as such, with the
/// derivative written from the op table at the activation's input.
@Test(arguments: [
    ("relu", "(Z1 > 0)"),
    ("tanh", "(1 - tanh(Z1) * tanh(Z1))"),
    ("sigmoid", "(sigmoid(Z1) * (1 - sigmoid(Z1)))"),
    ("softplus", "(sigmoid(Z1))"),
])
func forgottenActivationDerivativeIsNamed(activation: String, derivative: String) throws {
    let state = ExpressionTestSupport.state()
    let body = ["param W1: inputs×6 normal(0.5)", "param b1: 6 constant(0.1)", "param W2: 6×classes normal(0.5)", "param b2: classes zeros",
                "Z1 = X @ W1 + b1", "H = \(activation)(Z1)", "P = softmax(H @ W2 + b2)", "loss: -mean(sum(Y * log(P), axis=1))"]
    _ = try ExpressionTestSupport.run(ModelDirective.self, ExpressionTestSupport.cell("model", body: body, label: "mlp"), state: state)
    let check = ExpressionTestSupport.cell("gradcheck", options: [("model", "mlp"), ("expect", "fail")],
                                           body: ["dH = (P - Y) / N @ W2.T", "grad W1: X.T @ dH"])
    let result = try ExpressionTestSupport.run(GradCheckDirective.self, check, state: state)
    #expect("\(result.outputs)".contains("leaves out the derivative of \(activation) in H = \(activation)(Z1): the error coming back through H must be multiplied by \(derivative) before"),
            "\(result.outputs)")
}

@Test func anActivationsDerivativeIsWrittenAtItsInput() throws {
    let tanh = try #require(ElementwiseOp.named("tanh")), log = try #require(ElementwiseOp.named("log"))
    #expect(GradientHints.derivativeText(tanh, at: "Z") == "(1 - tanh(Z) * tanh(Z))")
    #expect(GradientHints.derivativeText(log, at: "X @ W") == "(1 / (X @ W))")
}
