import Foundation
import Testing
@testable import NotebookRunner

/// Integers taken from notebook text never overflow in arithmetic.
@Suite struct IntegerRangeTests {
    static let split = DataSplit(name: "test", images: [UInt8](repeating: 0, count: 12 * 10), labels: (0 ..< 10).map(UInt8.init),
                                 count: 10, rows: 4, cols: 3, sources: [])

    @Test(arguments: [["test"], ["predictions"]])
    func startAtIntMaxIsALocatedError(_ arguments: [String]) throws {
        let cell = DataFixtures.cell("show", arguments, [("start", "9223372036854775807")])
        let diagnostic = DataFixtures.diagnostic { _ = try ShowDirective(cell: cell, options: OptionValues(cell: cell, defaults: Defaults())) }
        #expect(diagnostic?.message.hasPrefix("option :start: is 9223372036854775807, outside 0…") == true, "\(String(describing: diagnostic))")
        #expect(diagnostic?.location == cell.options[0].valueLocation)
        // The largest start the option allows is still checked without overflow.
        let largest = DataFixtures.cell("show", arguments, [("start", "2147483647"), ("count", "1000")])
        let show = try ShowDirective(cell: largest, options: OptionValues(cell: largest, defaults: Defaults()))
        #expect(DataFixtures.diagnostic { _ = try show.rows(of: Self.split) }?.message
            == "{show} asks for rows 2147483647..2147484646 but the test split has 10 (0..9)")
    }

    @Test func countPastTheEndIsAnError() throws {
        let cell = DataFixtures.cell("show", [], [("start", "5"), ("count", "6")])
        let show = try ShowDirective(cell: cell, options: OptionValues(cell: cell, defaults: Defaults()))
        #expect(DataFixtures.diagnostic { _ = try show.rows(of: Self.split) }?.message == "{show} asks for rows 5..10 but the test split has 10 (0..9)")
        let fitting = DataFixtures.cell("show", [], [("start", "5"), ("count", "5")])
        let fits = try ShowDirective(cell: fitting, options: OptionValues(cell: fitting, defaults: Defaults()))
        #expect(try fits.rows(of: Self.split) == Array(5 ..< 10))
    }
}
