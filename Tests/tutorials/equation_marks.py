"""The equation checks shared by the flagships' tutorial checks.

check_equation_marks(check, record, html, total=N, checked=M, summary=TEXT) asserts, from the
run record and the report, that the notebook has N numbered equations of which M are proved by
a check, that none failed, that the header reads TEXT, and that every proved equation shows
✔ (and no ✘) next to its number while an unproved one shows no mark. `check(name, ok, detail)`
is the calling script's reporter.
"""

import re


def equation_side(html, label):
    """The number column of the display with id eq-LABEL (one line of the report), or None."""
    start = html.find(f'id="eq-{label}"')
    if start < 0:
        return None
    side = html.find('<span class="nb-equation-side">', start)
    end = html.find("\n", side)
    if side < 0 or html.find('id="eq-', start + 1, side) >= 0:
        return None
    return html[side:end]


def check_equation_marks(check, record, html, total, checked, summary):
    equations = record.get("equations", [])
    counts = record.get("equation_summary", {})
    check(f"{total} numbered equations, {checked} of them proved by a check, none failed",
          counts == {"total": total, "checked": checked, "failed": 0, "unchecked": total - checked}
          and len(equations) == total, str(counts))
    check(f"the header reads '{summary}'",
          f'<p class="nb-summary nb-equation-summary">{summary}</p>' in html)
    for equation in equations:
        label, number = equation.get("label"), equation.get("number")
        side = equation_side(html, label) or ""
        proved = bool(equation.get("checked_by"))
        if proved:
            ok = (equation.get("status") == "checked" and side.startswith(f'<span class="nb-equation-side"><span class="nb-eqno">({number}) ')
                  and 'class="nb-eqcheck nb-eqcheck-ok"' in side and "✔" in side and "✘" not in side)
            check(f"({number}) {label}: ✔ next to its number (checked by {', '.join(equation['checked_by'])})", ok, side[:160])
        else:
            ok = equation.get("status") == "unchecked" and f"({number})" in side and "nb-eqcheck" not in side
            check(f"({number}) {label}: unchecked, its number without a mark", ok, side[:160])
    marks = re.findall(r'<span class="nb-eqcheck[^"]*"[^>]*>([^<]*)</span>', html)
    check("no equation shows ✘", 'class="nb-eqcheck nb-eqcheck-failed"' not in html and not any("✘" in mark for mark in marks),
          f"{len(marks)} marks")


def check_forward_reference(check, html, label, number):
    """A {eq} reference written before its equation links to it and shows its number."""
    link = html.find(f'<a class="nb-eqref" href="#eq-{label}"')
    target = html.find(f'id="eq-{label}"')
    shown = html[link:html.find("</a>", link)].rsplit(">", 1)[-1] if link >= 0 else None
    check(f"{{eq}}`{label}` before its equation links to it as ({number})",
          0 <= link < target and shown == f"({number})", f"link at {link}, equation at {target}, shows {shown}")
