import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

/// `{load} :csv: FILE :target: COLUMN`: a table of numbers as a regression data set, read by
/// SwiftCSV, every mistake located in the file; a `yhat` model trains on it.
@Suite struct CSVLoadTests {
    /// Loads `text` written as `name` in a fresh folder with `options`; the state and the outputs.
    static func load(_ text: String, name: String = "table.csv", _ options: [(String, String)]) throws -> (NotebookState, CellOutputs) {
        let folder = try DataFixtures.temporaryDirectory("csv")
        try Data(text.utf8).write(to: folder.appendingPathComponent(name))
        let state = NotebookState()
        let cell = DataFixtures.cell("load", [], [("csv", name)] + options)
        let outputs = try DataFixtures.run(LoadDirective.self, cell, state: state, output: folder.appendingPathComponent("out"), notebookDirectory: folder)
        return (state, outputs)
    }

    static func error(_ text: String, _ options: [(String, String)] = [("target", "t")]) -> Diagnostic? {
        DataFixtures.diagnostic { _ = try load(text, options) }
    }

    @Test func theTargetIsTAndTheOtherColumnsAreX() throws {
        let (state, outputs) = try Self.load("a, t ,b\n1,3,2\n4,6,5\n\n\"7\",9,8.5\n-1e1,0,3\n", [("target", "t"), ("train-rows", "0..3"), ("test-rows", "3..4")])
        let dataset = try #require(state.dataset)
        let train = try #require(dataset.train), test = try #require(dataset.test)
        #expect(train.count == 3 && train.pixelCount == 2)
        #expect(train.features == [1, 2, 4, 5, 7, 8.5] && train.targets == [3, 6, 9])
        #expect(test.features == [-10, 3] && test.targets == [0])
        let tensors = train.tensors(rows: [2, 0], classes: 1)
        #expect(tensors["X"]!.data == [7, 8.5, 1, 2] && tensors["t"]!.data == [9, 3])
        #expect(outputs.metrics.contains(Metric(name: "features", value: 2)) && outputs.metrics.contains(Metric(name: "train_count", value: 3)))
        guard case .table(let columns) = outputs.items[1] else { Issue.record("\(outputs.items)"); return }
        #expect(columns.rows.map { $0[0] } == ["a", "b", "t"] && columns.rows[2][4] == "9")
    }

