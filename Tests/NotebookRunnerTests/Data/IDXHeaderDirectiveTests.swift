import Foundation
import Testing
@testable import NotebookRunner

/// `{idx-header}`: hex dump and field table of real MNIST files and of generated ones.
@Suite final class IDXHeaderDirectiveTests {
    let output: URL

    init() throws {
        output = try DataFixtures.temporaryDirectory("idx-header")
    }

    deinit {
        try? FileManager.default.removeItem(at: output)
    }

    func metric(_ outputs: CellOutputs, _ name: String) -> Double? {
        outputs.metrics.first { $0.name == name }?.value
    }

    func table(_ outputs: CellOutputs) throws -> Table {
        try #require(outputs.items.compactMap { if case .table(let table) = $0 { return table } else { return nil } }.first)
    }

    func texts(_ outputs: CellOutputs) -> [String] {
        outputs.items.compactMap { if case .text(let text) = $0 { return text } else { return nil } }
    }

    @Test(.enabled(if: DataFixtures.hasMNIST, "MNIST test set not found at ../shared/data/mnist"))
    func explainsTheImagesFileOfTheLoadedSplit() throws {
        let state = NotebookState()
        _ = try DataFixtures.run(LoadDirective.self, DataFixtures.cell("load", ["mnist"], [("split", "test"), ("limit", "10")]),
                                 state: state, output: output)
        let outputs = try DataFixtures.run(IDXHeaderDirective.self, DataFixtures.cell("idx-header", ["images"]),
                                           state: state, output: output)
        #expect(texts(outputs)[0] == """
            00000000  00 00 08 03  00 00 27 10  00 00 00 1c  00 00 00 1c  ......'.........
            00000010  00 00 00 00  00 00 00 00  00 00 00 00  00 00 00 00  ................
            """)
        let fields = try table(outputs)
        #expect(fields.caption == "t10k-images-idx3-ubyte.gz (after gunzip): IDX header, big-endian")
        #expect(fields.header == ["offset", "bytes", "field", "value"])
        #expect(fields.rows[0] == ["0–3", "00 00 08 03", "magic number", "2051 = 0x00000803"])
        #expect(fields.rows[4] == ["4–7", "00 00 27 10", "number of images", "10,000"])
        #expect(fields.rows[5] == ["8–11", "00 00 00 1c", "rows per image", "28"])
        #expect(fields.rows[6] == ["12–15", "00 00 00 1c", "columns per image", "28"])
        #expect(fields.rows[7][0] == "16–31" && fields.rows[7][2] == "image 0: pixels 0–15 of 784, row by row")
        #expect(texts(outputs)[1] == "File length after gunzip: 7,840,016 = 16 + 10,000 × 28 × 28 bytes, as the header says.")
        #expect(metric(outputs, "magic") == 2051)
        #expect(metric(outputs, "count") == 10_000)
        #expect(metric(outputs, "rows") == 28 && metric(outputs, "cols") == 28)
        #expect(metric(outputs, "header_bytes") == 16)
        #expect(metric(outputs, "file_bytes") == 7_840_016)
    }

    @Test(.enabled(if: DataFixtures.hasMNIST, "MNIST test set not found at ../shared/data/mnist"))
    func explainsALabelsFileGivenByPath() throws {
        let cell = DataFixtures.cell("idx-header", [], [("file", "mnist/train-labels-idx1-ubyte.gz"), ("bytes", "12")])
        let outputs = try DataFixtures.run(IDXHeaderDirective.self, cell, state: NotebookState(), output: output,
                                           notebookDirectory: DataFixtures.sharedData)
        #expect(texts(outputs)[0] == "00000000  00 00 08 01  00 00 ea 60  05 00 04 01" + String(repeating: " ", count: 15) + ".......`....")
        let fields = try table(outputs)
        #expect(fields.rows[0] == ["0–3", "00 00 08 01", "magic number", "2049 = 0x00000801"])
        #expect(fields.rows[4] == ["4–7", "00 00 ea 60", "number of labels", "60,000"])
        // The first training labels of MNIST: 5 0 4 1.
        #expect(fields.rows[5] == ["8–11", "05 00 04 01", "labels of items 0–3", "5 0 4 1"])
        #expect(metric(outputs, "first_label") == 5)
        #expect(metric(outputs, "header_bytes") == 8)
        #expect(texts(outputs)[1] == "File length after gunzip: 60,008 = 8 + 60,000 bytes, as the header says.")
    }

    @Test func rawFilesAndErrors() throws {
        let folder = try DataFixtures.temporaryDirectory("idx-header-files")
        defer { try? FileManager.default.removeItem(at: folder) }
        try DataFixtures.write(DataFixtures.labelsFile([3, 1]), to: folder.appendingPathComponent("labels"))
        try DataFixtures.write(DataFixtures.imagesFile(count: 1, rows: 2, cols: 2).dropLast(), to: folder.appendingPathComponent("short"))

        let outputs = try DataFixtures.run(IDXHeaderDirective.self, DataFixtures.cell("idx-header", [], [("file", "labels")]),
                                           state: NotebookState(), output: output, notebookDirectory: folder)
        #expect(try table(outputs).caption == "labels: IDX header, big-endian")
        #expect(texts(outputs)[1] == "File length: 10 = 8 + 2 bytes, as the header says.")

        // A labels file announced as images: the reader's message, at the :file: option.
        let wrongKind = DataFixtures.diagnostic {
            _ = try DataFixtures.run(IDXHeaderDirective.self, DataFixtures.cell("idx-header", ["images"], [("file", "labels")]),
                                     state: NotebookState(), output: self.output, notebookDirectory: folder)
        }
        #expect(wrongKind?.message == "images file 'labels' has magic 2049 (1-D), expected 2051 (3-D images)")
        #expect(wrongKind?.location?.line == 2)

        let short = DataFixtures.diagnostic {
            _ = try DataFixtures.run(IDXHeaderDirective.self, DataFixtures.cell("idx-header", [], [("file", "short")]),
                                     state: NotebookState(), output: self.output, notebookDirectory: folder)
        }
        #expect(short?.message.contains("header sizes larger than the file") == true)

        let nothingLoaded = DataFixtures.diagnostic {
            _ = try DataFixtures.run(IDXHeaderDirective.self, DataFixtures.cell("idx-header", ["labels"]),
                                     state: NotebookState(), output: self.output)
        }
        #expect(nothingLoaded?.message == "{idx-header} needs a data set, and none is loaded yet")
    }

    @Test func validatesWithoutData() {
        func failure(_ arguments: [String], _ options: [(String, String)] = []) -> Diagnostic? {
            DataFixtures.diagnostic { _ = try IDXHeaderDirective(cell: DataFixtures.cell("idx-header", arguments, options), defaults: Defaults()) }
        }
        #expect(failure(["imgaes"])?.hint?.hasPrefix("did you mean 'images'?") == true)
        #expect(failure([])?.message == "{idx-header} needs images or labels, or a :file:")
        #expect(failure(["images"], [("bytes", "2")])?.message == "option :bytes: is 2, outside 4…1024")
        #expect(failure(["images"], [("file", "x"), ("split", "test")])?.location?.line == 3)
        #expect(failure(["images", "labels"]) != nil)
        #expect(failure(["labels"], [("split", "test")]) == nil)
    }
}
