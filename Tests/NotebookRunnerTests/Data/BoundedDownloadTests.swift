import Foundation
import Testing
import ZlibBindings
@testable import NotebookRunner

/// `nbrun data fetch` against mirrors on 127.0.0.1 that lie about sizes, never stop, or barely
/// move: each fetch ends within its bounds — bytes from the catalog, time from `DownloadLimits`
/// — and says which bound in one line (never "no network" for a mirror that answered).
@Suite(.enabled(if: DataFixtures.hasMNIST))
struct BoundedDownloadTests {
    static let labels = DatasetDownloaderTests.labelsOnly
    static let header = "HTTP/1.1 200 OK\r\nContent-Type: application/gzip\r\nConnection: close\r\n"

    /// Runs `body` with a mirror playing `script`, stopping the mirror afterwards.
    func withMirror<T>(_ script: @escaping MisbehavingMirror.Script, _ body: (MisbehavingMirror) async throws -> T) async throws -> T {
        let mirror = try MisbehavingMirror(script: script)
        defer { mirror.stop() }
        return try await body(mirror)
    }

    /// The fetch's error and how long the fetch took (timed on its own thread: awaiting the
    /// result may wait for Swift's shared threads, which other tests keep busy).
    func failedFetch(_ entry: DatasetCatalog.Entry, from mirror: URL, limits: DownloadLimits = .standard) async throws -> (message: String, seconds: Double) {
        let root = try DataFixtures.temporaryDirectory("bounded")
        defer { try? FileManager.default.removeItem(at: root) }
        let downloader = DatasetDownloader(mirrors: [mirror], limits: limits)
        let (message, seconds) = try await offCooperativePool { () -> (String?, Double) in
            let started = Date()
            do {
                _ = try downloader.fetch(entry, into: root)
                return (nil, Date().timeIntervalSince(started))
            } catch let diagnostic as Diagnostic {
                return (diagnostic.headline, Date().timeIntervalSince(started))
            }
        }
        #expect(message != nil, "the fetch failed")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(entry.name).path)) ?? []).isEmpty,
                "nothing is written")
        return (message ?? "", seconds)
    }

    @Test func aBodyThatNeverEndsIsCutAtTheLargestGzipOfTheFile() async throws {
        let (message, seconds, sent) = try await withMirror({ _, client, mirror in
            guard mirror.send(Array((Self.header + "\r\n").utf8), to: client) else { return }
            // 256 KiB every 10 ms (about 25 MB/s), bounded here too: 64 MiB or 30 s.
            let zeros = [UInt8](repeating: 0, count: 1 << 18)
            let started = Date()
            while mirror.bytesSent < 64 << 20, Date().timeIntervalSince(started) < 30, mirror.send(zeros, to: client) {
                Thread.sleep(forTimeInterval: 0.01)
            }
        }) { mirror in
            let (message, seconds) = try await failedFetch(Self.labels, from: mirror.url)
            return (message, seconds, mirror.bytesSent)
        }
        let largest = try #require(Self.labels.files["train-labels-idx1-ubyte"]).largestGzip
        #expect(message.contains("sent more than the \(largest) bytes a gzip of the file can take"), "\(message)")
        #expect(!message.contains("no network"))
        // Bytes the mirror sent before the client's cut reached it, and the seconds it took, depend
        // on how busy the machine is (URLSession's callbacks run on Dispatch's shared threads):
        // bounded here only loosely; the message says which bound stopped the fetch.
        #expect(sent <= 64 << 20 + (1 << 18), "the mirror sent \(sent) bytes")
        #expect(seconds < 120)
    }

    @Test func aContentLengthOfTenToTheFifteenIsRefusedAtOnce() async throws {
        try await withMirror({ _, client, mirror in
            mirror.send(Array((Self.header + "Content-Length: 1000000000000000\r\n\r\n").utf8), to: client)
            // Then nothing, until the client leaves (or 30 s).
            _ = client.read(for: 30)
        }) { mirror in
            let root = try DataFixtures.temporaryDirectory("huge-length")
            defer { try? FileManager.default.removeItem(at: root) }
            let (result, seconds) = try await offCooperativePool {
                let started = Date()
                let result = try NBRunProcess.run(["data", "fetch", "mnist", "--to", root.path, "--mirror", mirror.url.absoluteString])
                return (result, Date().timeIntervalSince(started))
            }
            #expect(result.status == 1)
            #expect(result.stderr.contains("announces 1000000000000000 bytes, more than the"), "\(result.stderr)")
            #expect(!result.stderr.contains("no network"))
            #expect(seconds < 120)
        }
    }

    /// A small gzip that expands to 1 GiB (1,024 gzip members of 1 MiB of zeros each) is
    /// gunzipped only to one byte past the file's 47 MB, in a process that stays small.
    @Test func aGzipBombIsGunzippedOnlyToTheFilesSize() async throws {
        let member = try Zlib.deflate([UInt8](repeating: 0, count: 1 << 20), format: .gzip, level: 9)
        let bomb = [UInt8]((0 ..< 1024).map { _ in member }.joined())
        try await withMirror({ _, client, mirror in
            mirror.send(Array((Self.header + "Content-Length: \(bomb.count)\r\n\r\n").utf8) + bomb, to: client)
        }) { mirror in
            let root = try DataFixtures.temporaryDirectory("bomb")
            defer { try? FileManager.default.removeItem(at: root) }
            let result = try await offCooperativePool {
                try NBRunProcess.run(["/usr/bin/time", "-f", "max-rss-kb %M", NBRunProcess.binary.path,
                                      "data", "fetch", "mnist", "--to", root.path, "--mirror", mirror.url.absoluteString],
                                     executable: URL(fileURLWithPath: "/usr/bin/time"))
            }
            #expect(result.status == 1)
            #expect(result.stderr.contains("train-images-idx3-ubyte.gz from \(mirror.url.absoluteString)train-images-idx3-ubyte.gz has more than the 47040016 IDX bytes"), "\(result.stderr)")
            let kilobytes = try #require(result.stderr.firstMatch(of: /max-rss-kb (\d+)/).flatMap { Int($0.1) })
            #expect(kilobytes < 400_000, "the fetch took \(kilobytes / 1000) MB")
        }
    }

    @Test func aMirrorSendingOneBytePerTickMeetsTheOverallDeadline() async throws {
        try await withMirror({ _, client, mirror in
            guard mirror.send(Array((Self.header + "Content-Length: 60000\r\n\r\n").utf8), to: client) else { return }
            for _ in 0 ..< 300 where !mirror.isStopped {
                guard mirror.send([0x1f], to: client) else { return }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }) { mirror in
            let (message, seconds) = try await failedFetch(Self.labels, from: mirror.url,
                                                           limits: DownloadLimits(overallSeconds: 2, stallSeconds: 30))
            #expect(message.contains("the fetch took longer than its 2 s in all"), "\(message)")
            #expect(seconds < 120)
        }
    }

    @Test func aMirrorThatStopsSendingMeetsTheStallDeadline() async throws {
        try await withMirror({ _, client, mirror in
            guard mirror.send(Array((Self.header + "Content-Length: 60000\r\n\r\n").utf8 + [0x1f, 0x8b]), to: client) else { return }
            _ = client.read(for: 30)
        }) { mirror in
            let (message, seconds) = try await failedFetch(Self.labels, from: mirror.url,
                                                           limits: DownloadLimits(overallSeconds: 60, stallSeconds: 1))
            #expect(message.contains("sent nothing for 1 s"), "\(message)")
            #expect(!message.contains("no network"))
            #expect(seconds < 120)
        }
    }

    @Test func aMirrorThatNeverAnswersMeetsTheStallDeadline() async throws {
        try await withMirror({ _, client, _ in
            _ = client.read(for: 30)
        }) { mirror in
            let (message, seconds) = try await failedFetch(Self.labels, from: mirror.url,
                                                           limits: DownloadLimits(overallSeconds: 60, stallSeconds: 1))
            #expect(message.contains("no answer: sent nothing for 1 s"), "\(message)")
            #expect(seconds < 120)
        }
    }
}
