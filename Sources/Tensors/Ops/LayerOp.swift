import Foundation

/// An operation on whole tensors — convolution, pooling, reshaping — declared once: its
/// arguments, shape rule, Float64 value and gradient (for `{eval}`, `{derive}`,
/// `{gradcheck}`), the training engine's Float32 kernels (forward and the gradient of each
/// input), the scratch memory those take, how a call is typeset and the docs line.
///
/// Images are N×C×H×W (rows of the batch first). The Float64 side is written as the sums
/// of the definitions (`ImageReference`); the engine's kernels are chosen for speed
/// (`ConvolutionKernels`: im2col and `sgemm`, the batch's images over the cores), so a test
/// comparing the two compares two implementations. A new op is one entry of `all` plus its kernels.
public struct LayerOp: Sendable, Hashable {
    /// Whole numbers an op reads when it is called and the engine fixes when it compiles.
    public struct Settings: Sendable, Hashable {
        /// A pooling window's side (`maxpool(x, 2)`).
        public var size = 0
        public var stride = 1
        public var padding = 0
        /// `reshape`'s target, one size may be -1 (the rest of the entries).
        public var shape: [Int] = []
        /// `dropout`'s probability of zeroing an entry.
        public var rate = 0.0
        /// Where the call is in the model (its line and column), so two dropouts draw different masks.
        public var site = 0
        /// The training step's random numbers (nil: evaluating, where a dropout is the identity);
        /// the engine sets them for each run, the interpreter from its scope.
        public var noise: TrainingNoise?
        /// `batchnorm`: normalise with the batch's statistics (training, or no running ones
        /// known) rather than the running statistics; the engine sets it for each run.
        public var batchStatistics = true

        public init() {}
    }

    /// What a Float32 kernel reads and writes: the op's inputs, its value, and for a
    /// gradient the upstream gradient and where the input's gradient goes.
    struct KernelCall: @unchecked Sendable {
        var inputs: [UnsafePointer<Float>]
        var shapes: [[Int]]
        var output: UnsafeMutablePointer<Float>
        var outputShape: [Int]
        var settings: Settings
        /// `workspace` floats of scratch, for any use during the call.
        var scratch: UnsafeMutablePointer<Float>
        /// How many threads the kernel may use.
        var threads: Int
        /// For a gradient: ∂loss/∂value (`outputShape`), and the buffer for ∂loss/∂input.
        var upstream: UnsafePointer<Float>? = nil
        var result: UnsafeMutablePointer<Float>? = nil
    }

    public var name: String
    /// Tensor arguments, in order.
    public var tensors: [String]
    /// Whole-number arguments after the tensors, positional (`maxpool(x, 2)`) or a shape (`reshape(x, [-1, 400])`).
    public var constants: [String]
    /// Keyword-only whole numbers with their defaults (`stride=1`, `padding=0`).
    public var options: [String]
    public var usage: String
    /// What it computes, for the docs table.
    public var meaning: String
    /// The result's shape for the inputs' shapes, or what is wrong with them.
    var shape: @Sendable (_ inputs: [[Int]], _ settings: Settings) throws -> [Int]
    /// The value in Float64.
    var value: @Sendable (_ inputs: [Tensor], _ settings: Settings, _ shape: [Int]) -> Tensor
    /// The gradient of each tensor argument in Float64, from the upstream gradient `g`.
    var gradient: @Sendable (_ g: Tensor, _ inputs: [Tensor], _ settings: Settings) -> [Tensor]
    /// The engine's forward kernel: `call.output` from `call.inputs`.
    var kernel: @Sendable (KernelCall) -> Void
    /// The engine's gradient of input `which` into `call.result`.
    var kernelGradient: @Sendable (_ call: KernelCall, _ which: Int) -> Void
    /// Floats of scratch the kernels need for these shapes (0: none).
    var workspace: @Sendable (_ inputs: [[Int]], _ output: [Int], _ threads: Int) -> Int
    /// How a call is typeset, from its tensor arguments' TeX.
    var tex: @Sendable (_ arguments: [String], _ settings: Settings) -> String
    /// Whether it only changes the shape (the values stay in order).
    public var reshapes: Bool
    /// Whether it draws from the training step's random numbers (`dropout`): its input must be
    /// computed row by row, so each data row gets its own mask in a batch and in chunks of it.
    public var random = false
    /// Values the op reads after its tensor arguments that the model keeps rather than the
    /// caller writes (`batchnorm`'s running mean and variance, named by the statement binding it).
    public var state: [String] = []
    /// How its derivative is computed, for the docs' table (nil: by the op table's convolution rules).
    public var derivative: String? = nil

