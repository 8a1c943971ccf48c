import Foundation
import Testing
@testable import NotebookPreview
@testable import NotebookRunner

/// The session watches the notebook and every file its cells read.
struct PreviewSessionTests {
    @Test func aChangedDataFileIsSeenAndReRunsTheCellThatReadIt() throws {
        let folder = try DataFixtures.temporaryDirectory("preview-session")
        defer { try? FileManager.default.removeItem(at: folder) }
        try DataFixtures.write(DataFixtures.imagesFile(count: 6), to: folder.appendingPathComponent("images.idx"))
        let labels = try DataFixtures.write(DataFixtures.labelsFile([0, 1, 2, 3, 4, 5]), to: folder.appendingPathComponent("labels.idx"))
        let notebook = folder.appendingPathComponent("nb.md")
        try """
            # Data

            ```{load}
            :images: images.idx
            :labels: labels.idx
            ```
            """.write(to: notebook, atomically: true, encoding: .utf8)
        let settings = RunSettings(outputDirectory: folder.appendingPathComponent("out"), dataDirectory: nil,
                                   keepGoing: false, defaults: Defaults(), reproducible: true)
        let session = PreviewSession(notebook: notebook, file: "nb.md",
                                     pipeline: Pipeline(settings: settings, progress: ProgressReporter(mode: .silent)))
        session.render()
        #expect(Set(session.watchedFiles.map(\.lastPathComponent)) == ["nb.md", "images.idx", "labels.idx"])
        #expect(session.page.cells == [.ok])
        #expect(!session.changed())

        session.render()
        #expect(session.page.cells == [.cached])

        try DataFixtures.write(DataFixtures.labelsFile([5, 4, 3, 2, 1, 0]), to: labels)
        #expect(session.changed())
        session.render()
        #expect(session.page.cells == [.ok], "the cell that read the changed file runs again")
        #expect(session.page.version == 3)
    }

    @Test func anEmbeddedImageIsWatchedAndItsChangeReRendersWithoutRunningCells() throws {
        let folder = try DataFixtures.temporaryDirectory("preview-image")
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = folder.appendingPathComponent("img/net.png")
        let notebook = folder.appendingPathComponent("nb.md")
        try "# Net\n\n![a net](img/net.png)\n\n```{eval}\n1 + 1\n```\n".write(to: notebook, atomically: true, encoding: .utf8)
        let settings = RunSettings(outputDirectory: folder.appendingPathComponent("out"), reproducible: true)
        let session = PreviewSession(notebook: notebook, file: "nb.md",
                                     pipeline: Pipeline(settings: settings, progress: ProgressReporter(mode: .silent)))
        session.render()
        #expect(session.watchedFiles.map(\.path) == [notebook.path, image.path], "a missing image is watched for")
        #expect(session.page.html.contains("not found"))
        #expect(!session.changed())

        try FileManager.default.createDirectory(at: image.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(ProseImageTests.png).write(to: image)
        #expect(session.changed())
        session.render()
        #expect(session.page.cells == [.cached], "an image is prose: no cell runs")
        #expect(ProseImageTests.sources(in: session.page.html) == ["data:image/png;base64,\(Data(ProseImageTests.png).base64EncodedString())"])
    }
}
