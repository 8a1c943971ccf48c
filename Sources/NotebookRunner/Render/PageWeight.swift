/// What a report weighs: its bytes, and the bytes of each cell's outputs in it — written to the
/// run record (`report_bytes`, each cell's `output_bytes`) and checked against the page budget
/// (`--page-budget`, default `defaultBudget`), past which `nbrun render` warns and names the
/// cells that weigh most.
public struct PageWeight: Sendable, Hashable {
    /// The size past which a report gets a warning, unless `--page-budget` says otherwise.
    public static let defaultBudget = MemoryBudget(bytes: 2_000_000)
    /// How many of the heaviest cells the warning names.
    static let namedCells = 3

    /// The report's bytes (UTF-8).
    public var reportBytes: Int
    /// The bytes of each cell's rendered outputs, in cell order.
    public var cellBytes: [Int]

    public init(reportBytes: Int, cellBytes: [Int]) {
        self.reportBytes = reportBytes
        self.cellBytes = cellBytes
    }

    /// The warning for a report past `budget`, at its heaviest cell (nil: within it).
    func warning(budget: MemoryBudget, cells: [CellResult], file: String) -> Diagnostic? {
        guard reportBytes > budget.bytes else { return nil }
        let heaviest = zip(cells, cellBytes).sorted { $0.1 > $1.1 }.prefix(Self.namedCells).filter { $0.1 > 0 }
        let named = heaviest.map { cell, bytes in
            "\(cell.cell.label) (line \(cell.cell.location.line)) \(MemoryBudget.describe(bytes: Double(bytes)))"
        }
        let weighing = named.isEmpty ? "" : "; the cells that weigh most: " + named.joined(separator: ", ")
        return .warning("the report is \(MemoryBudget.describeBytes(reportBytes)), more than the page budget of \(budget)\(weighing)",
                        at: heaviest.first?.0.cell.location ?? SourceLocation(file: file, line: 1),
                        hint: "show less in those cells (fewer samples or images), or raise the budget with --page-budget")
    }
}
