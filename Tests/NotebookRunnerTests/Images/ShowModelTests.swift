import Foundation
import Testing
@testable import NotebookRunner

/// `{show} predictions` and `{show} weights` after a real (small) training run.
@Suite(.enabled(if: DataFixtures.hasMNIST, "needs ../shared/data/mnist"))
struct ShowModelTests {
    func run(_ cells: String) throws -> (RunResult, URL) {
        let notebook = try parseNotebook("""
        ```{load}
        :images: \(DataFixtures.mnistTestImages.path)
        :labels: \(DataFixtures.mnistTestLabels.path)
        :name: mnist
        :split: train
        :limit: 600
        ```

        ```{train} softmax
        :epochs: 2
        :batch: 32
        ```

        \(cells)
        """)
        let output = try DataFixtures.temporaryDirectory("show-model")
        var settings = RunSettings(outputDirectory: output, dataDirectory: DataFixtures.sharedData)
        settings.keepGoing = true
        return (Executor(settings: settings).run(notebook), output)
    }

    @Test func predictionsFlagTheWrongOnes() throws {
        let (run, _) = try run("```{show} predictions\n:count: 40\n```\n\n```{show} predictions train\n:only: wrong\n:count: 5\n```\n")
        #expect(run.cells.map(\.status) == [.ok, .ok, .ok, .ok], "\(run.errors)")
        guard case .images(let all) = run.cells[2].outputs.first, case .images(let wrong) = run.cells[3].outputs.first else {
            Issue.record("no image grid")
            return
        }
        #expect(all.count == 40)
        let wrongShown = run.cells[2].metrics.first { $0.name == "wrong_shown" }?.value
        #expect(Double(all.filter(\.flagged).count) == wrongShown)
        #expect(all.allSatisfy { $0.caption.contains(" → ") })
        #expect(wrong.count == 5 && wrong.allSatisfy(\.flagged))
        #expect(wrong.allSatisfy { figure in
            let parts = figure.caption.components(separatedBy: " → ")
            return parts.count == 2 && parts[0] != parts[1]
        })
    }

    @Test func weightsAreTenColourTemplatesWrittenAsPPM() throws {
        let (run, output) = try run("```{show} weights\n:scale: 2\n```\n")
        #expect(run.cells.last?.status == .ok, "\(run.errors)")
        guard case .images(let figures) = run.cells.last?.outputs.first else {
            Issue.record("no image grid")
            return
        }
        #expect(figures.map(\.caption) == (0...9).map(String.init))
        #expect(figures.allSatisfy { $0.width == 28 && $0.height == 28 && $0.displayScale == 2 })
        let files = try FileManager.default.contentsOfDirectory(atPath: output.appendingPathComponent("nb/weights").path)
        #expect(files.filter { $0.hasSuffix(".ppm") }.count == 10)
        let bitmap = try NetpbmReader.decode([UInt8](Data(contentsOf: output.appendingPathComponent("nb/weights/0-0.ppm"))))
        #expect(bitmap.channels == .rgb && bitmap.width == 28)
    }

    @Test func withoutAModelTheErrorSaysToTrainFirst() throws {
        let notebook = try parseNotebook("```{load} mnist\n:split: test\n:limit: 10\n```\n\n```{show} weights\n```\n")
        let run = Executor(settings: RunSettings(outputDirectory: try DataFixtures.temporaryDirectory("show-model"),
                                                 dataDirectory: DataFixtures.sharedData)).run(notebook)
        #expect(run.cells[1].error?.headline == "nb.md:6:4: error: {show} weights needs a trained model, and none exists yet")
    }

    @Test func onlyIsForPredictions() throws {
        let notebook = try parseNotebook("```{show} test\n:only: wrong\n```\n")
        let diagnostics = Executor(settings: testSettings()).validate(notebook)
        #expect(diagnostics.first?.headline == "nb.md:2:8: error: :only: applies to {show} predictions")
    }
}
