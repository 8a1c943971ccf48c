import Foundation
import Testing
@testable import NotebookRunner

/// A course's pages share what they read: each data set is read once per build (counted in the
/// build record), however many pages and workers load it, and the per-cell cache is one folder
/// for the whole course.
@Suite struct CourseDataTests {
    /// Three pages loading the same two IDX files, each with its own seed (so no page's `{load}`
    /// is another's cached cell), under a myst.yml.
    static func course() throws -> TestCourse {
        var files = ["myst.yml": """
            version: 1
            project:
              title: Data course
              toc:
                - file: a.md
                - file: b.md
                - file: c.md
            """]
        for (page, seed) in [("a", 1), ("b", 2), ("c", 3)] {
            files["\(page).md"] = """
                ---
                title: Page \(page)
                seed: \(seed)
                ---
                ```{load}
                :label: data
                :images: data/images.idx
                :labels: data/labels.idx
                ```

                ```{eval}
                :label: rows
                data.train_count
                ```
                """
        }
        let course = try TestCourse(files: files)
        try FileManager.default.createDirectory(at: course.folder.appendingPathComponent("data"), withIntermediateDirectories: true)
        _ = try DataFixtures.write(DataFixtures.imagesFile(count: 6), to: course.folder.appendingPathComponent("data/images.idx"))
        _ = try DataFixtures.write(DataFixtures.labelsFile([0, 1, 2, 3, 4, 5]), to: course.folder.appendingPathComponent("data/labels.idx"))
        return course
    }

    @Test func eachDataSetIsReadOncePerBuild() throws {
        let course = try Self.course()
        defer { course.remove() }
        let outcome = try course.build(jobs: 3, reproducible: false)
        #expect(!outcome.failed, "\(outcome.diagnostics.map(\.description))")
        #expect(outcome.record.dataReads == [DataReads.Count(files: "data/images.idx data/labels.idx", reads: 1, uses: 3)])
        #expect(try course.read("build.json").contains("\"data_reads\""))
        // One cache folder for the course.
        let cache = course.site.appendingPathComponent(".nbrun-cache")
        let folders = try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { !$0.hasSuffix(".json") && !$0.hasPrefix(".") }
        #expect(folders.filter { $0 != "file-digests" }.contains(CourseBuild.cacheFolder), "\(folders)")
        // A rebuild with nothing changed reads no data and runs no cell.
        let again = try course.build(jobs: 3, reproducible: false)
        #expect(again.record.dataReads?.isEmpty == true, "\(String(describing: again.record.dataReads))")
        #expect(again.record.pages.allSatisfy { $0.cells.allSatisfy { $0.status == "cached" } }, "\(again.record.pages.map(\.cells))")
        // A reproducible record leaves the counts out: a cold and a warm build write the same bytes.
        #expect(try course.build(jobs: 3).record.dataReads == nil)
    }
}
