/// The names an expression can use: bound tensors, cells' metrics, and names that are
/// known but unavailable right now (with the reason, e.g. "add a {load} cell first").
public struct ExpressionScope: Sendable {
    public var values: [String: Tensor]
    /// Metrics by cell label, read as `label.metric`.
    public var metrics: [String: [Metric]]
    /// Names that would be bound in other circumstances, with why they are not.
    public var unavailable: [String: String]
    /// The memory budget and cancellation check evaluations in this scope run under.
    public var limits: EvaluationLimits
    /// The random numbers of a training step, which `dropout` draws its masks from; nil (the
    /// default: `{eval}`, `{derive}`, `{gradcheck}`, evaluation) makes a dropout the identity.
    public var noise: TrainingNoise?
    /// Where a training step's `batchnorm` calls log the batches they normalise (nil: not kept).
    public var batchStatistics: BatchStatisticsLog?
    /// The numbers `rand` and `randn` draw, in order: a cell's lines share it (`{eval}` seeds it
    /// from the cell's `:seed:`); copies of the scope share it too.
    public var random = RandomStream(seed: 0)

    public init(values: [String: Tensor] = [:], metrics: [String: [Metric]] = [:], unavailable: [String: String] = [:],
                limits: EvaluationLimits = EvaluationLimits()) {
        self.values = values
        self.metrics = metrics
        self.unavailable = unavailable
        self.limits = limits
    }

    public subscript(name: String) -> Tensor? {
        get { values[name] }
        set { values[name] = newValue }
    }

    /// Evaluates `expression` in this scope.
    public func evaluate(_ expression: ParsedExpression) throws -> Tensor {
        try ExpressionEvaluator(expression: expression, scope: self).evaluate()
    }

    /// Evaluates definitions (`name = expr`) in order, then `expression`, in a copy of this scope.
    public func evaluate(_ expression: ParsedExpression, after definitions: [ParsedExpression]) throws -> Tensor {
        var scope = self
        for definition in definitions {
            let value = try scope.evaluate(definition)
            if let name = definition.binding { scope.values[name] = value }
        }
        return try scope.evaluate(expression)
    }
}
