extension ReportStyle {
    /// Cross-references, figure captions, d2l tabs, footnotes and the reference list, through the
    /// page's colour variables (light, dark and print alike).
    static let referencesCSS = """
    a.nb-ref, a.nb-cite { text-decoration: none; }
    a.nb-ref:hover, a.nb-cite:hover { text-decoration: underline; }
    .nb-ref-unknown { color: var(--err); border-bottom: 1px dotted var(--err); }
    .nb-caption { display: block; margin: .3rem 0 1rem; color: var(--muted); font-size: .92rem; text-align: center; }
    .nb-caption-number { font-weight: 600; color: var(--fg); }
    .nb-tab { border: 1px solid var(--border); border-radius: 6px; padding: 0 1rem; margin: 1rem 0; }
    .nb-tab-title { margin: 0 -1rem .5rem; padding: .25rem 1rem; background: var(--panel); border-bottom: 1px solid var(--border); font: 600 .85rem system-ui, sans-serif; }
    kbd { font: .85em ui-monospace, monospace; padding: .05rem .35rem; border: 1px solid var(--border); border-bottom-width: 2px; border-radius: 4px; background: var(--panel); }
    abbr[title] { text-decoration: underline dotted; }
    .nb-fnref { line-height: 0; }
    .nb-fnref a, .nb-fnback { text-decoration: none; }
    .nb-footnotes { margin-top: 2.4rem; font-size: .92rem; }
    .nb-footnotes hr { border: 0; border-top: 1px solid var(--border); }
    .nb-bibliography { padding-left: 1.4rem; }
    .nb-bibliography li { margin: .35rem 0; }
    """
}
