import Foundation
import Testing
@testable import NotebookRunner

/// A MyST page, a d2l page and a Quarto page rendered by the built `nbrun`, then read in headless
/// Chromium: no reference syntax is left as text, and every in-page link lands on an element.
@Suite struct ReferencesEndToEndTests {
    static let myst = """
    ---
    title: Linear regression
    bibliography: references.bib
    ---

    # Linear regression

    (sec-model)=
    ## The model

    We fit $y = w x + b$ as {cite:t}`goodfellow2016deep` do {cite:p}`vaswani2017`. See {ref}`sec-model`,
    {numref}`sec-loss`, {numref}`Section %s <sec-loss>`, {eq}`eq-loss`, [](#sec-loss), [the loss](#eq-loss),
    {prf:ref}`ex-fit`, {doc}`other`; press {kbd}`Ctrl+C`, H{sub}`2`O, {abbr}`CPU (Central Processing Unit)`,
    {index}`regression`, {term}`loss`, {download}`data.csv`, {unknownrole}`text`. A note[^n] and [](#the-model).

    (sec-loss)=
    ## The loss

    $$ L = \\sum_i (y_i - \\hat y_i)^2 $$ (eq-loss)

    ```{exercise} Fit it
    :label: ex-fit
    Minimise {eq}`eq-loss`.
    ```

    [^n]: The note, with $x^2$ and {cite}`goodfellow2016deep`.
    """

    static let d2l = """
    # Softmax Regression
    :label:`sec_softmax`

    As :numref:`fig_net` shows and :numref:`sec_softmax` says, see :eqref:`eq_softmax`, :cite:`goodfellow2016deep` and :citet:`vaswani2017`.

    ![A single-layer network.](net.svg)
    :width:`300px`
    :label:`fig_net`

    $$\\hat{y} = \\mathrm{softmax}(o)$$
    :eqlabel:`eq_softmax`

    :begin_tab:`pytorch`
    PyTorch text.
    :end_tab:

    :begin_tab:`tensorflow`
    TensorFlow text.
    :end_tab:
    """

    static let quarto = """
    ---
    title: Quarto page
    ---

    ## Intro {#sec-intro}

    See @fig-net, @eq-mass and @sec-intro; cite @vaswani2017 and [@vaswani2017; @goodfellow2016deep].

    ![A network](net.svg){#fig-net}

    $$E = mc^2$$ {#eq-mass}
    """

    static let check = """
    <script>
    const text = document.querySelector('main').innerText;
    const leftovers = [/\\{[a-z:]+\\}`/, /:(numref|label|eqref|eqlabel|cite|citet|width|begin_tab|end_tab):/, /@(eq|fig|sec)-/, /\\[\\^/, /\\]\\(#/, /\\{#/, /\\)=/]
      .filter(r => r.test(text)).map(String);
    const broken = [...document.querySelectorAll('a[href^="#"]')].map(a => a.getAttribute('href').slice(1))
      .filter(id => !document.getElementById(decodeURIComponent(id)));
    const links = document.querySelectorAll('main a[href^="#"]').length;
    const pre = document.createElement('pre'); pre.id = 'nb-check';
    pre.textContent = JSON.stringify({leftovers, broken, links});
    document.body.appendChild(pre);
    </script>
    """

    struct Check: Decodable { var leftovers: [String]; var broken: [String]; var links: Int }

    @Test(.enabled(if: HeadlessChromium.isAvailable)) func noReferenceSyntaxIsLeftAndEveryLinkLands() throws {
        let folder = try DataFixtures.temporaryDirectory("references-e2e")
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = ["myst.md": Self.myst, "d2l.md": Self.d2l, "quarto.md": Self.quarto, "references.bib": BibTeXReaderTests.bib,
                     "other.md": "# The other page\n", "data.csv": "x,y\n1,2\n", "net.svg": D2LReferenceTests.svg]
        for (name, text) in files { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let result = try NBRunProcess.run(["render", "myst.md", "d2l.md", "quarto.md", "-o", "out", "--reproducible"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        // Only what is really wrong is reported: the role nbrun does not know, and {term} without a glossary.
        #expect(result.stderr.contains("myst.md:14:58: warning: unknown role {unknownrole}: its text is shown plainly"))
        #expect(result.stderr.contains("myst.md:14:22: warning: {term} 'loss' has no glossary on this page: shown as text"))
        #expect(!result.stderr.contains("unknown label") && !result.stderr.contains("citation key"), "\(result.stderr)")

        for (name, minimumLinks) in [("myst", 14), ("d2l", 5), ("quarto", 6)] {
            let report = try String(contentsOf: folder.appendingPathComponent("out/\(name).html"), encoding: .utf8)
            let policy = "default-src 'none';"
            #expect(report.contains(policy) && !report.contains("<script"))
            let copy = report.replacingOccurrences(of: policy, with: "\(policy) script-src 'unsafe-inline';")
                .replacingOccurrences(of: "</body>", with: Self.check + "\n</body>")
            let dom = try HeadlessChromium.dumpDOM(copy, name: "\(name)-checked", in: folder, width: 900, height: 900)
            let start = try #require(dom.range(of: "<pre id=\"nb-check\">")).upperBound
            let end = try #require(dom[start...].range(of: "</pre>")).lowerBound
            let json = HTML.unescape(String(dom[start..<end]))
            let check = try JSONDecoder().decode(Check.self, from: Data(json.utf8))
            #expect(check.leftovers.isEmpty, "\(name): reference syntax left as text: \(check.leftovers)")
            #expect(check.broken.isEmpty, "\(name): links to no element: \(check.broken)")
            #expect(check.links >= minimumLinks, "\(name): \(check.links) in-page links")
        }
    }
}
