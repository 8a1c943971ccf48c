import Foundation
import JupyterKernel

/// Runs a page's code cells in one Jupyter kernel, in order, through the cell cache.
///
/// Each code cell's key (`CacheKey.code`) chains the keys of the code cells before it, so a
/// cell is restored only when it and everything that built the kernel's state are unchanged.
/// The kernel starts at the first cell that is not restored; the restored cells before it are
/// run again first (their outputs are the cached ones), so its state is what the page built.
/// An unchanged page starts no kernel at all.
///
/// A kernel that dies (`os._exit`, a crash) makes its cell a located error; with `keepGoing`
/// the next cell starts a fresh kernel (everything defined before is gone), else the run stops.
final class CodeCellRunner {
    let kernelName: String
    private let settings: RunSettings
    private let cache: CellCache?
    private let progress: ProgressReporter
    private let cancellation: Cancellation
    /// Where the page asks for its kernel (the front matter's kernelspec), for a start failure.
    private let requestedAt: SourceLocation?
    private var session: KernelSession?
    private var startFailure: Diagnostic?
    /// Cells restored from the cache that the running kernel has not run: run before the next
    /// cell that is computed, whose state depends on them.
    private var unreplayed: [CodeCell] = []
    private var previousKey = ""
    /// The kernelspec as the key covers it; nil when it cannot be found (nothing is cached).
    private lazy var kernelspec: String? = (try? KernelSpec.find(kernelName)).map { spec in
        ([spec.name, spec.language, spec.interruptMode.rawValue] + spec.argv
            + spec.environment.keys.sorted().map { "\($0)=\(spec.environment[$0]!)" }).joined(separator: "\u{1F}")
    }
    /// What the code cells run so far made of the kernel, for the cache keys of what reads it
    /// (`{gradcheck} :python:`, `:from-python:`, `{py}` values): the last code cell's key and the
    /// kernelspec; nil when nothing can be cached.
    var stateKey: String? {
        guard let cache, cache.mode != .off, let kernelspec else { return nil }
        return previousKey + "\u{1F}" + kernelspec
    }
    /// How many kernels this page started (0 when every code cell came from the cache).
    private(set) var kernelStarts = 0

    init(kernel name: String, settings: RunSettings, cache: CellCache?, progress: ProgressReporter,
         cancellation: Cancellation, requestedAt: SourceLocation?) {
        kernelName = name
        self.settings = settings
        self.cache = cache
        self.progress = progress
        self.cancellation = cancellation
        self.requestedAt = requestedAt
    }

    func shutdown() { session?.shutdown() }

    /// Runs `code` (or restores it from the cache), then the cell `-p` injects after a
    /// `parameters` cell.
    func run(_ code: CodeCell) -> CodeCellRun {
        var run = runOrRestore(code)
        guard code.isParameters, !settings.kernelParameters.values.isEmpty, run.error == nil else { return run }
        let parameters = settings.kernelParameters.code
        var injected = code
        injected.code = parameters
        injected.options = ["tags": KernelParameters.injectedTag]
        let injectedRun = runOrRestore(injected)
        run.injected = .init(code: parameters, status: injectedRun.status, outputs: injectedRun.outputs)
        run.error = injectedRun.error
        if injectedRun.error != nil { run.status = .error }
        return run
    }

    private func runOrRestore(_ code: CodeCell) -> CodeCellRun {
        let timeout: Double?
        do { timeout = try code.timeout() } catch {
            let diagnostic = Executor.diagnostic(from: error, location: code.location)
            return CodeCellRun(status: .error, outputs: [.error(diagnostic)], error: diagnostic)
        }
        let key = cacheKey(for: code)
        // A cell that cannot be keyed makes every later key fresh, so nothing stale is reused.
        previousKey = key ?? UUID().uuidString
        if let key, let cache, let entry = cache.load(key, report: { progress.report(Diagnostic.warning($0, at: code.location)) }) {
            unreplayed.append(code)
            var run = CodeCellRun(status: .cached, outputs: entry.result.outputs)
            run.seconds = entry.result.seconds
            return run
        }
        progress.codeCellStarted(code, kernel: kernelName)
        let clock = ContinuousClock()
        let start = clock.now
        var run = execute(code, timeout: timeout)
        let elapsed = clock.now - start
        run.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        progress.codeCellFinished(run)
        if run.status == .ok, let key, let cache {
            cache.store(CacheEntry(result: .init(outputs: run.outputs, metrics: [], seconds: run.seconds),
                                   effect: StateEffect(changes: [:])), key: key)
        }
        return run
    }

