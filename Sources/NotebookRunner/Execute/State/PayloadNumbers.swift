/// Numbers written into a cache entry's payload as raw little-endian bits: a model's weights
/// or a tensor's values would take several times their bytes, and most of a cell's time, as JSON.
enum PayloadNumbers {
    /// Appends `values` and returns where they start.
    static func append<Value: BinaryFloatingPoint & BitPatterned>(_ values: [Value], to payload: inout [UInt8]) -> Int {
        let offset = payload.count
        payload.reserveCapacity(payload.count + values.count * MemoryLayout<Value.Bits>.size)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { payload.append(contentsOf: $0) } }
        return offset
    }

    /// `count` values from `offset` of `payload`; throws when they do not lie inside it.
    static func read<Value: BinaryFloatingPoint & BitPatterned>(_ type: Value.Type, count: Int, at offset: Int,
                                                                 in payload: ArraySlice<UInt8>) throws -> [Value] {
        let width = MemoryLayout<Value.Bits>.size
        guard offset >= 0, count >= 0, offset <= payload.count, count <= (payload.count - offset) / width else {
            throw StateArchiveError(reason: "\(count) numbers at \(offset) outside a payload of \(payload.count) bytes")
        }
        let start = payload.startIndex + offset
        return (0..<count).map { index in
            var bits = Value.Bits.zero
            for byte in 0..<width { bits |= Value.Bits(payload[start + index * width + byte]) << (8 * byte) }
            return Value(bitPattern: bits)
        }
    }
}

/// A floating-point type with an unsigned integer of its bits.
protocol BitPatterned {
    associatedtype Bits: FixedWidthInteger & UnsignedInteger
    var bitPattern: Bits { get }
    init(bitPattern: Bits)
}

extension Float: BitPatterned {}
extension Double: BitPatterned {}
