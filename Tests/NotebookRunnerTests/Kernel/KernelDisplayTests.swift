import Foundation
import Testing
@testable import NotebookRunner

/// What a kernel sends is shown without letting it run script or blow up the page.
@Suite struct KernelDisplayTests {
    static let location = SourceLocation(file: "nb.md", line: 7)

    static func render(_ display: KernelDisplay) -> String {
        var math = MathRenderer()
        return KernelDisplayRenderer(location: location).render(display, math: &math)
    }

    /// Outputs a kernel could send to take over the page, each with a payload that marks the body.
    static let attacks: [KernelDisplay] = [
        .html("<script>document.body.dataset.pwned = 'script'</script><b>bold</b>"),
        .html("<img src=x onerror=\"document.body.dataset.pwned='onerror'\">"),
        .html("<a href=\"&#106;avascript:document.body.dataset.pwned='href'\">link</a>"),
        .html("<svg onload=\"document.body.dataset.pwned='svg-in-html'\"><rect width='2' height='2'/></svg>"),
        .html("<iframe srcdoc=\"<script>parent.document.body.dataset.pwned='iframe'</script>\"></iframe>"),
        .html("<ScRiPt>document.body.dataset.pwned='case'</sCrIpT>"),
        .html("<div style=\"position:fixed;top:0;left:0;width:100%;height:100%\">cover</div><p>unclosed <b>bold"),
        .html("<style>body { display: none }</style><p>styled</p>"),
        .html("<meta http-equiv=\"refresh\" content=\"0;url=https://example.com\"><form action='https://example.com'><button>go</button></form>"),
        .html("<object data=\"data:text/html,<script>parent.document.body.dataset.pwned='object'</script>\"></object>"),
        .svg("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"document.body.dataset.pwned='svg'\"><circle r='3'/></svg>"),
        .svg("<svg><a href=\"javascript:document.body.dataset.pwned='svg-a'\"><text>x</text></a><animate attributeName=\"href\" to=\"javascript:alert(1)\"/><foreignObject><body onload=\"document.body.dataset.pwned='foreign'\"></body></foreignObject><script>document.body.dataset.pwned='svg-script'</script></svg>"),
        .markdown("*hi* <img src=\"x\" onerror=\"document.body.dataset.pwned='markdown'\"> [link](javascript:alert(1))"),
        .html("<a title=\"unterminated"),
        .html("<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"tiny\" onmouseover=\"x()\">"),
    ]

