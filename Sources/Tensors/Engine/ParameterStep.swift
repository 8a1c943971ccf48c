import Foundation

/// The optimiser's step on every trained parameter, the values split into one contiguous range
/// per worker when there are enough of them (`valuesPerWorker`): Adam's step on the MLP recipe's
/// 203,530 values was 13 % of its training on one core. Each value's arithmetic is the same
/// however the values are split, so the step gives the same bits on any number of workers.
struct ParameterStep: @unchecked Sendable {
    /// One parameter: its values, its gradient, its moments (`Optimizer.update`'s layout) and λ.
    struct Target {
        let values: UnsafeMutablePointer<Float>
        let gradient: UnsafePointer<Float>
        let count: Int
        let moments: UnsafeMutablePointer<Float>
        let decay: Double
    }

    /// The fewest values worth a worker of their own.
    static let valuesPerWorker = 1 << 15

    let optimizer: Optimizer
    let targets: [Target]

    /// Steps every target (`step` is the optimiser's t) on up to `workers` threads.
    func run(step: Int, learningRate: Double, workers: Int) {
        let total = targets.reduce(0) { $0 + $1.count }
        let parts = max(1, min(workers, total / Self.valuesPerWorker))
        guard parts > 1 else {
            for target in targets { update(target, 0 ..< target.count, step: step, learningRate: learningRate) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            for target in targets {
                update(target, Self.range(part, of: parts, count: target.count), step: step, learningRate: learningRate)
            }
        }
    }

    private func update(_ target: Target, _ range: Range<Int>, step: Int, learningRate: Double) {
        guard !range.isEmpty else { return }
        optimizer.update(target.values, gradient: target.gradient, count: target.count, moments: target.moments, of: range,
                         step: step, learningRate: learningRate, decay: target.decay)
    }

    /// Part `part` of `count` values split into `parts` ranges whose bounds are multiples of 16
    /// values (whole vectors, whole cache lines), the last ending at `count`.
    static func range(_ part: Int, of parts: Int, count: Int) -> Range<Int> {
        func bound(_ index: Int) -> Int { index == parts ? count : (count * index / parts) & ~15 }
        return bound(part) ..< bound(part + 1)
    }
}
