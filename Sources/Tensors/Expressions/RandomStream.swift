/// The random numbers `rand` (uniform in [0, 1)) and `randn` (standard normal) draw in the
/// expression language: one Xoshiro256** stream from a seed, read in the order the calls are
/// evaluated, as NumPy's `np.random.seed(s); np.random.rand(…)` does. A reference type, so
/// every line of a cell continues the same stream.
public final class RandomStream: @unchecked Sendable {
    private var generator: Xoshiro256StarStar

    /// A stream for `seed`, apart from the other streams drawn from the same seed (the rows of
    /// `X`, random weights): the seed is mixed with a constant of its own first.
    public init(seed: UInt64) {
        generator = Xoshiro256StarStar(seed: seed ^ 0x7261_6E64_7374_726D)
    }

    /// `count` numbers uniform in [0, 1) (`normal` false) or standard normal.
    func draw(_ count: Int, normal: Bool) -> [Double] {
        (0..<count).map { _ in normal ? generator.normal() : generator.unit() }
    }
}
