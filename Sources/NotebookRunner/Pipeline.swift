import Foundation
import Synchronization

/// The whole pipeline for one notebook: parse → execute → render → write.
///
/// The report and the run record are written even when a cell fails, and even when
/// the notebook cannot be parsed (then the page shows the parse error).
public struct Pipeline {
    public var settings: RunSettings
    public var registry: DirectiveRegistry
    public var progress: ProgressReporter
    /// The host cancels it when a signal arrives; each notebook's run polls a child of it
    /// (so one notebook's `--timeout` does not stop the next).
    public var cancellation: Cancellation
    /// Whether cells are restored from `<out>/.nbrun-cache/` (`--no-cache`: off, `--refresh`: rebuild).
    public var cacheMode: CellCache.Mode
    /// Called when a cancelled cell does not stop (within the watchdog's grace period, or
    /// after a second cancellation request), once the partial report and record are written.
    /// It runs on the watchdog's thread while the cell still holds the caller's: a
    /// command-line host exits here. If it returns, `render` returns this outcome once the
    /// cell finally ends.
    public var onStuck: @Sendable (Outcome) -> Void
    /// Seconds a cancelled cell gets to stop before `onStuck`.
    public var grace: Double

    public init(settings: RunSettings, registry: DirectiveRegistry = .standard,
                progress: ProgressReporter = ProgressReporter(), cancellation: Cancellation = Cancellation(),
                cacheMode: CellCache.Mode = .use, grace: Double = 5,
                onStuck: @escaping @Sendable (Outcome) -> Void = { _ in }) {
        self.settings = settings
        self.registry = registry
        self.progress = progress
        self.cancellation = cancellation
        self.cacheMode = cacheMode
        self.grace = grace
        self.onStuck = onStuck
    }

    /// What rendering one notebook produced.
    public struct Outcome: Sendable {
        public var report: URL
        public var record: URL?
        public var run: RunResult?
        /// Every error and warning, in order, as printed.
        public var diagnostics: [Diagnostic]
        /// How the run ended; the host turns it into an exit status.
        public var stopReason: StopReason
        public var failed: Bool { stopReason != .finished || diagnostics.contains { $0.severity == .error } }
    }

    /// Every static check `render` would make, without running a cell: the diagnostics of
    /// `nbrun check` (parse errors, cells and options, inline roles, names, formulas), in
    /// notebook order.
    public func check(_ url: URL, file: String) -> [Diagnostic] {
        do {
            var notebook = try parse(url, file: file, omitSolutions: false)
            let settings = try effectiveSettings(for: notebook, at: url)
            ProseImageLoader.load(&notebook, folder: url.deletingLastPathComponent(), allowsRemote: settings.allowsRemoteImages)
            ReferenceFiles.load(&notebook, folder: url.deletingLastPathComponent())
            let executor = Executor(registry: registry, settings: settings)
            let found = Self.warnings(of: notebook, settings: settings) + notebook.errors + executor.validate(notebook)
                + StaticChecks(notebook: notebook, registry: registry, defaults: settings.defaults).diagnostics()
            return Diagnostic.summarised(found.enumerated().sorted { a, b in
                let (x, y) = (a.element.location, b.element.location)
                guard let x, let y else { return a.offset < b.offset }
                return (x.line, x.column, a.offset) < (y.line, y.column, b.offset)
            }.map(\.element))
        } catch {
            return [Executor.diagnostic(from: error, location: SourceLocation(file: file, line: 1))]
        }
    }

    /// The page's warnings as `check` and `render` print them: on a page whose code runs in a
    /// kernel, the parser's "shown, not run" line says which cells will run instead.
    private static func warnings(of notebook: Notebook, settings: RunSettings) -> [Diagnostic] {
        guard settings.executesCode, let kernel = settings.kernel ?? notebook.frontMatter.kernel?.name,
              notebook.warnings.contains(where: CodeCell.isSummary) else { return notebook.warnings }
        return notebook.warnings.filter { !CodeCell.isSummary($0) } + CodeCell.summary(notebook.codeCells, runningIn: kernel)
    }

    /// The notebook at `url`, its directives read by this run's registry, with a warning for each
    /// front-matter key nothing reads.
    private func parse(_ url: URL, file: String, omitSolutions: Bool) throws -> Notebook {
        var notebook = try NotebookParser.parse(contentsOf: url, file: file, omitSolutions: omitSolutions, directives: registry.names)
        notebook.warnings += notebook.frontMatter.unknownKeyWarnings(known: registry.inheritableNames)
        return notebook
    }

