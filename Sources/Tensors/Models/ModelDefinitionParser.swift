import Foundation

/// Reads a `{model}` cell's body into a `ModelDefinition` (grammar in its doc comment).
/// Every error points at the line and column it is about.
public enum ModelDefinitionParser {
    public static func parse(_ lines: [SourceLine], at location: SourceLocation) throws -> ModelDefinition {
        var parameters: [ModelDefinition.Parameter] = []
        var before: [SourceLine] = [], after: [SourceLine] = []
        for line in lines {
            let trimmed = line.text.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("param ") || trimmed.hasPrefix("param\t") {
                let parameter = try parameterLine(line)
                if let first = parameters.first(where: { $0.name == parameter.name }) {
                    throw Diagnostic.error("a second parameter called \(parameter.name)", at: parameter.location,
                                           hint: "the first is at line \(first.location.line)")
                }
                parameters.append(parameter)
            } else if !after.isEmpty || trimmed.hasPrefix("loss") && trimmed.dropFirst(4).trimmingCharacters(in: .whitespaces).hasPrefix(":") {
                after.append(line)
            } else {
                before.append(line)
            }
        }
        let forward = try GradCheckProgram.parse(before)
        if let stray = forward.gradients.first {
            throw Diagnostic.error("grad \(stray.name): comes before the loss", at: stray.nameLocation,
                                   hint: "write the forward pass, then loss:, then the gradient formulas")
        }
        let backward = try GradCheckProgram.parse(after)
        guard let loss = backward.loss else {
            throw Diagnostic.error("{model} needs a 'loss:' line after the forward pass", at: lines.last?.location ?? location,
                                   hint: "e.g. loss: -mean(sum(Y * log(P), axis=1))")
        }
        guard !parameters.isEmpty else {
            throw Diagnostic.error("{model} declares no parameter", at: lines.first?.location ?? location,
                                   hint: "declare each with a line such as param W: inputs×classes normal(0.01)")
        }
        let outputs = ModelOutput.allCases.compactMap { kind in
            forward.definitions.last(where: { $0.binding == kind.name }).map { (kind, $0) }
        }
        guard let (output, _) = outputs.first else {
            throw Diagnostic.error("the forward pass defines no output: P (class probabilities), p (a binary probability) or yhat (real values)",
                                   at: forward.definitions.last?.origin ?? location,
                                   hint: "end the forward pass with P = softmax(LOGITS), p = sigmoid(LOGIT) or yhat = …")
        }
        if outputs.count > 1 {
            throw Diagnostic.error("the forward pass defines both \(outputs[0].0.name) and \(outputs[1].0.name); a model has one output",
                                   at: outputs[1].1.origin,
                                   hint: "name the output \(outputs[0].0.name) (\(outputs[0].0.meaning)) and give the other value another name")
        }
        let names = Set(parameters.map(\.name))
        for gradient in backward.gradients where !names.contains(gradient.name) {
            let nearest = Suggestion.nearest(to: gradient.name, in: Array(names)).map { "did you mean \($0)? " } ?? ""
            throw Diagnostic.error("grad \(gradient.name): but the model has no parameter \(gradient.name)", at: gradient.nameLocation,
                                   hint: nearest + "parameters: " + parameters.map(\.name).joined(separator: ", "))
        }
        for statement in forward.definitions {
            if let name = statement.binding, names.contains(name) {
                throw Diagnostic.error("\(name) is a parameter; the forward pass cannot assign it", at: statement.origin,
                                       hint: "give the intermediate value another name")
            }
        }
        // An operation the training engine cannot compute fails here, at its column: `nbrun check` finds it.
        for statement in forward.definitions + [loss] + backward.definitions + backward.gradients.map(\.formula) {
            if let unsupported = EngineSupport.unsupported(in: statement) { throw unsupported }
        }
        // batchnorm keeps running statistics named by its forward statement: not in the loss or the gradient formulas.
        for statement in [loss] + backward.definitions + backward.gradients.map(\.formula) {
            if let call = RunningStatistic.firstCall(in: statement) {
                throw Diagnostic.error("batchnorm belongs to the forward pass, where its running statistics are kept", at: call,
                                       hint: "normalise in a forward statement, e.g. H = batchnorm(Z, g, c), and use H here")
            }
        }
        let statistics = try RunningStatistic.find(in: forward.definitions, parameters: parameters)
        return ModelDefinition(parameters: parameters, forward: forward.definitions, output: output, loss: loss,
                               gradientDefinitions: backward.definitions, gradients: backward.gradients, statistics: statistics)
    }

