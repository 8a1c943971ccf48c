import Foundation
import Testing
import TeXMath

/// One golden case: a TeX formula, its mode, and the MathML body expected between `<semantics>` and `<annotation>`.
struct GoldenCase: CustomTestStringConvertible, Sendable {
    var name: String
    var display: Bool
    var tex: String
    var expected: String?

    var testDescription: String { name }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let casesFile = fixtures.appendingPathComponent("golden-cases.txt")
    static let goldenFile = fixtures.appendingPathComponent("golden.txt")

    /// All cases from `golden-cases.txt`, joined with the expected bodies from `golden.txt`.
    static let all: [GoldenCase] = {
        let expected = (try? String(contentsOf: goldenFile, encoding: .utf8)).map(parseGolden) ?? [:]
        let text = (try? String(contentsOf: casesFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: true).compactMap { line in
            if line.hasPrefix("#") { return nil }
            let parts = line.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { return nil }
            let name = parts[0].trimmingCharacters(in: .whitespaces)
            var tex = String(parts[2])
            if tex.hasPrefix(" ") { tex.removeFirst() }
            return GoldenCase(name: name, display: parts[1].trimmingCharacters(in: .whitespaces) == "block",
                              tex: tex, expected: expected[name])
        }
    }()

    private static func parseGolden(_ text: String) -> [String: String] {
        var table: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let tab = line.firstIndex(of: "\t") else { continue }
            table[String(line[..<tab])] = String(line[line.index(after: tab)...])
        }
        return table
    }

    /// The part of a `<math>` element between `<semantics>` and `<annotation`.
    static func body(of mathML: String) -> String {
        guard let start = mathML.range(of: "<semantics>"), let end = mathML.range(of: "<annotation") else {
            return mathML
        }
        return String(mathML[start.upperBound..<end.lowerBound])
    }
}