    /// Renders the notebook at `url` into `settings.outputDirectory`.
    public func render(_ url: URL, file: String) -> Outcome {
        let name = NotebookParser.name(of: file)
        let reportURL = settings.outputDirectory.appendingPathComponent(name + ".html")
        let recordURL = settings.outputDirectory.appendingPathComponent(name + ".json")
        let renderer = HTMLRenderer(reproducible: settings.reproducible, allowsRemoteImages: settings.allowsRemoteImages)

        var parsed: Notebook
        do {
            parsed = try parse(url, file: file, omitSolutions: settings.omitsSolutions)
        } catch {
            let diagnostic = Executor.diagnostic(from: error, location: SourceLocation(file: file, line: 1))
            progress.report(diagnostic)
            return writeFailure(diagnostic, stop: .notebookInvalid, file: file, report: reportURL, record: recordURL)
        }
        ProseImageLoader.load(&parsed, folder: url.deletingLastPathComponent(), allowsRemote: settings.allowsRemoteImages)
        ReferenceFiles.load(&parsed, folder: url.deletingLastPathComponent())
        let notebook = parsed

        let settings: RunSettings
        do {
            settings = try effectiveSettings(for: notebook, at: url)
        } catch {
            Diagnostic.summarised(notebook.warnings).forEach(progress.report)
            Diagnostic.summarised(notebook.errors).forEach(progress.report)
            // A command-line mistake: no notebook location applies.
            let diagnostic = (error as? Diagnostic) ?? Executor.diagnostic(from: error, location: SourceLocation(file: file, line: 1))
            progress.report(diagnostic)
            return writeFailure(diagnostic, stop: .usageError, file: file, report: reportURL, record: recordURL,
                                title: notebook.title)
        }
        Diagnostic.summarised(Self.warnings(of: notebook, settings: settings)).forEach(progress.report)
        Diagnostic.summarised(notebook.errors).forEach(progress.report)
        let executor = Executor(registry: registry, settings: settings, inlineEvaluator: InlineEvaluation.evaluate)
        let journal = RunJournal()
        let cancellation = Cancellation(parent: self.cancellation)
        let abandoned = Mutex<Outcome?>(nil)
        let watchdog = Watchdog(journal: journal, run: cancellation, runTimeout: settings.runTimeout,
                                grace: grace) { [settings, onStuck] message, stop in
            var partial = RunResult(notebook: notebook, cells: journal.partialResults(of: notebook, reason: message),
                                    inlineValues: [:], warnings: notebook.warnings, seconds: 0,
                                    parameters: Self.parameters(settings.defaults))
            partial.stoppedBy = stop
            let outcome = Self.write(partial, renderer: renderer, report: reportURL, record: recordURL, settings: settings)
            abandoned.withLock { $0 = outcome }
            onStuck(outcome)
        }
        watchdog.start()
        let cache = CellCache(mode: cacheMode, outputDirectory: settings.outputDirectory, notebookName: notebook.name,
                              memoryBudget: settings.memoryBudget)
        let run = executor.run(notebook, progress: progress, cancellation: cancellation, journal: journal, cache: cache)
        if watchdog.stop(), let outcome = abandoned.withLock({ $0 }) { return outcome }
        return Self.write(run, renderer: renderer, report: reportURL, record: recordURL, settings: settings,
                          report: progress.report)
    }

    /// Writes the page and record of a notebook that the command line kept from running (a
    /// value it cannot take, e.g. `--timeout inf`): what an earlier run wrote must not stay,
    /// saying "ok", while the call exits with 2. The message is also the caller's to print.
    public func recordUsageError(_ message: String, notebook url: URL, file: String) -> Outcome {
        let name = NotebookParser.name(of: file)
        return writeFailure(Diagnostic.error(message), stop: .usageError, file: file,
                            report: settings.outputDirectory.appendingPathComponent(name + ".html"),
                            record: settings.outputDirectory.appendingPathComponent(name + ".json"))
    }

    /// Writes a page showing `diagnostic` and a record saying the same, for a notebook that
    /// did not run (it could not be read or parsed, or the command line does not fit it).
    private func writeFailure(_ diagnostic: Diagnostic, stop: StopReason, file: String, report reportURL: URL,
                              record recordURL: URL, title: String? = nil) -> Outcome {
        let renderer = HTMLRenderer(reproducible: settings.reproducible)
        let record = RunRecord(failureOf: file, title: title ?? file, diagnostic: diagnostic, stop: stop,
                               parameters: Self.parameters(settings.defaults))
        let diagnostics = [diagnostic]
        do {
            try AtomicFile.write(renderer.renderFailure(file: file, diagnostic: diagnostic, stop: stop), to: reportURL)
            try AtomicFile.write(record.encoded(), to: recordURL)
        } catch {
            let failure = Executor.diagnostic(from: error, location: SourceLocation(file: file, line: 1))
            progress.report(failure)
            return Outcome(report: reportURL, record: recordURL, run: nil, diagnostics: diagnostics + [failure],
                           stopReason: stop == .usageError ? stop : .outputFailed)
        }
        return Outcome(report: reportURL, record: recordURL, run: nil, diagnostics: diagnostics, stopReason: stop)
    }

