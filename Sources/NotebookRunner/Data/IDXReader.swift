import Foundation

/// Reads IDX files, the MNIST format, raw or gzip-compressed (recognised by the bytes `1f 8b`).
///
/// An IDX file is a big-endian header (two zero bytes, a type byte, the number of
/// dimensions, then each dimension's size as a 32-bit integer) followed by the values.
/// Images are magic 0x00000803 (unsigned bytes, 3-D: count, rows, cols; 16-byte header),
/// labels 0x00000801 (unsigned bytes, 1-D: count; 8-byte header). The reader checks all of
/// it, including that the sizes multiply without overflow and match the file length
/// exactly, and reports problems as one-line `Diagnostic`s that name the file.
public enum IDXReader {
    /// What a file is expected to hold.
    public enum Kind: Sendable {
        case images, labels

        /// The expected number of dimensions (the magic's last byte).
        var dimensions: UInt8 { self == .images ? 3 : 1 }
        var magic: UInt32 { 0x0000_0800 | UInt32(dimensions) }
        var word: String { self == .images ? "images" : "labels" }
    }

    /// A stack of `count` gray images of `rows × cols` bytes each, row-major.
    public struct Images: Sendable {
        public var count: Int
        public var rows: Int
        public var cols: Int
        public var pixels: [UInt8]
    }

    /// Reads a 3-D unsigned-byte IDX file.
    /// - Parameter displayName: how messages name the file (default: its path).
    public static func readImages(at url: URL, displayName: String? = nil) throws -> Images {
        let (dimensions, values) = try read(url, kind: .images, displayName: displayName ?? url.path)
        return Images(count: dimensions[0], rows: dimensions[1], cols: dimensions[2], pixels: values)
    }

    /// Reads a 1-D unsigned-byte IDX file.
    public static func readLabels(at url: URL, displayName: String? = nil) throws -> [UInt8] {
        try read(url, kind: .labels, displayName: displayName ?? url.path).values
    }

    /// Reads and checks `url`, returning the dimension sizes and the values after the header.
    static func read(_ url: URL, kind: Kind, displayName name: String) throws -> (dimensions: [Int], values: [UInt8]) {
        var bytes = try FileBytes.read(url, role: kind.word, displayName: name)
        let (dimensions, headerLength) = try parseHeader(bytes, kind: kind, displayName: name)
        bytes.removeFirst(headerLength)  // in place: no second buffer
        return (dimensions, bytes)
    }

    /// Checks the header of a whole decompressed file and returns its sizes and length.
    static func parseHeader(_ bytes: [UInt8], kind: Kind, displayName name: String) throws -> (dimensions: [Int], headerLength: Int) {
        let subject = "\(kind.word) file '\(name)'"
        guard bytes.count >= 4 else {
            throw Diagnostic.error("\(subject) is too short for an IDX header: it has \(bytes.count) bytes",
                                   hint: "an IDX file starts with a 4-byte magic number; the file is empty or cut off")
        }
        let magic = bigEndianWord(bytes, at: 0)
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw Diagnostic.error("\(subject) is not an IDX file: it starts with \(hex(magic)), expected \(hex(kind.magic))",
                                   hint: "IDX files (such as t10k-\(kind == .images ? "images-idx3" : "labels-idx1")-ubyte.gz) start with two zero bytes")
        }
        guard bytes[2] == 0x08 else {
            throw Diagnostic.error("\(subject) holds \(typeName(bytes[2])) values (magic \(hex(magic))); only unsigned bytes (type 0x08) are supported",
                                   hint: "\(kind.word) must be an unsigned-byte IDX file with magic \(hex(kind.magic)) (\(kind.magic))")
        }
        guard bytes[3] == kind.dimensions else {
            let guess: String
            switch bytes[3] {
            case 1: guess = "a labels file was given as \(kind.word)?"
            case 3: guess = "an images file was given as \(kind.word)?"
            default: guess = "\(kind.word) files have \(kind.dimensions) dimension\(kind.dimensions == 1 ? "" : "s")"
            }
            throw Diagnostic.error("\(subject) has magic \(magic) (\(bytes[3])-D), expected \(kind.magic) (\(kind.dimensions)-D \(kind.word))",
                                   hint: guess)
        }
        let headerLength = 4 + 4 * Int(kind.dimensions)
        guard bytes.count >= headerLength else {
            throw Diagnostic.error("\(subject) is shorter than its \(headerLength)-byte header: it has \(bytes.count) bytes",
                                   hint: "the file is cut off; copy or download it again")
        }
        let dimensions = (0..<Int(kind.dimensions)).map { Int(bigEndianWord(bytes, at: 4 + 4 * $0)) }
        let shape = dimensions.map(String.init).joined(separator: "×")
        var expected = 1
        for size in dimensions {
            let (product, overflow) = expected.multipliedReportingOverflow(by: size)
            guard !overflow else {
                throw Diagnostic.error("\(subject) has header sizes \(shape) whose product overflows",
                                       hint: "the header is corrupt; no file can hold that many values")
            }
            expected = product
        }
        guard !dimensions.contains(0) else {
            throw Diagnostic.error("\(subject) has header sizes \(shape): it holds no values",
                                   hint: "the header is corrupt or the file is a placeholder")
        }
        let available = bytes.count - headerLength
        let what = kind == .images
            ? "\(dimensions[0]) images of \(dimensions[1])×\(dimensions[2])"
            : "\(dimensions[0]) labels"
        if available < expected {
            throw Diagnostic.error("\(subject) has header sizes larger than the file: \(what) need \(expected) bytes, the file has \(available) after the header",
                                   hint: "the file is cut off or its header is wrong; copy or download it again")
        }
        if available > expected {
            throw Diagnostic.error("\(subject) has \(available - expected) bytes after the \(what) its header announces",
                                   hint: "the header is wrong or two files were joined")
        }
        return (dimensions, headerLength)
    }

    private static func bigEndianWord(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset ..< offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    private static func typeName(_ code: UInt8) -> String {
        switch code {
        case 0x09: return "signed byte"
        case 0x0B: return "16-bit integer"
        case 0x0C: return "32-bit integer"
        case 0x0D: return "32-bit float"
        case 0x0E: return "64-bit float"
        default: return "unknown (type 0x\(String(code, radix: 16)))"
        }
    }
}
