import Foundation
import Testing
@testable import NotebookRunner

/// `notebooks/plant-growth.md` (regression on a CSV table, then with `batchnorm` of its inputs),
/// rendered by the built binary from the data beside it: every cell runs, and its claims hold.
@Suite struct PlantGrowthTutorialTests {
    static let notebooks = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("notebooks")

    @Test func rendersEveryCellAndItsNumbersSayWhatTheProseSays() throws {
        let output = try DataFixtures.temporaryDirectory("plant-growth")
        let result = try NBRunProcess.run(["render", "plant-growth.md", "-o", output.path, "-q", "--no-cache"], in: Self.notebooks)
        #expect(result.status == 0 && !result.stderr.contains("warning:"), "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: output.appendingPathComponent("plant-growth.json"))) as? [String: Any]
        let cells = try #require(json?["cells"] as? [[String: Any]])
        #expect(cells.count == 9 && cells.allSatisfy { $0["status"] as? String == "ok" }, "\(cells.map { $0["status"] ?? "" })")
        func metric(_ label: String, _ name: String) -> Double? {
            (cells.first { $0["label"] as? String == label }?["metrics"] as? [String: Any])?[name] as? Double
        }
        // Batch normalisation of the inputs fits better in half the steps, at fifty times the learning rate.
        let line = try #require(metric("line-test", "rmse")), normalised = try #require(metric("normalised-test", "rmse"))
        #expect(normalised < line, "\(normalised) vs \(line)")
        #expect(metric("line-fit", "steps") == 300 && metric("normalised-fit", "steps") == 150)
        // Evaluated, Z is the inputs normalised with the running statistics, times g plus c.
        let difference = try #require(metric("cell-9", "difference"))
        #expect(difference < 1e-12)
    }
}
