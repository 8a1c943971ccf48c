import Foundation

/// A page of a course as the last build rendered it, kept so that a rebuild skips the pages
/// nothing changed for: neither their cells nor their rendering run again, and no data is read.
///
/// A memo is `<out>/.nbrun-cache/+pages/<page>.memo`, sealed like the cell cache's entries
/// (`CacheSeal`). It holds the page's content before the site's links are applied, its
/// warnings, what each cell recorded (status, metrics, seconds: the "Checked results", the
/// instructor's solution check and the build record read them) and the files its cells read,
/// each with its size and modification time. It is used when its key is the page's key and
/// every one of those files is as it was. The key covers everything else the content depends
/// on: nbrun's build, the course's manifest files, the page's text and place in the course,
/// the settings it runs with, its numbers and the targets of other pages its references name
/// (so a page whose references changed is rendered again), its images, included pages and the
/// BibTeX files beside it. Only pages that finished without an error are kept.
struct PageMemo: Codable {
    struct Content: Codable {
        var title: String
        var language: String
        var body: String
        var math: String
        var imageCSS: String
        var cellBytes: [Int]
    }

    struct CellRecord: Codable {
        var status: CellStatus
        var metrics: [Metric]
        var seconds: Double
    }

    struct Input: Codable, Equatable {
        var path: String
        var size: Int64
        var modified: Int64
    }

    var key: String
    var content: Content
    var warnings: [Diagnostic]
    var cells: [CellRecord]
    var inputs: [Input]
    /// The cell cache entries the page's cells came from (kept while the memo is used).
    var cacheKeys: [String]

    static let folder = "+pages"

    /// The memo's file for the page `file` (its path with `/` as `+`).
    static func url(for file: String, root: URL) -> URL {
        root.appendingPathComponent(".nbrun-cache", isDirectory: true).appendingPathComponent(folder, isDirectory: true)
            .appendingPathComponent(file.replacingOccurrences(of: "/", with: "+") + ".memo")
    }

    /// The memo for `page`, if it is there, sealed by `seal`, under `key`, with its inputs unchanged.
    static func load(page: String, key: String, root: URL, seal: CacheSeal) -> PageMemo? {
        let url = url(for: page, root: root)
        guard let bytes = AtomicFile.readRegularFile(url, limit: 256 << 20), let opened = seal.opened(Array(bytes)),
              let memo = try? JSONDecoder().decode(PageMemo.self, from: Data(opened)), memo.key == key,
              memo.inputs.allSatisfy({ input(URL(fileURLWithPath: $0.path)) == $0 }) else { return nil }
        return memo
    }

