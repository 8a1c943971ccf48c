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
