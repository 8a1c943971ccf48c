import Foundation

/// Writes a parsed expression as mathematics, in TeX for the math converter.
///
/// | expression | TeX | shown as |
/// | --- | --- | --- |
/// | `X.T` | `X^{\top}` | Xᵀ |
/// | `X @ W` | `X W` | juxtaposition |
/// | `Y * A` | `Y \odot A` (`2 A` when a side is a scalar) | elementwise product |
/// | `a / N` | `\frac{a}{N}` | fraction |
/// | `x ** 2`, `exp(x)` | `x^{2}`, `e^{x}` | powers |
/// | `log(P)`, `sqrt(x)`, `abs(x)` | `\ln P`, `\sqrt{x}`, `\left\|x\right\|` | |
/// | `sum(x, axis=1)`, `axis=0`, none | `\sum_{k} x`, `\sum_{n} x`, `\sum x` | k runs along a row, n over rows |
/// | `mean(x)`, `mean(x, axis=1)` | `\frac{1}{N} \sum_{n} x`, `\frac{1}{K} \sum_{k} x` | |
/// | `max(x, axis=1)`, `argmax(…)` | `\max_{k} x`, `\operatorname{argmax}_{k} x` | |
/// | `softmax(A)` | `\sigma(A)` | σ(A) |
/// | `x[i]`, `x[i, j]` | `x_{i}`, `x_{i,j}` | subscripts |
/// | `alpha`, `W2`, `logits` | `\alpha`, `W_{2}`, `\mathrm{logits}` | names |
///
/// `isScalar`, when given, says whether a subexpression is a single number, so that a
/// product with it is written as juxtaposition rather than ⊙.
public struct ExpressionTeX {
    public var isScalar: ((ExpressionNode) -> Bool)?

    public init(isScalar: ((ExpressionNode) -> Bool)? = nil) {
        self.isScalar = isScalar
    }

    /// The TeX of `expression` (without a `name =` binding).
    public func tex(_ expression: ParsedExpression) -> String {
        write(expression.root).tex
    }

    /// The TeX of a name: Greek letters spelled out become symbols, trailing digits a subscript.
    public static func name(_ name: String) -> String {
        if greek.contains(name) { return "\\" + name }
        if let underscore = name.firstIndex(of: "_"), underscore != name.startIndex {
            let base = String(name[..<underscore]), sub = String(name[name.index(after: underscore)...])
            return Self.name(base) + "_{" + (sub.isEmpty ? "" : Self.name(sub)) + "}"
        }
        let letters = name.prefix { !$0.isNumber }
        let digits = name.dropFirst(letters.count)
        if !digits.isEmpty, digits.allSatisfy(\.isNumber), !letters.isEmpty {
            return Self.name(String(letters)) + "_{" + digits + "}"
        }
        if name.count == 1 { return name }
        return "\\mathrm{" + name + "}"
    }

