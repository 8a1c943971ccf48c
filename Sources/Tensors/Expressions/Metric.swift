/// A named number a cell produced, such as `test_accuracy`.
public struct Metric: Sendable, Hashable, Codable {
    public var name: String
    public var value: Double

    public init(name: String, value: Double) {
        self.name = name
        self.value = value
    }
}
