/// The body of a `{gradcheck}` cell: helper definitions, the loss and the gradient formulas.
///
/// ```
/// P = softmax(X @ W + b)                  ← NAME = EXPR, recomputed whenever a parameter moves
/// loss: -mean(sum(Y * log(P), axis=1))    ← exactly one, a scalar
/// grad W: X.T @ (P - Y) / N               ← one per parameter checked
/// grad b: sum(P - Y, axis=0) / N
/// ```
/// Blank lines and lines starting with `#` are ignored.
public struct GradCheckProgram: Sendable {
    /// A `grad NAME: EXPR` line.
    public struct Gradient: Sendable {
        public var name: String
        public var nameLocation: SourceLocation
        public var formula: ParsedExpression

        public init(name: String, nameLocation: SourceLocation, formula: ParsedExpression) {
            self.name = name
            self.nameLocation = nameLocation
            self.formula = formula
        }
    }

    public var definitions: [ParsedExpression] = []
    public var loss: ParsedExpression?
    public var lossLocation: SourceLocation?
    public var gradients: [Gradient] = []

    public init() {}

    /// Parses body lines; every error points at the offending line and column.
    public static func parse(_ lines: [SourceLine]) throws -> GradCheckProgram {
        var program = GradCheckProgram()
        for line in lines {
            let scalars = Array(line.text.unicodeScalars)
            var start = 0
            while start < scalars.count, scalars[start] == " " || scalars[start] == "\t" { start += 1 }
            let rest = text(scalars[start...])
            if rest.isEmpty || rest.hasPrefix("#") { continue }
            let here = line.location.advanced(byColumns: start)
            if let colon = prefix(rest, keyword: "loss") {
                guard program.loss == nil else {
                    throw Diagnostic.error("a second 'loss:' line; a check has one loss", at: here,
                                           hint: "the first is at line \(program.lossLocation!.line)")
                }
                let (source, offset) = afterColon(scalars, start + colon)
                let location = line.location.advanced(byColumns: offset)
                program.loss = try ExpressionParser.parse(source, at: location)
                program.lossLocation = here
            } else if rest.hasPrefix("grad ") || rest.hasPrefix("grad\t") {
                var i = start + 4
                while i < scalars.count, scalars[i] == " " || scalars[i] == "\t" { i += 1 }
                let nameStart = i
                while i < scalars.count, scalars[i].properties.isAlphabetic || scalars[i] == "_" || ("0"..."9").contains(scalars[i]) { i += 1 }
                let name = text(scalars[nameStart..<i])
                let nameLocation = line.location.advanced(byColumns: nameStart)
                guard !name.isEmpty else {
                    throw Diagnostic.error("expected a parameter name after 'grad'", at: nameLocation, hint: "e.g. grad W: X.T @ (P - Y) / N")
                }
                while i < scalars.count, scalars[i] == " " || scalars[i] == "\t" { i += 1 }
                guard i < scalars.count, scalars[i] == ":" else {
                    throw Diagnostic.error("expected ':' after 'grad \(name)'", at: line.location.advanced(byColumns: i),
                                           hint: "write grad \(name): FORMULA")
                }
                if let previous = program.gradients.first(where: { $0.name == name }) {
                    throw Diagnostic.error("a second formula for \(name)", at: nameLocation, hint: "the first is at line \(previous.nameLocation.line)")
                }
                let (source, offset) = afterColon(scalars, i)
                let formula = try ExpressionParser.parse(source, at: line.location.advanced(byColumns: offset))
                program.gradients.append(Gradient(name: name, nameLocation: nameLocation, formula: formula))
            } else {
                let statement = try ExpressionParser.parseStatement(rest, at: here)
                guard statement.binding != nil else {
                    throw Diagnostic.error("expected 'loss: EXPR', 'grad NAME: EXPR' or 'NAME = EXPR'", at: here,
                                           hint: "e.g. loss: -mean(sum(Y * log(softmax(X @ W + b)), axis=1))")
                }
                program.definitions.append(statement)
            }
        }
        return program
    }

    /// If `line` starts with `keyword` and a colon, the colon's offset.
    private static func prefix(_ line: String, keyword: String) -> Int? {
        guard line.hasPrefix(keyword) else { return nil }
        let rest = line.unicodeScalars.dropFirst(keyword.unicodeScalars.count)
        let spaces = rest.prefix { $0 == " " || $0 == "\t" }.count
        guard rest.dropFirst(spaces).first == ":" else { return nil }
        return keyword.unicodeScalars.count + spaces
    }

    /// The text after the colon at `colon`, and the offset where it starts.
    private static func afterColon(_ scalars: [Unicode.Scalar], _ colon: Int) -> (String, Int) {
        var i = colon + 1
        while i < scalars.count, scalars[i] == " " || scalars[i] == "\t" { i += 1 }
        return (text(scalars[min(i, scalars.count)...]), i)
    }

    private static func text(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}
