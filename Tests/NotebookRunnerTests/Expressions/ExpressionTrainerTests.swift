import Testing
@testable import NotebookRunner
@testable import Tensors

/// A learnable data set: class k lights pixel k (of 16) brightly, other pixels are faint noise.
private func learnable(count: Int, seed: UInt64) -> DataSplit {
    var generator = Xoshiro256StarStar(seed: seed)
    var images: [UInt8] = []
    var labels: [UInt8] = []
    for _ in 0..<count {
        let label = Int(generator.next() % 10)
        labels.append(UInt8(label))
        for p in 0..<16 { images.append(p == label ? 200 + UInt8(generator.next() % 56) : UInt8(generator.next() % 60)) }
    }
    return DataSplit(name: "train", images: images, labels: labels, count: count, rows: 4, cols: 4, sources: [])
}

private func train(_ gradW: String, _ gradB: String?) throws -> ExpressionTrainer.Outcome {
    let at = SourceLocation(file: "t.md", line: 3, column: 10)
    var formulas = [try ExpressionTrainer.Formula(parameter: "W", source: gradW, at: at)]
    if let gradB { formulas.append(try ExpressionTrainer.Formula(parameter: "b", source: gradB, at: at)) }
    let trainer = ExpressionTrainer(formulas: formulas, configuration: .init(learningRate: 0.5, batchSize: 20, epochs: 3, seed: 1))
    return try trainer.train(on: learnable(count: 400, seed: 2), test: learnable(count: 200, seed: 3), classes: 10)
}

@Test func rightDerivationTrains() throws {
    let outcome = try train("X.T @ (P - Y) / N", "sum(P - Y, axis=0) / N")
    #expect(outcome.history.count == 3)
    #expect(!outcome.diverged)
    #expect(outcome.history[2].loss < outcome.history[0].loss)
    #expect(try #require(outcome.history.last?.testAccuracy) > 0.9)
    #expect(outcome.model.inputs == 16 && outcome.model.classes == 10)
}

@Test func flippedSignTrainsBadly() throws {
    let right = try train("X.T @ (P - Y) / N", nil)
    let flipped = try train("X.T @ (Y - P) / N", nil)
    #expect(try #require(flipped.history.last?.testAccuracy) < 0.5)
    #expect(flipped.history.last!.loss > right.history.last!.loss)
}

@Test func trainerReportsShapeErrorsAtTheFormula() throws {
    do {
        _ = try train("X @ (P - Y) / N", nil)
        Issue.record("expected an error")
    } catch let error as Diagnostic {
        #expect(error.location == SourceLocation(file: "t.md", line: 3, column: 12))
        #expect(error.message.contains("(20×16) @ (20×10)"))
    }
    #expect(throws: Diagnostic.self) { try ExpressionTrainer.Formula(parameter: "V", source: "X", at: SourceLocation(file: "t.md", line: 1)) }
}
