/// A problem found while converting TeX math: the formula still renders, with the bad part marked.
public struct MathWarning: Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, e.g. `unknown command \foo`.
    public var message: String
    /// Position of the problem, in Unicode scalars from the start of the TeX source.
    public var offset: Int

    public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(offset): \(message)" }
}
