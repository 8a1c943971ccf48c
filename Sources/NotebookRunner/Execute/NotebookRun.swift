import Foundation

/// One run of a notebook, as `Executor.run` performs it: the shared state, what has
/// happened so far, and one method per step.
///
/// For each cell in order: evaluate the inline roles before it, then give it a result —
/// its validation error, `skipped` (after a failure, unless `keepGoing`), the run's
/// cancellation, or its outputs (restored from the cache or computed).
final class NotebookRun {
    private let executor: Executor
    private let notebook: Notebook
    private let progress: ProgressReporter
    private let cancellation: Cancellation
    private let journal: RunJournal
    private let cache: CellCache?
    private let started = Date()
    private let state = NotebookState()
    /// The files cells wrote into `<out>/<notebook>/`, this run's and the previous run's.
    private let manifest: AssetManifest
    /// Each cell's directive and `:timeout:`, or why it is invalid, by cell index.
    private let prepared: [Int: Result<(directive: any Directive, timeout: Double?), Diagnostic>]

    private var results: [CellResult] = []
    private var inlineValues: [Int: InlineValue] = [:]
    private var warnings: [Diagnostic]
    private var previousKey = ""
    private var inputFiles: [URL] = []
    private var nextRole = 0
    /// Set after a failure without `keepGoing`: later cells are skipped.
    private var stopped: Bool
    private var stoppedBy: StopReason?
    /// Runs the page's code cells in its Jupyter kernel; nil when code is only shown.
    private var codeRunner: CodeCellRunner?
    private var codeRuns: [Int: CodeCellRun] = [:]
    private var nextCode = 0
    /// The kernel as nbrun's own cells and inline `{py}` values reach it.
    private lazy var kernelAccess = KernelAccess(name: settings.kernel ?? notebook.frontMatter.kernel?.name,
                                                 executes: settings.executesCode) { [unowned self] location in
        guard let codeRunner else {
            throw Diagnostic.error("the page's Jupyter kernel does not run in this render", at: location)
        }
        return try codeRunner.session(at: location)
    }

    init(executor: Executor, notebook: Notebook, progress: ProgressReporter, cancellation: Cancellation,
         journal: RunJournal, cache: CellCache?) {
        self.executor = executor
        self.notebook = notebook
        self.progress = progress
        self.cancellation = cancellation
        self.journal = journal
        self.cache = cache
        self.warnings = notebook.warnings
        manifest = AssetManifest(folder: executor.settings.outputDirectory.appendingPathComponent(notebook.name, isDirectory: true),
                                 inside: executor.settings.outputDirectory)
        var prepared: [Int: Result<(directive: any Directive, timeout: Double?), Diagnostic>] = [:]
        for cell in notebook.cells {
            do {
                prepared[cell.index] = .success(try executor.prepare(cell))
            } catch {
                prepared[cell.index] = .failure(Executor.diagnostic(from: error, cell: cell))
            }
        }
        self.prepared = prepared
        if executor.settings.executesCode, let name = executor.settings.kernel ?? notebook.frontMatter.kernel?.name {
            codeRunner = CodeCellRunner(kernel: name, settings: executor.settings, cache: cache, progress: progress,
                                        cancellation: cancellation, requestedAt: notebook.frontMatter.kernel?.location)
        }
        stopped = !executor.settings.keepGoing && prepared.values.contains { if case .failure = $0 { true } else { false } }
    }

    private var settings: RunSettings { executor.settings }

    /// Runs every cell and role and returns what the renderer and the run record show.
    func run() -> RunResult {
        for cell in notebook.cells {
            runCode(before: cell.location.line)
            evaluateRoles(before: cell.index - 1)
            results.append(result(of: cell))
        }
        runCode(before: Int.max)
        evaluateRoles(before: notebook.cells.count)
        codeRunner?.shutdown()
        cache?.finish()
        manifest.finish(complete: stoppedBy == nil && !results.contains { $0.status == .skipped })
        var result = RunResult(notebook: notebook, cells: results, inlineValues: inlineValues, warnings: warnings,
                               seconds: Date().timeIntervalSince(started),
                               parameters: Pipeline.parameters(settings.defaults) + settings.kernelParameters.values)
        result.kernelStarts = codeRunner?.kernelStarts ?? 0
        result.stoppedBy = stoppedBy
        result.inputFiles = inputFiles
        result.codeRuns = codeRuns
        if !codeRuns.isEmpty {
            // The parser's "code cells shown, not run" note, said again for the ones that were not run.
            result.warnings.removeAll(where: CodeCell.isSummary)
            let notRun = notebook.codeCells.indices.filter { codeRuns[$0] == nil && notebook.codeCells[$0].error == nil }
            if let summary = CodeCell.summary(notRun.map { notebook.codeCells[$0] }) { result.warnings.append(summary) }
        }
        return result
    }

    /// The cell's result: invalid, skipped, cancelled, or run.
    private func result(of cell: Cell) -> CellResult {
        switch prepared[cell.index] {
        case .failure(let diagnostic):
            progress.report(diagnostic)
            return CellResult(cell: cell, status: .error, outputs: [.error(diagnostic)], error: diagnostic)
        case .success(let preparation) where !stopped:
            if let reason = cancellation.reason {
                stoppedBy = stoppedBy ?? cancellation.stopReason
                stopped = true
                let diagnostic = Diagnostic.error(reason, at: cell.location)
                return CellResult(cell: cell, status: .error, outputs: [.error(diagnostic)], error: diagnostic)
            }
            return run(cell, preparation.directive, timeout: preparation.timeout)
        default:
            return CellResult(cell: cell, status: .skipped)
        }
    }

