/// Colour maps for charts and weight images: values to 8-bit RGB.
public enum ColorMap {
    public struct RGB: Sendable, Hashable {
        public var red: UInt8, green: UInt8, blue: UInt8

        public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
            self.red = red
            self.green = green
            self.blue = blue
        }

        /// The colour written `#rrggbb` (nil for anything else).
        public init?(hex: String) {
            guard hex.count == 7, hex.hasPrefix("#"), let value = UInt32(hex.dropFirst(), radix: 16) else { return nil }
            self.init(UInt8(value >> 16), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF))
        }

        /// `#rrggbb` for SVG and CSS.
        public var hex: String {
            "#" + [red, green, blue].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        }
    }

    // Anchors of ColorBrewer's RdBu scheme: dark blue, white, dark red.
    static let blue = (r: 33.0, g: 102.0, b: 172.0)
    static let red = (r: 178.0, g: 24.0, b: 43.0)
    static let lightest = (r: 247.0, g: 251.0, b: 255.0)
    static let sequentialDark = (r: 8.0, g: 69.0, b: 148.0)

    /// Diverging blue–white–red: −1 is blue, 0 white, +1 red (values are clamped).
    public static func diverging(_ value: Double) -> RGB {
        let t = value.isFinite ? min(1, max(-1, value)) : 0
        let anchor = t < 0 ? blue : red
        let a = abs(t)
        return RGB(mix(255, anchor.r, a), mix(255, anchor.g, a), mix(255, anchor.b, a))
    }

    /// Sequential white to dark blue for 0…1 (values are clamped).
    public static func sequential(_ value: Double) -> RGB {
        let t = value.isFinite ? min(1, max(0, value)) : 0
        return RGB(mix(lightest.r, sequentialDark.r, t), mix(lightest.g, sequentialDark.g, t), mix(lightest.b, sequentialDark.b, t))
    }

    /// Whether text on `color` should be white rather than black (by relative luminance).
    public static func needsLightText(on color: RGB) -> Bool {
        0.2126 * Double(color.red) + 0.7152 * Double(color.green) + 0.0722 * Double(color.blue) < 128
    }

    private static func mix(_ from: Double, _ to: Double, _ t: Double) -> UInt8 {
        UInt8((from + (to - from) * t).rounded())
    }
}
