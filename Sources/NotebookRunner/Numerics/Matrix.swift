/// A dense row-major matrix of `Float` (training) or `Double` (reference checks).
///
/// Kept deliberately plain: element access, rows, products and transposes for the
/// reference computations and tests. The training kernel works on raw buffers instead.
public struct Matrix<Scalar: BinaryFloatingPoint & Sendable>: Sendable, Hashable {
    public let rows: Int
    public let cols: Int
    /// Elements row after row: element (r, c) is `elements[r * cols + c]`.
    public var elements: [Scalar]

    public init(rows: Int, cols: Int, elements: [Scalar]) {
        precondition(rows >= 0 && cols >= 0 && elements.count == rows * cols, "matrix shape does not match element count")
        self.rows = rows
        self.cols = cols
        self.elements = elements
    }

    public init(rows: Int, cols: Int, repeating value: Scalar = 0) {
        self.init(rows: rows, cols: cols, elements: [Scalar](repeating: value, count: rows * cols))
    }

    /// A matrix from nested rows, all of the same length.
    public init(_ nested: [[Scalar]]) {
        let cols = nested.first?.count ?? 0
        precondition(nested.allSatisfy { $0.count == cols }, "rows differ in length")
        self.init(rows: nested.count, cols: cols, elements: nested.flatMap { $0 })
    }

    public subscript(row: Int, col: Int) -> Scalar {
        get { elements[row * cols + col] }
        set { elements[row * cols + col] = newValue }
    }

    /// Row `r` as an array.
    public func row(_ r: Int) -> [Scalar] {
        Array(elements[r * cols ..< (r + 1) * cols])
    }

    public var transposed: Matrix {
        var result = Matrix(rows: cols, cols: rows)
        for r in 0..<rows {
            for c in 0..<cols {
                result[c, r] = self[r, c]
            }
        }
        return result
    }

    /// The product `self · other` (straightforward triple loop).
    public func multiplied(by other: Matrix) -> Matrix {
        precondition(cols == other.rows, "inner dimensions differ: \(cols) vs \(other.rows)")
        var result = Matrix(rows: rows, cols: other.cols)
        for r in 0..<rows {
            for k in 0..<cols {
                let a = self[r, k]
                if a == 0 { continue }
                for c in 0..<other.cols {
                    result.elements[r * other.cols + c] += a * other.elements[k * other.cols + c]
                }
            }
        }
        return result
    }

    /// The same matrix in another precision.
    public func converted<Other: BinaryFloatingPoint & Sendable>(to _: Other.Type = Other.self) -> Matrix<Other> {
        Matrix<Other>(rows: rows, cols: cols, elements: elements.map { Other($0) })
    }
}
