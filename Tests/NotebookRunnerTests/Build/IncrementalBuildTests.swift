import Foundation
import Testing
@testable import NotebookRunner

/// Rebuilding a course does only what changed: an unchanged page is neither run nor rendered
/// again (its memo), a one-word edit rebuilds that page alone, and a change to a page's numbers
/// rebuilds the pages that refer to them too.
@Suite struct IncrementalBuildTests {
    static func unchanged(_ outcome: CourseBuild.Outcome) -> [String: Bool] {
        Dictionary(uniqueKeysWithValues: outcome.record.pages.map { ($0.html, $0.unchanged ?? false) })
    }

    @Test func rebuildsOnlyThePagesAnEditReaches() throws {
        let course = try TestCourse()
        defer { course.remove() }
        let first = try course.build(reproducible: false)
        #expect(!first.failed, "\(first.diagnostics.map(\.description))")
        #expect(Self.unchanged(first).values.allSatisfy { !$0 })
        let beta = try course.read("beta.html"), gamma = try course.read("gamma.html")

        // Nothing changed: every page as it was, no cell run, the same pages written.
        let again = try course.build(reproducible: false)
        #expect(Self.unchanged(again).values.allSatisfy { $0 }, "\(Self.unchanged(again))")
        #expect(try course.read("gamma.html") == gamma)
        #expect(again.record.pages.allSatisfy { $0.cells.allSatisfy { $0.status == "cached" } })

        // One word of beta's prose: beta alone is rebuilt, and shows the word.
        let source = try String(contentsOf: course.folder.appendingPathComponent("beta.md"), encoding: .utf8)
        try course.write("beta.md", source.replacingOccurrences(of: "lighter than air", with: "lighter than the air"))
        let edited = try course.build(reproducible: false)
        #expect(Self.unchanged(edited) == ["intro.html": true, "ch/alpha.html": true, "ch/alpha-more.html": true, "beta.html": false, "gamma.html": true],
                "\(Self.unchanged(edited))")
        #expect(try course.read("beta.html") != beta && (try course.read("beta.html")).contains("lighter than the air"))

        // A new equation before beta's lift renumbers it: gamma, which cites the lift, is rebuilt too.
        let renumbered = source.replacingOccurrences(of: "Its lift is", with: "Its weight is\n\n$$W = m g$$ (weight)\n\nIts lift is")
        try course.write("beta.md", renumbered)
        let moved = try course.build(reproducible: false)
        #expect(Self.unchanged(moved) == ["intro.html": true, "ch/alpha.html": true, "ch/alpha-more.html": true, "beta.html": false, "gamma.html": false],
                "\(Self.unchanged(moved))")
        #expect(try course.read("gamma.html").contains("title=\"Equation (3.2)\">(3.2)</a>"))
    }

    static func modified(_ url: URL) throws -> Date {
        try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date)
    }

    @Test func aRebuildWithNothingChangedParsesRunsAndWritesNothing() throws {
        let course = try TestCourse()
        defer { course.remove() }
        let first = try course.build(reproducible: false)
        #expect(!first.failed, "\(first.diagnostics.map(\.description))")
        #expect(first.record.pagesParsed == 5)
        let gamma = course.site.appendingPathComponent("gamma.html")
        let written = try Self.modified(gamma), css = try Self.modified(course.site.appendingPathComponent("site.css"))

        // Nothing changed: no page parsed, no cell run, no page of the site written; the record says so.
        let again = try course.build(reproducible: false)
        #expect(!again.failed && again.diagnostics == first.diagnostics, "\(again.diagnostics.map(\.description))")
        #expect(again.record.pagesParsed == 0)
        #expect(Self.unchanged(again).values.allSatisfy { $0 })
        #expect(again.record.pages.allSatisfy { $0.cells.allSatisfy { $0.status == "cached" || $0.status == "skipped" } })
        #expect(again.record.dataReads == [])
        #expect(try Self.modified(gamma) == written && (try Self.modified(course.site.appendingPathComponent("site.css"))) == css)
        let record = try String(contentsOf: course.site.appendingPathComponent("build.json"), encoding: .utf8)
        #expect(record.contains("\"pages_parsed\" : 0") && !record.contains("\"status\" : \"ok\""))

        // A new title for beta: every page is parsed again, and each page's table of contents names it.
        let source = try String(contentsOf: course.folder.appendingPathComponent("beta.md"), encoding: .utf8)
        try course.write("beta.md", source.replacingOccurrences(of: "title: Beta", with: "title: Airships"))
        let retitled = try course.build(reproducible: false)
        #expect(retitled.record.pagesParsed == 5)
        #expect(try course.read("gamma.html").contains("Airships") && course.read("intro.html").contains("Airships"))

        // A removed output file is written again.
        try FileManager.default.removeItem(at: gamma)
        #expect(try course.build(reproducible: false).record.pagesParsed == 5)
        #expect(FileManager.default.fileExists(atPath: gamma.path))
        #expect(try course.build(reproducible: false).record.pagesParsed == 0)

        // A new file in the course folder (a page the manifest may list, a file a page may read) rebuilds.
        try course.write("notes.txt", "new")
        #expect(try course.build(reproducible: false).record.pagesParsed == 5)
    }

    /// A data set outside the course folder is one of the build's inputs too.
    @Test func aChangedDataSetOutsideTheCourseRebuilds() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("nbrun-data-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: data) }
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let course = try CourseDataTests.course()
        defer { course.remove() }
        // The course's data, moved out of its folder and named by an absolute path.
        let inside = course.folder.appendingPathComponent("data/images.idx")
        let outside = data.appendingPathComponent("images.idx")
        try FileManager.default.copyItem(at: inside, to: outside)
        for page in try FileManager.default.contentsOfDirectory(atPath: course.folder.path) where page.hasSuffix(".md") {
            let text = try String(contentsOf: course.folder.appendingPathComponent(page), encoding: .utf8)
            try course.write(page, text.replacingOccurrences(of: "data/images.idx", with: outside.path))
        }
        let first = try course.build(reproducible: false)
        #expect(!first.failed, "\(first.diagnostics.map(\.description))")
        #expect(try course.build(reproducible: false).record.pagesParsed == 0)
        var images = DataFixtures.imagesFile(count: 6)
        images[16] ^= 0xFF
        _ = try DataFixtures.write(images, to: outside)
        let again = try course.build(reproducible: false)
        #expect(again.record.pagesParsed == 3)
        #expect(Self.unchanged(again).values.allSatisfy { !$0 }, "\(Self.unchanged(again))")
    }

    @Test func aChangedInputFileRebuildsThePage() throws {
        let course = try CourseDataTests.course()
        defer { course.remove() }
        _ = try course.build(reproducible: false)
        // Touching the data (new bytes, same rows) makes every page that loads it run again.
        var images = DataFixtures.imagesFile(count: 6)
        images[16] ^= 0xFF  // the first pixel, past the 16-byte header
        _ = try DataFixtures.write(images, to: course.folder.appendingPathComponent("data/images.idx"))
        let again = try course.build(reproducible: false)
        #expect(!again.failed, "\(again.diagnostics.map(\.description))")
        #expect(Self.unchanged(again).values.allSatisfy { !$0 }, "\(Self.unchanged(again))")
        #expect(again.record.dataReads?.first?.reads == 1)
    }
}
