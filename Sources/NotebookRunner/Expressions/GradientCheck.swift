import Foundation
import Synchronization

/// Compares an analytic gradient (a formula's values) with central differences of a loss.
///
/// The numeric derivative of entry k is (L(θ + ε e_k) − L(θ − ε e_k)) / 2ε. The relative
/// error over the checked entries is ‖a − n‖ / max(‖a‖, ‖n‖, 1e-12) with Euclidean norms,
/// and the check passes when it is at most the tolerance.
public struct GradientCheck: Sendable {
    /// One checked entry: its flat index in the parameter, the formula's and the numeric value.
    public struct Entry: Sendable, Hashable {
        public var index: Int
        public var analytic: Double
        public var numeric: Double
        /// Whether a kink of the loss (a relu input changing sign) lies within ε of the
        /// entry's value: its central difference is then not a derivative, and it is left
        /// out of the comparison.
        public var atKink = false
        public var difference: Double { analytic - numeric }

        public init(index: Int, analytic: Double, numeric: Double, atKink: Bool = false) {
            self.index = index
            self.analytic = analytic
            self.numeric = numeric
            self.atKink = atKink
        }
    }

    /// The outcome for one parameter.
    public struct Result: Sendable {
        /// What was differentiated, e.g. `W` or `∂P/∂A`.
        public var name: String
        public var shape: [Int]
        public var entries: [Entry]
        public var tolerance: Double

        public init(name: String, shape: [Int], entries: [Entry], tolerance: Double) {
            self.name = name
            self.shape = shape
            self.entries = entries
            self.tolerance = tolerance
        }

        public var parameterCount: Int { shape.reduce(1, *) }
        /// The largest |a − n| over the checked entries (nan when any difference is nan).
        public var maxAbsoluteError: Double {
            var worst = 0.0
            for entry in entries where !entry.atKink {
                let difference = abs(entry.difference)
                if difference.isNaN { return .nan }
                worst = max(worst, difference)
            }
            return worst
        }
        /// Over the compared entries (those not at a kink).
        public var relativeError: Double {
            let compared = entries.filter { !$0.atKink }
            return GradientCheck.relativeError(compared.map(\.analytic), compared.map(\.numeric))
        }
        /// Entries left out because a kink lies within ε.
        public var kinkCount: Int { entries.filter(\.atKink).count }
        /// Passed: the relative error is a number no larger than the tolerance.
        public var passed: Bool { relativeError <= tolerance }

        /// The `count` entries with the largest |formula − numeric|, largest first.
        public func worst(_ count: Int) -> [Entry] {
            Array(entries.filter { !$0.atKink }.sorted {
                let (a, b) = (abs($0.difference), abs($1.difference))
                if a.isNaN != b.isNaN { return a.isNaN }
                return a != b ? a > b : $0.index < $1.index
            }.prefix(count))
        }
    }

    /// ‖a − n‖ / max(‖a‖, ‖n‖, 1e-12); nan when any value is nan or infinite.
    public static func relativeError(_ a: [Double], _ n: [Double]) -> Double {
        var diff = 0.0, na = 0.0, nn = 0.0
        for (x, y) in zip(a, n) {
            guard x.isFinite, y.isFinite else { return .nan }
            diff += (x - y) * (x - y)
            na += x * x
            nn += y * y
        }
        return diff.squareRoot() / max(na.squareRoot(), nn.squareRoot(), 1e-12)
    }

    /// The flat indices to check: all of them, or `limit` drawn with `seed`, in ascending order.
    public static func indices(count: Int, limit: Int?, seed: UInt64) -> [Int] {
        guard let limit, limit < count else { return Array(0..<count) }
        var generator = Xoshiro256StarStar(seed: seed ^ 0xC4EC_C0DE)
        return generator.sample(limit, from: count).sorted()
    }

    /// Central differences of `loss` at `parameter` for each index, computed on all cores
    /// in blocks; `between` runs on the calling thread after each block (progress, cancellation).
    public static func numericGradient(of loss: @escaping @Sendable (Tensor) throws -> Double, at parameter: Tensor,
                                       indices: [Int], epsilon: Double,
                                       between: (Int) throws -> Void = { _ in }) throws -> [Double] {
        try numericGradient(entry: { index, value in
            var shifted = parameter
            shifted.data[index] = value
            return try loss(shifted)
        }, at: parameter, indices: indices, epsilon: epsilon, between: between)
    }

