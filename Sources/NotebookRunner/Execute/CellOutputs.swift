/// What a directive hands back: its outputs in display order and the numbers it measured.
///
/// Metrics go to the run record (`<notebook>.json`) and can be read by later cells
/// and by `{eval}` roles in prose as `label.metric`.
public struct CellOutputs: Sendable {
    public var items: [CellOutput] = []
    public var metrics: [Metric] = []

    public init(_ items: [CellOutput] = [], metrics: [Metric] = []) {
        self.items = items
        self.metrics = metrics
    }

    public mutating func append(_ output: CellOutput) { items.append(output) }

    /// Records a number; a later value under the same name replaces the earlier one.
    public mutating func record(_ name: String, _ value: Double) {
        if let index = metrics.firstIndex(where: { $0.name == name }) {
            metrics[index].value = value
        } else {
            metrics.append(Metric(name: name, value: value))
        }
    }
}
