import Foundation

/// Everything the prose's references need: the target table, the references in token order, the
/// anchors, footnotes, d2l tabs, and — once `ReferenceFiles.load` has read them — the bibliography,
/// linked pages and downloads.
public struct References: Sendable {
    public var targets = TargetTable()
    /// In the order of their `xref` tokens.
    public var inline: [InlineReference] = []
    /// In the order of their `anchor` tokens.
    public var anchors: [Anchor] = []
    public var tabs: [ReferenceLines.Tab] = []
    public var footnotes: [ReferenceLines.Definition] = []
    /// The terms of the page's `{glossary}` blocks, in the order of their `term` tokens.
    public var glossary: [GlossaryTerm] = []
    /// Footnote numbers by name, in order of first reference.
    public var footnoteNumbers: [String: Int] = [:]
    /// d2l `:width:` by image source.
    public var imageWidths: [String: String] = [:]
    /// The page's BibTeX entries (nil: the page has none).
    public var bibliography: Bibliography?
    /// Entries cited, in order of first citation.
    public var cited: [String] = []
    /// `{doc}` and `{download}` resolved: by the index of their reference.
    public var files: [Int: LinkedFile] = [:]

    public init() {}

    /// A page or file a `{doc}` or `{download}` names.
    public struct LinkedFile: Sendable, Hashable {
        /// The `href`: the other page's `.html`, or a `data:` URI.
        public var href: String
        /// The other page's title (or the path's stem), or the file's name.
        public var title: String
    }

    /// The glossary term `text` names, letter case aside.
    public func term(_ text: String) -> GlossaryTerm? {
        let wanted = text.lowercased()
        return glossary.first { $0.text.lowercased() == wanted }
    }

    /// Whether a Quarto `@key` names a target or an entry (else it is text as written).
    public func quartoNames(_ reference: InlineReference) -> (target: Target?, entries: [BibEntry]) {
        let keys = reference.kind == .quarto(bracketed: true) ? RoleSyntax.quartoKeys(reference.target) : [reference.target]
        if keys.count == 1, let target = targets.target(keys[0]) { return (target, []) }
        let entries = keys.compactMap { bibliography?.entries[$0] }
        return (nil, entries.count == keys.count ? entries : [])
    }

    /// Quarto's cross-reference prefixes: `@fig-x` names a figure even when no target has it yet.
    static let quartoPrefixes: [(prefix: String, kind: Target.Kind, name: String)] = [
        ("fig-", .figure, "Figure"), ("tbl-", .table, "Table"), ("eq-", .equation, "Equation"), ("sec-", .section, "Section"),
        ("lst-", .code, "Listing"), ("thm-", .theorem, "Theorem"), ("lem-", .theorem, "Lemma"), ("cor-", .theorem, "Corollary"),
        ("prp-", .theorem, "Proposition"), ("cnj-", .theorem, "Conjecture"), ("def-", .theorem, "Definition"),
        ("exm-", .theorem, "Example"), ("exr-", .exercise, "Exercise"),
    ]
}
