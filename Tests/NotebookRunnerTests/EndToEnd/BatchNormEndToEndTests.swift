import Foundation
import Testing
@testable import NotebookRunner

/// A model with `batchnorm` through the built binary: its running statistics are model state —
/// `{train} :from:` continues them, the cell cache keeps them, `{eval} :model:` evaluates with them.
@Suite struct BatchNormEndToEndTests {
    static func notebook(lastLine: String) -> String {
        """
        # Batch norm, continued

        ```{load}
        :images: d/images
        :labels: d/labels
        ```

        ```{model}
        :label: mlp
        param W1: inputs×6 normal(0.3)
        param b1: 6 zeros
        param g1: 6 constant(1)
        param c1: 6 zeros
        param W2: 6×classes normal(0.3)
        param b2: classes zeros
        H = tanh(batchnorm(X @ W1 + b1, g1, c1))
        P = softmax(H @ W2 + b2)
        loss: -mean(sum(Y * log(P), axis=1))
        ```

        ```{train}
        :label: whole
        :model: mlp
        :lr: 0.5
        :batch: full
        :epochs: 3
        ```

        ```{eval}
        :label: after_whole
        :model: whole
        q = mean(H * H)
        ```

        ```{train}
        :label: first
        :model: mlp
        :lr: 0.5
        :batch: full
        :epochs: 2
        ```

        ```{train}
        :label: rest
        :model: mlp
        :from: first
        :lr: 0.5
        :batch: full
        :epochs: 1
        ```

        ```{eval}
        :label: after_rest
        :model: rest
        q = mean(H * H)
        \(lastLine)
        ```
        """
    }

    @Test func runningStatisticsContinueAndComeBackFromTheCache() throws {
        let folder = try DataFixtures.temporaryDirectory("batchnorm")
        try DataFixtures.writeImagesAndLabels(count: 40, in: folder)
        let page = folder.appendingPathComponent("nb.md")
        try Self.notebook(lastLine: "").write(to: page, atomically: true, encoding: .utf8)
        let first = try NBRunProcess.run(["render", "nb.md", "-o", "out", "-q"], in: folder)
        #expect(first.status == 0, "\(first.stderr)")
        var metrics = try OptimizerEndToEndTests.metrics(folder)
        // Two full-batch epochs, then one more from them: the model, running statistics included, of three.
        let whole = try #require(metrics["after_whole"]?["q"] as? Double)
        #expect(metrics["after_rest"]?["q"] as? Double == whole)
        #expect(metrics["whole"]?["history[2].train_loss"] as? Double == metrics["rest"]?["train_loss"] as? Double)

        // Only the last cell changes: 'rest' and its running statistics come from the cache.
        try Self.notebook(lastLine: "r = q * 2").write(to: page, atomically: true, encoding: .utf8)
        let second = try NBRunProcess.run(["render", "nb.md", "-o", "out", "-q"], in: folder)
        #expect(second.status == 0, "\(second.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("out/nb.json"))) as? [String: Any]
        let statuses = (json?["cells"] as? [[String: Any]])?.compactMap { $0["status"] as? String }
        #expect(statuses == ["cached", "cached", "cached", "cached", "cached", "cached", "ok"])
        metrics = try OptimizerEndToEndTests.metrics(folder)
        #expect(metrics["after_rest"]?["q"] as? Double == whole)
    }
}
