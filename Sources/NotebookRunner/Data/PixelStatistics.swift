/// Mean and standard deviation of pixel values scaled to 0…1 (pixel / 255).
///
/// Computed from a 256-bin histogram with integer counts, so the result does not
/// depend on summation order and a 47 MB split is one pass over its bytes.
public struct PixelStatistics: Sendable, Hashable {
    public var mean: Double
    public var standardDeviation: Double
    /// How many pixels were counted.
    public var count: Int

    public init<Pixels: Collection<UInt8>>(_ pixels: Pixels) {
        self.init(histogram: Self.histogram(pixels))
    }

    /// How often each value 0…255 occurs; add histograms to combine splits.
    public static func histogram<Pixels: Collection<UInt8>>(_ pixels: Pixels) -> [Int] {
        var histogram = [Int](repeating: 0, count: 256)
        let counted: Void? = pixels.withContiguousStorageIfAvailable { buffer in
            // Four histograms, one per byte of every four: runs of one value (a digit's black
            // background) then increment four counters in turn instead of waiting on one.
            var bins = [Int](repeating: 0, count: 4 * 256)
            bins.withUnsafeMutableBufferPointer { bins in
                let whole = buffer.count / 4 * 4
                for i in stride(from: 0, to: whole, by: 4) {
                    bins[Int(buffer[i])] += 1
                    bins[256 + Int(buffer[i + 1])] += 1
                    bins[512 + Int(buffer[i + 2])] += 1
                    bins[768 + Int(buffer[i + 3])] += 1
                }
                for value in 0 ..< 256 {
                    histogram[value] = bins[value] + bins[256 + value] + bins[512 + value] + bins[768 + value]
                }
                for value in buffer[whole...] { histogram[Int(value)] += 1 }
            }
        }
        if counted == nil {
            for value in pixels { histogram[Int(value)] += 1 }
        }
        return histogram
    }

    /// Statistics from a histogram of 256 bins.
    public init(histogram: [Int]) {
        var count = 0, sum = 0, sumOfSquares = 0
        for (value, frequency) in histogram.enumerated() {
            count += frequency
            sum += value * frequency
            sumOfSquares += value * value * frequency
        }
        self.count = count
        guard count > 0 else {
            mean = 0
            standardDeviation = 0
            return
        }
        let n = Double(count)
        let meanValue = Double(sum) / n
        let variance = max(0, Double(sumOfSquares) / n - meanValue * meanValue)
        mean = meanValue / 255
        standardDeviation = variance.squareRoot() / 255
    }
}
