import Foundation
import Testing
@testable import NotebookRunner

/// Shapes real book pages take that a page of its own does not.
@Suite struct BookPageTests {
    func parse(_ text: String) throws -> Notebook {
        try NotebookParser.parse(SourceText(file: "nb.md", text: text), directives: DirectiveRegistry.standard.names)
    }

    /// mystmd's docs/website-downloads.md: a code block left open inside a colon fence, closed by
    /// a fence further down; MyST ends it at the colon fence's closing line.
    @Test func aCodeFenceLeftOpenInAColonFenceEndsAtItsClosingLine() throws {
        let notebook = try parse("""
            :::{note} Example
            :class: dropdown
            ```{code-block} yaml
            jobs: 1

            :::

            ## After

            ```yaml
            downloads: []
            ```
            """)
        #expect(notebook.errors.isEmpty, "\(notebook.errors)")
        #expect(notebook.blocks.map(\.name) == ["note"])
        #expect(notebook.codeCells.map(\.code) == ["jobs: 1"])
        #expect(notebook.prose.contains("## After\n\n```yaml\ndownloads: []\n```"))
        // A closing line with fewer colons than the fence is the code's (MyST's rule).
        let inner = try parse("::::{tab-item} Markdown\n```markdown\n:::{note}\nx\n:::\n```\n::::\n")
        #expect(inner.errors.isEmpty && inner.blocks.map(\.name) == ["tab-item"])
        #expect(inner.prose.contains("```markdown\n:::{note}\nx\n:::\n```"))
    }

    /// Jupyter Book shares labels across a book: a page's `{eq}` may name another page's equation.
    @Test func anEquationOfAnotherPageOfTheBookIsAWarningThere() throws {
        let book = try parse("---\njupytext:\n  text_representation: {extension: .md}\n---\nAs {eq}`utility-functional` says.\n\n$$ u = 1 $$ (utility)\n")
        #expect(book.errors.isEmpty)
        #expect(book.warnings.map(\.headline).contains("nb.md:5:9: warning: unknown equation label 'utility-functional'"))
        #expect(book.warnings.first { $0.message.hasPrefix("unknown equation") }?.hint?.hasPrefix("it may be on another page of the book") == true)
        // nbrun's own page keeps the error.
        let own = try parse("As {eq}`utility-functional` says.\n\n$$ u = 1 $$ (utility)\n")
        #expect(own.errors.map(\.headline) == ["nb.md:1:9: error: unknown equation label 'utility-functional'"])
    }
}
