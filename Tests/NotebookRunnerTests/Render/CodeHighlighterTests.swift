import Testing
@testable import NotebookRunner

/// Code blocks in prose are highlighted at render time: the spans each language's tokens get.
@Suite struct CodeHighlighterTests {
    func spans(_ code: String, _ language: String) -> [String] {
        let html = CodeHighlighter.highlight(code, as: CodeHighlighter.languages[language]!)
        var found: [String] = []
        var rest = html[...]
        while let open = rest.range(of: "<span class=\"hl-") {
            let kind = rest[open.upperBound...].prefix { $0 != "\"" }
            let text = rest[rest[open.upperBound...].firstIndex(of: ">")!...].dropFirst().prefix { $0 != "<" }
            found.append("\(kind):\(HTML.unescape(String(text)))")
            rest = rest[open.upperBound...]
        }
        return found
    }

    @Test func python() {
        let code = "@torch.no_grad()\ndef softmax(z):  # stable\n    e = np.exp(z - z.max())\n    return e / e.sum() if True else \"\"\"doc\"\"\"\n"
        #expect(spans(code, "python") == ["d:@torch", "w:def", "c:# stable", "w:return", "w:if", "n:True", "w:else", "s:\"\"\"doc\"\"\""])
    }

    @Test func swift() {
        let code = "@main struct App { // entry\n  let n = 42 /* block */ ; var s = \"a\\\"b\" }"
        #expect(spans(code, "swift") == ["d:@main", "w:struct", "c:// entry", "w:let", "n:42", "c:/* block */", "w:var", "s:\"a\\\"b\""])
    }

    @Test func cAndShell() {
        #expect(spans("#include <cblas.h>\nint main(void) { return 0; }", "c") == ["d:#include <cblas.h>", "w:int", "w:void", "w:return", "n:0"])
        #expect(spans("export DIR=\"$HOME/data\" # where\nnbrun render nb.md -o ${OUT}", "bash")
                == ["w:export", "s:\"$HOME/data\"", "c:# where", "w:nbrun", "v:${OUT}"])
    }

    @Test func jsonAndYaml() {
        #expect(spans("{\"lr\": 0.1, \"tags\": [\"a\"], \"ok\": true}", "json") == ["k:\"lr\"", "n:0.1", "k:\"tags\"", "s:\"a\"", "k:\"ok\"", "n:true"])
        #expect(spans("title: Softmax # the title\nseed: 0\ntags: [a, b]\nok: yes", "yaml")
                == ["k:title", "c:# the title", "k:seed", "n:0", "k:tags", "k:ok", "n:yes"])
    }

    @Test func blocksInTheReportAreHighlightedAndEscaped() throws {
        let html = CodeHighlighter.highlightBlocks(in: "<p>x</p>\n<pre><code class=\"language-python\">if a &lt; b:  # &amp;\n</code></pre>\n<pre><code class=\"language-text\">if</code></pre>")
        #expect(html.contains("<pre><code class=\"language-python\"><span class=\"hl-w\">if</span> a &lt; b:  <span class=\"hl-c\"># &amp;</span>\n</code></pre>"))
        #expect(html.contains("<pre><code class=\"language-text\">if</code></pre>"))
    }
}
