extension ReportStyle {
    /// The blocks of other dialects' pages: dropdowns, cards, asides, epigraphs, figures,
    /// theorems, tabs, unknown directives and code shown without running; light, dark and print.
    static let blocksCSS = """
    :root { --caution: #c0392b; }
    @media (prefers-color-scheme: dark) { :root { --caution: #ff7b6b; } }
    .nb-admonition.nb-caution { border-left-color: var(--caution); background: var(--warn-bg); } .nb-admonition.nb-caution > .nb-block-title { color: var(--caution); }
    details.nb-admonition.nb-caution > summary { color: var(--caution); }
    details.nb-admonition > summary { cursor: pointer; margin: .5rem 0 .3rem; }
    details.nb-admonition.nb-tip > summary { color: var(--tip); } details.nb-admonition.nb-warning > summary { color: var(--warning); }
    details.nb-admonition.nb-important > summary { color: var(--important); } details.nb-admonition.nb-note > summary { color: var(--note); }
    .nb-box { border: 1px solid var(--border); border-radius: 6px; padding: .1rem 1rem .3rem; margin: 1.2rem 0; background: var(--panel); }
    .nb-box.nb-unknown { border-style: dashed; }
    .nb-box.nb-tab { border-top: 3px solid var(--accent); }
    .nb-aside { float: right; clear: right; width: 36%; margin: .2rem 0 .8rem 1.2rem; padding: .1rem .8rem; font-size: .9em; border-left: 3px solid var(--border); }
    .nb-epigraph { margin: 1.2rem 2.5rem; font-style: italic; color: var(--muted); }
    .nb-theorem { border: 1px solid var(--border); border-left: 4px solid var(--important); border-radius: 6px; padding: .1rem 1rem .3rem; margin: 1.2rem 0; }
    .nb-theorem > .nb-block-title { color: var(--important); }
    .nb-theorem.nb-proof { border-left-color: var(--border); }
    .nb-theorem.nb-proof::after { content: "∎"; display: block; text-align: right; }
    .nb-figure { margin: 1.2rem 0; text-align: center; }
    .nb-figure img { max-width: 100%; height: auto; }
    .nb-figure.nb-align-left { text-align: left; } .nb-figure.nb-align-right { text-align: right; }
    .nb-figure figcaption { font-size: .92em; color: var(--muted); margin-top: .4rem; }
    .nb-figure figcaption > p { display: inline; margin: 0; }
    .nb-figure-number, .nb-table-number { font-weight: 600; color: var(--fg); }
    .nb-table-block { margin: 1rem 0; }
    .nb-table-block > figcaption { font-size: .92em; color: var(--muted); margin-bottom: .3rem; }
    .nb-code-cell { margin: 1rem 0; position: relative; }
    .nb-code-cell > figcaption { font: 600 .85rem system-ui, sans-serif; color: var(--muted); margin-bottom: .2rem; }
    .nb-code-language { position: absolute; right: .5rem; font: .7rem system-ui, sans-serif; color: var(--muted); padding-top: .25rem; }
    .nb-line { display: block; } .nb-line-emphasized { background: var(--warn-bg); }
    .nb-line-number { display: inline-block; width: 2.2em; margin-right: .8em; text-align: right; color: var(--muted); user-select: none; }
    .nb-code-summary { color: var(--muted); }
    .nb-list-table.nb-align-center { margin-left: auto; margin-right: auto; } .nb-list-table.nb-align-right { margin-left: auto; }
    .nb-list-table.nb-colwidths-given { table-layout: fixed; } .nb-list-table > caption { font-weight: 600; margin-bottom: .3rem; }
    .nb-glossary dt { font-weight: 600; margin-top: .6rem; } .nb-glossary dd { margin-left: 1.5rem; } .nb-glossary dd > p { margin: .2rem 0; }
    @media print {
      .nb-box, .nb-theorem, .nb-figure, .nb-code-cell { break-inside: avoid; }
      .nb-aside { float: none; width: auto; }
    }
    """
}
