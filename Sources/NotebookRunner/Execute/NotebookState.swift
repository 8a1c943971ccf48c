/// The state cells share while a notebook runs: data sets, models and each cell's metrics.
///
/// Cells run one after another on one thread, so the state is a plain class that
/// directives read and change through `ExecutionContext.state`.
public final class NotebookState {
    /// Loaded data sets by name; the most recent `{load}` is also `dataset`.
    public var datasets: [String: Dataset] = [:]
    /// The data set later cells use by default (the last one loaded).
    public var dataset: Dataset?
    /// Metrics of every finished cell, by cell label.
    public var metrics: [String: [Metric]] = [:]
    /// The most recently trained (or restored) model.
    public var model: SoftmaxModel?
    /// Names bound by `{eval}` lines (`name = expr`), visible to later expressions.
    public var expressionBindings: [String: Tensor] = [:]

    public init() {}
}
