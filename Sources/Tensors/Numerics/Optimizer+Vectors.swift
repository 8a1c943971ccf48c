/// Adam's step on Float32 values eight at a time, for the engine: the same operations in the
/// same order as `Optimizer.update`'s loop on each value (so the same bits), in vector
/// registers — the scalar loop's square root and division kept it at one value per ~12 cycles.
extension Optimizer {
    /// Steps the values of `0..<count` that fill whole vectors of eight; returns how many it stepped.
    @usableFromInline
    static func adamVectors(_ theta: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
                            v: UnsafeMutablePointer<Float>, count: Int, coupled: Float, shrink: Float, beta1: Float, beta2: Float,
                            stepSize: Float, correction: Float, epsilon: Float) -> Int {
        typealias Vector = SIMD8<Float>
        let width = Vector.scalarCount, whole = count - count % width
        let rest1 = 1 - beta1, rest2 = 1 - beta2
        var i = 0
        while i < whole {
            let t = UnsafeRawPointer(theta + i).loadUnaligned(as: Vector.self)
            let g = UnsafeRawPointer(gradient + i).loadUnaligned(as: Vector.self) + coupled * t
            let first = beta1 * UnsafeRawPointer(m + i).loadUnaligned(as: Vector.self) + rest1 * g
            let second = beta2 * UnsafeRawPointer(v + i).loadUnaligned(as: Vector.self) + rest2 * g * g
            UnsafeMutableRawPointer(m + i).storeBytes(of: first, as: Vector.self)
            UnsafeMutableRawPointer(v + i).storeBytes(of: second, as: Vector.self)
            let next = t * shrink - stepSize * first / (second.squareRoot() / correction + epsilon)
            UnsafeMutableRawPointer(theta + i).storeBytes(of: next, as: Vector.self)
            i += width
        }
        return whole
    }
}
