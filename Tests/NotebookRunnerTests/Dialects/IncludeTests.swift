import Foundation
import Testing
@testable import NotebookRunner

/// `{include}`: another Markdown file read as MyST prose of its own, from inside the project;
/// `{literalinclude}`: another file shown as code.
@Suite struct IncludeTests {
    @Test func anIncludedFileIsMySTProseWithItsMathBlocksRolesAndImages() throws {
        let page = try ReferencePage("""
            # Lecture

            ```{include} _admonition/gpu.md
            ```

            After.
            """, files: [
                "_admonition/gpu.md": """
                    # GPU note

                    ```{note}
                    Needs a GPU: $x^2$ and {kbd}`Ctrl` [^n].
                    ```

                    ```{include} ../shared/tail.md
                    ```

                    [^n]: A note.
                    """,
                "shared/tail.md": "Tail with {sub}`2` and ![dot](dot.svg).\n",
                "shared/dot.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"></svg>\n",
            ])
        #expect(page.main.contains("<h1 id=\"gpu-note\">\nGPU note\n</h1>"), "an included file keeps its heading")
        #expect(page.main.contains("<aside class=\"nb-admonition nb-note\">\n<p class=\"nb-block-title\">Note</p>\n<p>Needs a GPU: <math"))
        #expect(page.main.contains("<kbd>Ctrl</kbd>"))
        #expect(page.main.contains("<p>Tail with <sub>2</sub> and <img"), "a nested include, its image from its own folder")
        #expect(!page.main.contains("```") && !page.main.contains("{note}") && !page.main.contains("$x^2$"))
        #expect(page.main.range(of: "Tail with")!.lowerBound < page.main.range(of: "<p>After.</p>")!.lowerBound)
        #expect(page.main.contains("<li id=\"fn-n\"><p>A note."), "its footnotes after it")
        #expect(page.diagnostics.filter { $0.severity == .error }.isEmpty, "\(page.diagnostics)")
    }

    @Test func problemsInAnIncludedFileNameItAndItsOwnLines() throws {
        let page = try ReferencePage("Text.\n\n```{include} parts/bad.md\n```\n", files: [
            "parts/bad.md": "Line one.\n\n```{exercise-start}\n```\n\nNever ended. {ref}`nowhere`\n\n```{load} mnist\n```\n",
        ])
        let lines = page.diagnostics.map(\.headline)
        #expect(lines.contains("parts/bad.md:3:1: error: {exercise-start} is never closed"), "\(lines)")
        #expect(lines.contains("parts/bad.md:6:20: warning: unknown label 'nowhere'"), "\(lines)")
        #expect(lines.contains("parts/bad.md:8:1: error: {load} in an {include}d file is not run: included files are prose"), "\(lines)")
    }

    @Test func includesStayInsideTheProjectFolderAndDoNotLoop() throws {
        let page = try ReferencePage("""
            ```{include} ../outside.md
            ```

            ```{include} /shared/a.md
            ```

            ```{include} missing.md
            ```
            """, name: "book/page.md", files: [
                "book/_config.yml": "title: Book\n",
                "book/shared/a.md": "A includes B.\n\n```{include} b.md\n```\n",
                "book/shared/b.md": "B includes A.\n\n```{include} a.md\n```\n",
                "outside.md": "SECRET\n",
            ])
        let errors = page.diagnostics.filter { $0.severity == .error }.map(\.headline)
        #expect(errors.contains { $0.hasPrefix("book/page.md:1:14: error: {include} '../outside.md' is outside the project folder") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("book/shared/b.md:3:14: error: {include} 'a.md' includes itself") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("book/page.md:7:14: error: {include} file 'missing.md' not found") }, "\(errors)")
        #expect(!page.main.contains("SECRET"))
        #expect(page.main.contains("<p>A includes B.</p>") && page.main.contains("<p>B includes A.</p>"))
    }

    @Test func literalIncludeShowsAFileOrPartOfItAsCode() throws {
        let code = "import numpy as np\n# begin\ndef f(x):\n    return x + 1\n# end\nprint(f(1))\n"
        let page = try ReferencePage("""
            ```{literalinclude} code/f.py
            :start-after: # begin
            :end-before: # end
            :caption: The function
            ```

            ```{literalinclude} code/f.py
            :lines: 1,6
            ```

            ```{literalinclude} /etc/hostname
            ```
            """, files: ["code/f.py": code])
        #expect(page.main.contains("The function"))
        #expect(page.main.contains("def</span>") || page.main.contains(">def<"))
        #expect(!page.main.contains("# begin") && page.main.contains("print"))
        #expect(page.main.components(separatedBy: "nb-code-cell").count >= 3)
        #expect(page.diagnostics.contains { $0.severity == .error && $0.headline.hasPrefix("page.md:11:21: error: {literalinclude} file '/etc/hostname'") }
                || page.diagnostics.contains { $0.headline.contains("'/etc/hostname'") }, "\(page.diagnostics.map(\.headline))")
        #expect(LiteralInclude.select(code.split(separator: "\n").map(String.init), ["lines": "2-3", "dedent": ""]) == ["# begin", "def f(x):"])
        #expect(LiteralInclude.select(["  a", "    b"], ["dedent": ""]) == ["a", "  b"])
    }

    @Test func downloadsComeFromInsideTheProjectFolder() throws {
        let page = try ReferencePage("Get {download}`../secret.txt`, {download}`/data/x.csv` and {download}`big.bin`.\n",
                                     name: "book/page.md", files: [
            "book/myst.yml": "project: {}\n", "secret.txt": "SECRET\n", "book/data/x.csv": "a\n",
            "book/big.bin": String(repeating: "x", count: ReferenceFiles.maxDownloadBytes + 1),
        ])
        #expect(page.main.contains("<a class=\"nb-ref nb-ref-download\" href=\"data:text/plain;base64,YQo=\" download=\"x.csv\">x.csv</a>"))
        #expect(!page.main.contains("U0VDUkVU"), "the file outside is not embedded")
        #expect(page.warnings.contains { $0.hasPrefix("book/page.md:1:16: warning: {download} file '../secret.txt' is outside the project folder") }, "\(page.warnings)")
        #expect(page.warnings.contains { $0.hasPrefix("book/page.md:1:71: warning: {download} file 'big.bin' is 2097153 bytes") }, "\(page.warnings)")
    }
}
