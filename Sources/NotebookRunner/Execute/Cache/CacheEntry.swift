import Foundation
import ZlibBindings

/// One cached cell on disk: its result and its effect on the state.
///
/// Layout: the line `NBRUN-CACHE 1`, an 8-byte little-endian length, that many bytes
/// of JSON (the result, small state such as a model, and where each data-set array
/// lies in the payload), the payload (raw image and label bytes), and finally the
/// CRC-32 of everything before it (4 bytes, little-endian), so a truncated or corrupt
/// file is detected. (The key itself is a SHA-256; integrity needs only a checksum.)
struct CacheEntry {
    var result: CachedResult
    var effect: StateEffect

    struct CachedResult: Codable {
        var outputs: [CellOutput]
        var metrics: [Metric]
        var seconds: Double
    }

    private struct Header: Codable {
        var key: String
        var result: CachedResult
        var datasets: [String: StoredDataset]?
        /// Set when the cell changed the current data set: its name in `datasets`, or nil for none.
        var dataset: StoredCurrent?
        var model: StoredModel?
        var expressionBindings: [String: Tensor]?
    }

    private struct StoredCurrent: Codable { var name: String? }
    private struct StoredModel: Codable { var model: SoftmaxModel? }

    private struct StoredDataset: Codable {
        var name: String
        var classNames: [String]
        var train: StoredSplit?
        var test: StoredSplit?
    }

    private struct StoredSplit: Codable {
        var name: String
        var count: Int
        var rows: Int
        var cols: Int
        var sources: [String]
        var imagesOffset: Int
        var labelsOffset: Int
    }

    static let magic = Array("NBRUN-CACHE 1\n".utf8)

    /// Serialises the entry under `key`.
    func encoded(key: String) throws -> Data {
        var payload: [UInt8] = []
        func store(_ split: DataSplit?) -> StoredSplit? {
            guard let split else { return nil }
            let imagesOffset = payload.count
            payload.append(contentsOf: split.images)
            let labelsOffset = payload.count
            payload.append(contentsOf: split.labels)
            return StoredSplit(name: split.name, count: split.count, rows: split.rows, cols: split.cols, sources: split.sources,
                               imagesOffset: imagesOffset, labelsOffset: labelsOffset)
        }
        var stored: [String: StoredDataset]?
        if let datasets = effect.datasets {
            stored = [:]
            for name in datasets.keys.sorted() {
                let dataset = datasets[name]!
                stored![name] = StoredDataset(name: dataset.name, classNames: dataset.classNames,
                                              train: store(dataset.train), test: store(dataset.test))
            }
        }
        var current: StoredCurrent?
        if let dataset = effect.dataset {
            // The current data set is always one of the loaded ones: store its name only.
            current = StoredCurrent(name: dataset?.name)
            if let dataset, stored?[dataset.name] == nil {
                stored = stored ?? [:]
                stored![dataset.name] = StoredDataset(name: dataset.name, classNames: dataset.classNames,
                                                      train: store(dataset.train), test: store(dataset.test))
            }
        }
        let header = Header(key: key, result: result, datasets: stored, dataset: current,
                            model: effect.model.map { StoredModel(model: $0) }, expressionBindings: effect.expressionBindings)
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let json = [UInt8](try encoder.encode(header))
        var bytes = Self.magic
        var length = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &length) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: json)
        bytes.append(contentsOf: payload)
        var crc = Zlib.crc32(bytes).littleEndian
        withUnsafeBytes(of: &crc) { bytes.append(contentsOf: $0) }
        return Data(bytes)
    }

    /// Reads an entry; throws `CacheEntry.Corrupt` when any check fails.
    static func decode(_ data: Data, key: String) throws -> CacheEntry {
        let bytes = [UInt8](data)
        let headerStart = magic.count + 8
        let trailer = 4
        guard bytes.count >= headerStart + trailer, Array(bytes[0..<magic.count]) == magic else {
            throw Corrupt(reason: "not a cache entry, or cut short")
        }
        let stored = bytes[(bytes.count - trailer)...].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        guard Zlib.crc32(bytes[0..<(bytes.count - trailer)]) == stored else {
            throw Corrupt(reason: "checksum mismatch (truncated or damaged)")
        }
        let length = bytes[magic.count..<headerStart].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        guard length >= 0, headerStart + length <= bytes.count - trailer else { throw Corrupt(reason: "bad header length") }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let header = try decoder.decode(Header.self, from: Data(bytes[headerStart..<(headerStart + length)]))
        guard header.key == key else { throw Corrupt(reason: "entry belongs to another key") }
        let payloadStart = headerStart + length
        let payloadEnd = bytes.count - trailer
        func load(_ split: StoredSplit?) throws -> DataSplit? {
            guard let split else { return nil }
            let imageBytes = split.count * split.rows * split.cols
            let images = payloadStart + split.imagesOffset, labels = payloadStart + split.labelsOffset
            guard split.count >= 0, images >= payloadStart, images + imageBytes <= payloadEnd,
                  labels >= payloadStart, labels + split.count <= payloadEnd else {
                throw Corrupt(reason: "data set arrays outside the payload")
            }
            return DataSplit(name: split.name, images: Array(bytes[images..<(images + imageBytes)]),
                             labels: Array(bytes[labels..<(labels + split.count)]), count: split.count,
                             rows: split.rows, cols: split.cols, sources: split.sources)
        }
        var datasets: [String: Dataset]?
        if let stored = header.datasets {
            datasets = [:]
            for (name, dataset) in stored {
                datasets![name] = Dataset(name: dataset.name, classNames: dataset.classNames,
                                          train: try load(dataset.train), test: try load(dataset.test))
            }
        }
        var current: Dataset??
        if let stored = header.dataset {
            if let name = stored.name {
                guard let dataset = datasets?[name] else { throw Corrupt(reason: "current data set missing") }
                current = .some(dataset)
            } else {
                current = .some(nil)
            }
        }
        let effect = StateEffect(datasets: header.datasets == nil ? nil : datasets, dataset: current,
                                 model: header.model.map { $0.model }, expressionBindings: header.expressionBindings)
        return CacheEntry(result: header.result, effect: effect)
    }

    struct Corrupt: Error { var reason: String }
}
