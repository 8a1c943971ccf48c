import Foundation

/// A value cells leave behind in the notebook's state: a data set, a model, a tensor.
///
/// The cell cache stores values through this protocol, so a new kind of value needs
/// no case in the cache: it conforms (`Codable` types get `archive`/`unarchive` for free)
/// and is listed once in `StateValueKinds.all`.
public protocol StateValue: Sendable {
    /// Names the type in cache files, e.g. `dataset` or `softmax-regression`.
    static var stateKind: String { get }

    /// The value as a small JSON header; large arrays may go into `payload` instead,
    /// with their offsets written into the header.
    func archive(into payload: inout [UInt8]) throws -> Data

    /// The value from its header and the payload bytes `archive` appended.
    static func unarchive(_ header: Data, payload: ArraySlice<UInt8>) throws -> Self

    /// Throws `StateArchiveError` unless the value keeps what its type promises (sizes that
    /// match, counts that fit): a value read back from a file is checked before any cell
    /// uses it, since decoding alone does not run the type's initialiser.
    func checkRestored() throws
}

extension StateValue where Self: Codable {
    public func archive(into payload: inout [UInt8]) throws -> Data {
        try StateValueKinds.encoder.encode(self)
    }

    public static func unarchive(_ header: Data, payload: ArraySlice<UInt8>) throws -> Self {
        try StateValueKinds.decoder.decode(Self.self, from: header)
    }
}

/// Every kind of state value the cache can restore, looked up by `stateKind`.
public enum StateValueKinds {
    public static let all: [any StateValue.Type] = [Dataset.self, SoftmaxModel.self, DeclaredModel.self, Tensor.self, StateReference.self,
                                                   OptimizerState.self]

    public static func kind(named name: String) -> (any StateValue.Type)? {
        all.first { $0.stateKind == name }
    }

    /// JSON with non-finite numbers written as strings ("inf", "-inf", "nan").
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        encoder.outputFormatting = .sortedKeys
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}

/// The name of another state value: which data set is current, which model is the latest.
public struct StateReference: StateValue, Codable, Hashable {
    public static let stateKind = "reference"
    public var name: String

    public init(_ name: String) {
        self.name = name
    }

    public func checkRestored() throws {}
}

extension Tensor: StateValue {
    public static let stateKind = "tensor"

    /// The shape in the header; the values, Float64 bits, in the payload.
    private struct Header: Codable {
        var shape: [Int]
        var offset: Int
    }

    public func archive(into payload: inout [UInt8]) throws -> Data {
        try StateValueKinds.encoder.encode(Header(shape: shape, offset: PayloadNumbers.append(data, to: &payload)))
    }

    public static func unarchive(_ header: Data, payload: ArraySlice<UInt8>) throws -> Tensor {
        let stored = try StateValueKinds.decoder.decode(Header.self, from: header)
        guard stored.shape.count <= Tensor.maxRank, stored.shape.allSatisfy({ $0 >= 0 }), let count = StateArchiveError.product(stored.shape) else {
            throw StateArchiveError(reason: "a tensor of shape \(stored.shape)")
        }
        return Tensor(shape: stored.shape, data: try PayloadNumbers.read(Double.self, count: count, at: stored.offset, in: payload))
    }

    public func checkRestored() throws {
        guard shape.count <= Tensor.maxRank, shape.allSatisfy({ $0 >= 0 }), StateArchiveError.product(shape) == data.count else {
            throw StateArchiveError(reason: "a tensor of shape \(shape) holding \(data.count) values")
        }
    }
}

extension SoftmaxModel: StateValue {
    public static let stateKind = "softmax-regression"

    /// The sizes in the header; weights and biases, Float32 bits, in the payload.
    private struct Header: Codable {
        var inputs: Int
        var classes: Int
        var inputScale: Float
        var weightsOffset: Int
        var biasOffset: Int
    }

    public func archive(into payload: inout [UInt8]) throws -> Data {
        let weightsOffset = PayloadNumbers.append(weights, to: &payload)
        let biasOffset = PayloadNumbers.append(bias, to: &payload)
        return try StateValueKinds.encoder.encode(Header(inputs: inputs, classes: classes, inputScale: inputScale,
                                                         weightsOffset: weightsOffset, biasOffset: biasOffset))
    }

