/// How nbrun reads the pages of other teaching dialects — MyST / Jupyter Book, Quarto, d2l —
/// so that they render unchanged. One declaration: the parser dispatches on `directives`,
/// the front-matter check reads `frontMatterKeys`, and `docs/compatibility.md` is generated
/// from `markdown` (a test compares the two).
///
/// nbrun's own directives (`{load}`, `{train}`, …) are not listed: they run, and keep their
/// strict checks. A name that is neither nbrun's nor listed here is shown as a titled box
/// with its body as Markdown (one warning per name and page) — unless it is near one of
/// nbrun's names (`{gradchek}`), which stays an error with a did-you-mean.
public enum Compatibility {
    /// What becomes of a directive.
    public enum Treatment: Sendable, Hashable {
        /// The body is Markdown (prose, math, cells) shown inside a block of this kind.
        case block(ProseBlock.Kind)
        /// The opening or closing half of a gated block (`{exercise-start}` … `{exercise-end}`).
        case gated(ProseBlock.Kind, opens: Bool)
        /// Highlighted code, shown and not run (a `CodeCell`).
        case code
        /// Display math: blank-line-separated equations each set on their own.
        case math
        /// HTML passed to the page (`{raw} html`); other formats are dropped.
        case raw
        /// A bullet list of rows turned into a table.
        case listTable
        /// Another file's Markdown shown in its place.
        case include
        /// Another file's text shown as code.
        case literalInclude
        /// Understood and left out of the page.
        case dropped
    }

    /// One row of the table: the names, what nbrun does, and how the page shows it.
    public struct Entry: Sendable {
        public var names: [String]
        public var treatment: Treatment
        public var rendering: String
    }

    /// Admonition kinds, each with its title when the author gives none.
    public static let admonitions: [(name: String, title: String)] = [
        ("note", "Note"), ("tip", "Tip"), ("hint", "Hint"), ("important", "Important"), ("warning", "Warning"),
        ("caution", "Caution"), ("attention", "Attention"), ("danger", "Danger"), ("error", "Error"),
        ("seealso", "See also"), ("admonition", ""),
    ]

    /// Quarto callout kinds (`::: {.callout-note}`), shown as the admonition of the same name.
    public static let callouts = ["note", "tip", "warning", "important", "caution"]

    /// `sphinx-proof` / MyST `prf:` kinds, each numbered on its own.
    public static let proofKinds = ["theorem", "lemma", "definition", "proof", "proposition", "corollary", "algorithm",
                                    "assumption", "axiom", "conjecture", "criterion", "example", "remark",
                                    "observation", "property"]

