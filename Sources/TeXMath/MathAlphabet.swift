/// Maps letters and digits to the Unicode Mathematical Alphanumeric Symbols (`\mathbf`, `\mathbb`, …).
///
/// MathML Core renders only `mathvariant="normal"`, so styled alphabets are written as their own
/// code points, which the math font covers.
enum MathAlphabet: Equatable {
    case upright, bold, italic, boldItalic, script, boldScript, fraktur, doubleStruck
    case sansSerif, sansSerifBold, monospace

    /// The styled form of `scalar`, or nil when this alphabet has no form for it.
    func map(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        let v = scalar.value
        if let hole = MathAlphabet.holes[self]?[scalar] { return Unicode.Scalar(hole) }
        if v >= 0x41, v <= 0x5A, let base = latinBase { return Unicode.Scalar(base + v - 0x41) }
        if v >= 0x61, v <= 0x7A, let base = latinBase { return Unicode.Scalar(base + 26 + v - 0x61) }
        if v >= 0x30, v <= 0x39, let base = digitBase { return Unicode.Scalar(base + v - 0x30) }
        if let base = greekBase, let index = MathAlphabet.greekIndex(v) { return Unicode.Scalar(base + index) }
        return nil
    }

    private var latinBase: UInt32? {
        switch self {
        case .upright: nil
        case .bold: 0x1D400
        case .italic: 0x1D434
        case .boldItalic: 0x1D468
        case .script: 0x1D49C
        case .boldScript: 0x1D4D0
        case .fraktur: 0x1D504
        case .doubleStruck: 0x1D538
        case .sansSerif: 0x1D5A0
        case .sansSerifBold: 0x1D5D4
        case .monospace: 0x1D670
        }
    }

    private var digitBase: UInt32? {
        switch self {
        case .bold, .boldItalic, .boldScript: 0x1D7CE
        case .doubleStruck: 0x1D7D8
        case .sansSerif: 0x1D7E2
        case .sansSerifBold: 0x1D7EC
        case .monospace: 0x1D7F6
        default: nil
        }
    }

    private var greekBase: UInt32? {
        switch self {
        case .bold: 0x1D6A8
        case .italic: 0x1D6E2
        case .boldItalic: 0x1D71C
        case .sansSerifBold: 0x1D756
        default: nil
        }
    }

    /// Position of a Greek letter or symbol within a styled Greek alphabet (Α…Ω, ∇, α…ω, ∂, ϵ, ϑ, ϰ, ϕ, ϱ, ϖ).
    private static func greekIndex(_ v: UInt32) -> UInt32? {
        switch v {
        case 0x391...0x3A9: return v - 0x391
        case 0x3F4: return 17
        case 0x2207: return 25
        case 0x3B1...0x3C9: return 26 + v - 0x3B1
        case 0x2202: return 51
        case 0x3F5: return 52
        case 0x3D1: return 53
        case 0x3F0: return 54
        case 0x3D5: return 55
        case 0x3F1: return 56
        case 0x3D6: return 57
        default: return nil
        }
    }

    /// Letters that Unicode encoded before the Mathematical Alphanumeric block (the block leaves holes).
    private static let holes: [MathAlphabet: [Unicode.Scalar: UInt32]] = [
        .italic: ["h": 0x210E],
        .script: ["B": 0x212C, "E": 0x2130, "F": 0x2131, "H": 0x210B, "I": 0x2110, "L": 0x2112,
                  "M": 0x2133, "R": 0x211B, "e": 0x212F, "g": 0x210A, "o": 0x2134],
        .fraktur: ["C": 0x212D, "H": 0x210C, "I": 0x2111, "R": 0x211C, "Z": 0x2128],
        .doubleStruck: ["C": 0x2102, "H": 0x210D, "N": 0x2115, "P": 0x2119, "Q": 0x211A,
                        "R": 0x211D, "Z": 0x2124],
    ]
}
