import Foundation

/// The CJK text font embedded in reports that contain Chinese, Japanese or Korean text, so they read
/// on machines without CJK fonts.
///
/// The font is Noto Serif CJK SC from Debian's `fonts-noto-cjk` (SIL Open Font License; the `name`
/// table, which carries the license, is kept), else its sans-serif sibling. Both files are font
/// collections; the Simplified Chinese face is taken, cut to the characters of the page
/// (`CIDFontSubsetter`), wrapped as WOFF and inlined as a `data:` URL.
public enum CJKFont {
    /// The CSS family name the embedded subset is declared under. Report styles list it first in every
    /// font stack: its `unicode-range` is CJK only, so Latin text goes on to the next family. (Listed
    /// last, Chromium draws the first CJK run of each style with another font's empty boxes.)
    public static let family = "nbrun CJK"

    /// The CJK blocks, as `isCJK` tests them and as a CSS `unicode-range`.
    static let ranges: [ClosedRange<UInt32>] = [
        0x2E80...0x2FDF, 0x3000...0x31FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF,
        0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFFEF, 0x20000...0x3134F,
    ]

    /// Collections tried in order, and the face taken from each.
    static let candidates: [(path: String, face: String)] = [
        ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
        ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    ]

    /// The first installed candidate's face, ready to subset; nil when none is installed.
    static let installed: (path: String, subsetter: CIDFontSubsetter)? = {
        for candidate in candidates {
            guard let data = FileManager.default.contents(atPath: candidate.path),
                  let font = SFNTFont.face(named: candidate.face, inCollection: [UInt8](data)),
                  let subsetter = CIDFontSubsetter(font: font) else { continue }
            return (candidate.path, subsetter)
        }
        return nil
    }()

    /// Path of the collection the embedded font comes from, or nil when none is installed.
    public static var sourcePath: String? { installed?.path }

    /// Whether `scalar` is a CJK character: ideographs, kana, hangul, CJK punctuation, full-width forms.
    public static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        ranges.contains { $0.contains(scalar.value) }
    }

    /// The `@font-face` rule embedding the font cut to the CJK characters of `text`, or nil when
    /// `text` has none or no font is installed.
    public static func fontFaceCSS(forText text: String) -> String? {
        guard let woff = woffData(forText: text) else { return nil }
        let unicodeRange = ranges.map { "U+\(hex($0.lowerBound))-\(hex($0.upperBound))" }.joined(separator: ",")
        return "@font-face{font-family:\"\(family)\";src:url(data:font/woff;base64,\(Data(woff).base64EncodedString())) format(\"woff\");"
            + "font-weight:normal;font-style:normal;font-display:block;unicode-range:\(unicodeRange)}"
    }

    /// The CJK characters of `text`, read from its UTF-8 bytes: every scalar in `ranges` is at
    /// U+2E80 or above, so its lead byte is 0xE2 or more and all other bytes are skipped at once
    /// (a report of many megabytes is mostly ASCII).
    static func cjkScalars(in text: String) -> Set<UInt32> {
        var found = Set<UInt32>()
        var text = text
        text.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                let lead = bytes[index]
                guard lead >= 0xE2 else { index += 1; continue }
                let length = lead >= 0xF0 ? 4 : 3
                guard index + length <= bytes.count else { break }
                var value = UInt32(lead & (length == 4 ? 0x07 : 0x0F))
                for offset in 1 ..< length { value = value << 6 | UInt32(bytes[index + offset] & 0x3F) }
                if ranges.contains(where: { $0.contains(value) }) { found.insert(value) }
                index += length
            }
        }
        return found
    }

    private static func hex(_ value: UInt32) -> String { String(value, radix: 16, uppercase: true) }

    /// The embedded WOFF bytes for `text`; nil when it has no CJK character or no font is installed.
    static func woffData(forText text: String) -> [UInt8]? {
        let scalars = cjkScalars(in: text)
        guard !scalars.isEmpty, let subsetter = installed?.subsetter else { return nil }
        guard let font = subsetter.subset(keeping: scalars) else { return nil }
        return WOFFEncoder.encode(font)
    }
}
