/// What a cell did to the shared state, as the cache stores it: the parts it changed,
/// with their values after the cell.
struct StateEffect {
    var datasets: [String: Dataset]?
    /// The current data set after the cell, when the cell changed it.
    var dataset: Dataset??
    var model: SoftmaxModel??
    var expressionBindings: [String: Tensor]?

    /// The parts of `state` that changed since its changes were last reset.
    init(capturing state: NotebookState) {
        let changes = state.changes
        if changes.contains(.datasets) { datasets = state.datasets }
        if changes.contains(.dataset) { dataset = .some(state.dataset) }
        if changes.contains(.model) { model = .some(state.model) }
        if changes.contains(.expressionBindings) { expressionBindings = state.expressionBindings }
    }

    init(datasets: [String: Dataset]?, dataset: Dataset??, model: SoftmaxModel??, expressionBindings: [String: Tensor]?) {
        self.datasets = datasets
        self.dataset = dataset
        self.model = model
        self.expressionBindings = expressionBindings
    }

    /// Redoes the effect on `state`.
    func apply(to state: NotebookState) {
        if let datasets { state.datasets = datasets }
        if let dataset { state.dataset = dataset }
        if let model { state.model = model }
        if let expressionBindings { state.expressionBindings = expressionBindings }
    }
}
