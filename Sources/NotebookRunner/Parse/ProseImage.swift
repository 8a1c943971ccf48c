import Foundation

/// An image the prose shows, `![alt](img/net.png)`: its source as written and where its `!` is.
///
/// The parser finds them (with cmark, so reference images and escapes read as cmark reads
/// them); `ProseImageLoader` reads each local one into a data URI before the report is
/// rendered, and sets `file` and `content`.
public struct ProseImage: Sendable {
    /// What the report shows for the image.
    public enum Content: Sendable {
        /// The file's bytes as a `data:` URI.
        case embedded(dataURI: String)
        /// An `http(s)://` image: its source is kept when `allowed` (`--allow-remote-images`),
        /// else the page shows a link to it.
        case remote(allowed: Bool)
        /// The image cannot be embedded; the page shows the error in its place.
        case failed(Diagnostic)
    }

    /// The destination as cmark read it (escapes resolved, references followed).
    public var source: String
    public var location: SourceLocation
    /// The local file the source names, once resolved (nil for remote and `data:` sources).
    public var file: URL?
    /// Nil until resolved, and for a `data:` source (which stays as written).
    public var content: Content?

    /// The images of `prose` — the notebook's lines with math and roles set aside as tokens,
    /// each line where `shifts` says it comes from — located in the notebook's own text. A column
    /// is where the image's `!` (or an HTML image's `<img`) is in the notebook line: the same `![`
    /// counted from where the line's text starts in both (tokens change lengths, not the `![` outside them).
    static func find(in prose: [String], shifts: [ProseScanner.LineShift], source: SourceText) -> [ProseImage] {
        CommonMark.images(in: prose.joined(separator: "\n")).map { image in
            let origin = ProseScanner.sourcePosition(line: image.line, byteColumn: image.byteColumn, shifts: shifts)
            let line = prose.indices.contains(image.line - 1) ? prose[image.line - 1] : ""
            let before = String(decoding: line.utf8.dropFirst(origin.byteColumnFrom - 1).prefix(max(0, image.byteColumn - origin.byteColumnFrom)),
                                as: UTF8.self)
            let opening = Self.positions(of: image.marker, in: before).count
            let column = Self.positions(of: image.marker, in: source.line(origin.sourceLine)).filter { $0 >= origin.sourceColumnFrom - 1 }
                .dropFirst(opening).first.map { $0 + 1 } ?? origin.sourceColumnFrom + before.unicodeScalars.count
            return ProseImage(source: image.source, location: source.location(line: origin.sourceLine, column: column))
        }
    }

    /// The scalar offsets at which the ASCII `marker` starts in `line`, ignoring ASCII case.
    private static func positions(of marker: String, in line: String) -> [Int] {
        func lowered(_ scalar: Unicode.Scalar) -> UInt32 { ("A"..."Z").contains(scalar) ? scalar.value + 0x20 : scalar.value }
        let scalars = line.unicodeScalars.map(lowered), wanted = marker.unicodeScalars.map(lowered)
        guard scalars.count >= wanted.count else { return [] }
        return (0...(scalars.count - wanted.count)).filter { scalars[$0..<($0 + wanted.count)].elementsEqual(wanted) }
    }
}
