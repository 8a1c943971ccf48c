import Foundation

/// The whole course as the last build left it, so that a rebuild with nothing changed does
/// nothing: no page is parsed, run or rendered and no file of the site is written again, only
/// `build.json` (every page marked unchanged, no cell run, no data read).
///
/// The memo is `<out>/.nbrun-cache/+build.memo`, sealed like the cell cache's entries
/// (`CacheSeal`). It is kept only after a build in which every page finished without an error
/// and was kept as a `PageMemo`, so skipping the build gives the site the pages' memos would.
/// It is used when its key is the build's key and every input and output is as it was, each
/// with its size and modification time:
/// - the inputs: every file and folder below the course folder as `ManifestReader` walks it
///   (a new, removed or edited file anywhere in it, a manifest file included, rebuilds), and
///   the files outside it that pages read: the files their cells read (data sets), their
///   images, `{include}`d files and BibTeX files;
/// - the outputs: every file of the site the build wrote.
/// The key covers what is not a file: nbrun's build, the course folder, the settings, and the
/// flags that add files (`--single-file`, `--pdf`).
struct BuildMemo: Codable {
    var key: String
    /// Every file and folder below the course folder, sorted by path.
    var folder: [PageMemo.Input]
    /// The files outside the course folder that pages read.
    var outside: [PageMemo.Input]
    var outputs: [PageMemo.Input]
    var record: BuildRecord
    var warnings: [Diagnostic]
    /// The first page of the site, relative to the output folder.
    var site: String

    static func url(root: URL) -> URL {
        root.appendingPathComponent(".nbrun-cache", isDirectory: true).appendingPathComponent("+build.memo")
    }

    /// The key of building `manifest` with `settings` into `settings.outputDirectory`.
    static func key(_ manifest: CourseManifest, display: String, settings: RunSettings, singleFile: Bool, printed: Bool) -> String {
        var hasher = SHA256()
        func add(_ name: String, _ value: String) { hasher.update("\(name)\u{1F}\(value.utf8.count)\u{1F}\(value)\u{1E}") }
        add("nbrun", NBRun.version + " " + BuildIdentity.current)
        add("folder", manifest.folder.standardizedFileURL.path + "|" + display)
        add("settings", PageMemo.fingerprint(settings))
        add("notebooks", settings.notebookDirectory?.path ?? "")
        add("page-budget", "\(settings.pageBudget)")
        add("outputs", "single-file:\(singleFile) pdf:\(printed)")
        return hasher.hexDigest()
    }

    /// Every file and folder below the course folder (as `ManifestReader` walks it, the folder itself
    /// first), sorted by path.
    static func folderInputs(_ folder: URL, ignoring: [URL]) -> [PageMemo.Input] {
        ([folder] + ManifestReader.filesOnDisk(in: folder, ignoring: ignoring)).map { PageMemo.input($0) }.sorted { $0.path < $1.path }
    }

    /// The memo, if it is there, sealed by `seal`, under `key`, with every output and every input as
    /// it was; `folder` is what `folderInputs` gives now.
    static func load(key: String, root: URL, seal: CacheSeal, folder: [PageMemo.Input]) -> BuildMemo? {
        guard let bytes = AtomicFile.readRegularFile(url(root: root), limit: 256 << 20), let opened = seal.opened(Array(bytes)),
              let memo = try? JSONDecoder().decode(BuildMemo.self, from: Data(opened)), memo.key == key, memo.folder == folder,
              (memo.outside + memo.outputs).allSatisfy({ PageMemo.input(URL(fileURLWithPath: $0.path)) == $0 }) else { return nil }
        return memo
    }

    func store(root: URL, seal: CacheSeal) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(self) else { return }
        try? AtomicFile.write(Data(seal.sealed(Array(data))), to: Self.url(root: root), inside: root)
    }

    static func remove(root: URL) {
        try? FileManager.default.removeItem(at: url(root: root))
    }
}