    static let greek: Set<String> = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
                                     "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi",
                                     "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Phi", "Psi", "Omega"]

    /// Binding strength of what was written: parentheses go around a weaker operand.
    private enum Level: Int, Comparable {
        case relation = 0, sum = 1, product = 2, prefix = 3, power = 4, atom = 5
        static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    private func write(_ node: ExpressionNode) -> (tex: String, level: Level) {
        switch node.kind {
        case .number(let value):
            return (Self.number(value), value < 0 ? .prefix : .atom)
        case .name(let name):
            return (Self.name(name), .atom)
        case .list(let elements):
            let rows: [String]
            if elements.allSatisfy({ if case .list = $0.kind { true } else { false } }) {
                rows = elements.map { row in
                    guard case .list(let items) = row.kind else { return "" }
                    return items.map { write($0).tex }.joined(separator: " & ")
                }
            } else {
                rows = [elements.map { write($0).tex }.joined(separator: " & ")]
            }
            return ("\\begin{bmatrix}" + rows.joined(separator: " \\\\ ") + "\\end{bmatrix}", .atom)
        case .negate(let operand):
            return ("-" + wrap(operand, below: .product), .prefix)
        case .binary(let op, let lhs, let rhs, _):
            return binary(op, write(lhs), lhs, rhs)
        case .chain(let first, let steps):
            // Left to right: the part already written is the left operand of the next step.
            var written = write(first)
            for (index, step) in steps.enumerated() {
                let left = index == 0 ? first
                    : ExpressionNode(.chain(first, Array(steps[..<index])), span: first.span.lowerBound..<step.operand.span.upperBound)
                written = binary(step.op, written, left, step.operand)
            }
            return written
        case .call(let name, let arguments):
            return call(name, arguments)
        case .postfix(let base, let steps):
            var written = write(base)
            for step in steps {
                switch step {
                case .member("T", _, _):
                    written = ((written.level < .atom ? Self.parenthesized(written.tex) : written.tex) + "^{\\top}", .power)
                case .member(let name, _, _):
                    written = (written.tex + ".\\mathrm{" + name + "}", .atom)
                case .index(let items, _, _):
                    let subscripts = items.map { item -> String in
                        switch item {
                        case .at(let node): return write(node).tex
                        case .range(let low, let high, _):
                            return (low.map { write($0).tex } ?? "") + "{:}" + (high.map { write($0).tex } ?? "")
                        }
                    }
                    written = ((written.level < .atom ? Self.parenthesized(written.tex) : written.tex) + "_{" + subscripts.joined(separator: ",") + "}", .power)
                }
            }
            return written
        }
    }

    private func wrap(_ node: ExpressionNode, below level: Level) -> String {
        let (tex, own) = write(node)
        return own < level ? Self.parenthesized(tex) : tex
    }

    /// Plain parentheses around flat TeX; growing ones around fractions, sums and matrices.
    static func parenthesized(_ tex: String) -> String {
        let tall = ["\\frac", "\\sum", "\\begin", "\\sqrt", "\\left", "\\max", "\\min"].contains { tex.contains($0) }
        return tall ? "\\left(" + tex + "\\right)" : "(" + tex + ")"
    }

    /// `lhs op rhs`, the left operand already written (`left` is its node, for the scalar test).
    private func binary(_ op: BinaryOperator, _ lhs: (tex: String, level: Level), _ left: ExpressionNode,
                        _ rhs: ExpressionNode) -> (tex: String, level: Level) {
        func wrapLeft(below level: Level) -> String { lhs.level < level ? Self.parenthesized(lhs.tex) : lhs.tex }
        switch op {
        case .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual:
            let symbol = [BinaryOperator.less: "<", .lessEqual: "\\le", .greater: ">", .greaterEqual: "\\ge",
                          .equal: "=", .notEqual: "\\ne"][op]!
            return (lhs.tex + " \(symbol) " + write(rhs).tex, .relation)
        case .add:
            return (wrapLeft(below: .sum) + " + " + wrapSummand(rhs), .sum)
        case .subtract:
            return (wrapLeft(below: .sum) + " - " + wrapSummand(rhs), .sum)
        case .multiply:
            let scalar = isNumber(left) || isNumber(rhs) || (isScalar?(left) ?? false) || (isScalar?(rhs) ?? false)
            if isNumber(left) && isNumber(rhs) {
                return (wrapLeft(below: .product) + " \\cdot " + wrap(rhs, below: .power), .product)
            }
            return (wrapLeft(below: .product) + (scalar ? " " : " \\odot ") + wrap(rhs, below: .power), .product)
        case .divide:
            return ("\\frac{" + lhs.tex + "}{" + write(rhs).tex + "}", .atom)
        case .matmul:
            return (wrapLeft(below: .product) + " " + wrap(rhs, below: .power), .product)
        case .power:
            return (wrapLeft(below: .atom) + "^{" + write(rhs).tex + "}", .power)
        }
    }

    /// The right operand of + or −: sums and negations in parentheses.
    private func wrapSummand(_ node: ExpressionNode) -> String {
        if case .negate = node.kind { return Self.parenthesized(write(node).tex) }
        return wrap(node, below: .product)
    }

    private func isNumber(_ node: ExpressionNode) -> Bool {
        if case .number = node.kind { return true }
        return false
    }

    private func call(_ name: String, _ arguments: [CallArgument]) -> (String, Level) {
        let positional = arguments.filter { $0.keyword == nil }.map(\.value)
        let axisNode = arguments.first { $0.keyword == "axis" }?.value
        var axis: Int?
        if let axisNode {
            if case .number(let value) = axisNode.kind { axis = Int(value) }
            if case .negate(let inner) = axisNode.kind, case .number(let value) = inner.kind { axis = -Int(value) }
        }
        guard let x = positional.first else { return ("\\operatorname{\(name)}()", .atom) }
        let index = axis.map { $0 == 0 ? "n" : "k" }
        if let op = ElementwiseOp.named(name) {
            switch op.tex {
            case .exponential: return ("e^{" + write(x).tex + "}", .power)
            case .prefix(let command): return (command + wrap(x, below: .power), .power)
            case let .enclosed(open, close): return (open + write(x).tex + close, .atom)
            case .named: return ("\\operatorname{\(name)}" + Self.parenthesized(write(x).tex), .atom)
            }
        }
        if let op = LayerOp.named(name) {
            let tensors = positional.prefix(op.tensors.count).map { wrap($0, below: .product) }
            var settings = LayerOp.Settings()
            if let size = positional.dropFirst(op.tensors.count).first, case .number(let value) = size.kind { settings.size = Int(value) }
            return (op.tex(tensors, settings), op.name == "conv2d" ? .sum : .atom)
        }
        switch name {
        case "sum":
            return ("\\sum_{" + (index ?? "") + "} " + wrap(x, below: .product), .product)
        case "mean":
            let count = axis == nil || axis == 0 ? "N" : "K"
            return ("\\frac{1}{\(count)} \\sum_{" + (index ?? "n") + "} " + wrap(x, below: .product), .product)
        case "max", "min":
            return ("\\\(name)" + (index.map { "_{\($0)}" } ?? "") + " " + wrap(x, below: .product), .product)
        case "argmax":
            return ("\\operatorname{argmax}" + (index.map { "_{\($0)}" } ?? "") + " " + wrap(x, below: .product), .product)
        case "softmax":
            return ("\\sigma" + Self.parenthesized(write(x).tex), .atom)
        case "logsumexp":
            return ("\\ln \\sum_{" + (index ?? "") + "} e^{" + write(x).tex + "}", .product)
        case "maximum", "minimum":
            let operator_ = name == "maximum" ? "\\max" : "\\min"
            return (operator_ + Self.parenthesized(positional.map { write($0).tex }.joined(separator: ", ")), .atom)
        case "onehot":
            return ("\\operatorname{onehot}" + Self.parenthesized(write(x).tex), .atom)
        case "inv":
            return (wrap(x, below: .atom) + "^{-1}", .power)
        case "solve" where positional.count == 2:
            return (wrap(x, below: .atom) + "^{-1} " + wrap(positional[1], below: .power), .product)
        default:
            return ("\\operatorname{\(name)}" + Self.parenthesized(positional.map { write($0).tex }.joined(separator: ", ")), .atom)
        }
    }

    /// `2`, `0.5`, `1e-05` → `2`, `0.5`, `10^{-5}`.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e6 { return String(Int(value)) }
        let text = NumberText.plain(value)
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            let mantissa = String(text[..<e]), exponent = Int(text[text.index(after: e)...]) ?? 0
            return (mantissa == "1" ? "" : mantissa + " \\times ") + "10^{\(exponent)}"
        }
        return text
    }
}
