import Foundation

/// The OpenType math font embedded in reports so formulas render the same everywhere, offline.
///
/// The font is read from the system (Debian `fonts-lmodern`, else `fonts-texgyre-math`), reduced to
/// the glyphs a report needs, wrapped as WOFF and inlined as a `data:` URL.
public enum MathFont {
    /// The CSS family name the embedded font is declared under, whichever file was found.
    public static let family = "Latin Modern Math"

    /// A CSS `font-family` value for `math` elements: the embedded font, then common system math fonts.
    public static let fontStack = "\"Latin Modern Math\", \"STIX Two Math\", \"Cambria Math\", math"

    /// Font files tried in order.
    static let candidatePaths = [
        "/usr/share/texmf/fonts/opentype/public/lm-math/latinmodern-math.otf",
        "/usr/share/fonts/opentype/latinmodern-math/latinmodern-math.otf",
        "/usr/share/texmf/fonts/opentype/public/tex-gyre-math/texgyretermes-math.otf",
        "/usr/share/texmf/fonts/opentype/public/tex-gyre-math/texgyrepagella-math.otf",
    ]

    /// The first installed candidate, parsed; nil when none is installed.
    static let installedFont: (path: String, font: SFNTFont)? = {
        for path in candidatePaths {
            guard let data = FileManager.default.contents(atPath: path),
                  let font = SFNTFont(bytes: [UInt8](data)) else { continue }
            return (path, font)
        }
        return nil
    }()

    /// The installed font, parsed for subsetting once per process.
    static let subsetter: MathFontSubsetter? = installedFont.flatMap { MathFontSubsetter(font: $0.font) }

    /// Path of the font file that gets embedded, or nil when none is installed.
    public static var sourcePath: String? { installedFont?.path }

    /// CSS @font-face rule(s) embedding the math font (data: URL), or nil when the font file is not installed.
    ///
    /// `forText` is the report's math text (MathML and/or TeX); glyphs for characters that do not
    /// occur in it, beyond a generous base set, are left empty to keep the report small.
    public static func fontFaceCSS(forText text: String) -> String? {
        guard let woff = woffData(forText: text) else { return nil }
        let base64 = Data(woff).base64EncodedString()
        return "@font-face{font-family:\"\(family)\";src:url(data:font/woff;base64,\(base64)) format(\"woff\");"
            + "font-weight:normal;font-style:normal;font-display:block}"
    }

    /// The embedded WOFF bytes for `text`; nil when the font file is not installed.
    static func woffData(forText text: String, subset: Bool = true) -> [UInt8]? {
        guard var font = installedFont?.font else { return nil }
        if subset, let reduced = subsetter?.subset(keeping: text) {
            font = reduced
        }
        return WOFFEncoder.encode(font)
    }
}
