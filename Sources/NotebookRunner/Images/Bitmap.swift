/// An 8-bit image in memory: gray, RGB or RGBA samples, row-major, interleaved.
public struct Bitmap: Sendable, Hashable {
    /// The samples of one pixel.
    public enum Channels: Int, Sendable, Hashable {
        case gray = 1, rgb = 3, rgba = 4
    }

    public var width: Int
    public var height: Int
    public var channels: Channels
    /// `width * height * channels.rawValue` bytes, top row first.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Channels, pixels: [UInt8]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height * channels.rawValue,
                     "bitmap of \(width)×\(height)×\(channels.rawValue) needs that many bytes, got \(pixels.count)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// A gray image from bytes such as one row of a `DataSplit`.
    public static func gray<Bytes: Collection<UInt8>>(width: Int, height: Int, _ bytes: Bytes) -> Bitmap {
        Bitmap(width: width, height: height, channels: .gray, pixels: Array(bytes))
    }

    /// Bytes per pixel.
    public var bytesPerPixel: Int { channels.rawValue }

    /// Bytes per row.
    public var stride: Int { width * channels.rawValue }

    /// The same picture as RGB: gray repeated three times, alpha dropped.
    public func rgb() -> Bitmap {
        switch channels {
        case .rgb:
            return self
        case .gray:
            var out = [UInt8](repeating: 0, count: pixels.count * 3)
            for (index, value) in pixels.enumerated() {
                out[3 * index] = value
                out[3 * index + 1] = value
                out[3 * index + 2] = value
            }
            return Bitmap(width: width, height: height, channels: .rgb, pixels: out)
        case .rgba:
            var out = [UInt8]()
            out.reserveCapacity(width * height * 3)
            for index in 0 ..< width * height {
                out.append(contentsOf: pixels[4 * index ..< 4 * index + 3])
            }
            return Bitmap(width: width, height: height, channels: .rgb, pixels: out)
        }
    }
}
