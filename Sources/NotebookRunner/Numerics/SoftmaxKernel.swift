import Dispatch
import Foundation

/// The fast path of training and prediction: softmax regression on raw pixel bytes.
///
/// The kernel keeps the weights transposed (`classes × stride`, each class's 784
/// weights contiguous and zero-padded to a multiple of 16) so that one class's dot
/// product with an image is a run of `SIMD16<Float>` multiply-adds; 784 × 10 floats are
/// 31 KB and stay in the L1 cache. Pixels stay `UInt8` and are widened 16 at a time;
/// the 1/255 scale is applied once to each dot product instead of to every pixel.
///
/// One gradient step over a batch runs in two phases, each split over threads:
///
/// 1. `forward`: rows are split into contiguous ranges. For each row: logits,
///    max-subtracted softmax, the row's loss and whether it was classified correctly,
///    and its logit gradient g = (p − onehot(y)) / B into a `B × classes` buffer.
/// 2. `update`: the 16-wide column chunks of W are split into ranges. For each chunk,
///    the gradient Σᵣ gᵣ·xᵣ is accumulated over the batch's rows in row order, in
///    registers, and the chunk of W is updated in place.
///
/// Every number therefore has one fixed summation order whatever the number of threads:
/// a run is bit-for-bit reproducible for a seed, with 1 thread or 8.
final class SoftmaxKernel: @unchecked Sendable {
    typealias Lanes = SIMD16<Float>
    static let width = 16
    /// Rows accumulated per pass over W's chunks; a block's bytes stay in the L2 cache.
    static let rowBlock = 256

    let inputs: Int
    let classes: Int
    let chunks: Int
    let stride: Int
    let scale: Float
    /// Transposed, padded weights: weight (input j, class c) is `weights[c * stride + j]`.
    let weights: UnsafeMutablePointer<Float>
    let bias: UnsafeMutablePointer<Float>

    init(model: SoftmaxModel) {
        inputs = model.inputs
        classes = model.classes
        chunks = (model.inputs + Self.width - 1) / Self.width
        stride = chunks * Self.width
        scale = model.inputScale
        weights = Self.allocate(classes * stride)
        bias = Self.allocate(classes)
        for c in 0..<classes {
            bias[c] = model.bias[c]
            for j in 0..<inputs {
                weights[c * stride + j] = model.weights[j * classes + c]
            }
        }
    }

    deinit {
        weights.deallocate()
        bias.deallocate()
    }

    /// The current weights as a model (inputs × classes, row-major).
    var model: SoftmaxModel {
        var w = [Float](repeating: 0, count: inputs * classes)
        for c in 0..<classes {
            for j in 0..<inputs {
                w[j * classes + c] = weights[c * stride + j]
            }
        }
        return SoftmaxModel(inputs: inputs, classes: classes, weights: w,
                            bias: Array(UnsafeBufferPointer(start: bias, count: classes)), inputScale: scale)
    }

