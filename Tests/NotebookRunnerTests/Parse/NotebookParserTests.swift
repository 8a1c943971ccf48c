import Foundation
import Testing
@testable import NotebookRunner

@Suite struct NotebookParserTests {
    func parse(_ text: String, file: String = "nb.md") throws -> Notebook {
        try NotebookParser.parse(SourceText(file: file, text: text))
    }

    @Test func readsFrontMatterWithLocations() throws {
        let notebook = try parse("""
        ---
        title: Softmax regression
        author: [Ada, Grace]
        date: 2026-11-21
        tags: [tutorial, mnist]
        seed: 7
        data-dir: ./data
        ---
        # Hello
        """)
        #expect(notebook.title == "Softmax regression")
        #expect(notebook.frontMatter.authors == ["Ada", "Grace"])
        #expect(notebook.frontMatter.date == "2026-11-21")
        #expect(notebook.frontMatter.tags == ["tutorial", "mnist"])
        let defaults = notebook.frontMatter.defaults
        #expect(defaults["seed"]?.value == "7")
        #expect(defaults["seed"]?.location == SourceLocation(file: "nb.md", line: 6, column: 1))
        #expect(defaults["data-dir"]?.value == "./data")
        #expect(defaults.seed == 7)
    }

    @Test func directiveCellWithOptionsAndBody() throws {
        let notebook = try parse("""
        Intro paragraph.

        ```{load} fashion-mnist extra
        :split: test
        :label: data
        first body line
          second
        ```
        """)
        let cell = try #require(notebook.cells.first)
        #expect(cell.directive == "load")
        #expect(cell.arguments == ["fashion-mnist", "extra"])
        #expect(cell.label == "data")
        #expect(cell.location == SourceLocation(file: "nb.md", line: 3, column: 1))
        #expect(cell.directiveLocation == SourceLocation(file: "nb.md", line: 3, column: 4))
        #expect(cell.options.map(\.key) == ["split", "label"])
        #expect(cell.options[0].location == SourceLocation(file: "nb.md", line: 4, column: 1))
        #expect(cell.options[0].valueLocation == SourceLocation(file: "nb.md", line: 4, column: 9))
        #expect(cell.body.map(\.text) == ["first body line", "  second"])
        #expect(cell.body[1].location.line == 7)
        #expect(notebook.prose.contains(Placeholder.token(.cell, 0)))
        #expect(!notebook.prose.contains("{load}"))
    }

    @Test func unnamedCellsAreNumberedAndOtherCodeIsNotACell() throws {
        let notebook = try parse("""
        ```python
        print(1)
        ```

        ```{show}
        ```

        ~~~{show} test
        ~~~
        """)
        #expect(notebook.cells.map(\.label) == ["cell-1", "cell-2"])
        #expect(notebook.cells[1].arguments == ["test"])
        #expect(notebook.prose.contains("print(1)"))
    }

    @Test func optionKeysMayContainSpaces() throws {
        let notebook = try parse("""
        ```{train} softmax
        :grad W: X.T @ (P - Y) / N
        :lr: 0.1
        ```
        """)
        let options = try #require(notebook.cells.first?.options)
        #expect(options.map(\.key) == ["grad W", "lr"])
        #expect(options[0].value == "X.T @ (P - Y) / N")
    }

    @Test func indentedFenceInListKeepsColumns() throws {
        let notebook = try parse("""
        1. Load the data:

           ```{load} mnist
           :split: test
           ```
        """)
        let cell = try #require(notebook.cells.first)
        #expect(cell.location == SourceLocation(file: "nb.md", line: 3, column: 4))
        #expect(cell.options[0].location.column == 4)
        #expect(cell.options[0].valueLocation.column == 12)
    }

