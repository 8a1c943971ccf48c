import Foundation

/// The whole pipeline for one notebook: parse → execute → render → write.
///
/// The report and the run record are written even when a cell fails, and even when
/// the notebook cannot be parsed (then the page shows the parse error).
public struct Pipeline {
    public var settings: RunSettings
    public var registry: DirectiveRegistry
    public var progress: ProgressReporter
    public var cancellation: Cancellation
    /// Whether cells are restored from `<out>/.nbrun-cache/` (`--no-cache`: off, `--refresh`: rebuild).
    public var cacheMode: CellCache.Mode

    public init(settings: RunSettings, registry: DirectiveRegistry = .standard,
                progress: ProgressReporter = ProgressReporter(), cancellation: Cancellation = Cancellation(),
                cacheMode: CellCache.Mode = .use) {
        self.settings = settings
        self.registry = registry
        self.progress = progress
        self.cancellation = cancellation
        self.cacheMode = cacheMode
    }

    /// What rendering one notebook produced.
    public struct Outcome: Sendable {
        public var report: URL
        public var record: URL?
        public var run: RunResult?
        /// Every error and warning, in order, as printed.
        public var diagnostics: [Diagnostic]
        /// The command line was wrong (an unknown parameter): exit status 2.
        public var isUsageError = false
        public var failed: Bool { diagnostics.contains { $0.severity == .error } }
    }

    /// Parses and validates without running: the diagnostics of `nbrun check`.
    public func check(_ url: URL, file: String) -> [Diagnostic] {
        do {
            let notebook = try NotebookParser.parse(contentsOf: url, file: file)
            let settings = try effectiveSettings(for: notebook, at: url)
            let executor = Executor(registry: registry, settings: settings)
            return notebook.warnings + notebook.errors + executor.validate(notebook)
        } catch {
            return [Executor.diagnostic(from: error, location: SourceLocation(file: file, line: 1))]
        }
    }

    /// Renders the notebook at `url` into `settings.outputDirectory`.
    public func render(_ url: URL, file: String) -> Outcome {
        let name = NotebookParser.name(of: file)
        let reportURL = settings.outputDirectory.appendingPathComponent(name + ".html")
        let recordURL = settings.outputDirectory.appendingPathComponent(name + ".json")
        let renderer = HTMLRenderer(reproducible: settings.reproducible)

        let notebook: Notebook
        do {
            notebook = try NotebookParser.parse(contentsOf: url, file: file, omitSolutions: settings.omitsSolutions)
        } catch {
            let diagnostic = Executor.diagnostic(from: error, location: SourceLocation(file: file, line: 1))
            progress.report(diagnostic)
            var diagnostics = [diagnostic]
            do {
                try AtomicFile.write(renderer.renderFailure(file: file, diagnostic: diagnostic), to: reportURL)
            } catch {
                diagnostics.append(Executor.diagnostic(from: error, location: SourceLocation(file: file, line: 1)))
            }
            return Outcome(report: reportURL, record: nil, run: nil, diagnostics: diagnostics)
        }
        notebook.warnings.forEach(progress.report)
        notebook.errors.forEach(progress.report)

        let settings: RunSettings
        do {
            settings = try effectiveSettings(for: notebook, at: url)
        } catch {
            // A command-line mistake: no notebook location applies.
            let diagnostic = (error as? Diagnostic) ?? Executor.diagnostic(from: error, location: SourceLocation(file: file, line: 1))
            progress.report(diagnostic)
            return Outcome(report: reportURL, record: nil, run: nil, diagnostics: [diagnostic], isUsageError: true)
        }
        let executor = Executor(registry: registry, settings: settings, inlineEvaluator: InlineEvaluation.evaluate)
        let journal = RunJournal()
        let watchdog = Watchdog(journal: journal, run: cancellation, runTimeout: settings.runTimeout) { [settings] reason in
            // The running cell ignores cancellation: write what there is, then leave.
            let cells = journal.partialResults(of: notebook, reason: reason + " (the cell did not stop; partial report)")
            let partial = RunResult(notebook: notebook, cells: cells, inlineValues: [:], warnings: notebook.warnings,
                                    seconds: 0, parameters: Self.parameters(settings.defaults))
            try? AtomicFile.write(renderer.render(partial).html, to: reportURL)
            try? AtomicFile.write(RunRecord(partial, reproducible: settings.reproducible).encoded(), to: recordURL)
            FileHandle.standardError.write(Data("\(file): error: \(reason); wrote the partial report \(reportURL.path)\n".utf8))
            exit(reason.hasPrefix("interrupted") ? 130 : 1)
        }
        watchdog.start()
        let cache = CellCache(mode: cacheMode, outputDirectory: settings.outputDirectory, notebookName: notebook.name)
        let run = executor.run(notebook, progress: progress, cancellation: cancellation, journal: journal, cache: cache)
        watchdog.stop()
        let (html, renderWarnings) = renderer.render(run)
        renderWarnings.forEach(progress.report)

        var diagnostics = run.warnings + run.errors + renderWarnings
        do {
            try AtomicFile.write(html, to: reportURL)
            try AtomicFile.write(RunRecord(run, reproducible: settings.reproducible).encoded(), to: recordURL)
        } catch {
            let diagnostic = Executor.diagnostic(from: error, location: SourceLocation(file: file, line: 1))
            progress.report(diagnostic)
            diagnostics.append(diagnostic)
        }
        return Outcome(report: reportURL, record: recordURL, run: run, diagnostics: diagnostics)
    }

    static func parameters(_ defaults: Defaults) -> [(key: String, value: String)] {
        defaults.entries.keys.sorted().map { ($0, defaults.entries[$0]!.value) }
    }

    /// The run's settings for `notebook`: front matter overridden by `-p key=value`
    /// parameters, the notebook's folder, and a `data-dir` default when `--data-dir` is not given.
    /// A parameter must name a front-matter key or an option of some directive.
    func effectiveSettings(for notebook: Notebook, at url: URL) throws -> RunSettings {
        var settings = self.settings
        var defaults = notebook.frontMatter.defaults
        let known = Set(notebook.frontMatter.values.map(\.key) + registry.directives.flatMap { $0.spec.allOptions.map(\.name) }
                        + ["seed", "data-dir"])
        for key in self.settings.defaults.entries.keys.sorted() {
            let entry = self.settings.defaults.entries[key]!
            guard known.contains(key) else {
                let nearest = Suggestion.nearest(to: key, in: Array(known)).map { "did you mean '\($0)'? " } ?? ""
                throw Diagnostic.error("unknown parameter '\(key)' (-p \(key)=\(entry.value))",
                                       hint: nearest + "parameters override front-matter keys or cell options: " + known.sorted().joined(separator: ", "))
            }
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
