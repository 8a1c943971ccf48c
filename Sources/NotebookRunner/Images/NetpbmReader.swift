/// Reads binary netpbm images (PGM `P5`, PPM `P6`, maxval ≤ 255), comments included.
public enum NetpbmReader {
    /// What went wrong, in one line.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Decodes a P5 file to a gray bitmap or a P6 file to an RGB bitmap.
    public static func decode(_ bytes: [UInt8]) throws -> Bitmap {
        var position = 0
        func token() throws -> String {
            // Skip whitespace and `#` comments up to the end of their line.
            while position < bytes.count {
                if bytes[position] == UInt8(ascii: "#") {
                    while position < bytes.count && bytes[position] != UInt8(ascii: "\n") { position += 1 }
                } else if isSpace(bytes[position]) {
                    position += 1
                } else {
                    break
                }
            }
            let start = position
            while position < bytes.count && !isSpace(bytes[position]) && bytes[position] != UInt8(ascii: "#") { position += 1 }
            guard position > start else { throw Failure(message: "netpbm header ends early") }
            return String(decoding: bytes[start ..< position], as: UTF8.self)
        }
        let magic = try token()
        let channels: Bitmap.Channels
        switch magic {
        case "P5": channels = .gray
        case "P6": channels = .rgb
        default: throw Failure(message: "not a binary PGM/PPM file: magic '\(magic)'")
        }
        guard let width = Int(try token()), let height = Int(try token()), let maxval = Int(try token()),
              width > 0, height > 0, (1...255).contains(maxval) else {
            throw Failure(message: "bad netpbm header sizes (width, height, maxval ≤ 255)")
        }
        position += 1  // the single whitespace byte before the samples
        let length = width * height * channels.rawValue
        guard bytes.count - position == length else {
            throw Failure(message: "netpbm data has \(bytes.count - position) bytes, expected \(length)")
        }
        return Bitmap(width: width, height: height, channels: channels, pixels: Array(bytes[position...]))
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == 0x0B || byte == 0x0C
    }
}