    /// Renders `run` and writes the report and the run record (each atomically);
    /// `report` is told the renderer's warnings and a failure to write.
    private static func write(_ run: RunResult, renderer: HTMLRenderer, report reportURL: URL, record recordURL: URL,
                              settings: RunSettings, report: (Diagnostic) -> Void = { _ in }) -> Outcome {
        let (html, allRenderWarnings, weight) = renderer.renderWeighed(run)
        var renderWarnings = Diagnostic.summarised(allRenderWarnings)
        if let heavy = weight.warning(budget: settings.pageBudget, cells: run.cells, file: run.notebook.file) { renderWarnings.append(heavy) }
        renderWarnings.forEach(report)
        let diagnostics = run.warnings + run.errors + renderWarnings
        do {
            try AtomicFile.write(html, to: reportURL)
            try AtomicFile.write(RunRecord(run, reproducible: settings.reproducible, weight: weight).encoded(), to: recordURL)
        } catch {
            let diagnostic = Executor.diagnostic(from: error, location: SourceLocation(file: run.notebook.file, line: 1))
            report(diagnostic)
            let stop: StopReason = if case .interrupted = run.stopReason { run.stopReason } else { .outputFailed }
            return Outcome(report: reportURL, record: recordURL, run: run, diagnostics: diagnostics + [diagnostic], stopReason: stop)
        }
        return Outcome(report: reportURL, record: recordURL, run: run, diagnostics: diagnostics, stopReason: run.stopReason)
    }

    static func parameters(_ defaults: Defaults) -> [(key: String, value: String)] {
        defaults.entries.keys.sorted().map { ($0, defaults.entries[$0]!.value) }
    }

    /// Throws a usage error naming `-p key=value` unless every option called `key` that `-p`
    /// sets takes the value (its type, range or choices), so a bad value is refused before any
    /// cell runs, whether or not a cell of this notebook reads it.
    static func checkParameter(_ key: String, _ value: String, against registry: DirectiveRegistry) throws {
        for directive in registry.directives {
            for option in directive.spec.allOptions where option.name == key && option.inherits {
                do {
                    try option.check(value, SourceLocation(file: "-p", line: 1))
                } catch let diagnostic as Diagnostic {
                    throw Diagnostic.error("invalid parameter -p \(key)=\(value): \(diagnostic.message)",
                                           hint: "-p \(key) takes \(option.valueType)" + (option.defaultText.map { " (default \($0))" } ?? ""))
                }
            }
        }
    }

    /// The run's settings for `notebook`: front matter overridden by `-p key=value`
    /// parameters, the notebook's folder, and a `data-dir` default when `--data-dir` is not given.
    /// A parameter must name a variable the page's `parameters` code cell assigns (when a kernel
    /// runs its code: `KernelParameters`), an option that front matter and `-p` set (`inherits: true`
    /// in its declaration) or a notebook key (`seed`, `data-dir`): anything else would change nothing.
    func effectiveSettings(for notebook: Notebook, at url: URL) throws -> RunSettings {
        var settings = self.settings
        var defaults = notebook.frontMatter.defaults
        let known = registry.inheritableNames
        let readByPage = registry.inheritableNames(readBy: notebook)
        // (With --no-execute the parameters cell's names are still known: they are just not run.)
        let kernel = settings.kernel ?? notebook.frontMatter.kernel?.name
        for key in self.settings.defaults.entries.keys.sorted() {
            let entry = self.settings.defaults.entries[key]!
            if try settings.kernelParameters.claim(key, entry.value, notebook: notebook, kernel: kernel, nbrunKeys: known,
                                                   readByPage: readByPage) { continue }
            guard known.contains(key) else {
                let nearest = Suggestion.nearest(to: key, in: known).map { "did you mean '\($0)'? " } ?? ""
                let cellOnly = registry.directives.filter { $0.spec.allOptions.contains { $0.name == key } }.map { "{\($0.spec.name)}" }
                let why = cellOnly.isEmpty ? "no option is called '\(key)'"
                    : ":\(key): of \(cellOnly.joined(separator: ", ")) is set in each cell, not by -p"
                throw Diagnostic.error("unknown parameter '\(key)' (-p \(key)=\(entry.value)): \(why)",
                                       hint: nearest + "-p sets these: " + known.joined(separator: ", "))
            }
            try Self.checkParameter(key, entry.value, against: registry)
            defaults.set(key, entry.value, at: entry.location)
        }
        settings.defaults = defaults
        let folder = url.deletingLastPathComponent()
        settings.notebookDirectory = folder
        if settings.dataDirectory == nil, let dataDir = defaults["data-dir"] {
            // Front matter paths are relative to the notebook; parameters to the working directory.
            let base = dataDir.location == nil ? URL(fileURLWithPath: FileManager.default.currentDirectoryPath) : folder
            settings.dataDirectory = URL(fileURLWithPath: dataDir.value, relativeTo: base).standardizedFileURL
        }
        return settings
    }
}
