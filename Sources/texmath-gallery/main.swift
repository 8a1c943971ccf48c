import Foundation
import TeXMath

// texmath-gallery CASES OUT.html: a page of every golden case (name, TeX source, warnings,
// the MathML rendered in text and display style) with the math font embedded, for review
// by eye after the golden file is re-recorded. `make math-gallery` builds it and takes a
// screenshot with headless Chromium.

struct GoldenCase {
    var name: String
    var display: Bool
    var tex: String
}

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: texmath-gallery Tests/TeXMathTests/Fixtures/golden-cases.txt out.html\n".utf8))
    exit(2)
}
let casesText: String
do {
    casesText = try String(contentsOfFile: arguments[1], encoding: .utf8)
} catch {
    FileHandle.standardError.write(Data("texmath-gallery: cannot read \(arguments[1]): \(error.localizedDescription)\n".utf8))
    exit(1)
}
// "name | block|inline | TeX" per line; # starts a comment (the format GoldenTests reads).
let cases: [GoldenCase] = casesText.split(separator: "\n").compactMap { line in
    if line.hasPrefix("#") { return nil }
    let parts = line.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false)
    guard parts.count == 3 else { return nil }
    var tex = String(parts[2])
    if tex.hasPrefix(" ") { tex.removeFirst() }
    return GoldenCase(name: parts[0].trimmingCharacters(in: .whitespaces),
                      display: parts[1].trimmingCharacters(in: .whitespaces) == "block", tex: tex)
}

let converter = MathMLConverter()
var rows = ""
var allMath = ""
for golden in cases {
    let result = converter.convert(golden.tex, display: golden.display)
    allMath += result.mathML
    var source = ""
    for scalar in golden.tex.unicodeScalars {
        switch scalar {
        case "&": source += "&amp;"
        case "<": source += "&lt;"
        case ">": source += "&gt;"
        default: source.unicodeScalars.append(scalar)
        }
    }
    let note = result.warnings.isEmpty ? "" : "<div class=warn>"
        + result.warnings.map { "\($0.offset): \($0.message)" }.joined(separator: "<br>")
            .replacingOccurrences(of: "<br", with: "\u{1}").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: "\u{1}", with: "<br") + "</div>"
    rows += "<tr><td class=name>\(golden.name)</td><td><code>\(source)</code>\(note)</td>"
        + "<td>\(golden.display ? "" : "text ")\(result.mathML)\(golden.display ? "" : " text")</td></tr>\n"
}
let fontCSS = MathFont.fontFaceCSS(forText: allMath) ?? ""
let html = """
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>TeX math gallery</title>
<style>\(fontCSS)
body { font-family: serif; margin: 1em; }
math { font-family: \(MathFont.fontStack); font-size: 1.15em; }
table { border-collapse: collapse; width: 100%; }
td { border-bottom: 1px solid #ddd; padding: 2px 8px; vertical-align: middle; }
td.name { font: 12px sans-serif; color: #555; width: 9em; }
td code { font-size: 11px; white-space: pre-wrap; word-break: break-all; }
td:nth-child(2) { width: 34%; }
.warn { color: #b00; font: 11px sans-serif; }
</style></head><body>
<table>
\(rows)</table></body></html>
"""

do {
    try html.write(toFile: arguments[2], atomically: true, encoding: .utf8)
} catch {
    FileHandle.standardError.write(Data("texmath-gallery: cannot write \(arguments[2]): \(error.localizedDescription)\n".utf8))
    exit(1)
}
print("wrote \(arguments[2]) (\(cases.count) cases)")
