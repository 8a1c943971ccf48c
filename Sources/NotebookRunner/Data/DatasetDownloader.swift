import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ZlibBindings

/// Downloads a known data set's four `.gz` files from its mirrors into `<root>/<name>/`.
///
/// Each file is checked before it is written: it must gunzip, and the SHA-256 of its IDX bytes
/// must be the one in `DatasetCatalog`. A file that fails goes to the next mirror; nothing
/// unverified is ever written, and each file is written atomically. Files already present and
/// correct are kept; a file the catalog has no checksum for is not fetched. The HTTP client is Foundation's `URLSession` (libcurl underneath), which
/// ships with the Swift toolchain and so adds nothing to the build.
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

    /// Folders the files are fetched from, in order (the catalog's mirrors unless overridden).
    public var mirrors: [URL]?
    /// Seconds a request may stay idle.
    public var timeout: TimeInterval

    public init(mirrors: [URL]? = nil, timeout: TimeInterval = 60) {
        self.mirrors = mirrors
        self.timeout = timeout
    }

    /// Fetches `entry` into `root/<name>`, telling `log` about each file.
    /// - Throws: a one-line `Diagnostic` when a file cannot be had from any mirror.
    public func fetch(_ entry: DatasetCatalog.Entry, into root: URL,
                      log: (String) -> Void = { _ in }) throws -> Outcome {
        let folder = root.appendingPathComponent(entry.name, isDirectory: true)
        var outcome = Outcome(folder: folder, downloaded: [], present: [], bytes: 0)
        let mirrors = self.mirrors ?? entry.mirrors
        for name in entry.fileNames {
            guard let expected = entry.checksums[name] else { continue }
            if Self.verifiedCopy(of: name, in: folder, expected: expected) {
                outcome.present.append(name + ".gz")
                continue
            }
            var failures: [(mirror: URL, problem: Problem)] = []
            var fetched: Data?
            var fetchedFrom: URL?
            for mirror in mirrors {
                let url = mirror.appendingPathComponent(name + ".gz")
                do {
                    let data = try get(url)
                    let digest = try Self.idxDigest(of: data, name: name + ".gz")
                    guard digest == expected else {
                        throw Problem.checksum("\(name).gz from \(url.absoluteString) has IDX SHA-256 \(digest.prefix(12))…, expected \(expected.prefix(12))…")
                    }
                    fetched = data
                    fetchedFrom = mirror
                    break
                } catch let problem as Problem {
                    failures.append((mirror, problem))
                }
            }
            guard let data = fetched else {
                throw Self.failure(entry, name: name + ".gz", folder: folder, failures: failures)
            }
            try AtomicFile.write(data, to: folder.appendingPathComponent(name + ".gz"))
            log("\(name).gz: \(data.count) bytes from \(fetchedFrom?.absoluteString ?? ""), SHA-256 verified")
            outcome.downloaded.append(name + ".gz")
            outcome.bytes += data.count
        }
        return outcome
    }

    // MARK: - Checking

    /// Whether `folder` holds `name` or `name.gz` whose IDX bytes have digest `expected`.
    static func verifiedCopy(of name: String, in folder: URL, expected: String) -> Bool {
        guard let url = DatasetLocator.file(name, in: folder),
              let data = FileManager.default.contents(atPath: url.path) else { return false }
        return (try? idxDigest(of: data, name: url.lastPathComponent)) == expected
    }

    /// The SHA-256 (hex) of the IDX bytes of a file's contents, gunzipped when `name` ends in `.gz`.
    static func idxDigest(of data: Data, name: String) throws -> String {
        var bytes = [UInt8](data)
        if name.hasSuffix(".gz") {
            do {
                bytes = try Zlib.inflate(bytes, format: .gzip, sizeHint: bytes.count * 4)
            } catch {
                throw Problem.checksum("\(name) is not a gzip file (\(error))")
            }
        }
        var hash = SHA256()
        hash.update(bytes)
        return hash.hexDigest()
    }

    // MARK: - HTTP

    /// Why one mirror did not give a file.
    enum Problem: Error {
        /// The host could not be reached at all (no network, no DNS, refused, timed out).
        case unreachable(String)
        /// The server answered, but not with the file.
        case http(String)
        /// The bytes arrived but are not the expected file.
        case checksum(String)
    }

    /// The body of a GET of `url`, or a `Problem`.
    func get(_ url: URL) throws -> Data {
        final class Reply: @unchecked Sendable {
            var data: Data?
            var response: URLResponse?
            var error: (any Error)?
        }
        let reply = Reply()
        let done = DispatchSemaphore(value: 0)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let task = session.dataTask(with: URLRequest(url: url, timeoutInterval: timeout)) { data, response, error in
            reply.data = data
            reply.response = response
            reply.error = error
            done.signal()
        }
        task.resume()
        done.wait()
        let host = url.host ?? url.absoluteString
        if let error = reply.error as? URLError {
            throw Problem.unreachable("\(host): \(error.localizedDescription)")
        }
        if let error = reply.error {
            throw Problem.unreachable("\(host): \(error.localizedDescription)")
        }
        guard let response = reply.response as? HTTPURLResponse, let data = reply.data else {
            throw Problem.http("\(url.absoluteString): no HTTP response")
        }
        guard response.statusCode == 200 else {
            throw Problem.http("\(url.absoluteString): HTTP \(response.statusCode)")
        }
        return data
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
            case .unreachable(let text), .http(let text), .checksum(let text): return text
            }
        }
        return Diagnostic.error("cannot fetch \(entry.name) \(name): \(reasons.joined(separator: "; ")); nothing written for it")
    }
}
