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

    /// Runs `notebook` and returns every cell's result.
    public func run(_ notebook: Notebook, progress: ProgressReporter = ProgressReporter(mode: .silent),
                    cancellation: Cancellation = Cancellation(), journal: RunJournal = RunJournal(),
                    cache: CellCache? = nil) -> RunResult {
        let started = Date()
        let state = NotebookState()
        var results: [CellResult] = []
        var inlineValues: [Int: InlineValue] = [:]
        var warnings = notebook.warnings
        var previousKey = ""
        var inputFiles: [URL] = []
        var stoppedBy: StopReason?

        // Validate everything up front.
        var directives: [Int: any Directive] = [:]
        var invalid: [Int: Diagnostic] = [:]
        var timeouts: [Int: Double] = [:]
        for cell in notebook.cells {
            do {
                (directives[cell.index], timeouts[cell.index]) = try prepare(cell)
            } catch {
                invalid[cell.index] = Self.diagnostic(from: error, cell: cell)
            }
        }
        var stopped = !invalid.isEmpty && !settings.keepGoing

        let assets = settings.outputDirectory.appendingPathComponent(notebook.name, isDirectory: true)
        var nextRole = 0
        func evaluateRoles(before cellCount: Int) {
            while nextRole < notebook.roles.count, notebook.roles[nextRole].cellsBefore <= cellCount {
                defer { nextRole += 1 }
                guard !stopped || settings.keepGoing, let inlineEvaluator else { continue }
                let role = notebook.roles[nextRole]
                do {
                    inlineValues[nextRole] = .value(try inlineEvaluator(role, state))
                } catch {
                    let diagnostic = Self.diagnostic(from: error, location: role.expressionLocation)
                    inlineValues[nextRole] = .error(diagnostic)
                    progress.report(diagnostic)
                }
            }
        }

        for cell in notebook.cells {
            evaluateRoles(before: cell.index - 1)
            if let diagnostic = invalid[cell.index] {
                progress.report(diagnostic)
                results.append(CellResult(cell: cell, status: .error, outputs: [.error(diagnostic)], error: diagnostic))
                continue
            }
            guard !stopped, let directive = directives[cell.index] else {
                results.append(CellResult(cell: cell, status: .skipped))
                continue
            }
            if let reason = cancellation.reason {
                stoppedBy = stoppedBy ?? cancellation.stopReason
                let diagnostic = Diagnostic.error(reason, at: cell.location)
                results.append(CellResult(cell: cell, status: .error, outputs: [.error(diagnostic)], error: diagnostic))
                stopped = true
                continue
            }
            progress.cellStarted(cell, of: notebook.cells.count)
            let cellCancellation = CellCancellation(run: cancellation)
            journal.started(cell, timeout: timeouts[cell.index], cancellation: cellCancellation.cell)
            let context = ExecutionContext(state: state, cell: cell, settings: settings, notebookName: notebook.name,
                                           assetDirectory: assets, cancellation: cellCancellation, progress: progress.message)
            for url in (try? directive.inputFiles(in: context)) ?? [] where !inputFiles.contains(url) { inputFiles.append(url) }
            let key = cache.flatMap { cacheKey(for: directive, cell: cell, previous: previousKey, cache: $0, context: context) }
            // A cell that cannot be keyed makes every later key fresh, so nothing stale is reused.
            previousKey = key ?? UUID().uuidString
            let result: CellResult
            if let key, let cache, let entry = cache.load(key, report: { message in
                let warning = Diagnostic.warning(message, at: cell.location)
                warnings.append(warning)
                progress.report(warning)
            }) {
                entry.effect.apply(to: state)
                result = CellResult(cell: cell, status: .cached, outputs: entry.result.outputs, metrics: entry.result.metrics,
                                    seconds: entry.result.seconds)
            } else {
                state.resetChanges()
                result = Self.execute(directive, cell: cell, in: context)
                if let key, let cache, result.status == .ok {
                    cache.store(CacheEntry(result: .init(outputs: result.outputs, metrics: result.metrics, seconds: result.seconds),
                                           effect: StateEffect(capturing: state)), key: key)
                }
            }
            journal.finished(result)
            // A cell's warnings read the same in the terminal as at the cell.
            for case .notice(let notice) in result.outputs where notice.severity == .warning { progress.report(notice) }
            if result.status == .error, cancellation.reason != nil { stoppedBy = stoppedBy ?? cancellation.stopReason }
            if result.status == .ok || result.status == .cached { state.metrics[cell.label] = result.metrics }
            if let error = result.error {
                progress.report(error)
                if !settings.keepGoing { stopped = true }
            }
            progress.cellFinished(result)
            results.append(result)
        }
        evaluateRoles(before: notebook.cells.count)
        cache?.finish()

        var result = RunResult(notebook: notebook, cells: results, inlineValues: inlineValues, warnings: warnings,
                               seconds: Date().timeIntervalSince(started), parameters: Pipeline.parameters(settings.defaults))
        result.stoppedBy = stoppedBy
        result.inputFiles = inputFiles
        return result
    }

    /// The cell's cache key, or nil when its input files cannot be listed or read.
    private func cacheKey(for directive: any Directive, cell: Cell, previous: String, cache: CellCache,
                          context: ExecutionContext) -> String? {
        guard cache.mode != .off, let inputs = try? directive.inputFiles(in: context) else { return nil }
        var digests: [(path: String, digest: String)] = []
        for url in inputs {
            guard let digest = try? cache.digests.digest(of: url) else { return nil }
            digests.append((url.lastPathComponent, digest))
        }
        return CacheKey.compute(previous: previous, cell: cell, defaults: settings.defaults, inputDigests: digests)
    }

    /// The cell's directive, built and validated, and its `:timeout:`: what `validate` checks and `run` uses.
    private func prepare(_ cell: Cell) throws -> (any Directive, Double?) {
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
