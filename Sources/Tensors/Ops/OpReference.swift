import Foundation

/// The table of docs/expressions.md that says where each function works, written from the
/// op table and the engine's list (`NBRUN_RECORD_DOCS=1 swift test --filter docs` rewrites it).
public enum OpReference {
    public static let docsBegin = "<!-- functions and where they work: written from the op table; NBRUN_RECORD_DOCS=1 swift test --filter docs rewrites it -->"
    public static let docsEnd = "<!-- end of the functions table -->"

    /// What the engine takes of a function it computes, when it is not all of it.
    static let engineLimits = [
        "softmax": "over rows (the last axis)",
        "sum": "whole, `axis=0`, `axis=1`, `keepdims=`",
        "mean": "whole, `axis=0`, `axis=1`, `keepdims=`",
        "reshape": "when the first axis stays the batch's rows, or on values that do not depend on them",
    ]

    /// The derivatives of the LAPACK functions (`ExpressionEvaluator+LinearAlgebra`).
    static let linearAlgebra = [
        "solve": "x = solve(A, b): ∂b = solve(A.T, G), ∂A = −∂b xᵀ",
        "inv": "X = inv(A): ∂A = −Xᵀ G Xᵀ",
        "lstsq": "none: an error where a derivative is taken (write solve(A.T @ A, A.T @ b))",
        "eye": "0 (a constant)",
        "rand": "0 (a constant once drawn)",
        "randn": "0 (a constant once drawn)",
    ]

    public static var markdown: String {
        var lines = ["| function | what it does | `{eval}` `{derive}` `{gradcheck}` (Float64) | `{model}` `{train}` (engine, Float32) | derivative |",
                     "|---|---|---|---|---|"]
        for function in ExpressionFunction.all {
            let call = "`\(function.name)(" + function.parameters.joined(separator: ", ") + ")`"
            let engine = GraphCompiler.functions.contains(function.name)
                ? "yes" + (engineLimits[function.name].map { ": " + $0 } ?? "") : "no"
            let derivative: String
            if let op = ElementwiseOp.named(function.name) {
                derivative = "`\(op.derivative)`"
            } else if let op = LayerOp.named(function.name) {
                derivative = op.derivative ?? (op.reshapes ? "the gradient in the input's shape" : "the op table's rule (`LayerOp`: Float64 `ImageReference`, engine `ConvolutionKernels`)")
            } else if ["argmax", "onehot"].contains(function.name) {
                derivative = "0 (piecewise constant)"
            } else if let rule = linearAlgebra[function.name] {
                derivative = rule
            } else {
                derivative = "built in (`GradientRules`, `GraphGradient`)"
            }
            let meaning = ElementwiseOp.named(function.name).map { "\($0.meaning); \($0.edges)" }
                ?? LayerOp.named(function.name)?.meaning ?? function.usage
            lines.append("| \(call) | \(meaning.replacingOccurrences(of: "|", with: "\\|")) | yes | \(engine) | \(derivative) |")
        }
        return lines.joined(separator: "\n")
    }
}
