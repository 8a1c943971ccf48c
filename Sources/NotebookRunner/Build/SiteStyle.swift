/// The layout of a course site: a sidebar with the table of contents beside the page, the
/// previous/next links under it; on a narrow screen the sidebar goes above the page. It is
/// added to the report's stylesheet in the site's one `site.css`.
enum SiteStyle {
    static let css = """
    .nb-site { display: flex; align-items: flex-start; min-height: 100vh; }
    .nb-sidebar { flex: 0 0 17rem; position: sticky; top: 0; max-height: 100vh; overflow-y: auto; padding: 1.2rem 1rem 2rem;
      border-right: 1px solid var(--border); background: var(--panel); font: .9rem "nbrun CJK", system-ui, -apple-system, "Segoe UI", "Noto Sans", sans-serif; }
    .nb-sidebar ol { list-style: none; margin: .2rem 0; padding-left: .9rem; }
    .nb-sidebar > ol { padding-left: 0; }
    .nb-sidebar li { margin: .15rem 0; }
    .nb-sidebar a { text-decoration: none; }
    .nb-sidebar a:hover { text-decoration: underline; }
    .nb-sidebar a[aria-current="page"] { font-weight: 700; color: var(--fg); border-left: 3px solid var(--accent); padding-left: .35rem; margin-left: -.5rem; }
    .nb-sidebar summary { cursor: pointer; font-weight: 600; color: var(--muted); text-transform: uppercase; font-size: .78rem; letter-spacing: .04em; margin-top: .6rem; }
    .nb-site-title { font-weight: 700; font-size: 1.05rem; margin: 0 0 .8rem; }
    .nb-site-title a { color: var(--fg); }
    .nb-search { display: flex; gap: .3rem; margin: 0 0 .9rem; }
    .nb-search input { flex: 1; min-width: 0; font: inherit; padding: .25rem .4rem; border: 1px solid var(--border); border-radius: 4px; background: var(--bg); color: var(--fg); }
    .nb-search button { font: inherit; padding: .25rem .5rem; border: 1px solid var(--border); border-radius: 4px; background: var(--bg); color: var(--fg); cursor: pointer; }
    .nb-site-links { margin-top: 1rem; padding-top: .6rem; border-top: 1px solid var(--border); }
    .nb-site-main { flex: 1; min-width: 0; }
    .nb-pager { max-width: 54rem; margin: 0 auto; padding: 0 1.5rem 3rem; display: flex; justify-content: space-between; gap: 1rem;
      font: .95rem "nbrun CJK", system-ui, sans-serif; }
    .nb-pager a { display: block; border: 1px solid var(--border); border-radius: 6px; padding: .5rem .8rem; text-decoration: none; max-width: 48%; }
    .nb-pager a[rel="next"] { margin-left: auto; text-align: right; }
    .nb-pager small { display: block; color: var(--muted); }
    .nb-results { list-style: none; padding: 0; }
    .nb-results li { margin: 0 0 1rem; }
    .nb-results p { margin: .2rem 0 0; color: var(--muted); }
    .nb-checked { border-collapse: collapse; width: 100%; font-size: .92rem; }
    .nb-checked th, .nb-checked td { border-bottom: 1px solid var(--border); padding: .35rem .5rem; text-align: left; vertical-align: middle; }
    .nb-checked .nb-ok { color: var(--ok); } .nb-checked .nb-bad { color: var(--err); font-weight: 600; } .nb-checked .nb-none { color: var(--muted); }
    @media (max-width: 60rem) {
      .nb-site { display: block; }
      .nb-sidebar { position: static; max-height: none; border-right: 0; border-bottom: 1px solid var(--border); }
    }
    @media print { .nb-sidebar, .nb-pager { display: none; } }
    """

    /// The whole site's stylesheet: the report's rules, the site's layout and the math font.
    static func stylesheet(fontCSS: String) -> String {
        [ReportStyle.css, ReportStyle.teachingCSS, ReportStyle.referencesCSS, ReportStyle.blocksCSS, css, fontCSS].joined(separator: "\n")
    }
}
