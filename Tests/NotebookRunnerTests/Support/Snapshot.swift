import Foundation
import Testing

/// Compares `text` with `Snapshots/<name>` beside the calling test file.
///
/// Set `NBRUN_RECORD_SNAPSHOTS=1` to write the file anew; a run that had to record
/// fails, so a new snapshot is always looked at before it is committed.
func assertSnapshot(_ text: String, named name: String, filePath: String = #filePath,
                    sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    let url = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        .appendingPathComponent("Snapshots").appendingPathComponent(name)
    let recording = ProcessInfo.processInfo.environment["NBRUN_RECORD_SNAPSHOTS"] != nil
    if recording || !FileManager.default.fileExists(atPath: url.path) {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        Issue.record("recorded snapshot \(url.path); review it and run again", sourceLocation: sourceLocation)
        return
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    if expected != text {
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let actualLines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let first = zip(expectedLines, actualLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(expectedLines.count, actualLines.count)
        let show = { (lines: [Substring]) in first < lines.count ? String(lines[first]) : "<end>" }
        Issue.record("snapshot \(name) differs at line \(first + 1):\n  expected: \(show(expectedLines))\n  actual:   \(show(actualLines))",
                     sourceLocation: sourceLocation)
    }
}
