import Foundation
import Testing
@testable import NotebookRunner

/// `nbrun build --pdf`: the course printed by headless Chromium, read back with poppler's
/// `pdftotext`: a sheet per chapter start, the chapters in order, the contents' page numbers
/// the sheets the chapters start on, the running header, formulas typeset.
@Suite struct CoursePDFTests {
    static let pdftotext = "/usr/bin/pdftotext"

    /// The text of `pdf`, one string per sheet.
    static func sheets(_ pdf: URL) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: pdftotext)
        process.arguments = ["-layout", pdf.path, "-"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var sheets = String(decoding: data, as: UTF8.self).components(separatedBy: "\u{0C}")
        if sheets.last?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == true { sheets.removeLast() }
        return sheets
    }

    @Test func findsEachNamedDestinationsSheet() {
        // The shape Chromium writes: a catalog, a page tree two levels deep, the named destinations.
        let pdf = """
            %PDF-1.4
            1 0 obj
            <</Type /Page /Parent 5 0 R>>
            endobj
            2 0 obj
            <</Type /Page /Parent 5 0 R>>
            endobj
            3 0 obj
            <</Type /Page /Parent 6 0 R>>
            endobj
            5 0 obj
            <</Type /Pages /Count 2 /Kids [1 0 R 2 0 R]>>
            endobj
            6 0 obj
            <</Type /Pages /Count 1 /Kids [3 0 R]>>
            endobj
            7 0 obj
            <</Type /Pages /Count 3 /Kids [5 0 R 6 0 R]>>
            endobj
            8 0 obj
            <</intro [1 0 R /XYZ 6 826 0]
            /ch#2Falpha [3 0 R /XYZ 6 826 0]
            /nb-checked-results [2 0 R /XYZ 6 800 0]>>
            endobj
            9 0 obj
            <</Type /Catalog
            /Pages 7 0 R
            /Dests 8 0 R>>
            endobj
            """
        #expect(CoursePDF.firstPages(of: Data(pdf.utf8)) == ["intro": 1, "nb-checked-results": 2, "ch/alpha": 3])
        #expect(CoursePDF.firstPages(of: Data("%PDF-1.4 nothing".utf8)).isEmpty)
    }

    @Test func missingChromiumNamesThePackage() {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("nbrun-no-chromium-\(UUID().uuidString)")
        #expect {
            _ = try ChromiumPrinter.locate(environment: ["PATH": empty.path])
        } throws: { error in
            let diagnostic = error as? Diagnostic
            return diagnostic?.message.contains("not installed") == true && diagnostic?.hint?.contains("apt-get install chromium") == true
        }
    }

    @Test(.enabled(if: HeadlessChromium.isAvailable && FileManager.default.isExecutableFile(atPath: pdftotext)))
    func printsTheCourseWithContentsPageNumbersAndHeaders() throws {
        let course = try TestCourse()
        defer { course.remove() }
        let outcome = try course.build { $0.printer = try? ChromiumPrinter.locate() }
        #expect(!outcome.failed, "\(outcome.diagnostics.map(\.description))")
        let pdf = course.site.appendingPathComponent(CoursePDF.file)
        #expect(String(decoding: try Data(contentsOf: pdf).prefix(5), as: UTF8.self) == "%PDF-")
        #expect(!FileManager.default.fileExists(atPath: course.site.appendingPathComponent(".nbrun-print").path), "the scratch folder is removed")
        let sheets = try Self.sheets(pdf)
        // The contents, then each of the five pages and the checked results from a new sheet.
        #expect(sheets.count >= 7, "\(sheets.count) sheets")
        let titles = ["Introduction", "Alpha", "Alpha, continued", "Beta", "Gamma", "Checked results"]
        var starts: [Int] = []
        for title in titles {
            // The sheet whose first line of text under the header is the page's title.
            let start = sheets.indices.first { index in
                index > 0 && sheets[index].split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty }.dropFirst().first == title
            }
            #expect(start != nil, "no sheet starts with \(title): \(sheets.map { $0.prefix(120) })")
            starts.append((start ?? -1) + 1)
        }
        #expect(starts == starts.sorted(), "chapters in order: \(starts)")
        // The contents list each chapter with the sheet it starts on.
        let contents = sheets[0].split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        for (title, start) in zip(["1. Introduction", "2. Alpha", "3. Beta", "4. Gamma", "Checked results"], [starts[0], starts[1], starts[3], starts[4], starts[5]]) {
            #expect(contents.contains("\(title) \(start)"), "contents line for \(title) → \(start): \(contents)")
        }
        // Running header: the course title and the chapter; the sheet's number at its foot.
        let beta = sheets[starts[3] - 1]
        #expect(beta.contains("Test course") && beta.contains("3. Beta"), "\(beta)")
        #expect(beta.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?.trimmingCharacters(in: .whitespaces) == "\(starts[3])")
        // Formulas are typeset (MathML drawn as math glyphs, not TeX source).
        let alpha = sheets[starts[1] - 1]
        #expect(alpha.contains("∑") && !alpha.contains("\\sum"), "\(alpha)")
        #expect(sheets.joined().contains("zeppelin"))
    }
}
