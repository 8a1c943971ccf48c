import Foundation

/// How `SoftmaxTrainer` and `ModelTrainer` train: learning rate, batches, length, initialisation, seed, optimiser.
///
/// The defaults are the standard recipe: minibatch SGD, batch 256, learning rate 0.1,
/// 10 epochs, weights drawn from N(0, 0.01²), biases zero, seed 0, pixels scaled by 1/255.
public struct TrainingConfiguration: Sendable, Hashable {
    /// Rows per gradient step.
    public enum BatchSize: Sendable, Hashable {
        /// Minibatches of this many rows, reshuffled every epoch (the last one may be smaller).
        case rows(Int)
        /// Full-batch gradient descent: one step per epoch over every row, in order.
        case full
    }

    /// When training stops.
    public enum Length: Sendable, Hashable {
        /// After this many passes over the training rows.
        case epochs(Int)
        /// After this many gradient steps (the last epoch may be partial).
        case steps(Int)
    }

    /// How the weights start (biases always start at zero).
    public enum Initialization: Sendable, Hashable {
        case zeros
        /// Independent normal samples with mean 0 and this standard deviation.
        case normal(standardDeviation: Double)
    }

    public var learningRate: Double
    public var batchSize: BatchSize
    public var length: Length
    public var initialization: Initialization
    /// Seeds the `Xoshiro256StarStar` generator used for initialisation and shuffling.
    public var seed: UInt64
    /// Scale pixels from 0…255 to 0…1 (the model's `inputScale` becomes 1/255).
    public var normalize: Bool
    /// L2 penalty λ: each step subtracts `learningRate · λ · W` in addition to the gradient
    /// (the biases are not decayed; reported losses are the plain cross-entropy).
    public var weightDecay: Double
    /// How each step moves the parameters (SGD by default; the built-in fast path is SGD only).
    public var optimizer = Optimizer()
    /// How the learning rate changes from epoch to epoch (the built-in fast path keeps it constant).
    public var schedule = LearningRateSchedule.constant
    /// Worker threads for the kernel. Results do not depend on it.
    public var threads: Int
    /// The fewest rows of a step given to a thread of its own (`threads` is an upper bound):
    /// by default minibatches of 256 rows take one thread, since waking another costs more
    /// than it saves, and full batches take all. Results do not depend on it.
    public var rowsPerThread = 2048

    public init(learningRate: Double = 0.1, batchSize: BatchSize = .rows(256), length: Length = .epochs(10),
                initialization: Initialization = .normal(standardDeviation: 0.01), seed: UInt64 = 0,
                normalize: Bool = true, weightDecay: Double = 0, threads: Int = TrainingConfiguration.defaultThreads) {
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.length = length
        self.initialization = initialization
        self.seed = seed
        self.normalize = normalize
        self.weightDecay = weightDecay
        self.threads = threads
    }

    /// One thread per active processor, at most 8; `OPENBLAS_NUM_THREADS` (1 to 8), when set,
    /// chooses instead (the benchmarks' one-thread comparisons set it to 1).
    public static var defaultThreads: Int {
        if let text = ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"], let count = Int(text), count >= 1 {
            return min(8, count)
        }
        return min(8, max(1, ProcessInfo.processInfo.activeProcessorCount))
    }
}
