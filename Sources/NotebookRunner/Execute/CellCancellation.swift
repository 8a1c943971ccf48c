/// The cancellations a running cell answers to: the whole run's (Ctrl-C, `--timeout`)
/// and its own (`:timeout:`).
public struct CellCancellation: Sendable {
    public let run: Cancellation
    public let cell: Cancellation

    public init(run: Cancellation, cell: Cancellation = Cancellation()) {
        self.run = run
        self.cell = cell
    }

    /// The first reason either was cancelled for.
    public var reason: String? { cell.reason ?? run.reason }
}