    public static func unarchive(_ header: Data, payload: ArraySlice<UInt8>) throws -> SoftmaxModel {
        let stored = try StateValueKinds.decoder.decode(Header.self, from: header)
        guard stored.inputs > 0, stored.classes > 0, let count = StateArchiveError.product([stored.inputs, stored.classes]) else {
            throw StateArchiveError(reason: "a softmax model of \(stored.inputs)×\(stored.classes)")
        }
        return SoftmaxModel(inputs: stored.inputs, classes: stored.classes,
                            weights: try PayloadNumbers.read(Float.self, count: count, at: stored.weightsOffset, in: payload),
                            bias: try PayloadNumbers.read(Float.self, count: stored.classes, at: stored.biasOffset, in: payload),
                            inputScale: stored.inputScale)
    }

    public func checkRestored() throws {
        guard inputs > 0, classes > 0, StateArchiveError.product([inputs, classes]) == weights.count, bias.count == classes,
              inputScale.isFinite else {
            throw StateArchiveError(reason: "a softmax model of \(inputs)×\(classes) with \(weights.count) weights and \(bias.count) biases")
        }
    }
}

extension Dataset: StateValue {
    public static let stateKind = "dataset"

    /// Class names and split shapes in the header; image and label bytes in the payload.
    private struct Header: Codable {
        var name: String
        var classNames: [String]
        var splits: [StoredSplit]
    }

    private struct StoredSplit: Codable {
        var name: String
        var count: Int
        var rows: Int
        var cols: Int
        var sources: [String]
        var imagesOffset: Int
        var labelsOffset: Int
        /// A regression's targets and a CSV data set's features (few values: kept in the header).
        var targets: [Double]?
        var features: [Double]?
    }

    public func archive(into payload: inout [UInt8]) throws -> Data {
        var stored: [StoredSplit] = []
        for split in splits {
            let imagesOffset = payload.count
            payload.append(contentsOf: split.images)
            let labelsOffset = payload.count
            payload.append(contentsOf: split.labels)
            stored.append(StoredSplit(name: split.name, count: split.count, rows: split.rows, cols: split.cols,
                                      sources: split.sources, imagesOffset: imagesOffset, labelsOffset: labelsOffset,
                                      targets: split.targets, features: split.features))
        }
        return try StateValueKinds.encoder.encode(Header(name: name, classNames: classNames, splits: stored))
    }

    public static func unarchive(_ header: Data, payload: ArraySlice<UInt8>) throws -> Dataset {
        let stored = try StateValueKinds.decoder.decode(Header.self, from: header)
        var splits: [String: DataSplit] = [:]
        for split in stored.splits {
            guard split.count >= 0, split.rows > 0, split.cols > 0, ["train", "test"].contains(split.name),
                  splits[split.name] == nil, let imageBytes = StateArchiveError.product([split.count, split.rows, split.cols]),
                  let images = CacheEntry.slice(of: payload, offset: split.imagesOffset, length: imageBytes),
                  let labels = CacheEntry.slice(of: payload, offset: split.labelsOffset, length: split.count) else {
                throw StateArchiveError(reason: "data set arrays outside the payload")
            }
            var restored = DataSplit(name: split.name, images: Array(images), labels: Array(labels), count: split.count,
                                     rows: split.rows, cols: split.cols, sources: split.sources)
            restored.targets = split.targets
            restored.features = split.features
            splits[split.name] = restored
        }
        return Dataset(name: stored.name, classNames: stored.classNames, train: splits["train"], test: splits["test"])
    }
}

extension Dataset {
    /// Checked while unarchiving: every split's arrays are cut to its sizes there.
    public func checkRestored() throws {
        for split in splits {
            guard StateArchiveError.product([split.count, split.rows, split.cols]) == split.images.count, split.labels.count == split.count,
                  split.targets.map({ $0.count == split.count }) ?? true, split.features.map({ $0.count == split.images.count }) ?? true else {
                throw StateArchiveError(reason: "data set split \(split.name) of \(split.count) images of \(split.rows)×\(split.cols)")
            }
        }
    }
}

/// A stored state value that cannot be read back.
struct StateArchiveError: Error {
    var reason: String

    /// The product of `factors`, or nil when one is negative or it overflows.
    static func product(_ factors: [Int]) -> Int? {
        var result = 1
        for factor in factors {
            guard factor >= 0 else { return nil }
            let (next, overflow) = result.multipliedReportingOverflow(by: factor)
            if overflow { return nil }
            result = next
        }
        return result
    }
}
