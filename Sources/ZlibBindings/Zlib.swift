import CZlib

/// Compression and checksums over the system zlib: gzip/zlib inflate, deflate, CRC-32, Adler-32.
///
/// This is the only file that imports `CZlib`. Every zlib status code goes through
/// `check(_:_:stream:)`, which turns failures into `Zlib.Failure` values.
public enum Zlib {
    /// The container around the deflate data.
    public enum Format: Sendable {
        /// RFC 1950: 2-byte header, Adler-32 trailer (PNG's IDAT).
        case zlib
        /// RFC 1952: gzip members, CRC-32 and size trailer (`.gz` files).
        case gzip
        /// Either of the two, recognised by its header (inflate only).
        case automatic

        var windowBits: Int32 {
            switch self {
            case .zlib: return MAX_WBITS
            case .gzip: return MAX_WBITS + 16
            case .automatic: return MAX_WBITS + 32
            }
        }
    }

    /// A compression or decompression failure, in words a reader can act on.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public enum Kind: Sendable, Hashable {
            /// The input ends before the compressed stream does.
            case truncated
            /// The input is not valid compressed data (bad header, bad block, checksum mismatch).
            case corrupt
            /// zlib ran out of memory.
            case memory
            /// A misuse of zlib or a library version mismatch.
            case library
        }

        public var kind: Kind
        public var message: String

        public var description: String { message }
    }

    // MARK: Checksums

    /// The CRC-32 of `bytes` (ISO-HDLC, as in gzip and PNG), continuing from `crc`.
    public static func crc32<Bytes: Collection<UInt8>>(_ bytes: Bytes, continuing crc: UInt32 = 0) -> UInt32 {
        withContiguous(bytes) { buffer in
            UInt32(truncatingIfNeeded: CZlib.crc32_z(uLong(crc), buffer.baseAddress, z_size_t(buffer.count)))
        }
    }

    /// The Adler-32 of `bytes` (as in the zlib trailer), continuing from `adler` (start value 1).
    public static func adler32<Bytes: Collection<UInt8>>(_ bytes: Bytes, continuing adler: UInt32 = 1) -> UInt32 {
        withContiguous(bytes) { buffer in
            UInt32(truncatingIfNeeded: CZlib.adler32_z(uLong(adler), buffer.baseAddress, z_size_t(buffer.count)))
        }
    }

    // MARK: Deflate

    /// Compresses `bytes` in one pass into a zlib stream or a single gzip member.
    public static func deflate(_ bytes: [UInt8], format: Format = .zlib, level: Int32 = 6) throws -> [UInt8] {
        precondition(format != .automatic, "deflate needs an explicit format")
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deinitialize(count: 1); stream.deallocate() }
        try check(deflateInit2_(stream, level, Z_DEFLATED, format.windowBits, 8, Z_DEFAULT_STRATEGY,
                                zlibVersion(), Int32(MemoryLayout<z_stream>.size)), "deflateInit2", stream: stream)
        defer { deflateEnd(stream) }
        // deflateBound ignores the gzip header's extra size; 32 bytes covers it.
        let bound = Int(CZlib.deflateBound(stream, uLong(bytes.count))) + 32
        var output = [UInt8](repeating: 0, count: bound)
        let status = try bytes.withUnsafeBufferPointer { input in
            try output.withUnsafeMutableBufferPointer { out in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.pointee.avail_in = uInt(input.count)
                stream.pointee.next_out = out.baseAddress
                stream.pointee.avail_out = uInt(out.count)
                return try check(CZlib.deflate(stream, Z_FINISH), "deflate", stream: stream)
            }
        }
        guard status == .streamEnd else {
            throw Failure(kind: .library, message: "zlib: deflate did not finish within its bound")
        }
        output.removeLast(output.count - Int(stream.pointee.total_out))
        return output
    }

    // MARK: Inflate

    /// Decompresses all of `bytes` (a zlib stream, or one or more gzip members).
    public static func inflate(_ bytes: [UInt8], format: Format = .automatic, sizeHint: Int = 0) throws -> [UInt8] {
        let inflater = try Inflater(format: format, sizeHint: sizeHint)
        try inflater.push(bytes)
        return try inflater.finish()
    }

    /// A streaming decompressor: `push` compressed chunks as they are read, then `finish`.
    ///
    /// Gzip input may hold several members one after another (as `cat a.gz b.gz` makes);
    /// their contents are concatenated. `finish` throws `.truncated` when the input
    /// stopped inside a member, so a cut-off download is never taken for a short file.
    ///
    /// With a `limit`, decompression stops once that many bytes are out (`isFull`): the rest
    /// of the input is not read, so a small file that expands to gigabytes costs no more
    /// than the limit in time and memory.
    public final class Inflater {
        private let stream: UnsafeMutablePointer<z_stream>
        private let format: Format
        private let limit: Int
        private var output: [UInt8]
        private var produced = 0
        /// True between the end of one member and the first byte of the next.
        private var atMemberEnd = false
        /// Whether any input was seen at all.
        private var sawInput = false

        /// - Parameters:
        ///   - sizeHint: the expected decompressed size, to allocate once.
        ///   - limit: the most bytes to decompress; further input is ignored.
        public init(format: Format = .automatic, sizeHint: Int = 0, limit: Int = .max) throws {
            self.format = format
            self.limit = max(limit, 0)
            output = [UInt8](repeating: 0, count: max(min(sizeHint, self.limit), 1 << 16))
            stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            do {
                try check(inflateInit2_(stream, format.windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)),
                          "inflateInit2", stream: stream)
            } catch {
                stream.deinitialize(count: 1)
                stream.deallocate()
                throw error
            }
        }

        deinit {
            inflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }

        /// Whether `limit` bytes have been decompressed (more input is then ignored).
        public var isFull: Bool { produced >= limit }

        /// How many bytes have been decompressed so far.
        public var count: Int { produced }

        /// Decompresses the next chunk of input, or the part of it needed to reach the limit.
        public func push<Bytes: Collection<UInt8>>(_ chunk: Bytes) throws {
            try withContiguous(chunk) { try push(buffer: $0) }
        }

        private func push(buffer input: UnsafeBufferPointer<UInt8>) throws {
            // zlib counts in 32 bits: feed larger buffers in pieces.
            var offset = 0
            while offset < input.count && !isFull {
                let end = min(input.count, offset + (1 << 30))
                try pushPiece(UnsafeBufferPointer(rebasing: input[offset ..< end]))
                offset = end
            }
        }

        private func pushPiece(_ input: UnsafeBufferPointer<UInt8>) throws {
            guard let base = input.baseAddress, input.count > 0 else { return }
            sawInput = true
            stream.pointee.next_in = UnsafeMutablePointer(mutating: base)
            stream.pointee.avail_in = uInt(input.count)
            while stream.pointee.avail_in > 0 && !isFull {
                if atMemberEnd {
                    // More bytes after a complete member: another gzip member must follow.
                    guard format != .zlib else {
                        throw Failure(kind: .corrupt, message: "invalid compressed data: \(stream.pointee.avail_in) bytes after the end of the zlib stream")
                    }
                    try check(inflateReset(stream), "inflateReset", stream: stream)
                    atMemberEnd = false
                }
                if produced == output.count {
                    output.append(contentsOf: repeatElement(0, count: min(output.count, limit - produced)))
                }
                let before = (input: stream.pointee.avail_in, output: produced)
                let status = try output.withUnsafeMutableBufferPointer { out -> Status in
                    stream.pointee.next_out = out.baseAddress! + produced
                    let space = min(out.count - produced, 1 << 30, limit - produced)
                    stream.pointee.avail_out = uInt(space)
                    let status = try check(CZlib.inflate(stream, Z_NO_FLUSH), "inflate", stream: stream)
                    produced += space - Int(stream.pointee.avail_out)
                    return status
                }
                if status == .streamEnd {
                    atMemberEnd = true
                } else if before == (stream.pointee.avail_in, produced) {
                    throw Failure(kind: .corrupt, message: "invalid compressed data: zlib made no progress")
                }
            }
        }

        /// The decompressed bytes; throws when the input ended inside a stream (unless the
        /// limit was reached first: then the bytes up to the limit). `requireEnd: false`
        /// returns what there is without that check (the start of a file, read on its own).
        public func finish(requireEnd: Bool = true) throws -> [UInt8] {
            if requireEnd && !isFull {
                guard sawInput else {
                    throw Failure(kind: .truncated, message: "compressed data is empty")
                }
                guard atMemberEnd else {
                    throw Failure(kind: .truncated, message: "compressed data ends early (after \(produced) decompressed bytes)")
                }
            }
            output.removeLast(output.count - produced)
            return output
        }
    }

    // MARK: Status codes

    /// The non-failure outcomes of a zlib call.
    enum Status: Sendable {
        case ok, streamEnd, noProgress
    }

    /// Maps every zlib return code: success values come back, failures are thrown.
    @discardableResult
    static func check(_ code: Int32, _ operation: String, stream: UnsafeMutablePointer<z_stream>?) throws -> Status {
        let detail = stream?.pointee.msg.map { String(cString: $0) }
        func failure(_ kind: Failure.Kind, _ text: String) -> Failure {
            Failure(kind: kind, message: detail.map { "\(text) (\($0))" } ?? text)
        }
        switch code {
        case Z_OK: return .ok
        case Z_STREAM_END: return .streamEnd
        // No progress was possible: more input or more output space is needed.
        case Z_BUF_ERROR: return .noProgress
        case Z_NEED_DICT: throw failure(.corrupt, "invalid compressed data: a preset dictionary is required")
        case Z_DATA_ERROR: throw failure(.corrupt, "invalid compressed data")
        case Z_MEM_ERROR: throw failure(.memory, "zlib: out of memory in \(operation)")
        case Z_VERSION_ERROR: throw failure(.library, "zlib: incompatible library version \(String(cString: zlibVersion()))")
        case Z_STREAM_ERROR: throw failure(.library, "zlib: invalid stream state in \(operation)")
        default: throw failure(.library, "zlib: \(operation) returned \(code)")
        }
    }

    /// Calls `body` with the bytes as one contiguous buffer, copying only when they are not.
    private static func withContiguous<Bytes: Collection<UInt8>, R>(
        _ bytes: Bytes, _ body: (UnsafeBufferPointer<UInt8>) throws -> R
    ) rethrows -> R {
        if let result = try bytes.withContiguousStorageIfAvailable(body) { return result }
        return try Array(bytes).withUnsafeBufferPointer(body)
    }
}
