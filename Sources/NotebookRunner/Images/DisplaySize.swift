/// How large a cell's images may be in the report, and how they are shrunk to fit.
///
/// The report embeds every image, so its size must not grow with the data's: a grid of
/// images is shown at most `maxSide` pixels wide and high, and all images of one cell
/// together at most `maxPixelsPerCell` pixels. Larger images are shrunk by a whole factor
/// (each shown pixel the mean of a factor × factor block) and the cell says so; files the
/// cell writes keep the full images, up to `maxFileBytesPerCell`.
public enum DisplaySize {
    /// The longest side of an image as embedded.
    public static let maxSide = 1024
    /// The pixels of all images of one cell, as embedded (1,000 MNIST digits are 0.8 M).
    public static let maxPixelsPerCell = 4 << 20
    /// The bytes of image files one cell may write.
    public static let maxFileBytesPerCell = 64 << 20
    /// The bytes of one image file of the author's (`![alt](img/net.png)`) the report embeds.
    public static let maxEmbeddedImageBytes = 10_000_000
    /// The bytes (as `data:` URIs) of all the distinct images of the author's one page embeds;
    /// an image cited again is embedded once and counts once.
    public static let maxEmbeddedPageImageBytes = 32_000_000

    /// The whole factor by which `count` images of `width × height` are shrunk (1: as they are).
    public static func shrinkFactor(width: Int, height: Int, count: Int) -> Int {
        let count = max(count, 1)
        var factor = 1
        while true {
            let w = (width + factor - 1) / factor, h = (height + factor - 1) / factor
            let (pixels, overflow) = (w * h).multipliedReportingOverflow(by: count)
            if max(w, h) <= maxSide && !overflow && pixels <= maxPixelsPerCell { return factor }
            factor += 1
        }
    }

    /// The sentence a cell adds when it shrank its images.
    public static func notice(width: Int, height: Int, factor: Int) -> String {
        let shown = (width + factor - 1) / factor, high = (height + factor - 1) / factor
        return "The images are \(width)×\(height) pixels; the report shows them shrunk \(factor)× to \(shown)×\(high) to stay small."
    }
}

extension Bitmap {
    /// The image shrunk by `factor`: each pixel the rounded mean of a `factor × factor`
    /// block (blocks at the right and bottom edges are smaller).
    public func shrunk(by factor: Int) -> Bitmap {
        guard factor > 1 else { return self }
        let outWidth = (width + factor - 1) / factor, outHeight = (height + factor - 1) / factor
        let channelCount = channels.rawValue
        var out = [UInt8](repeating: 0, count: outWidth * outHeight * channelCount)
        pixels.withUnsafeBufferPointer { source in
            for y in 0 ..< outHeight {
                let rows = y * factor ..< min(height, (y + 1) * factor)
                for x in 0 ..< outWidth {
                    let cols = x * factor ..< min(width, (x + 1) * factor)
                    let count = rows.count * cols.count
                    for channel in 0 ..< channelCount {
                        var sum = 0
                        for row in rows {
                            for col in cols { sum += Int(source[(row * width + col) * channelCount + channel]) }
                        }
                        out[(y * outWidth + x) * channelCount + channel] = UInt8((sum + count / 2) / count)
                    }
                }
            }
        }
        return Bitmap(width: outWidth, height: outHeight, channels: channels, pixels: out)
    }
}

extension Figure {
    /// A figure of `bitmap` shrunk by `factor` for the page (shown `displayScale` times larger
    /// only when not shrunk).
    public init(_ bitmap: Bitmap, shrinkBy factor: Int = 1, displayScale: Int, caption: String, alt: String? = nil,
                flagged: Bool = false) throws {
        let shown = bitmap.shrunk(by: factor)
        self.init(png: try PNGEncoder.encode(shown), width: shown.width, height: shown.height,
                  displayScale: factor > 1 ? 1 : displayScale, caption: caption, alt: alt, flagged: flagged)
    }
}
