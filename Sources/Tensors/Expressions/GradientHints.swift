/// Recognises plain patterns in a failed gradient check and says them in words.
///
/// Three kinds of hint, most specific first:
/// - a known wrong derivation (`Pattern`), e.g. the true-class term only: the formula equals
///   c × the pattern's values (least squares over the checked entries, residual ≤ 1e-6);
/// - a constant factor: the formula equals c × the numeric gradient (residual ≤ 1e-4),
///   named when c is −1 (opposite sign), ±N or ±1/N (a missing or extra 1/N), or 2, ½;
/// - zeros: the formula is exactly 0 where the numeric gradient is not.
public enum GradientHints {
    /// A known wrong derivation: what a formula with this mistake evaluates to.
    public struct Pattern: Sendable {
        /// Says what the mistake is, e.g. "keeps only the true-class term".
        public var description: String
        public var values: Tensor

        public init(description: String, values: Tensor) {
            self.description = description
            self.values = values
        }
    }

    /// Hints for `result` (whose analytic values are `analytic` in full), or none.
    /// `samples` is N, to recognise factors of N.
    public static func hints(for result: GradientCheck.Result, analytic: Tensor, patterns: [Pattern] = [],
                             samples: Double? = nil) -> [String] {
        guard !result.passed, !(result.relativeError <= result.tolerance) else { return [] }
        let compared = result.compared
        let a = compared.map(\.analytic), n = compared.map(\.numeric)
        guard a.allSatisfy(\.isFinite), n.allSatisfy(\.isFinite) else {
            return ["some values are nan or infinite: look for log(0), 0/0 or exp overflow (softmax computed without subtracting the maximum)"]
        }
        for pattern in patterns {
            let p = compared.map { pattern.values.data[$0.index] }
            if let (c, residual) = fit(a, to: p), residual <= 1e-6, abs(c) > 1e-12 {
                let factor = patternFactor(c, samples: samples).map { ", and \($0)" } ?? ""
                return ["the formula \(pattern.description)\(factor)"]
            }
        }
        if norm(a) == 0 {
            return ["the formula is 0 at every checked entry, but the numeric gradient is not"]
        }
        if let (c, residual) = fit(a, to: n), residual <= 1e-4, let factor = describeFactor(c, samples: samples) {
            return ["the formula is \(factor)"]
        }
        let zeros = compared.filter { $0.analytic == 0 && abs($0.numeric) > 1e-9 }.count
        let nonzero = compared.filter { abs($0.numeric) > 1e-9 }.count
        if zeros > 0, zeros * 5 >= nonzero {
            return ["the formula is exactly 0 at \(zeros) of the \(nonzero) checked entries where the numeric gradient is not: a term is missing"]
        }
        return []
    }

    /// The classic backpropagation slip: the error passed back through an activation (a
    /// definition `H = f(Z)` with `f` an elementwise function of the op table: `relu`, `tanh`,
    /// `sigmoid`, …) without multiplying by its derivative. One pattern per such definition:
    /// the gradient with that derivative taken as 1.
    public static func activationPatterns(of parameter: String, loss: ParsedExpression, after definitions: [ParsedExpression],
                                          in scope: ExpressionScope) -> [Pattern] {
        var patterns: [Pattern] = []
        for definition in definitions {
            guard case .call(let function, let arguments) = definition.root.kind, let op = ElementwiseOp.named(function),
                  let output = definition.binding, arguments.count == 1 else { continue }
            let input = definition.text(of: arguments[0].value.span)
            guard let values = try? ExpressionGradient.gradient(of: loss, after: definitions, withRespectTo: [parameter], in: scope,
                                                                passingThrough: [function]).gradients[parameter] else { continue }
            patterns.append(Pattern(
                description: "leaves out the derivative of \(function) in \(output) = \(function)(\(input)): the error coming back through \(output) must be multiplied by \(derivativeText(op, at: input)) before it reaches the layer below",
                values: values))
        }
        return patterns
    }

