import Foundation
import Synchronization
import TeXMath

/// `nbrun build`: a whole course into one static site.
///
/// 1. Every page the manifest lists is parsed (its images and linked files read beside it).
/// 2. `CourseTargets` numbers the course (per chapter, continuously or per page, as the
///    manifest says) and gives each page the targets of other pages its references name.
/// 3. The pages run over `jobs` workers, each cell through the per-cell cache shared by the
///    course (`<out>/.nbrun-cache/`), so an unchanged course rebuilds without running a cell.
/// 4. Each page is rendered by the report's renderer, its links to other pages' sources
///    (`[](other.md#label)`) turned into links to their `.html`, and framed by `SiteFrame`.
/// 5. The site's shared files are written: `site.css` (with the one math font, cut to the
///    glyphs of the whole course), the front page, the search page, the "Checked results"
///    page, and the build record `build.json`.
///
/// Every file is written atomically inside the output folder; nothing is written elsewhere.
public struct CourseBuild {
    public var settings: RunSettings
    public var registry: DirectiveRegistry
    public var cancellation: Cancellation
    public var cacheMode: CellCache.Mode
    /// Pages run at once.
    public var jobs: Int
    /// Where diagnostics and progress lines go (the CLI: standard error), one line or block per call.
    public var log: @Sendable (String) -> Void
    /// Also write the whole course as one page, `course.html` (`--single-file`).
    public var singleFile = false
    /// Also print the course to `course.pdf` with this printer (`--pdf`).
    public var printer: ChromiumPrinter? = nil

    public init(settings: RunSettings, registry: DirectiveRegistry = .standard, cancellation: Cancellation = Cancellation(),
                cacheMode: CellCache.Mode = .use, jobs: Int = ProcessInfo.processInfo.activeProcessorCount,
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.settings = settings
        self.registry = registry
        self.cancellation = cancellation
        self.cacheMode = cacheMode
        self.jobs = max(1, jobs)
        self.log = log
    }

    /// What building produced.
    public struct Outcome: Sendable {
        public var site: URL
        public var record: BuildRecord
        public var diagnostics: [Diagnostic]
        public var stopReason: StopReason
        public var failed: Bool { stopReason != .finished || diagnostics.contains { $0.severity == .error } }
    }

    /// One page's run.
    struct PageRun: Sendable {
        var run: RunResult?
        var failure: Diagnostic?
        var seconds: Double
        /// The page's memo key (nil: the page is not kept, e.g. `--no-cache`).
        var key: String? = nil
        /// The page as the last build left it, when nothing it depends on changed: not run, not rendered.
        var memo: PageMemo? = nil
        /// The cell cache entries the page used, which the course's cache keeps.
        var cacheKeys: [String] = []
        /// The build was stopped (a signal, a time limit) before the page started.
        var notStarted = false
    }

