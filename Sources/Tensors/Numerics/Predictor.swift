/// Classifies images of a data split with a `SoftmaxModel` (multi-threaded, deterministic).
public enum Predictor {
    /// The predicted class of every image of `split`.
    public static func predictions(of model: SoftmaxModel, on split: DataSplit,
                                   threads: Int = TrainingConfiguration.defaultThreads) -> [UInt8] {
        precondition(split.pixelCount == model.inputs, "the images have \(split.pixelCount) pixels, the model \(model.inputs) inputs")
        return predictions(of: SoftmaxKernel(model: model), on: split, threads: threads)
    }

    /// The logits (`count × classes`, row-major) of every image of `split`.
    public static func logits(of model: SoftmaxModel, on split: DataSplit,
                              threads: Int = TrainingConfiguration.defaultThreads) -> [Float] {
        precondition(split.pixelCount == model.inputs, "the images have \(split.pixelCount) pixels, the model \(model.inputs) inputs")
        let kernel = SoftmaxKernel(model: model)
        let count = split.count
        guard count > 0 else { return [] }
        return [Float](unsafeUninitializedCapacity: count * model.classes) { output, initialized in
            let shared = SoftmaxKernel.Shared(base: output.baseAddress!)
            withBatch(split) { batch in
                let parts = SoftmaxKernel.parts(rows: count, threads: threads)
                SoftmaxKernel.parallel(parts) { part in
                    kernel.logits(batch, SoftmaxKernel.range(part, of: parts, count: count), into: shared.base)
                }
            }
            initialized = count * model.classes
        }
    }

    static func predictions(of kernel: SoftmaxKernel, on split: DataSplit, threads: Int) -> [UInt8] {
        let count = split.count
        guard count > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: count) { output, initialized in
            let shared = SoftmaxKernel.Shared(base: output.baseAddress!)
            withBatch(split) { batch in
                let parts = SoftmaxKernel.parts(rows: count, threads: threads)
                SoftmaxKernel.parallel(parts) { part in
                    kernel.predict(batch, SoftmaxKernel.range(part, of: parts, count: count), into: shared.base)
                }
            }
            initialized = count
        }
    }

    /// Runs `body` with the whole split, in order, as one kernel batch.
    private static func withBatch(_ split: DataSplit, _ body: (SoftmaxKernel.Batch) -> Void) {
        let order = [Int32](0 ..< Int32(split.count))
        split.images.withUnsafeBufferPointer { pixels in
            split.labels.withUnsafeBufferPointer { labels in
                order.withUnsafeBufferPointer { order in
                    body(SoftmaxKernel.Batch(pixels: pixels.baseAddress!, labels: labels.baseAddress!,
                                             order: order.baseAddress!, count: split.count, rowLength: split.pixelCount))
                }
            }
        }
    }
}
