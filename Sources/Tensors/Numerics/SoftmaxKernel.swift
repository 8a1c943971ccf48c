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

    @inline(__always)
    private static func multiplyAdd(_ acc: Lanes, _ a: Lanes, _ b: Lanes) -> Lanes {
        Tensors.multiplyAdd(acc, a, b)
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> Lanes {
        loadLanes(p)
    }

    @inline(__always)
    private static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) {
        storeLanes(v, p)
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
            z[c] = laneSum(a0) * scale + bias[c]
            z[c + 1] = laneSum(a1) * scale + bias[c + 1]
            z[c + 2] = laneSum(a2) * scale + bias[c + 2]
            z[c + 3] = laneSum(a3) * scale + bias[c + 3]
            z[c + 4] = laneSum(a4) * scale + bias[c + 4]
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
            z[c] = laneSum(a0) * scale + bias[c]
            c += 1
        }
    }

    /// The logits of one row read straight from its bytes, one group of classes at a time
    /// (`WideClassSums`): chunk k is at `bytes + k·chunkStep`, the last one `lastChunkBytes`
    /// long (16 when chunks are padded). The same sums, in the same order, as `logits(_:into:)`.
    @inline(__always)
    private func logits(bytes: UnsafePointer<UInt8>, chunkStep: Int, lastChunkBytes: Int, into z: UnsafeMutablePointer<Float>) {
        var c = 0
        while c + WideClassSums.count <= classes {
            logits(WideClassSums.self, from: c, bytes: bytes, chunkStep: chunkStep, lastChunkBytes: lastChunkBytes, into: z)
            c += WideClassSums.count
        }
        while c < classes {
            logits(OneClassSum.self, from: c, bytes: bytes, chunkStep: chunkStep, lastChunkBytes: lastChunkBytes, into: z)
            c += 1
        }
    }

    @inline(__always)
    private func logits<Sums: ClassSums>(_: Sums.Type, from c: Int, bytes: UnsafePointer<UInt8>, chunkStep: Int,
                                         lastChunkBytes: Int, into z: UnsafeMutablePointer<Float>) {
        var sums = Sums()
        let w = UnsafePointer(weights + c * stride)
        let full = lastChunkBytes == Self.width ? chunks : chunks - 1
        for k in 0..<full {
            sums.add(Self.pixels(bytes + k &* chunkStep, count: Self.width), weights: w + k * Self.width, stride: stride)
        }
        if full < chunks {
            sums.add(Self.pixels(bytes + full &* chunkStep, count: lastChunkBytes), weights: w + full * Self.width, stride: stride)
        }
        sums.logits(into: z + c, scale: scale, bias: bias + c)
    }

    /// The logits of two rows stored one after another at `first` and `second`, into `z0`
    /// and `z1`: with wide registers both rows share each load of W (two groups of sums),
    /// otherwise one row after the other. Each sum is the same as for one row alone.
    @inline(__always)
    private func pairLogits(_ first: UnsafePointer<UInt8>, _ second: UnsafePointer<UInt8>, x: UnsafeMutablePointer<Float>,
                            into z0: UnsafeMutablePointer<Float>, _ z1: UnsafeMutablePointer<Float>) {
        #if WIDE_VECTORS
        let lastChunkBytes = inputs - (chunks - 1) * Self.width
        var c = 0
        while c + WideClassSums.count <= classes {
            pairLogits(WideClassSums.self, from: c, first, second, lastChunkBytes: lastChunkBytes, into: z0, z1)
            c += WideClassSums.count
        }
        while c < classes {
            pairLogits(OneClassSum.self, from: c, first, second, lastChunkBytes: lastChunkBytes, into: z0, z1)
            c += 1
        }
        #else
        rowLogits(first, chunkStep: Self.width, padded: false, x: x, into: z0)
        rowLogits(second, chunkStep: Self.width, padded: false, x: x, into: z1)
        #endif
    }

    @inline(__always)
    private func pairLogits<Sums: ClassSums>(_: Sums.Type, from c: Int, _ first: UnsafePointer<UInt8>, _ second: UnsafePointer<UInt8>,
                                             lastChunkBytes: Int, into z0: UnsafeMutablePointer<Float>, _ z1: UnsafeMutablePointer<Float>) {
        var sums0 = Sums(), sums1 = Sums()
        let w = UnsafePointer(weights + c * stride)
        let full = lastChunkBytes == Self.width ? chunks : chunks - 1
        for k in 0..<full {
            let offset = k * Self.width
            sums0.add(Self.pixels(first + offset, count: Self.width), weights: w + offset, stride: stride)
            sums1.add(Self.pixels(second + offset, count: Self.width), weights: w + offset, stride: stride)
        }
        if full < chunks {
            let offset = full * Self.width
            sums0.add(Self.pixels(first + offset, count: lastChunkBytes), weights: w + offset, stride: stride)
            sums1.add(Self.pixels(second + offset, count: lastChunkBytes), weights: w + offset, stride: stride)
        }
        sums0.logits(into: z0 + c, scale: scale, bias: bias + c)
        sums1.logits(into: z1 + c, scale: scale, bias: bias + c)
    }

    /// The logits of the row at `position` of `layout`-style storage, into `z` (`x` is scratch
    /// for `stride` floats): straight from the bytes with wide registers, else widened once
    /// into `x` and read from there by groups of five classes.
    @inline(__always)
    private func rowLogits(_ bytes: UnsafePointer<UInt8>, chunkStep: Int, padded: Bool,
                           x: UnsafeMutablePointer<Float>, into z: UnsafeMutablePointer<Float>) {
        #if WIDE_VECTORS
        logits(bytes: bytes, chunkStep: chunkStep, lastChunkBytes: padded ? Self.width : inputs - (chunks - 1) * Self.width, into: z)
        #else
        if padded {
            widen(packed: bytes, chunkStep: chunkStep, into: x)
        } else {
            widen(bytes, into: x)
        }
        logits(UnsafePointer(x), into: z)
        #endif
    }

    /// Softmax, loss, hit and logit gradient (p − onehot(label)) · `inverseCount` of one row
    /// whose logits are in `z` (overwritten).
    @inline(__always)
    private func finishRow(_ z: UnsafeMutablePointer<Float>, label: Int, position: Int, inverseCount: Float, into results: RowResults) {
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
    /// `base + p·rowStep + k·chunkStep`; every chunk has 16 bytes (the last one zero-padded).
    struct RowLayout: @unchecked Sendable {
        var base: UnsafePointer<UInt8>
        var rowStep: Int
        var chunkStep: Int
        var count: Int
    }

    /// The chunk-major layout `pack` writes for a batch of `count` rows: for each 16-pixel
    /// chunk, the rows' 16 bytes one after another (`chunks × count × 16` bytes).
    func packedLayout(_ base: UnsafePointer<UInt8>, count: Int) -> RowLayout {
        RowLayout(base: base, rowStep: Self.width, chunkStep: count * Self.width, count: count)
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
                    rowLogits(packed.base + position &* width, chunkStep: chunkStep, padded: true, x: x, into: z)
                } else {
                    rowLogits(batch.row(position), chunkStep: width, padded: false, x: x, into: z)
                }
                finishRow(z, label: batch.label(position), position: position, inverseCount: inverseCount, into: results)
            }
        }
    }

    /// Phase 2 for W's column chunks `chunkRange`: W −= lr·(scale·Xᵀg + decay·W).
    ///
    /// `accumulator` (classes × stride) holds partial sums between row blocks when the
    /// batch is longer than `rowBlock`; each call touches only its own chunks of it.
    func update(_ rows: RowLayout, gradient: UnsafePointer<Float>, chunks chunkRange: Range<Int>,
                learningRate: Float, decay: Float, accumulator: UnsafeMutablePointer<Float>) {
        let classes = self.classes, stride = self.stride
        let rowStep = rows.rowStep
        let rate = Lanes(repeating: learningRate), decayLanes = Lanes(repeating: decay), scaleLanes = Lanes(repeating: scale)
        var blockStart = 0
        while blockStart < rows.count {
            let blockEnd = min(rows.count, blockStart + Self.rowBlock)
            let first = blockStart == 0, last = blockEnd == rows.count
            for k in chunkRange {
                let offset = k * Self.width
                let width = Self.width
                let chunk = rows.base + k &* rows.chunkStep
                var c = 0
                #if WIDE_VECTORS
                // Ten classes per widened chunk; the same sums, in the same order, as groups of five.
                while c + WideClassSums.count <= classes && width == Self.width {
                    let acc = accumulator + c * stride + offset
                    var sums = first ? WideClassSums() : WideClassSums(loading: acc, stride: stride)
                    for position in blockStart..<blockEnd {
                        sums.add(Self.pixels(chunk + position &* rowStep, count: Self.width), coefficients: gradient + position &* classes + c)
                    }
                    if last {
                        let w = weights + c * stride + offset
                        sums.each { i, sum in
                            let old = Self.load(w + i * stride)
                            Self.store(old - rate * (sum * scaleLanes + decayLanes * old), w + i * stride)
                        }
                    } else {
                        sums.store(to: acc, stride: stride)
                    }
                    c += WideClassSums.count
                }
                #endif
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

    // MARK: Full batches

    /// Rows per partial gradient sum of a full-batch step. Fixed, so that the summation
    /// order (row order within a block, then blocks in order) does not depend on threads;
    /// a block's bytes (800 KB for 28×28 images) stay in the L2 cache between its two passes.
    static let reductionBlock = 1024
    /// How many rows ahead of the one it computes `fullBatchForward` prefetches.
    static let prefetchRows = 8

    /// Floats of the partial-sum buffer `fullBatchForward` needs for `count` rows.
    func partialSumsCount(rows count: Int) -> Int {
        (count + Self.reductionBlock - 1) / Self.reductionBlock * classes * stride
    }

    /// Phase 1 of a full-batch step over `count` rows stored one after another at `pixels`,
    /// fused with the gradient sums: blocks of `reductionBlock` rows are shared out over
    /// threads; for each block, first every row's logits, softmax, loss, hit and logit
    /// gradient (as `forward`), then, while its bytes are still in cache, Σᵣ gᵣ·xᵣ over
    /// the block in row order, one chunk and group of classes at a time in registers, into
    /// the block's slice of `partials` (`classes × stride` floats per block).
    func fullBatchForward(pixels: UnsafePointer<UInt8>, labels: UnsafePointer<UInt8>, count: Int, into results: RowResults,
                          partials: UnsafeMutablePointer<Float>, threads: Int, rowsPerThread: Int = rowsPerThread) {
        let blocks = (count + Self.reductionBlock - 1) / Self.reductionBlock
        let parts = max(1, min(Self.parts(rows: count, threads: threads, minimum: rowsPerThread), blocks))
        let inverseCount = 1 / Float(count)
        let shared = Shared(base: partials)
        let bytes = Shared(base: UnsafeMutablePointer(mutating: pixels)), labelBytes = Shared(base: UnsafeMutablePointer(mutating: labels))
        let rowLength = inputs, blockSize = classes * stride
        Self.parallel(parts) { part in
            let pixels = UnsafePointer(bytes.base), labels = UnsafePointer(labelBytes.base)
            withUnsafeTemporaryAllocation(of: Float.self, capacity: stride + 2 * classes) { scratch in
                let x = scratch.baseAddress!
                let z = x + stride, z1 = z + classes
                for block in Self.range(part, of: parts, count: blocks) {
                    let rows = block * Self.reductionBlock ..< min(count, (block + 1) * Self.reductionBlock)
                    var r = rows.lowerBound
                    while r + 1 < rows.upperBound {
                        // The rows a few pairs ahead come from memory (a step reads 47 MB for
                        // Fashion-MNIST) while this pair's arithmetic runs.
                        if r + Self.prefetchRows + 2 <= count {
                            prefetch(pixels + (r + Self.prefetchRows) &* rowLength, bytes: 2 * rowLength)
                        }
                        pairLogits(pixels + r &* rowLength, pixels + (r + 1) &* rowLength, x: x, into: z, z1)
                        finishRow(z, label: Int(labels[r]), position: r, inverseCount: inverseCount, into: results)
                        finishRow(z1, label: Int(labels[r + 1]), position: r + 1, inverseCount: inverseCount, into: results)
                        r += 2
                    }
                    if r < rows.upperBound {
                        rowLogits(pixels + r &* rowLength, chunkStep: Self.width, padded: false, x: x, into: z)
                        finishRow(z, label: Int(labels[r]), position: r, inverseCount: inverseCount, into: results)
                    }
                    gradientSums(pixels: pixels, rows: rows, gradient: results.gradient, into: shared.base + block * blockSize)
                }
            }
        }
    }

    /// Σᵣ gᵣ·xᵣ over `rows` for every class and chunk into `target` (`classes × stride`).
    private func gradientSums(pixels: UnsafePointer<UInt8>, rows: Range<Int>, gradient: UnsafePointer<Float>,
                              into target: UnsafeMutablePointer<Float>) {
        var k = 0
        #if WIDE_VECTORS
        // Two full chunks at a time: each gradient coefficient is loaded once for both.
        while (k + 2) * Self.width <= inputs {
            let offset = k * Self.width
            var c = 0
            while c + WideClassSums.count <= classes {
                pairGradientSums(WideClassSums.self, from: c, offset: offset, pixels: pixels, rows: rows, gradient: gradient, into: target)
                c += WideClassSums.count
            }
            while c < classes {
                pairGradientSums(OneClassSum.self, from: c, offset: offset, pixels: pixels, rows: rows, gradient: gradient, into: target)
                c += 1
            }
            k += 2
        }
        #endif
        for k in k..<chunks {
            let offset = k * Self.width
            let width = min(Self.width, inputs - offset)
            var c = 0
            while c + WideClassSums.count <= classes {
                gradientSums(WideClassSums.self, from: c, offset: offset, width: width, pixels: pixels, rows: rows, gradient: gradient, into: target)
                c += WideClassSums.count
            }
            while c < classes {
                gradientSums(OneClassSum.self, from: c, offset: offset, width: width, pixels: pixels, rows: rows, gradient: gradient, into: target)
                c += 1
            }
        }
    }

    @inline(__always)
    private func gradientSums<Sums: ClassSums>(_: Sums.Type, from c: Int, offset: Int, width: Int, pixels: UnsafePointer<UInt8>,
                                               rows: Range<Int>, gradient: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>) {
        var sums = Sums()
        let chunk = pixels + offset
        let rowLength = inputs, classes = self.classes
        if width == Self.width {
            for r in rows { sums.add(Self.pixels(chunk + r &* rowLength, count: Self.width), coefficients: gradient + r &* classes + c) }
        } else {
            for r in rows { sums.add(Self.pixels(chunk + r &* rowLength, count: width), coefficients: gradient + r &* classes + c) }
        }
        sums.store(to: target + c * stride + offset, stride: stride)
    }

    /// `gradientSums` for the two full chunks at `offset` and `offset + 16` at once.
    @inline(__always)
    private func pairGradientSums<Sums: ClassSums>(_: Sums.Type, from c: Int, offset: Int, pixels: UnsafePointer<UInt8>,
                                                   rows: Range<Int>, gradient: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>) {
        var sums0 = Sums(), sums1 = Sums()
        let chunk = pixels + offset
        let rowLength = inputs, classes = self.classes
        for r in rows {
            let row = chunk + r &* rowLength, g = gradient + r &* classes + c
            sums0.add(Self.pixels(row, count: Self.width), coefficients: g)
            sums1.add(Self.pixels(row + Self.width, count: Self.width), coefficients: g)
        }
        sums0.store(to: target + c * stride + offset, stride: stride)
        sums1.store(to: target + c * stride + offset + Self.width, stride: stride)
    }

    /// Phase 2 of a full-batch step for `count` rows: W −= lr·(scale·Σ partials + decay·W),
    /// the blocks' partial sums added in block order; W's chunks are shared out over threads.
    func fullBatchUpdate(partials: UnsafePointer<Float>, rows count: Int, learningRate: Float, decay: Float, threads: Int,
                         rowsPerThread: Int = rowsPerThread) {
        let blocks = (count + Self.reductionBlock - 1) / Self.reductionBlock
        let parts = max(1, min(Self.parts(rows: count, threads: threads, minimum: rowsPerThread), chunks))
        let blockSize = classes * stride, classes = self.classes, stride = self.stride
        let rate = Lanes(repeating: learningRate), decayLanes = Lanes(repeating: decay), scaleLanes = Lanes(repeating: scale)
        let shared = Shared(base: UnsafeMutablePointer(mutating: partials))
        Self.parallel(parts) { part in
            for k in Self.range(part, of: parts, count: self.chunks) {
                for c in 0..<classes {
                    let p = c * stride + k * Self.width
                    var sum = Self.load(shared.base + p)
                    for block in 1..<max(1, blocks) { sum += Self.load(shared.base + block * blockSize + p) }
                    let w = Self.load(self.weights + p)
                    Self.store(w - rate * (sum * scaleLanes + decayLanes * w), self.weights + p)
                }
            }
        }
    }

    /// b −= lr · Σᵣ gᵣ, summed in row order.
    func updateBias(gradient: UnsafePointer<Float>, rows: Int, learningRate: Float) {
        let classes = self.classes
        // All classes' sums side by side: independent additions, each class still in row order.
        withUnsafeTemporaryAllocation(of: Float.self, capacity: classes) { sums in
            sums.initialize(repeating: 0)
            for r in 0..<rows {
                let g = gradient + r &* classes
                for c in 0..<classes { sums[c] += g[c] }
            }
            for c in 0..<classes { bias[c] -= learningRate * sums[c] }
        }
    }

    /// The predicted class of positions `range` of `batch` into `predictions`.
    func predict(_ batch: Batch, _ range: Range<Int>, into predictions: UnsafeMutablePointer<UInt8>) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: stride + classes) { scratch in
            let x = scratch.baseAddress!
            let z = x + stride
            for position in range {
                rowLogits(batch.row(position), chunkStep: Self.width, padded: false, x: x, into: z)
                predictions[position] = UInt8(truncatingIfNeeded: Self.argmax(z, classes))
            }
        }
    }

    /// The logits of positions `range` of `batch` into `output` (`count × classes`).
    func logits(_ batch: Batch, _ range: Range<Int>, into output: UnsafeMutablePointer<Float>) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: stride) { scratch in
            let x = scratch.baseAddress!
            for position in range {
                rowLogits(batch.row(position), chunkStep: Self.width, padded: false, x: x, into: output + position &* classes)
            }
        }
    }

    // MARK: Threads

    /// The fewest rows worth a thread of their own: waking a worker (on a virtual machine,
    /// an idle vCPU) costs more than a 256-row minibatch's arithmetic saves, so minibatches
    /// run on one thread and full batches and predictions on all.
    static let rowsPerThread = 2048

    /// How many parts to split `rows` rows of work into: at most `threads`, each at least `minimum` rows.
    static func parts(rows: Int, threads: Int, minimum: Int = rowsPerThread) -> Int {
        max(1, min(threads, rows / max(1, minimum)))
    }

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
