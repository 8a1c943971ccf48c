import Foundation
import Yams

/// Reads a course's manifest as authors already write it: a Jupyter Book 2 `myst.yml`
/// (`project.toc` of `file:`/`title:`/`children:`, `project.title`, `project.numbering`) or a
/// Jupyter Book 1 `_toc.yml` (`format: jb-book`, `root`, `parts`/`chapters`/`sections`,
/// `numbered`) with its `_config.yml` (`title`, `author`, `execute.execute_notebooks`,
/// `bibtex_bibfiles`).
///
/// Every problem is a located diagnostic: a file the manifest names that is not there (with the
/// nearest page as a hint), a path outside the course folder, a page listed twice, a page listed
/// inside itself (a cycle); each page of the folder the manifest leaves out is one warning.
public enum ManifestReader {
    /// The manifest's file names, in the order they are looked for.
    public static let fileNames = ["myst.yml", "_toc.yml"]
    /// Extensions tried after a path written without one (Jupyter Book 1 writes `intro` for `intro.md`).
    static let pageExtensions = ["md", "markdown", "ipynb"]

    public struct Result: Sendable {
        public var manifest: CourseManifest?
        /// Errors (the manifest is nil when there is one) and warnings, in the manifest's order.
        public var diagnostics: [Diagnostic]
    }

    /// The manifest of the course in `folder`; `display` is how diagnostics name the folder,
    /// `ignoring` folders (the build's output) whose pages are not the course's.
    public static func read(folder: URL, display: String, ignoring: [URL] = []) -> Result {
        let fm = FileManager.default
        guard let name = fileNames.first(where: { fm.fileExists(atPath: folder.appendingPathComponent($0).path) }) else {
            return Result(manifest: nil, diagnostics: [.error("no myst.yml or _toc.yml in \(display)",
                at: nil, hint: "write a Jupyter Book table of contents, e.g. myst.yml with project: toc: [{file: intro.md}, …]")])
        }
        let file = display.isEmpty || display == "." ? name : (display.hasSuffix("/") ? display + name : display + "/" + name)
        var reader = Reader(folder: folder, display: display, manifestFile: file)
        reader.pagesOnDisk = pagesOnDisk(in: folder, ignoring: ignoring)
        let manifest: CourseManifest?
        do {
            let root = try reader.compose(folder.appendingPathComponent(name), file: file)
            manifest = name == "myst.yml" ? reader.readMyST(root) : reader.readJupyterBook(root)
        } catch let diagnostic as Diagnostic {
            return Result(manifest: nil, diagnostics: [diagnostic])
        } catch {
            return Result(manifest: nil, diagnostics: [.error("\(error)", at: SourceLocation(file: file, line: 1))])
        }
        var diagnostics = reader.diagnostics
        if let manifest {
            let listed = Set(manifest.pages.map(\.file))
            for page in reader.pagesOnDisk where !listed.contains(page) && !reader.excludes(page) {
                let shown = display.isEmpty || display == "." ? page : (display.hasSuffix("/") ? display : display + "/") + page
                diagnostics.append(.warning("\(page) is not in the table of contents: it is not built", at: SourceLocation(file: shown, line: 1),
                                            hint: "add `- file: \(page)` to \(file), or move the page out of the course folder"))
            }
        }
        let failed = diagnostics.contains { $0.severity == .error }
        return Result(manifest: failed ? nil : manifest, diagnostics: diagnostics)
    }

    /// Every page below `folder` (relative paths, sorted), of the files `filesOnDisk` finds.
    static func pagesOnDisk(in folder: URL, ignoring: [URL]) -> [String] {
        let root = folder.standardizedFileURL.resolvingSymlinksInPath().path
        return filesOnDisk(in: folder, ignoring: ignoring).compactMap { url -> String? in
            guard pageExtensions.contains(url.pathExtension.lowercased()), url.path.hasPrefix(root + "/") else { return nil }
            return String(url.path.dropFirst(root.count + 1))
        }.sorted()
    }

