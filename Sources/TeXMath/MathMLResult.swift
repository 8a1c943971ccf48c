/// The outcome of converting one TeX formula: a complete `<math>` element plus any warnings.
public struct MathMLResult: Sendable {
    /// A complete `<math xmlns=… display=…>` element, escaped for HTML, with the TeX source as annotation.
    public var mathML: String
    /// Problems found in the source, in source order; empty for a clean formula.
    public var warnings: [MathWarning]

    public init(mathML: String, warnings: [MathWarning]) {
        self.mathML = mathML
        self.warnings = warnings
    }
}
