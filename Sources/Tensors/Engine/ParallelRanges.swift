import Dispatch

/// Work on `0..<count` split into consecutive ranges run side by side: at most `threads` of
/// them, none shorter than `smallest` (short work runs as one range on the calling thread),
/// every boundary a multiple of `alignment` (so vector loops see the same whole vectors).
struct ParallelRanges {
    let ranges: [Range<Int>]

    init(_ count: Int, threads: Int, smallest: Int, alignment: Int = 8) {
        let parts = max(1, min(threads, count / max(1, smallest)))
        let length = ((count + parts - 1) / parts + alignment - 1) / alignment * alignment
        ranges = stride(from: 0, to: count, by: max(1, length)).map { $0 ..< min(count, $0 + length) }
    }

    /// Runs `body` on every range, side by side when there are several.
    func run(_ body: @Sendable (Range<Int>) -> Void) {
        guard ranges.count > 1 else {
            ranges.forEach(body)
            return
        }
        DispatchQueue.concurrentPerform(iterations: ranges.count) { body(ranges[$0]) }
    }
}
