import Foundation
import Synchronization

/// Compares an analytic gradient (a formula's values) with central differences of a loss.
///
/// The numeric derivative of entry k is (L(θ + ε e_k) − L(θ − ε e_k)) / 2ε. The relative
/// error over the compared entries is ‖a − n‖ / max(‖a‖, ‖n‖, 1e-12) with Euclidean norms.
/// A check passes when it is at most the tolerance, enough entries were compared
/// (`Minimum`) and the loss changes with the parameter at all.
///
/// Where the loss has a kink (a relu, abs, maximum, minimum, clip or comparison argument
/// changing side) within ε of an entry, a central difference is not a derivative. The entry
/// is then differentiated from the side without the kink, by the second-order one-sided
/// difference (∓3L(θ) ± 4L(θ ± ε e_k) ∓ L(θ ± 2ε e_k)) / 2ε; only an entry with a kink on both
/// sides is left out (counted, and shown as skipped).
public struct GradientCheck: Sendable {
    /// Parameters with more entries than this are checked on a random subset of this many
    /// (`{gradcheck}` unless `:entries:` says otherwise, and every `grad` line of `{derive}`).
    public static let defaultEntryLimit = 10_000
    /// Without `:entries:`, a parameter is checked on fewer entries when one evaluation of the
    /// loss computes many values: its entries' evaluations (two each) compute at most about
    /// this many values in all…
    public static let valueBudget = 50_000_000
    /// …but at least this many entries are drawn (all of them, when the parameter has fewer).
    public static let fewestEntries = 100

    /// How many entries of a parameter to check.
    public enum EntryCount: Sendable, Hashable {
        /// Up to `defaultEntryLimit`, fewer for a loss that is costly to evaluate (`valueBudget`).
        case automatic
        /// This many, drawn at random (all when the parameter has fewer).
        case exactly(Int)
        case all

        /// How many of `count` entries to draw when one evaluation of the loss computes `values` values.
        public func limit(of count: Int, valuesPerEvaluation values: Int) -> Int {
            switch self {
            case .all: return count
            case .exactly(let limit): return min(limit, count)
            case .automatic:
                let affordable = GradientCheck.valueBudget / max(1, 2 * values)
                return min(count, GradientCheck.defaultEntryLimit, max(GradientCheck.fewestEntries, affordable))
            }
        }
    }

    /// How many entries a gradient check must compare before it may pass: entries left out
    /// (a kink within ε on both sides) must not decide the verdict.
    public enum Minimum {
        /// Per parameter, this share of the entries drawn…
        public static let share = 0.9
        /// …and at least this many (every entry drawn, when fewer are drawn).
        public static let perParameter = 10
        /// Over all parameters of one check together, at least this many (every entry drawn, when fewer).
        public static let overall = 20

        /// The entries one parameter must compare when `drawn` were drawn.
        public static func required(drawn: Int) -> Int {
            min(drawn, max(perParameter, Int((share * Double(drawn)).rounded(.up))))
        }

        /// The entries a whole check must compare when `drawn` were drawn over all its parameters.
        public static func requiredOverall(drawn: Int) -> Int { min(drawn, overall) }

        /// The rule in words, for messages and hints.
        public static var described: String {
            "at least \(Int(share * 100))% of the entries drawn and at least \(perParameter) per parameter (all of them when fewer are drawn), \(overall) over the whole check"
        }
    }

    /// What to do about a check that cannot tell a right formula from a wrong one.
    public static let unverifiableHint = "check at a point where the loss changes smoothly with every parameter, e.g. initialise the layers with normal(0.01) instead of zeros; a check needs \(Minimum.described)"

    /// How an entry's numeric derivative was taken.
    public enum Stencil: Sendable, Hashable {
        /// (L(θ + ε) − L(θ − ε)) / 2ε.
        case central
        /// From above only: a kink lies within ε below.
        case forward
        /// From below only: a kink lies within ε above.
        case backward
        /// A kink within ε on both sides: left out of the comparison.
        case skipped
    }

    /// One checked entry: its flat index in the parameter, the formula's and the numeric value.
    public struct Entry: Sendable, Hashable {
        public var index: Int
        public var analytic: Double
        public var numeric: Double
        public var stencil: Stencil = .central
        /// Whether the entry was left out of the comparison (a kink within ε on both sides).
        public var atKink: Bool { stencil == .skipped }
        public var difference: Double { analytic - numeric }

        public init(index: Int, analytic: Double, numeric: Double, stencil: Stencil = .central) {
            self.index = index
            self.analytic = analytic
            self.numeric = numeric
            self.stencil = stencil
        }
    }

    /// The outcome for one parameter.
    public struct Result: Sendable {
        /// What was differentiated, e.g. `W` or `∂P/∂A`.
        public var name: String
        public var shape: [Int]
        public var entries: [Entry]
        public var tolerance: Double
        /// Whether `numeric` holds derivatives of a loss (a gradient check), so that the
        /// minimum of compared entries applies and a loss that does not change fails; false
        /// for comparing two values of the same expression (a `{derive}` step).
        public var isDerivative: Bool

        public init(name: String, shape: [Int], entries: [Entry], tolerance: Double, isDerivative: Bool = true) {
            self.name = name
            self.shape = shape
            self.entries = entries
            self.tolerance = tolerance
            self.isDerivative = isDerivative
        }

