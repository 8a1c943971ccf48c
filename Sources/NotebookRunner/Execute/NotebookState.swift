/// The state cells share while a notebook runs: data sets, models and each cell's metrics.
///
/// Cells run one after another on one thread, so the state is a plain class that
/// directives read and change through `ExecutionContext.state`. Every change is noted
/// in `changes`, so the cache can store exactly what a cell did to the state.
public final class NotebookState {
    /// A part of the state a cell can change.
    public enum Part: String, Sendable, Hashable, Codable, CaseIterable {
        case datasets, dataset, model, expressionBindings
    }

    /// Loaded data sets by name; the most recent `{load}` is also `dataset`.
    public var datasets: [String: Dataset] = [:] { didSet { changes.insert(.datasets) } }
    /// The data set later cells use by default (the last one loaded).
    public var dataset: Dataset? { didSet { changes.insert(.dataset) } }
    /// The most recently trained (or restored) model.
    public var model: SoftmaxModel? { didSet { changes.insert(.model) } }
    /// Metrics of every finished cell, by cell label.
    public var metrics: [String: [Metric]] = [:]
    /// Names bound by `{eval}` lines (`name = expr`), visible to later expressions.
    public var expressionBindings: [String: Tensor] = [:] { didSet { changes.insert(.expressionBindings) } }

    /// The parts changed since the last `resetChanges()`.
    public private(set) var changes: Set<Part> = []

    public init() {}

    public func resetChanges() { changes = [] }
}
