import Foundation

/// Formats tensors for `{eval}` output and numbers for prose.
///
/// Tables use `digits` decimals (3 by default: `0.090 0.245 0.665`); integer-valued
/// tensors (labels, one-hot rows, counts) print without decimals; values too large or too
/// small for fixed notation switch to exponents; `inf`, `-inf` and `nan` print as such.
/// Tensors larger than `maxRows` × `maxColumns` show their top-left corner.
public struct TensorFormatter: Sendable {
    public var digits: Int
    public var maxRows: Int
    public var maxColumns: Int

    public init(digits: Int = 3, maxRows: Int = 8, maxColumns: Int = 10) {
        self.digits = digits
        self.maxRows = maxRows
        self.maxColumns = maxColumns
    }

    /// One value as a table shows it; `integers` when the whole tensor is integer-valued.
    public func format(_ value: Double, integers: Bool = false) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if integers { return String(Int(value)) }
        let magnitude = abs(value)
        if magnitude != 0 && (magnitude >= 1e6 || magnitude < 0.5 * Foundation.pow(10, -Double(digits))) {
            return String(format: "%.\(max(0, digits - 1))e", value)
        }
        let text = String(format: "%.\(digits)f", value)
        return text == "-" + String(format: "%.\(digits)f", 0.0) ? String(text.dropFirst()) : text
    }

    public static func isIntegerValued(_ tensor: Tensor) -> Bool {
        tensor.data.allSatisfy { $0.isFinite && $0.rounded() == $0 && abs($0) < 1e15 }
    }

    /// `digits` significant digits in the shortest usual notation (`%g`).
    public static func significant(_ value: Double, _ digits: Int) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        return String(format: "%.\(digits)g", value)
    }

    /// A number for prose: integers as integers, others with 3 significant digits
    /// (0.8312 → 0.831, 12.345 → 12.3), large numbers rounded to whole numbers.
    public static func compact(_ value: Double) -> String {
        if !value.isFinite { return significant(value, 3) }
        if value.rounded() == value, abs(value) < 1e15 { return String(Int(value)) }
        if abs(value) >= 1000, abs(value) < 1e15 { return String(Int(value.rounded())) }
        return significant(value, 3)
    }
}
