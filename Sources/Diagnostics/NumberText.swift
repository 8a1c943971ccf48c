import Foundation

/// How numbers are written in cell outputs, messages and help: one place for every format.
public enum NumberText {
    /// 10000 → "10,000".
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// A fixed number of decimals: `fixed(0.83125)` → "0.8313".
    public static func fixed(_ value: Double, digits: Int = 4) -> String {
        String(format: "%.\(digits)f", value)
    }

    /// As people write settings such as learning rates: 0.01, 1e-05, 1e+30.
    public static func compact(_ value: Double) -> String {
        String(format: "%g", value)
    }

    /// Three significant digits: 0.00123, 45.6, 1.23e+04.
    public static func significant(_ value: Double) -> String {
        String(format: "%.3g", value)
    }

    /// Whole numbers without a decimal point, others as Swift prints them: `86400`, `0.001`.
    public static func plain(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
