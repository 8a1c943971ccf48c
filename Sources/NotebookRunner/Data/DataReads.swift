import Foundation
import Synchronization

/// The data sets a course build has read, shared by all its pages (`nbrun build`): the first
/// `{load}` of a split reads its files, every later one — on any page, on any worker — gets the
/// same bytes without reading them again (the arrays are shared, not copied, until a cell
/// changes them). A split is known by its files (path, size and modification time), the rows
/// asked for, the class count and the names messages give the files; a worker asking for a
/// split another is reading waits for it. Each read and each use is counted for the build record.
public final class DataReads: Sendable {
    struct Key: Hashable, Sendable {
        var split: String
        var images: String
        var labels: String
        var identity: String
        var rows: Range<Int>?
        var classCount: Int?
        var names: [String]
    }

    /// One split's slot: filled once, by the first worker that asks.
    private final class Slot: Sendable {
        let value = Mutex<Result<DataSplit, Diagnostic>?>(nil)
    }

    /// How often a data set's files were read and how often its bytes were used.
    public struct Count: Sendable, Codable, Equatable {
        /// The files, each as its folder and name (`fashion-mnist/train-images-idx3-ubyte.gz`).
        public var files: String
        public var reads: Int
        public var uses: Int
    }

    private let slots = Mutex<[Key: Slot]>([:])
    private let counts = Mutex<[String: Count]>([:])

    public init() {}

    /// The split `read` reads from `images` and `labels`, read at most once per build.
    func split(_ split: String, images: URL, labels: URL, rows: Range<Int>?, classCount: Int?, names: [String],
               read: () throws -> DataSplit) throws -> DataSplit {
        let files = [images, labels].map { $0.deletingLastPathComponent().lastPathComponent + "/" + $0.lastPathComponent }.joined(separator: " ")
        let key = Key(split: split, images: images.standardizedFileURL.path, labels: labels.standardizedFileURL.path,
                      identity: Self.identity(images) + " " + Self.identity(labels), rows: rows, classCount: classCount, names: names)
        let slot = slots.withLock { slots in
            if let slot = slots[key] { return slot }
            let slot = Slot()
            slots[key] = slot
            return slot
        }
        let result: Result<DataSplit, Diagnostic> = slot.value.withLock { value in
            if let value { return value }
            let result: Result<DataSplit, Diagnostic>
            do {
                result = .success(try read())
            } catch {
                result = .failure((error as? Diagnostic) ?? .error("\(error)"))
            }
            counts.withLock { $0[files, default: Count(files: files, reads: 0, uses: 0)].reads += 1 }
            // A failure (a damaged file, a budget passed) is not kept: the next page reports its own.
            if case .success = result { value = result }
            return result
        }
        counts.withLock { $0[files, default: Count(files: files, reads: 0, uses: 0)].uses += 1 }
        return try result.get()
    }

    /// Every data set read so far, by its files' names.
    public var all: [Count] { counts.withLock { $0.values.sorted { $0.files < $1.files } } }

    /// Size and modification time: a file replaced during the build is read again.
    private static func identity(_ url: URL) -> String {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return "missing" }
        return "\(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }
}
