extension ReportStyle {
    /// Numbered equations and their check marks, exercises, solutions, admonitions and
    /// `{derive}` chains: light and dark themes through the page's colour variables, and print.
    /// An equation's check mark sits to the left of its number, so that the numbers of checked
    /// and unchecked equations line up in one column at the right.
    static let teachingCSS = """
    :root { --note: #2458b3; --tip: #23804a; --warning: #b35c00; --important: #8a3ab9; }
    @media (prefers-color-scheme: dark) { :root { --note: #7aa7ff; --tip: #5cc78a; --warning: #ffb454; --important: #d19cff; } }
    .nb-equation { display: flex; align-items: center; gap: .8rem; }
    .nb-equation-body { flex: 1 1 auto; min-width: 0; overflow-x: auto; overflow-y: hidden; text-align: center; }
    .nb-equation-side { flex: 0 0 auto; display: flex; flex-direction: column; align-items: flex-end; gap: .2rem; white-space: nowrap; }
    .nb-eqno { font-variant-numeric: tabular-nums; display: inline-flex; flex-direction: row-reverse; align-items: center; gap: .45rem; }
    .nb-eqcheck { font: .72rem system-ui, sans-serif; padding: .05rem .35rem; border-radius: 999px; border: 1px solid currentColor; }
    .nb-eqcheck-ok { color: var(--ok); }
    .nb-eqcheck-failed { color: var(--err); font-weight: 600; }
    a.nb-eqref { text-decoration: none; }
    a.nb-eqref:hover { text-decoration: underline; }
    .nb-eqref-error { color: var(--err); font-weight: 600; }
    .nb-equation-summary { margin-top: .1rem; }
    .nb-exercise { border: 1px solid var(--border); border-left: 4px solid var(--accent); border-radius: 6px; padding: .2rem 1rem .4rem; margin: 1.4rem 0; background: var(--panel); }
    .nb-block-title { font: 600 .95rem system-ui, sans-serif; margin: .6rem 0 .3rem; }
    .nb-exercise > .nb-block-title a { color: inherit; text-decoration: none; }
    .nb-block-subtitle { font-weight: 400; color: var(--muted); }
    .nb-solution { border: 1px dashed var(--border); border-radius: 6px; padding: .1rem .9rem; margin: .6rem 0 .6rem; background: var(--bg); }
    .nb-solution > summary { cursor: pointer; font: 600 .88rem system-ui, sans-serif; color: var(--muted); padding: .35rem 0; }
    .nb-solution[open] > summary { border-bottom: 1px solid var(--border); margin-bottom: .4rem; }
    .nb-admonition { border: 1px solid var(--border); border-left: 4px solid var(--note); border-radius: 6px; padding: .1rem 1rem .3rem; margin: 1.2rem 0; background: var(--panel); }
    .nb-admonition > .nb-block-title { color: var(--note); }
    .nb-admonition.nb-tip { border-left-color: var(--tip); } .nb-admonition.nb-tip > .nb-block-title { color: var(--tip); }
    .nb-admonition.nb-warning { border-left-color: var(--warning); background: var(--warn-bg); } .nb-admonition.nb-warning > .nb-block-title { color: var(--warning); }
    .nb-admonition.nb-important { border-left-color: var(--important); } .nb-admonition.nb-important > .nb-block-title { color: var(--important); }
    .nb-derive { border-collapse: collapse; margin: .4rem auto; }
    .nb-derive td { padding: .25rem .4rem; vertical-align: middle; }
    .nb-derive .nb-derive-lhs { text-align: right; padding-right: 0; }
    .nb-derive .nb-derive-rhs { text-align: left; padding-left: .2rem; }
    .nb-derive .nb-derive-mark { font: .78rem system-ui, sans-serif; white-space: nowrap; padding-left: 1.2rem; }
    .nb-derive .nb-derive-ok .nb-derive-mark { color: var(--ok); }
    .nb-derive .nb-derive-failed .nb-derive-mark { color: var(--err); font-weight: 600; }
    .nb-derive .nb-derive-caught .nb-derive-mark { color: var(--warning); font-weight: 600; }
    .nb-derive tr.nb-derive-first-failure td { background: var(--err-bg); }
    .nb-derive tr.nb-derive-first-failure td:first-child { box-shadow: inset 4px 0 0 var(--err); }
    .nb-derive .nb-derive-line { font: .7rem system-ui, sans-serif; color: var(--muted); }
    @media print {
      .nb-exercise, .nb-admonition, .nb-solution, .nb-equation { break-inside: avoid; }
      .nb-exercise, .nb-admonition { background: none; }
      .nb-eqcheck { border-color: #000; }
      .nb-equation-body { overflow: visible; }
    }
    """
}
