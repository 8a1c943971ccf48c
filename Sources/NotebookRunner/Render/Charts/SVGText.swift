import Foundation

/// Small helpers shared by the SVG charts: escaping, number formatting, nice tick values.
enum SVGText {
    /// Escapes text for SVG element content and attribute values.
    static func escape(_ text: String) -> String {
        HTML.escape(text)
    }

    /// A coordinate with at most two decimals.
    static func coordinate(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.2f", rounded)
    }

    /// About `count` evenly spaced round values (1, 2 or 5 × 10ⁿ apart) covering `low…high`.
    static func ticks(from low: Double, to high: Double, count: Int = 5) -> [Double] {
        guard high > low, low.isFinite, high.isFinite else { return [low] }
        let raw = (high - low) / Double(max(1, count))
        let exponent = floor(log10(raw))
        let magnitude = pow(10, exponent)
        let mantissa = [1.0, 2, 5, 10].first { $0 * magnitude >= raw } ?? 10
        let step = mantissa * magnitude
        // k · mantissa / 10ⁿ: exact decimal ticks such as 0.6, not 6 × 0.1 = 0.6000000000000001.
        let first = Int((low / step - 1e-9).rounded(.up)), last = Int((high / step + 1e-9).rounded(.down))
        guard first <= last else { return [low] }
        return (first...last).map { k in
            exponent < 0 ? Double(k) * mantissa / pow(10, -exponent) : Double(k) * step
        }
    }

    /// A tick label: as few decimals as the step needs.
    static func label(_ value: Double, step: Double) -> String {
        let decimals = step >= 1 ? 0 : min(6, Int((-log10(step)).rounded(.up)))
        return String(format: "%.\(decimals)f", value)
    }
}
