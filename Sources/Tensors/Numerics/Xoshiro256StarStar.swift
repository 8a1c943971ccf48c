import Foundation

/// xoshiro256** (Blackman & Vigna 2018): the seeded generator behind every random choice in training.
///
/// The 256-bit state is filled from the seed by four `SplitMix64` outputs. Each step
/// returns `rotl(s1 * 5, 7) * 9` and advances the state by the xor/shift/rotate
/// recurrence of the reference C code, so a seed gives the same stream on every
/// platform and in every build. On top of the raw stream it offers:
///
/// - `unit()`: a `Double` in [0, 1) from the top 53 bits;
/// - `below(_:)`: an unbiased integer in 0..<n (Lemire's multiply-and-reject method);
/// - `normal()`: a standard normal by the Box–Muller transform, which turns two uniforms
///   u1 ∈ (0, 1], u2 ∈ [0, 1) into √(−2 ln u1)·cos(2πu2) and √(−2 ln u1)·sin(2πu2);
///   the second value is kept for the next call;
/// - `shuffle(_:)`: Fisher–Yates, swapping position i (from the end down to 1) with a
///   position drawn by `below(i + 1)`.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    private var spareNormal: Double?

    public init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        s0 = seeder.next()
        s1 = seeder.next()
        s2 = seeder.next()
        s3 = seeder.next()
    }

    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    /// A uniform `Double` in [0, 1): the top 53 bits of the next output times 2⁻⁵³.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in `0..<bound` without modulo bias (Lemire 2019).
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let n = UInt64(bound)
        var product = next().multipliedFullWidth(by: n)
        if product.low < n {
            let threshold = (0 &- n) % n
            while product.low < threshold {
                product = next().multipliedFullWidth(by: n)
            }
        }
        return Int(product.high)
    }

    /// A standard normal sample (mean 0, standard deviation 1) by Box–Muller.
    public mutating func normal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        let u1 = 1 - unit()          // (0, 1]: the logarithm stays finite
        let u2 = unit()
        let radius = (-2 * Foundation.log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        spareNormal = radius * Foundation.sin(angle)
        return radius * Foundation.cos(angle)
    }

    /// `count` distinct indices of `0..<total` in the order drawn (a partial Fisher–Yates
    /// shuffle from the front); all of them when `count ≥ total`.
    public mutating func sample(_ count: Int, from total: Int) -> [Int] {
        let count = min(max(count, 0), total)
        var pool = Array(0..<total)
        for i in 0..<count {
            pool.swapAt(i, i + below(total - i))
        }
        return Array(pool[0..<count])
    }

    /// Puts `elements` in a uniformly random order (Fisher–Yates, from the back).
    public mutating func shuffle<C: MutableCollection & RandomAccessCollection>(_ elements: inout C) where C.Index == Int {
        guard elements.count > 1 else { return }
        let start = elements.startIndex
        for i in stride(from: elements.count - 1, through: 1, by: -1) {
            let j = below(i + 1)
            elements.swapAt(start + i, start + j)
        }
    }

    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}