    /// Every file and folder below `folder` (links resolved), leaving out hidden ones, `_build`,
    /// `node_modules` and the `ignoring` folders.
    static func filesOnDisk(in folder: URL, ignoring: [URL]) -> [URL] {
        let root = folder.standardizedFileURL.resolvingSymlinksInPath().path
        let skipped = Set(ignoring.map { $0.standardizedFileURL.resolvingSymlinksInPath().path })
        guard let walker = FileManager.default.enumerator(at: URL(fileURLWithPath: root), includingPropertiesForKeys: [.isDirectoryKey],
                                                          options: [.skipsHiddenFiles]) else { return [] }
        var files: [URL] = []
        for case let url as URL in walker {
            let resolved = url.standardizedFileURL.resolvingSymlinksInPath()
            if (try? url.resourceValues(forKeys: [.isDirectoryKey]))?.isDirectory == true,
               skipped.contains(resolved.path) || ["_build", "node_modules"].contains(url.lastPathComponent) {
                walker.skipDescendants()
                continue
            }
            files.append(resolved)
        }
        return files
    }
}

/// The state of one reading: the course folder, the diagnostics so far, the pages already listed.
private struct Reader {
    let folder: URL
    let display: String
    let manifestFile: String
    var pagesOnDisk: [String] = []
    /// `project.exclude`: paths or glob patterns of pages that are deliberately not in the course.
    var excluded: [String] = []
    var diagnostics: [Diagnostic] = []

    /// Whether `page` (relative to the course folder) matches a `project.exclude` pattern.
    func excludes(_ page: String) -> Bool {
        excluded.contains { fnmatch($0, page, 0) == 0 }
    }
    /// Pages listed so far, with where.
    var listed: [String: SourceLocation] = [:]
    /// The pages of the entries being read, outermost first (a page inside itself is a cycle).
    var ancestors: [String] = []
    var file: String

    init(folder: URL, display: String, manifestFile: String) {
        self.folder = folder
        self.display = display
        self.manifestFile = manifestFile
        file = manifestFile
    }

