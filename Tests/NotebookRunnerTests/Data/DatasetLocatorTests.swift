import Foundation
import Testing
@testable import NotebookRunner

@Suite final class DatasetLocatorTests {
    let root: URL
    /// One folder per place, each named for where it is tried from.
    let cellDir, dataRoot, environmentRoot, workingDirectory, systemRoot: URL

    init() throws {
        root = try DataFixtures.temporaryDirectory("locator")
        cellDir = root.appendingPathComponent("cell")
        dataRoot = root.appendingPathComponent("root")
        environmentRoot = root.appendingPathComponent("env")
        workingDirectory = root.appendingPathComponent("cwd")
        systemRoot = root.appendingPathComponent("system")
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    var locator: DatasetLocator {
        DatasetLocator(cellDirectory: cellDir, dataRoot: dataRoot,
                       environment: ["NBRUN_DATA_DIR": environmentRoot.path],
                       workingDirectory: workingDirectory, systemRoot: systemRoot)
    }

    /// Puts the test split's two files (contents irrelevant here) into `folder`.
    func populate(_ folder: URL, gzip: Bool = true) throws {
        let suffix = gzip ? ".gz" : ""
        try DataFixtures.write([0], to: folder.appendingPathComponent("t10k-images-idx3-ubyte" + suffix))
        try DataFixtures.write([0], to: folder.appendingPathComponent("t10k-labels-idx1-ubyte" + suffix))
    }

    @Test func listsThePlacesInOrder() {
        let places = locator.places(for: "mnist")
        #expect(places.map(\.origin) == [":dir:", "--data-dir", "NBRUN_DATA_DIR", "./data", "system"])
        #expect(places.map(\.directory.path) == [
            cellDir.path, dataRoot.appendingPathComponent("mnist").path,
            environmentRoot.appendingPathComponent("mnist").path,
            workingDirectory.appendingPathComponent("data/mnist").path,
            systemRoot.appendingPathComponent("mnist").path,
        ])
    }

    @Test func takesTheFirstPlaceThatHasTheFiles() throws {
        let folders = [
            cellDir, dataRoot.appendingPathComponent("mnist"), environmentRoot.appendingPathComponent("mnist"),
            workingDirectory.appendingPathComponent("data/mnist"), systemRoot.appendingPathComponent("mnist"),
        ]
        for folder in folders { try populate(folder) }
        // Remove the winner each time: the next place in the order takes over.
        for (position, folder) in folders.enumerated() {
            let found = try locator.locate(DatasetCatalog.mnist, splits: ["test"])
            #expect(found.place.directory.path == folder.path, "step \(position)")
            #expect(found.files["test"]?.images.lastPathComponent == "t10k-images-idx3-ubyte.gz")
            try FileManager.default.removeItem(at: folder)
        }
    }

    @Test func skipsAPlaceWithOnlySomeFiles() throws {
        try DataFixtures.write([0], to: cellDir.appendingPathComponent("t10k-images-idx3-ubyte.gz"))
        try populate(systemRoot.appendingPathComponent("mnist"))
        let found = try locator.locate(DatasetCatalog.mnist, splits: ["test"])
        #expect(found.place.origin == "system")
    }

    @Test func prefersUncompressedFiles() throws {
        try populate(cellDir, gzip: true)
        try populate(cellDir, gzip: false)
        let found = try locator.locate(DatasetCatalog.mnist, splits: ["test"])
        #expect(found.files["test"]?.labels.lastPathComponent == "t10k-labels-idx1-ubyte")
    }

    @Test func needsEveryRequestedSplitInOnePlace() throws {
        try populate(cellDir)
        let diagnostic = DataFixtures.diagnostic {
            _ = try locator.locate(DatasetCatalog.mnist, splits: ["train", "test"])
        }
        let message = diagnostic?.message ?? ""
        #expect(message.contains("data set 'mnist' (train and test) not found"))
        #expect(message.contains("\(cellDir.path) (:dir:): no train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz]"))
        #expect(message.contains("\(dataRoot.path)/mnist (--data-dir): no such folder"))
        #expect(message.contains("NBRUN_DATA_DIR"))
        #expect(message.contains("(./data): no such folder"))
        #expect(message.contains("\(systemRoot.path)/mnist (system): no such folder"))
        #expect(diagnostic?.hint == DatasetCatalog.mnist.howToGet)
    }

    @Test func fashionMNISTHintNamesTheDebianPackage() {
        let diagnostic = DataFixtures.diagnostic {
            _ = try locator.locate(DatasetCatalog.fashionMNIST, splits: ["test"])
        }
        #expect(diagnostic?.hint?.contains("apt-get install dataset-fashion-mnist") == true)
        #expect(diagnostic?.hint?.contains("--data-dir") == true)
    }

    @Test func ignoresAnEmptyEnvironmentVariable() {
        let plain = DatasetLocator(environment: ["NBRUN_DATA_DIR": ""], workingDirectory: workingDirectory)
        #expect(!plain.places(for: "mnist").map(\.origin).contains("NBRUN_DATA_DIR"))
    }
}
