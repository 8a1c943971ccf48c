import Foundation
import Testing
@testable import NotebookRunner

/// GFM pipe tables recognised on cmark's paragraphs: the table examples of the GFM spec
/// (0.29-gfm, examples 198–205) as Markdown/HTML pairs, then tables from real posts.
@Suite struct PipeTableTests {
    /// cmark's HTML for `markdown`, with the report's scrolling wrapper taken off.
    func html(_ markdown: String) -> String {
        CommonMark.renderHTML(markdown, smartPunctuation: false).html
            .replacingOccurrences(of: "<div class=\"nb-table-wrap\">\n", with: "")
            .replacingOccurrences(of: "</table>\n</div>\n", with: "</table>\n")
    }

    static let specExamples: [(number: Int, markdown: String, html: String)] = [
        (198, "| foo | bar |\n| --- | --- |\n| baz | bim |\n",
         "<table>\n<thead>\n<tr>\n<th>foo</th>\n<th>bar</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>baz</td>\n<td>bim</td>\n</tr>\n</tbody>\n</table>\n"),
        (199, "| abc | defghi |\n:-: | -----------:\nbar | baz\n",
         "<table>\n<thead>\n<tr>\n<th align=\"center\">abc</th>\n<th align=\"right\">defghi</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td align=\"center\">bar</td>\n<td align=\"right\">baz</td>\n</tr>\n</tbody>\n</table>\n"),
        (200, "| f\\|oo  |\n| ------ |\n| b `\\|` az |\n| b **\\|** im |\n",
         "<table>\n<thead>\n<tr>\n<th>f|oo</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>b <code>|</code> az</td>\n</tr>\n<tr>\n<td>b <strong>|</strong> im</td>\n</tr>\n</tbody>\n</table>\n"),
        (201, "| abc | def |\n| --- | --- |\n| bar | baz |\n> bar\n",
         "<table>\n<thead>\n<tr>\n<th>abc</th>\n<th>def</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>bar</td>\n<td>baz</td>\n</tr>\n</tbody>\n</table>\n<blockquote>\n<p>bar</p>\n</blockquote>\n"),
        (202, "| abc | def |\n| --- | --- |\n| bar | baz |\nbar\n\nbar\n",
         "<table>\n<thead>\n<tr>\n<th>abc</th>\n<th>def</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>bar</td>\n<td>baz</td>\n</tr>\n<tr>\n<td>bar</td>\n<td></td>\n</tr>\n</tbody>\n</table>\n<p>bar</p>\n"),
        (203, "| abc | def |\n| --- |\n| bar |\n",
         "<p>| abc | def |\n| --- |\n| bar |</p>\n"),
        (204, "| abc | def |\n| --- | --- |\n| bar |\n| bar | baz | boo |\n",
         "<table>\n<thead>\n<tr>\n<th>abc</th>\n<th>def</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>bar</td>\n<td></td>\n</tr>\n<tr>\n<td>bar</td>\n<td>baz</td>\n</tr>\n</tbody>\n</table>\n"),
        (205, "| abc | def |\n| --- | --- |\n",
         "<table>\n<thead>\n<tr>\n<th>abc</th>\n<th>def</th>\n</tr>\n</thead>\n</table>\n"),
    ]

    @Test(arguments: specExamples.map(\.number))
    func gfmSpecExample(_ number: Int) throws {
        let example = try #require(Self.specExamples.first { $0.number == number })
        #expect(html(example.markdown) == example.html)
    }

    @Test func linesBeforeTheHeaderStayAParagraph() {
        #expect(html("Results:\n| a | b |\n|---|--:|\n| 1 | 2 |\n")
                == "<p>Results:</p>\n<table>\n<thead>\n<tr>\n<th>a</th>\n<th align=\"right\">b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td align=\"right\">2</td>\n</tr>\n</tbody>\n</table>\n")
    }

    @Test func notATableWithoutPipesOrWithABadDelimiter() {
        #expect(html("a\nb\n") == "<p>a\nb</p>\n")
        #expect(html("| a | b |\n| -x- | --- |\n").hasPrefix("<p>"))
    }

    @Test func realPostTableWithMathRolesAndWideCells() throws {
        // A softmax-regression post in Chinese: a table of symbols with math and a value from a cell.
        let notebook = try NotebookParser.parse(SourceText(file: "post.md", text: #"""
        符号说明：

        | 符号 | 含义 | 形状 |
        | :--- | :---: | ---: |
        | $ \mathbf{X} $ | 输入 *特征* | $n \times d$ |
        | $\mathbf{W}$ | 权重，`W[i\|j]` | $d \times q$ |
        | 准确率 | {eval}`1 + 1` | — |

        正文。
        """#))
        #expect(notebook.math.count == 4)
        #expect(notebook.roles.map(\.expression) == ["1 + 1"])
        let rendered = CommonMark.renderHTML(notebook.prose).html
        #expect(rendered.contains("<div class=\"nb-table-wrap\">\n<table>"))
        #expect(rendered.contains("<th align=\"left\">符号</th>\n<th align=\"center\">含义</th>\n<th align=\"right\">形状</th>"))
        #expect(rendered.contains("<td align=\"center\">输入 <em>特征</em></td>"))
        #expect(rendered.contains("<code>W[i|j]</code>"))
        #expect(rendered.contains("<p>正文。</p>"))
        #expect(!rendered.contains("| ---"))
    }
    static let smallTable = "<table>\n<thead>\n<tr>\n<th>a</th>\n<th align=\"right\">b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td><em>1</em></td>\n<td align=\"right\">2</td>\n</tr>\n</tbody>\n</table>\n"

    @Test(arguments: [
        // In a list item, below its first paragraph and as its first line.
        ("- Results:\n\n  | a | b |\n  |---|--:|\n  | *1* | 2 |\n", "<ul>\n<li>\n<p>Results:</p>\n"),
        ("1. | a | b |\n   |---|--:|\n   | *1* | 2 |\n", "<ol>\n<li>\n"),
        // In a block quote, in a list in a block quote, in a block quote in a list.
        ("> | a | b |\n> |---|--:|\n> | *1* | 2 |\n", "<blockquote>\n"),
        ("> - x\n>\n>   | a | b |\n>   |---|--:|\n>   | *1* | 2 |\n", "<blockquote>\n<ul>\n<li>\n<p>x</p>\n"),
        ("* > | a | b |\n  > |---|--:|\n  > | *1* | 2 |\n", "<ul>\n<li>\n<blockquote>\n"),
    ])
    func aTableInsideContainersIsATable(markdown: String, before: String) {
        let rendered = html(markdown)
        #expect(rendered.contains(before + Self.smallTable), "\(rendered)")
        #expect(!rendered.contains("|"))
    }

    @Test func aQuotedParagraphWithPipesButNoDelimiterStaysText() {
        #expect(html("> a | b\n> c | d\n") == "<blockquote>\n<p>a | b\nc | d</p>\n</blockquote>\n")
    }
}
