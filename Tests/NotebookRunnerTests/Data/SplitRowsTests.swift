import Foundation
import Testing
@testable import NotebookRunner

/// `{load}` with `:from:`, `:train-rows:` and `:test-rows:`: both splits cut from one file pair.
@Suite final class SplitRowsTests {
    let output: URL

    init() throws {
        output = try DataFixtures.temporaryDirectory("split-rows")
    }

    deinit {
        try? FileManager.default.removeItem(at: output)
    }

    func metric(_ outputs: CellOutputs, _ name: String) -> Double? {
        outputs.metrics.first { $0.name == name }?.value
    }

    func defaults(_ pairs: [(String, String)]) -> Defaults {
        var defaults = Defaults()
        for (key, value) in pairs { defaults.set(key, value, at: nil) }
        return defaults
    }

    func failure(_ cell: Cell, defaults: Defaults = Defaults()) -> Diagnostic? {
        DataFixtures.diagnostic { _ = try LoadDirective(cell: cell, defaults: defaults) }
    }

    @Test(.enabled(if: DataFixtures.hasMNIST, "MNIST test set not found at ../shared/data/mnist"))
    func cutsTrainAndTestFromTheTestFiles() throws {
        let state = NotebookState()
        let cell = DataFixtures.cell("load", ["mnist"], [("from", "test"), ("train-rows", "0..8000"), ("test-rows", "8000..10000")])
        let outputs = try DataFixtures.run(LoadDirective.self, cell, state: state, output: output)
        #expect(metric(outputs, "train_count") == 8000)
        #expect(metric(outputs, "test_count") == 2000)
        #expect(metric(outputs, "train_first_label") == 7)
        // Over both parts, the statistics of the whole test set (README: mean 0.1325, std 0.3105).
        #expect(abs(metric(outputs, "pixel_mean")! - 0.1325) < 0.00005)
        #expect(abs(metric(outputs, "pixel_std")! - 0.3105) < 0.00005)
        let dataset = try #require(state.dataset)
        #expect(Array(dataset.train!.labels.prefix(5)) == [7, 2, 1, 0, 4])
        #expect(dataset.train!.images.count == 8000 * 784)
        #expect(dataset.test!.count == 2000 && dataset.test!.name == "test")
        #expect(dataset.train!.sources == dataset.test!.sources)
        #expect(dataset.train!.sources[0].hasSuffix("t10k-images-idx3-ubyte.gz"))
        // Row 8000 of the file is the test split's row 0.
        let whole = try IDXReader.readLabels(at: DataFixtures.mnistTestLabels)
        #expect(dataset.test!.labels == Array(whole[8000...]))
        #expect(outputs.items.last == .text("""
            Read from mnist/ in the --data-dir folder.
            Train split: rows 0..7999 of t10k-images-idx3-ubyte.gz and its labels.
            Test split: rows 8000..9999 of the same files.
            """))
        let directive = try LoadDirective(cell: cell, defaults: Defaults())
        let inputs = try directive.inputFiles(in: DataFixtures.context(for: cell, state: state, output: output))
        #expect(inputs.map(\.lastPathComponent) == ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"])
    }

    @Test(.enabled(if: DataFixtures.hasMNIST, "MNIST test set not found at ../shared/data/mnist"))
    func parametersChooseTheRowsOfAPlainLoadCell() throws {
        let state = NotebookState()
        let cell = DataFixtures.cell("load", ["mnist"])
        let directive = try LoadDirective(cell: cell, defaults: defaults([("from", "test"), ("train-rows", "0..300"), ("test-rows", "9900..10000")]))
        let outputs = try directive.run(in: DataFixtures.context(for: cell, state: state, output: output))
        #expect(metric(outputs, "train_count") == 300)
        #expect(metric(outputs, "test_count") == 100)
    }

    @Test(.enabled(if: DataFixtures.hasMNIST, "MNIST test set not found at ../shared/data/mnist"))
    func rowsWithoutFromTrimTheirOwnSplit() throws {
        let state = NotebookState()
        let cell = DataFixtures.cell("load", ["mnist"], [("split", "test"), ("test-rows", "3..6")])
        let outputs = try DataFixtures.run(LoadDirective.self, cell, state: state, output: output)
        #expect(state.dataset?.test?.labels == [0, 4, 1])
        #expect(state.dataset?.train == nil)
        #expect(outputs.items.last == .text("Read from mnist/ in the --data-dir folder. Kept rows 3..5 of the test split."))
    }

    @Test func explicitFilesAreCutIntoBothSplits() throws {
        let folder = try DataFixtures.temporaryDirectory("split-files")
        defer { try? FileManager.default.removeItem(at: folder) }
        try DataFixtures.write(DataFixtures.imagesFile(count: 6), to: folder.appendingPathComponent("images"))
        try DataFixtures.write(DataFixtures.labelsFile([5, 0, 4, 1, 9, 2]), to: folder.appendingPathComponent("labels"))
        let state = NotebookState()
        let cell = DataFixtures.cell("load", [], [("images", "images"), ("labels", "labels"),
                                                   ("train-rows", "0..4"), ("test-rows", "4..6")])
        _ = try DataFixtures.run(LoadDirective.self, cell, state: state, output: output,
                                 dataDirectory: nil, notebookDirectory: folder)
        #expect(state.dataset?.train?.labels == [5, 0, 4, 1])
        #expect(state.dataset?.test?.labels == [9, 2])
        #expect(state.dataset?.test?.images == Array(DataFixtures.imagesFile(count: 6)[(16 + 4 * 12)...]))

        let tooFar = DataFixtures.cell("load", [], [("images", "images"), ("labels", "labels"), ("train-rows", "0..7")])
        let error = DataFixtures.diagnostic {
            _ = try DataFixtures.run(LoadDirective.self, tooFar, state: state, output: self.output,
                                     dataDirectory: nil, notebookDirectory: folder)
        }
        #expect(error?.message == ":train-rows: 0..7 goes past the 6 rows of these files")
        #expect(error?.location?.line == 1)
    }

    @Test func validatesTheRowOptions() {
        let overlap = failure(DataFixtures.cell("load", ["mnist"], [("from", "test"), ("train-rows", "0..8000"), ("test-rows", "7000..10000")]))
        #expect(overlap?.message == "train rows 0..8000 and test rows 7000..10000 overlap: 1,000 images would be trained on and then tested on")
        #expect(overlap?.location?.line == 4)
        #expect(overlap?.hint?.contains(":train-rows: 0..7000") == true)

        let noRows = failure(DataFixtures.cell("load", ["mnist"], [("from", "test")]))
        #expect(noRows?.message.hasPrefix(":from: test needs :train-rows: or :test-rows:") == true)

        let badFrom = failure(DataFixtures.cell("load", ["mnist"], [("from", "tset"), ("train-rows", "0..10")]))
        #expect(badFrom?.hint == "did you mean 'test'?")

        let withSplit = failure(DataFixtures.cell("load", ["mnist"], [("from", "test"), ("split", "test"), ("train-rows", "0..10")]))
        #expect(withSplit?.location?.line == 3)

        let badRange = failure(DataFixtures.cell("load", ["mnist"], [("test-rows", "10..5")]))
        #expect(badRange?.message == "option :test-rows: expects a..b with 0 ≤ a < b, got '10..5'")
        #expect(badRange?.location?.column == 13)

        let withLimit = failure(DataFixtures.cell("load", ["mnist"], [("limit", "100"), ("train-rows", "0..10")]))
        #expect(withLimit?.message.contains("give one kind") == true)

        let leftOut = failure(DataFixtures.cell("load", ["mnist"], [("split", "test"), ("train-rows", "0..10")]))
        #expect(leftOut?.message == ":train-rows: chooses rows of the train split, which :split: leaves out")

        let explicitFrom = failure(DataFixtures.cell("load", [], [("images", "a"), ("labels", "b"), ("from", "test"), ("train-rows", "0..1")]))
        #expect(explicitFrom?.message.contains("already one pair of files") == true)

        // A parameter is checked like the option.
        let fromParameter = failure(DataFixtures.cell("load", ["mnist"]), defaults: defaults([("from", "test")]))
        #expect(fromParameter?.message.hasPrefix(":from: test needs") == true)
        #expect(fromParameter?.location?.line == 1)
    }
}
