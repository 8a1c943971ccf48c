import Foundation

/// Runs a notebook's cells in order against one shared state.
///
/// Every cell is validated first (unknown directives and options, bad values), so a
/// typo at the end of a notebook fails before an expensive cell at its start runs.
/// Then cells run in document order; inline `{eval}` roles are evaluated once the
/// cells before them have finished. A failing cell stops the run (the rest are
/// `skipped`) unless `keepGoing` is set; the report shows everything up to there.
public struct Executor {
    public var registry: DirectiveRegistry
    public var settings: RunSettings
    /// Evaluates an inline role against the state; nil leaves roles unevaluated.
    public var inlineEvaluator: ((InlineRole, NotebookState) throws -> String)?

    public init(registry: DirectiveRegistry = .standard, settings: RunSettings,
                inlineEvaluator: ((InlineRole, NotebookState) throws -> String)? = nil) {
        self.registry = registry
        self.settings = settings
        self.inlineEvaluator = inlineEvaluator
    }

    /// Checks every cell without running any: the diagnostics of `nbrun check`.
    public func validate(_ notebook: Notebook) -> [Diagnostic] {
        notebook.cells.compactMap { cell in
            do {
                _ = try prepare(cell)
                return nil
            } catch {
                return Self.diagnostic(from: error, cell: cell)
            }
        }
    }

    /// Runs `notebook` and returns every cell's result (see `NotebookRun` for the steps).
    public func run(_ notebook: Notebook, progress: ProgressReporter = ProgressReporter(mode: .silent),
                    cancellation: Cancellation = Cancellation(), journal: RunJournal = RunJournal(),
                    cache: CellCache? = nil) -> RunResult {
        NotebookRun(executor: self, notebook: notebook, progress: progress, cancellation: cancellation,
                    journal: journal, cache: cache).run()
    }

    /// The cell's cache key, or nil when its input files cannot be listed or read, or it reads the
    /// kernel and `kernelState` (what the code cells before it made of the kernel) is not known.
    func cacheKey(for directive: any Directive, cell: Cell, previous: String, cache: CellCache,
                  context: ExecutionContext, kernelState: String?) -> String? {
        guard cache.mode != .off, !directive.readsKernel || kernelState != nil,
              let inputs = try? directive.inputFiles(in: context) else { return nil }
        var digests: [(path: String, digest: String)] = []
        for url in inputs {
            guard let digest = try? cache.digests.digest(of: url) else { return nil }
            digests.append((url.lastPathComponent, digest))
        }
        return CacheKey.compute(previous: previous, cell: cell, defaults: settings.defaults, language: context.language,
                                inputDigests: digests, kernelState: directive.readsKernel ? kernelState : nil)
    }

    /// The cell's directive, built and validated, and its `:timeout:`: what `validate` checks and `run` uses.
    func prepare(_ cell: Cell) throws -> (directive: any Directive, timeout: Double?) {
        (try registry.instantiate(cell, defaults: settings.defaults), try Self.timeout(of: cell))
    }

    /// The cell's `:timeout:` in seconds (a cell option only: front matter does not set it).
    static func timeout(of cell: Cell) throws -> Double? {
        try OptionValues(cell: cell, defaults: Defaults()).given(DirectiveSpec.timeout)
    }

    /// Runs one directive, turning whatever it throws into an error result at the cell.
    static func execute(_ directive: any Directive, cell: Cell, in context: ExecutionContext) -> CellResult {
        let clock = ContinuousClock()
        let start = clock.now
        func seconds() -> Double {
            let elapsed = clock.now - start
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        do {
            let outputs = try directive.run(in: context)
            return CellResult(cell: cell, status: .ok, outputs: outputs.items, metrics: outputs.metrics, seconds: seconds())
        } catch let skip as KernelNotAsked {
            return CellResult(cell: cell, status: .skipped, outputs: [.notice(Diagnostic(.note, skip.reason, at: cell.location))])
        } catch let failure as CellFailure {
            let diagnostic = failure.diagnostic.located(at: cell.location)
            return CellResult(cell: cell, status: .error, outputs: failure.outputs.items + [.error(diagnostic)],
                              metrics: failure.outputs.metrics, seconds: seconds(), error: diagnostic)
        } catch {
            let diagnostic = diagnostic(from: error, cell: cell)
            return CellResult(cell: cell, status: .error, outputs: [.error(diagnostic)], seconds: seconds(), error: diagnostic)
        }
    }

    static func diagnostic(from error: any Error, cell: Cell) -> Diagnostic {
        diagnostic(from: error, location: cell.location)
    }

    static func diagnostic(from error: any Error, location: SourceLocation) -> Diagnostic {
        if let diagnostic = error as? Diagnostic { return diagnostic.located(at: location) }
        if let failure = error as? CellFailure { return failure.diagnostic.located(at: location) }
        return Diagnostic.error(FileSystemError.cause(of: error), at: location)
    }
}
