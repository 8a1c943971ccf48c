import Foundation
import Testing
@testable import NotebookRunner

/// `{derive}`: the softmax cross-entropy gradient derived line by line, right and wrong.
@Suite struct DeriveTests {
    /// Lines 1–4 of the cell are fence and options; the chain starts at line 5.
    static func notebook(_ lines: [String], options: [String] = []) -> String {
        (["```{derive}", ":label: ce", ":given: A 8×10 normal(2), y 8 labels(10)"] + options
            + ["Y = onehot(y, 10)"] + lines + ["```"]).joined(separator: "\n")
    }

    static let chain = [
        "J = -mean(sum(Y * log(softmax(A)), axis=1))",                                  // definition
        "  = -mean(sum(Y * (A.T - log(sum(exp(A), axis=1))).T, axis=1))",             // log-softmax
        "  = -mean(sum(Y * A, axis=1) - sum(Y, axis=1) * log(sum(exp(A), axis=1)))",  // distribute
        "  = -mean(sum(Y * A, axis=1) - log(sum(exp(A), axis=1)))",                   // one-hot rows sum to 1
        "grad A: (softmax(A) - Y) / 8",                                                // P − Y
    ]

    func run(_ text: String) throws -> (CellResult, DerivationTable) {
        let notebook = try parseNotebook(text)
        let run = Executor(registry: .standard, settings: testSettings()).run(notebook)
        let result = try #require(run.cells.first)
        let table = try #require(result.outputs.compactMap { output -> DerivationTable? in
            if case .derivation(let table) = output { return table }
            return nil
        }.first)
        return (result, table)
    }

    @Test func theCrossEntropyGradientHoldsLineByLine() throws {
        let (result, table) = try run(Self.notebook(Self.chain))
        #expect(result.status == .ok, "\(String(describing: result.error))")
        #expect(table.rows.map(\.verdict) == [.start, .holds, .holds, .holds, .holds])
        #expect(table.rows.map(\.location.line) == [5, 6, 7, 8, 9])
        let error = try #require(result.metrics.first { $0.name == "relative_error" }?.value)
        #expect(error < 1e-6)
        #expect(table.rows[4].lhs == "\\frac{\\partial J}{\\partial A}")
        #expect(table.rows[4].mark.hasPrefix("✔ "))
    }

    @Test(arguments: [
        (1, "  = -mean(sum(Y * (A - log(sum(exp(A), axis=1))), axis=1))"),   // broadcasts along the wrong axis
        (2, "  = -mean(sum(Y * A, axis=1) + sum(Y, axis=1) * log(sum(exp(A), axis=1)))"),
        (3, "  = -mean(sum(Y * A, axis=1) - log(sum(exp(A), axis=0)))"),
        (4, "grad A: (softmax(A) - Y) * Y / 8"),
    ])
    func aWrongStepFailsAtExactlyThatLine(index: Int, wrong: String) throws {
        var lines = Self.chain
        lines[index] = wrong
        let (result, table) = try run(Self.notebook(lines))
        #expect(result.status == .error)
        let line = 5 + index
        #expect(result.error?.location?.line == line, "\(String(describing: result.error))")
        #expect(result.error?.description.hasPrefix("nb.md:\(line):") == true)
        #expect(table.rows.filter(\.isFirstFailure).map(\.location.line) == [line])
        // Only the wrong line fails: the lines after it are checked against the last line that held.
        #expect(table.rows.filter { $0.verdict == .fails || $0.verdict == .error }.count == 1)
        #expect(result.metrics.first { $0.name == "first_failure_line" }?.value == Double(line))
    }

    @Test func theTrueClassMistakeIsNamedAndCaughtWhenExpected() throws {
        var lines = Self.chain
        lines[4] = "grad A: (softmax(A) - Y) * Y / 8"
        let (failing, _) = try run(Self.notebook(lines))
        #expect(failing.error?.hint?.contains("zero wherever Y is 0") == true)
        #expect(failing.error?.location == SourceLocation(file: "nb.md", line: 9, column: 9))
        let (caught, table) = try run(Self.notebook(lines, options: [":expect: fail"]))
        #expect(caught.status == .ok)
        #expect(table.rows.last?.verdict == .caught)
        #expect(table.rows.last?.mark.hasSuffix("caught") == true)
        // The values that differ are listed.
        #expect(caught.outputs.contains { if case .table(let t) = $0 { t.header.contains("central differences") } else { false } })
    }

    @Test func expectFailOnARightChainIsAnError() throws {
        let (result, _) = try run(Self.notebook(Self.chain, options: [":expect: fail"]))
        #expect(result.status == .error)
        #expect(result.error?.message.contains("but :expect: fail says one should not") == true)
    }

    @Test func theChainIsTypesetAsMathematics() throws {
        let notebook = try parseNotebook(Self.notebook(Self.chain + ["tex: P - Y"], options: [":checks: grad"]) + "\n\n$$\\nabla_A J = P - Y$$ (grad)\n")
        let run = Executor(registry: .standard, settings: testSettings()).run(notebook)
        let html = HTMLRenderer(reproducible: true, embedsFonts: false).render(run).html
        #expect(html.contains("<table class=\"nb-derive\">"))
        #expect(html.contains("<annotation encoding=\"application/x-tex\">\\displaystyle {} = P - Y</annotation>"))
        #expect(html.contains("\\displaystyle {} = -\\frac{1}{N} \\sum_{n} \\sum_{k} Y \\odot \\ln \\sigma(A)"))
        #expect(html.contains("1 equation, 1 checked, 0 failed"))
        #expect(html.contains("<span class=\"nb-eqcheck nb-eqcheck-ok\" title=\"checked by ce: relative error"))
    }

    @Test func aChinesePageWritesTheChainAndTheEquationMarksInChinese() throws {
        let text = "---\nlang: zh\n---\n" + Self.notebook(Self.chain, options: [":checks: grad"])
            + "\n\n见 {eq}`grad`。\n\n$$\\nabla_A J = P - Y$$ (grad)\n"
        let run = Executor(registry: .standard, settings: testSettings()).run(try parseNotebook(text))
        let html = HTMLRenderer(reproducible: true, embedsFonts: false).render(run).html
        #expect(html.contains("1 个公式，1 个已核对，0 个未通过"))
        #expect(html.contains("在 A: 8×10, 正态分布（σ = 2）；y: 8, 标签 0…9（种子 0） 上核对；每行与上面最近一条成立的行比较，容差 1.00e-06"))
        #expect(html.contains("<span class=\"nb-derive-line\">第 12 行</span>"))
        #expect(html.contains("title=\"与中心差分相等，容差 1.00e-06：相对误差"))
        #expect(html.contains("title=\"公式 (1)：✔ 由 ce 核对：相对误差"))
        for english in ["checked on", ">line ", "equals ", "equations,", "relative error", "Equation ("] {
            #expect(!html.contains(english), "\(english)")
        }
    }

    @Test func givenDeclarationsAreValidatedWhereTheyAreWritten() throws {
        #expect(throws: Diagnostic.self) { try GivenTensors.parse("A 8×", at: SourceLocation(file: "nb.md", line: 2, column: 9)) }
        do {
            _ = try GivenTensors.parse("A 8×10, y 8 labels(1)", at: SourceLocation(file: "nb.md", line: 2, column: 9))
            Issue.record("labels(1) should be refused")
        } catch let diagnostic as Diagnostic {
            #expect(diagnostic.location == SourceLocation(file: "nb.md", line: 2, column: 17))
        }
        let given = try GivenTensors.parse("A 8×10 normal(2), y 8 labels(10), s scalar uniform(0, 1)", at: SourceLocation(file: "nb.md", line: 1))
        let values = given.draw(seed: 3)
        #expect(values["A"]?.shape == [8, 10] && values["y"]?.shape == [8] && values["s"]?.isScalar == true)
        #expect(values["y"]!.data.allSatisfy { $0 >= 0 && $0 < 10 && $0 == $0.rounded() })
        #expect(given.draw(seed: 3)["A"] == values["A"])
    }
}

@Suite struct ExpressionTeXTests {
    func tex(_ source: String) throws -> String {
        ExpressionTeX().tex(try ExpressionParser.parse(source, at: SourceLocation(file: "t", line: 1)))
    }

    @Test func writesMathematics() throws {
        #expect(try tex("X.T @ (P - Y) / N") == "\\frac{X^{\\top} (P - Y)}{N}")
        #expect(try tex("sum(Y * log(P), axis=1)") == "\\sum_{k} Y \\odot \\ln P")
        #expect(try tex("sum(x, axis=0)") == "\\sum_{n} x")
        #expect(try tex("softmax(A)") == "\\sigma(A)")
        #expect(try tex("exp(A - max(A))") == "e^{A - \\max A}")
        #expect(try tex("-mean(x)") == "-\\frac{1}{N} \\sum_{n} x")
        #expect(try tex("2 * x ** 2") == "2 x^{2}")
        #expect(try tex("a - (b - c)") == "a - (b - c)")
        #expect(try tex("a - -b") == "a - (-b)")
        #expect(try tex("W2[0, 1] + alpha") == "W_{2}_{0,1} + \\alpha")
        #expect(try tex("sqrt(abs(x))") == "\\sqrt{\\left|x\\right|}")
    }
}