    public static let directives: [Entry] = [
        Entry(names: admonitions.map(\.name) + callouts.map { "callout-" + $0 }, treatment: .block(.admonition),
              rendering: "a coloured box titled with the argument or the kind; `:class: dropdown` makes it a collapsed `<details>`"),
        Entry(names: ["dropdown"], treatment: .block(.dropdown), rendering: "a collapsed `<details>` titled with the argument (`:open:` opens it)"),
        Entry(names: ["card", "grid-item-card"], treatment: .block(.card), rendering: "a bordered card titled with the argument"),
        Entry(names: ["aside", "margin", "sidebar"], treatment: .block(.aside), rendering: "a narrow box floated to the right"),
        Entry(names: ["epigraph", "pull-quote", "highlights", "blockquote"], treatment: .block(.epigraph), rendering: "an indented quotation"),
        Entry(names: ["figure"], treatment: .block(.figure),
              rendering: "the image (embedded as prose images are; `:width:`, `:align:`, `:alt:`, `:name:`) with its body as the caption, numbered \"Figure N\""),
        Entry(names: ["table"], treatment: .block(.table),
              rendering: "its Markdown table under the argument as caption; with `:name:` or `:label:` numbered \"Table N\" (with labelled `{list-table}`s, d2l and Quarto tables)"),
        Entry(names: ["image"], treatment: .block(.image), rendering: "the image, embedded; `:width:`, `:align:`, `:alt:`"),
        Entry(names: proofKinds.map { "prf:" + $0 }, treatment: .block(.theorem),
              rendering: "a box titled \"Theorem N (argument)\", numbered per kind (`{prf:proof}`: \"Proof.\", not numbered); `:label:` anchors it"),
        Entry(names: ["exercise"], treatment: .block(.exercise),
              rendering: "\"Exercise N\" with `:label:`; `:nonumber:` or `:enumerated: false` leaves the number out; `:hidden:` keeps the number but not the text"),
        Entry(names: ["solution"], treatment: .block(.solution),
              rendering: "collapsed \"Solution to Exercise N\" (`:label:` makes it a target of that title); `--student` leaves it out"),
        Entry(names: ["exercise-start"], treatment: .gated(.exercise, opens: true),
              rendering: "opens an exercise: everything up to `{exercise-end}` is its text"),
        Entry(names: ["exercise-end"], treatment: .gated(.exercise, opens: false), rendering: "closes the exercise"),
        Entry(names: ["solution-start"], treatment: .gated(.solution, opens: true),
              rendering: "opens a solution up to `{solution-end}`; `--student` leaves all of it out"),
        Entry(names: ["solution-end"], treatment: .gated(.solution, opens: false), rendering: "closes the solution"),
        Entry(names: ["tab-set", "grid", "only", "div", "container", "cssclass", "rst-class"], treatment: .block(.group),
              rendering: "its content, in order (no box)"),
        Entry(names: ["tab-item"], treatment: .block(.tab), rendering: "a titled panel; every tab of a set is shown, in order"),
        Entry(names: ["glossary"], treatment: .block(.glossary),
              rendering: "a definition list: terms at the left edge, each definition indented under its terms; `{term}` links to them"),
        Entry(names: ["code-cell", "code-block", "code", "sourcecode", "ipython", "ipython3", "literalinclude-code",
                      "python", "r", "julia", "ojs", "bash", "sql", "mermaid", "dot", "graphviz"], treatment: .code,
              rendering: "highlighted code with its language, not run (`:caption:`, `:linenos:`, `:emphasize-lines:`); one line per page counts them; with `:name:` or `:label:` a target numbered \"Listing N\" (Quarto's `#| label: fig-x` a figure, captioned by `fig-cap`)"),
        Entry(names: ["math"], treatment: .math, rendering: "display math; blank-line-separated equations are set one by one; `:label:` numbers the first"),
        Entry(names: ["raw"], treatment: .raw, rendering: "`{raw} html`: the HTML, through the page's filter (`<meta>` shown as text); other formats left out"),
        Entry(names: ["list-table"], treatment: .listTable,
              rendering: "a table titled with the argument (with `:name:` or `:label:` numbered \"Table N\"), each cell Markdown as a list item is (code, math, lists, directives and their targets, tables): `:header-rows:` (any number), `:stub-columns:` (row headings), `:widths:` (numbers or `auto`), `:align:`, `:width:`"),
        Entry(names: ["include"], treatment: .include,
              rendering: "the file's MyST Markdown (math, roles, directives, references of its own), relative to the page (`/` starts at the project folder) and inside the project folder; its problems name the file and its own lines; nbrun cells in it are errors, not run"),
        Entry(names: ["literalinclude"], treatment: .literalInclude,
              rendering: "the file's text as highlighted code, not run (`:language:` or the extension, `:lines:`, `:start-after:`, `:end-before:`, `:start-at:`, `:end-at:`, `:dedent:`, `:caption:`, `:linenos:`, `:emphasize-lines:`); inside the project folder"),
        Entry(names: ["index"], treatment: .dropped,
              rendering: "left out of the text (the page has no index); with `:name:` a target at its place, which `{ref}` shows by the entry's text"),
        Entry(names: ["contents", "toctree", "tableofcontents", "bibliography", "footbibliography", "rubric-hidden"],
              treatment: .dropped, rendering: "left out (the page has its own table of contents); the reference list of the page's citations stands where the first `{bibliography}` is"),
    ]

