/// The state cells share while a notebook runs: named data sets, named models,
/// expression bindings and each cell's metrics.
///
/// Values live under typed keys (`StateSlot`): `state[.datasets, "mnist"]`,
/// `state[.models, "train"]`, `state[.bindings, "z"]`; which data set is current and
/// which model is the latest are references in `.current`. Cells run one after another
/// on one thread, so the state is a plain class that directives read and change through
/// `ExecutionContext.state`. Every change is noted, so the cache stores exactly what a
/// cell did (`StateEffect`) without a case per kind of value.
public final class NotebookState {
    /// Where a value lives: its slot's space and its name.
    public struct Key: Hashable, Comparable, Codable, Sendable {
        public var space: String
        public var name: String

        public static func < (a: Key, b: Key) -> Bool { (a.space, a.name) < (b.space, b.name) }
    }

    private var values: [Key: any StateValue] = [:]
    /// Metrics of every finished cell, by cell label.
    public var metrics: [String: [Metric]] = [:]
    /// The keys changed since the last `resetChanges()`.
    public private(set) var changes: Set<Key> = []

    public init() {}

    public func resetChanges() { changes = [] }

    /// The value at `key` as stored, for the cache.
    func value(at key: Key) -> (any StateValue)? { values[key] }

    /// Sets or removes the value at `key`, noting the change.
    func set(_ value: (any StateValue)?, at key: Key) {
        values[key] = value
        changes.insert(key)
    }

    /// The value named `name` in `slot`.
    public subscript<Value>(slot: StateSlot<Value>, name: String) -> Value? {
        get { values[Key(space: slot.space, name: name)] as? Value }
        set { set(newValue.map { $0 as! any StateValue }, at: Key(space: slot.space, name: name)) }
    }

    /// Every value in `slot`, by name.
    public func all<Value>(_ slot: StateSlot<Value>) -> [String: Value] {
        var found: [String: Value] = [:]
        for (key, value) in values where key.space == slot.space {
            if let value = value as? Value { found[key.name] = value }
        }
        return found
    }

    /// The names in `slot`, sorted.
    public func names<Value>(in slot: StateSlot<Value>) -> [String] {
        values.keys.filter { $0.space == slot.space }.map(\.name).sorted()
    }

    // MARK: Data sets and models

    /// Loaded data sets by name (setting replaces them all).
    public var datasets: [String: Dataset] {
        get { all(.datasets) }
        set {
            for name in names(in: .datasets) where newValue[name] == nil { self[.datasets, name] = nil }
            for (name, dataset) in newValue { self[.datasets, name] = dataset }
        }
    }

    /// The data set later cells use by default: the last one loaded. Setting it also stores it by name.
    public var dataset: Dataset? {
        get { self[.current, "dataset"].flatMap { self[.datasets, $0.name] } }
        set {
            if let newValue { self[.datasets, newValue.name] = newValue }
            self[.current, "dataset"] = newValue.map { StateReference($0.name) }
        }
    }

    /// The name of the latest model (trained or restored), if any.
    public var latestModelName: String? { self[.current, "model"]?.name }

    /// The latest model.
    public var model: (any Classifier)? { latestModelName.flatMap { self[.models, $0] } }

    /// Stores `model` under `name` and makes it the latest.
    public func setModel(_ model: any Classifier, named name: String) {
        self[.models, name] = model
        self[.current, "model"] = StateReference(name)
    }

    /// Names bound by `{eval}` lines (`name = expr`), visible to later expressions.
    public var expressionBindings: [String: Tensor] { all(.bindings) }
}

/// A typed part of the notebook state: the type of value stored there and its space.
public struct StateSlot<Value>: Sendable {
    public let space: String

    public init(space: String) {
        self.space = space
    }
}

extension StateSlot where Value == Dataset {
    public static var datasets: StateSlot<Dataset> { StateSlot(space: "datasets") }
}

extension StateSlot where Value == any Classifier {
    public static var models: StateSlot<any Classifier> { StateSlot(space: "models") }
}

extension StateSlot where Value == Tensor {
    public static var bindings: StateSlot<Tensor> { StateSlot(space: "bindings") }
}

extension StateSlot where Value == OptimizerState {
    /// The optimiser's state after a `{train}` cell, under its label (for `:from:`).
    public static var optimizerStates: StateSlot<OptimizerState> { StateSlot(space: "optimizer-states") }
}

extension StateSlot where Value == StateReference {
    /// Which data set is current (`dataset`) and which model is the latest (`model`).
    public static var current: StateSlot<StateReference> { StateSlot(space: "current") }
}
