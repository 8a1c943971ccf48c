import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One file from one mirror, within bounds: an HTTP(S) GET through Foundation's `URLSession`
/// (libcurl underneath), or a read of a local file for a `file:` mirror.
///
/// The body may not exceed `maxBytes` — a larger `Content-Length` is refused when the headers
/// arrive, and a body that runs past it is cut there — and the request ends by `deadline` (the
/// whole fetch's), or earlier when nothing arrives for `limits.stallSeconds`. Each way of failing is a `Problem` with one
/// line that says which.
struct MirrorRequest {
    /// The URL schemes a mirror may have.
    static let schemes = ["http", "https", "file"]

    var url: URL
    var maxBytes: Int
    /// Monotonic nanoseconds (`DispatchTime.uptimeNanoseconds`) by which the request ends.
    var deadline: UInt64
    var limits: DownloadLimits

    /// The body, or why there is none.
    func body() throws -> Data {
        switch url.scheme?.lowercased() {
        case "file": return try localFile()
        case "http", "https": return try download()
        default:
            throw DatasetDownloader.Problem.refused("\(url.absoluteString): a mirror is an http:, https: or file: URL")
        }
    }

    /// A `file:` mirror: the file, which must be regular and at most `maxBytes`.
    private func localFile() throws -> Data {
        do {
            let file = try FileBytes(url.standardizedFileURL, role: "mirror", displayName: url.path, gunzips: false)
            guard file.size <= maxBytes else { throw DatasetDownloader.Problem.refused(tooLarge(file.size, verb: "is")) }
            return Data(try file.read(limit: maxBytes))
        } catch let problem as DatasetDownloader.Problem {
            throw problem
        } catch let diagnostic as Diagnostic {
            throw DatasetDownloader.Problem.refused(diagnostic.message)
        } catch {
            throw DatasetDownloader.Problem.refused("\(url.path): \(error)")
        }
    }

    private func tooLarge(_ count: Int, verb: String) -> String {
        "\(url.absoluteString) \(verb) \(count) bytes, more than the \(maxBytes) a gzip of the file can take"
    }

    private func download() throws -> Data {
        let transfer = Transfer(maxBytes: maxBytes)
        let configuration = URLSessionConfiguration.ephemeral
        // libcurl's own idle limit backs up the watch below.
        configuration.timeoutIntervalForRequest = limits.stallSeconds + 5
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: configuration, delegate: transfer, delegateQueue: queue)
        defer { session.invalidateAndCancel() }
        let task = session.dataTask(with: URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData))
        task.resume()
        let stall = UInt64(limits.stallSeconds * 1e9)
        while true {
            let now = DispatchTime.now().uptimeNanoseconds
            let stalledAt = transfer.lastActivity + stall
            if now >= deadline || now >= stalledAt {
                transfer.stop(now >= deadline ? "the fetch took longer than its \(Self.seconds(limits.overallSeconds)) in all"
                                              : "sent nothing for \(Self.seconds(limits.stallSeconds))", task: task)
                _ = transfer.done.wait(timeout: .now() + 5)
                break
            }
            if transfer.done.wait(timeout: DispatchTime(uptimeNanoseconds: min(deadline, stalledAt))) == .success { break }
        }
        return try transfer.result(for: url)
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }

    /// The state of one GET, filled in by URLSession's delegate calls on their queue.
    private final class Transfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
        let maxBytes: Int
        let done = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var data = Data()
        private var status: Int?
        private var error: (any Error)?
        /// Why the transfer was stopped on this side, if it was.
        private var stopped: String?
        private var activity = DispatchTime.now().uptimeNanoseconds

        init(maxBytes: Int) {
            self.maxBytes = maxBytes
        }

        var lastActivity: UInt64 { lock.withLock { activity } }

        func stop(_ reason: String, task: URLSessionTask) {
            lock.withLock { if stopped == nil { stopped = reason } }
            task.cancel()
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
            let http = response as? HTTPURLResponse
            lock.withLock {
                status = http?.statusCode
                activity = DispatchTime.now().uptimeNanoseconds
            }
            if let http, http.statusCode != 200 {
                stop("HTTP \(http.statusCode)", task: dataTask)
                completionHandler(.cancel)
            } else if response.expectedContentLength > Int64(maxBytes) {
                stop("announces \(response.expectedContentLength) bytes, more than the \(maxBytes) a gzip of the file can take", task: dataTask)
                completionHandler(.cancel)
            } else {
                completionHandler(.allow)
            }
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive chunk: Data) {
            let over = lock.withLock { () -> Bool in
                activity = DispatchTime.now().uptimeNanoseconds
                guard stopped == nil else { return false }
                guard data.count + chunk.count <= maxBytes else { return true }
                data.append(chunk)
                return false
            }
            if over { stop("sent more than the \(maxBytes) bytes a gzip of the file can take", task: dataTask) }
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
            lock.withLock { self.error = error }
            done.signal()
        }

        /// The body, or the problem: stopped here (the mirror answered wrongly or too slowly),
        /// never answered (unreachable), or answered with an error.
        func result(for url: URL) throws -> Data {
            let (data, status, error, stopped) = lock.withLock { (self.data, self.status, self.error, self.stopped) }
            let host = url.host ?? url.absoluteString
            if let stopped {
                throw DatasetDownloader.Problem.refused("\(url.absoluteString): \(status == nil && stopped.hasPrefix("sent nothing") ? "no answer: " : "")\(stopped)")
            }
            if let error {
                if status == nil { throw DatasetDownloader.Problem.unreachable("\(host): \(error.localizedDescription)") }
                throw DatasetDownloader.Problem.refused("\(url.absoluteString): the transfer broke off (\(error.localizedDescription))")
            }
            guard let status else { throw DatasetDownloader.Problem.refused("\(url.absoluteString): no HTTP response") }
            guard status == 200 else { throw DatasetDownloader.Problem.refused("\(url.absoluteString): HTTP \(status)") }
            return data
        }
    }
}
