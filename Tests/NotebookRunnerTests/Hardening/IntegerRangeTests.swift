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
        let show = try ShowDirective(cell: cell, defaults: Defaults())
        let diagnostic = DataFixtures.diagnostic { _ = try show.rows(of: Self.split) }
        #expect(diagnostic?.message == "{show} asks for rows 9223372036854775807.. but the test split has 10 (0..9)")
        #expect(diagnostic?.location == cell.directiveLocation)
    }

    @Test func countPastTheEndIsAnError() throws {
        let show = try ShowDirective(cell: DataFixtures.cell("show", [], [("start", "5"), ("count", "6")]), defaults: Defaults())
        #expect(DataFixtures.diagnostic { _ = try show.rows(of: Self.split) }?.message == "{show} asks for rows 5..10 but the test split has 10 (0..9)")
        let fits = try ShowDirective(cell: DataFixtures.cell("show", [], [("start", "5"), ("count", "5")]), defaults: Defaults())
        #expect(try fits.rows(of: Self.split) == Array(5 ..< 10))
    }
}
