import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

private typealias Support = ExpressionTestSupport

/// A gradient check shows ✔ only when it compared enough entries of a loss that changes, at a
/// point without kinks, within a sane tolerance; its internal names never reach a message.
@Suite struct GradCheckTrustTests {
    /// A two-layer network on the synthetic 4×4 data, its first layer initialised as `first`.
    static func network(first: String, second: String = "normal(0.5)", hidden: String = "H = relu(Z1)",
                        state: NotebookState = Support.state()) throws -> NotebookState {
        let body = ["param W1: inputs×6 \(first)", "param b1: 6 \(first)", "param W2: 6×classes \(second)", "param b2: classes zeros",
                    "Z1 = X @ W1 + b1", hidden, "P = softmax(H @ W2 + b2)", "loss: -mean(sum(Y * log(P), axis=1))"]
        let model = try Support.run(ModelDirective.self, Support.cell("model", body: body, label: "mlp"), state: state)
        #expect(model.status == .ok, "\(String(describing: model.error))")
        return state
    }

    static func check(_ gradW1: String, _ gradB1: String, in state: NotebookState, options: [(String, String)] = []) throws -> CellResult {
        let body = ["dZ2 = (P - Y) / N", "dH = dZ2 @ W2.T", "dZ1 = dH * (Z1 > 0)", "grad W1: \(gradW1)", "grad b1: \(gradB1)"]
        return try Support.run(GradCheckDirective.self, Support.cell("gradcheck", options: [("model", "mlp")] + options, body: body), state: state)
    }

    // MARK: a layer on its kinks

    /// Zeros put every relu input at exactly 0: the check moves W1 and b1 off the kinks instead
    /// of leaving every entry out, so wrong formulas fail and the right ones pass.
    @Test(arguments: [("X.T @ dZ1 * 1000", "sum(dZ1, axis=0) * 1000"), ("X.T @ dZ1 + 7", "sum(dZ1, axis=0) + 7"),
                      ("X.T @ dZ1 * 1000 + 7", "sum(dZ1, axis=0) * 1000 + 7"), ("X.T @ dH", "sum(dH, axis=0)"),
                      ("-X.T @ dZ1", "-sum(dZ1, axis=0)")])
    func wrongFormulasFailOnALayerOfZeros(gradW1: String, gradB1: String) throws {
        let result = try Self.check(gradW1, gradB1, in: Self.network(first: "zeros"))
        #expect(result.status == .error)
        #expect(Support.metric(result, "passed") == 0)
        #expect(try #require(Support.metric(result, "W1_relative_error")) > 1e-2)
        #expect(try #require(Support.metric(result, "W1_entries_compared")) >= 90)
    }

    @Test func theRightFormulasPassOnALayerOfZerosAndSayWhereTheyWereChecked() throws {
        let result = try Self.check("X.T @ dZ1", "sum(dZ1, axis=0)", in: Self.network(first: "zeros"))
        #expect(result.status == .ok, "\(String(describing: result.error))")
        #expect(Support.metric(result, "W1_entries_skipped") == 0)
        #expect(Support.metric(result, "b1_entries_compared") == 6)
        #expect(try #require(Support.metric(result, "W1_relative_error")) < 1e-6)
        let text = result.outputs.compactMap { if case .text(let t) = $0 { t } else { nil } }.joined()
        #expect(text.contains("W1: at the starting values "), "\(text)")
        #expect(text.contains("b1: at the starting values 6 of the 6 entries drawn had a kink of the loss within ε on both sides, so it was checked with normal noise added to b1 (σ = 0.01), W1 (σ = 0.01)"), "\(text)")
    }

    /// With every layer zero the loss does not change with W1 at all: the check moves every
    /// parameter of the model, where the formulas can be told apart.
    @Test func aModelOfZerosIsCheckedWhereTheLossChanges() throws {
        let state = try Self.network(first: "zeros", second: "zeros")
        let right = try Self.check("X.T @ dZ1", "sum(dZ1, axis=0)", in: state)
        #expect(right.status == .ok, "\(String(describing: right.error))")
        let text = right.outputs.compactMap { if case .text(let t) = $0 { t } else { nil } }.joined()
        #expect(text.contains("W2 (σ = 0.01)"), "\(text)")
        let wrong = try Self.check("X.T @ dZ1 * 1000", "sum(dZ1, axis=0)", in: state)
        #expect(wrong.status == .error)
        #expect(try #require(Support.metric(wrong, "W1_relative_error")) > 0.5)
    }

