/// A label written in the prose that puts an id on the page: MyST's `(label)=` line, d2l's
/// `:label:`x`` after a figure or heading, Quarto's `{#fig-x}` after an image or `{#sec-x}` on a heading.
/// Its `Placeholder.Kind.anchor` token marks where the id goes; the parser decides what it names.
public struct Anchor: Sendable, Hashable {
    /// What the label is written next to.
    public enum Placement: Sendable, Hashable {
        /// `(label)=`: the block on the next line.
        case next
        /// d2l `:label:`: the block on the line(s) before.
        case previous
        /// Quarto `{#…}`: the image or heading on the same line.
        case sameLine
    }

    public var label: String
    public var placement: Placement
    public var location: SourceLocation
    /// Worked out by the parser: what the label names (a heading, a figure, …) and its caption.
    public var kind: Target.Kind = .generic
    /// An image's caption shown under it as "Figure 3: caption" (d2l and Quarto figures and tables).
    public var showsCaption = false
    /// What `{ref}` shows when the label itself says it (an `{index}` entry's text).
    public var title: String? = nil
    /// The label is also the `:label:` (`:name:`) of the block it stands before: one target, whose
    /// id the block carries, so the anchor registers nothing and puts no id on the page.
    public var namesLabelledBlock = false
}

extension InlineReference.Kind {
    /// The kind of reference a MyST role name makes; nil for roles handled elsewhere (`{eq}`, `{eval}`, `{math}`).
    static func myst(_ name: String) -> Self? {
        switch name {
        case "ref": .ref
        case "numref": .numref
        case "prf:ref": .prfRef
        case "doc": .doc
        case "download": .download
        case "term": .term
        case "cite", "cite:p", "cite:alp", "cite:year", "cite:yearpar", "cite:empty", "cite:label", "cite:cite": .cite(.parenthetical)
        case "cite:t", "cite:author", "cite:authorpar", "cite:text": .cite(.textual)
        case "cite:ps", "cite:alps": .cite(.parentheticalFull)
        case "cite:ts": .cite(.textualFull)
        case "kbd", "sub", "sup", "abbr": .element(name)
        case "subscript": .element("sub")
        case "superscript": .element("sup")
        case "strong": .element("strong")
        case "emphasis", "dfn": .element("em")
        case "code", "file", "command", "samp", "literal", "envvar", "program", "option", "mimetype", "regexp", "makevar":
            .code
        case "eq", "eval", "math": nil
        default: .plain(role: name)
        }
    }

    /// The kind of reference a d2l role name makes; nil for those the scanner handles itself.
    static func d2l(_ name: String) -> Self? {
        switch name {
        case "numref", "ref": .numref
        case "cite", "citep": .cite(.parenthetical)
        case "citet": .cite(.textual)
        case "width", "height", "begin_tab", "end_tab": .hidden
        default: nil
        }
    }

    /// Roles whose text is shown plainly on purpose (no warning).
    static let quietPlainRoles: Set<String> = ["index", "guilabel", "menuselection", "pep", "rfc", "title-reference", "raw-html", "manpage"]
}
