import Foundation
import NotebookRunner
import Synchronization

/// One notebook being previewed: renders it through the cell cache, watches its files and
/// re-renders when one changes, and keeps the latest page for the server.
///
/// Watching is polling: every `interval` seconds the notebook, every file its cells read
/// (`RunResult.inputFiles`) and every image file its prose embeds are checked for a new size
/// or modification time (a missing one for its appearance). A handful of
/// `stat` calls ten times a second costs nothing and works on every platform and file
/// system, where inotify and FSEvents differ and miss editors that save by renaming.
public final class PreviewSession: Sendable {
    /// The latest render: its report, the page served for it, and its number, which goes up by
    /// one each time the page changes.
    public struct Page: Sendable {
        public var version: Int
        /// The report as rendered (as `render` writes it: no script).
        public var html: String
        public var cells: [CellStatus]
        /// The report with the reload hook, its nonce left to each response.
        let served: ReloadHook.Template

        public init(version: Int, html: String, cells: [CellStatus]) {
            self.version = version
            self.html = html
            self.cells = cells
            served = ReloadHook.install(in: html, version: version)
        }

        /// The page sent to a browser: the report with the reload hook, whose script and policy
        /// carry `nonce`.
        public func served(nonce: String) -> String {
            served.page(nonce: nonce)
        }

        /// The same as UTF-8 pieces, sent one after another (the page's own are shared).
        public func servedPieces(nonce: String) -> [[UInt8]] {
            served.pieces(nonce: nonce)
        }
    }

    public let notebook: URL
    public let file: String
    /// Used by one thread at a time: the one in `watch()` (or a caller of `render()` before it).
    nonisolated(unsafe) private let pipeline: Pipeline
    private let interval: Double
    private let log: @Sendable (String) -> Void
    private let state = Mutex<(page: Page, watched: [(url: URL, stamp: FileStamp?)])>((Page(version: 0, html: "", cells: []), []))
    private let stopped = Atomic<Bool>(false)

    /// - Parameters:
    ///   - pipeline: renders the notebook; its cache mode should be `.use`, so that an edit
    ///     re-runs only the cells it changed (a prose edit runs none).
    ///   - log: told one line per render.
    public init(notebook: URL, file: String, pipeline: Pipeline, interval: Double = 0.05,
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.notebook = notebook
        self.file = file
        self.pipeline = pipeline
        self.interval = interval
        self.log = log
    }

    /// The latest page.
    public var page: Page { state.withLock { $0.page } }

    /// The files watched: the notebook, then what its cells read, then its prose's images.
    public var watchedFiles: [URL] { state.withLock { $0.watched.map(\.url) } }

    /// Renders the notebook now and publishes the page.
    public func render() {
        let started = Date()
        // The notebook's stamp is taken first, so a save during the render is seen next time.
        let notebookStamp = FileStamp(notebook)
        let outcome = pipeline.render(notebook, file: file)
        let html = (try? String(contentsOf: outcome.report, encoding: .utf8)) ?? ""
        var watched: [(url: URL, stamp: FileStamp?)] = [(notebook, notebookStamp)]
        let images = outcome.run?.notebook.images.compactMap(\.file) ?? []
        for url in (outcome.run?.inputFiles ?? []) + images where !watched.contains(where: { $0.url == url }) {
            watched.append((url, FileStamp(url)))
        }
        let cells = outcome.run?.cells.map(\.status) ?? []
        // Renders come from one thread at a time, so the number read here is still the latest below.
        let page = Page(version: state.withLock { $0.page.version } + 1, html: html, cells: cells)
        state.withLock { current in
            current.page = page
            current.watched = watched
        }
        let version = page.version
        let ran = cells.filter { $0 == .ok || $0 == .error }.count
        log(String(format: "rendered %@ (version %d, %d of %d cells ran, %.0f ms)", file, version, ran, cells.count,
                   Date().timeIntervalSince(started) * 1000))
    }

    /// Whether a watched file changed since the last render.
    func changed() -> Bool {
        state.withLock { $0.watched }.contains { FileStamp($0.url) != $0.stamp }
    }

    /// Renders, then re-renders whenever a watched file changes, until `stop()`. Blocks.
    public func watch() {
        render()
        while !stopped.load(ordering: .relaxed) {
            Thread.sleep(forTimeInterval: interval)
            if changed() { render() }
        }
    }

    /// Ends `watch()` after its current render.
    public func stop() {
        stopped.store(true, ordering: .relaxed)
    }
}

/// What tells a file's versions apart: its size and modification time (nil: missing).
struct FileStamp: Equatable {
    var size: Int
    var modified: Date

    init?(_ url: URL) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
              let size = attributes[.size] as? Int, let modified = attributes[.modificationDate] as? Date else { return nil }
        self.size = size
        self.modified = modified
    }
}
