import Foundation
import Testing
@testable import NotebookRunner

/// Binary and regression models on real MNIST IDX files through the built binary: what
/// training, `{evaluate}` and the curves report follows what the model predicts.
@Suite(.enabled(if: DataFixtures.hasMNIST, "needs ../shared/data/mnist"))
struct ModelOutputEndToEndTests {
    static let notebook = """
    ---
    title: Outputs
    ---
    ```{load} mnist
    :label: data
    :from: test
    :classes: 3,8
    :train-rows: 0..5000
    :test-rows: 5000..7000
    ```

    ```{model}
    :label: logit
    param w: inputs×1 zeros
    param b: 1 zeros
    p = sigmoid(X @ w + b)
    loss: -mean(t * log(p) + (1 - t) * log(1 - p))
    ```

    ```{train}
    :label: fit
    :model: logit
    :lr: 0.5
    :epochs: 3
    :batch: 50
    ```

    ```{evaluate}
    :label: ev
    :model: fit
    ```

    """

    func render(_ text: String) throws -> (result: NBRunProcess.Result, record: [String: Any], html: String, folder: URL) {
        let folder = try DataFixtures.temporaryDirectory("outputs")
        try text.write(to: folder.appendingPathComponent("nb.md"), atomically: true, encoding: .utf8)
        let result = try NBRunProcess.run(["render", "nb.md", "-o", "out", "--reproducible", "--no-cache", "--keep-going",
                                           "--data-dir", DataFixtures.sharedData.path], in: folder)
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("out/nb.json"))) as! [String: Any]
        let html = try String(contentsOf: folder.appendingPathComponent("out/nb.html"), encoding: .utf8)
        return (result, record, html, folder)
    }

    static func metrics(_ record: [String: Any], _ label: String) -> [String: Double] {
        let cells = record["cells"] as! [[String: Any]]
        return cells.first { $0["label"] as? String == label }?["metrics"] as? [String: Double] ?? [:]
    }

    @Test func aBinaryModelTrainsAndIsEvaluatedWithoutADummyOutput() throws {
        let (result, record, html, _) = try render(Self.notebook)
        #expect(result.status == 0, "\(result.stderr)")
        let fit = Self.metrics(record, "fit"), evaluation = Self.metrics(record, "ev")
        // 3 against 8 is easy: a logistic regression on a thousand images gets most of 400 right.
        #expect((fit["test_accuracy"] ?? 0) > 0.9, "\(fit)")
        #expect(evaluation["accuracy"] == fit["test_accuracy"])
        // A 2×2 matrix: two per-class accuracies, precision and recall of the positive class (8).
        #expect(evaluation.keys.filter { $0.hasPrefix("accuracy_class_") }.count == 2)
        let precision = try #require(evaluation["precision"]), recall = try #require(evaluation["recall"])
        #expect((0.5...1).contains(precision) && (0.5...1).contains(recall))
        #expect(recall == evaluation["accuracy_class_1"])
        #expect(html.contains("binary cross-entropy"))
        #expect(html.contains("Positive class 8: precision"))
        #expect(!html.contains(">cross-entropy<"))
    }

    @Test func aRegressionModelReportsRMSEAndR2AndItsResiduals() throws {
        // Predicting the label (0 for a 3, 1 for an 8) as a real value: least squares on pixels.
        let text = """
        ---
        title: Regression
        ---
        ```{load} mnist
        :label: data
        :from: test
        :classes: 3,8
        :train-rows: 0..5000
        :test-rows: 5000..7000
        ```

        ```{model}
        :label: line
        param v: inputs zeros
        param c: 1 zeros
        yhat = X @ v + c
        loss: mean((yhat - t) ** 2)
        ```
        """
        let (result, _, _, _) = try render(text)
        // X @ v is a vector (N), not N×1: the error says so at the output's line.
        #expect(result.status == 1)
        #expect(result.stderr.contains("nb.md:16:1: error: yhat is (2) but must be rows × 1 (2×1)"), "\(result.stderr)")

        let fixed = text.replacingOccurrences(of: "param v: inputs zeros", with: "param v: inputs×1 zeros") + """

            ```{train}
            :label: fit
            :model: line
            :lr: 0.002
            :epochs: 4
            :batch: 50
            ```

            ```{evaluate}
            :label: ev
            :model: fit
            ```
            """
        let (again, record, html, _) = try render(fixed)
        #expect(again.status == 0, "\(again.stderr)")
        let fit = Self.metrics(record, "fit"), evaluation = Self.metrics(record, "ev")
        #expect(fit["train_accuracy"] == nil && fit["test_accuracy"] == nil, "\(fit)")
        let rmse = try #require(fit["test_rmse"]), r2 = try #require(fit["test_r2"])
        #expect(rmse > 0 && rmse < 0.5 && r2 > 0 && r2 < 1, "\(fit)")
        // {evaluate} measures the same model on the same rows: the same RMSE and R².
        #expect(abs((evaluation["rmse"] ?? 0) - rmse) < 1e-9 && abs((evaluation["r2"] ?? 0) - r2) < 1e-9, "\(evaluation)")
        #expect(abs((evaluation["mse"] ?? 0) - rmse * rmse) < 1e-9)
        #expect(evaluation["count"] == Self.metrics(record, "data")["test_count"])
        #expect(html.contains("mean squared error") && html.contains("test RMSE") && html.contains("test R²"))
        #expect(html.contains("Predicted vs true") && html.contains("Residuals") && html.contains("residual (predicted − true)"))
        #expect(!html.contains("cross-entropy") && !html.contains("Confusion matrix"))
    }

    @Test func positiveMakesOneClassAgainstTheRest() throws {
        let text = """
        ---
        title: Positive
        ---
        ```{load} mnist
        :label: data
        :from: test
        :positive: 3
        :train-rows: 0..600
        :test-rows: 600..1000
        ```

        ```{model}
        :label: logit
        param w: inputs×1 zeros
        param b: 1 zeros
        p = sigmoid(X @ w + b)
        loss: -mean(t * log(p) + (1 - t) * log(1 - p))
        ```

        ```{model}
        :label: wide
        param W: inputs×classes zeros
        p = sigmoid(X @ W)
        loss: -mean(t * log(p) + (1 - t) * log(1 - p))
        ```
        """
        let (result, record, html, _) = try render(text)
        #expect(Self.metrics(record, "data")["classes"] == 2)
        #expect(html.contains("Kept the classes not 3 as 0, 3 as 1."))
        // classes is 2 here: a p of two columns is a shape error at its line, with the hint.
        #expect(result.stderr.contains("nb.md:23:1: error: p is (2×2) but must be rows × 1 (2×1)"), "\(result.stderr)")
        #expect(result.stderr.contains("hint: p holds each image's probability of the positive class"))
    }
}
