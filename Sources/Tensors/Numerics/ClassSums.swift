/// Per-class running sums of `SIMD16<Float>` kept in registers while the kernel streams pixels.
///
/// A group of `count` classes shares each widened 16-pixel chunk: one load and conversion
/// feeds `count` multiply-adds. With 32 vector registers (AVX-512, `WIDE_VECTORS`) the
/// kernel uses groups of ten, otherwise of five; a remainder goes one class at a time.
/// Every sum adds its terms in the same order whatever the group size, so the results
/// do not depend on it.
protocol ClassSums {
    typealias Lanes = SIMD16<Float>
    static var count: Int { get }
    init()
    /// sum[i] += x · w[i·stride ..< i·stride + 16]: logits against transposed weights.
    mutating func add(_ x: Lanes, weights w: UnsafePointer<Float>, stride: Int)
    /// sum[i] += g[i] · x: a gradient row's coefficients times the pixels.
    mutating func add(_ x: Lanes, coefficients g: UnsafePointer<Float>)
    /// Sums loaded from `source + i·stride`.
    init(loading source: UnsafePointer<Float>, stride: Int)
    /// Stores sum[i] at `target + i·stride`.
    func store(to target: UnsafeMutablePointer<Float>, stride: Int)
    /// Calls `body(i, sum[i])` for each class of the group in order.
    func each(_ body: (Int, Lanes) -> Void)
    /// z[i] = Σ lanes of sum[i] · scale + bias[i].
    func logits(into z: UnsafeMutablePointer<Float>, scale: Float, bias: UnsafePointer<Float>)
}

@inline(__always)
func multiplyAdd(_ acc: SIMD16<Float>, _ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
    #if FUSED_MULTIPLY_ADD
    return acc.addingProduct(a, b)
    #else
    return acc + a * b
    #endif
}

/// The sum of the 16 lanes by halves (8 + 8, 4 + 4, 2 + 2, 1 + 1): four vector additions
/// instead of fifteen dependent scalar ones, in a fixed order.
@inline(__always)
func laneSum(_ v: SIMD16<Float>) -> Float {
    let eight = v.lowHalf + v.highHalf
    let four = eight.lowHalf + eight.highHalf
    let two = four.lowHalf + four.highHalf
    return two[0] + two[1]
}

@inline(__always)
func loadLanes(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}

@inline(__always)
func storeLanes(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
}

struct OneClassSum: ClassSums {
    static var count: Int { 1 }
    var a0 = Lanes()

    init() {}
    @inline(__always) init(loading source: UnsafePointer<Float>, stride: Int) {
        a0 = loadLanes(source)
    }
    @inline(__always) func each(_ body: (Int, Lanes) -> Void) {
        body(0, a0)
    }
    @inline(__always) mutating func add(_ x: Lanes, weights w: UnsafePointer<Float>, stride: Int) {
        a0 = multiplyAdd(a0, x, loadLanes(w))
    }
    @inline(__always) mutating func add(_ x: Lanes, coefficients g: UnsafePointer<Float>) {
        a0 = multiplyAdd(a0, Lanes(repeating: g[0]), x)
    }
    @inline(__always) func store(to target: UnsafeMutablePointer<Float>, stride: Int) {
        storeLanes(a0, target)
    }
    @inline(__always) func logits(into z: UnsafeMutablePointer<Float>, scale: Float, bias: UnsafePointer<Float>) {
        z[0] = laneSum(a0) * scale + bias[0]
    }
}

struct FiveClassSums: ClassSums {
    static var count: Int { 5 }
    var a0 = Lanes(), a1 = Lanes(), a2 = Lanes(), a3 = Lanes(), a4 = Lanes()

    init() {}
    @inline(__always) init(loading source: UnsafePointer<Float>, stride: Int) {
        a0 = loadLanes(source)
        a1 = loadLanes(source + stride)
        a2 = loadLanes(source + 2 * stride)
        a3 = loadLanes(source + 3 * stride)
        a4 = loadLanes(source + 4 * stride)
    }
    @inline(__always) func each(_ body: (Int, Lanes) -> Void) {
        body(0, a0)
        body(1, a1)
        body(2, a2)
        body(3, a3)
        body(4, a4)
    }
    @inline(__always) mutating func add(_ x: Lanes, weights w: UnsafePointer<Float>, stride: Int) {
        a0 = multiplyAdd(a0, x, loadLanes(w))
        a1 = multiplyAdd(a1, x, loadLanes(w + stride))
        a2 = multiplyAdd(a2, x, loadLanes(w + 2 * stride))
        a3 = multiplyAdd(a3, x, loadLanes(w + 3 * stride))
        a4 = multiplyAdd(a4, x, loadLanes(w + 4 * stride))
    }
    @inline(__always) mutating func add(_ x: Lanes, coefficients g: UnsafePointer<Float>) {
        a0 = multiplyAdd(a0, Lanes(repeating: g[0]), x)
        a1 = multiplyAdd(a1, Lanes(repeating: g[1]), x)
        a2 = multiplyAdd(a2, Lanes(repeating: g[2]), x)
        a3 = multiplyAdd(a3, Lanes(repeating: g[3]), x)
        a4 = multiplyAdd(a4, Lanes(repeating: g[4]), x)
    }
    @inline(__always) func store(to target: UnsafeMutablePointer<Float>, stride: Int) {
        storeLanes(a0, target)
        storeLanes(a1, target + stride)
        storeLanes(a2, target + 2 * stride)
        storeLanes(a3, target + 3 * stride)
        storeLanes(a4, target + 4 * stride)
    }
    @inline(__always) func logits(into z: UnsafeMutablePointer<Float>, scale: Float, bias: UnsafePointer<Float>) {
        z[0] = laneSum(a0) * scale + bias[0]
        z[1] = laneSum(a1) * scale + bias[1]
        z[2] = laneSum(a2) * scale + bias[2]
        z[3] = laneSum(a3) * scale + bias[3]
        z[4] = laneSum(a4) * scale + bias[4]
    }
}

struct TenClassSums: ClassSums {
    static var count: Int { 10 }
    var low = FiveClassSums(), high = FiveClassSums()

    init() {}
    @inline(__always) init(loading source: UnsafePointer<Float>, stride: Int) {
        low = FiveClassSums(loading: source, stride: stride)
        high = FiveClassSums(loading: source + 5 * stride, stride: stride)
    }
    @inline(__always) func each(_ body: (Int, Lanes) -> Void) {
        low.each(body)
        high.each { body($0 + 5, $1) }
    }
    @inline(__always) mutating func add(_ x: Lanes, weights w: UnsafePointer<Float>, stride: Int) {
        low.add(x, weights: w, stride: stride)
        high.add(x, weights: w + 5 * stride, stride: stride)
    }
    @inline(__always) mutating func add(_ x: Lanes, coefficients g: UnsafePointer<Float>) {
        low.add(x, coefficients: g)
        high.add(x, coefficients: g + 5)
    }
    @inline(__always) func store(to target: UnsafeMutablePointer<Float>, stride: Int) {
        low.store(to: target, stride: stride)
        high.store(to: target + 5 * stride, stride: stride)
    }
    @inline(__always) func logits(into z: UnsafeMutablePointer<Float>, scale: Float, bias: UnsafePointer<Float>) {
        low.logits(into: z, scale: scale, bias: bias)
        high.logits(into: z + 5, scale: scale, bias: bias + 5)
    }
}

#if WIDE_VECTORS
/// The widest group the registers hold.
typealias WideClassSums = TenClassSums
#else
typealias WideClassSums = FiveClassSums
#endif
