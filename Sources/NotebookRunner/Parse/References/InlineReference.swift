import Foundation

/// A role, cross-reference, citation or footnote mark of the prose, set aside by the scanner as a
/// `Placeholder.Kind.xref` token and rendered by `ReferenceRenderer`.
///
///     myst    := "{" name "}" "`" content "`"        -- ref numref prf:ref doc cite cite:t cite:p cite:ps cite:ts
///                                                    -- term kbd sub sup abbr download index, any other name
///     content := text | text "<" label ">"            -- explicit text, e.g. {ref}`the proof <prf-main>`
///     link    := "[" text "](#" label ")"             -- text may be empty: the target's title or number fills it
///     d2l     := ":" name ":" "`" content "`" | ":end_tab:"   -- numref label eqref eqlabel cite citet citep width begin_tab
///     quarto  := "@" label | "[" "@" key { ";" "@" key } "]"
///     note    := "[^" name "]"                        -- a footnote; its text is a line "[^name]: text"
public struct InlineReference: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// `{ref}`: the target's title (or explicit text).
        case ref
        /// `{numref}`, d2l `:numref:`: "Figure 3", or the explicit template with `%s`/`{number}`/`{name}`.
        case numref
        /// `{prf:ref}`: "Theorem 2" or the explicit text.
        case prfRef
        /// `[text](#label)`: `text` may be empty.
        case link(text: String)
        /// Quarto `@key` or `[@key; @other]`: a cross-reference ("Figure 3") when a target has the
        /// label, a citation when the bibliography has the key, else the text as written.
        case quarto(bracketed: Bool)
        /// `{doc}`: a link to the other page's `.html`.
        case doc
        /// `{download}`: the file as a `data:` link.
        case download
        /// `{cite}`, `{cite:t}`, `:cite:`, `[@key]`: keys in `keys`.
        case cite(CitationStyle)
        /// `[^name]`.
        case footnote
        /// `{term}`.
        case term
        /// `{kbd}`, `{sub}`, `{sup}`, `{abbr}`: an HTML element around the text.
        case element(String)
        /// `{code}`, `{file}`, `{command}`, `{samp}`: the text as code.
        case code
        /// `{index}`, `{guilabel}`, an unknown role (with its name): the text, plainly.
        case plain(role: String)
        /// d2l `:label:` / `:eqlabel:` on a line after a figure or heading: an anchor (and caption).
        case anchor
        /// d2l `:width:` after an image: nothing shown (the image takes the width).
        case hidden
    }

    public var kind: Kind
    /// The label, key list, path or text the role names.
    public var target: String
    /// The explicit text (`text <label>`), or nil.
    public var text: String?
    /// Where the role starts (its `{` or `:`, `[` or `@`).
    public var location: SourceLocation
    /// Where `target` is written (for located diagnostics).
    public var targetLocation: SourceLocation
    /// The source as written, shown when nothing better can be (a Quarto `@word` that names nothing).
    public var source: String

    /// The citation keys of a `cite` reference.
    public var keys: [String] {
        target.split(whereSeparator: { $0 == "," || $0 == ";" }).map {
            $0.trimmingCharacters(in: .whitespaces).trimmingPrefix("@")
        }.filter { !$0.isEmpty }
    }
}

/// How a citation reads: author–year, in the text or in parentheses.
public enum CitationStyle: String, Sendable, Hashable {
    /// "Goodfellow et al. (2016)": `{cite:t}`, `:citet:`, Quarto `@key`.
    case textual
    /// "(Goodfellow et al., 2016)": `{cite}`, `{cite:p}`, `:cite:`, Quarto `[@key]`.
    case parenthetical
    /// Every author named: `{cite:ts}`.
    case textualFull
    /// `{cite:ps}`.
    case parentheticalFull
}

extension String {
    /// The string without one leading `prefix`.
    func trimmingPrefix(_ prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }
}