    public static func == (a: LayerOp, b: LayerOp) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    public static func named(_ name: String) -> LayerOp? { all.first { $0.name == name } }

    /// The function of the expression language that calls it.
    var function: ExpressionFunction {
        ExpressionFunction(name: name, parameters: tensors + constants, options: options, usage: usage)
    }

    /// Every op, in the order the docs list them.
    public static let all: [LayerOp] = [conv2d, maxpool, avgpool, flatten, reshape, images, dropout, layernorm, batchnorm]

    static let conv2d = LayerOp(
        name: "conv2d", tensors: ["x", "k", "b"], constants: [], options: ["stride", "padding"],
        usage: "conv2d(x, k, b, stride=1, padding=0): images x (N×C×H×W) convolved with kernels k (OUT×C×KH×KW), plus the bias b (OUT)",
        meaning: "the convolution of images x (N×C×H×W) with kernels k (OUT×C×KH×KW) plus a bias b (OUT): out[n,o,i,j] = b[o] + Σ_c,u,v k[o,c,u,v]·x[n,c,i·s+u−p,j·s+v−p], zeros outside the image; `stride=` s, `padding=` p",
        shape: { shapes, settings in
            let (x, k, b) = (shapes[0], shapes[1], shapes[2])
            guard x.count == 4 else { throw ShapeError("conv2d takes images N×C×H×W, got \(Tensor.describe(x))", hint: "images(X) turns rows of pixels into N×1×H×W") }
            guard k.count == 4, k[1] == x[1] else {
                throw ShapeError("conv2d's kernels are OUT×C×KH×KW with C = \(x[1]) (the images' channels), got \(Tensor.describe(k))",
                                 hint: "e.g. param K: 6×\(x[1])×5×5 uniform(0.2)")
            }
            guard b.count == 1, b[0] == k[0] else {
                throw ShapeError("conv2d's bias has one entry per kernel (\(k[0])), got \(Tensor.describe(b))", hint: "e.g. param c: \(k[0]) zeros")
            }
            guard settings.stride >= 1, settings.padding >= 0 else { throw ShapeError("conv2d needs stride ≥ 1 and padding ≥ 0") }
            let h = (x[2] + 2 * settings.padding - k[2]), w = (x[3] + 2 * settings.padding - k[3])
            guard h >= 0, w >= 0 else {
                throw ShapeError("conv2d: a \(k[2])×\(k[3]) kernel does not fit in \(x[2])×\(x[3]) images with padding \(settings.padding)")
            }
            return [x[0], k[0], h / settings.stride + 1, w / settings.stride + 1]
        },
        value: { inputs, settings, shape in ImageReference.convolve(inputs[0], inputs[1], inputs[2], settings, shape) },
        gradient: { g, inputs, settings in ImageReference.convolutionGradients(g, inputs[0], inputs[1], settings) },
        kernel: { ConvolutionKernels.forward($0) },
        kernelGradient: { call, which in ConvolutionKernels.gradient(call, which) },
        workspace: { inputs, output, threads in ConvolutionKernels.workspace(inputs, output, threads) },
        tex: { arguments, _ in arguments[0] + " \\ast " + arguments[1] + " + " + arguments[2] },
        reshapes: false)

    static let maxpool = pooling("maxpool", "the largest value of each size×size window of images (N×C×H×W), windows side by side (stride = size)", isMaximum: true)
    static let avgpool = pooling("avgpool", "the mean of each size×size window of images (N×C×H×W), windows side by side (stride = size)", isMaximum: false)

