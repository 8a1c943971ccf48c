import Foundation
import ZlibBindings

/// Downloads a known data set's four `.gz` files from its mirrors into `<root>/<name>/`.
///
/// Each file is checked before it is written: it must gunzip to exactly the catalog's size, and
/// the SHA-256 of its IDX bytes must be the catalog's. A file that fails goes to the next mirror;
/// nothing unverified is ever written, and each file is written atomically. A mirror is read
/// within bounds (`MirrorRequest`): no more than a gzip of the file can take, gunzipped no
/// further than the file's size, and within `limits`. Files already present and correct are
/// kept — the file `{load}` would read, which is the uncompressed one when both are there: one
/// that does not match is reported, not hidden behind a fresh `.gz`. A file the catalog does not
/// describe is not fetched. HTTP goes through Foundation's `URLSession` (libcurl underneath),
/// which ships with the Swift toolchain and so adds nothing to the build.
public struct DatasetDownloader: Sendable {
    /// What a fetch did.
    public struct Outcome: Sendable {
        /// `<root>/<name>`, where the files are.
        public var folder: URL
        /// Files downloaded, verified and written.
        public var downloaded: [String]
        /// Files that were already there and verified.
        public var present: [String]
        /// Bytes downloaded.
        public var bytes: Int
    }

    /// The URL schemes a mirror may have.
    public static let mirrorSchemes = MirrorRequest.schemes

    /// Folders the files are fetched from, in order (the catalog's mirrors unless overridden):
    /// `http:`, `https:` or `file:` URLs.
    public var mirrors: [URL]?
    public var limits: DownloadLimits

    public init(mirrors: [URL]? = nil, limits: DownloadLimits = .standard) {
        self.mirrors = mirrors
        self.limits = limits
    }

    /// Fetches `entry` into `root/<name>`, telling `log` about each file.
    /// - Throws: a one-line `Diagnostic` when a file cannot be had from any mirror, or when a
    ///   file already there that `{load}` would read is not the published one.
    public func fetch(_ entry: DatasetCatalog.Entry, into root: URL,
                      log: (String) -> Void = { _ in }) throws -> Outcome {
        let folder = root.appendingPathComponent(entry.name, isDirectory: true)
        var outcome = Outcome(folder: folder, downloaded: [], present: [], bytes: 0)
        let mirrors = self.mirrors ?? entry.mirrors
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, limits.overallSeconds) * 1e9)
        var shadowed: [String] = []
        for name in entry.fileNames {
            guard let known = entry.files[name] else { continue }
            if let current = DatasetLocator.file(name, in: folder) {
                switch KnownFileCheck.check(current, against: known) {
                case .matches:
                    outcome.present.append(current.lastPathComponent)
                    continue
                case .differs(let reason) where current.lastPathComponent == name:
                    // The uncompressed file is read before any .gz: a download would change nothing.
                    shadowed.append("\(current.path) \(reason)")
                    continue
                case .differs:
                    break
                }
            }
            var failures: [(mirror: URL, problem: Problem)] = []
            var fetched: (data: Data, mirror: URL)?
            for mirror in mirrors {
                let url = mirror.appendingPathComponent(name + ".gz")
                do {
                    let data = try MirrorRequest(url: url, maxBytes: known.largestGzip, deadline: deadline, limits: limits).body()
                    try Self.verify(gzip: data, from: url, against: known)
                    fetched = (data, mirror)
                    break
                } catch let problem as Problem {
                    failures.append((mirror, problem))
                }
            }
            guard let fetched else {
                throw Self.failure(entry, name: name + ".gz", folder: folder, failures: failures)
            }
            try AtomicFile.write(fetched.data, to: folder.appendingPathComponent(name + ".gz"))
            log("\(name).gz: \(fetched.data.count) bytes from \(fetched.mirror.absoluteString), SHA-256 verified")
            outcome.downloaded.append(name + ".gz")
            outcome.bytes += fetched.data.count
        }
        if !shadowed.isEmpty {
            throw Diagnostic.error("\(entry.name) in \(folder.path) is not usable: \(shadowed.joined(separator: "; ")); {load} reads it before the .gz, so delete or replace it and fetch again")
        }
        return outcome
    }

    // MARK: - Checking

    /// Throws unless `data` gunzips to exactly `known`'s bytes: its size (decompression stops
    /// one byte past it) and its SHA-256.
    static func verify(gzip data: Data, from url: URL, against known: DatasetCatalog.KnownFile) throws {
        let name = url.lastPathComponent
        let bytes: [UInt8]
        do {
            let inflater = try Zlib.Inflater(format: .gzip, sizeHint: known.bytes, limit: known.bytes + 1)
            try inflater.push(data)
            bytes = try inflater.finish()
        } catch {
            throw Problem.checksum("\(name) from \(url.absoluteString) is not a whole gzip file (\(error))")
        }
        if let mismatch = KnownFileCheck.mismatch(bytes, against: known) {
            throw Problem.checksum("\(name) from \(url.absoluteString) \(mismatch)")
        }
    }

    // MARK: - Failing

    /// Why one mirror did not give a file.
    enum Problem: Error {
        /// The host could not be reached at all (no network, no DNS, refused).
        case unreachable(String)
        /// The mirror answered, but not with the file: an HTTP error, too many bytes, too slowly.
        case refused(String)
        /// The bytes arrived but are not the expected file.
        case checksum(String)
    }

    /// One line saying why `name` could not be fetched, and what to do instead.
    static func failure(_ entry: DatasetCatalog.Entry, name: String, folder: URL,
                        failures: [(mirror: URL, problem: Problem)]) -> Diagnostic {
        let byHand = "copy the four .gz files into \(folder.path) by hand"
        let unreachable = failures.compactMap { failure -> String? in
            if case .unreachable(let text) = failure.problem { return text }
            return nil
        }
        if !failures.isEmpty, unreachable.count == failures.count {
            let hosts = failures.map { $0.mirror.host ?? $0.mirror.absoluteString }
            return Diagnostic.error("cannot fetch \(entry.name): no network (could not reach \(hosts.joined(separator: " or "))); \(byHand)")
        }
        let reasons = failures.map { failure -> String in
            switch failure.problem {
            case .unreachable(let text), .refused(let text), .checksum(let text): return text
            }
        }
        return Diagnostic.error("cannot fetch \(entry.name) \(name): \(reasons.joined(separator: "; ")); nothing written for it")
    }
}