    @Test func mistakesAreLocatedInTheFile() throws {
        let missing = try #require(Self.error("size,price\n1,2\n", [("target", "prices")]))
        #expect(missing.message == "the CSV file 'table.csv' has no column 'prices'" && missing.location?.line == 3, "\(missing)")
        #expect(missing.hint?.contains("did you mean 'price'?") == true && missing.hint?.contains("size, price") == true)
        let word = try #require(Self.error("a,t\n1,2\n\n3,abc\n"))
        #expect(word.message == "'abc' in column 't' is not a number" && word.location == SourceLocation(file: "table.csv", line: 4, column: 3), "\(word)")
        // A quoted name holding a line break moves the records after it down.
        let shifted = try #require(Self.error("\"size\n(m²)\",t\n1,2\n3,x\n"))
        #expect(shifted.message == "'x' in column 't' is not a number" && shifted.location == SourceLocation(file: "table.csv", line: 4, column: 3), "\(shifted)")
        let fields = try #require(Self.error("a,b,t\n1,2,3\n4,5\n"))
        #expect(fields.message == "this row has 2 fields, the header 3" && fields.location?.line == 3)
        let noTarget = try #require(DataFixtures.diagnostic { _ = try LoadDirective(cell: DataFixtures.cell("load", [], [("csv", "x.csv")]), defaults: Defaults()) })
        #expect(noTarget.message.contains("needs :target:"))
        let mixed = try #require(DataFixtures.diagnostic {
            _ = try LoadDirective(cell: DataFixtures.cell("load", [], [("csv", "x.csv"), ("target", "t"), ("classes", "3,8")]), defaults: Defaults())
        })
        #expect(mixed.message.contains(":classes: is for image data") && mixed.location?.line == 4)
        let absent = try #require(DataFixtures.diagnostic {
            let folder = try DataFixtures.temporaryDirectory("csv-absent")
            _ = try DataFixtures.run(LoadDirective.self, DataFixtures.cell("load", [], [("csv", "gone.csv"), ("target", "t")]), state: NotebookState(),
                                     output: folder, notebookDirectory: folder)
        })
        #expect(absent.message.contains("gone.csv"), "\(absent)")
    }

    /// The data set survives the cell cache: its features and targets are archived with it.
    @Test func theDataSetIsArchivedWithItsFeatures() throws {
        let (state, _) = try Self.load("a,b,t\n1.5,2,3\n4,5,6.25\n", [("target", "t")])
        let dataset = try #require(state.dataset)
        var payload: [UInt8] = []
        let header = try dataset.archive(into: &payload)
        let restored = try Dataset.unarchive(header, payload: payload[...])
        try restored.checkRestored()
        #expect(restored.train?.features == [1.5, 2, 4, 5] && restored.train?.targets == [3, 6.25])
    }

    /// Rows held out for validation keep their targets and features (they used to be relabelled
    /// with their class labels as targets, so a regression's validation loss measured the wrong numbers).
    @Test func heldOutRowsKeepTheirTargets() throws {
        let (state, _) = try Self.load("a,t\n1,10.5\n2,20.5\n3,30.5\n4,40.5\n5,50.5\n", [("target", "t")])
        let whole = try #require(state.dataset?.train)
        let (train, validation) = whole.holdingOut(2, seed: 3)
        #expect(train.count == 3 && validation.count == 2)
        for part in [train, validation] {
            let features = try #require(part.features), targets = try #require(part.targets)
            #expect(zip(features, targets).allSatisfy { $1 == $0 * 10 + 0.5 }, "\(features) \(targets)")
        }
    }

    /// A `yhat` model trains on the plant-growth table of notebooks/data on the engine and fits it.
    @Test func aRegressionModelTrainsOnACSVFile() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../notebooks/data").standardized
        let state = NotebookState()
        let cell = DataFixtures.cell("load", [], [("csv", "plant-growth.csv"), ("target", "growth_cm"), ("train-rows", "0..160"), ("test-rows", "160..200")])
        _ = try DataFixtures.run(LoadDirective.self, cell, state: state, output: try DataFixtures.temporaryDirectory("csv-plants"), notebookDirectory: root)
        let body = ["param w: inputs×1 zeros", "param c: 1 zeros", "yhat = X @ w + c", "loss: mean((yhat - t) ** 2)"]
        let model = try ExpressionTestSupport.run(ModelDirective.self, ExpressionTestSupport.cell("model", body: body, label: "linear"), state: state)
        #expect(model.status == .ok, "\(model.outputs)")
        let declared = "\(model.outputs)"
        #expect(declared.contains("parameters for 4 input columns of plant-growth.csv; forward pass yhat, predicting yhat (the predicted values)"), "\(declared)")
        #expect(!declared.contains("pixel") && !declared.contains("classes"))
        let train = try ExpressionTestSupport.run(TrainDirective.self, ExpressionTestSupport.cell("train", options: [
            ("model", "linear"), ("optimizer", "adam"), ("lr", "0.05"), ("batch", "16"), ("epochs", "60"),
        ], label: "fit"), state: state)
        #expect(train.status == .ok, "\(train.outputs)")
        let r2 = try #require(ExpressionTestSupport.metric(train, "history[-1].test_r2") ?? train.metrics.last { $0.name.hasSuffix("test_r2") }?.value)
        #expect(r2 > 0.8, "R² \(r2)")
        // The least-squares fit by the normal equations on the same rows, for comparison: the trained fit is close to it.
        let evaluated = try ExpressionTestSupport.run(EvaluateDirective.self, ExpressionTestSupport.cell("evaluate", options: [("model", "fit")]), state: state)
        let rmse = try #require(ExpressionTestSupport.metric(evaluated, "rmse"))
        #expect(rmse < 1.5, "RMSE \(rmse)")
    }
}
