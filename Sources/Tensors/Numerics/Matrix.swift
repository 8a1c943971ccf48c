/// A dense row-major matrix for the plain reference computations the tests compare the
/// training kernel with (`SoftmaxObjective`); the kernel itself works on raw buffers.
///
/// Kept deliberately plain: element access, rows, products and transposes for the
/// reference computations and tests. The training kernel works on raw buffers instead.
struct Matrix<Scalar: BinaryFloatingPoint & Sendable>: Sendable, Hashable {
    let rows: Int
    let cols: Int
    /// Elements row after row: element (r, c) is `elements[r * cols + c]`.
    var elements: [Scalar]

    init(rows: Int, cols: Int, elements: [Scalar]) {
        precondition(rows >= 0 && cols >= 0 && elements.count == rows * cols, "matrix shape does not match element count")
        self.rows = rows
        self.cols = cols
        self.elements = elements
    }

    init(rows: Int, cols: Int, repeating value: Scalar = 0) {
        self.init(rows: rows, cols: cols, elements: [Scalar](repeating: value, count: rows * cols))
    }

    /// A matrix from nested rows, all of the same length.
    init(_ nested: [[Scalar]]) {
        let cols = nested.first?.count ?? 0
        precondition(nested.allSatisfy { $0.count == cols }, "rows differ in length")
        self.init(rows: nested.count, cols: cols, elements: nested.flatMap { $0 })
    }

    subscript(row: Int, col: Int) -> Scalar {
        get { elements[row * cols + col] }
        set { elements[row * cols + col] = newValue }
    }

    /// Row `r` as an array.
    func row(_ r: Int) -> [Scalar] {
        Array(elements[r * cols ..< (r + 1) * cols])
    }

    var transposed: Matrix {
        var result = Matrix(rows: cols, cols: rows)
        for r in 0..<rows {
            for c in 0..<cols {
                result[c, r] = self[r, c]
            }
        }
        return result
    }

    /// The product `self · other` (straightforward triple loop).
    func multiplied(by other: Matrix) -> Matrix {
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
}