    static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * MemoryLayout<Float>.stride, alignment: 64)
        let pointer = raw.bindMemory(to: Float.self, capacity: max(1, count))
        pointer.initialize(repeating: 0, count: max(1, count))
        return pointer
    }

    // MARK: Rows

    /// Widens the 16 pixels at `p` to floats; `count` < 16 reads only that many (the rest are 0).
    @inline(__always)
    private static func pixels(_ p: UnsafePointer<UInt8>, count: Int) -> Lanes {
        // An element-wise loop: the optimiser turns it into widening loads and
        // conversions (vpmovzxbd + vcvtdq2ps), unlike the generic SIMD conversions.
        var lanes = Lanes()
        if count >= width {
            for i in 0..<width { lanes[i] = Float(p[i]) }
        } else {
            for i in 0..<count { lanes[i] = Float(p[i]) }
        }
        return lanes
    }

    /// acc + a·b: one fused instruction when built with `FUSED_MULTIPLY_ADD` (for CPUs
    /// that have it; elsewhere `addingProduct` would call the scalar `fmaf` per lane).
    @inline(__always)
    private static func multiplyAdd(_ acc: Lanes, _ a: Lanes, _ b: Lanes) -> Lanes {
        #if FUSED_MULTIPLY_ADD
        return acc.addingProduct(a, b)
        #else
        return acc + a * b
        #endif
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> Lanes {
        UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
    }

    @inline(__always)
    private static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
    }

    /// Writes one row's pixels as floats into `x` (`stride` entries, zero-padded).
    @inline(__always)
    private func widen(_ pixels: UnsafePointer<UInt8>, into x: UnsafeMutablePointer<Float>) {
        for k in 0..<chunks {
            let offset = k * Self.width
            Self.store(Self.pixels(pixels + offset, count: inputs - offset), x + offset)
        }
    }

    /// Writes one row of a chunk-major packed batch (chunk k at `pixels + k·chunkStep`) into `x`.
    @inline(__always)
    private func widen(packed pixels: UnsafePointer<UInt8>, chunkStep: Int, into x: UnsafeMutablePointer<Float>) {
        for k in 0..<chunks {
            Self.store(Self.pixels(pixels + k &* chunkStep, count: Self.width), x + k * Self.width)
        }
    }

    /// The logits x·W·scale + b of one widened row into `z`.
    @inline(__always)
    private func logits(_ x: UnsafePointer<Float>, into z: UnsafeMutablePointer<Float>) {
        var c = 0
        while c + 5 <= classes {
            let w0 = UnsafePointer(weights + c * stride)
            let w1 = w0 + stride, w2 = w1 + stride, w3 = w2 + stride, w4 = w3 + stride
            var a0 = Lanes(), a1 = Lanes(), a2 = Lanes(), a3 = Lanes(), a4 = Lanes()
            var offset = 0
            while offset < stride {
                let xv = Self.load(x + offset)
                a0 = Self.multiplyAdd(a0, xv, Self.load(w0 + offset))
                a1 = Self.multiplyAdd(a1, xv, Self.load(w1 + offset))
                a2 = Self.multiplyAdd(a2, xv, Self.load(w2 + offset))
                a3 = Self.multiplyAdd(a3, xv, Self.load(w3 + offset))
                a4 = Self.multiplyAdd(a4, xv, Self.load(w4 + offset))
                offset += Self.width
            }
            z[c] = a0.sum() * scale + bias[c]
            z[c + 1] = a1.sum() * scale + bias[c + 1]
            z[c + 2] = a2.sum() * scale + bias[c + 2]
            z[c + 3] = a3.sum() * scale + bias[c + 3]
            z[c + 4] = a4.sum() * scale + bias[c + 4]
            c += 5
        }
        while c < classes {
            let w0 = UnsafePointer(weights + c * stride)
            var a0 = Lanes()
            var offset = 0
            while offset < stride {
                a0 = Self.multiplyAdd(a0, Self.load(x + offset), Self.load(w0 + offset))
                offset += Self.width
            }
            z[c] = a0.sum() * scale + bias[c]
            c += 1
        }
    }

    /// The first index of the largest of `count` values.
    @inline(__always)
    private static func argmax(_ z: UnsafePointer<Float>, _ count: Int) -> Int {
        var best = 0
        for c in 1..<count where z[c] > z[best] { best = c }
        return best
    }

    // MARK: Phases

    /// The rows of one step: `order[position]` is the row of `pixels` at that position.
    struct Batch: @unchecked Sendable {
        var pixels: UnsafePointer<UInt8>
        var labels: UnsafePointer<UInt8>
        var order: UnsafePointer<Int32>
        var count: Int
        /// Bytes per image.
        var rowLength: Int

        /// The pixels of the image at `position`.
        @inline(__always)
        func row(_ position: Int) -> UnsafePointer<UInt8> {
            pixels + Int(order[position]) &* rowLength
        }

        @inline(__always)
        func label(_ position: Int) -> Int {
            Int(labels[Int(order[position])])
        }
    }

    /// Per-row results of the forward phase, `count` rows.
    struct RowResults: @unchecked Sendable {
        /// `count × classes`: (softmax − onehot) / count.
        var gradient: UnsafeMutablePointer<Float>
        var loss: UnsafeMutablePointer<Float>
        var correct: UnsafeMutablePointer<UInt8>
    }

    /// Where phase 2 finds the batch's pixels: chunk k of the row at position p starts at
    /// `base + p·rowStep + k·chunkStep`, with `paddedChunks` when every chunk has 16 bytes.
    struct RowLayout: @unchecked Sendable {
        var base: UnsafePointer<UInt8>
        var rowStep: Int
        var chunkStep: Int
        var count: Int
        var paddedChunks: Bool
    }

    /// The chunk-major layout `pack` writes for a batch of `count` rows: for each 16-pixel
    /// chunk, the rows' 16 bytes one after another (`chunks × count × 16` bytes).
    func packedLayout(_ base: UnsafePointer<UInt8>, count: Int) -> RowLayout {
        RowLayout(base: base, rowStep: Self.width, chunkStep: count * Self.width, count: count, paddedChunks: true)
    }

    /// Rows stored one after another (a data set in its own order).
    func rowMajorLayout(_ base: UnsafePointer<UInt8>, count: Int) -> RowLayout {
        RowLayout(base: base, rowStep: inputs, chunkStep: Self.width, count: count, paddedChunks: false)
    }

    /// Phase 1 for positions `range` of `batch`.
    ///
    /// With `packed`, the rows are first gathered into it in the chunk-major layout of
    /// `packedLayout` (zero-padded to 16-byte chunks). The gathering loop does no
    /// arithmetic, so the cache misses of many scattered rows overlap; phase 2 then
    /// reads each chunk of the batch as one contiguous run.
    func forward(_ batch: Batch, _ range: Range<Int>, into results: RowResults, packing packed: Shared<UInt8>? = nil) {
        let classes = self.classes, inputs = self.inputs, width = Self.width
        let inverseCount = 1 / Float(batch.count)
        let chunkStep = batch.count * width
        if let packed {
            let fullChunks = inputs / width
            for position in range {
                let source = batch.row(position)
                let target = packed.base + position &* width
                for k in 0..<fullChunks {
                    let bytes = UnsafeRawPointer(source + k * width).loadUnaligned(as: SIMD16<UInt8>.self)
                    UnsafeMutableRawPointer(target + k &* chunkStep).storeBytes(of: bytes, as: SIMD16<UInt8>.self)
                }
                if fullChunks < chunks {
                    var bytes = SIMD16<UInt8>()
                    for i in 0 ..< inputs - fullChunks * width { bytes[i] = source[fullChunks * width + i] }
                    UnsafeMutableRawPointer(target + fullChunks &* chunkStep).storeBytes(of: bytes, as: SIMD16<UInt8>.self)
                }
            }
        }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: stride + classes) { scratch in
            let x = scratch.baseAddress!
            let z = x + stride
            for position in range {
                if let packed {
                    widen(packed: packed.base + position &* width, chunkStep: chunkStep, into: x)
                } else {
                    widen(batch.row(position), into: x)
                }
                logits(x, into: z)
                let label = batch.label(position)
                let best = Self.argmax(z, classes)
                let top = z[best]
                let shiftedLabel = z[label] - top
                var sum: Float = 0
                for c in 0..<classes {
                    let e = Foundation.exp(z[c] - top)
                    z[c] = e
                    sum += e
                }
                let g = results.gradient + position &* classes
                let norm = inverseCount / sum
                for c in 0..<classes { g[c] = z[c] * norm }
                g[label] -= inverseCount
                // −log p_label = log Σ exp(z − top) − (z_label − top): finite even when p_label underflows.
                results.loss[position] = Foundation.log(sum) - shiftedLabel
                results.correct[position] = best == label ? 1 : 0
            }
        }
    }

    /// Phase 2 for W's column chunks `chunkRange`: W −= lr·(scale·Xᵀg + decay·W).
    ///
    /// `accumulator` (classes × stride) holds partial sums between row blocks when the
    /// batch is longer than `rowBlock`; each call touches only its own chunks of it.
    func update(_ rows: RowLayout, gradient: UnsafePointer<Float>, chunks chunkRange: Range<Int>,
                learningRate: Float, decay: Float, accumulator: UnsafeMutablePointer<Float>) {
        let classes = self.classes, stride = self.stride, inputs = self.inputs
        let rowStep = rows.rowStep
        let rate = Lanes(repeating: learningRate), decayLanes = Lanes(repeating: decay), scaleLanes = Lanes(repeating: scale)
        var blockStart = 0
        while blockStart < rows.count {
            let blockEnd = min(rows.count, blockStart + Self.rowBlock)
            let first = blockStart == 0, last = blockEnd == rows.count
            for k in chunkRange {
                let offset = k * Self.width
                let width = rows.paddedChunks ? Self.width : min(Self.width, inputs - offset)
                let chunk = rows.base + k &* rows.chunkStep
                var c = 0
                while c < classes {
                    let group = min(5, classes - c)
                    // Accumulators for classes c ..< c + group (unused ones stay zero).
                    var a0 = Lanes(), a1 = Lanes(), a2 = Lanes(), a3 = Lanes(), a4 = Lanes()
                    let acc = accumulator + c * stride + offset
                    if !first {
                        a0 = Self.load(acc)
                        if group > 1 { a1 = Self.load(acc + stride) }
                        if group > 2 { a2 = Self.load(acc + 2 * stride) }
                        if group > 3 { a3 = Self.load(acc + 3 * stride) }
                        if group > 4 { a4 = Self.load(acc + 4 * stride) }
                    }
                    if group == 5 && width == Self.width {
                        for position in blockStart..<blockEnd {
                            let xv = Self.pixels(chunk + position &* rowStep, count: Self.width)
                            let g = gradient + position &* classes + c
                            a0 = Self.multiplyAdd(a0, Lanes(repeating: g[0]), xv)
                            a1 = Self.multiplyAdd(a1, Lanes(repeating: g[1]), xv)
                            a2 = Self.multiplyAdd(a2, Lanes(repeating: g[2]), xv)
                            a3 = Self.multiplyAdd(a3, Lanes(repeating: g[3]), xv)
                            a4 = Self.multiplyAdd(a4, Lanes(repeating: g[4]), xv)
                        }
                    } else {
                        for position in blockStart..<blockEnd {
                            let xv = Self.pixels(chunk + position &* rowStep, count: width)
                            let g = gradient + position &* classes + c
                            a0 = Self.multiplyAdd(a0, Lanes(repeating: g[0]), xv)
                            if group > 1 { a1 = Self.multiplyAdd(a1, Lanes(repeating: g[1]), xv) }
                            if group > 2 { a2 = Self.multiplyAdd(a2, Lanes(repeating: g[2]), xv) }
                            if group > 3 { a3 = Self.multiplyAdd(a3, Lanes(repeating: g[3]), xv) }
                            if group > 4 { a4 = Self.multiplyAdd(a4, Lanes(repeating: g[4]), xv) }
                        }
                    }
                    let base = c * stride + offset
                    func finish(_ i: Int, _ sum: Lanes) {
                        let p = base + i * stride
                        if last {
                            let w = Self.load(weights + p)
                            Self.store(w - rate * (sum * scaleLanes + decayLanes * w), weights + p)
                        } else {
                            Self.store(sum, accumulator + p)
                        }
                    }
                    finish(0, a0)
                    if group > 1 { finish(1, a1) }
                    if group > 2 { finish(2, a2) }
                    if group > 3 { finish(3, a3) }
                    if group > 4 { finish(4, a4) }
                    c += group
                }
            }
            blockStart = blockEnd
        }
    }

    /// b −= lr · Σᵣ gᵣ, summed in row order.
    func updateBias(gradient: UnsafePointer<Float>, rows: Int, learningRate: Float) {
        for c in 0..<classes {
            var sum: Float = 0
            for r in 0..<rows { sum += gradient[r * classes + c] }
            bias[c] -= learningRate * sum
        }
    }

    /// The predicted class of positions `range` of `batch` into `predictions`.
    func predict(_ batch: Batch, _ range: Range<Int>, into predictions: UnsafeMutablePointer<UInt8>) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: stride + classes) { scratch in
            let x = scratch.baseAddress!
            let z = x + stride
            for position in range {
                widen(batch.row(position), into: x)
                logits(x, into: z)
                predictions[position] = UInt8(truncatingIfNeeded: Self.argmax(z, classes))
            }
        }
    }

    /// The logits of positions `range` of `batch` into `output` (`count × classes`).
    func logits(_ batch: Batch, _ range: Range<Int>, into output: UnsafeMutablePointer<Float>) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: stride) { scratch in
            let x = scratch.baseAddress!
            for position in range {
                widen(batch.row(position), into: x)
                logits(x, into: output + position &* classes)
            }
        }
    }

    // MARK: Threads

    /// Runs `body(part)` for parts 0 ..< `parts`, concurrently when `parts` > 1.
    static func parallel(_ parts: Int, _ body: @Sendable (Int) -> Void) {
        if parts <= 1 {
            body(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: parts, execute: body)
        }
    }

    /// A buffer that the parts of `parallel` write to, each its own disjoint section.
    struct Shared<Element>: @unchecked Sendable {
        let base: UnsafeMutablePointer<Element>
    }

    /// Part `part` of `count` items split into `parts` contiguous ranges.
    static func range(_ part: Int, of parts: Int, count: Int) -> Range<Int> {
        (count * part / parts) ..< (count * (part + 1) / parts)
    }
}
