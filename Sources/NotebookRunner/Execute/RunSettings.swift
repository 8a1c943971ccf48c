import Foundation

/// How a notebook is run: where data and outputs live and what to do on errors.
public struct RunSettings: Sendable {
    /// The folder reports are written to (`output/` by default).
    public var outputDirectory: URL
    /// A root holding `mnist/`, `fashion-mnist/` (from `--data-dir` or `NBRUN_DATA_DIR`).
    public var dataDirectory: URL?
    /// Keep running after a failed cell.
    public var keepGoing: Bool
    /// Front matter merged with `-p` parameters.
    public var defaults: Defaults
    /// Leave out everything that changes from run to run (times, absolute paths).
    public var reproducible: Bool
    /// Stop the whole run after this many seconds (`--timeout`).
    public var runTimeout: Double?
    /// The most memory one decoded file, image or tensor may take (`--memory-limit`).
    public var memoryBudget: MemoryBudget = .default
    /// The notebook's folder: relative paths in cells (`:images:`, `:dir:`) start here
    /// (the current directory when nil).
    public var notebookDirectory: URL? = nil
    /// The student's edition (`--student`): every `{solution}` is left out, not run and not recorded.
    public var omitsSolutions = false
    /// Let the page fetch the prose's https images (`--allow-remote-images`); otherwise it fetches
    /// nothing and each remote image is a warning.
    public var allowsRemoteImages = false
    /// The report size past which `render` warns, naming the heaviest cells (`--page-budget`).
    public var pageBudget = PageWeight.defaultBudget
    /// The Jupyter kernel that runs code cells (`--kernel`), over the front matter's kernelspec.
    public var kernel: String? = nil
    /// Run code cells in a kernel when the page names one (`--no-execute` turns it off).
    public var executesCode = true
    /// `-p key=value` values for the page's `parameters` code cell (set per page by the pipeline).
    public var kernelParameters = KernelParameters()
    /// The data sets a course build shares between its pages, each read once (nil: every `{load}` reads its files).
    public var dataReads: DataReads? = nil

    public init(outputDirectory: URL, dataDirectory: URL? = nil, keepGoing: Bool = false,
                defaults: Defaults = Defaults(), reproducible: Bool = false, runTimeout: Double? = nil) {
        self.outputDirectory = outputDirectory
        self.dataDirectory = dataDirectory
        self.keepGoing = keepGoing
        self.defaults = defaults
        self.reproducible = reproducible
        self.runTimeout = runTimeout
    }
}
