import Foundation
import Testing
@testable import NotebookRunner

/// `nbrun check` finds, without running a cell, what `render` would fail or warn on.
@Suite struct CheckTests {
    /// Checks `text` as `nb.md` with the real binary; no output folder may appear.
    func check(_ text: String) throws -> NBRunProcess.Result {
        let folder = try DataFixtures.temporaryDirectory("check")
        try text.write(to: folder.appendingPathComponent("nb.md"), atomically: true, encoding: .utf8)
        let result = try NBRunProcess.run(["check", "nb.md"], in: folder)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("output").path), "check wrote output")
        return result
    }

    static let training = """
        # Training

        ```{load} fashion-mnist
        :label: data
        ```

        ```{train} softmax
        :label: train
        :epochs: 50
        ```

        """

    /// A `{model}` the training engine cannot train fails in check, at the operation.
    @Test func aModelTheEngineCannotTrainFailsAtTheOperation() throws {
        let result = try check("""
            # Models

            ```{load} fashion-mnist
            ```

            ```{model}
            :label: cube
            param W: inputs×classes normal(0.01)
            P = softmax(X @ W) ** 3
            loss: -mean(sum(Y * log(P), axis=1))
            ```

            ```{model}
            :label: shifted
            param W: inputs×classes normal(0.01)
            P = softmax(X @ W - logsumexp(X @ W, axis=1, keepdims=True))
            loss: -mean(sum(Y * log(P), axis=1))
            ```

            ```{model}
            :label: picked
            param W: inputs×classes normal(0.01)
            P = softmax(X @ W)
            loss: -mean(log(max(Y * P, axis=1)))
            ```
            """)
        #expect(result.status == 1)
        for expected in [
            "nb.md:9:23: error: the training engine takes ** 2 and ** 0.5 only",
            "nb.md:16:21: error: the training engine does not compute logsumexp(…)",
            "nb.md:24:17: error: the training engine does not compute max(…)",
        ] {
            #expect(result.stderr.contains(expected), "missing \(expected) in \(result.stderr)")
        }
    }

    /// Dropout, layer normalisation, a CSV load and a plot are accepted; a plot with nothing to draw is not.
    @Test func dropoutLayerNormCSVAndPlotsPassTheCheck() throws {
        let good = try check("""
            ```{load}
            :csv: plants.csv
            :target: growth
            ```

            ```{model}
            :label: net
            param W1: inputs×8 randn * 0.1
            param g: 8 constant(1)
            param c: 8 zeros
            param w: 8×1 normal(0.1)
            H = dropout(layernorm(relu(X @ W1), g, c), 0.2)
            yhat = H @ w
            loss: mean((yhat - t) ** 2)
            ```

            ```{train}
            :label: fit
            :model: net
            ```

            ```{plot}
            :curves: fit.train_loss
            ```
            """)
        #expect(good.status == 0 && good.stderr.isEmpty, "\(good.stderr)")
        let empty = try check("```{plot}\n:title: nothing\n```\n")
        #expect(empty.status == 1 && empty.stderr.contains("nb.md:1:4: error: {plot} needs something to plot"), "\(empty.stderr)")
    }

    /// The names a model binds in `{eval}` (its parameters; with `:model:` its forward pass's too)
    /// are values in check as at render: `H.T` is a transpose, not the metric T of a cell labelled H.
    @Test func namesAModelBindsAreValuesNotCellLabels() throws {
        let model = """
            ```{load}
            :csv: plants.csv
            :target: growth
            ```

            ```{model}
            :label: net
            param W1: inputs×8 randn * 0.1
            param b1: 8 zeros
            param w: 8×1 normal(0.1)
            H = relu(X @ W1 + b1)
            yhat = H @ w
            loss: mean((yhat - t) ** 2)
            ```

            """
        let good = try check(model + """
            ```{eval}
            :model: net
            G = H.T @ H
            W1.T.shape
            yhat.shape[0]
            ```

            ```{train}
            :label: fit
            :model: net
            ```

            ```{eval}
            :model: fit
            Z = H.T @ yhat
            ```

            Inline {eval}`W1.shape[0]`, {eval}`b1.T.shape[0]` and {eval}`fit.train_loss`.
            """)
        #expect(good.status == 0 && good.stderr.isEmpty, "\(good.stderr)")
        // What would fail at render still fails: a member a tensor does not have, a cell label that does not exist.
        let bad = try check(model + "```{eval}\n:model: net\nH.test_accuracy\nnett.loss\n```\n")
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("nb.md:17:3: error: a tensor has no member 'test_accuracy'"), "\(bad.stderr)")
        #expect(bad.stderr.contains("nb.md:18:1: error: no cell labelled 'nett'"), "\(bad.stderr)")
    }

    /// `{plot} :curves:` names are checked where render would fail on them, at the name's column,
    /// with the valid names in the hint.
    @Test func plotCurvesNameEpochsOfTrainingCellsBefore() throws {
        let result = try check(Self.training + """
            ```{plot}
            :curves: train.train_loss, train.train_los,  trian.test_accuracy
            ```

            ```{plot}
            :curves: data.train_loss, train.validation_loss, later.train_loss
            ```

            ```{train} softmax
            :label: later
            :validation: 100
            ```

            ```{plot}
            :curves: later.validation_accuracy, later.test_accuracy, later.learning_rate
            ```
            """)
        #expect(result.status == 1)
        for expected in [
            "nb.md:12:28: error: the cell 'train' records no epochs of train_los",
            "hint: did you mean 'train.train_loss'? curves here: train.train_loss, train.train_accuracy, train.test_accuracy\n",
            "nb.md:12:46: error: no cell labelled 'trian' comes before this plot",
            "hint: did you mean 'train.test_accuracy'? curves here:",
            "nb.md:16:10: error: the cell 'data' records no epochs: :curves: names {train} cells",
            "nb.md:16:27: error: the cell 'train' records no epochs of validation_loss",
            "nb.md:16:50: error: cell 'later' comes later in the notebook, so its epochs are not recorded here",
            "nb.md:25:58: error: the cell 'later' records no epochs of learning_rate",
        ] {
            #expect(result.stderr.contains(expected), "missing \(expected) in \(result.stderr)")
        }
        #expect(!result.stderr.contains("nb.md:12:10:") && !result.stderr.contains("nb.md:25:10:") && !result.stderr.contains("nb.md:25:37:"),
                "\(result.stderr)")
    }

    @Test func aTypoInTheLastInlineValueFailsAtTheRole() throws {
        let result = try check(Self.training + "The model reaches {eval}`trian.test_accuracy:.1%` on the test set.\n")
        #expect(result.status == 1)
        #expect(result.stderr.contains("nb.md:11:26: error: no cell labelled 'trian'"), "\(result.stderr)")
        #expect(result.stderr.contains("did you mean 'train'?"))
        #expect(!result.stderr.contains("epoch"))
    }

    @Test func inlineSyntaxFormatsFunctionsAndLaterCellsAreErrors() throws {
        let result = try check("""
            Early {eval}`train.test_accuracy`.

            ```{eval}
            :label: train
            1
            ```

            Syntax {eval}`(1 + `, format {eval}`1:.2q`, function {eval}`sofmax([1, 2])`, name {eval}`Q + 1`.
            """)
        #expect(result.status == 1)
        for expected in [
            "nb.md:1:14: error: cell 'train' comes later in the notebook",
            "nb.md:8:20: error: expected an expression after '+'",
            "nb.md:8:39: error: unknown format '.2q'",
            "nb.md:8:61: error: unknown function 'sofmax'",
            "nb.md:8:90: error: unknown name 'Q'",
        ] {
            #expect(result.stderr.contains(expected), "missing \(expected) in \(result.stderr)")
        }
    }

    @Test func namesInEvalCellsAndBindingsOfEarlierLines() throws {
        let good = try check("```{eval}\nz = [1, 2, 3]\nsoftmax(z)\n```\n\nThen {eval}`z[0]` and {eval}`W.shape[0]`.\n")
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("nb.md: ok"))
        let bad = try check("```{eval}\nz = [1, 2, 3]\nsoftmax(zz)\n```\n")
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("nb.md:3:9: error: unknown name 'zz'"), "\(bad.stderr)")
        #expect(bad.stderr.contains("did you mean 'z'?"))
    }

    /// A metric a cell does not record is found by check where render would fail on it, at
    /// the same column and with the same message; a metric it does record passes both.
    @Test func checkAndRenderAgreeOnTheMetricsACellRecords() throws {
        let cells = """
            ```{eval}
            :label: e
            k = 2 / 3
            ```

            ```{derive}
            :label: d
            :given: A 3×4
            J = sum(A * A)
            grad A: 2 * A
            ```

            ```{gradcheck} softmax
            :label: g
            ```

            """
        for (role, expected) in [("e.nosuchmetric", "nb.md:16:15: error: cell 'e' has no metric 'nosuchmetric'"),
                                 ("d.relative_eror", "nb.md:16:15: error: cell 'd' has no metric 'relative_eror'"),
                                 ("g.W_relative_error", "nb.md:16:15: error: cell 'g' has no metric 'W_relative_error'")] {
            let text = cells + "Read {eval}`\(role)`.\n"
            let checked = try check(text)
            #expect(checked.status == 1, "\(role): \(checked.stderr)")
            #expect(checked.stderr.contains(expected), "\(role): \(checked.stderr)")
            let folder = try DataFixtures.temporaryDirectory("render")
            try text.write(to: folder.appendingPathComponent("nb.md"), atomically: true, encoding: .utf8)
            let rendered = try NBRunProcess.run(["render", "nb.md", "--no-cache"], in: folder)
            #expect(rendered.status == 1)
            #expect(rendered.stderr.contains(expected), "\(role): \(rendered.stderr)")
        }
        for role in ["e.k", "d.relative_error", "d.gradient_entries_compared", "g.jacobian_relative_error", "g.passed"] {
            let checked = try check(cells + "Read {eval}`\(role)`.\n")
            #expect(checked.status == 0, "\(role): \(checked.stderr)")
        }
    }

    @Test func expressionSyntaxInEvalAndGradcheckBodies() throws {
        let eval = try check("```{eval}\nsoftmax([1, 2)\n```\n")
        #expect(eval.status == 1)
        #expect(eval.stderr.contains("nb.md:2:"), "\(eval.stderr)")
        let gradcheck = try check("```{gradcheck}\nloss: -mean(sum(Y * log(softmax(X @ W + b, axis=1)), axis=1))\ngrad W: X.T @ (P - Y) /\n```\n")
        #expect(gradcheck.status == 1)
        #expect(gradcheck.stderr.contains("nb.md:3:"), "\(gradcheck.stderr)")
        #expect(gradcheck.stderr.contains("error:"))
    }

    @Test func anUnknownTeXCommandIsAWarningAtItsColumn() throws {
        let result = try check("# Math\n\nThe softmax $\\sigma(A)_i = \\foo{A}$ of the logits.\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("nb.md:3:28: warning: unknown command \\foo"), "\(result.stderr)")
        #expect(result.stdout.contains("nb.md: ok"))
    }
}
