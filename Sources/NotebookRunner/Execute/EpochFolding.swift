/// Which epochs a long training's table lists: the first, every K-th and the last, so a
/// 100-epoch run prints about a dozen rows (the curve and the run record keep every epoch).
enum EpochFolding {
    /// Tables of up to this many epochs list every one.
    static let mostRows = 12

    /// The step K between listed epochs, 1 when every epoch is listed.
    static func step(count: Int) -> Int {
        count <= mostRows ? 1 : (count + mostRows - 3) / (mostRows - 2)
    }

    /// The 0-based indices of the epochs listed, in order.
    static func shown(count: Int) -> [Int] {
        let step = step(count: count)
        guard step > 1 else { return Array(0..<count) }
        // Epoch numbers K, 2K, … (1-based) between the first and the last.
        let middle = stride(from: step, to: count, by: step).map { $0 - 1 }.filter { $0 > 0 }
        return [0] + middle + [count - 1]
    }
}
