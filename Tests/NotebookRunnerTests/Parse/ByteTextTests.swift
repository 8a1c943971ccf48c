import Foundation
import Testing
import Diagnostics
import Tensors
@testable import NotebookRunner

/// The parser reads lines on bytes where it can (speed); each byte reading must give what the
/// character-level reading it replaced gives, also for non-ASCII text and Unicode blanks.
struct ByteTextTests {
    /// Lines drawn from pieces that make the byte readings' edge cases: ASCII blanks, Unicode
    /// blanks (no-break space, ideographic space), combining marks, multi-byte letters, container
    /// markers, fences and braces.
    static func lines(count: Int) -> [String] {
        let pieces = [" ", "\t", "\u{00A0}", "\u{3000}", "e\u{301}", "\u{301}", "é", "数", "a", "-", "*", "1.", ">", "```",
                      "~~~", "{", "}", "prf:定理", ".python", "id=", "i", "d", "=", "\"x\"", "#", ":::", "%"]
        var seeded = SplitMix64(seed: 7)
        return (0..<count).map { _ in
            (0..<Int.random(in: 0...9, using: &seeded)).map { _ in pieces.randomElement(using: &seeded)! }.joined()
        }
    }

    @Test func trimmingReadsBytesAsFoundationReadsCharacters() {
        for line in Self.lines(count: 4000) {
            #expect(line.trimmingWhitespace() == line.trimmingCharacters(in: .whitespaces), "\(line.debugDescription)")
            var characters = line
            while let last = characters.last, last == " " || last == "\t" { characters.removeLast() }
            #expect(line.trimmingTrailingWhitespace() == characters, "\(line.debugDescription)")
        }
    }

    @Test func aByteSearchFindsWhatFoundationFinds() {
        let needles = ["id=", "\n=", "#", "é", "数", "e\u{301}", "```", "a\u{301}"]
        for line in Self.lines(count: 2000) {
            for needle in needles {
                let bytes = line.utf8.count >= needle.utf8.count
                    && (0...(line.utf8.count - needle.utf8.count)).contains { Array(line.utf8.dropFirst($0).prefix(needle.utf8.count)) == Array(needle.utf8) }
                #expect(line.containsBytes(of: needle) == bytes, "\(line.debugDescription) \(needle.debugDescription)")
            }
        }
        #expect("".containsBytes(of: "") && "abc".containsBytes(of: "") && !"".containsBytes(of: "a"))
    }

    /// A fence line's parts and 1-based scalar columns, with non-ASCII names and arguments.
    @Test func fenceHeadersKeepTheirScalarColumns() throws {
        let header = try #require(FenceHeader(line: "> - ````{prf:定理 .dropdown #thm-1}  Théorème `x`  "))
        #expect(header.character == "`" && header.length == 4)
        #expect(header.column == 5 && header.infoColumn == 9)
        #expect(header.name == "prf:定理" && header.classes == ["dropdown"] && header.id == "thm-1")
        #expect(header.argument == "Théorème `x`")
        // "> - ````" is 8 scalars, "{prf:定理 .dropdown #thm-1}" 25, then two blanks.
        #expect(header.argumentColumn == 8 + 25 + 2 + 1)
        #expect(FenceHeader(line: "  ~~~ python ").map { ($0.character, $0.info, $0.column) } ?? ("x", "", 0) == ("~", "python", 3))
        #expect(FenceHeader(line: "é```{note}") == nil && FenceHeader(line: "``") == nil && FenceHeader(line: "") == nil)
        #expect(FenceHeader.stripContainer("> 1. ```{x}") == "```{x}" && FenceHeader.containerPrefix("> 1. ```{x}") == "> 1. ")
        #expect(FenceHeader.stripContainer("数 - x") == "数 - x" && FenceHeader.containerPrefix("数") == "")
    }
}
