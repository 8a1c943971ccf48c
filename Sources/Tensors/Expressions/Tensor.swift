import Foundation

/// A Float64 array of rank 0 to 4: a scalar, a vector `[n]`, a matrix `[rows, cols]`, or a
/// batch of images `[N, C, H, W]` (rank 3 or 4).
///
/// Values are stored row-major in `data`. Elementwise operators broadcast like NumPy:
/// shapes are aligned on the right and a size of 1 (or a missing axis) stretches; a tensor
/// of rank 3 or 4 meets only a tensor of its own shape or a single value.
public struct Tensor: Sendable, Hashable, Codable {
    public var shape: [Int]
    public var data: [Double]

    public init(shape: [Int], data: [Double]) {
        precondition(shape.count <= Self.maxRank && shape.reduce(1, *) == data.count, "shape \(shape) does not fit \(data.count) values")
        self.shape = shape
        self.data = data
    }

    public init(scalar: Double) {
        self.init(shape: [], data: [scalar])
    }

    public init(vector: [Double]) {
        self.init(shape: [vector.count], data: vector)
    }

    public init(rows: Int, cols: Int, data: [Double]) {
        self.init(shape: [rows, cols], data: data)
    }

    /// A tensor of `shape` filled with `value`.
    /// The most axes a tensor has (images: N×C×H×W).
    public static let maxRank = 4

    public static func filled(_ shape: [Int], _ value: Double) -> Tensor {
        Tensor(shape: shape, data: [Double](repeating: value, count: shape.reduce(1, *)))
    }

    public var rank: Int { shape.count }
    public var count: Int { data.count }
    public var isScalar: Bool { shape.isEmpty }
    /// The value of a scalar (or of a tensor holding exactly one value).
    public var scalar: Double? { data.count == 1 && shape.allSatisfy({ $0 == 1 }) ? data[0] : nil }
    /// Rows of the matrix a table shows: every axis but the last folded into rows.
    public var rows: Int { shape.count >= 2 ? count / Swift.max(1, cols) : 1 }
    public var cols: Int { shape.last ?? 1 }

    public subscript(row: Int, col: Int) -> Double {
        get { data[row * shape[1] + col] }
        set { data[row * shape[1] + col] = newValue }
    }

    /// How error messages write a shape: `scalar`, `(10)`, `(784×10)`.
    public static func describe(_ shape: [Int]) -> String {
        shape.isEmpty ? "scalar" : "(" + shape.map(String.init).joined(separator: "×") + ")"
    }

    public var shapeDescription: String { Self.describe(shape) }

    /// The position of flat index `index` written as `(i, j)`, `(i)` or `()`.
    public static func describe(index: Int, in shape: [Int]) -> String {
        var rest = index, position: [Int] = []
        for size in shape.reversed() {
            position.insert(rest % Swift.max(1, size), at: 0)
            rest /= Swift.max(1, size)
        }
        return "(" + position.map(String.init).joined(separator: ", ") + ")"
    }
}

/// A shape problem found by a tensor operation; the evaluator places it at the operator.
public struct ShapeError: Error, Sendable {
    public var message: String
    public var hint: String?

    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }
}

// MARK: - Elementwise operations

extension Tensor {
    /// Applies `body` to every value.
    public func map(_ body: (Double) -> Double) -> Tensor {
        Tensor(shape: shape, data: data.map(body))
    }

