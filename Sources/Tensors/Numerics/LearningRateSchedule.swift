import Foundation

/// How the learning rate changes during training, as PyTorch's schedulers stepped once per
/// epoch define it, with lr the cell's `:lr:` and e the 1-based epoch of E in all:
///
/// - constant:                 lr
/// - step(K, F):               lr · F^⌊(e − 1)/K⌋                      (StepLR: step_size K, gamma F)
/// - exponential(G):           lr · G^(e − 1)                          (ExponentialLR)
/// - cosine:                   lr · (1 + cos(π (e − 1)/E)) / 2          (CosineAnnealingLR, T_max E)
/// - warmup(S) / warmup(S, R): lr · min(1, t/S) at step t (1-based, counted over the whole run),
///                             times schedule R (default constant) — linear warmup, then R
///
/// A cell continued with `:from:` starts its schedule again at its own first epoch and step.
public indirect enum LearningRateSchedule: Sendable, Hashable {
    case constant
    case step(epochs: Int, factor: Double)
    case exponential(gamma: Double)
    case cosine
    case warmup(steps: Int, then: LearningRateSchedule)

    /// The rate at step `step` (1-based, of the run) in epoch `epoch` (1-based) of `epochs`.
    public func rate(_ base: Double, step: Int, epoch: Int, epochs: Int) -> Double {
        switch self {
        case .constant: return base
        case let .step(every, factor): return base * pow(factor, Double((epoch - 1) / max(1, every)))
        case let .exponential(gamma): return base * pow(gamma, Double(epoch - 1))
        case .cosine: return base * (1 + cos(Double.pi * Double(epoch - 1) / Double(max(1, epochs)))) / 2
        case let .warmup(steps, then):
            return then.rate(base, step: step, epoch: epoch, epochs: epochs) * min(1, Double(step) / Double(max(1, steps)))
        }
    }

    /// The schedule as `:schedule:` writes it.
    public var text: String {
        switch self {
        case .constant: return "constant"
        case let .step(epochs, factor): return "step(\(epochs), \(Self.number(factor)))"
        case let .exponential(gamma): return "exponential(\(Self.number(gamma)))"
        case .cosine: return "cosine"
        case let .warmup(steps, .constant): return "warmup(\(steps))"
        case let .warmup(steps, then): return "warmup(\(steps), \(then.text))"
        }
    }

    private static func number(_ value: Double) -> String { String(format: "%g", value) }

    /// What went wrong reading a schedule, for the option's error.
    public struct ParseError: Error, Sendable {
        public var message: String
    }

    /// Reads `constant`, `step(K, F)`, `exponential(G)`, `cosine`, `warmup(S)` or `warmup(S, SCHEDULE)`.
    public static func parse(_ raw: String) throws -> LearningRateSchedule {
        let text = raw.trimmingCharacters(in: .whitespaces).lowercased()
        guard let open = text.firstIndex(of: "(") else {
            switch text {
            case "constant": return .constant
            case "cosine": return .cosine
            case "step", "exponential", "warmup": throw ParseError(message: "\(text) needs its arguments in parentheses")
            default: throw ParseError(message: "unknown schedule '\(raw.trimmingCharacters(in: .whitespaces))'")
            }
        }
        guard text.hasSuffix(")") else { throw ParseError(message: "a ')' must end '\(raw.trimmingCharacters(in: .whitespaces))'") }
        let name = text[..<open].trimmingCharacters(in: .whitespaces)
        let inside = String(text[text.index(after: open) ..< text.index(before: text.endIndex)])
        // Arguments split at top-level commas (warmup's second argument may have its own).
        var arguments: [String] = [], depth = 0, current = ""
        for character in inside {
            if character == "(" { depth += 1 } else if character == ")" { depth -= 1 }
            if character == ",", depth == 0 { arguments.append(current); current = "" } else { current.append(character) }
        }
        arguments.append(current)
        arguments = arguments.map { $0.trimmingCharacters(in: .whitespaces) }
        func count(_ index: Int, _ what: String) throws -> Int {
            guard let value = Int(arguments[index]), value >= 1, value <= Int(Int32.max) else {
                throw ParseError(message: "\(name)'s \(what) must be a whole number ≥ 1, got '\(arguments[index])'")
            }
            return value
        }
        func factor(_ index: Int, _ what: String) throws -> Double {
            guard let value = Double(arguments[index]), value > 0, value <= 1 else {
                throw ParseError(message: "\(name)'s \(what) must be a number > 0 and ≤ 1, got '\(arguments[index])'")
            }
            return value
        }
        switch (name, arguments.count) {
        case ("step", 2): return .step(epochs: try count(0, "number of epochs"), factor: try factor(1, "factor"))
        case ("exponential", 1): return .exponential(gamma: try factor(0, "gamma"))
        case ("warmup", 1): return .warmup(steps: try count(0, "number of steps"), then: .constant)
        case ("warmup", 2):
            let then = try parse(arguments[1])
            if case .warmup = then { throw ParseError(message: "warmup cannot follow warmup") }
            return .warmup(steps: try count(0, "number of steps"), then: then)
        case ("step", _), ("exponential", _), ("warmup", _):
            throw ParseError(message: "\(name) takes \(name == "step" ? "2 arguments" : name == "exponential" ? "1 argument" : "1 or 2 arguments"), got \(arguments.count)")
        default: throw ParseError(message: "unknown schedule '\(name)'")
        }
    }
}
