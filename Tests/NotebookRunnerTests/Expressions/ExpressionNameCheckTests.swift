import Testing
@testable import NotebookRunner
@testable import Tensors

/// Names are checked at the language level, against what is known before a run.
@Suite struct ExpressionNameCheckTests {
    func problems(_ source: String, _ check: ExpressionNameCheck) throws -> [String] {
        let expression = try ExpressionParser.parse(source, at: SourceLocation(file: "nb.md", line: 1))
        return check.diagnostics(in: expression).map(\.headline)
    }

    @Test func knownNamesLabelsAndFunctionsPass() throws {
        let check = ExpressionNameCheck(values: ExpressionNameCheck.standardNames.union(["z"]), labelsBefore: ["train"])
        #expect(try problems("softmax(X @ W + b)[0] + z.T.shape[0] + train.test_accuracy + sum([1, 2], axis=0)", check).isEmpty)
        // A training cell's epochs: label.history[K].name.
        #expect(try problems("train.history[3].test_accuracy - train.history[-1].train_loss", check).isEmpty)
        #expect(try problems("train.history[q].test_accuracy", check) == ["nb.md:1:15: error: unknown name 'q'"])
    }

    @Test func eachProblemIsLocated() throws {
        let check = ExpressionNameCheck(labelsBefore: ["train"], labelsAfter: ["later"])
        #expect(try problems("trian.loss", check) == ["nb.md:1:1: error: no cell labelled 'trian'"])
        #expect(try problems("1 + later.loss", check) == ["nb.md:1:5: error: cell 'later' comes later in the notebook, so its metrics are not known here"])
        #expect(try problems("W + Wx", check) == ["nb.md:1:5: error: unknown name 'Wx'"])
        #expect(try problems("exp + 1", check) == ["nb.md:1:1: error: 'exp' is a function"])
        #expect(try problems("train * 2", check) == ["nb.md:1:1: error: 'train' is a cell label, not a value"])
        #expect(try problems("max(expp(X))", check) == ["nb.md:1:5: error: unknown function 'expp'"])
        #expect(try problems("X.size", check) == ["nb.md:1:3: error: a tensor has no member 'size'"])
        #expect(try problems("[q, X[r:s]]", check).count == 3)
    }

    /// A name bound only when the cell runs (a model's, when values are not all known) is read
    /// as the evaluator reads it: `H.T` and `H.shape` are its members, `H.loss` a cell's metric.
    @Test func aNameBoundAtRunTimeKeepsItsTensorMembers() throws {
        var check = ExpressionNameCheck(labelsBefore: ["train"], labelsAfter: ["later"])
        #expect(try problems("H.T", check) == ["nb.md:1:1: error: no cell labelled 'H'"])
        check.valuesAreComplete = false
        #expect(try problems("H.T @ H + H.shape[0] + H.T.T.shape[1]", check).isEmpty)
        #expect(try problems("H.loss", check) == ["nb.md:1:1: error: no cell labelled 'H'"])
        #expect(try problems("later.T", check) == ["nb.md:1:1: error: cell 'later' comes later in the notebook, so its metrics are not known here"])
        #expect(try problems("H.T.size", check) == ["nb.md:1:5: error: a tensor has no member 'size'"])
    }
}
