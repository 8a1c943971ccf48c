import Foundation

/// A small deterministic random number generator (SplitMix64) for reproducible checks.
///
/// The same seed gives the same samples and initial weights on every machine.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed &+ 0x9E37_79B9_7F4A_7C15
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A standard normal value (Box–Muller).
    public mutating func normal() -> Double {
        let u1 = max(uniform(), 0x1p-53)
        let u2 = uniform()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }

    /// `count` distinct indices from `0..<total`, in the order drawn (partial Fisher–Yates).
    public mutating func sample(_ count: Int, from total: Int) -> [Int] {
        let count = min(count, total)
        var pool = Array(0..<total)
        for i in 0..<count {
            let j = i + Int(next() % UInt64(total - i))
            pool.swapAt(i, j)
        }
        return Array(pool[0..<count])
    }
}
