import Foundation

/// Reads what a page's references need from beside it, before the report is rendered: the BibTeX
/// files its citations come from, the pages `{doc}` links to and the files `{download}` embeds.
///
/// - Bibliography: the files the front matter's `bibliography:` names, else `references.bib` in the
///   notebook's folder, else every `*.bib` there (read only when the page cites).
/// - `{doc}`: the path as written, or with `.md`, `.ipynb`, `.markdown`, `.rst`; a leading `/` starts
///   at the nearest folder above that has it. The link goes to its `.html`; its text is the page's
///   title (front matter `title:` or its first `#` heading), else the path's stem.
/// - `{download}`: a regular file of at most 2 MiB inside the project folder, embedded as a `data:` link.
///
/// Everything missing or unreadable is a located warning; the reference then shows its text.
enum ReferenceFiles {
    static let maxDownloadBytes = 2 << 20
    static let maxBibliographyBytes = 16 << 20

    static func load(_ notebook: inout Notebook, folder: URL) {
        // An {include}d file reads from its own folder; its warnings are the page's too.
        for index in notebook.includes.indices {
            let before = notebook.includes[index].warnings.count
            load(&notebook.includes[index], folder: notebook.includes[index].folder ?? folder)
            notebook.warnings += notebook.includes[index].warnings.dropFirst(before)
        }
        var references = notebook.references
        var warnings: [Diagnostic] = []
        let cites = references.inline.contains {
            if case .cite = $0.kind { return true }
            if case .quarto = $0.kind { return true }
            return false
        }
        if cites { references.bibliography = bibliography(notebook.frontMatter, folder: folder, file: notebook.file, warnings: &warnings) }
        for (index, reference) in references.inline.enumerated() {
            switch reference.kind {
            case .cite:
                cite(reference.keys, reference, references: &references, warnings: &warnings)
            case .quarto(let bracketed):
                let (target, entries) = references.quartoNames(reference)
                if target != nil { continue }
                if !entries.isEmpty {
                    for entry in entries where !references.cited.contains(entry.key) { references.cited.append(entry.key) }
                } else if bracketed, references.bibliography != nil {
                    cite(RoleSyntax.quartoKeys(reference.target), reference, references: &references, warnings: &warnings)
                } else if !bracketed, ReferenceResolver.quartoKind(reference.target) != nil {
                    warnings.append(references.targets.unknown(reference.target, at: reference.targetLocation))
                }
            case .doc:
                if let page = page(reference.target, folder: folder) {
                    references.files[index] = page
                } else {
                    warnings.append(.warning("{doc} names no page '\(reference.target)'", at: reference.targetLocation,
                                             hint: "paths are relative to this notebook's folder, with or without .md"))
                }
            case .download:
                switch download(reference.target, folder: folder, root: notebook.projectFolder) {
                case .success(let file): references.files[index] = file
                case .failure(let problem): warnings.append(Diagnostic(.warning, problem.message, at: reference.targetLocation, hint: problem.hint))
                }
            default:
                continue
            }
        }
        notebook.references = references
        notebook.warnings += warnings
    }

    /// Counts the keys as cited; an unknown key (or a page with no bibliography) is a warning.
    private static func cite(_ keys: [String], _ reference: InlineReference, references: inout References, warnings: inout [Diagnostic]) {
        guard let bibliography = references.bibliography else {
            warnings.append(.warning("citation of '\(keys.joined(separator: ", "))' but the page has no bibliography", at: reference.targetLocation,
                                     hint: "put references.bib beside the notebook, or name the file: `bibliography: refs.bib` in the front matter"))
            return
        }
        for key in keys {
            if bibliography.entries[key] != nil {
                if !references.cited.contains(key) { references.cited.append(key) }
                continue
            }
            let near = Suggestion.nearest(to: key, in: Array(bibliography.entries.keys)).map { "did you mean '\($0)'? " } ?? ""
            let offset = reference.target.range(of: key).map { reference.target.unicodeScalars.distance(from: reference.target.startIndex, to: $0.lowerBound) } ?? 0
            warnings.append(.warning("unknown citation key '\(key)'", at: reference.targetLocation.advanced(byColumns: offset),
                                     hint: near + "the keys come from " + bibliography.files.joined(separator: ", ")))
        }
    }

