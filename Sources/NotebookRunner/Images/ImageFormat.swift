/// The image types a report embeds from the author's files, told apart by their first bytes.
///
/// PNG, JPEG, GIF and WebP by their signatures; SVG by its text (an XML prolog, comment or
/// doctype, then an `<svg` element). An SVG in an `<img>` runs no script and loads nothing,
/// so embedding one is as safe as embedding a PNG.
enum ImageFormat: String, CaseIterable, Sendable {
    case png = "PNG", jpeg = "JPEG", gif = "GIF", webp = "WebP", svg = "SVG"

    /// The media type of its `data:` URI.
    var mediaType: String {
        switch self {
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .gif: "image/gif"
        case .webp: "image/webp"
        case .svg: "image/svg+xml"
        }
    }

    /// The file name extensions that promise this format (lower case).
    var extensions: [String] {
        switch self {
        case .png: ["png"]
        case .jpeg: ["jpg", "jpeg", "jpe", "jfif"]
        case .gif: ["gif"]
        case .webp: ["webp"]
        case .svg: ["svg"]
        }
    }

    /// The format a file name's extension promises (nil: none, or one of no format here).
    init?(extension name: String) {
        guard let format = Self.allCases.first(where: { $0.extensions.contains(name.lowercased()) }) else { return nil }
        self = format
    }

    /// The format of `bytes`, from their start (nil: none of these).
    init?(sniffing bytes: [UInt8]) {
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && Array(bytes[offset..<(offset + prefix.count)]) == prefix
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { self = .png; return }
        if starts([0xFF, 0xD8, 0xFF]) { self = .jpeg; return }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { self = .gif; return }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { self = .webp; return }
        if Self.isSVG(bytes) { self = .svg; return }
        return nil
    }

    /// Whether `bytes` are SVG text: after an optional byte-order mark and white space, markup
    /// (`<?xml`, `<!--`, `<!DOCTYPE svg`, `<svg`) with an `<svg` element among its first 4 KB.
    private static func isSVG(_ bytes: [UInt8]) -> Bool {
        var text = String(decoding: bytes.prefix(4096), as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let start = text.drop { $0.isWhitespace }
        return start.hasPrefix("<") && start.contains("<svg")
    }
}
