/// The report's stylesheet: readable type, light and dark themes, print styles.
/// Inline in every page, so a report is one file that fetches nothing.
enum ReportStyle {
    static let css = """
    :root {
      color-scheme: light dark;
      --fg: #1d232b; --muted: #5b6673; --bg: #fdfdfc; --panel: #f3f5f7; --border: #d9dee4;
      --accent: #2458b3; --ok: #23804a; --err: #b3261e; --err-bg: #fdecea; --warn-bg: #fff6db;
      --code: #f3f5f7; --flag: #d9480f;
      --hl-keyword: #8b1fa9; --hl-string: #1a7f37; --hl-comment: #6e7781; --hl-number: #0550ae; --hl-key: #953800; --hl-directive: #b35900;
    }
    @media (prefers-color-scheme: dark) {
      :root {
        --fg: #e3e7ec; --muted: #9aa5b1; --bg: #15181c; --panel: #1e2329; --border: #333b44;
        --accent: #7aa7ff; --ok: #5cc78a; --err: #ff8a80; --err-bg: #3a1d1b; --warn-bg: #3a3219;
        --code: #1e2329; --flag: #ff922b;
        --hl-keyword: #d2a8ff; --hl-string: #7ee787; --hl-comment: #8b949e; --hl-number: #79c0ff; --hl-key: #ffa657; --hl-directive: #f0b866;
      }
      .nb-figure img { background: #fff; }
    }
    * { box-sizing: border-box; }
    html { font-size: 17px; }
    body {
      margin: 0; background: var(--bg); color: var(--fg);
      font-family: "nbrun CJK", "Charter", "Bitstream Charter", "Noto Serif", "Source Serif Pro", Georgia, "Liberation Serif", "Latin Modern Roman", "Noto Serif CJK SC", "Source Han Serif SC", serif;
      line-height: 1.6; text-rendering: optimizeLegibility;
    }
    :lang(zh) body, body:lang(zh) { font-family: "nbrun CJK", "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", "SimSun", serif; }
    .nb-page { max-width: 54rem; margin: 0 auto; padding: 2.5rem 1.5rem 4rem; }
    h1, h2, h3, h4 { font-family: "nbrun CJK", system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", sans-serif; line-height: 1.25; }
    h1 { font-size: 2.1rem; margin: 0 0 .4rem; }
    h2 { font-size: 1.45rem; margin-top: 2.4rem; border-bottom: 1px solid var(--border); padding-bottom: .2rem; }
    h3 { font-size: 1.15rem; margin-top: 1.8rem; }
    a { color: var(--accent); }
    code, pre, kbd { font-family: "nbrun CJK", "DejaVu Sans Mono", "Menlo", "Consolas", monospace; font-size: .86em; }
    :not(pre) > code { background: var(--code); padding: .05em .3em; border-radius: 3px; }
    pre { background: var(--code); padding: .8rem 1rem; border-radius: 6px; overflow-x: auto; line-height: 1.45; }
    blockquote { margin: 1rem 0; padding: .2rem 1rem; border-left: 4px solid var(--border); color: var(--muted); }
    img { max-width: 100%; }
    .nb-header { margin-bottom: 1.5rem; }
    .nb-meta { color: var(--muted); margin: 0; }
    .nb-tags { list-style: none; padding: 0; margin: .5rem 0 0; display: flex; flex-wrap: wrap; gap: .4rem; }
    .nb-tags li { font: .78rem "nbrun CJK", system-ui, sans-serif; background: var(--panel); border: 1px solid var(--border); border-radius: 999px; padding: .1rem .6rem; }
    .nb-summary { font: .85rem "nbrun CJK", system-ui, sans-serif; color: var(--muted); margin-top: .6rem; }
    .nb-summary .nb-failed { color: var(--err); font-weight: 600; }
    .nb-params { font: .8rem "nbrun CJK", system-ui, sans-serif; color: var(--muted); }
    .nb-toc { font: .92rem "nbrun CJK", system-ui, sans-serif; background: var(--panel); border: 1px solid var(--border); border-radius: 8px; padding: .6rem 1.2rem; margin: 1.5rem 0; }
    .nb-toc ol { margin: .3rem 0; padding-left: 1.2rem; }
    .nb-toc ol ol { list-style: none; padding-left: .9rem; font-size: .88rem; }
    .nb-cell { border: 1px solid var(--border); border-left: 4px solid var(--ok); border-radius: 6px; margin: 1.2rem 0; background: var(--bg); }
    .nb-cell.nb-cell-error { border-left-color: var(--err); }
    .nb-cell.nb-cell-skipped { border-left-color: var(--border); opacity: .75; }
    .nb-cell.nb-cell-cached { border-left-color: var(--accent); }
    .nb-source summary { cursor: pointer; font: .8rem "nbrun CJK", system-ui, sans-serif; color: var(--muted); padding: .35rem .8rem; background: var(--panel); border-radius: 6px 6px 0 0; }
    .nb-source summary span + span::before { content: "·"; margin: 0 .45rem; color: var(--border); }
    .nb-directive { font-family: "nbrun CJK", "DejaVu Sans Mono", monospace; color: var(--fg); font-weight: 600; }
    .nb-source pre { margin: 0; border-radius: 0; background: var(--code); font-size: .82rem; }
    .nb-status { text-transform: uppercase; letter-spacing: .04em; font-weight: 600; }
    .nb-cell-ok .nb-status { color: var(--ok); }
    .nb-cell-error .nb-status { color: var(--err); }
    .nb-outputs { padding: .6rem .9rem; }
    .nb-outputs > :first-child { margin-top: 0; }
    .nb-outputs > :last-child { margin-bottom: 0; }
    .nb-text { background: transparent; padding: 0; margin: .5rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
    .nb-error { background: var(--err-bg); color: var(--err); border-radius: 4px; padding: .6rem .8rem; white-space: pre-wrap; }
    pre.nb-error { margin: .5rem 0; }
    .nb-notice { background: var(--warn-bg); border-radius: 4px; padding: .5rem .8rem; white-space: pre-wrap; }
    .nb-skipped { font: .85rem "nbrun CJK", system-ui, sans-serif; color: var(--muted); margin: .5rem .9rem; }
    .nb-table-wrap { overflow-x: auto; margin: .6rem 0; }
    .nb-table { border-collapse: collapse; font: .82rem "nbrun CJK", system-ui, sans-serif; font-variant-numeric: tabular-nums; }
    .nb-caption { font: .85rem "nbrun CJK", system-ui, sans-serif; color: var(--muted); margin: 0 0 .3rem; }
    .nb-table th, .nb-table td { padding: .25rem .55rem; border-bottom: 1px solid var(--border); text-align: left; white-space: nowrap; }
    .nb-table th { background: var(--panel); font-weight: 600; }
    .nb-table .nb-right { text-align: right; }
    .nb-table .nb-center { text-align: center; }
    main > .nb-table-wrap > table { border-collapse: collapse; }
    main > .nb-table-wrap > table th, main > .nb-table-wrap > table td { padding: .3rem .7rem; border-bottom: 1px solid var(--border); vertical-align: top; }
    main > .nb-table-wrap > table th { background: var(--panel); font-weight: 600; text-align: left; }
    main > .nb-table-wrap > table th[align="center"], main > .nb-table-wrap > table td[align="center"] { text-align: center; }
    main > .nb-table-wrap > table th[align="right"], main > .nb-table-wrap > table td[align="right"] { text-align: right; }
    .nb-grid { display: flex; flex-wrap: wrap; gap: .6rem; margin: .6rem 0; }
    .nb-figure { margin: 0; text-align: center; font: .75rem "nbrun CJK", system-ui, sans-serif; color: var(--muted); }
    .nb-figure img { display: block; image-rendering: pixelated; border: 1px solid var(--border); }
    .nb-figure.nb-flagged img { outline: 3px solid var(--flag); outline-offset: -1px; }
    .nb-figure.nb-flagged figcaption { color: var(--flag); font-weight: 600; }
    .nb-chart { margin: .6rem 0; overflow-x: auto; }
    .nb-chart svg { max-width: 100%; height: auto; }
    .math-display { display: block; overflow-x: auto; overflow-y: hidden; margin: .8rem 0; text-align: center; }
    .nb-inline-value { font-variant-numeric: tabular-nums; }
    .nb-inline-error { color: var(--err); font-family: "nbrun CJK", monospace; }
    .nb-image-remote { background: var(--warn-bg); border-radius: 3px; padding: 0 .3em; overflow-wrap: anywhere; }
    footer.nb-footer { margin-top: 3rem; font: .78rem "nbrun CJK", system-ui, sans-serif; color: var(--muted); border-top: 1px solid var(--border); padding-top: .6rem; }
    .hl-w { color: var(--hl-keyword); font-weight: 600; } .hl-s { color: var(--hl-string); }
    .hl-c { color: var(--hl-comment); font-style: italic; } .hl-n { color: var(--hl-number); }
    .hl-k { color: var(--hl-key); } .hl-d, .hl-v { color: var(--hl-directive); }
    @media print {
      html { font-size: 11pt; }
      :root { --hl-keyword: #000; --hl-string: #333; --hl-comment: #666; --hl-number: #000; --hl-key: #000; --hl-directive: #333; }
      .nb-page { max-width: none; padding: 0; }
      .nb-toc, .nb-source summary { display: none; }
      .nb-source pre { max-height: none; }
      .nb-cell, .nb-figure, .nb-chart, table { break-inside: avoid; }
      a { color: inherit; text-decoration: none; }
      body { background: #fff; color: #000; }
    }
    """
}
