import Foundation
@testable import NotebookRunner

/// Paths to the real data, temporary folders, generated IDX files and cells for the data tests.
enum DataFixtures {
    /// The repository root, found from this file's path.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/data` beside the repository: a root holding `mnist/`.
    static let sharedData = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    static let mnist = sharedData.appendingPathComponent("mnist")
    static let mnistTestImages = mnist.appendingPathComponent("t10k-images-idx3-ubyte.gz")
    static let mnistTestLabels = mnist.appendingPathComponent("t10k-labels-idx1-ubyte.gz")
    static let mnistTrainLabels = mnist.appendingPathComponent("train-labels-idx1-ubyte.gz")
    static let hasMNIST = FileManager.default.fileExists(atPath: mnistTestImages.path)

    static let fashionMNIST = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")
    static let hasFashionMNIST = FileManager.default.fileExists(
        atPath: fashionMNIST.appendingPathComponent("train-images-idx3-ubyte.gz").path)

    /// A fresh empty folder under the system's temporary folder.
    static func temporaryDirectory(_ tag: String = "data") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("nbrun-\(tag)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// `count` small images and their labels (0, 1, …, 9, 0, …) as IDX files `d/images` and
    /// `d/labels` in `folder`, for a notebook's `{load} :images: d/images :labels: d/labels`.
    static func writeImagesAndLabels(count: Int, in folder: URL) throws {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("d"), withIntermediateDirectories: true)
        _ = try write(imagesFile(count: count), to: folder.appendingPathComponent("d/images"))
        _ = try write(labelsFile((0..<count).map { UInt8($0 % 10) }), to: folder.appendingPathComponent("d/labels"))
    }

    /// An IDX file: magic 0x0000_08_<dims>, big-endian sizes, then the values.
    static func idx(dimensions: [UInt32], values: [UInt8], type: UInt8 = 0x08) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, type, UInt8(dimensions.count)]
        for size in dimensions {
            bytes += [UInt8(size >> 24), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)]
        }
        return bytes + values
    }

    /// `count` images of `rows × cols` whose pixels are a simple function of position.
    static func imagesFile(count: Int, rows: Int = 4, cols: Int = 3) -> [UInt8] {
        idx(dimensions: [UInt32(count), UInt32(rows), UInt32(cols)],
            values: (0 ..< count * rows * cols).map { UInt8(truncatingIfNeeded: $0 * 7) })
    }

    static func labelsFile(_ labels: [UInt8]) -> [UInt8] {
        idx(dimensions: [UInt32(labels.count)], values: labels)
    }

    @discardableResult
    static func write(_ bytes: [UInt8], to url: URL) throws -> URL {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        return url
    }

    /// A cell of `directive` with options on the lines after it, in `notebook.md`.
    static func cell(_ directive: String, _ arguments: [String] = [], _ options: [(String, String)] = []) -> Cell {
        let options = options.enumerated().map { offset, option in
            CellOption(key: option.0, value: option.1,
                       location: SourceLocation(file: "notebook.md", line: 2 + offset),
                       valueLocation: SourceLocation(file: "notebook.md", line: 2 + offset, column: option.0.count + 4))
        }
        return Cell(index: 1, directive: directive, arguments: arguments, options: options, body: [],
                    location: SourceLocation(file: "notebook.md", line: 1),
                    directiveLocation: SourceLocation(file: "notebook.md", line: 1, column: 4), source: "")
    }

    /// A context for `cell` writing assets under `output`, with `state` shared across cells.
    static func context(for cell: Cell, state: NotebookState, output: URL, dataDirectory: URL? = sharedData,
                        notebookDirectory: URL? = nil) -> ExecutionContext {
        var settings = RunSettings(outputDirectory: output, dataDirectory: dataDirectory)
        settings.notebookDirectory = notebookDirectory
        return ExecutionContext(state: state, cell: cell, settings: settings, notebookName: "notebook",
                                assetDirectory: output.appendingPathComponent("notebook"),
                                cancellation: CellCancellation(run: Cancellation()), progress: { _ in })
    }

    /// The decompressed bytes of a `.gz` file, read by `gzip -dc`, independently of nbrun's zlib code.
    static func gunzip(_ url: URL) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let bytes = [UInt8](pipe.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        return bytes
    }

    /// Builds and runs a directive cell.
    static func run<D: Directive>(_ type: D.Type, _ cell: Cell, state: NotebookState, output: URL,
                                  dataDirectory: URL? = sharedData, notebookDirectory: URL? = nil) throws -> CellOutputs {
        let directive = try D(cell: cell, defaults: Defaults())
        return try directive.run(in: context(for: cell, state: state, output: output,
                                             dataDirectory: dataDirectory, notebookDirectory: notebookDirectory))
    }

    /// The thrown diagnostic of `body`, or nil.
    static func diagnostic(_ body: () throws -> Void) -> Diagnostic? {
        do {
            try body()
            return nil
        } catch let diagnostic as Diagnostic {
            return diagnostic
        } catch {
            return Diagnostic.error("unexpected error type: \(error)")
        }
    }
}