    /// The cell's key, or nil when the cache is off, the kernelspec cannot be found or a file
    /// the code names cannot be read.
    private func cacheKey(for code: CodeCell) -> String? {
        guard let cache, cache.mode != .off, let kernelspec else { return nil }
        var digests: [(path: String, digest: String)] = []
        for url in code.namedFiles(relativeTo: settings.notebookDirectory) {
            guard let digest = try? cache.digests.digest(of: url) else { return nil }
            digests.append((url.path, digest))
        }
        return CacheKey.code(previous: previousKey, source: code.keyedSource, kernelspec: kernelspec, inputDigests: digests)
    }

    /// Runs the cell in the kernel (started, and brought up to date, first).
    private func execute(_ code: CodeCell, timeout: Double?) -> CodeCellRun {
        let session: KernelSession
        switch readySession(at: code.location) {
        case .success(let ready): session = ready
        case .failure(let diagnostic): return CodeCellRun(status: .error, outputs: [.error(diagnostic)], error: diagnostic)
        }
        // The run's `--timeout` reaches the kernel as the run's cancellation (the watchdog's).
        let outcome = session.run(code.code, start: code.codeStart, timeout: timeout, cancellation: cancellation)
        if session.isDead { self.session = nil }
        if outcome.error != nil && code.raisesException && !session.isDead && cancellation.reason == nil {
            return CodeCellRun(status: .ok, outputs: outcome.outputs.filter { if case .error = $0 { false } else { true } })
        }
        return CodeCellRun(status: outcome.status, outputs: outcome.outputs, error: outcome.error)
    }

    /// The kernel for nbrun's own cells and inline values at `location` (`KernelAccess`): the
    /// running one, or a new one that has run the code cells restored so far.
    func session(at location: SourceLocation) throws -> KernelSession {
        try readySession(at: location).get()
    }

    /// The running kernel, or a new one that has run the restored cells before the cell at `location`.
    private func readySession(at location: SourceLocation) -> Result<KernelSession, Diagnostic> {
        if let session { return .success(session) }
        if let startFailure { return .failure(Diagnostic.error("not run: the kernel \(kernelName) did not start (\(startFailure.message))", at: location)) }
        let fresh: KernelSession
        do {
            progress.message("starting the Jupyter kernel \(kernelName)")
            fresh = try KernelSession(kernel: kernelName, workingDirectory: settings.notebookDirectory,
                                      location: requestedAt ?? location)
            kernelStarts += 1
        } catch {
            let failure = Executor.diagnostic(from: error, location: requestedAt ?? location)
            startFailure = failure
            return .failure(failure)
        }
        session = fresh
        let replay = unreplayed
        unreplayed = []
        for earlier in replay {
            progress.message("re-running the cached code cell at line \(earlier.location.line) to rebuild the kernel's state")
            let outcome = fresh.run(earlier.code, start: earlier.codeStart, timeout: nil, cancellation: cancellation)
            if let error = outcome.error, !earlier.raisesException {
                if fresh.isDead { session = nil }
                return .failure(Diagnostic.error("not run: re-running the code cell at line \(earlier.location.line) (restored from the cache) to rebuild the kernel's state failed: \(error.message)",
                                                 at: location, hint: "render with --refresh to run every cell again"))
            }
        }
        return .success(fresh)
    }
}
