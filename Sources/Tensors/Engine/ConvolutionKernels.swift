import Foundation

/// The engine's Float32 kernels of convolution and pooling (`LayerOp`).
///
/// A convolution is im2col and one `sgemm` per group of images: the group's patches are laid
/// out side by side as a (C·KH·KW)×(G·Ho·Wo) matrix (`cols`, image n's block of columns at
/// n·Ho·Wo), and out = K · cols, ∂K = G · colsᵀ, ∂cols = Kᵀ · G (added back into the images'
/// pixels, col2im), with G the upstream gradient gathered as OUT×(G·Ho·Wo). A group holds as
/// many images as keep `cols` within `groupFloats` (256 KB, so it stays in a core's L2 cache),
/// at most `groupImages`: LeNet's first layer takes 3 images a product, its second 4, which
/// measured faster than one product per image (bench/lenet.sh's profile). The groups are
/// spread over the cores; each worker has its own scratch, each group its own partial ∂K,
/// added up in group order, so results do not depend on the number of threads.
enum ConvolutionKernels {
    static let groupImages = 16
    /// The most floats of patches one group lays out.
    static let groupFloats = 1 << 16
    /// The most workers, each with its own scratch (`TrainingConfiguration` uses at most 8 threads).
    static let workers = 8

    private struct Geometry {
        let images: Int, channels: Int, height: Int, width: Int
        let kernels: Int, kh: Int, kw: Int
        let outHeight: Int, outWidth: Int
        let stride: Int, padding: Int
        var patch: Int { channels * kh * kw }
        var positions: Int { outHeight * outWidth }
        var imageSize: Int { channels * height * width }
        /// Images per group: as many as fit in `groupFloats` of patches, 1 to `groupImages`.
        var groupSize: Int { max(1, min(ConvolutionKernels.groupImages, ConvolutionKernels.groupFloats / max(1, patch * positions))) }
        var groups: Int { (images + groupSize - 1) / groupSize }
        var slots: Int { max(1, min(groups, ConvolutionKernels.workers)) }
        /// One channel of an image with `padding` zeros around it, for stride 1 (where it is
        /// (Ho + KH − 1)×(Wo + KW − 1): the shapes fix its size, as `workspace` needs).
        var paddedWidth: Int { outWidth + kw - 1 }
        var paddedSize: Int { (outHeight + kh - 1) * paddedWidth }
        /// Floats of one worker's scratch: a group's patches, its outputs or upstream gradients,
        /// and one padded channel.
        var slotSize: Int { groupSize * positions * (patch + kernels) + paddedSize }

        init(_ inputs: [[Int]], _ output: [Int], _ settings: LayerOp.Settings) {
            (images, channels, height, width) = (inputs[0][0], inputs[0][1], inputs[0][2], inputs[0][3])
            (kernels, kh, kw) = (inputs[1][0], inputs[1][2], inputs[1][3])
            (outHeight, outWidth) = (output[2], output[3])
            (stride, padding) = (settings.stride, settings.padding)
        }

        func imagesOf(_ group: Int) -> Range<Int> { group * groupSize ..< min(images, (group + 1) * groupSize) }
    }

    /// Scratch: per worker one group's patch matrix and outputs, per group one partial ∂K.
    static func workspace(_ inputs: [[Int]], _ output: [Int], _ threads: Int) -> Int {
        let g = Geometry(inputs, output, LayerOp.Settings())
        return g.slots * g.slotSize + g.groups * g.kernels * g.patch
    }

