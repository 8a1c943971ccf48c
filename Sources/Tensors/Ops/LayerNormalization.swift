/// Layer normalisation of each row, written once for any floating-point type: the Float64
/// interpreter and the Float32 engine run this same code (`LayerOp.layernorm`).
///
/// For a row x of D values, x̂ = (x − mean x) / √(var x + ε) with the variance over D (not D − 1),
/// and out = x̂ ⊙ g + b. Its gradient, from the upstream gradient u of out:
/// ∂g = Σ_rows u ⊙ x̂, ∂b = Σ_rows u, and with d = u ⊙ g,
/// ∂x = (d − mean d − x̂ · mean(d ⊙ x̂)) / √(var x + ε), row by row.
enum LayerNormalization {
    /// ε, as PyTorch's `LayerNorm` defaults it.
    static let epsilon = 1e-5

    /// The mean and 1/√(var + ε) of a row of `count` values.
    @inline(__always)
    static func statistics<T: BinaryFloatingPoint>(_ row: UnsafePointer<T>, _ count: Int) -> (mean: T, inverse: T) {
        var sum: T = 0
        for j in 0..<count { sum += row[j] }
        let mean = sum / T(count)
        var squares: T = 0
        for j in 0..<count { let d = row[j] - mean; squares += d * d }
        return (mean, 1 / (squares / T(count) + T(epsilon)).squareRoot())
    }

    /// out = x̂ ⊙ g + b for `rows` rows of `width` values.
    static func forward<T: BinaryFloatingPoint>(_ x: UnsafePointer<T>, _ g: UnsafePointer<T>, _ b: UnsafePointer<T>,
                                               into out: UnsafeMutablePointer<T>, rows: Int, width: Int) {
        for i in 0..<rows {
            let row = x + i * width, target = out + i * width
            let (mean, inverse) = statistics(row, width)
            for j in 0..<width { target[j] = (row[j] - mean) * inverse * g[j] + b[j] }
        }
    }

    /// The gradient of input `which` (0: x, 1: g, 2: b) from the upstream gradient `u`, into `result`.
    static func gradient<T: BinaryFloatingPoint>(_ which: Int, _ x: UnsafePointer<T>, _ g: UnsafePointer<T>, upstream u: UnsafePointer<T>,
                                                into result: UnsafeMutablePointer<T>, rows: Int, width: Int) {
        if which > 0 { result.update(repeating: 0, count: width) }
        for i in 0..<rows {
            let row = x + i * width, up = u + i * width
            switch which {
            case 2:
                for j in 0..<width { result[j] += up[j] }
            case 1:
                let (mean, inverse) = statistics(row, width)
                for j in 0..<width { result[j] += up[j] * (row[j] - mean) * inverse }
            default:
                let (mean, inverse) = statistics(row, width)
                var meanD: T = 0, meanDX: T = 0
                for j in 0..<width {
                    let d = up[j] * g[j]
                    meanD += d
                    meanDX += d * (row[j] - mean) * inverse
                }
                meanD /= T(width)
                meanDX /= T(width)
                let target = result + i * width
                for j in 0..<width { target[j] = (up[j] * g[j] - meanD - (row[j] - mean) * inverse * meanDX) * inverse }
            }
        }
    }
}