    /// The NumPy broadcast of two shapes, or nil when they do not fit.
    public static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a
        let pb = [Int](repeating: 1, count: rank - b.count) + b
        var result: [Int] = []
        for (x, y) in Swift.zip(pa, pb) {
            if x == y || y == 1 { result.append(x) } else if x == 1 { result.append(y) } else { return nil }
        }
        return result
    }

    /// Combines two tensors value by value with NumPy broadcasting.
    /// `symbol` names the operator in the error message.
    /// `poll` is called between blocks of about a million values (to notice cancellation).
    public static func zip(_ a: Tensor, _ b: Tensor, _ symbol: String, poll: () throws -> Void = {},
                           _ body: (Double, Double) -> Double) throws -> Tensor {
        guard let shape = broadcastShape(a.shape, b.shape) else {
            throw broadcastError(a.shape, b.shape, symbol)
        }
        if shape.count > 2 {
            return try zipImages(a, b, shape, symbol, poll: poll, body)
        }
        let rows = shape.count == 2 ? shape[0] : 1
        let cols = shape.last ?? 1
        let (ars, acs) = strides(of: a.shape, rank: shape.count)
        let (brs, bcs) = strides(of: b.shape, rank: shape.count)
        var out = [Double](repeating: 0, count: rows * cols)
        let rowsPerBlock = Swift.max(1, (1 << 20) / Swift.max(1, cols))
        try a.data.withUnsafeBufferPointer { pa in
            try b.data.withUnsafeBufferPointer { pb in
                try out.withUnsafeMutableBufferPointer { po in
                    for r in 0..<rows {
                        if r % rowsPerBlock == 0 && r > 0 { try poll() }
                        let (ar, br, or) = (r * ars, r * brs, r * cols)
                        if acs == 1 && bcs == 1 {
                            for c in 0..<cols { po[or + c] = body(pa[ar + c], pb[br + c]) }
                        } else {
                            for c in 0..<cols { po[or + c] = body(pa[ar + c * acs], pb[br + c * bcs]) }
                        }
                    }
                }
            }
        }
        return Tensor(shape: shape, data: out)
    }

    /// `zip` for a result of rank 3 or 4: equal shapes, or one side a single value.
    private static func zipImages(_ a: Tensor, _ b: Tensor, _ shape: [Int], _ symbol: String, poll: () throws -> Void,
                                  _ body: (Double, Double) -> Double) throws -> Tensor {
        let count = shape.reduce(1, *)
        let strideA = a.count == count ? 1 : 0, strideB = b.count == count ? 1 : 0
        guard (strideA == 1 || a.count == 1) && (strideB == 1 || b.count == 1) else {
            throw ShapeError("shape mismatch in '\(symbol)': \(describe(a.shape)) \(symbol) \(describe(b.shape)): a tensor of rank 3 or 4 meets only one of its own shape or a single value",
                             hint: "conv2d takes the bias itself; flatten(x) turns images back into rows")
        }
        var out = [Double](repeating: 0, count: count)
        for i in 0..<count {
            if i % (1 << 20) == 0 && i > 0 { try poll() }
            out[i] = body(a.data[i * strideA], b.data[i * strideB])
        }
        return Tensor(shape: shape, data: out)
    }

    /// This tensor stretched to `shape` (which must be a broadcast of its own).
    public func broadcasted(to target: [Int]) -> Tensor {
        if shape == target { return self }
        if target.count > 2 { return Tensor(shape: target, data: [Double](repeating: data[0], count: target.reduce(1, *))) }
        let rows = target.count == 2 ? target[0] : 1
        let cols = target.last ?? 1
        let (rs, cs) = Self.strides(of: shape, rank: target.count)
        var out = [Double](repeating: 0, count: rows * cols)
        for r in 0..<rows {
            for c in 0..<cols { out[r * cols + c] = data[r * rs + c * cs] }
        }
        return Tensor(shape: target, data: out)
    }

    /// Row and column strides of a tensor viewed at `rank`, 0 along broadcast axes.
    private static func strides(of shape: [Int], rank: Int) -> (Int, Int) {
        let padded = [Int](repeating: 1, count: rank - shape.count) + shape
        switch padded.count {
        case 0: return (0, 0)
        case 1: return (0, padded[0] == 1 ? 0 : 1)
        default:
            let cols = padded[1]
            return (padded[0] == 1 ? 0 : cols, cols == 1 ? 0 : 1)
        }
    }

    private static func broadcastError(_ a: [Int], _ b: [Int], _ symbol: String) -> ShapeError {
        let rank = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a
        let pb = [Int](repeating: 1, count: rank - b.count) + b
        var detail = ""
        for axis in (0..<rank).reversed() where pa[axis] != pb[axis] && pa[axis] != 1 && pb[axis] != 1 {
            let which = axis == rank - 1 ? "last axis" : "first axis"
            detail = ": along the \(which) the sizes are \(pa[axis]) and \(pb[axis]), and neither is 1"
            break
        }
        var hint = "elementwise operators need equal sizes on each axis counted from the right, or a size of 1 that stretches (NumPy broadcasting)"
        if a.count == 2, b.count == 2, a[0] == b[1], a[1] == b[0] {
            hint += "; the shapes are each other's transpose: is a .T missing?"
        } else if a.count == 2, b.count == 1, a[0] == b[0] {
            hint += "; a vector stretches along the rows, so it must match the \(a[1]) columns"
        } else if b.count == 2, a.count == 1, b[0] == a[0] {
            hint += "; a vector stretches along the rows, so it must match the \(b[1]) columns"
        }
        return ShapeError("shape mismatch in '\(symbol)': \(describe(a)) \(symbol) \(describe(b)) cannot broadcast\(detail)", hint: hint)
    }
}