    /// Runs `body(group, scratch)` for every group of images, over the cores when `threads` > 1:
    /// worker w takes groups w, w + workers, … with scratch slot w.
    private static func forEachGroup(_ g: Geometry, _ call: LayerOp.KernelCall,
                                     _ body: @Sendable (Int, UnsafeMutablePointer<Float>) -> Void) {
        let workers = min(g.slots, max(1, call.threads))
        guard workers > 1 else {
            for group in 0..<g.groups { body(group, call.scratch) }
            return
        }
        // The workers are the parallelism: each one's sgemm runs on its own thread.
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for group in stride(from: worker, to: g.groups, by: workers) { body(group, call.scratch + worker * g.slotSize) }
        }
    }

    static func forward(_ call: LayerOp.KernelCall) {
        let g = Geometry(call.shapes, call.outputShape, call.settings)
        forEachGroup(g, call) { group, slot in
            let (x, k, b) = (call.inputs[0], call.inputs[1], call.inputs[2])
            let range = g.imagesOf(group), width = range.count * g.positions
            let cols = slot, product = slot + g.patch * width, padded = product + g.kernels * width
            for (index, n) in range.enumerated() {
                im2col(x + n * g.imageSize, g, into: cols + index * g.positions, rowLength: width, padded: padded)
            }
            BLAS.gemm(k, transposeA: false, cols, transposeB: false, product, m: g.kernels, n: width, k: g.patch)
            for (index, n) in range.enumerated() {
                for o in 0..<g.kernels {
                    let source = product + o * width + index * g.positions
                    let row = call.output + (n * g.kernels + o) * g.positions, bias = b[o]
                    for p in 0..<g.positions { row[p] = source[p] + bias }
                }
            }
        }
    }

    /// The upstream gradient of a group's images as OUT×(images·positions), into `target`.
    private static func gather(_ upstream: UnsafePointer<Float>, _ range: Range<Int>, _ g: Geometry, into target: UnsafeMutablePointer<Float>) {
        let width = range.count * g.positions
        for (index, n) in range.enumerated() {
            for o in 0..<g.kernels {
                (target + o * width + index * g.positions).update(from: upstream + (n * g.kernels + o) * g.positions, count: g.positions)
            }
        }
    }

    /// ∂loss/∂x (0), ∂loss/∂k (1) or ∂loss/∂b (2) into `call.result`.
    static func gradient(_ call: LayerOp.KernelCall, _ which: Int) {
        let g = Geometry(call.shapes, call.outputShape, call.settings)
        let (upstream, result) = (call.upstream!, call.result!)
        let size = g.kernels * g.patch
        let partials = call.scratch + g.slots * g.slotSize
        switch which {
        case 0:
            forEachGroup(g, call) { group, slot in
                let (k, upstream, result) = (call.inputs[1], call.upstream!, call.result!)
                let range = g.imagesOf(group), width = range.count * g.positions
                let cols = slot, gathered = slot + g.patch * width, padded = gathered + g.kernels * width
                gather(upstream, range, g, into: gathered)
                BLAS.gemm(k, transposeA: true, gathered, transposeB: false, cols, m: g.patch, n: width, k: g.kernels)
                for (index, n) in range.enumerated() {
                    col2im(cols + index * g.positions, g, rowLength: width, into: result + n * g.imageSize, padded: padded)
                }
            }
        case 1:
            forEachGroup(g, call) { group, slot in
                let (x, upstream) = (call.inputs[0], call.upstream!)
                let range = g.imagesOf(group), width = range.count * g.positions
                let cols = slot, gathered = slot + g.patch * width, padded = gathered + g.kernels * width
                for (index, n) in range.enumerated() {
                    im2col(x + n * g.imageSize, g, into: cols + index * g.positions, rowLength: width, padded: padded)
                }
                gather(upstream, range, g, into: gathered)
                let partial = call.scratch + g.slots * g.slotSize + group * size
                BLAS.gemm(gathered, transposeA: false, cols, transposeB: true, partial, m: g.kernels, n: g.patch, k: width)
            }
            result.update(from: partials, count: size)
            for group in 1..<max(1, g.groups) {
                let partial = partials + group * size
                for i in 0..<size { result[i] += partial[i] }
            }
        default:
            for o in 0..<g.kernels { result[o] = 0 }
            for n in 0..<g.images {
                for o in 0..<g.kernels {
                    let row = upstream + (n * g.kernels + o) * g.positions
                    var total: Float = 0
                    for p in 0..<g.positions { total += row[p] }
                    result[o] += total
                }
            }
        }
    }

    /// One image's patches as C·KH·KW rows of Ho·Wo entries, `rowLength` apart: row (c, u, v)
    /// holds, for every output position, the pixel its kernel entry meets there (0 in the
    /// padding). With stride 1 each channel is first copied into `padded`, inside its zeros, so
    /// every row of the patch matrix is a copy of one row of it.
    private static func im2col(_ image: UnsafePointer<Float>, _ g: Geometry, into cols: UnsafeMutablePointer<Float>, rowLength: Int,
                               padded: UnsafeMutablePointer<Float>) {
        let (outHeight, outWidth, stride, padding) = (g.outHeight, g.outWidth, g.stride, g.padding)
        var row = cols
        for c in 0..<g.channels {
            let plane = image + c * g.height * g.width
            guard stride == 1 else {
                for u in 0..<g.kh {
                    for v in 0..<g.kw {
                        for i in 0..<outHeight {
                            let y = i * stride + u - padding, out = row + i * outWidth
                            for j in 0..<outWidth {
                                let x = j * stride + v - padding
                                out[j] = y >= 0 && y < g.height && x >= 0 && x < g.width ? plane[y * g.width + x] : 0
                            }
                        }
                        row += rowLength
                    }
                }
                continue
            }
            let pw = g.paddedWidth
            var source = plane
            if padding > 0 {
                padded.update(repeating: 0, count: g.paddedSize)
                for y in 0..<g.height { copy(plane + y * g.width, to: padded + (y + padding) * pw + padding, count: g.width) }
                source = UnsafePointer(padded)
            }
            for u in 0..<g.kh {
                for v in 0..<g.kw {
                    for i in 0..<outHeight { copy(source + (i + u) * pw + v, to: row + i * outWidth, count: outWidth) }
                    row += rowLength
                }
            }
        }
    }

    /// Adds the patch rows (`rowLength` apart) back into the pixels they came from (the image is
    /// overwritten); with stride 1 and padding through `padded`, whose inside is then the channel's.
    private static func col2im(_ cols: UnsafePointer<Float>, _ g: Geometry, rowLength: Int, into image: UnsafeMutablePointer<Float>,
                               padded: UnsafeMutablePointer<Float>) {
        let (outHeight, outWidth, stride, padding) = (g.outHeight, g.outWidth, g.stride, g.padding)
        image.update(repeating: 0, count: g.imageSize)
        var row = cols
        for c in 0..<g.channels {
            let plane = image + c * g.height * g.width
            guard stride == 1 else {
                for u in 0..<g.kh {
                    for v in 0..<g.kw {
                        for i in 0..<outHeight {
                            let y = i * stride + u - padding, source = row + i * outWidth
                            guard y >= 0, y < g.height else { continue }
                            for j in 0..<outWidth {
                                let x = j * stride + v - padding
                                if x >= 0 && x < g.width { plane[y * g.width + x] += source[j] }
                            }
                        }
                        row += rowLength
                    }
                }
                continue
            }
            let pw = g.paddedWidth
            let target = padding > 0 ? padded : plane
            if padding > 0 { padded.update(repeating: 0, count: g.paddedSize) }
            for u in 0..<g.kh {
                for v in 0..<g.kw {
                    for i in 0..<outHeight { add(row + i * outWidth, to: target + (i + u) * pw + v, count: outWidth) }
                    row += rowLength
                }
            }
            if padding > 0 {
                for y in 0..<g.height { copy(padded + (y + padding) * pw + padding, to: plane + y * g.width, count: g.width) }
            }
        }
    }

    /// `count` floats from `source` to `target` (which do not overlap), eight at a time: the
    /// rows of a patch matrix are short (LeNet's are 28 and 10), too short for a call to memmove.
    @inline(__always)
    private static func copy(_ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int) {
        var j = 0
        while j + 8 <= count {
            UnsafeMutableRawPointer(target + j).storeBytes(of: UnsafeRawPointer(source + j).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
            j += 8
        }
        while j < count { target[j] = source[j]; j += 1 }
    }

    /// target[j] += source[j] for j in 0..<count, eight at a time.
    @inline(__always)
    private static func add(_ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int) {
        var j = 0
        while j + 8 <= count {
            let sum = UnsafeRawPointer(target + j).loadUnaligned(as: SIMD8<Float>.self) + UnsafeRawPointer(source + j).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(target + j).storeBytes(of: sum, as: SIMD8<Float>.self)
            j += 8
        }
        while j < count { target[j] += source[j]; j += 1 }
    }

    // MARK: Pooling

    static func pool(_ call: LayerOp.KernelCall, isMaximum: Bool) {
        let x = call.inputs[0], output = call.output, size = call.settings.size
        let (planes, height, width) = (call.shapes[0][0] * call.shapes[0][1], call.shapes[0][2], call.shapes[0][3])
        let (outHeight, outWidth) = (call.outputShape[2], call.outputShape[3])
        let scale = 1 / Float(size * size)
        for plane in 0..<planes {
            let input = x + plane * height * width, out = output + plane * outHeight * outWidth
            for i in 0..<outHeight {
                let top = input + i * size * width, line = out + i * outWidth
                if size == 2 {
                    let bottom = top + width
                    for j in 0..<outWidth {
                        let (a, b, c, d) = (top[2 * j], top[2 * j + 1], bottom[2 * j], bottom[2 * j + 1])
                        if isMaximum {
                            // The first largest value, scanning the window's rows, as the Float64 reference.
                            var best = a
                            if b > best { best = b }
                            if c > best { best = c }
                            if d > best { best = d }
                            line[j] = best
                        } else {
                            line[j] = (((a + b) + c) + d) * scale
                        }
                    }
                    continue
                }
                for j in 0..<outWidth {
                    let corner = top + j * size
                    var best = corner[0], total: Float = 0
                    for u in 0..<size {
                        for v in 0..<size {
                            let value = corner[u * width + v]
                            if value > best { best = value }
                            total += value
                        }
                    }
                    line[j] = isMaximum ? best : total * scale
                }
            }
        }
    }

    static func poolGradient(_ call: LayerOp.KernelCall, isMaximum: Bool) {
        let x = call.inputs[0], size = call.settings.size
        let upstream = call.upstream!, result = call.result!
        let (planes, height, width) = (call.shapes[0][0] * call.shapes[0][1], call.shapes[0][2], call.shapes[0][3])
        let (outHeight, outWidth) = (call.outputShape[2], call.outputShape[3])
        result.update(repeating: 0, count: planes * height * width)
        let scale = 1 / Float(size * size)
        for plane in 0..<planes {
            let input = x + plane * height * width, gradient = result + plane * height * width
            let g = upstream + plane * outHeight * outWidth
            for i in 0..<outHeight {
                for j in 0..<outWidth {
                    let offset = i * size * width + j * size, value = g[i * outWidth + j]
                    if isMaximum && size == 2 {
                        // The first largest value, scanning the window's rows, as the Float64 reference.
                        var best = offset, top = input[offset]
                        if input[offset + 1] > top { best = offset + 1; top = input[best] }
                        if input[offset + width] > top { best = offset + width; top = input[best] }
                        if input[offset + width + 1] > top { best = offset + width + 1 }
                        gradient[best] += value
                    } else if isMaximum {
                        var best = offset, top = input[offset]
                        for u in 0..<size {
                            for v in 0..<size where input[offset + u * width + v] > top {
                                best = offset + u * width + v
                                top = input[best]
                            }
                        }
                        gradient[best] += value
                    } else {
                        let share = value * scale
                        for u in 0..<size { for v in 0..<size { gradient[offset + u * width + v] += share } }
                    }
                }
            }
        }
    }
}
