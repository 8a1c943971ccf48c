import Foundation

/// Evaluates an inline `` {eval}`EXPR` `` role of prose to the text that replaces it.
///
/// The expression sees what `{eval}` cells see: cells' metrics as `label.metric`, names
/// bound by earlier `{eval}` lines, and X, y, Y, N, W, b (32 rows, seed 0).
/// An optional format follows the last colon:
///
/// | suffix  | meaning                          | 0.8312 gives |
/// |---------|----------------------------------|--------------|
/// | (none)  | 3 significant digits; integers as integers | `0.831` |
/// | `:.2f`  | fixed, 2 decimals                | `0.83`       |
/// | `:.1%`  | percent, 1 decimal               | `83.1%`      |
/// | `:%`    | percent, 3 significant digits    | `83.1%`      |
/// | `:.3e`  | scientific, 3 decimals           | `8.312e-01`  |
/// | `:.4g`  | 4 significant digits             | `0.8312`     |
/// | `:d`    | rounded to a whole number        | `1`          |
///
/// A short vector (up to 10 values) prints as `[0.090, 0.245, 0.665]`, each value formatted.
public enum InlineExpression {
    public static func evaluate(_ source: String, at location: SourceLocation, in state: NotebookState) throws -> String {
        let (expression, format) = try split(source, at: location)
        let parsed = try ExpressionParser.parse(expression, at: location)
        let scope = ExpressionBindings(state: state, samples: 32, seed: 0).scope
        return try text(of: try scope.evaluate(parsed), format: format, at: location)
    }

    /// A number, or a short vector as `[0.090, 0.245, 0.665]`, in `format`.
    static func text(of value: Tensor, format: Format, at location: SourceLocation,
                     hint: String = "reduce it (mean(…), sum(…)) or pick an entry (x[0])") throws -> String {
        if value.isScalar { return format.apply(value.data[0]) }
        guard value.rank == 1, value.count <= 10 else {
            throw Diagnostic.error("an inline value must be a number or a short vector, but this is \(value.shapeDescription)", at: location,
                                   hint: hint)
        }
        let integers = TensorFormatter.isIntegerValued(value)
        return "[" + value.data.map { format.apply($0, inList: true, integers: integers) }.joined(separator: ", ") + "]"
    }

    /// A format suffix such as `.1%`.
    struct Format {
        enum Style { case compact, fixed, percent, percentCompact, scientific, significant, integer }
        var style: Style = .compact
        var digits = 3

        func apply(_ value: Double, inList: Bool = false, integers: Bool = false) -> String {
            if !value.isFinite { return TensorFormatter.significant(value, 3) }
            switch style {
            case .compact: return inList ? TensorFormatter(digits: digits).format(value, integers: integers) : TensorFormatter.compact(value)
            case .fixed: return String(format: "%.\(digits)f", value)
            case .percent: return String(format: "%.\(digits)f", value * 100) + "%"
            case .percentCompact: return TensorFormatter.compact(value * 100) + "%"
            case .scientific: return String(format: "%.\(digits)e", value)
            case .significant: return String(format: "%.\(max(1, digits))g", value)
            case .integer: return Swift.abs(value) < 1e15 ? String(Int(value.rounded())) : String(format: "%.0f", value)
            }
        }
    }

    /// Splits `expr:spec` at the last colon when what follows is a format.
    static func split(_ source: String, at location: SourceLocation) throws -> (String, Format) {
        let scalars = Array(source.unicodeScalars)
        guard let colon = scalars.lastIndex(of: ":") else { return (source, Format()) }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[(colon + 1)...])
        let spec = String(view).trimmingCharacters(in: .whitespaces)
        var before = String.UnicodeScalarView()
        before.append(contentsOf: scalars[..<colon])
        // A colon inside brackets is a slice, not a format.
        let depth = scalars[..<colon].reduce(0) { $0 + ($1 == "[" ? 1 : $1 == "]" ? -1 : 0) }
        if depth > 0 { return (source, Format()) }
        return (String(before), try format(spec, at: location.advanced(byColumns: colon + 1)))
    }

    /// The format `spec` (`.1%`, `d`, …) stands for.
    static func format(_ spec: String, at specLocation: SourceLocation) throws -> Format {
        if spec == "d" { return Format(style: .integer) }
        if spec == "%" { return Format(style: .percentCompact) }
        guard spec.hasPrefix("."), let kind = spec.last, let digits = Int(spec.dropFirst().dropLast()), (0...15).contains(digits) else {
            throw Diagnostic.error("unknown format '\(spec)'", at: specLocation,
                                   hint: "formats: .2f (fixed), .1% (percent), % , .3e (scientific), .4g (significant), d (whole number)")
        }
        let style: Format.Style
        switch kind {
        case "f": style = .fixed
        case "%": style = .percent
        case "e": style = .scientific
        case "g": style = .significant
        default:
            throw Diagnostic.error("unknown format '\(spec)'", at: specLocation,
                                   hint: "formats end in f, %, e or g, e.g. .1%")
        }
        return Format(style: style, digits: digits)
    }
}
