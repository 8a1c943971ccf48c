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
        var copy = self
        while let last = copy.last, last == " " || last == "\t" { copy.removeLast() }
        return copy
    }
}
