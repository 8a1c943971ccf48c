/// What one epoch of training measured.
public struct EpochRecord: Sendable, Hashable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Gradient steps taken in this epoch.
    public var steps: Int
    /// Training rows the epoch's steps used.
    public var rows: Int
    /// The mean loss over the epoch's rows, each measured on its batch before that batch's step.
    public var trainLoss: Double
    /// Fraction of the epoch's rows classified correctly, measured the same running way.
    public var trainAccuracy: Double
    /// Accuracy on the test split after the epoch, when there is one (nil for a model of real values).
    public var testAccuracy: Double?
    /// Seconds spent in the training loop (shuffling and steps, not the test pass).
    public var seconds: Double
    /// Seconds spent measuring test accuracy.
    public var evaluationSeconds: Double
    /// A model of real values: how well it fits the test split after the epoch (RMSE, R²).
    public var testFit: RegressionFit?

    public init(epoch: Int, steps: Int, rows: Int, trainLoss: Double, trainAccuracy: Double,
                testAccuracy: Double?, seconds: Double, evaluationSeconds: Double) {
        self.epoch = epoch
        self.steps = steps
        self.rows = rows
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.testAccuracy = testAccuracy
        self.seconds = seconds
        self.evaluationSeconds = evaluationSeconds
    }
}
