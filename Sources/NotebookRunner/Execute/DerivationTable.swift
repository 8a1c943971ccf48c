/// A chain of equal expressions to typeset as aligned math, each line with its verdict:
/// what a `{derive}` cell shows. The renderer converts the TeX; the cell only says what it is.
public struct DerivationTable: Sendable, Hashable, Codable {
    public enum Verdict: String, Sendable, Hashable, Codable {
        /// The chain's first line.
        case start
        case holds
        case fails
        /// A failure that `:expect: fail` asked for.
        case caught
        /// Could not be evaluated.
        case error
    }

    public struct Row: Sendable, Hashable, Codable {
        /// Left of the `=`: the chain's name on its first line, ∂J/∂A on a gradient line, else empty.
        public var lhs: String
        /// The expression, as TeX.
        public var rhs: String
        public var verdict: Verdict
        /// What the mark column says, e.g. "✔ 3.1e-16" or "✘ 0.42".
        public var mark: String
        /// A longer explanation for the mark's tooltip.
        public var detail: String
        /// Where the line is written.
        public var location: SourceLocation
        /// The first line of the chain that is false.
        public var isFirstFailure: Bool

        public init(lhs: String, rhs: String, verdict: Verdict, mark: String, detail: String, location: SourceLocation,
                    isFirstFailure: Bool = false) {
            self.lhs = lhs
            self.rhs = rhs
            self.verdict = verdict
            self.mark = mark
            self.detail = detail
            self.location = location
            self.isFirstFailure = isFirstFailure
        }
    }

    public var rows: [Row]
    public var caption: String?

    public init(rows: [Row], caption: String? = nil) {
        self.rows = rows
        self.caption = caption
    }
}
