import Foundation
import Testing
@testable import NotebookRunner

@Suite(.enabled(if: DataFixtures.hasMNIST, "MNIST test set not found at ../shared/data/mnist"))
final class ShowDirectiveTests {
    let output: URL
    let state = NotebookState()

    init() throws {
        output = try DataFixtures.temporaryDirectory("show")
        _ = try DataFixtures.run(LoadDirective.self, DataFixtures.cell("load", ["mnist"], [("split", "test")]),
                                 state: state, output: output)
    }

    deinit {
        try? FileManager.default.removeItem(at: output)
    }

    func show(_ arguments: [String] = [], _ options: [(String, String)] = []) throws -> (figures: [Figure], outputs: CellOutputs) {
        let outputs = try DataFixtures.run(ShowDirective.self, DataFixtures.cell("show", arguments, options),
                                           state: state, output: output)
        guard case .images(let figures) = outputs.items.first else {
            Issue.record("no image grid in \(outputs.items)")
            return ([], outputs)
        }
        return (figures, outputs)
    }

    var assets: URL { output.appendingPathComponent("notebook/mnist") }

    @Test func firstTestImageRoundTripsThroughPGMAndPNG() throws {
        let (figures, _) = try show(["test"], [("count", "1")])
        let expected = try #require(state.dataset?.test).image(0)
        let pgm = try [UInt8](Data(contentsOf: assets.appendingPathComponent("7-test-0000.pgm")))
        let fromPGM = try NetpbmReader.decode(pgm)
        #expect(fromPGM.width == 28 && fromPGM.height == 28 && fromPGM.channels == .gray)
        #expect(fromPGM.pixels == Array(expected))
        #expect(figures.count == 1)
        #expect(figures[0].caption == "7")
        #expect(figures[0].displayScale == 3)
        #expect(figures[0].width == 28 && figures[0].height == 28)
        #expect(figures[0].alt == "mnist test image 0: 7 (label 7)")
        if IndependentPNGDecoder.isAvailable {
            let fromPNG = try IndependentPNGDecoder.decode(figures[0].png)
            #expect(fromPNG == Bitmap.gray(width: 28, height: 28, expected))
        }
    }

    @Test func ppmFormatRepeatsTheGrayInEachChannel() throws {
        _ = try show([], [("start", "1"), ("count", "2"), ("format", "ppm")])
        let ppm = try NetpbmReader.decode([UInt8](Data(contentsOf: assets.appendingPathComponent("2-test-0001.ppm"))))
        #expect(ppm.channels == .rgb)
        #expect(ppm == Bitmap.gray(width: 28, height: 28, try #require(state.dataset?.test).image(1)).rgb())
        #expect(FileManager.default.fileExists(atPath: assets.appendingPathComponent("1-test-0002.ppm").path))
    }

    @Test func perClassTakesTheFirstOfEachClassInOrder() throws {
        let (figures, outputs) = try show([], [("per-class", "2"), ("caption", "index"), ("scale", "2")])
        let labels = try #require(state.dataset?.test).labels
        #expect(figures.count == 20)
        let indices = figures.map { Int($0.caption.dropFirst())! }
        #expect(indices.map { Int(labels[$0]) } == (0...9).flatMap { [$0, $0] })
        #expect(indices[0] == 3 && indices[1] == 10)  // the first two zeros of the test set
        #expect(figures.allSatisfy { $0.displayScale == 2 })
        #expect(outputs.metrics == [Metric(name: "images_shown", value: 20)])
    }

    @Test func captionsCanBeLeftOut() throws {
        let (figures, _) = try show([], [("count", "3"), ("caption", "none")])
        #expect(figures.map(\.caption) == ["", "", ""])
        #expect(figures.map(\.alt).allSatisfy { $0.hasPrefix("mnist test image") })
    }

    @Test func reportsRowsOutsideTheSplitAndMissingSplits() throws {
        let outside = DataFixtures.diagnostic { _ = try self.show([], [("start", "9995"), ("count", "10")]) }
        #expect(outside?.message.contains("rows 9995..10004 but the test split has 10000") == true)
        let noTrain = DataFixtures.diagnostic { _ = try self.show(["train"]) }
        #expect(noTrain?.message == "data set 'mnist' has no train split loaded")
        let unknown = DataFixtures.diagnostic { _ = try self.show([], [("dataset", "cifar")]) }
        #expect(unknown?.hint == "loaded: mnist")
    }

    @Test func validatesOptionsWithoutData() {
        func failure(_ arguments: [String], _ options: [(String, String)]) -> Diagnostic? {
            DataFixtures.diagnostic { _ = try ShowDirective(cell: DataFixtures.cell("show", arguments, options), defaults: Defaults()) }
        }
        #expect(failure(["tset"], [])?.hint?.hasPrefix("did you mean 'test'?") == true)
        #expect(failure(["test"], [("split", "train")])?.message.contains("contradicts") == true)
        #expect(failure([], [("per-class", "3"), ("count", "4")])?.message.contains("give one") == true)
        #expect(failure([], [("caption", "name")])?.message.contains("label, class, index, none") == true)
        #expect(failure([], [("format", "png")])?.message.contains("pgm, ppm") == true)
        #expect(failure([], [("scale", "0")]) != nil)
        #expect(failure([], [("count", "1001")]) != nil)
        #expect(failure(["train"], [("per-class", "1"), ("caption", "label"), ("format", "ppm")]) == nil)
    }

    @Test func needsALoadedDataSet() {
        let diagnostic = DataFixtures.diagnostic {
            _ = try DataFixtures.run(ShowDirective.self, DataFixtures.cell("show"), state: NotebookState(), output: self.output)
        }
        #expect(diagnostic?.hint == "add a cell such as {load} fashion-mnist before this one")
    }
}