    /// Builds the course `manifest` describes; `display` is how diagnostics name its folder.
    public func build(_ manifest: CourseManifest, display: String) -> Outcome {
        let started = Date()
        let pages = manifest.pages
        let files = pages.map { display.isEmpty || display == "." ? $0.file : (display.hasSuffix("/") ? display : display + "/") + $0.file }
        let paths = pages.map { CourseManifest.htmlPath(of: $0.file) }
        let root = settings.outputDirectory

        // 0. Nothing changed since the last build: nothing to do but say so in the record.
        let seal = CacheSeal(folder: root.appendingPathComponent(".nbrun-cache", isDirectory: true), inside: root, persistent: cacheMode != .off)
        let memoKey = cacheMode == .off || manifest.execution == .force ? nil
            : BuildMemo.key(manifest, display: display, settings: settings, singleFile: singleFile, printed: printer != nil)
        let folderInputs = memoKey == nil ? [] : BuildMemo.folderInputs(manifest.folder, ignoring: [root])
        if cacheMode == .use, let memoKey, let memo = BuildMemo.load(key: memoKey, root: root, seal: seal, folder: folderInputs) {
            let record = memo.record.unchanged(seconds: Date().timeIntervalSince(started), jobs: jobs)
            var diagnostics = memo.warnings
            var stop = StopReason.finished
            if record.seconds != nil {
                do {
                    try AtomicFile.write(record.encoded(), to: root.appendingPathComponent("build.json"), inside: root)
                } catch {
                    diagnostics.append(Executor.diagnostic(from: error, location: SourceLocation(file: "build.json", line: 1)))
                    stop = .outputFailed
                }
            }
            log("\(pages.count) pages unchanged since the last build: nothing parsed, run or written")
            return Outcome(site: root.appendingPathComponent(memo.site), record: record, diagnostics: diagnostics, stopReason: stop)
        }

        // 1. Parse, `jobs` pages at a time.
        let (settings, registry) = (self.settings, self.registry)
        let parsed = PageThreads.map(pages.count, jobs: jobs) { index -> Result<Notebook, Diagnostic> in
            let page = pages[index]
            let url = manifest.folder.appendingPathComponent(page.file)
            do {
                var notebook = try NotebookParser.parse(contentsOf: url, file: files[index], omitSolutions: settings.omitsSolutions,
                                                        directives: registry.names)
                notebook.warnings += notebook.frontMatter.unknownKeyWarnings(known: registry.inheritableNames)
                // The course's BibTeX files (`bibtex_bibfiles`, `project.bibliography`) for a page that names none.
                if notebook.frontMatter.bibliography.isEmpty {
                    let up = String(repeating: "../", count: page.file.split(separator: "/").count - 1)
                    notebook.frontMatter.bibliography = manifest.bibliography.map { $0.hasPrefix("/") ? $0 : up + $0 }
                }
                ProseImageLoader.load(&notebook, folder: url.deletingLastPathComponent(), root: manifest.folder, allowsRemote: settings.allowsRemoteImages)
                ReferenceFiles.load(&notebook, folder: url.deletingLastPathComponent())
                return .success(notebook)
            } catch {
                return .failure(Executor.diagnostic(from: error, location: SourceLocation(file: files[index], line: 1)))
            }
        }
        var notebooks: [Notebook] = []
        var parseFailures: [Int: Diagnostic] = [:]
        for (index, result) in parsed.enumerated() {
            switch result {
            case .success(let notebook): notebooks.append(notebook)
            case .failure(let diagnostic):
                parseFailures[index] = diagnostic
                notebooks.append(Notebook(file: files[index], name: NotebookParser.name(of: pages[index].file), frontMatter: FrontMatter(), cells: [],
                                          math: [], roles: [], prose: "", warnings: [], errors: [diagnostic]))
            }
        }

        // 2. Number and link across pages.
        var targets = CourseTargets(pages: pages)
        targets.number(&notebooks, numbering: manifest.numbering)
        for index in notebooks.indices { targets.link(&notebooks[index], page: index) }

        // 3. Run, `jobs` pages at a time, sharing the data sets read and the cell cache.
        let dataReads = DataReads()
        let cache = CellCache.Shared()
        let runs = run(notebooks, manifest: manifest, skip: Set(parseFailures.keys), dataReads: dataReads, cache: cache, seal: seal)
        if cancellation.stopReason == nil {
            CellCache(mode: cacheMode, outputDirectory: settings.outputDirectory, notebookName: Self.cacheFolder, shared: cache).finishCourse()
        }

        // 4. Render each page's content, its links to other pages' sources resolved.
        let renderer = HTMLRenderer(reproducible: settings.reproducible)
        var contents: [HTMLRenderer.PageContent?] = []
        var diagnostics: [Diagnostic] = []
        var sections: [SiteSearch.Section] = []
        var courseMath = ""
        // Each page's content, `jobs` at a time: from its memo, or rendered (and kept as a memo);
        // then its links to other pages resolved and its sections read for the search page.
        let (linkedTargets, linkedNotebooks) = (targets, notebooks)
        let rendered = PageThreads.map(pages.count, jobs: jobs) { index -> (content: HTMLRenderer.PageContent, warnings: [Diagnostic], sections: [SiteSearch.Section], inputs: [URL])? in
            guard let (content, warnings, inputs) = Self.content(of: index, runs: runs, renderer: renderer, manifest: manifest, settings: settings, seal: seal)
            else { return nil }
            var linked = content
            var linkWarnings = warnings
            linked.body = SiteLinks.rewrite(content.body, page: index, paths: paths, pages: pages, targets: linkedTargets,
                                            notebook: linkedNotebooks[index], folder: manifest.folder, warnings: &linkWarnings)
            let title = pages[index].title ?? linkedNotebooks[index].title
            return (linked, linkWarnings, SiteSearch.sections(ofBody: linked.body, path: paths[index], title: title), inputs)
        }
        for index in pages.indices {
            guard let page = rendered[index] else { contents.append(nil); continue }
            courseMath += page.content.math
            sections += page.sections
            diagnostics += page.warnings
            contents.append(page.content)
        }
        for failure in parseFailures.values.sorted(by: { $0.description < $1.description }) { diagnostics.append(failure) }
        let notStarted = runs.filter(\.notStarted).count
        if let reason = cancellation.reason, notStarted > 0 {
            diagnostics.append(.error("\(reason): \(notStarted) of \(pages.count) pages not built",
                                      hint: "the finished pages and build.json are written; build again for the rest (what finished is not run again)"))
        }

        // 5. The site around the pages.
        let language = notebooks.first?.frontMatter.language ?? "en"
        let strings = SiteStrings(language: language)
        let titled = pages.indices.map { index -> String in
            let title = pages[index].title ?? notebooks[index].title
            return pages[index].chapter.map { "\($0). \(title)" } ?? title
        }
        let frontIsPage = paths.contains(SiteFrame.frontPage)
        let order = (frontIsPage ? [] : [SiteFrame.frontPage]) + paths
        var titles = Dictionary(zip(paths, titled)) { first, _ in first }
        titles[SiteFrame.frontPage] = titles[SiteFrame.frontPage] ?? manifest.title
        let exercises = ExercisesPage.body(pages.indices.map { ExercisesPage.Page(path: paths[$0], title: titled[$0], notebook: notebooks[$0]) },
                                           strings: strings, student: settings.omitsSolutions)
        var frame = SiteFrame(title: manifest.title, language: language, entries: manifest.entries,
                              pages: Dictionary(uniqueKeysWithValues: pages.indices.map { (pages[$0].file, SiteFrame.Entry(path: paths[$0], title: titled[$0])) }),
                              order: order, titles: titles, version: renderer.version)
        frame.hasExercises = exercises.count > 0
        let checked = CheckedResultsPage.body(pages.indices.compactMap { index in
            runs[index].run.map { CheckedResultsPage.Page(path: paths[index], title: titled[index], run: $0) }
        }, strings: strings)
        courseMath += checked.math
        // The instructor's edition fails on a solution that does not hold.
        if !settings.omitsSolutions {
            for run in runs { if let run = run.run { diagnostics += ExercisesPage.failedSolutions(run) } }
        }

        // Each page framed by the site, `jobs` at a time (every frame lists the whole course).
        let (framed, runFailures, pageContents, unparsed) = (frame, runs.map(\.failure), contents, parseFailures)
        let pageFiles = PageThreads.map(pages.count, jobs: jobs) { index -> (html: String, part: SingleFileCourse.Part) in
            let body: String
            var pageCSS = ""
            var language: String? = nil
            if let content = pageContents[index] {
                body = content.body
                pageCSS = content.imageCSS
                language = content.language
                if let cjk = CJKFont.fontFaceCSS(forText: content.title + content.body) { pageCSS = cjk + "\n" + pageCSS }
            } else {
                let failure = runFailures[index] ?? unparsed[index] ?? .error("the page did not run")
                body = "<header class=\"nb-header\"><h1>\(HTML.escape(files[index]))</h1></header>\n<pre class=\"nb-error\" role=\"alert\">\(HTML.escape(failure.description))</pre>\n"
            }
            return (framed.page(at: paths[index], title: titled[index], language: language, body: body, pageCSS: pageCSS),
                    SingleFileCourse.Part(path: paths[index], title: titled[index], body: body, imageCSS: pageContents[index]?.imageCSS ?? ""))
        }
        var written: [(String, String)] = zip(paths, pageFiles.map(\.html)).map { ($0, $1) }
        let parts = pageFiles.map(\.part)
        if !frontIsPage {
            written.append((SiteFrame.frontPage, frame.page(at: SiteFrame.frontPage, title: manifest.title, body: frontPage(manifest, frame: frame, first: paths.first, strings: strings))))
        }
        let search = SiteSearch.script(sections, root: "")
        written.append((SiteFrame.searchPage, frame.page(at: SiteFrame.searchPage, title: strings.search, body: SiteSearch.body(strings: strings), script: search)))
        written.append((SiteFrame.checkedPage, frame.page(at: SiteFrame.checkedPage, title: strings.checkedResults, body: checked.html)))
        var appendices = [SingleFileCourse.Part(path: SiteFrame.checkedPage, title: strings.checkedResults, body: checked.html, imageCSS: "")]
        if exercises.count > 0 {
            written.append((SiteFrame.exercisesPage, frame.page(at: SiteFrame.exercisesPage, title: strings.exercises, body: exercises.html)))
            appendices.append(SingleFileCourse.Part(path: SiteFrame.exercisesPage, title: strings.exercises, body: exercises.html, imageCSS: ""))
        }
        let fontCSS = courseMath.isEmpty ? "" : MathRenderer.fontCSS(forMath: courseMath, embed: true)
        written.append((SiteFrame.stylesheet, SiteStyle.stylesheet(fontCSS: fontCSS)))
        let onePage = SingleFileCourse(title: manifest.title, authors: manifest.authors, language: language, frame: frame, entries: manifest.entries,
                                       parts: parts, appendices: appendices, fontCSS: fontCSS)
        if singleFile { written.append((SingleFileCourse.file, onePage.html())) }

        // The record.
        var stop = StopReason.finished
        for run in runs {
            if let run = run.run { stop = Self.worst(stop, run.stopReason) } else if !run.notStarted { stop = Self.worst(stop, .notebookInvalid) }
        }
        // A stopped build says why, whether or not a page was running when it stopped.
        if let reason = cancellation.stopReason { stop = Self.worst(stop, reason) }
        let record = BuildRecord(manifest: manifest, files: files, paths: paths, runs: runs.map { ($0.run, $0.seconds, $0.memo != nil, $0.notStarted) },
                                 stop: stop, seconds: Date().timeIntervalSince(started), jobs: jobs, reproducible: settings.reproducible,
                                 checked: checked.counts, dataReads: dataReads.all, pagesParsed: pages.count)
        written.append(("build.json", record.encoded()))
        let outputFiles = written
        let failures = PageThreads.map(outputFiles.count, jobs: jobs) { index -> Diagnostic? in
            let (path, text) = outputFiles[index]
            do {
                try AtomicFile.write(text, to: root.appendingPathComponent(path), inside: root)
                return nil
            } catch {
                return Executor.diagnostic(from: error, location: SourceLocation(file: path, line: 1))
            }
        }
        for failure in failures.compactMap({ $0 }) {
            diagnostics.append(failure)
            stop = Self.worst(stop, .outputFailed)
        }
        if let printer, cancellation.stopReason == nil {
            do {
                try printer.print(onePage, to: root.appendingPathComponent(CoursePDF.file), inside: root)
            } catch {
                diagnostics.append((error as? Diagnostic) ?? Executor.diagnostic(from: error, location: SourceLocation(file: CoursePDF.file, line: 1)))
                stop = Self.worst(stop, .outputFailed)
            }
        }

        // The build's memo, when every page was kept as a memo and nothing failed or was stopped.
        let kept = runs.allSatisfy { $0.key != nil && $0.run.map { $0.stopReason == .finished && $0.errors.isEmpty } == true }
        if let memoKey, kept, parseFailures.isEmpty, stop == .finished, cancellation.stopReason == nil,
           !diagnostics.contains(where: { $0.severity == .error }) {
            var outputs: [String] = written.map { $0.0 }.filter { $0 != "build.json" }
            if printer != nil { outputs.append(CoursePDF.file) }
            let walked = Set(folderInputs.map { $0.path })
            let read: [URL] = rendered.flatMap { page -> [URL] in page?.inputs ?? [] } + notebooks.flatMap { Self.filesRead($0) }
            let outside: [URL] = Set(read.map { $0.standardizedFileURL }).filter { !walked.contains($0.path) }.sorted { $0.path < $1.path }
            BuildMemo(key: memoKey, folder: folderInputs, outside: outside.map { PageMemo.input($0) },
                      outputs: outputs.map { PageMemo.input(root.appendingPathComponent($0)) }, record: record, warnings: diagnostics,
                      site: order.first ?? SiteFrame.frontPage).store(root: root, seal: seal)
        } else {
            BuildMemo.remove(root: root)
        }
        return Outcome(site: root.appendingPathComponent(order.first ?? SiteFrame.frontPage), record: record, diagnostics: diagnostics,
                       stopReason: stop)
    }

