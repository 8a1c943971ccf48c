import Foundation
import Testing
import TeXMath

/// Writes an HTML page of every golden case when `TEXMATH_GALLERY=path.html` is set, for review by eye.
@Suite struct GalleryTests {
    @Test func writeGallery() throws {
        guard let path = ProcessInfo.processInfo.environment["TEXMATH_GALLERY"], !path.isEmpty else { return }
        let converter = MathMLConverter()
        var rows = ""
        var allMath = ""
        for golden in GoldenCase.all {
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
        try html.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