    /// The op table's derivative of `op` written at `input`: `x` becomes the input, `out` the
    /// call (`1 - out * out` of tanh at `Z1` → `(1 - tanh(Z1) * tanh(Z1))`).
    static func derivativeText(_ op: ElementwiseOp, at input: String) -> String {
        let argument = input.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } ? input : "(\(input))"
        var text = ""
        var word = ""
        func flush() {
            text += word == "x" ? argument : word == "out" ? "\(op.name)(\(input))" : word
            word = ""
        }
        for character in op.derivative {
            if character.isLetter || character.isNumber || character == "_" { word.append(character) } else { flush(); text.append(character) }
        }
        flush()
        return "(" + text + ")"
    }

    /// The least-squares factor c with a ≈ c·p, and the relative residual ‖a − c·p‖ / ‖a‖.
    static func fit(_ a: [Double], to p: [Double]) -> (Double, Double)? {
        var ap = 0.0, pp = 0.0
        for (x, y) in zip(a, p) { ap += x * y; pp += y * y }
        guard pp > 0 else { return nil }
        let c = ap / pp
        let residual = norm(zip(a, p).map { $0 - c * $1 })
        return (c, residual / max(norm(a), 1e-300))
    }

    /// Words for "c × the numeric gradient", or nil when c is 1.
    static func describeFactor(_ c: Double, samples: Double?) -> String? {
        func near(_ x: Double, _ target: Double) -> Bool { abs(x - target) <= 1e-3 * max(1, abs(target)) }
        if near(c, 1) { return nil }
        if near(c, -1) { return "−1 × the numeric gradient: the opposite sign (compare P − Y with Y − P)" }
        if let n = samples, n > 1 {
            let shown = n.formatted3
            if near(c, n) { return "N × the numeric gradient (N = \(shown)): the division by N of the mean loss is missing" }
            if near(c, -n) { return "−N × the numeric gradient (N = \(shown)): the opposite sign and a missing division by N" }
            if near(c * n, 1) { return "1/N × the numeric gradient (N = \(shown)): divided by N once too often" }
            if near(c * n, -1) { return "−1/N × the numeric gradient (N = \(shown)): the opposite sign and divided by N once too often" }
        }
        if near(c, 2) { return "2 × the numeric gradient: a factor 2 too large" }
        if near(c, 0.5) { return "½ × the numeric gradient: a factor 2 too small" }
        return "\(c.formatted3) × the numeric gradient at every entry: a constant factor is off"
    }

    /// Words for a factor c between the formula and a known mistake, or nil when c is 1.
    static func patternFactor(_ c: Double, samples: Double?) -> String? {
        func near(_ x: Double, _ target: Double) -> Bool { abs(x - target) <= 1e-3 * max(1, abs(target)) }
        if near(c, 1) { return nil }
        if near(c, -1) { return "it has the opposite sign (compare P − Y with Y − P)" }
        if let n = samples, n > 1 {
            if near(c, n) { return "the division by N is missing" }
            if near(c, -n) { return "it has the opposite sign and the division by N is missing" }
        }
        return "it is scaled by \(c.formatted3)"
    }

    static func norm(_ values: [Double]) -> Double {
        values.reduce(0) { $0 + $1 * $1 }.squareRoot()
    }

    /// The usual mistakes in the softmax-regression gradient for a parameter of `shape`
    /// (that of `W` or `b`), computed from `X`, `Y`, `N`, `W`, `b` in `scope`; empty when
    /// those are missing or the shape is neither.
    ///
    /// The true-class-only mistake multiplies the logit gradient P − Y by Y, which keeps
    /// only −(1 − P_y) at the target class and drops the P_i of every other class.
    public static func softmaxRegressionPatterns(shape: [Int], in scope: ExpressionScope) -> [Pattern] {
        guard let x = scope["X"], let y = scope["Y"], let n = scope["N"]?.scalar,
              let w = scope["W"], let b = scope["b"], x.rank == 2, y.rank == 2,
              w.shape == [x.cols, y.cols], b.shape == [y.cols],
              let logits = try? Tensor.zip(try Tensor.matmul(x, w), b, "+", +),
              let p = try? logits.softmax(),
              let residual = try? Tensor.zip(p, y, "-", -),
              let trueOnly = try? Tensor.zip(y, residual, "*", *) else { return [] }
        if shape == w.shape, let values = (try? Tensor.matmul(x.transposed, trueOnly))?.map({ $0 / n }) {
            return [Pattern(description: trueClassDescription("∂J/∂W_ij = (1/N) Σ (P_i - 1{i=y}) x_j"), values: values)]
        }
        if shape == b.shape, let values = (try? trueOnly.reduce(.sum, axis: 0))?.map({ $0 / n }) {
            return [Pattern(description: trueClassDescription("∂J/∂b_i = (1/N) Σ (P_i - 1{i=y})"), values: values)]
        }
        return []
    }

    /// The true-class-only mistake for the gradient with respect to the logits:
    /// Y * (P - Y) / N instead of (P - Y) / N.
    public static func logitPatterns(probabilities p: Tensor, onehot y: Tensor, samples n: Double) -> [Pattern] {
        guard let residual = try? Tensor.zip(p, y, "-", -), let trueOnly = try? Tensor.zip(y, residual, "*", *) else { return [] }
        return [Pattern(description: trueClassDescription("∂J/∂A_i = (1/N) (P_i - 1{i=y})"), values: trueOnly.map { $0 / n })]
    }

    /// The hint for the true-class-only mistake, quoting the right formula for the parameter at hand.
    static func trueClassDescription(_ rightFormula: String) -> String {
        "is zero wherever Y is 0: it keeps only the true-class term, Y * (P - Y), "
            + "while every class i contributes P_i - 1{i=y} (\(rightFormula))"
    }
}

extension Double {
    /// Three significant digits, without trailing noise: 0.0312, 32, 1.5e-07.
    var formatted3: String { TensorFormatter.significant(self, 3) }
}
