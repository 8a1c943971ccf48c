/// A position in a source file: 1-based line and column (columns count Unicode scalars).
public struct SourceLocation: Hashable, Sendable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int = 1) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:col`, the prefix every diagnostic starts with.
    public var description: String { "\(file):\(line):\(column)" }

    /// The same file and line, `offset` columns further right.
    public func advanced(byColumns offset: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column + offset)
    }

    /// The same file, `offset` lines further down, at `column`.
    public func advanced(byLines offset: Int, column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line + offset, column: column)
    }
}