    /// Front-matter keys other tools use; nbrun keeps them in the run record and says nothing.
    public static let frontMatterKeys: Set<String> = [
        "jupytext", "kernelspec", "jupyter", "numbering", "exports", "aliases", "format", "execute", "bibliography",
        "math", "abbreviations", "subject", "subtitle", "short_title", "description", "keywords", "license", "github", "kernel",
        "open_access", "doi", "venue", "biblio", "thumbnail", "banner", "site", "project", "downloads", "editor",
        "engine", "knitr", "filters", "toc", "toc-depth", "number-sections", "code-fold", "html-math-method", "image",
        "categories", "draft", "search", "page-layout", "sidebar", "params", "lightbox", "callout-appearance", "format-links",
        "listing", "order", "weight", "slug", "layout", "jupyter_book", "myst", "mystnb", "file_format", "kernel_info",
        "source_map", "affiliations", "copyright", "funding", "parts", "references", "anchor-sections",
    ]

    /// Front-matter keys that make a page one of another tool's book (with code cells of another
    /// dialect, they say so too): there labels are shared by the whole book, so an `{eq}` label the
    /// page lacks may be on another page — a warning, not nbrun's error.
    public static let bookFrontMatterKeys: Set<String> = [
        "jupytext", "kernelspec", "jupyter", "myst", "mystnb", "jupyter_book", "format", "execute", "numbering", "exports",
        "kernel_info", "file_format",
    ]

    /// Options the blocks of this table read or may ignore without a word (MyST's common ones).
    public static let blockOptions: Set<String> = [
        "label", "name", "class", "nonumber", "hidden", "enumerated", "open", "title", "width", "align", "alt", "height",
        "scale", "target", "figwidth", "figclass", "header-rows", "stub-columns", "widths", "sync", "selected", "margin",
        "link", "link-type", "img-top", "img-bottom", "shadow", "class-card", "class-body", "class-title", "class-header",
        "class-container", "class-item", "class-label", "class-content", "icon", "color", "animate", "chevron", "attribution",
        "loading", "caption", "number", "tags", "figure-name", "force", "literal", "start-line", "end-line", "start-after",
        "end-before", "parser", "heading-offset",
    ]

    /// The entry for a directive `name`, if another dialect's.
    public static func entry(named name: String) -> Entry? {
        index[name.lowercased()].map { directives[$0] }
    }

    private static let index: [String: Int] = {
        var map: [String: Int] = [:]
        for (position, entry) in directives.enumerated() {
            for name in entry.names where map[name] == nil { map[name] = position }
        }
        return map
    }()

