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

    public init(settings: RunSettings, registry: DirectiveRegistry = .standard,
                progress: ProgressReporter = ProgressReporter(), cancellation: Cancellation = Cancellation()) {
        self.settings = settings
        self.registry = registry
        self.progress = progress
        self.cancellation = cancellation
    }

    /// What rendering one notebook produced.
    public struct Outcome: Sendable {
        public var report: URL
        public var record: URL?
        public var run: RunResult?
        /// Every error and warning, in order, as printed.
        public var diagnostics: [Diagnostic]
        public var failed: Bool { diagnostics.contains { $0.severity == .error } }
    }

    /// Parses and validates without running: the diagnostics of `nbrun check`.
    public func check(_ url: URL, file: String) -> [Diagnostic] {
        do {
            let notebook = try NotebookParser.parse(contentsOf: url, file: file)
            var settings = self.settings
            settings.defaults = mergedDefaults(notebook)
            let executor = Executor(registry: registry, settings: settings)
            return notebook.warnings + executor.validate(notebook)
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
            notebook = try NotebookParser.parse(contentsOf: url, file: file)
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

        var settings = self.settings
        settings.defaults = mergedDefaults(notebook)
        let executor = Executor(registry: registry, settings: settings, inlineEvaluator: InlineEvaluation.evaluate)
        let run = executor.run(notebook, progress: progress, cancellation: cancellation)
        let (html, renderWarnings) = renderer.render(run)
        renderWarnings.forEach(progress.report)

        var diagnostics = notebook.warnings + run.errors + renderWarnings
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

    /// Front matter overridden by the run's parameters (`-p key=value`).
    func mergedDefaults(_ notebook: Notebook) -> Defaults {
        var defaults = notebook.frontMatter.defaults
        for (key, entry) in settings.defaults.entries { defaults.set(key, entry.value, at: entry.location) }
        return defaults
    }
}
