import Foundation

/// Finds a named data set's IDX files on disk, trying a fixed list of folders in order.
///
/// For data set `name` the folders are: the cell's `:dir:`; `<root>/<name>` for the
/// `--data-dir` root and for the `NBRUN_DATA_DIR` root; `./data/<name>`; and
/// `/usr/share/datasets/<name>` (where Debian's `dataset-fashion-mnist` installs).
/// The first folder holding every requested split wins; each file may be raw or `.gz`.
public struct DatasetLocator: Sendable {
    /// A folder the locator tries, and why.
    public struct Place: Sendable, Hashable, CustomStringConvertible {
        public var directory: URL
        /// Where the folder came from: `:dir:`, `--data-dir`, `NBRUN_DATA_DIR`, `./data`, `system`.
        public var origin: String

        public var description: String { "\(directory.path) (\(origin))" }
    }

    /// The images and labels files of one split.
    public struct SplitFiles: Sendable, Hashable {
        public var images: URL
        public var labels: URL
    }

    /// The cell's `:dir:`, already resolved against the notebook's folder.
    public var cellDirectory: URL?
    /// The `--data-dir` root (holding `mnist/`, `fashion-mnist/`).
    public var dataRoot: URL?
    /// The `NBRUN_DATA_DIR` root.
    public var environmentRoot: URL?
    /// The folder `./data` is relative to.
    public var workingDirectory: URL
    /// `/usr/share/datasets`.
    public var systemRoot: URL

    public init(cellDirectory: URL? = nil, dataRoot: URL? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                workingDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                systemRoot: URL = URL(fileURLWithPath: "/usr/share/datasets")) {
        self.cellDirectory = cellDirectory
        self.dataRoot = dataRoot
        self.environmentRoot = environment["NBRUN_DATA_DIR"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0, relativeTo: workingDirectory) }
        self.workingDirectory = workingDirectory
        self.systemRoot = systemRoot
    }

    /// The folders tried for data set `name`, in order, without repeats.
    public func places(for name: String) -> [Place] {
        var places: [Place] = []
        func add(_ directory: URL?, _ origin: String) {
            guard let directory else { return }
            let standardized = directory.standardizedFileURL
            if !places.contains(where: { $0.directory.path == standardized.path }) {
                places.append(Place(directory: standardized, origin: origin))
            }
        }
        add(cellDirectory, ":dir:")
        add(dataRoot?.appendingPathComponent(name), "--data-dir")
        add(environmentRoot?.appendingPathComponent(name), "NBRUN_DATA_DIR")
        add(workingDirectory.appendingPathComponent("data").appendingPathComponent(name), "./data")
        add(systemRoot.appendingPathComponent(name), "system")
        return places
    }

    /// The first place holding the files of every split in `splits`, and those files.
    /// - Throws: a `Diagnostic` listing every place tried and what each lacked.
    public func locate(_ entry: DatasetCatalog.Entry, splits: [String]) throws -> (place: Place, files: [String: SplitFiles]) {
        var tried: [String] = []
        for place in places(for: entry.name) {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: place.directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                tried.append("\(place): no such folder")
                continue
            }
            var files: [String: SplitFiles] = [:]
            var missing: [String] = []
            for split in splits {
                let names = DatasetCatalog.fileNames(for: split)
                let images = Self.file(names.images, in: place.directory)
                let labels = Self.file(names.labels, in: place.directory)
                if images == nil { missing.append(names.images) }
                if labels == nil { missing.append(names.labels) }
                if let images, let labels { files[split] = SplitFiles(images: images, labels: labels) }
            }
            if missing.isEmpty { return (place, files) }
            tried.append("\(place): no \(missing.map { "\($0)[.gz]" }.joined(separator: ", "))")
        }
        let which = splits.joined(separator: " and ")
        throw Diagnostic.error("data set '\(entry.name)' (\(which)) not found; looked in \(tried.joined(separator: "; "))",
                               hint: entry.howToGet)
    }

    /// What each place holds of `entry`: the splits whose images and labels are both there
    /// (`nil` when the folder does not exist), in the order `locate` tries them.
    public func survey(_ entry: DatasetCatalog.Entry) -> [(place: Place, splits: [String]?)] {
        places(for: entry.name).map { place in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: place.directory.path, isDirectory: &isDirectory),
                  isDirectory.boolValue else { return (place, nil) }
            let splits = ["train", "test"].filter { split in
                let names = DatasetCatalog.fileNames(for: split)
                return Self.file(names.images, in: place.directory) != nil && Self.file(names.labels, in: place.directory) != nil
            }
            return (place, splits)
        }
    }

    /// The files `{load}` would read for `splits` of `entry` in `directory` that are not the
    /// published ones (by the catalog's size and SHA-256), each as "path how it differs".
    public static func unpublishedFiles(of entry: DatasetCatalog.Entry, splits: [String], in directory: URL) -> [String] {
        splits.flatMap { split -> [String] in
            let names = DatasetCatalog.fileNames(for: split)
            return [names.images, names.labels].compactMap { name in
                guard let url = file(name, in: directory), let known = entry.files[name],
                      case .differs(let reason) = KnownFileCheck.check(url, against: known) else { return nil }
                return "\(url.lastPathComponent) \(reason)"
            }
        }
    }

    /// `name` or `name.gz` in `directory` (the uncompressed file first), if either exists.
    static func file(_ name: String, in directory: URL) -> URL? {
        for candidate in [name, name + ".gz"] {
            let url = directory.appendingPathComponent(candidate)
            if FileManager.default.isReadableFile(atPath: url.path) { return url }
        }
        return nil
    }
}
