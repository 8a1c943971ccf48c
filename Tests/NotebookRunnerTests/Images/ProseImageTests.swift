import Foundation
import Testing
@testable import NotebookRunner

/// The prose's own images: embedded from the notebook's folder, checked for type and size,
/// each mistake an error (or, for a remote image, a warning) at the image's line and column.
@Suite struct ProseImageTests {
    /// A real 6×4 RGB PNG.
    static let png: [UInt8] = try! PNGEncoder.encode(Bitmap(width: 6, height: 4, channels: .rgb,
                                                            pixels: (0..<72).map { UInt8($0 * 3) }))

    struct Rendered {
        var folder: URL
        var outcome: Pipeline.Outcome
        var html: String
        /// The notebook's folder as the messages print it.
        var notebookFolder: String { folder.appendingPathComponent("post").standardizedFileURL.path }
    }

    /// Renders `text` as `post/post.md` (its files, by relative path, beside it) with the library, as `render` does.
    func render(_ text: String, files: [String: [UInt8]] = [:], allowRemote: Bool = false) throws -> Rendered {
        let folder = try DataFixtures.temporaryDirectory("prose-images")
        let notebookFolder = folder.appendingPathComponent("post")
        for (path, bytes) in files {
            let url = notebookFolder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        try FileManager.default.createDirectory(at: notebookFolder, withIntermediateDirectories: true)
        let notebook = notebookFolder.appendingPathComponent("post.md")
        try text.write(to: notebook, atomically: true, encoding: .utf8)
        var settings = RunSettings(outputDirectory: folder.appendingPathComponent("out"), reproducible: true)
        settings.allowsRemoteImages = allowRemote
        let outcome = Pipeline(settings: settings, progress: ProgressReporter(mode: .silent)).render(notebook, file: "post.md")
        return Rendered(folder: folder, outcome: outcome, html: try String(contentsOf: outcome.report, encoding: .utf8))
    }

    /// Every source of an `<img>` in the page: its `src`, or for an embedded image the data
    /// URI of the stylesheet rule its `data-nb-image` names.
    static func sources(in html: String) -> [String] {
        html.components(separatedBy: "<img ").dropFirst().compactMap { tag in
            let head = tag.prefix { $0 != ">" }
            if let start = head.range(of: "data-nb-image=\"") {
                let number = head[start.upperBound...].prefix { $0 != "\"" }
                guard let rule = html.range(of: "img[data-nb-image=\"\(number)\"]{content:url(") else { return "no rule for image \(number)" }
                return String(html[rule.upperBound...].prefix { $0 != ")" })
            }
            guard let start = head.range(of: "src=\"") else { return nil }
            return String(head[start.upperBound...].prefix { $0 != "\"" })
        }
    }

    @Test func aLocalPNGIsEmbeddedFromTheNotebooksFolder() throws {
        let result = try render("# Net\n\nThe network $x$: ![a net](img/net.png \"the net\").\n", files: ["img/net.png": Self.png])
        defer { try? FileManager.default.removeItem(at: result.folder) }
        #expect(!result.outcome.failed)
        #expect(result.outcome.diagnostics.isEmpty)
        #expect(Self.sources(in: result.html) == ["data:image/png;base64," + Data(Self.png).base64EncodedString()])
        #expect(result.html.contains("alt=\"a net\" title=\"the net\""))
        #expect(result.html.contains("img-src data:;"), "no remote images without the flag")
    }

    @Test func referenceImagesTableCellsAndSVGAreEmbedded() throws {
        let svg = Array("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"><rect width=\"4\" height=\"4\"/></svg>\n".utf8)
        let result = try render("""
            A diagram ![d][diagram] and a table:

            | image | note |
            | --- | --- |
            | ![net](img/net.png) | small |

            [diagram]: <img/my diagram.svg>
            """, files: ["img/net.png": Self.png, "img/my diagram.svg": svg])
        defer { try? FileManager.default.removeItem(at: result.folder) }
        #expect(result.outcome.diagnostics.isEmpty, "\(result.outcome.diagnostics)")
        #expect(Self.sources(in: result.html) == ["data:image/svg+xml;base64," + Data(svg).base64EncodedString(),
                                                  "data:image/png;base64," + Data(Self.png).base64EncodedString()])
    }

    @Test func imgTagsInRawHTMLAreEmbeddedOrReportedLikeMarkdownImages() throws {
        let result = try render("""
            <p align="center"><img src="img/net.png" width="120" alt="net"></p>

            Inline $x$ then <IMG alt="gone" SRC='missing.png'> here.
            """, files: ["img/net.png": Self.png])
        defer { try? FileManager.default.removeItem(at: result.folder) }
        let dataURI = "data:image/png;base64," + Data(Self.png).base64EncodedString()
        #expect(result.html.contains("<p align=\"center\"><img data-nb-image=\"0\" width=\"120\" alt=\"net\"></p>"))
        #expect(result.outcome.diagnostics.map(\.headline) == [
            "post.md:3:17: error: image 'missing.png' not found (looked in \(result.notebookFolder)/missing.png)",
        ])
        #expect(Self.sources(in: result.html) == [dataURI])
        #expect(result.html.contains("then <span class=\"nb-inline-error\" role=\"alert\""))
    }

    @Test func aMissingImageIsAnErrorAtItsColumnShownInPlace() throws {
        let result = try render("# Net\n\nWith math $a_i$ first: ![the net](img/net.png).\n")
        defer { try? FileManager.default.removeItem(at: result.folder) }
        let expected = """
            post.md:3:24: error: image 'img/net.png' not found (looked in \(result.notebookFolder)/img/net.png)
              hint: an image's path starts at the notebook's folder (\(result.notebookFolder)); check the name and its upper and lower case
            """
        #expect(result.outcome.diagnostics.map(\.description) == [expected])
        #expect(result.outcome.failed)
        #expect(result.outcome.stopReason == .cellFailed)
        #expect(result.html.contains("<span class=\"nb-inline-error\" role=\"alert\""))
        #expect(result.html.contains("⚠ " + HTML.escape(expected.components(separatedBy: "\n")[0])))
        #expect(Self.sources(in: result.html).isEmpty)
    }

    /// Math spanning lines becomes one word before cmark reads the prose; an image after it —
    /// on the closing line, later in the paragraph, or in a later paragraph — is still located
    /// at its own line and column.
    @Test func anImageAfterMathSpanningLinesIsLocatedAtItsOwnLine() throws {
        let text = #"""
            # Title

            Intro $$
            a = b
            \\ c
            $$ then ![one](missing-1.png) here,
            and ![two](missing-2.png).

            $$
            x
            $$

            Text \(a +
            b\) and $x$ ![three](missing-3.png).

            \begin{align}
            y &= 1
            \end{align}

            ![four](missing-4.png) and <img src="missing-5.png">
            """#
        var notebook = try NotebookParser.parse(SourceText(file: "post.md", text: text))
        ProseImageLoader.load(&notebook, folder: URL(fileURLWithPath: "/nonexistent"), allowsRemote: false)
        #expect(notebook.errors.map { $0.headline.components(separatedBy: " not found")[0] } == [
            "post.md:6:9: error: image 'missing-1.png'",
            "post.md:7:5: error: image 'missing-2.png'",
            "post.md:14:13: error: image 'missing-3.png'",
            "post.md:20:1: error: image 'missing-4.png'",
            "post.md:20:28: error: image 'missing-5.png'",
        ])
    }

    /// One file under two names is read once and embedded once.
    @Test func oneFileUnderTwoNamesIsEmbeddedOnce() throws {
        let result = try render("![a](img/net.png) ![b](./img/../img/net.png) ![c](img/net.png)\n", files: ["img/net.png": Self.png])
        defer { try? FileManager.default.removeItem(at: result.folder) }
        let dataURI = "data:image/png;base64," + Data(Self.png).base64EncodedString()
        #expect(Self.sources(in: result.html) == [dataURI, dataURI, dataURI])
        #expect(result.html.components(separatedBy: dataURI).count == 2)
        #expect(!result.html.contains("nbrun-embedded-image"))
    }

    @Test func aFileOfAnotherTypeThanItsNameIsAnError() throws {
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0, count: 60)
        let result = try render("- ![photo](photo.png)\n", files: ["photo.png": jpeg])
        defer { try? FileManager.default.removeItem(at: result.folder) }
        #expect(result.outcome.diagnostics.map(\.description) == ["""
            post.md:1:3: error: image 'photo.png' holds a JPEG image, but its name says PNG
              hint: rename the file to .jpg (and the link with it), or save it as PNG
            """])
        #expect(result.outcome.failed)
    }

    @Test func aFileOfNoKnownTypeIsAnError() throws {
        let result = try render("![chart](chart.png)\n", files: ["chart.png": Array("BM not an image".utf8)])
        defer { try? FileManager.default.removeItem(at: result.folder) }
        #expect(result.outcome.diagnostics.map(\.description) == ["""
            post.md:1:1: error: image 'chart.png' is not a PNG, JPEG, GIF, WebP or SVG file (its first bytes are none of theirs)
              hint: a report embeds those five types; save the image as PNG (or JPEG for a photograph)
            """])
    }

    @Test func anImageOverTheLimitIsAnErrorNamingBothSizes() throws {
        let folder = try DataFixtures.temporaryDirectory("prose-images-big")
        defer { try? FileManager.default.removeItem(at: folder) }
        // A sparse file: its size is what counts, and nothing of it is read.
        let big = folder.appendingPathComponent("big.png")
        FileManager.default.createFile(atPath: big.path, contents: Data(Self.png))
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: UInt64(DisplaySize.maxEmbeddedImageBytes + 1))
        try handle.close()
        var notebook = try NotebookParser.parse(SourceText(file: "post.md", text: "Big: ![big](big.png)\n"))
        ProseImageLoader.load(&notebook, folder: folder, allowsRemote: false)
        #expect(notebook.errors.map(\.description) == ["""
            post.md:1:6: error: image 'big.png' is 10,000,001 bytes (10.0 MB), more than the 10.0 MB one embedded image may take
              hint: make it smaller: fewer pixels, or JPEG or WebP for a photograph
            """])
    }

    @Test func aFIFOIsRefusedWithoutBeingOpened() throws {
        let folder = try DataFixtures.temporaryDirectory("prose-images-fifo")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(mkfifo(folder.appendingPathComponent("pipe.png").path, 0o600) == 0)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("zero.png").path, withDestinationPath: "/dev/zero")
        var notebook = try NotebookParser.parse(SourceText(file: "post.md", text: "![p](pipe.png) ![d](zero.png)\n"))
        ProseImageLoader.load(&notebook, folder: folder, allowsRemote: false)
        #expect(notebook.errors.map(\.description) == [
            "post.md:1:1: error: image 'pipe.png' is a FIFO (named pipe), not a regular file\n  hint: an image must be a regular file (PNG, JPEG, GIF, WebP or SVG)",
            "post.md:1:16: error: image 'zero.png' is a character device, not a regular file\n  hint: an image must be a regular file (PNG, JPEG, GIF, WebP or SVG)",
        ])
    }

    @Test func aRemoteImageIsAWarningAndALinkUnlessAllowed() throws {
        let text = "# Remote\n\nSee ![plot](https://example.org/plot.png).\n"
        let blocked = try render(text)
        defer { try? FileManager.default.removeItem(at: blocked.folder) }
        #expect(blocked.outcome.diagnostics.map(\.description) == ["""
            post.md:3:5: warning: image 'https://example.org/plot.png' is remote: the report will not fetch it (the page loads nothing from elsewhere)
              hint: download it next to the notebook and give its path, or render with --allow-remote-images to let the page fetch it
            """])
        #expect(!blocked.outcome.failed)
        #expect(Self.sources(in: blocked.html).isEmpty)
        #expect(blocked.html.contains("<a class=\"nb-image-remote\" href=\"https://example.org/plot.png\">"))
        #expect(blocked.html.contains("content=\"default-src 'none'; img-src data:; style-src"))

        let allowed = try render(text, allowRemote: true)
        defer { try? FileManager.default.removeItem(at: allowed.folder) }
        #expect(allowed.outcome.diagnostics.isEmpty)
        #expect(Self.sources(in: allowed.html) == ["https://example.org/plot.png"])
        #expect(allowed.html.contains("content=\"default-src 'none'; img-src data: https:; style-src"))
    }

    @Test func plainHTTPStaysAWarningEvenWhenRemoteImagesAreAllowed() throws {
        var notebook = try NotebookParser.parse(SourceText(file: "post.md", text: "![a](http://example.org/a.gif)\n"))
        ProseImageLoader.load(&notebook, folder: URL(fileURLWithPath: "/tmp"), allowsRemote: true)
        #expect(notebook.warnings.map(\.description) == ["""
            post.md:1:1: warning: image 'http://example.org/a.gif' is plain http: even with --allow-remote-images the page fetches remote images only over https
              hint: use its https:// address, or download it next to the notebook and give its path
            """])
    }

    @Test func checkReportsImageErrorsAndExitsOne() throws {
        let folder = try DataFixtures.temporaryDirectory("prose-images-check")
        defer { try? FileManager.default.removeItem(at: folder) }
        try "Text.\n\n![net](img/net.png) and ![r](https://example.org/r.png)\n"
            .write(to: folder.appendingPathComponent("nb.md"), atomically: true, encoding: .utf8)
        let result = try NBRunProcess.run(["check", "nb.md"], in: folder)
        let path = folder.standardizedFileURL.path
        #expect(result.status == 1)
        #expect(result.stderr == """
            nb.md:3:1: error: image 'img/net.png' not found (looked in \(path)/img/net.png)
              hint: an image's path starts at the notebook's folder (\(path)); check the name and its upper and lower case
            nb.md:3:25: warning: image 'https://example.org/r.png' is remote: the report will not fetch it (the page loads nothing from elsewhere)
              hint: download it next to the notebook and give its path, or render with --allow-remote-images to let the page fetch it
            nb.md: 1 error, 1 warning

            """)
        let allowed = try NBRunProcess.run(["check", "--allow-remote-images", "nb.md"], in: folder)
        #expect(allowed.status == 1)
        #expect(!allowed.stderr.contains("warning:"))
    }

    @Test func addingAnImageToTheProseRunsNoCell() throws {
        let folder = try DataFixtures.temporaryDirectory("prose-images-cache")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(Self.png).write(to: folder.appendingPathComponent("net.png"))
        let notebook = folder.appendingPathComponent("nb.md")
        let cell = "```{eval}\nsoftmax([1, 2, 3])\n```\n"
        try ("# A\n\n" + cell).write(to: notebook, atomically: true, encoding: .utf8)
        let pipeline = Pipeline(settings: RunSettings(outputDirectory: folder.appendingPathComponent("out"), reproducible: true),
                                progress: ProgressReporter(mode: .silent))
        #expect(pipeline.render(notebook, file: "nb.md").run?.cells.map(\.status) == [.ok])
        try ("# A\n\nNow with ![a net](net.png).\n\n" + cell).write(to: notebook, atomically: true, encoding: .utf8)
        let again = pipeline.render(notebook, file: "nb.md")
        #expect(again.run?.cells.map(\.status) == [.cached])
        #expect(Self.sources(in: try String(contentsOf: again.report, encoding: .utf8)).first?.hasPrefix("data:image/png;base64,") == true)
    }
}