    func location(_ node: Node) -> SourceLocation {
        SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    /// The YAML document in `url`, or a located error.
    mutating func compose(_ url: URL, file: String) throws -> Node {
        self.file = file
        let text: String
        do {
            text = try SourceText(contentsOf: url, file: file).text
        }
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw Diagnostic.error("\(file) is empty", at: SourceLocation(file: file, line: 1), hint: "write the course's table of contents")
            }
            return node
        } catch let error as YamlError {
            var line = 1, column = 1, problem = "\(error)"
            switch error {
            case .scanner(let context, let message, let mark, _), .parser(let context, let message, let mark, _),
                 .composer(let context, let message, let mark, _):
                (line, column) = (mark.line, max(1, mark.column))
                problem = [context?.text, message].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            default: break
            }
            throw Diagnostic.error("invalid YAML: \(problem)", at: SourceLocation(file: file, line: line, column: column),
                                   hint: "a table of contents is YAML: `- file: intro.md` lines, nested under `children:`")
        }
    }

    // MARK: Jupyter Book 2

    mutating func readMyST(_ root: Node) -> CourseManifest? {
        guard let project = root.mapping?["project"]?.mapping else {
            diagnostics.append(.error("myst.yml has no `project:` mapping", at: location(root),
                                      hint: "write project: {title: …, toc: [{file: intro.md}, …]}"))
            return nil
        }
        guard let tocNode = project["toc"] else {
            diagnostics.append(.error("myst.yml has no `project.toc`", at: location(root),
                                      hint: "list the pages in order: project: toc: - file: intro.md"))
            return nil
        }
        let entries = mystEntries(tocNode)
        var numbering = CourseManifest.Numbering.chapter
        if let node = project["numbering"] {
            if let flag = node.bool { numbering = flag ? .chapter : .page }
            else if let mapping = node.mapping {
                if mapping["continue"]?.bool == true { numbering = .continuous }
                if mapping["enumerator"] != nil || mapping["title"] != nil { numbering = .chapter }
            } else if node.string == "continue" || node.string == "continuous" { numbering = .continuous }
            else {
                diagnostics.append(.error("project.numbering must be true, false or a mapping such as {continue: true}", at: location(node),
                                          hint: "true numbers per chapter (3.2), {continue: true} through the course, false per page"))
            }
        }
        let title = project["title"]?.string ?? folder.lastPathComponent
        let authors = Self.authors(project["authors"] ?? project["author"])
        let bibliography = Self.strings(project["bibliography"])
        excluded = Self.strings(project["exclude"])
        return CourseManifest(file: manifestFile, folder: folder, title: title, authors: authors, numbering: numbering,
                              execution: .cache, bibliography: bibliography, entries: entries,
                              pages: Self.pages(entries, numbered: numbering != .page, rootIsFront: false))
    }

    private mutating func mystEntries(_ node: Node) -> [CourseManifest.Entry] {
        guard let items = node.sequence else {
            diagnostics.append(.error("a table of contents must be a list of entries", at: location(node),
                                      hint: "write `- file: intro.md` lines"))
            return []
        }
        return items.compactMap { item in
            guard let mapping = item.mapping else {
                diagnostics.append(.error("a table of contents entry must be a mapping such as {file: intro.md}", at: location(item),
                                          hint: "write `- file: intro.md`, or `- title: Part 1` with `children:`"))
                return nil
            }
            for (key, _) in mapping where !["file", "title", "children", "hidden", "url", "pattern"].contains(key.string ?? "") {
                let near = Suggestion.nearest(to: key.string ?? "", in: ["file", "title", "children"]).map { "did you mean '\($0)'? " } ?? ""
                diagnostics.append(.warning("unknown table of contents key '\(key.string ?? "")'", at: location(key),
                                            hint: near + "entries have file:, title: and children:"))
            }
            return entry(file: mapping["file"], title: mapping["title"]?.string, at: location(item)) { reader in
                mapping["children"].map { reader.mystEntries($0) } ?? []
            }
        }
    }

    // MARK: Jupyter Book 1

    mutating func readJupyterBook(_ root: Node) -> CourseManifest? {
        guard let toc = root.mapping else {
            diagnostics.append(.error("_toc.yml must be a mapping with `root:`", at: location(root),
                                      hint: "format: jb-book, root: intro, chapters: [{file: a}, …]"))
            return nil
        }
        if let format = toc["format"]?.string, format != "jb-book", format != "jb-article" {
            diagnostics.append(.error("unknown _toc.yml format '\(format)'", at: location(toc["format"]!), hint: "nbrun reads format: jb-book and jb-article"))
            return nil
        }
        var numbered = toc["defaults"]?.mapping?["numbered"]?.bool ?? toc["numbered"]?.bool ?? false
        var entries: [CourseManifest.Entry] = []
        if let rootNode = toc["root"] {
            if let root = entry(file: rootNode, title: toc["title"]?.string, at: location(rootNode), children: { _ in [] }) { entries.append(root) }
        } else {
            diagnostics.append(.error("_toc.yml has no `root:`", at: location(root), hint: "name the front page: root: intro"))
        }
        if let parts = toc["parts"] {
            for part in parts.sequence ?? [] {
                guard let mapping = part.mapping else { continue }
                if mapping["numbered"]?.bool == true { numbered = true }
                let children = jupyterBookEntries(mapping["chapters"], key: "chapters")
                entries.append(CourseManifest.Entry(title: mapping["caption"]?.string ?? "", file: nil, children: children, location: location(part)))
            }
        } else {
            entries += jupyterBookEntries(toc["chapters"] ?? toc["sections"], key: "chapters")
        }
        var title = folder.lastPathComponent, authors: [String] = [], execution = CourseManifest.Execution.cache
        var bibliography: [String] = []
        let configURL = folder.appendingPathComponent("_config.yml")
        if FileManager.default.fileExists(atPath: configURL.path) {
            let configFile = display.isEmpty || display == "." ? "_config.yml" : (display.hasSuffix("/") ? display : display + "/") + "_config.yml"
            do {
                let config = try compose(configURL, file: configFile).mapping
                title = config?["title"]?.string ?? title
                authors = Self.authors(config?["author"])
                bibliography = Self.strings(config?["bibtex_bibfiles"])
                if let node = config?["execute"]?.mapping?["execute_notebooks"] {
                    switch node.string ?? (node.bool == false ? "off" : "") {
                    case "off": execution = .off
                    case "force": execution = .force
                    case "cache", "auto", "inline": execution = .cache
                    default:
                        diagnostics.append(.error("execute.execute_notebooks must be off, force, cache or auto", at: location(node),
                                                  hint: "auto and cache reuse nbrun's per-cell cache; force runs every cell"))
                    }
                }
            } catch let diagnostic as Diagnostic {
                diagnostics.append(diagnostic)
            } catch {}
            file = manifestFile
        }
        return CourseManifest(file: manifestFile, folder: folder, title: title, authors: authors, numbering: numbered ? .chapter : .page,
                              execution: execution, bibliography: bibliography, entries: entries,
                              pages: Self.pages(entries, numbered: numbered, rootIsFront: true))
    }

    private mutating func jupyterBookEntries(_ node: Node?, key: String) -> [CourseManifest.Entry] {
        guard let node else { return [] }
        guard let items = node.sequence else {
            diagnostics.append(.error("`\(key):` must be a list of entries", at: location(node), hint: "write `- file: intro`"))
            return []
        }
        return items.compactMap { item in
            guard let mapping = item.mapping else {
                diagnostics.append(.error("a table of contents entry must be a mapping such as {file: intro}", at: location(item),
                                          hint: "write `- file: intro`"))
                return nil
            }
            if mapping["file"] == nil, mapping["glob"] == nil, mapping["url"] == nil {
                diagnostics.append(.error("a table of contents entry needs `file:`", at: location(item), hint: "write `- file: intro`"))
                return nil
            }
            return entry(file: mapping["file"], title: mapping["title"]?.string, at: location(item)) { reader in
                reader.jupyterBookEntries(mapping["sections"], key: "sections")
            }
        }
    }

    // MARK: Both

    /// The entry for `file` (a page) or for a part (no file) with the children `children` reads,
    /// each page's path checked: inside the course, there, listed once, not inside itself.
    private mutating func entry(file fileNode: Node?, title: String?, at location: SourceLocation,
                                children: (inout Reader) -> [CourseManifest.Entry]) -> CourseManifest.Entry? {
        guard let fileNode else {
            return CourseManifest.Entry(title: title, file: nil, children: children(&self), location: location)
        }
        let at = self.location(fileNode)
        guard let written = fileNode.string, !written.isEmpty else {
            diagnostics.append(.error("`file:` must name a page", at: at, hint: "write file: intro.md"))
            return nil
        }
        guard let path = resolve(written, at: at) else { return nil }
        if ancestors.contains(path) {
            diagnostics.append(.error("\(path) is listed inside itself (a cycle in the table of contents)", at: at,
                                      hint: "a page's children are other pages; remove this entry"))
            return nil
        }
        if let previous = listed[path] {
            diagnostics.append(.error("\(path) is listed twice (first at line \(previous.line))", at: at,
                                      hint: "a page has one place in the table of contents; remove one of the entries"))
            return nil
        }
        listed[path] = at
        ancestors.append(path)
        let below = children(&self)
        ancestors.removeLast()
        return CourseManifest.Entry(title: title, file: path, children: below, location: at)
    }

    /// The page `written` names, relative to the course folder, or nil after a located error.
    private mutating func resolve(_ written: String, at location: SourceLocation) -> String? {
        let root = folder.standardizedFileURL.resolvingSymlinksInPath().path
        let relative = written.hasPrefix("./") ? String(written.dropFirst(2)) : written
        let candidate = URL(fileURLWithPath: relative, relativeTo: URL(fileURLWithPath: root, isDirectory: true)).standardizedFileURL
        guard !written.hasPrefix("/"), candidate.path.hasPrefix(root + "/") else {
            diagnostics.append(.error("'\(written)' is outside the course folder", at: location,
                                      hint: "pages are paths relative to \(display.isEmpty ? "the course folder" : display), without ../ or a leading /"))
            return nil
        }
        let fm = FileManager.default
        let tried = URL(fileURLWithPath: candidate.path).pathExtension.isEmpty || !fm.fileExists(atPath: candidate.path)
            ? [candidate.path] + ManifestReader.pageExtensions.map { candidate.path + "." + $0 } : [candidate.path]
        guard let found = tried.first(where: { var folder: ObjCBool = false; return fm.fileExists(atPath: $0, isDirectory: &folder) && !folder.boolValue }) else {
            let stem = (relative as NSString).deletingPathExtension
            let near = Suggestion.nearest(to: relative, in: pagesOnDisk)
                ?? Suggestion.nearest(to: stem, in: pagesOnDisk.map { ($0 as NSString).deletingPathExtension }).flatMap { stem in
                    pagesOnDisk.first { ($0 as NSString).deletingPathExtension == stem } }
            diagnostics.append(.error("no page '\(written)' in \(display.isEmpty ? "the course folder" : display)", at: location,
                                      hint: (near.map { "did you mean '\($0)'? " } ?? "") + "paths are relative to the folder of \(manifestFile)"))
            return nil
        }
        let real = URL(fileURLWithPath: found).resolvingSymlinksInPath().path
        guard real.hasPrefix(root + "/") else {
            diagnostics.append(.error("'\(written)' leads outside the course folder (through a link)", at: location,
                                      hint: "copy the page into the course folder"))
            return nil
        }
        return String(URL(fileURLWithPath: found).standardizedFileURL.path.dropFirst(root.count + 1))
    }

    /// The pages of `entries` in reading order, with chapter numbers when `numbered`: each page
    /// at the top level or directly in a part is a chapter; its sections share its number.
    static func pages(_ entries: [CourseManifest.Entry], numbered: Bool, rootIsFront: Bool) -> [CourseManifest.Page] {
        var pages: [CourseManifest.Page] = []
        var chapter = 0
        func walk(_ entries: [CourseManifest.Entry], depth: Int, chapterOf parent: Int?, topLevel: Bool) {
            for entry in entries {
                guard let file = entry.file else {
                    walk(entry.children, depth: depth, chapterOf: nil, topLevel: true)
                    continue
                }
                var number = parent
                if topLevel {
                    let isFront = rootIsFront && pages.isEmpty
                    if !isFront { chapter += 1 }
                    number = isFront || !numbered ? nil : chapter
                }
                pages.append(CourseManifest.Page(file: file, title: entry.title, chapter: number, depth: depth, location: entry.location))
                walk(entry.children, depth: depth + 1, chapterOf: number, topLevel: false)
            }
        }
        walk(entries, depth: 0, chapterOf: nil, topLevel: true)
        return pages
    }

    static func authors(_ node: Node?) -> [String] {
        guard let node else { return [] }
        if let text = node.string { return [text] }
        return (node.sequence ?? []).compactMap { $0.string ?? $0.mapping?["name"]?.string }
    }

    static func strings(_ node: Node?) -> [String] {
        guard let node else { return [] }
        if let text = node.string { return [text] }
        return (node.sequence ?? []).compactMap(\.string)
    }
}
