import Foundation

/// A parsed notebook: front matter, prose with math and roles set aside, and its cells.
///
/// `prose` is the Markdown cmark renders: every directive cell, math span, inline role,
/// `{eq}` role and prose-level block fence is replaced by a `Placeholder` token (a cell's
/// and a fence's as a paragraph of its own), so the renderer can put the real content back.
public struct Notebook: Sendable {
    /// The path as given on the command line; diagnostics name it.
    public var file: String
    /// The file name without its extension, e.g. `softmax-regression`.
    public var name: String
    public var frontMatter: FrontMatter
    public var cells: [Cell]
    public var math: [MathSpan]
    public var roles: [InlineRole]
    public var prose: String
    /// Warnings found while parsing (duplicate options, …).
    public var warnings: [Diagnostic]
    /// Numbered equations and the references to them.
    public var equations: EquationTable
    /// Exercises, solutions and admonitions, in document order.
    public var blocks: [ProseBlock]
    /// Errors that do not stop the run: unknown or duplicate equation labels, a solution to no exercise,
    /// an image that cannot be embedded.
    public var errors: [Diagnostic]
    /// The prose's images (`![alt](img/net.png)`), in document order.
    public var images: [ProseImage] = []
    /// Targets, cross-references, citations and footnotes of the prose.
    public var references = References()
    /// Code of other dialects (`{code-cell}`, ```` ```{python} ````, `{.python .input}`), shown and not run.
    public var codeCells: [CodeCell] = []
    /// What stands in a directive's place (`{raw} html`, `{include}`, `{bibliography}`).
    public var inserts: [ProseInsert] = []
    /// The first `# Heading`, taken out of the body as the page's title when the front matter has none.
    public var headingTitle: String?
    /// The files `{include}` brought in, each parsed as prose of its own (`ProseInsert.included`).
    public var includes: [Notebook] = []
    /// The folder the notebook's relative paths start at (images, `{doc}`, `{download}`), when parsed from a file.
    public var folder: URL?
    /// An included file's page's project folder, where `/paths` start (nil: found above `folder`).
    var projectFolder: URL?
    /// The layouts of the page's `{list-table}`s (widths, header rows, row headings, placement).
    var tableLayouts: [ListTable.Layout] = []
    /// Where `{bibliography}` directives stood (the place a citation renderer lists references).
    public var bibliographies: [SourceLocation] = []

    public init(file: String, name: String, frontMatter: FrontMatter, cells: [Cell], math: [MathSpan],
                roles: [InlineRole], prose: String, warnings: [Diagnostic], equations: EquationTable = EquationTable(),
                blocks: [ProseBlock] = [], errors: [Diagnostic] = []) {
        self.equations = equations
        self.blocks = blocks
        self.errors = errors
        self.file = file
        self.name = name
        self.frontMatter = frontMatter
        self.cells = cells
        self.math = math
        self.roles = roles
        self.prose = prose
        self.warnings = warnings
    }

    /// The title from the front matter, else the first `# Heading`, else the file name.
    public var title: String { frontMatter.title ?? headingTitle ?? name }
}
