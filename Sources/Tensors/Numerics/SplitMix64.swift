/// SplitMix64 (Steele, Lea & Flood 2014): a tiny 64-bit generator used to expand a seed.
///
/// Each call adds the golden-ratio constant 0x9E3779B97F4A7C15 to the state and
/// scrambles it with two xor-shift-multiply rounds. `Xoshiro256StarStar` uses it to
/// turn one `UInt64` seed into four well-mixed state words, as its authors recommend.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
