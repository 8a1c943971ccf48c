import Foundation

/// The engine's Float32 kernels of convolution and pooling (`LayerOp`).
///
/// A convolution is im2col and one `sgemm` per image: the image's patches are laid out as a
/// (C·KH·KW)×(Ho·Wo) matrix (`cols`), and out = K · cols, ∂K += G · colsᵀ, ∂cols = Kᵀ · G
/// (added back into the image's pixels, col2im). Measured against direct loops for LeNet's
/// shapes (bench/lenet.sh's profile) the products win from the second layer on and tie on
/// the first; one code path keeps the kernels small. The batch's images are cut into groups
/// of `groupImages`, spread over the cores; each group has its own scratch and its own
/// partial ∂K, added up in group order, so results do not depend on the number of threads.
enum ConvolutionKernels {
    static let groupImages = 16

    private struct Geometry {
        let images: Int, channels: Int, height: Int, width: Int
        let kernels: Int, kh: Int, kw: Int
        let outHeight: Int, outWidth: Int
        let stride: Int, padding: Int
        var patch: Int { channels * kh * kw }
        var positions: Int { outHeight * outWidth }
        var imageSize: Int { channels * height * width }
        var groups: Int { (images + ConvolutionKernels.groupImages - 1) / ConvolutionKernels.groupImages }

        init(_ inputs: [[Int]], _ output: [Int], _ settings: LayerOp.Settings) {
            (images, channels, height, width) = (inputs[0][0], inputs[0][1], inputs[0][2], inputs[0][3])
            (kernels, kh, kw) = (inputs[1][0], inputs[1][2], inputs[1][3])
            (outHeight, outWidth) = (output[2], output[3])
            (stride, padding) = (settings.stride, settings.padding)
        }
    }

    /// Scratch: per group of images one patch matrix and one partial ∂K.
    static func workspace(_ inputs: [[Int]], _ output: [Int], _ threads: Int) -> Int {
        let g = Geometry(inputs, output, LayerOp.Settings())
        return g.groups * (g.patch * g.positions + g.kernels * g.patch)
    }

    /// Runs `body(group)` for every group of images, over the cores when `threads` > 1.
    private static func forEachGroup(_ groups: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
        if threads > 1 && groups > 1 {
            DispatchQueue.concurrentPerform(iterations: groups, execute: body)
        } else {
            for group in 0..<groups { body(group) }
        }
    }

    private static func imagesOf(_ group: Int, _ g: Geometry) -> Range<Int> {
        group * groupImages ..< min(g.images, (group + 1) * groupImages)
    }

    static func forward(_ call: LayerOp.KernelCall) {
        let g = Geometry(call.shapes, call.outputShape, call.settings)
        forEachGroup(g.groups, threads: call.threads) { group in
            let (x, k, b) = (call.inputs[0], call.inputs[1], call.inputs[2])
            let cols = call.scratch + group * g.patch * g.positions
            for n in imagesOf(group, g) {
                im2col(x + n * g.imageSize, g, into: cols)
                let out = call.output + n * g.kernels * g.positions
                for o in 0..<g.kernels {
                    let row = out + o * g.positions, bias = b[o]
                    for p in 0..<g.positions { row[p] = bias }
                }
                BLAS.gemm(k, transposeA: false, cols, transposeB: false, out, m: g.kernels, n: g.positions, k: g.patch, beta: 1)
            }
        }
    }

