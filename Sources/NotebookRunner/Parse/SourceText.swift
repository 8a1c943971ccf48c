import Foundation

/// A notebook's text, decoded and normalised so that line numbers stay exact.
///
/// UTF-8 is required (a byte-order mark is dropped); CRLF and lone CR become LF, which
/// keeps every line at its number. Invalid bytes are an error at their line and column;
/// UTF-16 and UTF-32 (with or without a byte-order mark) and NUL bytes are refused by name,
/// since NUL-laden ASCII would otherwise decode as "valid" UTF-8 with nothing in it.
public struct SourceText: Sendable {
    public let file: String
    public let text: String
    /// The text split at newlines (no terminators).
    public let lines: [String]

    public init(file: String, text: String) {
        self.file = file
        var normalized = text.utf8.contains(UInt8(ascii: "\r"))
            ? text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n") : text
        if normalized.hasPrefix("\u{FEFF}") { normalized.removeFirst() }
        self.text = normalized
        // Split on bytes: a line feed is always a character of its own, and bytes are much faster.
        self.lines = normalized.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(Substring($0)) }
    }

    /// Decodes `bytes`, or throws at the first byte that is not UTF-8.
    public init(file: String, bytes: [UInt8]) throws {
        if let wide = Self.wideEncoding(file: file, bytes: bytes) { throw wide }
        if let text = String(validating: bytes, as: UTF8.self) {
            self.init(file: file, text: text)
            return
        }
        throw Self.invalidUTF8(file: file, bytes: bytes)
    }

    /// Reads and decodes the file at `url`; `file` is the name used in diagnostics. Only a
    /// regular file is read: a folder, a FIFO, a device or a socket is refused by its type
    /// before a byte is read (so nothing waits for a writer or reads forever).
    public init(contentsOf url: URL, file: String) throws {
        let location = SourceLocation(file: file, line: 1)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw Diagnostic.error("no such notebook", at: location,
                                   hint: "check the path; notebooks are Markdown files such as notebooks/intro.md")
        }
        if let problem = Self.notARegularFile(url, file: file) { throw problem }
        let bytes: [UInt8]
        do {
            let contents = try FileBytes(url, role: "notebook", displayName: file, gunzips: false)
            bytes = try contents.read(limit: contents.size)
        } catch let diagnostic as Diagnostic {
            throw diagnostic.located(at: location)
        }
        try self.init(file: file, bytes: bytes)
    }

    /// Why the thing at `url` cannot be a notebook — a folder, a FIFO, a device, a socket —
    /// or nil when it is a regular file (links followed) or nothing is there.
    public static func notARegularFile(_ url: URL, file: String) -> Diagnostic? {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return nil }
        let location = SourceLocation(file: file, line: 1)
        if (info.st_mode & S_IFMT) == S_IFDIR {
            return Diagnostic.error("\(file) is a folder, not a notebook", at: location, hint: "name the Markdown files in it, e.g. \(file)/*.md")
        }
        do {
            try FileBytes.requireRegular(info.st_mode, subject: file, hint: "a notebook is a Markdown file such as notebooks/intro.md")
            return nil
        } catch {
            return Executor.diagnostic(from: error, location: location)
        }
    }

    /// The location of the first character of line `line` (1-based), at `column`.
    public func location(line: Int, column: Int = 1) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }

    /// Line `number` (1-based), or "" past the end.
    public func line(_ number: Int) -> String {
        lines.indices.contains(number - 1) ? lines[number - 1] : ""
    }

    /// An error when `bytes` are UTF-16 or UTF-32 (by byte-order mark, or by NUL bytes
    /// between ASCII ones) or otherwise hold a NUL byte.
    private static func wideEncoding(file: String, bytes: [UInt8]) -> Diagnostic? {
        let hint = "save the file as UTF-8, e.g. iconv -f utf-16 -t utf-8 notebook.md > notebook-utf8.md"
        let marks: [([UInt8], String)] = [([0xFF, 0xFE, 0, 0], "UTF-32LE"), ([0, 0, 0xFE, 0xFF], "UTF-32BE"),
                                          ([0xFF, 0xFE], "UTF-16LE"), ([0xFE, 0xFF], "UTF-16BE")]
        for (mark, name) in marks where bytes.starts(with: mark) {
            return Diagnostic.error("the notebook is \(name) text (it starts with a \(name) byte-order mark); nbrun reads UTF-8",
                                    at: SourceLocation(file: file, line: 1, column: 1), hint: hint)
        }
        guard let nul = bytes.firstIndex(of: 0) else { return nil }
        let prefix = bytes[..<nul]
        let line = prefix.count { $0 == 0x0A } + 1
        let column = prefix.count - ((prefix.lastIndex(of: 0x0A)).map { $0 + 1 } ?? 0) + 1
        let sample = bytes.prefix(64)
        let evenZeros = stride(from: 0, to: sample.count, by: 2).count { sample[$0] == 0 }
        let oddZeros = stride(from: 1, to: sample.count, by: 2).count { sample[$0] == 0 }
        let pairs = sample.count / 2
        let guess = oddZeros * 4 >= pairs * 3 ? " (it looks like UTF-16LE text)"
            : evenZeros * 4 >= pairs * 3 ? " (it looks like UTF-16BE text)" : ""
        return Diagnostic.error("the notebook contains a NUL byte at offset \(nul)\(guess); nbrun reads UTF-8",
                                at: SourceLocation(file: file, line: line, column: column), hint: hint)
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
