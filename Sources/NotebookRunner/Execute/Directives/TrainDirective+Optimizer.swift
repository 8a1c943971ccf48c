import Foundation

/// `{train}`'s optimiser options: `:optimizer:` and the settings each method reads.
extension TrainDirective {
    static let optimizer = DirectiveOption<Optimizer.Method>.cases(
        "optimizer", default: .sgd, inherits: true,
        help: "How each step moves the parameters, as PyTorch's torch.optim defines it: sgd, momentum (SGD with momentum), nesterov, adam, adamw (Adam with decoupled weight decay) or rmsprop. Anything but sgd trains on the training engine; its state (moments, step count) continues with :from:.")
    static let momentum = DirectiveOption.number("momentum", .from(0, below: 1), default: 0.9, inherits: true,
                                                 help: "μ of momentum and nesterov: b ← μ·b + g, then θ ← θ − lr·b (nesterov: θ ← θ − lr·(g + μ·b)).")
    static let beta1 = DirectiveOption.number("beta1", .from(0, below: 1), default: 0.9, inherits: true,
                                              help: "β₁ of adam and adamw: the first moment m ← β₁·m + (1 − β₁)·g.")
    static let beta2 = DirectiveOption.number("beta2", .from(0, below: 1), default: 0.999, inherits: true,
                                              help: "β₂ of adam and adamw: the second moment v ← β₂·v + (1 − β₂)·g².")
    static let alpha = DirectiveOption.number("alpha", .from(0, below: 1), default: 0.99, inherits: true,
                                              help: "α of rmsprop (PyTorch's alpha): v ← α·v + (1 − α)·g².")
    static let epsilon = DirectiveOption.number("eps", .positive, default: 1e-8, inherits: true,
                                                help: "ε of adam, adamw and rmsprop, added to √v in the step's denominator.")

    static var optimizerDeclarations: [OptionDeclaration] {
        [optimizer.declaration, momentum.declaration, beta1.declaration, beta2.declaration, alpha.declaration, epsilon.declaration]
    }

    /// The methods that read each setting.
    private static let readers: [(option: String, methods: [Optimizer.Method])] = [
        (momentum.name, [.momentum, .nesterov]), (beta1.name, [.adam, .adamw]), (beta2.name, [.adam, .adamw]),
        (alpha.name, [.rmsprop]), (epsilon.name, [.adam, .adamw, .rmsprop]),
    ]

    /// The cell's optimiser; a setting the cell gives that its method does not read is an error
    /// (front matter may set any of them for the cells that read it).
    static func optimizer(_ options: OptionValues, cell: Cell) throws -> Optimizer {
        let method = try options.value(Self.optimizer)
        for (name, methods) in readers where !methods.contains(method) {
            guard let option = cell.option(name) else { continue }
            throw Diagnostic.error(":\(name): is a setting of \(methods.map(\.rawValue).joined(separator: ", ")), not of \(method.rawValue)",
                                   at: option.location,
                                   hint: "choose one with :optimizer: \(methods[0].rawValue), or remove :\(name):")
        }
        return Optimizer(method, momentum: try options.value(Self.momentum), beta1: try options.value(Self.beta1),
                         beta2: try options.value(Self.beta2), alpha: try options.value(Self.alpha),
                         epsilon: try options.value(Self.epsilon))
    }
}