// MARK: - Linear algebra

extension Tensor {
    /// The transpose of a matrix; a vector or scalar is its own transpose (as in NumPy).
    public var transposed: Tensor {
        guard rank == 2 else { return self }
        let (r, c) = (shape[0], shape[1])
        var out = [Double](repeating: 0, count: count)
        data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<r {
                    for j in 0..<c { dst[j * r + i] = src[i * c + j] }
                }
            }
        }
        return Tensor(shape: [c, r], data: out)
    }

    /// The matrix product with NumPy's rules for vectors: matrix@matrix, matrix@vector,
    /// vector@matrix and vector@vector (a dot product).
    /// `leftText`/`rightText` (the operands' source) make hints concrete.
    /// `poll` is called between blocks of rows (to notice cancellation).
    public static func matmul(_ a: Tensor, _ b: Tensor, leftText: @autoclosure () -> String = "A",
                              rightText: @autoclosure () -> String = "B", poll: () throws -> Void = {}) throws -> Tensor {
        guard a.rank >= 1, b.rank >= 1, a.rank <= 2, b.rank <= 2 else {
            throw ShapeError("'@' needs vectors or matrices, got \(a.shapeDescription) @ \(b.shapeDescription)",
                             hint: a.rank > 2 || b.rank > 2 ? "flatten(x) turns images into rows" : "use '*' to multiply by a scalar")
        }
        let (m, k1) = a.rank == 2 ? (a.shape[0], a.shape[1]) : (1, a.shape[0])
        let (k2, n) = b.rank == 2 ? (b.shape[0], b.shape[1]) : (b.shape[0], 1)
        guard k1 == k2 else { throw matmulError(a.shape, b.shape, leftText(), rightText()) }
        var out = [Double](repeating: 0, count: m * n)
        // 0 × inf is nan, so skipping zero entries of `a` is only exact when `b` is finite.
        let skipZeros = b.data.allSatisfy { $0.isFinite }
        let rowsPerBlock = Swift.max(1, (1 << 22) / Swift.max(1, k1 * n))
        try a.data.withUnsafeBufferPointer { pa in
            try b.data.withUnsafeBufferPointer { pb in
                try out.withUnsafeMutableBufferPointer { po in
                    for i in 0..<m {
                        if i % rowsPerBlock == 0 && i > 0 { try poll() }
                        let row = i * n
                        for k in 0..<k1 {
                            let value = pa[i * k1 + k]
                            if skipZeros && value == 0 { continue }
                            let brow = k * n
                            for j in 0..<n { po[row + j] += value * pb[brow + j] }
                        }
                    }
                }
            }
        }
        switch (a.rank, b.rank) {
        case (2, 2): return Tensor(shape: [m, n], data: out)
        case (2, 1): return Tensor(shape: [m], data: out)
        case (1, 2): return Tensor(shape: [n], data: out)
        default: return Tensor(scalar: out[0])
        }
    }

    private static func matmulError(_ a: [Int], _ b: [Int], _ left: String, _ right: String) -> ShapeError {
        let leftInner = a.last!
        let rightInner = b.count == 2 ? b[0] : b[0]
        let need: String
        if b.count == 2 {
            need = "needs \(rightInner) columns on the left to match the \(rightInner) rows on the right, but the left has \(leftInner)"
        } else {
            need = "needs \(rightInner) columns on the left to match the vector's \(rightInner) entries, but the left has \(leftInner)"
        }
        var hint = "in A @ B the columns of A must equal the rows of B; the result has A's rows and B's columns"
        let wrap: (String) -> String = { text in
            text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." })
                || (text.hasPrefix("(") && text.hasSuffix(")")) ? text : "(\(text))"
        }
        if a.count == 2, b.count == 2 {
            if a[0] == b[0] {
                hint = "\(wrap(left)).T @ \(wrap(right)) would be (\(a[1])×\(a[0])) @ (\(b[0])×\(b[1])) → (\(a[1])×\(b[1]))"
            } else if a[1] == b[1] {
                hint = "\(wrap(left)) @ \(wrap(right)).T would be (\(a[0])×\(a[1])) @ (\(b[1])×\(b[0])) → (\(a[0])×\(b[0]))"
            } else if a[0] == b[1] {
                hint = "\(wrap(right)) @ \(wrap(left)) would be (\(b[0])×\(b[1])) @ (\(a[0])×\(a[1])) → (\(b[0])×\(a[1])): are the operands swapped?"
            }
        } else if a.count == 2, b.count == 1, a[0] == b[0] {
            hint = "\(wrap(left)).T @ \(wrap(right)) would be (\(a[1])×\(a[0])) @ (\(b[0])) → (\(a[1]))"
        }
        return ShapeError("shape mismatch in '@': \(describe(a)) @ \(describe(b)) \(need)", hint: hint)
    }
}