    /// ∂loss/∂x (0), ∂loss/∂k (1) or ∂loss/∂b (2) into `call.result`.
    static func gradient(_ call: LayerOp.KernelCall, _ which: Int) {
        let g = Geometry(call.shapes, call.outputShape, call.settings)
        let (upstream, result) = (call.upstream!, call.result!)
        switch which {
        case 0:
            forEachGroup(g.groups, threads: call.threads) { group in
                let (k, upstream, result) = (call.inputs[1], call.upstream!, call.result!)
                let cols = call.scratch + group * g.patch * g.positions
                for n in imagesOf(group, g) {
                    BLAS.gemm(k, transposeA: true, upstream + n * g.kernels * g.positions, transposeB: false, cols,
                              m: g.patch, n: g.positions, k: g.kernels)
                    col2im(cols, g, into: result + n * g.imageSize)
                }
            }
        case 1:
            let partials = call.scratch + g.groups * g.patch * g.positions
            let size = g.kernels * g.patch
            forEachGroup(g.groups, threads: call.threads) { group in
                let (x, upstream) = (call.inputs[0], call.upstream!)
                let cols = call.scratch + group * g.patch * g.positions
                let partial = call.scratch + g.groups * g.patch * g.positions + group * size
                partial.update(repeating: 0, count: size)
                for n in imagesOf(group, g) {
                    im2col(x + n * g.imageSize, g, into: cols)
                    BLAS.gemm(upstream + n * g.kernels * g.positions, transposeA: false, cols, transposeB: true, partial,
                              m: g.kernels, n: g.patch, k: g.positions, beta: 1)
                }
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

    /// One image's patches as a (C·KH·KW)×(Ho·Wo) matrix: row (c, u, v) holds, for every
    /// output position, the pixel its kernel entry meets there (0 in the padding).
    private static func im2col(_ image: UnsafePointer<Float>, _ g: Geometry, into cols: UnsafeMutablePointer<Float>) {
        var row = cols
        for c in 0..<g.channels {
            let plane = image + c * g.height * g.width
            for u in 0..<g.kh {
                for v in 0..<g.kw {
                    for i in 0..<g.outHeight {
                        let y = i * g.stride + u - g.padding
                        let out = row + i * g.outWidth
                        guard y >= 0, y < g.height else {
                            out.update(repeating: 0, count: g.outWidth)
                            continue
                        }
                        let line = plane + y * g.width
                        if g.stride == 1 {
                            // The columns whose pixel is inside the image: j + v − p in 0..<width.
                            let first = max(0, g.padding - v), last = min(g.outWidth, g.width + g.padding - v)
                            for j in 0..<min(first, g.outWidth) { out[j] = 0 }
                            if first < last { (out + first).update(from: line + first + v - g.padding, count: last - first) }
                            for j in min(max(first, last), g.outWidth)..<g.outWidth { out[j] = 0 }
                        } else {
                            for j in 0..<g.outWidth {
                                let xx = j * g.stride + v - g.padding
                                out[j] = xx >= 0 && xx < g.width ? line[xx] : 0
                            }
                        }
                    }
                    row += g.positions
                }
            }
        }
    }

    /// Adds the patch matrix's entries back into the pixels they came from (the image is overwritten).
    private static func col2im(_ cols: UnsafePointer<Float>, _ g: Geometry, into image: UnsafeMutablePointer<Float>) {
        image.update(repeating: 0, count: g.imageSize)
        var row = cols
        for c in 0..<g.channels {
            let plane = image + c * g.height * g.width
            for u in 0..<g.kh {
                for v in 0..<g.kw {
                    for i in 0..<g.outHeight {
                        let y = i * g.stride + u - g.padding
                        guard y >= 0, y < g.height else { continue }
                        let line = plane + y * g.width, source = row + i * g.outWidth
                        for j in 0..<g.outWidth {
                            let xx = j * g.stride + v - g.padding
                            if xx >= 0 && xx < g.width { line[xx] += source[j] }
                        }
                    }
                    row += g.positions
                }
            }
        }
    }

    // MARK: Pooling

    static func pool(_ call: LayerOp.KernelCall, isMaximum: Bool) {
        let x = call.inputs[0], xs = call.shapes[0], os = call.outputShape, size = call.settings.size
        let scale = 1 / Float(size * size)
        for plane in 0..<(os[0] * os[1]) {
            let input = x + plane * xs[2] * xs[3], output = call.output + plane * os[2] * os[3]
            for i in 0..<os[2] {
                for j in 0..<os[3] {
                    let corner = input + i * size * xs[3] + j * size
                    var best = corner[0], total: Float = 0
                    for u in 0..<size {
                        for v in 0..<size {
                            let value = corner[u * xs[3] + v]
                            if value > best { best = value }
                            total += value
                        }
                    }
                    output[i * os[3] + j] = isMaximum ? best : total * scale
                }
            }
        }
    }

    static func poolGradient(_ call: LayerOp.KernelCall, isMaximum: Bool) {
        let x = call.inputs[0], xs = call.shapes[0], os = call.outputShape, size = call.settings.size
        let upstream = call.upstream!, result = call.result!
        result.update(repeating: 0, count: xs.reduce(1, *))
        let scale = 1 / Float(size * size)
        for plane in 0..<(os[0] * os[1]) {
            let input = x + plane * xs[2] * xs[3], gradient = result + plane * xs[2] * xs[3]
            let g = upstream + plane * os[2] * os[3]
            for i in 0..<os[2] {
                for j in 0..<os[3] {
                    let offset = i * size * xs[3] + j * size
                    if isMaximum {
                        // The first largest value, scanning the window's rows, as the Float64 reference.
                        var best = offset
                        for u in 0..<size {
                            for v in 0..<size where input[offset + u * xs[3] + v] > input[best] { best = offset + u * xs[3] + v }
                        }
                        gradient[best] += g[i * os[3] + j]
                    } else {
                        for u in 0..<size { for v in 0..<size { gradient[offset + u * xs[3] + v] += g[i * os[3] + j] * scale } }
                    }
                }
            }
        }
    }
}
