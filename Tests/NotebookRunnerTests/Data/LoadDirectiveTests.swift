import Foundation
import Testing
@testable import NotebookRunner

@Suite final class LoadDirectiveTests {
    let output: URL

    init() throws {
        output = try DataFixtures.temporaryDirectory("load")
    }

    deinit {
        try? FileManager.default.removeItem(at: output)
    }

    func metric(_ outputs: CellOutputs, _ name: String) -> Double? {
        outputs.metrics.first { $0.name == name }?.value
    }

    func tables(_ outputs: CellOutputs) -> [Table] {
        outputs.items.compactMap { if case .table(let table) = $0 { return table } else { return nil } }
    }

    @Test(.enabled(if: DataFixtures.hasMNIST, "MNIST test set not found at ../shared/data/mnist"))
    func loadsTheMNISTTestSplitFromTheDataRoot() throws {
        let state = NotebookState()
        let outputs = try DataFixtures.run(LoadDirective.self, DataFixtures.cell("load", ["mnist"], [("split", "test")]),
                                           state: state, output: output)
        #expect(metric(outputs, "test_count") == 10_000)
        #expect(abs(metric(outputs, "pixel_mean")! - 0.1325) < 0.00005)
        #expect(abs(metric(outputs, "test_pixel_std")! - 0.3105) < 0.00005)
        let summary = tables(outputs)[0]
        #expect(summary.header == ["split", "images", "shape", "pixel mean", "pixel std"])
        #expect(summary.rows == [["test", "10,000", "28×28", "0.1325", "0.3105"]])
        let classes = tables(outputs)[1]
        #expect(classes.header == ["label", "class", "test"])
        #expect(classes.rows.map { $0[2] } == ["980", "1,135", "1,032", "1,010", "982", "892", "958", "1,028", "974", "1,009"])

        let dataset = try #require(state.dataset)
        #expect(dataset.name == "mnist" && state.datasets["mnist"] != nil)
        #expect(dataset.train == nil)
        #expect(Array(dataset.test!.labels.prefix(10)) == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9])
    }

    @Test(.enabled(if: DataFixtures.hasMNIST, "MNIST test set not found at ../shared/data/mnist"))
    func limitKeepsTheFirstRows() throws {
        let state = NotebookState()
        let outputs = try DataFixtures.run(LoadDirective.self,
                                           DataFixtures.cell("load", ["mnist"], [("split", "test"), ("limit", "5")]),
                                           state: state, output: output)
        #expect(metric(outputs, "test_count") == 5)
        #expect(state.dataset?.test?.labels == [7, 2, 1, 0, 4])
        #expect(state.dataset?.test?.images.count == 5 * 784)
    }

    @Test(.enabled(if: DataFixtures.hasMNIST, "MNIST test set not found at ../shared/data/mnist"))
    func explicitFilesResolveAgainstTheNotebookFolder() throws {
        let state = NotebookState()
        let cell = DataFixtures.cell("load", [], [
            ("images", "mnist/t10k-images-idx3-ubyte.gz"), ("labels", "mnist/t10k-labels-idx1-ubyte.gz"),
            ("name", "digits"), ("range", "2..4"),
        ])
        let outputs = try DataFixtures.run(LoadDirective.self, cell, state: state, output: output,
                                           dataDirectory: nil, notebookDirectory: DataFixtures.sharedData)
        #expect(metric(outputs, "test_count") == 2)
        let dataset = try #require(state.datasets["digits"])
        #expect(dataset.test?.labels == [1, 0])
        #expect(dataset.classNames == (0...9).map(String.init))
        #expect(dataset.test?.sources == ["mnist/t10k-images-idx3-ubyte.gz", "mnist/t10k-labels-idx1-ubyte.gz"])
    }

    @Test(.enabled(if: DataFixtures.hasMNIST, "MNIST test set not found at ../shared/data/mnist"))
    func cellDirectoryResolvesAgainstTheNotebookFolder() throws {
        let state = NotebookState()
        let cell = DataFixtures.cell("load", ["mnist"], [("dir", "mnist"), ("split", "test"), ("limit", "3")])
        let outputs = try DataFixtures.run(LoadDirective.self, cell, state: state, output: output,
                                           dataDirectory: nil, notebookDirectory: DataFixtures.sharedData)
        #expect(state.dataset?.test?.labels == [7, 2, 1])
        #expect(outputs.items.last == .text("Read from mnist/ in the :dir: folder. Kept rows 0..2 of each split."))
    }