    @Test func scriptsHandlersAndDangerousURLsAreRemoved() {
        for attack in Self.attacks {
            let html = Self.render(attack).lowercased()
            #expect(!html.contains("<script"), "\(attack)")
            #expect(!html.contains("javascript:"), "\(attack)")
            #expect(!html.contains("pwned"), "\(attack)")
            #expect(html.range(of: #"\son[a-z]+\s*="#, options: .regularExpression) == nil, "\(attack)")
            #expect(!html.contains("<iframe") && !html.contains("<object") && !html.contains("<meta") && !html.contains("<style"), "\(attack)")
            #expect(!html.contains("position:fixed"), "\(attack)")
        }
        #expect(Self.render(.html("<b>bold</b>")).contains("<b>bold</b>"))
        #expect(Self.render(.html("<p>unclosed <b>bold")).contains("<p>unclosed <b>bold</b></p>"))
        #expect(Self.render(.html("<img src=\"data:image/png;base64,iVBORw0KGgo=\" onmouseover=\"x()\">"))
                    .contains("<img src=\"data:image/png;base64,iVBORw0KGgo=\">"))
        #expect(Self.render(.markdown("*hi*")).contains("<em>hi</em>"))
    }

    @Test func aDataFrameTableAndAMatplotlibSVGKeepTheirShape() {
        let table = #"<table border="1" class="dataframe"><thead><tr style="text-align: right;"><th></th><th>a</th></tr></thead><tbody><tr><th>0</th><td>1</td></tr></tbody></table>"#
        #expect(Self.render(.html(table)).contains(table))
        let svg = ##"<?xml version="1.0"?><!DOCTYPE svg><svg xmlns:xlink="http://www.w3.org/1999/xlink" width="10pt" height="10pt" viewBox="0 0 10 10" xmlns="http://www.w3.org/2000/svg"><defs><style type="text/css">*{stroke-linecap:butt}</style><clipPath id="p1"><rect x="0" y="0" width="10" height="10"/></clipPath></defs><g id="figure_1"><path d="M 0 0 L 10 10" clip-path="url(#p1)" style="fill: none; stroke: #1f77b4"/><use xlink:href="#m1" x="1" y="2"/></g></svg>"##
        let html = Self.render(.svg(svg))
        #expect(html.contains("<clipPath id=\"nbk-p1\">") && html.contains("viewBox=\"0 0 10 10\""))
        #expect(html.contains("<path d=\"M 0 0 L 10 10\" clip-path=\"url(#nbk-p1)\" style=\"fill: none; stroke: #1f77b4\"/>"))
        #expect(html.contains("<use xlink:href=\"#nbk-m1\" x=\"1\" y=\"2\"/>"))
        #expect(!html.contains("<style") && !html.contains("DOCTYPE") && !html.contains("<?xml"))
    }

    @Test func aHundredMegabyteStreamIsCutWithANote() {
        let line = String(repeating: "x", count: 99) + "\n"
        let huge = String(repeating: line, count: 1_000_000)
        let html = Self.render(.stream(name: "stdout", text: huge, truncatedBytes: 0))
        #expect(html.utf8.count < KernelDisplayRenderer.textLimit + 4096)
        #expect(html.contains("99744 KB") || html.contains("more bytes not shown"))
        #expect(html.contains("<details class=\"nb-fold\">"))
        let images = Self.render(.image(mimeType: "image/png", base64: String(repeating: "A", count: 9 * 1024 * 1024)))
        #expect(images.utf8.count < 1000 && images.contains("was not shown"))
        let markup = Self.render(.html(String(repeating: "<b>x</b>", count: 200_000)))
        #expect(markup.utf8.count < 1000 && markup.contains("was not shown"))
    }

    @Test func imagesMustBeWhatTheyClaim() {
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]).base64EncodedString()
        #expect(Self.render(.image(mimeType: "image/png", base64: png)).contains("<img src=\"data:image/png;base64,\(png)\""))
        let html = Data("<script>".utf8).base64EncodedString()
        #expect(!Self.render(.image(mimeType: "image/png", base64: html)).contains("<img"))
        #expect(!Self.render(.image(mimeType: "image/jpeg", base64: "\"><script>")).contains("<script"))
    }

    @Test func ansiColoursBecomeSpansAndOtherEscapesGo() {
        let html = ANSIText.html("\u{1B}[0;31mZeroDivisionError\u{1B}[0m: <division>\u{1B}]0;title\u{07}\u{1B}[2K \u{1B}[38;5;28;01mdef\u{1B}[39;00m")
        #expect(html == "<span style=\"color:#b22222\">ZeroDivisionError</span>: &lt;division&gt; <span style=\"color:#008700;font-weight:bold\">def</span>")
    }

    @Test func latexIsTypesetAsMathML() {
        let html = Self.render(.latex("$x^2$"))
        #expect(html.contains("<math") && html.contains("<msup>"))
    }

    /// The sanitised attacks in a page with no Content-Security-Policy at all: Chromium runs
    /// whatever script is left, and none is.
    @Test(.enabled(if: HeadlessChromium.isAvailable)) func noScriptRunsInABrowser() throws {
        let folder = try DataFixtures.temporaryDirectory("kernel-xss")
        defer { try? FileManager.default.removeItem(at: folder) }
        let outputs = Self.attacks.map(Self.render).joined(separator: "\n")
        let page = "<!DOCTYPE html><html><body data-pwned=\"no\">\(outputs)<p id=\"end\">end</p></body></html>"
        let dom = try HeadlessChromium.dumpDOM(page, name: "attacks", in: folder, width: 800, height: 600)
        #expect(dom.contains("data-pwned=\"no\""))
        #expect(dom.contains("id=\"end\""))
        // The same harness notices script that is left in.
        let unsafe = "<!DOCTYPE html><html><body data-pwned=\"no\"><img src=x onerror=\"document.body.dataset.pwned='onerror'\"></body></html>"
        let control = try HeadlessChromium.dumpDOM(unsafe, name: "control", in: folder, width: 800, height: 600)
        #expect(control.contains("data-pwned=\"onerror\""))
    }
}