    private static func pooling(_ name: String, _ meaning: String, isMaximum: Bool) -> LayerOp {
        LayerOp(
            name: name, tensors: ["x"], constants: ["size"], options: [],
            usage: "\(name)(x, 2) takes the \(isMaximum ? "largest value" : "mean") of each 2×2 window of images x (N×C×H×W)",
            meaning: meaning + (isMaximum ? "; its gradient goes to the first largest value of a window" : ""),
            shape: { shapes, settings in
                let x = shapes[0], size = settings.size
                guard x.count == 4 else { throw ShapeError("\(name) takes images N×C×H×W, got \(Tensor.describe(x))", hint: "images(X) turns rows of pixels into N×1×H×W") }
                guard size >= 1, size <= x[2], size <= x[3] else {
                    throw ShapeError("\(name): a window of \(size)×\(size) does not fit in \(x[2])×\(x[3]) images", hint: "the window's side is 1 or more, at most the image's")
                }
                return [x[0], x[1], x[2] / size, x[3] / size]
            },
            value: { inputs, settings, shape in ImageReference.pool(inputs[0], settings.size, shape, isMaximum: isMaximum) },
            gradient: { g, inputs, settings in [ImageReference.poolGradient(g, inputs[0], settings.size, isMaximum: isMaximum)] },
            kernel: { ConvolutionKernels.pool($0, isMaximum: isMaximum) },
            kernelGradient: { call, _ in ConvolutionKernels.poolGradient(call, isMaximum: isMaximum) },
            workspace: { _, _, _ in 0 },
            tex: { arguments, settings in "\\operatorname{\(name)}_{\(settings.size)}\\left(" + arguments[0] + "\\right)" },
            reshapes: false)
    }

    static let flatten = reshaping(
        "flatten", constants: [], usage: "flatten(x) makes each row (image) of x one row: N×C×H×W → N×(C·H·W)",
        meaning: "each row of x as one row: N×C×H×W → N×(C·H·W)") { x, _ in
            guard x.count >= 2 else { throw ShapeError("flatten keeps the first axis (the rows): it takes a matrix or images, got \(Tensor.describe(x))") }
            return [x[0], x.dropFirst().reduce(1, *)]
        }

    static let reshape = reshaping(
        "reshape", constants: ["shape"], usage: "reshape(x, [-1, 1, 28, 28]) gives x that shape (one size may be -1: the rest)",
        meaning: "the same values in another shape, `reshape(x, [-1, 1, 28, 28])` (one size -1: what is left); in a model the first axis stays the rows") { x, settings in
            let target = settings.shape, total = x.reduce(1, *)
            guard (1...Tensor.maxRank).contains(target.count), target.allSatisfy({ $0 >= 1 || $0 == -1 }), target.filter({ $0 == -1 }).count <= 1 else {
                throw ShapeError("reshape takes a shape of 1 to \(Tensor.maxRank) sizes, each ≥ 1 or one -1, got \(target)")
            }
            let known = target.filter { $0 != -1 }.reduce(1, *)
            guard known > 0, total % known == 0, target.contains(-1) || known == total else {
                throw ShapeError("reshape: \(Tensor.describe(x)) holds \(total) values, which \(target) cannot hold")
            }
            return target.map { $0 == -1 ? total / known : $0 }
        }

    static let images = reshaping(
        "images", constants: [], usage: "images(X) turns rows of N×784 pixels into images N×1×28×28 (square, one channel)",
        meaning: "rows of square one-channel images as images: N×(S·S) → N×1×S×S") { x, _ in
            let side = x.count == 2 ? Int(Double(x[1]).squareRoot().rounded()) : 0
            guard x.count == 2, side * side == x[1] else {
                throw ShapeError("images takes rows of square images N×(S·S), got \(Tensor.describe(x))", hint: "reshape(x, [-1, C, H, W]) for other images")
            }
            return [x[0], 1, side, side]
        }

