/// A parsed notebook: front matter, prose with math and roles set aside, and its cells.
///
/// `prose` is the Markdown cmark renders: every directive cell is replaced by a
/// paragraph `NBRUNCELL<i>X`, every math span by `NBRUNMATH<i>X`, every inline
/// role by `NBRUNEVAL<i>X`, so the renderer can put the real content back.
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

    public init(file: String, name: String, frontMatter: FrontMatter, cells: [Cell], math: [MathSpan],
                roles: [InlineRole], prose: String, warnings: [Diagnostic]) {
        self.file = file
        self.name = name
        self.frontMatter = frontMatter
        self.cells = cells
        self.math = math
        self.roles = roles
        self.prose = prose
        self.warnings = warnings
    }

    /// The title from the front matter, else the file name.
    public var title: String { frontMatter.title ?? name }

    static let cellPrefix = "NBRUNCELL"
}