    private static func bibliography(_ matter: FrontMatter, folder: URL, file: String, warnings: inout [Diagnostic]) -> Bibliography? {
        var names = matter.bibliography
        if names.isEmpty {
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            names = contents.contains("references.bib") ? ["references.bib"] : contents.filter { $0.hasSuffix(".bib") }.sorted()
        }
        guard !names.isEmpty else { return nil }
        var bibliography = Bibliography()
        for name in names {
            let url = name.hasPrefix("/") ? URL(fileURLWithPath: name) : folder.appendingPathComponent(name)
            do {
                let bytes = try FileBytes(url, role: "bibliography", displayName: name, gunzips: false).read(limit: maxBibliographyBytes)
                let reader = BibTeXReader(String(decoding: bytes, as: UTF8.self))
                for problem in reader.problems.prefix(20) {
                    warnings.append(.warning("BibTeX: \(problem.message)", at: SourceLocation(file: name, line: problem.line),
                                             hint: "entries read @type{key, field = {value}, …}"))
                }
                bibliography.add(reader, file: name)
            } catch {
                let diagnostic = (error as? Diagnostic) ?? .warning("\(error)")
                warnings.append(Diagnostic(.warning, diagnostic.message, at: matter.bibliographyLocation ?? SourceLocation(file: file, line: 1),
                                           hint: diagnostic.hint))
            }
        }
        return bibliography
    }

    /// The page `path` names, found from `folder`.
    static func page(_ path: String, folder: URL) -> References.LinkedFile? {
        let trimmed = path.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        var roots = [folder]
        if trimmed.hasPrefix("/") {
            var parent = folder
            for _ in 0..<6 { parent = parent.deletingLastPathComponent(); roots.append(parent) }
        }
        let relative = trimmed.trimmingPrefix("/")
        for root in roots {
            for suffix in ["", ".md", ".ipynb", ".markdown", ".rst"] {
                let url = root.appendingPathComponent(relative + suffix)
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
                let stem = ((relative + suffix) as NSString).deletingPathExtension
                let href = (trimmed.hasPrefix("/") ? String(repeating: "../", count: roots.firstIndex(of: root) ?? 0) : "") + stem + ".html"
                return References.LinkedFile(href: href, title: title(of: url) ?? (stem as NSString).lastPathComponent)
            }
        }
        return nil
    }

    /// A page's title: `title:` in its front matter, else its first `#` heading (from its first 64 KiB).
    private static func title(of url: URL) -> String? {
        guard let bytes = try? FileBytes(url, role: "page", displayName: url.lastPathComponent, gunzips: false).prefix(64 << 10) else { return nil }
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        if lines.first?.trimmingCharacters(in: .whitespaces) == "---" {
            for line in lines.dropFirst() {
                if line.trimmingCharacters(in: .whitespaces) == "---" { break }
                if line.hasPrefix("title:") {
                    let value = line.dropFirst(6).trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
                    if !value.isEmpty { return value }
                }
            }
        }
        return lines.first { $0.hasPrefix("# ") }.map { $0.dropFirst(2).trimmingCharacters(in: .whitespaces) }
    }

    struct Problem: Error { var message: String; var hint: String? }

    /// The file `path` names as a `data:` link: relative to the page, or with a leading `/` to the
    /// project folder (`ProjectFile`), and inside that folder (links followed).
    static func download(_ path: String, folder: URL, root: URL? = nil) -> Result<References.LinkedFile, Problem> {
        let name = (path as NSString).lastPathComponent
        let url: URL
        switch ProjectFile.locate(path, from: folder, root: root) {
        case .success(let found): url = found
        case .failure(let outside):
            return .failure(Problem(message: "{download} file '\(path)' is outside the project folder \(outside.root): shown as its name",
                                    hint: "link files of the page's project only (a leading / starts at the project folder)"))
        }
        do {
            let file = try FileBytes(url, role: "download", displayName: path, gunzips: false)
            guard file.size <= maxDownloadBytes else {
                return .failure(Problem(message: "{download} file '\(path)' is \(file.size) bytes, more than the page embeds (2 MiB): shown as its name",
                                        hint: "link to it with [text](address) instead"))
            }
            let bytes = try file.read(limit: maxDownloadBytes)
            return .success(References.LinkedFile(href: "data:\(mimeType(name));base64," + Data(bytes).base64EncodedString(), title: name))
        } catch {
            let diagnostic = (error as? Diagnostic) ?? .error("\(error)")
            return .failure(Problem(message: "{download}: " + diagnostic.message, hint: diagnostic.hint))
        }
    }

    private static func mimeType(_ name: String) -> String {
        switch (name as NSString).pathExtension.lowercased() {
        case "py", "txt", "md", "csv", "tsv", "json", "yaml", "yml", "bib", "tex", "swift", "r", "jl": "text/plain"
        case "pdf": "application/pdf"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "zip": "application/zip"
        case "ipynb": "application/x-ipynb+json"
        default: "application/octet-stream"
        }
    }
}
