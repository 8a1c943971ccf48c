/// A prose-level directive block: an exercise, its solution or an admonition. Unlike a
/// cell it is not run; its content is notebook content (prose, math and cells).
///
/// Grammar (MyST-compatible):
///
///     block     := fence "{" kind "}" [ argument ] NL { option-line } content fence
///     kind      := "exercise" | "solution" | "note" | "tip" | "warning" | "important"
///     argument  := title (exercise, admonitions) | exercise-label (solution)
///     option    := ":label:" label                -- an exercise's name, for its solutions
///
/// A block that holds fenced cells needs a longer fence than theirs, as in MyST:
///
///     ````{solution} ex-gradient
///     The gradient is …
///     ```{gradcheck}
///     …
///     ```
///     ````
///
/// Exercises are numbered in document order. `nbrun render --student` leaves every
/// solution out before anything else happens: it is not run, shown or recorded.
public struct ProseBlock: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case exercise, solution, note, tip, warning, important
    }

    public var kind: Kind
    /// The words after `{kind}`: a title, or the exercise a solution answers.
    public var argument: String?
    /// `:label:` (exercises).
    public var label: String?
    /// Where the opening fence starts.
    public var location: SourceLocation
    /// Where the argument starts (for a solution's unknown exercise).
    public var argumentLocation: SourceLocation
    /// First and last source lines, fences included.
    public var startLine: Int
    public var endLine: Int
    /// An exercise's number (1, 2, …); for a solution, its exercise's.
    public var number: Int?

    /// Whether a fenced block's info string opens a prose-level block, e.g. `{note}` or `{exercise}`.
    static func kind(ofInfo info: String) -> Kind? {
        let trimmed = info.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("{"), let close = trimmed.firstIndex(of: "}") else { return nil }
        return Kind(rawValue: String(trimmed[trimmed.index(after: trimmed.startIndex)..<close]))
    }

    /// Reads the block opened at `block.startLine`: its argument and options. Returns the lines
    /// that hold the fences and options, which the parser blanks so the content parses as prose.
    static func read(_ block: CommonMark.Block, kind: Kind, source: SourceText) throws -> (ProseBlock, markupLines: [Int]) {
        let fenceLine = source.line(block.startLine)
        let scalars = Array(fenceLine.unicodeScalars)
        var k = 0
        while k < scalars.count, scalars[k] == " " { k += 1 }
        let location = source.location(line: block.startLine, column: k + 1)
        let fenceChar = k < scalars.count ? scalars[k] : "`"
        var fenceLength = 0
        while k < scalars.count, scalars[k] == fenceChar { k += 1; fenceLength += 1 }
        let closingLine = source.line(block.endLine).trimmingCharacters(in: .whitespaces)
        guard block.endLine > block.startLine, closingLine.hasPrefix(String(repeating: String(fenceChar), count: fenceLength)),
              closingLine.allSatisfy({ $0 == Character(fenceChar) }) else {
            throw Diagnostic.error("the {\(kind.rawValue)} block opened here is never closed", at: location,
                                   hint: "end it with a line of \(String(repeating: String(fenceChar), count: fenceLength)); a block holding cells needs a longer fence than theirs")
        }
        let info = String(String.UnicodeScalarView(scalars[k...]))
        let close = info.firstIndex(of: "}")!
        let rest = info[info.index(after: close)...]
        let argument = rest.trimmingCharacters(in: .whitespaces)
        let argumentColumn = k + info.unicodeScalars.distance(from: info.unicodeScalars.startIndex, to: close.samePosition(in: info.unicodeScalars)!)
            + 2 + rest.unicodeScalars.prefix { $0 == " " || $0 == "\t" }.count
        var markup = [block.startLine, block.endLine]
        var label: String?
        var line = block.startLine + 1
        while line < block.endLine {
            let text = source.line(line)
            guard let option = CellParser.parseOption(text, at: source.location(line: line)) else { break }
            guard option.key == "label" || option.key == "class" || option.key == "nonumber" else {
                throw Diagnostic.error("unknown option :\(option.key): of {\(kind.rawValue)}", at: option.location,
                                       hint: "{\(kind.rawValue)} takes :label:")
            }
            if option.key == "label" { label = option.value }
            markup.append(line)
            line += 1
        }
        let block = ProseBlock(kind: kind, argument: argument.isEmpty ? nil : argument, label: label, location: location,
                               argumentLocation: source.location(line: block.startLine, column: argumentColumn),
                               startLine: block.startLine, endLine: block.endLine)
        return (block, markup)
    }
}

extension ProseBlock {
    /// Numbers the exercises in order and gives each solution its exercise's number; a solution
    /// naming no exercise, and a label used twice, are errors.
    static func numbered(_ blocks: [ProseBlock], errors: inout [Diagnostic]) -> [ProseBlock] {
        var blocks = blocks
        var numbers: [String: (number: Int, line: Int)] = [:]
        var count = 0
        for index in blocks.indices where blocks[index].kind == .exercise {
            count += 1
            blocks[index].number = count
            guard let label = blocks[index].label else { continue }
            if let previous = numbers[label] {
                errors.append(.error("exercise label '\(label)' is already used at line \(previous.line)", at: blocks[index].location,
                                     hint: "give each exercise its own :label:"))
            } else {
                numbers[label] = (count, blocks[index].location.line)
            }
        }
        for index in blocks.indices where blocks[index].kind == .solution {
            guard let target = blocks[index].argument else {
                errors.append(.error("{solution} needs the label of its exercise", at: blocks[index].location,
                                     hint: "e.g. ````{solution} ex-gradient, with :label: ex-gradient on the exercise"))
                continue
            }
            if let exercise = numbers[target] {
                blocks[index].number = exercise.number
            } else {
                let near = Suggestion.nearest(to: target, in: Array(numbers.keys)).map { "did you mean '\($0)'? " } ?? ""
                errors.append(.error("{solution} answers an unknown exercise '\(target)'", at: blocks[index].argumentLocation,
                                     hint: near + (numbers.isEmpty ? "no exercise has a :label:" : "exercise labels: " + numbers.keys.sorted().joined(separator: ", "))))
            }
        }
        return blocks
    }
}
