import Foundation

/// Everything a running directive may use: the shared state, the run's settings,
/// where to write files and how to report progress.
public final class ExecutionContext {
    public let state: NotebookState
    public let cell: Cell
    public let settings: RunSettings
    /// The notebook's name without extension, e.g. `softmax-regression`.
    public let notebookName: String
    /// `<out>/<notebook>/`: files a cell writes go here (created on demand).
    public let assetDirectory: URL
    /// Reports progress lines (throttled by the reporter, not by the caller).
    public let progress: (String) -> Void
    /// Set when the cell must stop (a timeout or Ctrl-C); long loops call `checkCancelled()`.
    public let cancellation: CellCancellation

    public init(state: NotebookState, cell: Cell, settings: RunSettings, notebookName: String,
                assetDirectory: URL, cancellation: CellCancellation, progress: @escaping (String) -> Void) {
        self.state = state
        self.cell = cell
        self.settings = settings
        self.notebookName = notebookName
        self.assetDirectory = assetDirectory
        self.cancellation = cancellation
        self.progress = progress
    }

    /// Throws the cancellation reason once the run has been cancelled.
    public func checkCancelled() throws {
        if let reason = cancellation.reason {
            throw Diagnostic.error(reason, at: cell.location)
        }
    }

    /// The seed for this cell: the cell's `:seed:` option handled by the directive,
    /// otherwise the notebook's.
    public var seed: UInt64 { settings.defaults.seed }

    /// Creates the asset directory and returns the URL of `fileName` in it.
    ///
    /// `fileName` is one plain path component (see `isPlainName`); anything else — a `/`,
    /// `..`, a leading dot — is refused, so nothing a notebook names lands outside `-o`.
    public func assetURL(_ fileName: String) throws -> URL {
        guard Self.isPlainName(fileName) else {
            throw Diagnostic.error("'\(fileName)' cannot name a file or folder in the output: only letters, digits, '-', '_' and '.' (not first) are allowed",
                                   at: cell.directiveLocation, hint: "choose a plain name such as digits-2")
        }
        try FileManager.default.createDirectory(at: assetDirectory, withIntermediateDirectories: true)
        return assetDirectory.appendingPathComponent(fileName)
    }

    /// Whether `name` is safe as one path component: 1–100 ASCII letters, digits, `-`, `_`
    /// or `.`, not starting with `.` or `-` (so never `..`, a hidden file or an option).
    public static func isPlainName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 100,
              first != ".", first != "-" else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
    }
}
