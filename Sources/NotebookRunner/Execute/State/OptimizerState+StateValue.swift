import Foundation

/// The optimiser's state in the cell cache: the method and step count in the header, each
/// parameter's moments as raw Float32 bits in the payload (as the model's values are).
extension OptimizerState: StateValue {
    public static let stateKind = "optimizer-state"

    private struct Header: Codable {
        var method: Optimizer.Method
        var steps: Int
        /// Each parameter's offset in the payload and its count of values.
        var offsets: [String: Int]
        var counts: [String: Int]
    }

    public func archive(into payload: inout [UInt8]) throws -> Data {
        var offsets: [String: Int] = [:], counts: [String: Int] = [:]
        for name in moments.keys.sorted() {
            offsets[name] = PayloadNumbers.append(moments[name]!, to: &payload)
            counts[name] = moments[name]!.count
        }
        return try StateValueKinds.encoder.encode(Header(method: method, steps: steps, offsets: offsets, counts: counts))
    }

    public static func unarchive(_ header: Data, payload: ArraySlice<UInt8>) throws -> OptimizerState {
        let stored = try StateValueKinds.decoder.decode(Header.self, from: header)
        guard Set(stored.offsets.keys) == Set(stored.counts.keys) else {
            throw StateArchiveError(reason: "optimizer moments without their sizes")
        }
        var moments: [String: [Float]] = [:]
        for (name, offset) in stored.offsets {
            moments[name] = try PayloadNumbers.read(Float.self, count: stored.counts[name]!, at: offset, in: payload)
        }
        return OptimizerState(method: stored.method, steps: stored.steps, moments: moments)
    }

    public func checkRestored() throws {
        guard steps >= 0, moments.values.allSatisfy({ $0.count % max(1, method.moments) == 0 }),
              method.moments > 0 || moments.isEmpty else {
            throw StateArchiveError(reason: "\(method.rawValue) state with \(steps) steps and moments that do not fit it")
        }
    }
}