    /// The same, for a loss given as a function of one entry's value (the others at `parameter`).
    public static func numericGradient(entry loss: @escaping @Sendable (Int, Double) throws -> Double, at parameter: Tensor,
                                       indices: [Int], epsilon: Double,
                                       between: (Int) throws -> Void = { _ in }) throws -> [Double] {
        try centralDifferences(indices: indices, between: between) { k in
            let original = parameter.data[k]
            return (try loss(k, original + epsilon) - loss(k, original - epsilon)) / (2 * epsilon)
        }
    }

    /// `difference(k)` for each index, on all cores in blocks; `between` runs on the calling
    /// thread after each block (progress, cancellation).
    static func centralDifferences(indices: [Int], between: (Int) throws -> Void,
                                   _ difference: @escaping @Sendable (Int) throws -> Double) throws -> [Double] {
        var result: [Double] = []
        result.reserveCapacity(indices.count)
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let blockSize = 64 * workers
        var start = 0
        while start < indices.count {
            let block = Array(indices[start ..< min(indices.count, start + blockSize)])
            let values = Mutex<[Double]>([Double](repeating: .nan, count: block.count))
            let failure = Mutex<Error?>(nil)
            let chunk = (block.count + workers - 1) / workers
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let range = worker * chunk ..< min(block.count, (worker + 1) * chunk)
                guard !range.isEmpty else { return }
                var local: [Double] = []
                do {
                    for i in range { local.append(try difference(block[i])) }
                } catch {
                    failure.withLock { if $0 == nil { $0 = error } }
                    return
                }
                values.withLock { all in
                    for (offset, value) in local.enumerated() { all[range.lowerBound + offset] = value }
                }
            }
            if let error = failure.withLock({ $0 }) { throw error }
            result += values.withLock { $0 }
            start += block.count
            try between(start)
        }
        return result
    }

    /// Checks `analytic` (the parameter's shape) against central differences of `loss`.
    public static func check(name: String, analytic: Tensor, parameter: Tensor,
                             loss: @escaping @Sendable (Tensor) throws -> Double,
                             indices: [Int], epsilon: Double, tolerance: Double,
                             between: (Int) throws -> Void = { _ in }) throws -> Result {
        let numeric = try numericGradient(of: loss, at: parameter, indices: indices, epsilon: epsilon, between: between)
        return result(name: name, analytic: analytic, parameter: parameter, indices: indices, numeric: numeric, tolerance: tolerance)
    }

    /// Checks `analytic` against central differences of a loss given entry by entry, with the
    /// side of every kink argument at each evaluation (`PerturbationLoss.evaluate`): an entry
    /// whose two evaluations see a kink argument on different sides is marked `atKink`.
    public static func check(name: String, analytic: Tensor, parameter: Tensor,
                             entryLoss: @escaping @Sendable (Int, Double) throws -> (loss: Double, sides: [Int8]),
                             indices: [Int], epsilon: Double, tolerance: Double,
                             between: (Int) throws -> Void = { _ in }) throws -> Result {
        let kinks = Mutex<Set<Int>>([])
        let numeric = try centralDifferences(indices: indices, between: between) { k in
            let original = parameter.data[k]
            let up = try entryLoss(k, original + epsilon), down = try entryLoss(k, original - epsilon)
            if up.sides != down.sides { kinks.withLock { _ = $0.insert(k) } }
            return (up.loss - down.loss) / (2 * epsilon)
        }
        var checked = result(name: name, analytic: analytic, parameter: parameter, indices: indices, numeric: numeric, tolerance: tolerance)
        let atKinks = kinks.withLock { $0 }
        for i in checked.entries.indices where atKinks.contains(checked.entries[i].index) { checked.entries[i].atKink = true }
        return checked
    }

    private static func result(name: String, analytic: Tensor, parameter: Tensor, indices: [Int], numeric: [Double],
                               tolerance: Double) -> Result {
        let entries = zip(indices, numeric).map { Entry(index: $0, analytic: analytic.data[$0], numeric: $1) }
        return Result(name: name, shape: parameter.shape, entries: entries, tolerance: tolerance)
    }
}