    private static func reshaping(_ name: String, constants: [String], usage: String, meaning: String,
                                  shape: @escaping @Sendable ([Int], Settings) throws -> [Int]) -> LayerOp {
        LayerOp(
            name: name, tensors: ["x"], constants: constants, options: [], usage: usage, meaning: meaning,
            shape: { shapes, settings in try shape(shapes[0], settings) },
            value: { inputs, _, shape in Tensor(shape: shape, data: inputs[0].data) },
            gradient: { g, inputs, _ in [Tensor(shape: inputs[0].shape, data: g.data)] },
            kernel: { call in call.output.update(from: call.inputs[0], count: call.outputShape.reduce(1, *)) },
            kernelGradient: { call, _ in call.result!.update(from: call.upstream!, count: call.outputShape.reduce(1, *)) },
            workspace: { _, _, _ in 0 },
            tex: { arguments, _ in "\\operatorname{\(name)}\\left(" + arguments[0] + "\\right)" },
            reshapes: true)
    }

    /// Inverted dropout: while training, each entry is zeroed with probability p and the rest
    /// are scaled by 1/(1 − p), so the expected value is unchanged; elsewhere it is the identity.
    static let dropout = LayerOp(
        name: "dropout", tensors: ["x"], constants: ["p"], options: [],
        usage: "dropout(x, 0.5) zeroes each entry of x with probability 0.5 while training, scaling the rest by 1/(1 − 0.5); the identity when evaluating",
        meaning: "inverted dropout: while `{train}` steps, each entry of x is 0 with probability p and x/(1 − p) otherwise, the mask drawn from the training seed, the step and the data row; the identity in `{evaluate}`, test and validation accuracy, `{eval}`, `{derive}` and `{gradcheck}`",
        shape: { shapes, settings in
            guard settings.rate >= 0, settings.rate < 1 else {
                throw ShapeError("dropout's p is the probability of zeroing an entry, at least 0 and below 1; got \(settings.rate)", hint: "e.g. dropout(H, 0.5)")
            }
            return shapes[0]
        },
        value: { inputs, settings, shape in
            guard let noise = settings.noise, settings.rate > 0 else { return inputs[0] }
            let scale = 1 / (1 - settings.rate)
            var out = inputs[0]
            noise.forEachEntry(shape, site: settings.site, rate: settings.rate) { i, kept in out.data[i] = kept ? out.data[i] * scale : 0 }
            return out
        },
        gradient: { g, inputs, settings in
            guard let noise = settings.noise, settings.rate > 0 else { return [g] }
            let scale = 1 / (1 - settings.rate)
            var out = g
            noise.forEachEntry(g.shape, site: settings.site, rate: settings.rate) { i, kept in out.data[i] = kept ? out.data[i] * scale : 0 }
            return [out]
        },
        kernel: { call in dropoutKernel(call, source: call.inputs[0], into: call.output) },
        kernelGradient: { call, _ in dropoutKernel(call, source: call.upstream!, into: call.result!) },
        workspace: { _, _, _ in 0 },
        tex: { arguments, _ in "\\operatorname{dropout}\\left(" + arguments[0] + "\\right)" },
        reshapes: false, random: true,
        derivative: "the same mask times the upstream gradient, scaled by 1/(1 − p)")

    /// `source` through the call's dropout mask into `target` (a copy when there is no noise).
    private static func dropoutKernel(_ call: KernelCall, source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>) {
        let count = call.outputShape.reduce(1, *)
        guard let noise = call.settings.noise, call.settings.rate > 0 else {
            target.update(from: source, count: count)
            return
        }
        let scale = Float(1 / (1 - call.settings.rate))
        noise.forEachEntry(call.outputShape, site: call.settings.site, rate: call.settings.rate) { i, kept in
            target[i] = kept ? source[i] * scale : 0
        }
    }