    /// Runs (or restores) one cell under the journal's watch and records what it left.
    private func run(_ cell: Cell, _ directive: any Directive, timeout: Double?) -> CellResult {
        progress.cellStarted(cell, of: notebook.cells.count)
        let cellCancellation = CellCancellation(run: cancellation)
        journal.started(cell, timeout: timeout, cancellation: cellCancellation.cell)
        let context = ExecutionContext(state: state, cell: cell, settings: settings, notebookName: notebook.name,
                                       assetDirectory: settings.outputDirectory.appendingPathComponent(notebook.name, isDirectory: true),
                                       cancellation: cellCancellation,
                                       language: notebook.frontMatter.language ?? "en", progress: progress.message)
        context.kernel = kernelAccess
        let result = restoreOrExecute(cell, directive, in: context)
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
        return result
    }

    /// The cell's outputs from the cache when its key is there, else computed (and stored).
    private func restoreOrExecute(_ cell: Cell, _ directive: any Directive, in context: ExecutionContext) -> CellResult {
        for url in (try? directive.inputFiles(in: context)) ?? [] where !inputFiles.contains(url) { inputFiles.append(url) }
        let key = cache.flatMap { executor.cacheKey(for: directive, cell: cell, previous: previousKey, cache: $0, context: context,
                                                    kernelState: codeRunner?.stateKey) }
        // A cell that cannot be keyed makes every later key fresh, so nothing stale is reused.
        previousKey = key ?? UUID().uuidString
        guard let key, let cache else {
            state.resetChanges()
            return execute(directive, cell: cell, in: context)
        }
        if let entry = cache.load(key, report: { message in
            let warning = Diagnostic.warning(message, at: cell.location)
            warnings.append(warning)
            progress.report(warning)
        }), manifest.holds(entry.result.files ?? []) {
            entry.effect.apply(to: state)
            manifest.add(entry.result.files ?? [])
            return CellResult(cell: cell, status: .cached, outputs: entry.result.outputs, metrics: entry.result.metrics,
                              seconds: entry.result.seconds)
        }
        state.resetChanges()
        let result = execute(directive, cell: cell, in: context)
        if result.status == .ok {
            let files = context.writtenFiles.compactMap(manifest.relativePath)
            cache.store(CacheEntry(result: .init(outputs: result.outputs, metrics: result.metrics, seconds: result.seconds, files: files),
                                   effect: StateEffect(capturing: state)), key: key)
        }
        return result
    }

    /// Runs the cell and adds the files it wrote (also when it failed after writing some) to the manifest.
    private func execute(_ directive: any Directive, cell: Cell, in context: ExecutionContext) -> CellResult {
        let result = Executor.execute(directive, cell: cell, in: context)
        manifest.add(context.writtenFiles.compactMap(manifest.relativePath))
        return result
    }

    /// Runs, in the page's kernel, the executable code cells that start before `line` and have not run.
    private func runCode(before line: Int) {
        guard let codeRunner else { return }
        while nextCode < notebook.codeCells.count, notebook.codeCells[nextCode].location.line < line {
            let code = notebook.codeCells[nextCode]
            evaluateRoles(before: results.count, line: code.location.line)
            defer { nextCode += 1 }
            guard code.isExecutable else { continue }
            guard !stopped else { codeRuns[nextCode] = CodeCellRun(status: .skipped); continue }
            if let reason = cancellation.reason {
                stoppedBy = stoppedBy ?? cancellation.stopReason
                stopped = true
                let diagnostic = Diagnostic.error(reason, at: code.location)
                codeRuns[nextCode] = CodeCellRun(status: .error, outputs: [.error(diagnostic)], error: diagnostic)
                continue
            }
            let run = codeRunner.run(code)
            codeRuns[nextCode] = run
            if let error = run.error {
                progress.report(error)
                if cancellation.reason != nil {
                    stoppedBy = stoppedBy ?? cancellation.stopReason
                    stopped = true
                } else if !settings.keepGoing {
                    stopped = true
                }
            }
        }
    }

    /// An inline kernel value, from the cache when the kernel's state and the role are unchanged
    /// (an unchanged page starts no kernel for it).
    private func kernelValue(_ role: InlineRole) throws -> String? {
        let key = codeRunner?.stateKey.map { CacheKey.inline(role, kernelState: $0) }
        if let key, let cache, let entry = cache.load(key, report: { progress.report(Diagnostic.warning($0, at: role.location)) }),
           case .text(let text)? = entry.result.outputs.first {
            return text
        }
        let text = try KernelInlineValue.evaluate(role, kernel: kernelAccess)
        if let text, let key, let cache {
            cache.store(CacheEntry(result: .init(outputs: [.text(text)], metrics: [], seconds: 0), effect: StateEffect(changes: [:])), key: key)
        }
        return text
    }

    /// Evaluates the inline roles that come before cell `cellCount + 1` and before `line` (none
    /// after a stop, unless `keepGoing`). A kernel value (`{py}`) is asked of the kernel; nil
    /// from it leaves the role's placeholder.
    private func evaluateRoles(before cellCount: Int, line: Int = .max) {
        while nextRole < notebook.roles.count, notebook.roles[nextRole].cellsBefore <= cellCount,
              notebook.roles[nextRole].location.line < line {
            defer { nextRole += 1 }
            let role = notebook.roles[nextRole]
            guard !stopped || settings.keepGoing else { continue }
            do {
                if role.kernel != nil {
                    if let text = try kernelValue(role) { inlineValues[nextRole] = .value(text) }
                } else if let evaluate = executor.inlineEvaluator {
                    inlineValues[nextRole] = .value(try evaluate(role, state))
                }
            } catch {
                let diagnostic = Executor.diagnostic(from: error, location: role.expressionLocation)
                inlineValues[nextRole] = .error(diagnostic)
                progress.report(diagnostic)
            }
        }
    }
}
