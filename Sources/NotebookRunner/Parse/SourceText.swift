import Foundation

/// A notebook's text, decoded and normalised so that line numbers stay exact.
///
/// UTF-8 is required (a byte-order mark is dropped); CRLF and lone CR become LF, which
/// keeps every line at its number. Invalid bytes are an error at their line and column.
public struct SourceText: Sendable {
    public let file: String
    public let text: String
    /// The text split at newlines (no terminators).
    public let lines: [String]

    public init(file: String, text: String) {
        self.file = file
        var normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        if normalized.hasPrefix("\u{FEFF}") { normalized.removeFirst() }
        self.text = normalized
        self.lines = normalized.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Decodes `bytes`, or throws at the first byte that is not UTF-8.
    public init(file: String, bytes: [UInt8]) throws {
        if let text = String(validating: bytes, as: UTF8.self) {
            self.init(file: file, text: text)
            return
        }
        throw Self.invalidUTF8(file: file, bytes: bytes)
    }

    /// Reads and decodes the file at `url`; `file` is the name used in diagnostics.
    public init(contentsOf url: URL, file: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            let exists = FileManager.default.fileExists(atPath: url.path)
            throw Diagnostic.error(exists ? "cannot read notebook: \(error.localizedDescription)" : "no such notebook",
                                   at: SourceLocation(file: file, line: 1),
                                   hint: exists ? "check the file's permissions" : "check the path; notebooks are Markdown files such as notebooks/intro.md")
        }
        try self.init(file: file, bytes: [UInt8](data))
    }

    /// The location of the first character of line `line` (1-based), at `column`.
    public func location(line: Int, column: Int = 1) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }

    /// Line `number` (1-based), or "" past the end.
    public func line(_ number: Int) -> String {
        lines.indices.contains(number - 1) ? lines[number - 1] : ""
    }

    private static func invalidUTF8(file: String, bytes: [UInt8]) -> Diagnostic {
        var line = 1, column = 1
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        var consumedBefore = 0
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                consumedBefore = offset
                offset += UTF8.width(scalar)
                if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
            case .emptyInput:
                break loop
            case .error:
                _ = consumedBefore
                break loop
            }
        }
        let byte = offset < bytes.count ? String(format: "0x%02X", bytes[offset]) : "end of file"
        return Diagnostic.error("the notebook is not valid UTF-8 (byte \(byte) at offset \(offset))",
                                at: SourceLocation(file: file, line: line, column: column),
                                hint: "save the file as UTF-8, e.g. iconv -f latin1 -t utf-8")
    }
}