    @Test(.enabled(if: DataFixtures.hasMNIST, "MNIST test set not found at ../shared/data/mnist"))
    func missingTrainingImagesListEveryPlace() throws {
        // A data root of its own whose mnist/ holds the test split only.
        let root = try DataFixtures.temporaryDirectory("test-only")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("mnist")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for file in ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"] {
            try FileManager.default.copyItem(at: DataFixtures.mnist.appendingPathComponent(file),
                                             to: folder.appendingPathComponent(file))
        }
        let cell = DataFixtures.cell("load", ["mnist"])
        let diagnostic = DataFixtures.diagnostic {
            _ = try DataFixtures.run(LoadDirective.self, cell, state: NotebookState(), output: output, dataDirectory: root)
        }
        let message = try #require(diagnostic?.message)
        #expect(message.contains("(--data-dir): no train-images-idx3-ubyte[.gz]"))
        #expect(message.contains("/usr/share/datasets/mnist (system)"))
        #expect(diagnostic?.location == cell.directiveLocation)
    }

    @Test func brokenFileErrorsPointAtTheOption() throws {
        let folder = try DataFixtures.temporaryDirectory("broken")
        defer { try? FileManager.default.removeItem(at: folder) }
        try DataFixtures.write(DataFixtures.labelsFile([1, 2]), to: folder.appendingPathComponent("a"))
        try DataFixtures.write(DataFixtures.labelsFile([1, 2]), to: folder.appendingPathComponent("b"))
        let cell = DataFixtures.cell("load", [], [("images", "a"), ("labels", "b")])
        let diagnostic = DataFixtures.diagnostic {
            _ = try DataFixtures.run(LoadDirective.self, cell, state: NotebookState(), output: output,
                                     notebookDirectory: folder)
        }
        #expect(diagnostic?.hint == "a labels file was given as images?")
        #expect(diagnostic?.message.hasPrefix("images file 'a' has magic 2049") == true)
        #expect(diagnostic?.location == cell.options[0].valueLocation)
        #expect(diagnostic.map { String(describing: $0) }?.hasPrefix("notebook.md:2:") == true)
    }

    @Test(.enabled(if: DataFixtures.hasFashionMNIST,
                   "Fashion-MNIST not installed: apt-get install dataset-fashion-mnist"))
    func loadsFashionMNISTFromTheSystemFolder() throws {
        let state = NotebookState()
        let outputs = try DataFixtures.run(LoadDirective.self, DataFixtures.cell("load", ["fashion-mnist"]),
                                           state: state, output: output, dataDirectory: nil)
        #expect(metric(outputs, "train_count") == 60_000)
        #expect(metric(outputs, "test_count") == 10_000)
        let classes = tables(outputs)[1]
        #expect(classes.header == ["label", "class", "train", "test"])
        #expect(classes.rows[9] == ["9", "Ankle boot", "6,000", "1,000"])
        #expect(state.dataset?.className(0) == "T-shirt/top")
    }

    @Test func validatesOptionsWithoutData() {
        func failure(_ arguments: [String], _ options: [(String, String)]) -> Diagnostic? {
            DataFixtures.diagnostic { _ = try LoadDirective(cell: DataFixtures.cell("load", arguments, options), defaults: Defaults()) }
        }
        #expect(failure(["minst"], [])?.hint?.hasPrefix("did you mean 'mnist'?") == true)
        #expect(failure(["mnist", "extra"], [])?.message == "{load} takes at most one word, got 'mnist extra'")
        #expect(failure([], [("images", "x")])?.message.contains("both :images: and :labels:") == true)
        #expect(failure(["mnist"], [("images", "x")])?.message.contains("finds its own files") == true)
        #expect(failure(["mnist"], [("split", "tset")])?.hint == "did you mean 'test'?")
        #expect(failure(["mnist"], [("limit", "0")])?.message.contains(":limit:") == true)
        #expect(failure(["mnist"], [("range", "5..2")])?.message.contains("0 ≤ a < b") == true)
        #expect(failure(["mnist"], [("limit", "3"), ("range", "0..2")])?.message.contains("give one") == true)
        #expect(failure(["mnist"], [("split", "test"), ("limit", "100")]) == nil)
        #expect(failure(["mnist"], [("classes", "3")])?.message == "option :classes: expects two or more labels separated by commas, got '3'")
        #expect(failure(["mnist"], [("classes", "3,x")])?.message.contains("two or more labels") == true)
        #expect(failure(["mnist"], [("classes", "3, 3")])?.message == "option :classes: names label 3 twice")
        #expect(failure(["mnist"], [("classes", "3,256")])?.message == "option :classes: names label 256, outside 0…255")
        let unknown = failure(["mnist"], [("classes", "3,12")])
        #expect(unknown?.message == ":classes: names label 12, but the data set's labels are 0 to 9")
        #expect(unknown?.location?.line == 2 && unknown?.location?.column == 11, "\(String(describing: unknown?.location))")
        #expect(failure(["mnist"], [("classes", "3 8")]) == nil)
    }

    /// `:classes: 3,8` keeps the 3s and 8s of MNIST's test split, in file order, labelled 0 and 1.
    @Test(.enabled(if: DataFixtures.hasMNIST, "MNIST test set not found at ../shared/data/mnist"))
    func classesKeepsAndRelabelsTheChosenClasses() throws {
        let whole = NotebookState()
        _ = try DataFixtures.run(LoadDirective.self, DataFixtures.cell("load", ["mnist"], [("split", "test")]), state: whole, output: output)
        let state = NotebookState()
        let outputs = try DataFixtures.run(LoadDirective.self, DataFixtures.cell("load", ["mnist"], [("split", "test"), ("classes", "8,3")]),
                                           state: state, output: output)
        let all = try #require(whole.dataset?.test)
        let kept = try #require(state.dataset?.test)
        let rows = all.labels.indices.filter { all.labels[$0] == 8 || all.labels[$0] == 3 }
        #expect(kept.count == 1_984 && rows.count == 1_984)
        #expect(kept.labels == rows.map { all.labels[$0] == 8 ? 0 : 1 })
        #expect(kept.images == rows.flatMap { all.images[$0 * 784 ..< ($0 + 1) * 784] })
        #expect(state.dataset?.classNames == ["8", "3"])
        #expect(metric(outputs, "classes") == 2 && metric(outputs, "test_count") == 1_984)
        #expect(tables(outputs)[1].rows == [["0", "8", "974"], ["1", "3", "1,010"]])
        let origin = outputs.items.compactMap { if case .text(let text) = $0 { return text } else { return nil } }.last ?? ""
        #expect(origin.contains("Kept the classes 8 as 0, 3 as 1."), "\(origin)")
    }
}
