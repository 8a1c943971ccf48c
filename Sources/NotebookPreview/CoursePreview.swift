import Foundation
import NotebookRunner
import Synchronization

/// A course being previewed (`nbrun preview DIR`): built into its site folder, then built again
/// whenever a file of the course changes, and served from there by `PreviewRoutes`.
///
/// Each build is `nbrun build`'s incremental one: a page nothing changed for is taken from its
/// memo (neither run nor rendered), so saving one page runs and renders that page alone (and
/// the pages whose references its new numbers reach). Watching is polling, as for one page: every
/// `interval` seconds the course folder's files (the manifest, the pages, their images, data
/// and included files; hidden folders, `_build` and the site folder aside) are checked for a
/// new size or modification time, or for files come or gone. The site's `version` goes up by
/// one after each build; the reload hook of every served page polls it.
public final class CoursePreview: Sendable {
    public let folder: URL
    public let display: String
    /// The site folder, where the build writes and the server reads.
    public var site: URL { build.settings.outputDirectory }
    /// Used by one thread at a time: the one in `watch()` (or a caller of `rebuild()` before it).
    nonisolated(unsafe) private let build: CourseBuild
    private let interval: Double
    private let log: @Sendable (String) -> Void
    private let state = Mutex<(version: Int, stamps: [String: FileStamp], failed: Bool)>((0, [:], false))
    private let stopped = Atomic<Bool>(false)

    /// - Parameters:
    ///   - build: builds the course into its `settings.outputDirectory`; its cache mode should be
    ///     `.use`, so that a rebuild runs only what changed.
    ///   - log: told the build's lines and one line per build.
    public init(folder: URL, display: String, build: CourseBuild, interval: Double = 0.2,
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.folder = folder
        self.display = display
        self.build = build
        self.interval = interval
        self.log = log
    }

    /// The number of the latest build (0 before the first).
    public var version: Int { state.withLock { $0.version } }

    /// Whether the latest build failed (its manifest could not be read, or a page has an error).
    public var failed: Bool { state.withLock { $0.failed } }

    /// Builds the course now (its manifest read again) and publishes the site.
    public func rebuild() {
        let started = Date()
        // The files' stamps are taken first, so a save during the build is seen next time.
        let stamps = files()
        let read = ManifestReader.read(folder: folder, display: display, ignoring: [site])
        for diagnostic in read.diagnostics { log(diagnostic.description) }
        var failed = true
        var summary = "not built: the manifest has errors"
        if let manifest = read.manifest {
            let outcome = build.build(manifest, display: display)
            for diagnostic in Diagnostic.summarised(outcome.diagnostics) { log(diagnostic.description) }
            failed = outcome.failed
            let rebuilt = outcome.record.pages.filter { $0.unchanged != true }.map(\.file)
            summary = rebuilt.isEmpty ? "no page changed" : "rebuilt " + rebuilt.joined(separator: ", ")
        }
        let version = state.withLock { current -> Int in
            current = (current.version + 1, stamps, failed)
            return current.version
        }
        log(String(format: "site version %d: %@ (%.0f ms)", version, summary, Date().timeIntervalSince(started) * 1000))
    }

    /// Builds, then builds again whenever a file of the course changes, until `stop()`. Blocks.
    public func watch() {
        rebuild()
        while !stopped.load(ordering: .relaxed) {
            Thread.sleep(forTimeInterval: interval)
            let now = files()
            if now != state.withLock({ $0.stamps }) { rebuild() }
        }
    }

    /// Ends `watch()` after its current build.
    public func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    /// Every file of the course folder with its stamp, by path: hidden entries, `_build` and the
    /// site folder left out.
    func files() -> [String: FileStamp] {
        let siteFolder = site.standardizedFileURL.resolvingSymlinksInPath().path
        var stamps: [String: FileStamp] = [:]
        let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isDirectoryKey], options: [.skipsHiddenFiles])
        while let url = walker?.nextObject() as? URL {
            if (try? url.resourceValues(forKeys: [.isDirectoryKey]))?.isDirectory == true {
                if url.lastPathComponent == "_build" || url.standardizedFileURL.resolvingSymlinksInPath().path == siteFolder { walker?.skipDescendants() }
                continue
            }
            stamps[url.path] = FileStamp(url)
        }
        return stamps
    }
}
