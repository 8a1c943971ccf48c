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
    /// each still at its line — located in the notebook's own text. A column is where the
    /// image's `!` is in the notebook line: the same `![` counted from the left in both
    /// (tokens change lengths, not the `![` outside them).
    static func find(in prose: [String], source: SourceText) -> [ProseImage] {
        CommonMark.images(in: prose.joined(separator: "\n")).map { image in
            let line = prose.indices.contains(image.line - 1) ? prose[image.line - 1] : ""
            let before = String(decoding: line.utf8.prefix(max(0, image.byteColumn - 1)), as: UTF8.self)
            let opening = before.components(separatedBy: "![").count - 1
            let column = Self.scalarColumn(ofOpening: opening, in: source.line(image.line))
                ?? before.unicodeScalars.count + 1
            return ProseImage(source: image.source, location: source.location(line: image.line, column: column))
        }
    }

    /// The 1-based scalar column of the `index`-th (0-based) `![` in `line`.
    private static func scalarColumn(ofOpening index: Int, in line: String) -> Int? {
        let scalars = Array(line.unicodeScalars)
        var seen = 0
        for position in scalars.indices.dropLast() where scalars[position] == "!" && scalars[position + 1] == "[" {
            if seen == index { return position + 1 }
            seen += 1
        }
        return nil
    }
}
