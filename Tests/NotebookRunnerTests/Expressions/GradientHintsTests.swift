import Testing
@testable import NotebookRunner
@testable import Tensors

/// A result whose numeric values are `numeric` and analytic values `analytic`.
private func result(_ analytic: [Double], _ numeric: [Double]) -> GradientCheck.Result {
    GradientCheck.Result(name: "W", shape: [analytic.count],
                         entries: analytic.indices.map { GradientCheck.Entry(index: $0, analytic: analytic[$0], numeric: numeric[$0]) },
                         tolerance: 1e-6)
}

private let numeric = [0.3, -0.2, 0.05, 0.0, 0.11, -0.07]

private func hints(_ analytic: [Double], patterns: [GradientHints.Pattern] = []) -> [String] {
    GradientHints.hints(for: result(analytic, numeric), analytic: Tensor(vector: analytic), patterns: patterns, samples: 32)
}

@Test func relativeErrorDefinition() {
    #expect(GradientCheck.relativeError([3, 4], [3, 4]) == 0)
    #expect(GradientCheck.relativeError([0, 0], [0, 0]) == 0)
    #expect(abs(GradientCheck.relativeError([1, 0], [0, 1]) - 2.0.squareRoot()) < 1e-15)
    #expect(GradientCheck.relativeError([1, .nan], [1, 1]).isNaN)
    #expect(!result([1, .nan], [1, 1]).passed)
}

@Test func hintsNameConstantFactors() {
    #expect(hints(numeric.map { -$0 }).first?.contains("opposite sign") == true)
    #expect(hints(numeric.map { $0 * 32 }).first?.contains("division by N") == true)
    #expect(hints(numeric.map { $0 / 32 }).first?.contains("divided by N once too often") == true)
    #expect(hints(numeric.map { $0 * -32 }).first?.contains("opposite sign and a missing division by N") == true)
    #expect(hints(numeric.map { $0 * 2 }).first?.contains("factor 2 too large") == true)
    #expect(hints(numeric.map { $0 * 3.7 }).first?.contains("3.7 × the numeric gradient") == true)
    #expect(hints(numeric.map { _ in 0 }).first?.contains("0 at every checked entry") == true)
    #expect(hints(numeric).isEmpty)
}

@Test func hintsRecogniseAKnownMistakeBeforeAFactor() {
    let mistake = GradientHints.Pattern(description: "is the mistake", values: Tensor(vector: [1, 0, 2, 0, 0, 3]))
    #expect(hints([-1, 0, -2, 0, 0, -3], patterns: [mistake]) == ["the formula is the mistake, and it has the opposite sign (compare P − Y with Y − P)"])
    #expect(hints([1, 0, 2, 0, 0, 3], patterns: [mistake]) == ["the formula is the mistake"])
    // Not close to the pattern: falls through to the generic zero hint.
    #expect(hints([0.3, 0, 0, 0, 0.11, 0], patterns: [mistake]).first?.contains("exactly 0 at 3 of the 5") == true)
}

@Test func trueClassOnlyPatternAtTheLogits() throws {
    // P − Y for 2 samples and 3 classes, and the mistake Y ⊙ (P − Y): zero wherever Y is 0.
    let p = Tensor(rows: 2, cols: 3, data: [0.2, 0.5, 0.3, 0.1, 0.1, 0.8])
    let y = Tensor(rows: 2, cols: 3, data: [0, 1, 0, 1, 0, 0])
    let right = try Tensor.zip(p, y, "-", -).map { $0 / 2 }
    let wrong = try Tensor.zip(y, right, "*", *)
    #expect(wrong.data == [0, -0.25, 0, -0.45, 0, 0])
    let entries = right.data.indices.map { GradientCheck.Entry(index: $0, analytic: wrong.data[$0], numeric: right.data[$0]) }
    let failed = GradientCheck.Result(name: "A", shape: [2, 3], entries: entries, tolerance: 1e-6)
    let found = GradientHints.hints(for: failed, analytic: wrong, patterns: GradientHints.logitPatterns(probabilities: p, onehot: y, samples: 2), samples: 2)
    #expect(found.first?.contains("zero wherever Y is 0") == true)
}

@Test func heatMapDrawsWeightsAsOneImagePerClass() {
    let entries = (0..<40).map { GradientCheck.Entry(index: $0, analytic: Double($0 % 4), numeric: 0) }
    let failed = GradientCheck.Result(name: "W", shape: [4, 10], entries: entries, tolerance: 1e-6)
    let figure = GradientHeatMap.figure(for: failed, tile: (rows: 2, cols: 2))
    #expect(figure.svg.hasPrefix("<svg"))
    #expect(figure.svg.contains("<title>|formula − numeric| for W (4×10), largest 3</title>"))
    #expect(figure.svg.components(separatedBy: "<text").count - 1 == 10 + 2)
    let sampled = GradientCheck.Result(name: "b", shape: [10], entries: Array(entries.prefix(5)), tolerance: 1e-6)
    #expect(GradientHeatMap.figure(for: sampled).svg.contains("not checked"))
    let names = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    let named = GradientHeatMap.figure(for: failed, tile: (rows: 2, cols: 2), classNames: names).svg
    #expect(names.allSatisfy { named.contains(">\($0)</text>") || named.contains("<title>\($0)</title>") })
    #expect(GradientHeatMap.figure(for: sampled, classNames: names).svg.contains("rotate(-45)\" text-anchor=\"start\">four</text>"))
}