    /// A parameter the loss does not read: any formula that is 0 agrees, so the check cannot pass,
    /// and :expect: fail does not count it as a caught mistake either.
    @Test func aFlatLossIsNotAPass() throws {
        for expect in ["pass", "fail"] {
            let cell = Support.cell("gradcheck", options: [("expect", expect)], body: ["loss: sum(W * W)", "grad W: 2 * W", "grad b: 1000 * 0 * b"])
            let result = try Support.run(GradCheckDirective.self, cell)
            #expect(result.status == .error)
            #expect(result.error?.message == "gradient check not passed: the loss does not change with b at this point (every central difference is 0), so any formula that is 0 here would agree",
                    "\(String(describing: result.error))")
            #expect(result.error?.hint?.contains("at least 90% of the entries drawn") == true)
            #expect(result.error?.location?.line == 5)
        }
        let derive = ["```{derive}", ":given: A 3×3, B 3", "J = sum(A * A)", "grad B: 0 * B", "```"].joined(separator: "\n")
        let result = try #require(Executor(registry: .standard, settings: testSettings()).run(try parseNotebook(derive)).cells.first)
        #expect(result.status == .error)
        #expect(result.error?.message.contains("cannot be checked: the loss does not change with B") == true, "\(String(describing: result.error))")
    }

    /// The minimum, per parameter and over the whole check, applies to any result.
    @Test func tooFewComparedEntriesDoNotPass() {
        func result(drawn: Int, skipped: Int) -> GradientCheck.Result {
            let entries = (0..<drawn).map { GradientCheck.Entry(index: $0, analytic: 1, numeric: 1, stencil: $0 < skipped ? .skipped : .central) }
            return GradientCheck.Result(name: "W", shape: [drawn], entries: entries, tolerance: 1e-6)
        }
        #expect(result(drawn: 100, skipped: 10).passed)
        #expect(!result(drawn: 100, skipped: 11).passed)
        #expect(result(drawn: 100, skipped: 11).unverifiable?.contains("only 89 of the 100 entries of W drawn could be compared") == true)
        #expect(!result(drawn: 9581, skipped: 9581).passed)
        #expect(result(drawn: 5, skipped: 0).passed)
        #expect(!result(drawn: 5, skipped: 1).passed)
        // A step of {derive} compares two values, not derivatives: no minimum, and 0 = 0 holds.
        var step = result(drawn: 3, skipped: 0)
        step.isDerivative = false
        step.entries = step.entries.map { var e = $0; e.analytic = 0; e.numeric = 0; return e }
        #expect(step.passed)
        // Overall: three one-entry parameters each compared, but 3 < 20 is still every entry drawn.
        let small = GradientCheckReport(items: (0..<3).map { _ in .init(result: result(drawn: 1, skipped: 0), analytic: Tensor(scalar: 1), hints: [],
                                                                           location: SourceLocation(file: "t.md", line: 1), metricPrefix: "w") },
                                        descriptions: [], epsilon: 1e-5)
        #expect(small.passed)
    }

    // MARK: kinks straight on a product

    /// An activation written on `X @ W1` itself (no bias) is checked like any other.
    @Test(arguments: [
        ("relu(X @ W1)", "dH * (X @ W1 > 0)"),
        ("maximum(X @ W1, 0)", "dH * (X @ W1 > 0)"),
        ("minimum(X @ W1, 0)", "dH * (X @ W1 < 0)"),
        ("abs(X @ W1)", "dH * ((X @ W1 > 0) - (X @ W1 < 0))"),
        ("clip(X @ W1, -0.5, 0.5)", "dH * (X @ W1 > -0.5) * (X @ W1 < 0.5)"),
        ("(X @ W1 > 0) * (X @ W1)", "dH * (X @ W1 > 0)"),
        ("relu((2 * X) @ W1)", "2 * dH * (X @ W1 > 0)"),
    ])
    func activationsOnAProductAreChecked(activation: String, backward: String) throws {
        let state = Support.state()
        let body = ["param W1: inputs×6 normal(0.5)", "param W2: 6×classes normal(0.5)", "H = \(activation)",
                    "P = softmax(H @ W2)", "loss: -mean(sum(Y * log(P), axis=1))"]
        _ = try Support.run(ModelDirective.self, Support.cell("model", body: body, label: "net"), state: state)
        for (formula, passes) in [("X.T @ (\(backward))", true), ("X.T @ (\(backward)) * 2", false)] {
            let check = Support.cell("gradcheck", options: [("model", "net")], body: ["dH = (P - Y) / N @ W2.T", "grad W1: \(formula)"])
            let result = try Support.run(GradCheckDirective.self, check, state: state)
            #expect(result.status == (passes ? .ok : .error), "\(activation): \(formula): \(String(describing: result.error))")
            let messages = [result.error?.message, result.error?.hint].compactMap { $0 } + Support.notes(result)
            #expect(!messages.contains { $0.contains("unknown name") || $0.unicodeScalars.contains { $0.value < 0x20 } }, "\(messages)")
            #expect(Support.metric(result, "W1_relative_error").map { passes ? $0 < 1e-6 : $0 > 1e-2 } == true)
        }
    }

    // MARK: the tolerance

    @Test(arguments: ["1e300", "1", "0.5", "0.0100001", "0", "-1e-6"])
    func aNonsensicalToleranceIsAnOptionError(tol: String) throws {
        for directive in ["gradcheck", "derive"] {
            let body = directive == "gradcheck" ? ["loss: sum(W * W)", "grad W: 2 * W"] : ["J = sum(W * W)", "grad W: 2 * W"]
            let cell = Support.cell(directive, options: [("tol", tol)], body: body)
            #expect(throws: Diagnostic.self, "\(directive) :tol: \(tol)") { try DirectiveRegistry.standard.instantiate(cell, defaults: Defaults()) }
            // -p tol=… and front matter go through the same declaration.
            var defaults = Defaults()
            defaults.set("tol", tol, at: nil)
            let plain = Support.cell(directive, body: body)
            #expect(throws: Diagnostic.self, "\(directive) -p tol=\(tol)") { try DirectiveRegistry.standard.instantiate(plain, defaults: defaults) }
        }
    }

    @Test func aToleranceInRangeIsTaken() throws {
        for tol in ["0.01", "1e-9"] {
            let cell = Support.cell("gradcheck", options: [("tol", tol)], body: ["loss: sum(W * W)", "grad W: 2 * W"])
            _ = try DirectiveRegistry.standard.instantiate(cell, defaults: Defaults())
        }
    }

    // MARK: {derive} on a large variable

    /// A `grad` line of a large variable is checked on entries drawn at random, as many as
    /// the value budget affords (at least `GradientCheck.fewestEntries`), and says so.
    @Test func aDeriveGradientOfALargeVariableIsSampled() throws {
        let text = ["```{derive}", ":given: A 400×400", "J = sum(A * A)", "  = sum(A ** 2)", "grad A: 2 * A", "```"].joined(separator: "\n")
        let run = Executor(registry: .standard, settings: testSettings()).run(try parseNotebook(text))
        let result = try #require(run.cells.first)
        #expect(result.status == .ok, "\(String(describing: result.error))")
        let compared = try #require(result.metrics.first { $0.name == "gradient_entries_compared" }?.value)
        #expect(compared == Double(GradientCheck.fewestEntries))
        let table = try #require(result.outputs.compactMap { if case .derivation(let t) = $0 { t } else { nil } }.first)
        #expect(table.rows[2].detail.contains("(100 of its 160,000 entries, drawn at random)"), "\(table.rows[2].detail)")

        let wrong = text.replacingOccurrences(of: "grad A: 2 * A", with: "grad A: 2.01 * A")
        let failed = try #require(Executor(registry: .standard, settings: testSettings()).run(try parseNotebook(wrong)).cells.first)
        #expect(failed.status == .error)
        #expect(failed.error?.location?.line == 5)
    }

    /// Small variables are still checked entry by entry, and the line says so.
    @Test func aDeriveGradientOfASmallVariableChecksEveryEntry() throws {
        let text = ["```{derive}", ":given: A 8×10", "J = sum(exp(A) / 10)", "grad A: exp(A) / 10", "```"].joined(separator: "\n")
        let result = try #require(Executor(registry: .standard, settings: testSettings()).run(try parseNotebook(text)).cells.first)
        #expect(result.status == .ok, "\(String(describing: result.error))")
        #expect(result.metrics.first { $0.name == "gradient_entries_compared" }?.value == 80)
    }
}
