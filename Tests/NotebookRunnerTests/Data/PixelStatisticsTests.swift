import Testing
@testable import NotebookRunner
import Tensors

/// The pixel histogram behind `{load}`'s statistics, counted four bytes at a time.
@Suite struct PixelStatisticsTests {
    /// Every length (whole groups of four and the bytes left over), runs of one value and
    /// every value: the same counts as one counter per value.
    @Test func theHistogramCountsEveryByte() {
        var generator = Xoshiro256StarStar(seed: 3)
        for count in [0, 1, 3, 4, 5, 7, 1001, 4096] {
            let pixels = (0..<count).map { _ in generator.unit() < 0.6 ? 0 : UInt8(generator.next() % 256) }
            var expected = [Int](repeating: 0, count: 256)
            for value in pixels { expected[Int(value)] += 1 }
            #expect(PixelStatistics.histogram(pixels) == expected, "\(count) bytes")
            // Without contiguous storage, the plain loop.
            #expect(PixelStatistics.histogram(pixels.lazy.map { $0 }) == expected, "\(count) bytes, lazily")
        }
    }
}
