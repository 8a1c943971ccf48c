/// The Float64 values and gradients of convolution and pooling, written as the sums of
/// their definitions (direct loops, nothing clever): what `{eval}`, `{derive}` and
/// `{gradcheck}` compute, and the reference the engine's kernels are tested against.
enum ImageReference {
    /// out[n,o,i,j] = b[o] + Σ_c,u,v k[o,c,u,v] · x[n,c,i·s+u−p,j·s+v−p] (zero outside x).
    static func convolve(_ x: Tensor, _ k: Tensor, _ b: Tensor, _ settings: LayerOp.Settings, _ shape: [Int]) -> Tensor {
        var out = [Double](repeating: 0, count: shape.reduce(1, *))
        forEachTerm(x.shape, k.shape, shape, settings) { outIndex, xIndex, kIndex, o in
            if kIndex < 0 { out[outIndex] += b.data[o] } else { out[outIndex] += k.data[kIndex] * x.data[xIndex] }
        }
        return Tensor(shape: shape, data: out)
    }

    /// ∂/∂x, ∂/∂k, ∂/∂b of the convolution, from the upstream gradient `g`.
    static func convolutionGradients(_ g: Tensor, _ x: Tensor, _ k: Tensor, _ settings: LayerOp.Settings) -> [Tensor] {
        var dx = [Double](repeating: 0, count: x.count), dk = [Double](repeating: 0, count: k.count)
        var db = [Double](repeating: 0, count: k.shape[0])
        forEachTerm(x.shape, k.shape, g.shape, settings) { outIndex, xIndex, kIndex, o in
            let upstream = g.data[outIndex]
            if kIndex < 0 {
                db[o] += upstream
            } else {
                dx[xIndex] += upstream * k.data[kIndex]
                dk[kIndex] += upstream * x.data[xIndex]
            }
        }
        return [Tensor(shape: x.shape, data: dx), Tensor(shape: k.shape, data: dk), Tensor(shape: [k.shape[0]], data: db)]
    }

    /// Calls `body(out, x, k, o)` for every term of the sum: each product k·x inside the
    /// image, and once per output entry the bias (k = −1).
    private static func forEachTerm(_ xs: [Int], _ ks: [Int], _ os: [Int], _ settings: LayerOp.Settings,
                                    _ body: (_ out: Int, _ x: Int, _ k: Int, _ o: Int) -> Void) {
        let (channels, height, width) = (xs[1], xs[2], xs[3])
        let (kh, kw) = (ks[2], ks[3])
        for n in 0..<os[0] {
            for o in 0..<os[1] {
                for i in 0..<os[2] {
                    for j in 0..<os[3] {
                        let outIndex = ((n * os[1] + o) * os[2] + i) * os[3] + j
                        body(outIndex, 0, -1, o)
                        for c in 0..<channels {
                            for u in 0..<kh {
                                let row = i * settings.stride + u - settings.padding
                                guard row >= 0, row < height else { continue }
                                for v in 0..<kw {
                                    let col = j * settings.stride + v - settings.padding
                                    guard col >= 0, col < width else { continue }
                                    body(outIndex, ((n * channels + c) * height + row) * width + col, ((o * channels + c) * kh + u) * kw + v, o)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The maximum (the first one, scanning rows) or the mean of each size×size window.
    static func pool(_ x: Tensor, _ size: Int, _ shape: [Int], isMaximum: Bool) -> Tensor {
        var out = [Double](repeating: 0, count: shape.reduce(1, *))
        forEachWindow(x.shape, size, shape) { outIndex, window in
            out[outIndex] = isMaximum ? x.data[window[firstMaximum(x, window)]]
                : window.reduce(0) { $0 + x.data[$1] } / Double(window.count)
        }
        return Tensor(shape: shape, data: out)
    }

    /// The upstream gradient of each window goes to its first maximum, or is shared by its entries.
    static func poolGradient(_ g: Tensor, _ x: Tensor, _ size: Int, isMaximum: Bool) -> Tensor {
        var dx = [Double](repeating: 0, count: x.count)
        forEachWindow(x.shape, size, g.shape) { outIndex, window in
            if isMaximum {
                dx[window[firstMaximum(x, window)]] += g.data[outIndex]
            } else {
                for index in window { dx[index] += g.data[outIndex] / Double(window.count) }
            }
        }
        return Tensor(shape: x.shape, data: dx)
    }

    private static func firstMaximum(_ x: Tensor, _ window: [Int]) -> Int {
        var best = 0
        for t in 1..<window.count where x.data[window[t]] > x.data[window[best]] { best = t }
        return best
    }

    private static func forEachWindow(_ xs: [Int], _ size: Int, _ os: [Int], _ body: (_ out: Int, _ window: [Int]) -> Void) {
        for plane in 0..<(os[0] * os[1]) {
            for i in 0..<os[2] {
                for j in 0..<os[3] {
                    var window: [Int] = []
                    for u in 0..<size {
                        for v in 0..<size { window.append((plane * xs[2] + i * size + u) * xs[3] + j * size + v) }
                    }
                    body((plane * os[2] + i) * os[3] + j, window)
                }
            }
        }
    }
}