    /// `param NAME: SHAPE INITIALISER`.
    static func parameterLine(_ line: SourceLine) throws -> ModelDefinition.Parameter {
        let scalars = Array(line.text.unicodeScalars)
        var i = 0
        func skipSpaces() { while i < scalars.count, scalars[i] == " " || scalars[i] == "\t" { i += 1 } }
        func word() -> (String, Int) {
            skipSpaces()
            let start = i
            while i < scalars.count, !(scalars[i] == " " || scalars[i] == "\t" || scalars[i] == ":") { i += 1 }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[start..<i])
            return (String(view), start)
        }
        _ = word()  // "param"
        let (name, nameStart) = word()
        let nameLocation = line.location.advanced(byColumns: nameStart)
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic || first == "_",
              name.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0 == "_" || ("0"..."9").contains($0) }) else {
            throw Diagnostic.error("expected a parameter name after 'param', got '\(name)'", at: nameLocation,
                                   hint: "e.g. param W1: inputs×256 normal(0.01)")
        }
        skipSpaces()
        guard i < scalars.count, scalars[i] == ":" else {
            throw Diagnostic.error("expected ':' after 'param \(name)'", at: line.location.advanced(byColumns: i),
                                   hint: "write param \(name): SHAPE INITIALISER, e.g. param \(name): 256 zeros")
        }
        i += 1
        let (shapeText, shapeStart) = word()
        let shapeLocation = line.location.advanced(byColumns: shapeStart)
        let shape = try parseShape(shapeText, at: shapeLocation)
        skipSpaces()
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[i...])
        let initText = String(view).trimmingCharacters(in: .whitespaces)
        let initializer = try parseInitializer(initText, at: line.location.advanced(byColumns: i))
        return ModelDefinition.Parameter(name: name, shape: shape, initializer: initializer, location: nameLocation)
    }

    static func parseShape(_ text: String, at location: SourceLocation) throws -> [ModelDefinition.Size] {
        let parts = text.split(omittingEmptySubsequences: false) { $0 == "×" || $0 == "x" || $0 == "X" || $0 == "*" }
        guard (1...Tensor.maxRank).contains(parts.count) else {
            throw Diagnostic.error("a parameter is a vector, a matrix or convolution kernels: expected a shape such as 256, inputs×256 or 6×1×5×5, got '\(text)'",
                                   at: location, hint: "sizes are whole numbers, inputs or classes")
        }
        return try parts.map { part in
            switch part {
            case "inputs": return .inputs
            case "classes": return .classes
            default:
                guard let size = Int(part), (1...1_000_000).contains(size) else {
                    throw Diagnostic.error("expected a size 1…1000000, inputs or classes, got '\(part)'", at: location,
                                           hint: "e.g. inputs×256 or 10")
                }
                return .fixed(size)
            }
        }
    }

    static func parseInitializer(_ text: String, at location: SourceLocation) throws -> ModelDefinition.Initializer {
        let compact = text.lowercased().replacingOccurrences(of: " ", with: "")
        func argument(_ name: String) -> Double? {
            guard compact.hasPrefix(name + "("), compact.hasSuffix(")") else { return nil }
            return Double(compact.dropFirst(name.count + 1).dropLast()).flatMap { $0.isFinite ? $0 : nil }
        }
        switch compact {
        case "zeros", "zero": return .zeros
        case "xavier", "glorot": return .xavier
        case "he", "kaiming": return .he
        default: break
        }
        // NumPy's spelling: randn is N(0, 1), randn * S (or S * randn) is normal(S); rand is U[0, 1), rand * S is U[0, S).
        for (word, initializer) in [("randn", { ModelDefinition.Initializer.normal(standardDeviation: $0) }),
                                    ("rand", { ModelDefinition.Initializer.rand(scale: $0) })] {
            if compact == word { return initializer(1) }
            let prefix = word + "*", suffix = "*" + word
            for scaled in [compact.hasPrefix(prefix) ? compact.dropFirst(prefix.count) : nil, compact.hasSuffix(suffix) ? compact.dropLast(suffix.count) : nil] {
                if let scaled, let scale = Double(scaled), scale.isFinite, scale >= 0 { return initializer(scale) }
            }
        }
        if let value = argument("constant") { return .constant(value) }
        if let deviation = argument("normal"), deviation >= 0 { return .normal(standardDeviation: deviation) }
        if let limit = argument("uniform"), limit >= 0 { return .uniform(limit: limit) }
        throw Diagnostic.error(text.isEmpty ? "expected an initialiser after the shape" : "unknown initialiser '\(text)'", at: location,
                               hint: "write zeros, constant(C), normal(STD) (or randn * STD), uniform(A), rand * S (uniform in [0, S)), xavier or he")
    }
}
