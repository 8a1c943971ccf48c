import Foundation
import Testing
@testable import NotebookRunner

/// `{train} :optimizer:` through the built binary: training continued with `:from:` goes on
/// from the optimiser's state — also when that state comes from the cell cache.
@Suite struct OptimizerEndToEndTests {
    static func notebook(continuedEpochs: Int) -> String {
        """
        # Adam, continued

        ```{load}
        :images: d/images
        :labels: d/labels
        ```

        ```{model}
        :label: mlp
        param W1: inputs×6 normal(0.3)
        param b1: 6 zeros
        param W2: 6×classes normal(0.3)
        param b2: classes zeros
        P = softmax(tanh(X @ W1 + b1) @ W2 + b2)
        loss: -mean(sum(Y * log(P), axis=1))
        ```

        ```{train}
        :label: whole
        :model: mlp
        :optimizer: adam
        :lr: 0.01
        :batch: full
        :epochs: 3
        ```

        ```{train}
        :label: first
        :model: mlp
        :optimizer: adam
        :lr: 0.01
        :batch: full
        :epochs: 2
        ```

        ```{train}
        :label: rest
        :model: mlp
        :from: first
        :optimizer: adam
        :lr: 0.01
        :batch: full
        :epochs: \(continuedEpochs)
        ```
        """
    }

    static func metrics(_ folder: URL) throws -> [String: [String: Any]] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("out/nb.json"))) as? [String: Any]
        var result: [String: [String: Any]] = [:]
        for cell in json?["cells"] as? [[String: Any]] ?? [] {
            result[cell["label"] as? String ?? ""] = cell["metrics"] as? [String: Any] ?? [:]
        }
        return result
    }

    @Test func adamContinuesFromItsStateAlsoFromTheCache() throws {
        let folder = try DataFixtures.temporaryDirectory("optimizer")
        try DataFixtures.writeImagesAndLabels(count: 40, in: folder)
        let page = folder.appendingPathComponent("nb.md")
        try Self.notebook(continuedEpochs: 1).write(to: page, atomically: true, encoding: .utf8)
        let first = try NBRunProcess.run(["render", "nb.md", "-o", "out", "-q"], in: folder)
        #expect(first.status == 0, "\(first.stderr)")
        var metrics = try Self.metrics(folder)
        // Two full-batch epochs, then one from the state: the third epoch of one run of three.
        let whole = try #require(metrics["whole"]?["history[2].train_loss"] as? Double)
        #expect(metrics["rest"]?["train_loss"] as? Double == whole)
        #expect(metrics["rest"]?["optimizer_steps"] as? Double == 3)
        #expect(metrics["whole"]?["optimizer_steps"] as? Double == 3)
        // How many threads the products were cut for: part of how the numbers came about.
        #expect(metrics["whole"]?["threads"] as? Double == Double(TrainingConfiguration.defaultThreads))
        let html = try String(contentsOf: folder.appendingPathComponent("out/nb.html"), encoding: .utf8)
        #expect(html.contains("and from its adam state after 2 steps"))
        #expect(html.contains("full-batch Adam (β₁ 0.9, β₂ 0.999, ε 1e-08)"))

        // Only the last cell changes: 'first' and its state come from the cache.
        try Self.notebook(continuedEpochs: 2).write(to: page, atomically: true, encoding: .utf8)
        let second = try NBRunProcess.run(["render", "nb.md", "-o", "out", "-q"], in: folder)
        #expect(second.status == 0, "\(second.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("out/nb.json"))) as? [String: Any]
        let statuses = (json?["cells"] as? [[String: Any]])?.compactMap { $0["status"] as? String }
        #expect(statuses == ["cached", "cached", "cached", "cached", "ok"])
        metrics = try Self.metrics(folder)
        #expect(metrics["rest"]?["history[0].train_loss"] as? Double == whole)
        #expect(metrics["rest"]?["optimizer_steps"] as? Double == 4)
    }

    @Test func aSettingItsOptimizerDoesNotReadIsAnError() throws {
        let folder = try DataFixtures.temporaryDirectory("optimizer-check")
        try """
        # Wrong setting

        ```{train} softmax
        :optimizer: sgd
        :beta1: 0.8
        ```
        """.write(to: folder.appendingPathComponent("nb.md"), atomically: true, encoding: .utf8)
        let result = try NBRunProcess.run(["check", "nb.md"], in: folder)
        #expect(result.status == 1)
        #expect(result.stderr.contains("nb.md:5:1: error: :beta1: is a setting of adam, adamw, not of sgd"), "\(result.stderr)")
        #expect(result.stderr.contains("hint: choose one with :optimizer: adam, or remove :beta1:"))
    }
}