    /// Constructs that are not directives, each with what nbrun does.
    public static let syntax: [(construct: String, rendering: String)] = [
        ("front matter holding lists or mappings (`jupytext:`, `kernelspec:`, `numbering:`, …)",
         "nbrun's own keys keep their checks; the keys MyST, Quarto and Jupyter use are kept in the run record; any other key gets one warning with a did-you-mean"),
        ("```` ```{.python .input n=1} ```` (pandoc attributes, d2l)", "code in the first class's language, not run"),
        ("```` ```{python} ```` with `#|` option lines (Quarto)", "code, not run; the `#|` lines are left out"),
        ("```` ```{prf:theorem} Title ```` (a name with a colon)", "read as the directive `prf:theorem`"),
        ("`:::{name} … :::` (MyST colon fence, more colons outside)", "the same as the backtick fence of that directive"),
        ("`::: {.callout-note}` (Quarto; also tip, warning, important, caution)",
         "an admonition of that kind, each with its colour; `title=\"…\"` or else a first `#` heading inside is its title; `collapse=\"true\"` makes it a collapsed `<details>` (`\"false\"`: open)"),
        ("`::: {.any-class}` / `::: {#id}` (pandoc div)", "its content, no box"),
        ("fences inside `>` quotes and list items", "read as at the top level"),
        ("`% comment` lines (MyST)", "left out"),
        ("`+++` cell breaks (Jupytext MyST notebooks)", "left out"),
        ("`(label)=` targets (MyST); `{#sec-x}` on a heading, `{#fig-x}` after an image (Quarto); d2l `:label:`x`` after a heading, image or table",
         "the heading, figure or table is the target of references, numbered per kind (docs/references.md)"),
        ("`` {ref}`label` ``, `` {numref}`label` `` (`%s`, `{number}`, `{name}` templates), `` {prf:ref}` ``, `[](#label)`, `[text](#label)`",
         "a link showing the target's title or \"Figure 3\"; an unknown label is a located warning with a did-you-mean"),
        ("`` {doc}`path` ``, `` {download}`file` ``",
         "a link to the other page's `.html` titled with its title; the file (beside the page, or `/` from the project folder; inside it; at most 2 MiB) embedded as a `data:` link — missing, outside or too big: a located warning and its name"),
        ("`` {cite}` ``, `` {cite:t}` ``, `` {cite:p}` ``, `{cite:ps}`, `{cite:ts}`; d2l `:cite:`, `:citet:`; Quarto `[@key]`, `@key`",
         "author–year text (`{cite:t}` \"Smith and Jones (2020)\", `{cite}`/`{cite:p}` \"(Smith and Jones, 2020)\", works of the same authors in a row share their names, the same authors and year get 2020a, 2020b) linked to a reference list where `{bibliography}` stands, else at the end, from the page's BibTeX files"),
        ("`[^note]` footnotes", "numbered by first reference, listed at the end with links back"),
        ("`` {term}`text` `` (and `` {term}`shown <term>` ``)", "a link to the term in the page's `{glossary}`; an unknown term is a located warning with a did-you-mean"),
        ("`` {kbd}` ``, `` {sub}` ``, `` {sup}` ``, `` {abbr}` ``, `` {math}` ``, `` {code}` ``, `` {index}` ``", "`<kbd>`, `<sub>`, `<sup>`, `<abbr title>`, math, code, the text"),
        ("any other role `` {name}`text` ``", "its text, one warning per role name per page"),
        ("d2l `:numref:`, `:eqref:`, `:eqlabel:`, `:width:`, `:begin_tab:` … `:end_tab:`", "links, equation labels, the image's width, every tab shown with its framework's name"),
        ("Quarto `@fig-x`, `@eq-x`, `@sec-x`, `$$ … $$ {#eq-x}`", "\"Figure 1\", \"Equation 1\", \"Section 2\" linked to their targets"),
        ("a first `# Heading` and no `title:`", "the page's title, not repeated in the body"),
        ("`` {eq}`label` `` naming a label the page lacks, on a page of another tool's book (front matter `jupytext:`, `kernelspec:`, … or code cells of another dialect)",
         "a located warning with a did-you-mean (the label may be on another page of the book); on nbrun's own pages an error, as before"),
        ("an unknown directive `{name}`", "its body as Markdown in a box titled with the name; one warning per name per page"),
        ("an unknown option on a directive of this table", "ignored, one warning per option name per page"),
        ("a name near one of nbrun's directives (`{gradchek}`)", "an error with a did-you-mean, as before"),
    ]

    /// The lines around the generated part of `docs/compatibility.md`.
    public static let docsBegin = "<!-- generated from Compatibility.swift: NBRUN_RECORD_DOCS=1 swift test --filter docs -->"
    public static let docsEnd = "<!-- end of generated part -->"

    /// The table of `docs/compatibility.md`, generated from this declaration.
    public static var markdown: String {
        var text = "| directive | how nbrun shows it |\n| --- | --- |\n"
        for entry in directives {
            let names = entry.names.map { "`{\($0)}`" }.joined(separator: " ")
            text += "| \(names) | \(entry.rendering) |\n"
        }
        text += "\n| construct | how nbrun reads it |\n| --- | --- |\n"
        for item in syntax { text += "| \(item.construct) | \(item.rendering) |\n" }
        text += "\nFront-matter keys kept in the run record without a warning: "
            + frontMatterKeys.sorted().map { "`\($0)`" }.joined(separator: ", ") + ".\n"
        return text
    }
}
