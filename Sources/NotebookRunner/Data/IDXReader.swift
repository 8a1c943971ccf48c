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
    /// - Parameters:
    ///   - displayName: how messages name the file (default: its path).
    ///   - budget: the values the header declares must fit in it, checked before they are read.
    public static func readImages(at url: URL, displayName: String? = nil, budget: MemoryBudget = .default) throws -> Images {
        let file = try read(url, kind: .images, displayName: displayName ?? url.path, budget: budget)
        let dimensions = file.dimensions
        return Images(count: dimensions[0], rows: dimensions[1], cols: dimensions[2], pixels: file.values)
    }

    /// Reads a 1-D unsigned-byte IDX file.
    public static func readLabels(at url: URL, displayName: String? = nil, budget: MemoryBudget = .default) throws -> [UInt8] {
        try read(url, kind: .labels, displayName: displayName ?? url.path, budget: budget).values
    }

    /// Reads and checks `url`, returning the dimension sizes and the values after the header.
    static func read(_ url: URL, kind: Kind, displayName name: String, budget: MemoryBudget) throws -> (dimensions: [Int], values: [UInt8]) {
        let file = try FileBytes(url, role: kind.word, displayName: name)
        var (bytes, header) = try read(file, kind: kind, displayName: name, budget: budget)
        bytes.removeFirst(header.headerLength)  // in place: no second buffer
        return (header.dimensions, bytes)
    }

    /// The whole file (header and values) and its header, checked. Only the header is read
    /// before the budget is checked, and no more than the size it declares is decompressed.
    static func read(_ file: FileBytes, kind: Kind, displayName name: String,
                     budget: MemoryBudget) throws -> (bytes: [UInt8], header: Header) {
        let header = try parseHeaderFields(file.prefix(4 + 4 * Int(kind.dimensions)), kind: kind, displayName: name)
        let subject = "\(kind.word) file '\(name)'"
        try budget.check(header.fileLength, for: "\(subject) declares \(header.contents), which",
                         hint: kind == .images ? "check the header; a data set this large needs a machine with more memory" : nil)
        if !file.isGzip {
            // The size on disk is known: a wrong length fails before anything is read.
            try checkLength(header, available: file.size - header.headerLength, kind: kind, displayName: name)
        }
        // One byte more than declared tells a longer file from an exact one.
        let bytes = try file.read(limit: header.fileLength + 1)
        if bytes.count > header.fileLength {
            throw Diagnostic.error("\(subject) expands to more bytes than the \(header.contents) its header announces (\(NumberText.grouped(header.fileLength)) bytes with the header); decompression stopped there",
                                   hint: "the header is wrong, two files were joined, or the file is a decompression bomb")
        }
        try checkLength(header, available: bytes.count - header.headerLength, kind: kind, displayName: name)
        return (bytes, header)
    }

    /// What an IDX header says: the dimension sizes, its own length, and the file length they imply.
    struct Header {
        var dimensions: [Int]
        var headerLength: Int
        /// The number of values (the product of the dimensions).
        var valueCount: Int
        /// "10 images of 28×28", "10 labels".
        var contents: String
        var fileLength: Int { headerLength + valueCount }
    }

    /// Checks the header of a whole decompressed file and returns its sizes and length.
    static func parseHeader(_ bytes: [UInt8], kind: Kind, displayName name: String) throws -> (dimensions: [Int], headerLength: Int) {
        let header = try parseHeaderFields(bytes, kind: kind, displayName: name)
        try checkLength(header, available: bytes.count - header.headerLength, kind: kind, displayName: name)
        return (header.dimensions, header.headerLength)
    }

    /// Checks the header at the start of `bytes` (which may be only the header).
    static func parseHeaderFields(_ bytes: [UInt8], kind: Kind, displayName name: String) throws -> Header {
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
            guard !overflow, product < Int.max / 2 else {
                throw Diagnostic.error("\(subject) has header sizes \(shape) whose product overflows",
                                       hint: "the header is corrupt; no file can hold that many values")
            }
            expected = product
        }
        guard !dimensions.contains(0) else {
            throw Diagnostic.error("\(subject) has header sizes \(shape): it holds no values",
                                   hint: "the header is corrupt or the file is a placeholder")
        }
        let what = kind == .images
            ? "\(dimensions[0]) images of \(dimensions[1])×\(dimensions[2])"
            : "\(dimensions[0]) labels"
        return Header(dimensions: dimensions, headerLength: headerLength, valueCount: expected, contents: what)
    }

    /// Checks that `available` bytes follow the header: exactly the values it declares.
    static func checkLength(_ header: Header, available: Int, kind: Kind, displayName name: String) throws {
        let subject = "\(kind.word) file '\(name)'"
        if available < header.valueCount {
            throw Diagnostic.error("\(subject) has header sizes larger than the file: \(header.contents) need \(header.valueCount) bytes, the file has \(available) after the header",
                                   hint: "the file is cut off or its header is wrong; copy or download it again")
        }
        if available > header.valueCount {
            throw Diagnostic.error("\(subject) has \(available - header.valueCount) bytes after the \(header.contents) its header announces",
                                   hint: "the header is wrong or two files were joined")
        }
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
