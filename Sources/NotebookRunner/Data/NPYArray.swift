import Foundation

/// An array in NumPy's `.npy` format (versions 1–3): what passes between nbrun and a Python
/// kernel. Reading takes booleans, integers and floats of any byte order, C or Fortran order,
/// and gives Float64 values in C (row-major) order; writing gives `<f8`, C order, version 1.
///
///     "\x93NUMPY" major minor  header-length (2 bytes LE in v1, 4 in v2/3)
///     {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }   padded with spaces to 64, then \n
///     the values
public struct NPYArray: Sendable, Hashable {
    public var shape: [Int]
    /// The values in C order, as Float64.
    public var values: [Double]
    /// The NumPy dtype the values were stored as (`<f8`, `|u1`, …).
    public var dtype: String

    public init(shape: [Int], values: [Double], dtype: String = "<f8") {
        self.shape = shape
        self.values = values
        self.dtype = dtype
    }

    /// Why bytes are not an array nbrun can read.
    public enum ReadError: Error, Sendable, Equatable, CustomStringConvertible {
        case notNPY(String)
        /// A dtype that is not bool, integer or float (`<c16`, `<U5`, `|O`, …).
        case unsupportedType(String)

        public var description: String {
            switch self {
            case .notNPY(let reason): return "not a .npy array: \(reason)"
            case .unsupportedType(let dtype): return "dtype \(dtype) is not a number type nbrun reads (bool, integer or float)"
            }
        }
    }

    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// The array in `bytes`; at most `maxValues` values are accepted.
    public static func read(_ bytes: [UInt8], maxValues: Int = .max) throws -> NPYArray {
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw ReadError.notNPY("no \\x93NUMPY magic") }
        let major = bytes[6]
        let lengthBytes = major == 1 ? 2 : 4
        guard (1...3).contains(major), bytes.count >= 8 + lengthBytes else { throw ReadError.notNPY("version \(major) is unknown") }
        var headerLength = 0
        for i in 0..<lengthBytes { headerLength |= Int(bytes[8 + i]) << (8 * i) }
        let dataStart = 8 + lengthBytes + headerLength
        guard dataStart <= bytes.count else { throw ReadError.notNPY("the header is cut short") }
        let header = String(decoding: bytes[(8 + lengthBytes)..<dataStart], as: UTF8.self)
        guard let descr = field("descr", in: header).flatMap(quoted), let order = field("fortran_order", in: header),
              let shapeText = field("shape", in: header) else {
            throw ReadError.notNPY("the header \(header.trimmingCharacters(in: .whitespacesAndNewlines)) lacks descr, fortran_order or shape")
        }
        let shape = try parseShape(shapeText)
        let count = try shape.reduce(1) { total, size in
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            guard !overflow, product <= maxValues else { throw ReadError.notNPY("shape \(shape) holds more than \(maxValues) values") }
            return product
        }
        guard let element = ElementType(descr) else { throw ReadError.unsupportedType(descr) }
        let (needed, overflow) = count.multipliedReportingOverflow(by: element.size)
        guard !overflow, bytes.count - dataStart >= needed else {
            throw ReadError.notNPY("\(count) values of \(descr) need \(needed) bytes, but \(bytes.count - dataStart) follow the header")
        }
        var values = [Double](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { buffer in
            for i in 0..<count { values[i] = element.value(buffer, at: dataStart + i * element.size) }
        }
        if order.hasPrefix("True"), shape.count > 1 { values = cOrder(fromFortran: values, shape: shape) }
        return NPYArray(shape: shape, values: values, dtype: descr)
    }

    /// The array as `.npy` bytes: little-endian Float64, C order.
    public func bytes() -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var result = Self.magic + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
        result += Array(header.utf8)
        result.reserveCapacity(result.count + values.count * 8)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { result += $0 } }
        return result
    }

    /// A number type of the data: kind (b, i, u, f), size and byte order.
    struct ElementType {
        var kind: Character
        var size: Int
        var bigEndian: Bool

        init?(_ descr: String) {
            var text = Substring(descr)
            bigEndian = text.first == ">"
            if let first = text.first, "<>|=".contains(first) { text = text.dropFirst() }
            guard let kind = text.first, let size = Int(text.dropFirst()) else { return nil }
            switch (kind, size) {
            case ("b", 1), ("i", 1), ("i", 2), ("i", 4), ("i", 8), ("u", 1), ("u", 2), ("u", 4), ("u", 8), ("f", 4), ("f", 8): break
            default: return nil
            }
            self.kind = kind
            self.size = size
        }

        func value(_ buffer: UnsafeBufferPointer<UInt8>, at offset: Int) -> Double {
            var raw: UInt64 = 0
            for i in 0..<size {
                let byte = UInt64(buffer[offset + (bigEndian ? size - 1 - i : i)])
                raw |= byte << (8 * UInt64(i))
            }
            switch (kind, size) {
            case ("f", 8): return Double(bitPattern: raw)
            case ("f", 4): return Double(Float(bitPattern: UInt32(truncatingIfNeeded: raw)))
            case ("i", _):
                let shift = UInt64(64 - 8 * size)
                return Double(Int64(bitPattern: raw << shift) >> Int64(shift))
            case ("b", _): return raw == 0 ? 0 : 1
            default: return Double(raw)
            }
        }
    }

    /// The text after `'key':` in a header dict, up to the next top-level comma.
    static func field(_ key: String, in header: String) -> String? {
        guard let range = header.range(of: "'\(key)':") else { return nil }
        var depth = 0
        var value = ""
        for character in header[range.upperBound...] {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if (character == "," && depth == 0) || character == "}" { break }
            value.append(character)
        }
        return value.trimmingCharacters(in: .whitespaces)
    }

    static func quoted(_ text: String) -> String? {
        guard text.count >= 2, let first = text.first, first == "'" || first == "\"", text.last == first else { return nil }
        return String(text.dropFirst().dropLast())
    }

    static func parseShape(_ text: String) throws -> [Int] {
        guard text.hasPrefix("("), text.hasSuffix(")") else { throw ReadError.notNPY("shape \(text) is not a tuple") }
        let parts = text.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return try parts.map {
            guard let size = Int($0), size >= 0 else { throw ReadError.notNPY("shape \(text) has a size that is not a whole number") }
            return size
        }
    }

    /// Values stored column-major (first index fastest) in row-major order.
    static func cOrder(fromFortran values: [Double], shape: [Int]) -> [Double] {
        var result = [Double](repeating: 0, count: values.count)
        var index = [Int](repeating: 0, count: shape.count)
        var fortranStrides = [Int](repeating: 1, count: shape.count)
        for axis in 1..<shape.count { fortranStrides[axis] = fortranStrides[axis - 1] * shape[axis - 1] }
        for position in 0..<values.count {
            var source = 0
            for axis in 0..<shape.count { source += index[axis] * fortranStrides[axis] }
            result[position] = values[source]
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }
}
