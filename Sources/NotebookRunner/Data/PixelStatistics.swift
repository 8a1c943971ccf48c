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
            histogram.withUnsafeMutableBufferPointer { bins in
                for value in buffer { bins[Int(value)] += 1 }
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
