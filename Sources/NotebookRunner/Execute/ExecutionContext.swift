import Foundation

/// Everything a running directive may use: the shared state, the run's settings,
/// where to write files, how to report progress — and the lookups every directive
/// needs, with one wording of their errors.
public final class ExecutionContext {
    public let state: NotebookState
    public let cell: Cell
    public let settings: RunSettings
    /// The notebook's name without extension, e.g. `softmax-regression`.
    public let notebookName: String
    /// `<out>/<notebook>/`: files a cell writes go here (created on demand).
    public let assetDirectory: URL
    /// Reports progress lines (throttled by the reporter, not by the caller).
    public let progress: (String) -> Void
    /// Set when the cell must stop (a timeout or Ctrl-C); long loops call `checkCancelled()`.
    public let cancellation: CellCancellation
    /// The page's language (`lang` in the front matter): the language of `words`.
    public let language: String
    /// The files this cell has written (`recordWritten`), so a later render can remove them
    /// once no cell writes them any more (`AssetManifest`).
    public private(set) var writtenFiles: [URL] = []
    /// The page's Jupyter kernel, for cells that read from it (`KernelAccess`); nil outside a run.
    public internal(set) var kernel: KernelAccess?

    public init(state: NotebookState, cell: Cell, settings: RunSettings, notebookName: String,
                assetDirectory: URL, cancellation: CellCancellation, language: String = "en",
                progress: @escaping (String) -> Void) {
        self.state = state
        self.cell = cell
        self.settings = settings
        self.notebookName = notebookName
        self.assetDirectory = assetDirectory
        self.cancellation = cancellation
        self.language = language
        self.progress = progress
    }

    /// The fixed words of the cell's outputs, in the page's language.
    var words: CellStrings { CellStrings(language: language) }

    /// Throws the cancellation reason once the run has been cancelled.
    public func checkCancelled() throws {
        if let reason = cancellation.reason {
            throw Diagnostic.error(reason, at: cell.location)
        }
    }

    /// Creates the asset directory and returns the URL of `fileName` in it.
    ///
    /// `fileName` is one plain path component (see `isPlainName`); anything else — a `/`,
    /// `..`, a leading dot — is refused, so nothing a notebook names lands outside `-o`; a
    /// symbolic link planted at the asset directory or at `fileName` is removed, not followed.
    public func assetURL(_ fileName: String) throws -> URL {
        guard Self.isPlainName(fileName) else {
            throw Diagnostic.error("'\(fileName)' cannot name a file or folder in the output: only letters, digits, '-', '_' and '.' (not first) are allowed",
                                   at: cell.directiveLocation, hint: "choose a plain name such as digits-2")
        }
        do {
            AtomicFile.removeLinks(from: assetDirectory.appendingPathComponent(fileName), below: settings.outputDirectory)
            try FileManager.default.createDirectory(at: assetDirectory, withIntermediateDirectories: true)
        } catch {
            let cause = FileSystemError.obstacle(creating: assetDirectory) ?? FileSystemError.cause(of: error)
            throw Diagnostic.error("cannot create the folder \(assetDirectory.path) for this cell's files: \(cause)",
                                   at: cell.location, hint: "remove what is in the way, or choose another output folder with -o")
        }
        return assetDirectory.appendingPathComponent(fileName)
    }

    /// Notes that the cell wrote the file at `url` (inside the asset directory).
    public func recordWritten(_ url: URL) {
        writtenFiles.append(url)
    }

    /// Whether `name` is safe as one path component: 1–100 ASCII letters, digits, `-`, `_`
    /// or `.`, not starting with `.` or `-` (so never `..`, a hidden file or an option).
    public static func isPlainName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 100,
              first != ".", first != "-" else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
    }

    /// The folder paths in the notebook are relative to: the notebook's, else the working directory.
    public var notebookFolder: URL {
        settings.notebookDirectory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    }

    /// `path` as written in the notebook: absolute (or `~/…`), or relative to the notebook's folder.
    public func resolve(_ path: String) -> URL {
        let expanded = (path as NSString).expandingTildeInPath
        return expanded.hasPrefix("/") ? URL(fileURLWithPath: expanded)
                                        : notebookFolder.appendingPathComponent(expanded).standardizedFileURL
    }

    // MARK: Lookups with the standard errors

    /// The data set named `name` (`:dataset:`), else the current one.
    public func dataset(named name: String?) throws -> Dataset {
        if let name {
            guard let dataset = state[.datasets, name] else {
                let loaded = state.names(in: .datasets)
                throw Diagnostic.error("no data set named '\(name)' has been loaded", at: cell.directiveLocation,
                                       hint: loaded.isEmpty ? "add a {load} cell before this one" : "loaded: \(loaded.joined(separator: ", "))")
            }
            return dataset
        }
        guard let dataset = state.dataset else {
            throw Diagnostic.error("{\(cell.directive)} needs a data set, and none is loaded yet", at: cell.directiveLocation,
                                   hint: "add a cell such as {load} fashion-mnist before this one")
        }
        return dataset
    }

    /// The split `name` of `dataset`; nil `name` takes the test split when loaded, else train.
    /// `purpose` ("show", "evaluate on") completes the hint with the splits that are loaded.
    public func split(_ name: String?, of dataset: Dataset, purpose: String = "") throws -> DataSplit {
        let name = name ?? (dataset.test != nil ? "test" : "train")
        if let split = dataset.split(name) { return split }
        let others = dataset.splits.map(\.name).joined(separator: " or ")
        throw (Diagnostic.error("data set '\(dataset.name)' has no \(name) split loaded", at: cell.directiveLocation,
                                         hint: "load it with {load} \(dataset.name) and :split: \(name) or :split: all"
                                             + (others.isEmpty || purpose.isEmpty ? "" : ", or \(purpose) \(others)")))
    }

    /// The model named `name` (`:model:`, a training cell's label), else the latest.
    public func model(named name: String?) throws -> any Classifier {
        if let name {
            guard let model = state[.models, name] else {
                let trained = state.names(in: .models)
                throw Diagnostic.error("no model named '\(name)' exists", at: cell.directiveLocation,
                                       hint: trained.isEmpty ? "train one first, e.g. with a {train} softmax cell labelled \(name)"
                                           : "models: \(trained.joined(separator: ", ")) (a model is named by the :label: of the cell that trained it)")
            }
            return model
        }
        guard let model = state.model else {
            let what = ([cell.directive].map { "{\($0)}" } + cell.arguments.prefix(1)).joined(separator: " ")
            throw Diagnostic.error("\(what) needs a trained model, and none exists yet", at: cell.directiveLocation,
                                   hint: "add a {train} softmax cell before this one")
        }
        return model
    }

    /// Checks that `model` takes the images of `split`.
    public func checkInputs(of model: any Classifier, match split: DataSplit, dataset: Dataset) throws {
        guard model.inputs == split.pixelCount else {
            throw Diagnostic.error("the model takes \(model.inputs) inputs but \(dataset.name) images have \(split.pixelCount) pixels",
                                   at: cell.directiveLocation, hint: "use the data set the model was trained on")
        }
    }
}

extension ExecutionContext {
    /// The limits expressions evaluated by this cell run under: the run's memory budget,
    /// and this cell's cancellation.
    public var evaluationLimits: EvaluationLimits {
        let cancellation = self.cancellation
        let location = cell.location
        return EvaluationLimits(memory: settings.memoryBudget) {
            if let reason = cancellation.reason { throw Diagnostic.error(reason, at: location) }
        }
    }
}