    /// Layer normalisation: each row scaled to mean 0 and variance 1, then by g and shifted by b;
    /// the same in training and evaluation (it uses no statistic of the batch).
    static let layernorm = LayerOp(
        name: "layernorm", tensors: ["x", "g", "b"], constants: [], options: [],
        usage: "layernorm(x, g, b): each row of x (N×D) normalised to mean 0 and variance 1, times g (D) plus b (D)",
        meaning: "layer normalisation: each row of x (N×D) as (x − mean)/√(var + 10⁻⁵) over the row, times g (D) plus b (D), as PyTorch's LayerNorm; the same while training and evaluating",
        shape: { shapes, _ in
            let (x, g, b) = (shapes[0], shapes[1], shapes[2])
            guard x.count == 2 else { throw ShapeError("layernorm takes rows N×D, got \(Tensor.describe(x))", hint: "flatten(x) turns images into rows") }
            guard g == [x[1]], b == [x[1]] else {
                throw ShapeError("layernorm's g and b have one entry per column (\(x[1])), got \(Tensor.describe(g)) and \(Tensor.describe(b))",
                                 hint: "e.g. param g: \(x[1]) constant(1) and param c: \(x[1]) zeros")
            }
            return x
        },
        value: { inputs, _, shape in
            var out = [Double](repeating: 0, count: inputs[0].count)
            inputs[0].data.withUnsafeBufferPointer { x in inputs[1].data.withUnsafeBufferPointer { g in inputs[2].data.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { o in
                    LayerNormalization.forward(x.baseAddress!, g.baseAddress!, b.baseAddress!, into: o.baseAddress!, rows: shape[0], width: shape[1])
                }
            } } }
            return Tensor(shape: shape, data: out)
        },
        gradient: { u, inputs, _ in
            (0..<3).map { which in
                var out = [Double](repeating: 0, count: inputs[which].count)
                inputs[0].data.withUnsafeBufferPointer { x in inputs[1].data.withUnsafeBufferPointer { g in u.data.withUnsafeBufferPointer { up in
                    out.withUnsafeMutableBufferPointer { o in
                        LayerNormalization.gradient(which, x.baseAddress!, g.baseAddress!, upstream: up.baseAddress!, into: o.baseAddress!,
                                                    rows: u.shape[0], width: u.shape[1])
                    }
                } } }
                return Tensor(shape: inputs[which].shape, data: out)
            }
        },
        kernel: { call in
            LayerNormalization.forward(call.inputs[0], call.inputs[1], call.inputs[2], into: call.output,
                                       rows: call.outputShape[0], width: call.outputShape[1])
        },
        kernelGradient: { call, which in
            LayerNormalization.gradient(which, call.inputs[0], call.inputs[1], upstream: call.upstream!, into: call.result!,
                                        rows: call.outputShape[0], width: call.outputShape[1])
        },
        workspace: { _, _, _ in 0 },
        tex: { arguments, _ in "\\operatorname{LN}\\left(" + arguments[0] + "\\right) \\odot " + arguments[1] + " + " + arguments[2] },
        reshapes: false,
        derivative: "∂g = Σ u ⊙ x̂, ∂b = Σ u, ∂x = (d − mean d − x̂ mean(d ⊙ x̂)) / √(var + ε) with d = u ⊙ g, row by row (`LayerNormalization`, one generic code for Float64 and Float32)")

    /// Batch normalisation (`BatchNormalization`): each column normalised with the batch's
    /// statistics while training, with the running statistics the training kept when evaluating.
    static let batchnorm = LayerOp(
        name: "batchnorm", tensors: ["x", "gamma", "beta"], constants: [], options: [],
        usage: "batchnorm(x, gamma, beta): each column of x (N×D) normalised by the batch's mean and variance while training (the running ones when evaluating), times gamma (D) plus beta (D)",
        meaning: "batch normalisation, as PyTorch's BatchNorm1d: each column of x (N×D) as (x − mean)/√(var + 10⁻⁵), times gamma (D) plus beta (D); while `{train}` steps, the batch's mean and variance (over N), and each step moves the running mean and variance 0.1 of the way to the batch's (its variance over N − 1); in `{evaluate}`, test and validation accuracy, `{show}` and `{eval} :model:` the running statistics. In a `{model}`, gamma is a parameter of D entries and the statement binding the call names the running statistics (`H.running_mean`, `H.running_var`, starting at 0 and 1); outside a model, the batch's statistics",
        shape: { shapes, _ in
            let (x, g, b) = (shapes[0], shapes[1], shapes[2])
            guard x.count == 2 else { throw ShapeError("batchnorm takes rows N×D, got \(Tensor.describe(x))", hint: "flatten(x) turns images into rows") }
            guard g == [x[1]], b == [x[1]] else {
                throw ShapeError("batchnorm's gamma and beta have one entry per column (\(x[1])), got \(Tensor.describe(g)) and \(Tensor.describe(b))",
                                 hint: "e.g. param g: \(x[1]) constant(1) and param c: \(x[1]) zeros")
            }
            guard shapes.count < 5 || (shapes[3] == [x[1]] && shapes[4] == [x[1]]) else {
                throw ShapeError("batchnorm's running mean and variance have one entry per column (\(x[1])), got \(Tensor.describe(shapes[3])) and \(Tensor.describe(shapes[4]))",
                                 hint: "gamma's parameter fixes their width: declare it with \(x[1]) entries")
            }
            return x
        },
        value: { inputs, settings, shape in
            var out = [Double](repeating: 0, count: inputs[0].count)
            let (mean, variance) = runningStatistics(inputs, settings)
            inputs[0].data.withUnsafeBufferPointer { x in inputs[1].data.withUnsafeBufferPointer { g in inputs[2].data.withUnsafeBufferPointer { b in
                mean.withUnsafeBufferPointer { m in variance.withUnsafeBufferPointer { v in out.withUnsafeMutableBufferPointer { o in
                    BatchNormalization.forward(x.baseAddress!, g.baseAddress!, b.baseAddress!, mean: m.baseAddress!, variance: v.baseAddress!,
                                               batch: settings.batchStatistics, into: o.baseAddress!, rows: shape[0], width: shape[1])
                } } }
            } } }
            return Tensor(shape: shape, data: out)
        },
        gradient: { u, inputs, settings in
            let (mean, variance) = runningStatistics(inputs, settings)
            return (0..<3).map { which in
                var out = [Double](repeating: 0, count: inputs[which].count)
                inputs[0].data.withUnsafeBufferPointer { x in inputs[1].data.withUnsafeBufferPointer { g in u.data.withUnsafeBufferPointer { up in
                    mean.withUnsafeBufferPointer { m in variance.withUnsafeBufferPointer { v in out.withUnsafeMutableBufferPointer { o in
                        BatchNormalization.gradient(which, x.baseAddress!, g.baseAddress!, mean: m.baseAddress!, variance: v.baseAddress!,
                                                    batch: settings.batchStatistics, upstream: up.baseAddress!, into: o.baseAddress!,
                                                    rows: u.shape[0], width: u.shape[1])
                    } } }
                } } }
                return Tensor(shape: inputs[which].shape, data: out)
            }
        },
        kernel: { call in
            BatchNormalization.forward(call.inputs[0], call.inputs[1], call.inputs[2], mean: call.inputs[3], variance: call.inputs[4],
                                       batch: call.settings.batchStatistics, into: call.output,
                                       rows: call.outputShape[0], width: call.outputShape[1])
        },
        kernelGradient: { call, which in
            BatchNormalization.gradient(which, call.inputs[0], call.inputs[1], mean: call.inputs[3], variance: call.inputs[4],
                                        batch: call.settings.batchStatistics, upstream: call.upstream!, into: call.result!,
                                        rows: call.outputShape[0], width: call.outputShape[1])
        },
        workspace: { _, _, _ in 0 },
        tex: { arguments, _ in "\\operatorname{BN}\\left(" + arguments[0] + "\\right) \\odot " + arguments[1] + " + " + arguments[2] },
        reshapes: false, state: ["running_mean", "running_var"],
        derivative: "∂gamma = Σ u ⊙ x̂, ∂beta = Σ u, ∂x = gamma (u − mean u − x̂ mean(u ⊙ x̂)) / √(var + ε) with the means over the rows, column by column; with running statistics ∂x = gamma u / √(var + ε) (`BatchNormalization`, one generic code for Float64 and Float32)")

    /// `batchnorm`'s running mean and variance among `inputs`, or placeholders when it uses the batch's.
    private static func runningStatistics(_ inputs: [Tensor], _ settings: Settings) -> (mean: [Double], variance: [Double]) {
        guard inputs.count == 5, !settings.batchStatistics else {
            let width = inputs[1].count
            return ([Double](repeating: 0, count: width), [Double](repeating: 1, count: width))
        }
        return (inputs[3].data, inputs[4].data)
    }
}
