/// What a cell did to the shared state, as the cache stores it: every key it changed,
/// with its value after the cell (nil: removed).
struct StateEffect {
    var changes: [NotebookState.Key: (any StateValue)?]

    /// The keys of `state` that changed since its changes were last reset.
    init(capturing state: NotebookState) {
        changes = Dictionary(uniqueKeysWithValues: state.changes.map { ($0, state.value(at: $0)) })
    }

    init(changes: [NotebookState.Key: (any StateValue)?]) {
        self.changes = changes
    }

    /// Redoes the effect on `state`.
    func apply(to state: NotebookState) {
        for key in changes.keys.sorted() { state.set(changes[key]!, at: key) }
    }
}
