import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

/// How a `param` line's initialiser may be written.
@Suite struct InitializerSpellingTests {
    /// NumPy's randn spelling in a param line is the normal initialiser, drawn from the same stream.
    @Test func randnIsTheNormalInitialiser() throws {
        let location = SourceLocation(file: "m.md", line: 1)
        #expect(try ModelDefinitionParser.parseInitializer("randn", at: location) == .normal(standardDeviation: 1))
        #expect(try ModelDefinitionParser.parseInitializer("randn * 0.01", at: location) == .normal(standardDeviation: 0.01))
        #expect(try ModelDefinitionParser.parseInitializer("0.05*randn", at: location) == .normal(standardDeviation: 0.05))
        let error = try #require(throws: Diagnostic.self) { _ = try ModelDefinitionParser.parseInitializer("randn * -1", at: location) }
        #expect(error.hint?.contains("randn * STD") == true)
        let numpy = try EngineTests.definition(["param W: inputs×classes randn * 0.01", "P = softmax(X @ W)", "loss: -mean(sum(Y * log(P), axis=1))"])
        let named = try EngineTests.definition(["param W: inputs×classes normal(0.01)", "P = softmax(X @ W)", "loss: -mean(sum(Y * log(P), axis=1))"])
        #expect(ParameterInitializer.values(of: numpy, inputs: 16, classes: 10, seed: 3) == ParameterInitializer.values(of: named, inputs: 16, classes: 10, seed: 3))
    }
}

/// `rand` beside `randn`: NumPy's uniform numbers in [0, 1), in a param line and in expressions.
@Suite struct RandSpellingTests {
    static let location = SourceLocation(file: "m.md", line: 1)

    @Test func randIsUniformFromZeroInAParamLine() throws {
        #expect(try ModelDefinitionParser.parseInitializer("rand", at: Self.location) == .rand(scale: 1))
        #expect(try ModelDefinitionParser.parseInitializer("rand * 0.1", at: Self.location) == .rand(scale: 0.1))
        #expect(try ModelDefinitionParser.parseInitializer("0.5*rand", at: Self.location) == .rand(scale: 0.5))
        #expect(try ModelDefinitionParser.parseInitializer("randn * 2", at: Self.location) == .normal(standardDeviation: 2))
        let error = try #require(throws: Diagnostic.self) { _ = try ModelDefinitionParser.parseInitializer("rand * -1", at: Self.location) }
        #expect(error.hint?.contains("rand * S") == true)
        let definition = try EngineTests.definition(["param W: inputs×classes rand * 0.2", "P = softmax(X @ W)", "loss: -mean(sum(Y * log(P), axis=1))"])
        let values = try #require(ParameterInitializer.values(of: definition, inputs: 16, classes: 10, seed: 3)["W"])
        // 160 draws in [0, 0.2), their mean 0.1 within 4 standard deviations (0.2/√12/√160), and the same again.
        #expect(values.allSatisfy { $0 >= 0 && $0 < 0.2 })
        let mean: Double = values.reduce(0, +) / 160, standardError: Double = 0.2 / (12.0 * 160).squareRoot()
        #expect(abs(mean - 0.1) < 4 * standardError, "mean \(mean)")
        #expect(values == ParameterInitializer.values(of: definition, inputs: 16, classes: 10, seed: 3)["W"])
        #expect(values != ParameterInitializer.values(of: definition, inputs: 16, classes: 10, seed: 4)["W"])
        #expect(definition.parameters[0].initializer.description == "rand * 0.2")
    }

    func evaluate(_ lines: [String], seed: UInt64) throws -> [Tensor] {
        var scope = ExpressionScope()
        scope.random = RandomStream(seed: seed)
        return try lines.map { try scope.evaluate(ExpressionParser.parse($0, at: Self.location)) }
    }

    @Test func randAndRandnDrawInOrderFromTheSeed() throws {
        let first = try evaluate(["rand([2, 3])", "randn(4)", "rand(2)"], seed: 7)
        #expect(first.map(\.shape) == [[2, 3], [4], [2]])
        #expect(first[0].data.allSatisfy { $0 >= 0 && $0 < 1 })
        // The same seed gives the same numbers; each call continues the stream; another seed differs.
        #expect(try evaluate(["rand([2, 3])", "randn(4)", "rand(2)"], seed: 7).map(\.data) == first.map(\.data))
        #expect(first[2].data != Array(first[0].data.prefix(2)))
        #expect(try evaluate(["rand([2, 3])"], seed: 8)[0].data != first[0].data)
        // rand is uniform: 10,000 draws have mean ½ and variance 1/12; randn mean 0 and variance 1 (within 5 standard errors).
        let uniform = try evaluate(["rand(10000)"], seed: 1)[0].data, normal = try evaluate(["randn(10000)"], seed: 1)[0].data
        func moments(_ values: [Double]) -> (Double, Double) {
            let mean = values.reduce(0, +) / Double(values.count)
            return (mean, values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count))
        }
        let (um, uv) = moments(uniform), (nm, nv) = moments(normal)
        #expect(abs(um - 0.5) < 5 * (1.0 / 12 / 10_000).squareRoot() && abs(uv - 1.0 / 12) < 0.005, "\(um) \(uv)")
        #expect(abs(nm) < 5 * 0.01 && abs(nv - 1) < 0.05, "\(nm) \(nv)")
        let error = try #require(throws: Diagnostic.self) { _ = try evaluate(["rand([2, 0])"], seed: 1) }
        #expect(error.message.contains("each a whole number ≥ 1") && error.location?.column == 6, "\(error)")
    }
}

extension RandSpellingTests {
    /// In `{eval}`, rand and randn draw from the cell's `:seed:`: the same seed the same numbers, line after line.
    @Test func evalCellsDrawFromTheirSeed() throws {
        func sums(seed: String) throws -> [Double?] {
            let cell = ExpressionTestSupport.cell("eval", options: [("seed", seed)], body: ["a = sum(rand([3, 4]))", "b = sum(randn(5))", "c = sum(rand(4))"])
            let result = try ExpressionTestSupport.run(EvalDirective.self, cell)
            #expect(result.status == .ok)
            return ["a", "b", "c"].map { ExpressionTestSupport.metric(result, $0) }
        }
        let first = try sums(seed: "3")
        #expect(first.allSatisfy { $0 != nil })
        #expect(try sums(seed: "3") == first)
        #expect(try sums(seed: "4") != first)
    }
}
