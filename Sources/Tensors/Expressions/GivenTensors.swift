/// Random tensors of declared shapes for `{derive}`'s `:given:` option.
///
/// Grammar:
///
///     given        := declaration { "," declaration }
///     declaration  := NAME shape [ distribution ]
///     shape        := "scalar" | size { ( "×" | "x" ) size }     -- 8, 8×10 (at most four axes)
///     distribution := "normal(" [ sd ] ")"          -- mean 0, standard deviation sd (default 1)
///                   | "uniform(" low "," high ")"
///                   | "labels(" classes ")"          -- whole numbers 0 … classes − 1
///
/// e.g. `A 8×10 normal(2), y 8 labels(10)`. Values are drawn in declaration order from one
/// `Xoshiro256StarStar` seeded with the cell's seed, so a derivation checks the same numbers
/// on every run.
public struct GivenTensors: Sendable {
    public enum Distribution: Sendable, Hashable {
        case normal(Double)
        case uniform(Double, Double)
        case labels(Int)
    }

    public struct Declaration: Sendable, Hashable {
        public var name: String
        public var shape: [Int]
        public var distribution: Distribution
    }

    public var declarations: [Declaration]

    /// Parses the option's text; errors point at the declaration at fault.
    public static func parse(_ text: String, at location: SourceLocation) throws -> GivenTensors {
        var declarations: [Declaration] = []
        var depth = 0, start = 0
        let scalars = Array(text.unicodeScalars)
        var pieces: [(String, Int)] = []
        for (offset, scalar) in scalars.enumerated() {
            if scalar == "(" { depth += 1 }
            if scalar == ")" { depth -= 1 }
            if scalar == ",", depth == 0 {
                pieces.append((String(String.UnicodeScalarView(scalars[start..<offset])), start))
                start = offset + 1
            }
        }
        pieces.append((String(String.UnicodeScalarView(scalars[start...])), start))
        for (piece, offset) in pieces {
            let lead = piece.unicodeScalars.prefix { $0 == " " }.count
            let here = location.advanced(byColumns: offset + lead)
            var words = piece.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true).map(String.init)
            if words.count == 3 { words[2] = words[2].replacingOccurrences(of: " ", with: "") }
            let example = "e.g. :given: A 8×10 normal(2), y 8 labels(10)"
            guard words.count == 2 || words.count == 3 else {
                throw Diagnostic.error("expected 'NAME SHAPE [DISTRIBUTION]', got '\(piece.trimmingCharacters(in: .whitespaces))'", at: here, hint: example)
            }
            let name = words[0]
            guard let first = name.unicodeScalars.first, first.properties.isAlphabetic || first == "_",
                  name.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0 == "_" || ("0"..."9").contains($0) }) else {
                throw Diagnostic.error("'\(name)' is not a name", at: here, hint: example)
            }
            if declarations.contains(where: { $0.name == name }) {
                throw Diagnostic.error("'\(name)' is given twice", at: here)
            }
            let shapeText = words[1]
            var shape: [Int] = []
            if shapeText != "scalar" {
                for size in shapeText.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "×" || $0 == "x" || $0 == "X" }) {
                    guard let n = Int(size), (1...100_000).contains(n) else {
                        throw Diagnostic.error("'\(shapeText)' is not a shape", at: here.advanced(byColumns: name.unicodeScalars.count + 1),
                                               hint: "sizes joined by ×, e.g. 8×10 or 8; or 'scalar'")
                    }
                    shape.append(n)
                }
                guard (1...Tensor.maxRank).contains(shape.count), shape.reduce(1, *) <= 1_000_000 else {
                    throw Diagnostic.error("'\(shapeText)' has \(shape.count) axes or too many entries", at: here,
                                           hint: "a vector (8), a matrix (8×10) or images (2×1×6×6), at most a million entries")
                }
            }
            let distribution = words.count == 3 ? try parseDistribution(words[2], at: here) : .normal(1)
            declarations.append(Declaration(name: name, shape: shape, distribution: distribution))
        }
        return GivenTensors(declarations: declarations)
    }

    private static func parseDistribution(_ word: String, at location: SourceLocation) throws -> Distribution {
        let hint = "normal(σ), uniform(low, high) or labels(classes)"
        guard let open = word.firstIndex(of: "("), word.hasSuffix(")") else {
            throw Diagnostic.error("'\(word)' is not a distribution", at: location, hint: hint)
        }
        let kind = String(word[..<open])
        let arguments = word[word.index(after: open)..<word.index(before: word.endIndex)]
            .split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        switch (kind, arguments.count) {
        case ("normal", 0): return .normal(1)
        case ("normal", 1) where (arguments[0] ?? 0) > 0: return .normal(arguments[0]!)
        case ("uniform", 2) where arguments[0] != nil && arguments[1] != nil && arguments[0]! < arguments[1]!:
            return .uniform(arguments[0]!, arguments[1]!)
        case ("labels", 1) where (arguments[0] ?? 0) >= 2 && arguments[0]! == arguments[0]!.rounded():
            return .labels(Int(arguments[0]!))
        default:
            throw Diagnostic.error("'\(word)' is not a distribution", at: location, hint: hint)
        }
    }

    /// The tensors, drawn with `seed`.
    public func draw(seed: UInt64) -> [String: Tensor] {
        var generator = Xoshiro256StarStar(seed: seed ^ 0xDE21_7E)
        var values: [String: Tensor] = [:]
        for declaration in declarations {
            let count = declaration.shape.reduce(1, *)
            let data: [Double] = (0..<count).map { _ in
                switch declaration.distribution {
                case .normal(let sd): return sd * generator.normal()
                case .uniform(let low, let high): return low + (high - low) * Double(generator.next() >> 11) * 0x1p-53
                case .labels(let classes): return Double(generator.next() % UInt64(classes))
                }
            }
            values[declaration.name] = Tensor(shape: declaration.shape, data: data)
        }
        return values
    }
}