    @Test func mathIsProtectedFromEmphasisAndEscapes() throws {
        let notebook = try parse(#"Weights $W_{i,j}$ and $a_i$, braces $\{x\}$, display $$\sum_i x_i$$, \(p_k\) and \[q_*\]."#)
        #expect(notebook.math.map(\.source) == [#"$W_{i,j}$"#, "$a_i$", #"$\{x\}$"#, #"$$\sum_i x_i$$"#, #"\(p_k\)"#, #"\[q_*\]"#])
        #expect(notebook.math.map(\.display) == [false, false, false, true, false, true])
        #expect(notebook.math[0].location == SourceLocation(file: "nb.md", line: 1, column: 9))
        #expect(notebook.math[0].texLocation.column == 10)
        #expect(!notebook.prose.contains("_"))
    }

    @Test func dollarRulesFollowPandoc() throws {
        let notebook = try parse("""
        It costs $5 and $6, escaped \\$x\\$, in code `$a_i$`.

        ```
        $not_math$
        ```

            $indented_code$
        """)
        #expect(notebook.math.isEmpty)
        #expect(notebook.prose.contains("`$a_i$`"))
        #expect(notebook.prose.contains("$not_math$"))
        #expect(notebook.prose.contains("$indented_code$"))
    }

    @Test func dollarMathAsJupyterAndMySTAcceptIt() throws {
        // From a softmax-regression post written for Jupyter/Typora: spaces inside dollars.
        let notebook = try parse(#"""
        对于样本 $ i $，线性层输出 $z_i = \sum_j w_{i,j} x_j $，再经过 $ \mathrm{softmax} $ 得到概率。

        It costs $5 and $6, between $5 and $10, or $5 or $ 6 $; $ $ is nothing.
        """#)
        #expect(notebook.math.map(\.tex) == [" i ", #"z_i = \sum_j w_{i,j} x_j "#, #" \mathrm{softmax} "#, " 6 "])
        #expect(notebook.math.allSatisfy { !$0.display })
        #expect(notebook.prose.contains("It costs $5 and $6, between $5 and $10, or $5 or "))
        #expect(notebook.prose.contains("; $ $ is nothing."))
        #expect(notebook.math[1].location == SourceLocation(file: "nb.md", line: 1, column: 18))
    }

    @Test func bareEnvironmentsAreDisplayMath() throws {
        let notebook = try parse(#"""
        交叉熵损失为
        \begin{equation}
        \ell(\mathbf{y}, \hat{\mathbf{y}}) = - \sum_{j=1}^q y_j \log \hat{y}_j \label{eq:ce}
        \end{equation}
        其中 $q$ 是类别数，且
        \begin{align*}
        \hat{y}_j &= \frac{\exp(o_j)}{\sum_k \exp(o_k)} \\
        o &= W x + b
        \end{align*}
        and \begin{tabular} stays text, as does \begin{gather} without its end.
        """#)
        #expect(notebook.math.map(\.display) == [true, false, true])
        #expect(notebook.math[0].tex.hasPrefix("\\begin{equation}\n"))
        #expect(notebook.math[0].tex.hasSuffix("\\end{equation}"))
        #expect(notebook.math[0].source == notebook.math[0].tex)
        #expect(notebook.math[0].location == SourceLocation(file: "nb.md", line: 2, column: 1))
        #expect(notebook.math[2].tex.hasPrefix("\\begin{align*}"))
        #expect(notebook.math[2].location.line == 6)
        #expect(notebook.prose.contains("\\begin{tabular}"))
        #expect(notebook.prose.contains("\\begin{gather} without"))
        // Lines keep their numbers after multi-line math became one word.
        #expect(notebook.prose.split(separator: "\n", omittingEmptySubsequences: false).count == 10)
    }

    @Test func displayMathMaySpanLines() throws {
        let notebook = try parse("""
        Before.

        $$
        J(W) = -\\frac{1}{N}
          \\sum_n \\ln P_{y_n}
        $$

        After $x$.
        """)
        #expect(notebook.math.count == 2)
        #expect(notebook.math[0].display)
        #expect(notebook.math[0].tex.contains("\\frac{1}{N}"))
        #expect(notebook.math[1].location.line == 8)
        #expect(notebook.math[0].location(ofTeXOffset: 2) == SourceLocation(file: "nb.md", line: 4, column: 2))
        #expect(notebook.prose.split(separator: "\n", omittingEmptySubsequences: false).count == 8)
    }

    @Test func inlineEvalRolesRememberHowManyCellsPrecede() throws {
        let notebook = try parse("""
        Before {eval}`1 + 1`.

        ```{show}
        ```

        Accuracy was {eval}`train.test_accuracy:.1%`.
        """)
        #expect(notebook.roles.map(\.expression) == ["1 + 1", "train.test_accuracy:.1%"])
        #expect(notebook.roles.map(\.cellsBefore) == [0, 1])
        #expect(notebook.roles[1].expressionLocation == SourceLocation(file: "nb.md", line: 6, column: 21))
    }

    @Test func crlfAndByteOrderMarkKeepLocations() throws {
        let text = "\u{FEFF}---\r\ntitle: T\r\n---\r\n\r\n```{show}\r\n:count: 3\r\n```\r\n"
        let notebook = try parse(text)
        #expect(notebook.title == "T")
        let cell = try #require(notebook.cells.first)
        #expect(cell.location.line == 5)
        #expect(cell.options[0].valueLocation == SourceLocation(file: "nb.md", line: 6, column: 9))
        #expect(cell.options[0].value == "3")
    }

    @Test func unterminatedFenceIsAnError() throws {
        let notebook = try parse("Text.\n\n```{show}\n:count: 2\n")
        #expect(notebook.errors == [Diagnostic.error("the code fence opened here is never closed", at: SourceLocation(file: "nb.md", line: 3),
                                                     hint: "end the {show} cell with a line of ```")])
    }

    @Test func unclosedFrontMatterIsAnErrorAtLineOne() throws {
        let error = try #require(throws: Diagnostic.self) { try parse("---\ntitle: x\n\nBody\n") }
        #expect(error.headline == "nb.md:1:1: error: the front matter opened here is never closed")
    }

    @Test func invalidYAMLPointsAtItsLine() throws {
        let error = try #require(throws: Diagnostic.self) { try parse("---\ntitle: ok\ntags: [a, b\nseed: 1\n---\n") }
        #expect(error.headline.hasPrefix("nb.md:"))
        #expect(error.message.contains("invalid YAML"))
        let line = try #require(error.location?.line)
        #expect((3...5).contains(line))
    }

    @Test func duplicateLabelsAreAnError() throws {
        let notebook = try parse("```{show}\n:label: a\n```\n\n```{show}\n:label: a\n```\n\nText after.\n")
        #expect(notebook.errors.map(\.location) == [SourceLocation(file: "nb.md", line: 6, column: 9)])
        #expect(notebook.cells.count == 1, "the second cell is shown as its source; the page still reads")
    }

    @Test func duplicateOptionsAreAnError() throws {
        let notebook = try parse("```{show}\n:count: 1\n:count: 2\n```\n")
        #expect(notebook.warnings.isEmpty)
        let error = try #require(throws: Diagnostic.self) {
            try DirectiveRegistry.standard.instantiate(notebook.cells[0], defaults: Defaults())
        }
        #expect(error.headline == "nb.md:3:1: error: option :count: is given twice")
        #expect(error.hint == "the first is at line 2; keep one")
    }

    @Test func invalidUTF8NamesLineAndColumn() throws {
        let bytes: [UInt8] = Array("ok\nab".utf8) + [0xFF] + Array("c\n".utf8)
        let error = try #require(throws: Diagnostic.self) { try SourceText(file: "bad.md", bytes: bytes) }
        #expect(error.location == SourceLocation(file: "bad.md", line: 2, column: 3))
        #expect(error.message.contains("0xFF"))
    }

    @Test func badDirectiveNames() throws {
        let notebook = try parse("```{load\n```\n")
        #expect(notebook.errors.map(\.location) == [SourceLocation(file: "nb.md", line: 1, column: 4)])
    }
}
