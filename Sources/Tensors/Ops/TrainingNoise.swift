/// The random numbers of one training step: what `dropout` draws its masks from.
///
/// A mask entry is a pure function of the training seed, the step, the call's place in the
/// model (`site`), the data row (its index in the split, not its place in the batch) and the
/// entry's index within the row: SplitMix64's mixing applied to each in turn (a counter-based
/// generator). So the Float32 engine and the Float64 interpreter draw the same masks, a batch
/// computed in chunks draws the masks it draws at once, and the seed alone decides them.
/// Where there is no noise (nil) — `{evaluate}`, test and validation accuracy, `{eval}`,
/// `{derive}`, `{gradcheck}` — a dropout is the identity.
public struct TrainingNoise: Sendable, Hashable {
    public var seed: UInt64
    public var step: Int
    /// The split's row index of each row of the batch (or chunk), in order.
    public var rows: [Int]

    public init(seed: UInt64, step: Int, rows: [Int]) {
        self.seed = seed
        self.step = step
        self.rows = rows
    }

    /// SplitMix64's finaliser: a bijection of 64-bit words that scrambles every bit.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The key of row `row` (its place in the batch) at dropout `site`: every entry of the row mixes its index into it.
    func rowKey(site: Int, row: Int) -> UInt64 {
        let id = row < rows.count ? rows[row] : row
        var key = Self.mix(seed)
        key = Self.mix(key ^ UInt64(truncatingIfNeeded: step))
        key = Self.mix(key ^ UInt64(truncatingIfNeeded: site))
        return Self.mix(key ^ UInt64(truncatingIfNeeded: id))
    }

    /// Whether entry `index` of the row with key `rowKey` is kept by a dropout of rate `rate`:
    /// a uniform number in [0, 1) from 53 bits of the mixed key, kept when it is at least `rate`.
    static func keeps(_ rowKey: UInt64, _ index: Int, rate: Double) -> Bool {
        Double(mix(rowKey ^ UInt64(truncatingIfNeeded: index)) >> 11) * 0x1p-53 >= rate
    }

    /// Calls `body(i, kept)` for every entry of a tensor of `shape` (rows first) under a dropout
    /// of `rate` at `site`.
    func forEachEntry(_ shape: [Int], site: Int, rate: Double, _ body: (Int, Bool) -> Void) {
        let rowCount = shape.first ?? 1, width = shape.dropFirst().reduce(1, *)
        for r in 0..<rowCount {
            let key = rowKey(site: site, row: r)
            for j in 0..<width { body(r * width + j, Self.keeps(key, j, rate: rate)) }
        }
    }
}
