import Foundation

/// A line of text with the location of its first character.
public struct SourceLine: Sendable, Hashable {
    public var text: String
    public var location: SourceLocation

    public init(text: String, location: SourceLocation) {
        self.text = text
        self.location = location
    }
}

extension String {
    /// The text without the spaces and tabs at its end.
    package func trimmingTrailingWhitespace() -> String {
        // Blanks never combine with what precedes them, so bytes decide as characters would.
        var end = utf8.endIndex
        while end > utf8.startIndex {
            let before = utf8.index(before: end)
            guard utf8[before] == UInt8(ascii: " ") || utf8[before] == UInt8(ascii: "\t") else { break }
            end = before
        }
        return end == utf8.endIndex ? self : String(Substring(utf8[..<end]))
    }
}

extension StringProtocol where UTF8View: BidirectionalCollection {
    /// The text without the blanks at either end: the same as `trimmingCharacters(in: .whitespaces)`,
    /// read from the bytes when the ends are ASCII (most lines), from Foundation otherwise.
    package func trimmingWhitespace() -> String {
        let bytes = utf8
        var start = bytes.startIndex, end = bytes.endIndex
        func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        while start < end, isBlank(bytes[start]) { start = bytes.index(after: start) }
        while start < end, isBlank(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        guard start < end else { return "" }
        // A non-ASCII end may be another Unicode blank (a no-break space, an ideographic space).
        if bytes[start] >= 0x80 || bytes[bytes.index(before: end)] >= 0x80 {
            return String(decoding: bytes[start..<end], as: UTF8.self).trimmingCharacters(in: .whitespaces)
        }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

extension String {
    /// Whether `needle`'s bytes occur in the text: a byte search (memchr, then memcmp), far
    /// faster on long text and many lines than Foundation's `contains` or the generic `firstRange(of:)`.
    package func containsBytes(of needle: String) -> Bool {
        var text = self, needle = needle
        return text.withUTF8 { haystack in
            needle.withUTF8 { wanted in
                guard !wanted.isEmpty else { return true }
                guard haystack.count >= wanted.count, let base = haystack.baseAddress, let first = wanted.baseAddress else { return false }
                let lastStart = haystack.count - wanted.count
                var start = 0
                while start <= lastStart {
                    guard let hit = memchr(base + start, Int32(first.pointee), lastStart - start + 1) else { return false }
                    let offset = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if memcmp(base + offset, first, wanted.count) == 0 { return true }
                    start = offset + 1
                }
                return false
            }
        }
    }
}