    /// Runs every page not in `skip`, `jobs` at a time, each with its own settings (front matter,
    /// `-p`), a child of the build's cancellation and the course's cache; the results in the pages' order.
    private func run(_ notebooks: [Notebook], manifest: CourseManifest, skip: Set<Int>, dataReads: DataReads,
                     cache shared: CellCache.Shared, seal: CacheSeal) -> [PageRun] {
        let results = Mutex<[Int: PageRun]>([:])
        let next = Mutex(0)
        var buildSettings = settings
        buildSettings.dataReads = dataReads
        // Each page's settings (front matter, `-p`) first: a page the command line does not fit does not run.
        let pipeline = Pipeline(settings: buildSettings, registry: registry)
        let pageSettings: [Result<RunSettings, Diagnostic>] = notebooks.indices.map { index in
            let url = manifest.folder.appendingPathComponent(manifest.pages[index].file)
            do {
                var settings = try pipeline.effectiveSettings(for: notebooks[index], at: url)
                if manifest.execution == .off { settings.executesCode = false }
                return .success(settings)
            } catch {
                return .failure((error as? Diagnostic) ?? Executor.diagnostic(from: error, location: SourceLocation(file: notebooks[index].file, line: 1)))
            }
        }
        let (settings, registry, cancellation, log) = (self.settings, self.registry, self.cancellation, self.log)
        let cacheMode: CellCache.Mode = manifest.execution == .force ? .off : self.cacheMode
        let workers = min(jobs, max(1, notebooks.count))
        let course = Self.manifestDigest(manifest.folder)
        // With several workers the pages with the most cells first, so that no worker is left with
        // a long page at the end; with one, the course's order (its progress lines read in order,
        // and a stopped build has finished the first pages).
        let order = workers == 1 ? Array(notebooks.indices)
            : notebooks.indices.sorted { (notebooks[$0].cells.count + notebooks[$0].codeCells.count, $1) > (notebooks[$1].cells.count + notebooks[$1].codeCells.count, $0) }
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let position = next.withLock { value -> Int in defer { value += 1 }; return value }
                guard position < notebooks.count else { return }
                let index = order[position]
                let notebook = notebooks[index]
                if skip.contains(index) {
                    results.withLock { $0[index] = PageRun(run: nil, failure: notebook.errors.first ?? .error("the page could not be read"), seconds: 0) }
                    continue
                }
                if let reason = cancellation.reason {
                    results.withLock { $0[index] = PageRun(run: nil, failure: .error("not built: \(reason)"), seconds: 0, notStarted: true) }
                    continue
                }
                let started = Date()
                let page: PageRun
                switch pageSettings[index] {
                case .success(let pageSettings):
                    let source = manifest.folder.appendingPathComponent(manifest.pages[index].file)
                    let key = cacheMode == .off ? nil
                        : PageMemo.key(notebook, page: manifest.pages[index], source: source, settings: pageSettings, course: course)
                    if cacheMode == .use, let key, let memo = PageMemo.load(page: manifest.pages[index].file, key: key, root: settings.outputDirectory, seal: seal),
                       let run = memo.run(of: notebook) {
                        for key in memo.cacheKeys { shared.use(key) }
                        log("built \(notebook.file): unchanged (0 ran, \(run.cells.count) cached)")
                        results.withLock { $0[index] = PageRun(run: run, seconds: 0, key: key, memo: memo) }
                        continue
                    }
                    let executor = Executor(registry: registry, settings: pageSettings, inlineEvaluator: InlineEvaluation.evaluate)
                    let cache = CellCache(mode: cacheMode, outputDirectory: settings.outputDirectory,
                                          notebookName: Self.cacheFolder, memoryBudget: settings.memoryBudget, shared: shared)
                    let run = executor.run(notebook, progress: ProgressReporter(mode: .silent), cancellation: Cancellation(parent: cancellation),
                                           journal: RunJournal(), cache: cache)
                    page = PageRun(run: run, seconds: Date().timeIntervalSince(started), key: key, cacheKeys: cache.keysUsed.sorted())
                case .failure(let diagnostic):
                    page = PageRun(run: nil, failure: diagnostic, seconds: 0)
                }
                let status = page.run.map { run -> String in
                    let cached = run.cells.filter { $0.status == .cached }.count
                    let ran = run.cells.filter { $0.status == .ok || $0.status == .error }.count
                    return (run.stopReason == .finished ? "ok" : run.stopReason.recordName) + " (\(ran) ran, \(cached) cached)"
                } ?? "failed: \(page.failure?.headline ?? "")"
                log(String(format: "built %@ in %.2fs: %@", notebook.file, page.seconds, status))
                results.withLock { $0[index] = page }
            }
        }
        return results.withLock { all in notebooks.indices.map { all[$0]! } }
    }

    /// Page `index`'s content, warnings and the files it was made of (the page, the files its cells read):
    /// from its memo, or rendered (and kept as a memo); nil when it did not run.
    private static func content(of index: Int, runs: [PageRun], renderer: HTMLRenderer, manifest: CourseManifest, settings: RunSettings,
                                seal: CacheSeal) -> (HTMLRenderer.PageContent, [Diagnostic], [URL])? {
        let pages = manifest.pages
        guard var run = runs[index].run else { return nil }
        if let memo = runs[index].memo { return (memo.pageContent, memo.warnings, memo.inputs.map { URL(fileURLWithPath: $0.path) }) }
        if settings.reproducible {
            // Where a result came from (the cache or a run) is, like its time, not part of a reproducible page.
            for cell in run.cells.indices where run.cells[cell].status == .cached { run.cells[cell].status = .ok }
        }
        let content = renderer.content(run)
        let warnings = run.warnings + run.errors + Diagnostic.summarised(content.warnings)
        let source = manifest.folder.appendingPathComponent(pages[index].file)
        // The files cells read, and those code cells name (as the cell cache keys them).
        let named = run.notebook.codeCells.flatMap { $0.namedFiles(relativeTo: source.deletingLastPathComponent()) }
        let inputs = run.inputFiles + named + [source]
        if let key = runs[index].key, run.stopReason == .finished, run.errors.isEmpty {
            PageMemo(key: key, content: content, warnings: warnings, run: run, inputs: inputs, cacheKeys: runs[index].cacheKeys)
                .store(page: pages[index].file, root: settings.outputDirectory, seal: seal)
        }
        return (content, warnings, inputs)
    }

    /// The files parsing `notebook` read besides the page: its images, `{include}`d files (and
    /// theirs) and BibTeX files.
    static func filesRead(_ notebook: Notebook) -> [URL] {
        var files = notebook.images.compactMap(\.file)
        if let folder = notebook.folder {
            files += notebook.frontMatter.bibliography.map { $0.hasPrefix("/") ? URL(fileURLWithPath: $0) : folder.appendingPathComponent($0) }
        }
        for include in notebook.includes {
            if let folder = include.folder { files.append(folder.appendingPathComponent((include.file as NSString).lastPathComponent)) }
            files += filesRead(include)
        }
        return files
    }

    /// The digest of the course's manifest files (`myst.yml`, `_toc.yml`, `_config.yml`): part of every page's memo key.
    static func manifestDigest(_ folder: URL) -> String {
        var hasher = SHA256()
        for name in ["myst.yml", "_toc.yml", "_config.yml"] {
            let bytes = AtomicFile.readRegularFile(folder.appendingPathComponent(name), limit: 16 << 20) ?? []
            hasher.update("\(name)\u{1F}\(bytes.count)\u{1F}")
            hasher.update(bytes)
        }
        return hasher.hexDigest()
    }

    /// The cache folder all pages of a course share, `<out>/.nbrun-cache/+course/` (no page's
    /// name starts with `+`).
    static let cacheFolder = "+course"

    static func worst(_ a: StopReason, _ b: StopReason) -> StopReason {
        func rank(_ reason: StopReason) -> Int {
            switch reason {
            case .finished: 0
            case .cellFailed: 1
            case .notebookInvalid: 2
            case .outputFailed: 3
            case .timedOut: 4
            case .usageError: 5
            case .interrupted: 6
            }
        }
        return rank(b) > rank(a) ? b : a
    }

    /// The generated front page: the title, the authors, the whole table of contents.
    private func frontPage(_ manifest: CourseManifest, frame: SiteFrame, first: String?, strings: SiteStrings) -> String {
        var html = "<header class=\"nb-header\">\n<h1>\(HTML.escape(manifest.title))</h1>\n"
        if !manifest.authors.isEmpty { html += "<p class=\"nb-meta\">\(HTML.escape(manifest.authors.joined(separator: ", ")))</p>\n" }
        html += "</header>\n<main>\n<nav class=\"nb-toc\" aria-label=\"\(strings.contents)\"><strong>\(strings.contents)</strong>\n"
        func list(_ entries: [CourseManifest.Entry]) -> String {
            var html = "<ol>\n"
            for entry in entries {
                if let file = entry.file, let page = frame.pages[file] {
                    html += "<li><a href=\"\(HTML.escape(page.path))\">\(HTML.escape(page.title))</a>"
                } else {
                    html += "<li><strong>\(HTML.escape(entry.title ?? ""))</strong>"
                }
                if !entry.children.isEmpty { html += "\n" + list(entry.children) }
                html += "</li>\n"
            }
            return html + "</ol>\n"
        }
        html += list(manifest.entries) + "</nav>\n"
        if let first { html += "<p><a href=\"\(HTML.escape(first))\">\(strings.start) →</a></p>\n" }
        return html + "</main>\n"
    }
}
