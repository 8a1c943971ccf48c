import Foundation
import Testing

/// A block of a docs/ file written from a declaration, between two marker lines: a test
/// compares it, and `NBRUN_RECORD_DOCS=1` rewrites it (then the test fails, so a recording
/// never passes silently).
enum GeneratedDocs {
    static func expect(_ file: String, between begin: String, and end: String, holds generated: String, from what: String) throws {
        let url = DataFixtures.repositoryRoot.appendingPathComponent("docs").appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        let start = try #require(text.range(of: begin + "\n"))
        let stop = try #require(text.range(of: end, range: start.upperBound..<text.endIndex))
        let block = "\n" + generated + "\n"
        guard String(text[start.upperBound..<stop.lowerBound]) != block else { return }
        if ProcessInfo.processInfo.environment["NBRUN_RECORD_DOCS"] != nil {
            try (String(text[..<start.upperBound]) + block + String(text[stop.lowerBound...])).write(to: url, atomically: true, encoding: .utf8)
            Issue.record("docs/\(file): recorded the table; run again without NBRUN_RECORD_DOCS")
        } else {
            Issue.record("docs/\(file) differs from \(what) (NBRUN_RECORD_DOCS=1 swift test --filter docs rewrites it)")
        }
    }
}