        public var parameterCount: Int { shape.reduce(1, *) }
        /// The entries compared (those not left out).
        public var compared: [Entry] { entries.filter { !$0.atKink } }
        /// The largest |a − n| over the compared entries (nan when any difference is nan).
        public var maxAbsoluteError: Double {
            var worst = 0.0
            for entry in compared {
                let difference = abs(entry.difference)
                if difference.isNaN { return .nan }
                worst = max(worst, difference)
            }
            return worst
        }
        /// Over the compared entries.
        public var relativeError: Double {
            let compared = self.compared
            return GradientCheck.relativeError(compared.map(\.analytic), compared.map(\.numeric))
        }
        /// Entries left out because a kink lies within ε on both sides.
        public var kinkCount: Int { entries.filter(\.atKink).count }
        /// Entries differentiated from one side because a kink lies within ε on the other.
        public var oneSidedCount: Int { entries.filter { $0.stencil == .forward || $0.stencil == .backward }.count }
        /// Whether enough entries were compared (`Minimum`).
        public var comparedEnough: Bool {
            !isDerivative || entries.count - kinkCount >= Minimum.required(drawn: entries.count)
        }
        /// Whether the loss does not change with the parameter at all at the compared entries:
        /// every central difference is 0, so any formula that is 0 there would agree.
        public var lossIsFlat: Bool {
            isDerivative && compared.allSatisfy { $0.numeric == 0 }
        }
        /// Passed: enough entries compared, the loss changes, and the relative error is a
        /// number no larger than the tolerance.
        public var passed: Bool { comparedEnough && !lossIsFlat && relativeError <= tolerance }

        /// Why a check that agrees within the tolerance still does not pass, in words; nil otherwise.
        public var unverifiable: String? {
            if !comparedEnough {
                return "only \(entries.count - kinkCount) of the \(entries.count) entries of \(name) drawn could be compared (\(kinkCount) have a kink of the loss within ε on both sides), fewer than the \(Minimum.required(drawn: entries.count)) a check needs"
            }
            if lossIsFlat {
                return "the loss does not change with \(name) at this point (every central difference is 0), so any formula that is 0 here would agree"
            }
            return nil
        }

        /// The `count` compared entries with the largest |formula − numeric|, largest first.
        public func worst(_ count: Int) -> [Entry] {
            Array(compared.sorted {
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
        try centralDifferences(indices: indices, between: between) { k in
            var shifted = parameter
            shifted.data[k] = parameter.data[k] + epsilon
            let up = try loss(shifted)
            shifted.data[k] = parameter.data[k] - epsilon
            return (up - (try loss(shifted))) / (2 * epsilon)
        }
    }

    /// `difference(k)` for each index, on all cores in blocks; `between` runs on the calling
    /// thread after each block (progress, cancellation).
    static func centralDifferences<Value: Sendable>(indices: [Int], between: (Int) throws -> Void,
                                                    _ difference: @escaping @Sendable (Int) throws -> Value) throws -> [Value] {
        var result: [Value] = []
        result.reserveCapacity(indices.count)
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let blockSize = 64 * workers
        var start = 0
        while start < indices.count {
            let block = Array(indices[start ..< min(indices.count, start + blockSize)])
            let values = Mutex<[Value?]>([Value?](repeating: nil, count: block.count))
            let failure = Mutex<Error?>(nil)
            let chunk = (block.count + workers - 1) / workers
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let range = worker * chunk ..< min(block.count, (worker + 1) * chunk)
                guard !range.isEmpty else { return }
                var local: [Value] = []
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
            result += values.withLock { $0.map { $0! } }
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
        let entries = zip(indices, numeric).map { Entry(index: $0, analytic: analytic.data[$0], numeric: $1) }
        return Result(name: name, shape: parameter.shape, entries: entries, tolerance: tolerance)
    }

    /// A loss given entry by entry, with the side of every kink argument at each evaluation
    /// (`PerturbationLoss.evaluate`).
    public typealias EntryLoss = @Sendable (_ index: Int, _ value: Double) throws -> (loss: Double, sides: [Int8])

    /// Checks `analytic` against differences of a loss given entry by entry: central where
    /// no kink argument changes side within ε of the entry, one-sided (second order) from the
    /// side where none does, and left out (`Stencil.skipped`) when one does on both sides.
    /// `start` is the loss and the sides at the parameter as it is.
    public static func check(name: String, analytic: Tensor, parameter: Tensor, start: (loss: Double, sides: [Int8]),
                             entryLoss: @escaping EntryLoss, indices: [Int], epsilon: Double, tolerance: Double,
                             between: (Int) throws -> Void = { _ in }) throws -> Result {
        let entries = try centralDifferences(indices: indices, between: between) { k -> Entry in
            let original = parameter.data[k]
            let up = try entryLoss(k, original + epsilon), down = try entryLoss(k, original - epsilon)
            let (upClean, downClean) = (up.sides == start.sides, down.sides == start.sides)
            var numeric = (up.loss - down.loss) / (2 * epsilon)
            var stencil = Stencil.central
            if !(upClean && downClean) {
                stencil = .skipped
                if upClean {
                    let far = try entryLoss(k, original + 2 * epsilon)
                    if far.sides == start.sides {
                        numeric = (-3 * start.loss + 4 * up.loss - far.loss) / (2 * epsilon)
                        stencil = .forward
                    }
                } else if downClean {
                    let far = try entryLoss(k, original - 2 * epsilon)
                    if far.sides == start.sides {
                        numeric = (3 * start.loss - 4 * down.loss + far.loss) / (2 * epsilon)
                        stencil = .backward
                    }
                }
            }
            return Entry(index: k, analytic: analytic.data[k], numeric: numeric, stencil: stencil)
        }
        return Result(name: name, shape: parameter.shape, entries: entries, tolerance: tolerance)
    }
}