// MARK: - Reductions and softmax

extension Tensor {
    /// Normalises an `axis=` argument (-1 is the last axis) or throws naming the valid axes.
    public func resolveAxis(_ axis: Int) throws -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard rank > 0, (0..<rank).contains(resolved) else {
            let valid = rank == 0 ? "a scalar has no axes" : rank == 1 ? "a vector has only axis 0 (or -1)" : "a matrix has axes 0, 1 (or -1)"
            throw ShapeError("axis=\(axis) is out of range for \(shapeDescription): \(valid)")
        }
        return resolved
    }

    /// The softmax along `axis`, computed stably by subtracting each group's maximum.
    public func softmax(axis: Int = -1) throws -> Tensor {
        if rank == 0 { return Tensor(scalar: data[0].isNaN ? .nan : 1) }
        guard rank <= 2 else { throw ShapeError("softmax of a \(shapeDescription) tensor: it takes a vector or a matrix", hint: "flatten(x) turns images into rows") }
        let resolved = try resolveAxis(axis)
        var out = data
        let (r, c) = rank == 2 ? (shape[0], shape[1]) : (1, shape[0])
        let groups = resolved == rank - 1 ? r : c
        let length = resolved == rank - 1 ? c : r
        let stride = resolved == rank - 1 ? 1 : c
        for g in 0..<groups {
            let start = resolved == rank - 1 ? g * c : g
            var peak = -Double.infinity
            for t in 0..<length { peak = Swift.max(peak, data[start + t * stride]) }
            if peak == .infinity || peak.isNaN {
                // exp(inf - inf) is nan, as NumPy's stable softmax gives for inf logits.
                for t in 0..<length { out[start + t * stride] = .nan }
                continue
            }
            var total = 0.0
            for t in 0..<length {
                let e = Foundation.exp(data[start + t * stride] - peak)
                out[start + t * stride] = e
                total += e
            }
            for t in 0..<length { out[start + t * stride] /= total }
        }
        return Tensor(shape: shape, data: out)
    }
}

// MARK: - Memory

extension Tensor {
    /// The number of values a tensor of `shape` holds, or nil when it does not fit in an Int.
    public static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for size in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            if overflow || size < 0 { return nil }
            count = product
        }
        return count
    }

    /// Throws unless a tensor of `shape` fits in `budget`; `what` names the operation
    /// that would create it (`'@'`, `onehot()`).
    public static func checkAllocation(_ shape: [Int], within budget: MemoryBudget, by what: String) throws {
        let stride = MemoryLayout<Double>.stride
        if let count = elementCount(shape), budget.allows(count: count, stride: stride) { return }
        let bytes = shape.reduce(Double(stride)) { $0 * Double($1) }
        let exact = bytes < 1e18 ? " (\(grouped(Int(bytes))) bytes)" : ""
        throw ShapeError("\(what) would create a tensor of shape \(describe(shape)): \(MemoryBudget.describe(bytes: bytes))\(exact), over the memory limit of \(MemoryBudget.describe(bytes: Double(budget.bytes)))",
                         hint: "work on fewer rows (e.g. X[0:100]) or a smaller shape; the limit is set with --memory-limit")
    }

    /// `28800000032` → `28,800,000,032`.
    private static func grouped(_ value: Int) -> String {
        var digits = Array(String(value))
        var i = digits.count - 3
        while i > 0 {
            digits.insert(",", at: i)
            i -= 3
        }
        return String(digits)
    }
}