    func store(page: String, root: URL, seal: CacheSeal) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(self) else { return }
        try? AtomicFile.write(Data(seal.sealed(Array(data))), to: Self.url(for: page, root: root), inside: root)
    }

    /// What the memo records of a file: its size and modification time (nanoseconds); -1 when missing.
    static func input(_ url: URL) -> Input {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return Input(path: url.path, size: -1, modified: -1) }
        return Input(path: url.path, size: Int64(info.st_size),
                     modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
    }

    /// The page's run as the memo recorded it: every cell `cached`, with its metrics.
    func run(of notebook: Notebook) -> RunResult? {
        guard cells.count == notebook.cells.count else { return nil }
        let results = zip(notebook.cells, cells).map { cell, record in
            CellResult(cell: cell, status: record.status == .skipped ? .skipped : .cached, metrics: record.metrics, seconds: record.seconds)
        }
        return RunResult(notebook: notebook, cells: results, inlineValues: [:], warnings: [], seconds: 0, parameters: [])
    }

    var pageContent: HTMLRenderer.PageContent {
        HTMLRenderer.PageContent(title: content.title, language: content.language, body: content.body, math: content.math,
                                 imageCSS: content.imageCSS, warnings: [], cellBytes: content.cellBytes)
    }

    init(key: String, content: HTMLRenderer.PageContent, warnings: [Diagnostic], run: RunResult, inputs: [URL], cacheKeys: [String]) {
        self.cacheKeys = cacheKeys
        self.key = key
        self.content = Content(title: content.title, language: content.language, body: content.body, math: content.math,
                               imageCSS: content.imageCSS, cellBytes: content.cellBytes)
        self.warnings = warnings
        cells = run.cells.map { CellRecord(status: $0.status, metrics: $0.metrics, seconds: $0.seconds) }
        self.inputs = inputs.map(Self.input)
    }

    /// The key of `notebook` (numbered and linked) at `page` of the course, run with `settings`;
    /// `course` is the digest of the manifest files.
    static func key(_ notebook: Notebook, page: CourseManifest.Page, source: URL, settings: RunSettings, course: String) -> String {
        var hasher = SHA256()
        func add(_ name: String, _ value: String) { hasher.update("\(name)\u{1F}\(value.utf8.count)\u{1F}\(value)\u{1E}") }
        add("nbrun", NBRun.version + " " + BuildIdentity.current)
        add("course", course)
        add("page", "\(page.file)|\(page.title ?? "")|\(page.chapter.map(String.init) ?? "")|\(page.depth)")
        add("source", (try? Data(contentsOf: source)).map { SHA256.hex($0) } ?? "missing")
        add("settings", fingerprint(settings))
        for target in notebook.references.targets.targets {
            add("target", [target.label, target.kind.rawValue, target.name, target.title ?? "", target.anchor, target.number ?? "", target.page ?? "",
                           "\(target.numbering)"].joined(separator: "|"))
        }
        for equation in notebook.equations.equations { add("equation", "\(equation.label)|\(equation.number)|\(equation.page ?? "")") }
        for label in notebook.equations.elsewhere.keys.sorted() {
            let equation = notebook.equations.elsewhere[label]!
            add("elsewhere", "\(label)|\(equation.number)|\(equation.page ?? "")")
        }
        for block in notebook.blocks { add("block", "\(block.kind.rawValue)|\(block.label ?? "")|\(block.shownNumber ?? "")") }
        for image in notebook.images { add("image", image.source + "|" + String(describing: image.content)) }
        for index in notebook.references.files.keys.sorted() { add("file", "\(index)|\(String(describing: notebook.references.files[index]!))") }
        for include in notebook.includes {
            add("include", include.file + "|" + include.prose)
            for image in include.images { add("image", image.source + "|" + String(describing: image.content)) }
        }
        // The BibTeX files it names (or the course names for it), and those beside it (read when it cites).
        let folder = source.deletingLastPathComponent()
        let beside = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted().filter { $0.hasSuffix(".bib") }
        for name in notebook.frontMatter.bibliography + beside {
            let input = input(name.hasPrefix("/") ? URL(fileURLWithPath: name) : folder.appendingPathComponent(name))
            add("bib", "\(name)|\(input.size)|\(input.modified)")
        }
        return hasher.hexDigest()
    }

    /// The settings a page's content depends on, as text.
    static func fingerprint(_ settings: RunSettings) -> String {
        var parts = [
            "keep-going:\(settings.keepGoing)", "reproducible:\(settings.reproducible)", "student:\(settings.omitsSolutions)",
            "data:\(settings.dataDirectory?.path ?? "")", "memory:\(settings.memoryBudget.bytes)", "kernel:\(settings.kernel ?? "")",
            "execute:\(settings.executesCode)", "remote-images:\(settings.allowsRemoteImages)", "timeout:\(settings.runTimeout.map { "\($0)" } ?? "")",
            "kernel-parameters:\(settings.kernelParameters.values.map { "\($0.key)=\($0.value)" }.joined(separator: ","))",
        ]
        for key in settings.defaults.entries.keys.sorted() { parts.append("default:\(key)=\(settings.defaults.entries[key]!.value)") }
        return parts.joined(separator: "\n")
    }
}
