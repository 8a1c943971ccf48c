import Foundation

/// A local HTTP server standing in for a data set's mirrors, on 127.0.0.1 and a free port.
///
/// `/good/NAME` serves the file NAME from `folder`; `/corrupt/NAME` serves another real file
/// (`impostor`) under that name, so its checksum is wrong; every other path is 404. It is a
/// well-behaved script for `MisbehavingMirror`, whose threads are its own: a server on Swift's
/// cooperative threads went silent for minutes while the whole suite ran in parallel.
final class MirrorServer: Sendable {
    private let mirror: MisbehavingMirror

    init(folder: URL, impostor: URL) throws {
        mirror = try MisbehavingMirror { path, client, mirror in
            let parts = path.split(separator: "/").map(String.init)
            let file: URL? = switch (parts.first, parts.count) {
            case ("good", 2): folder.appendingPathComponent(parts[1])
            case ("corrupt", 2): impostor
            default: nil
            }
            guard let file, let body = FileManager.default.contents(atPath: file.path) else {
                mirror.send(Array("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8), to: client)
                return
            }
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/gzip\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
            mirror.send(Array(head.utf8) + Array(body), to: client)
        }
    }

    func url(_ path: String) -> URL { URL(string: "http://127.0.0.1:\(mirror.port)/\(path)/")! }

    func stop() { mirror.stop() }
}

/// Runs blocking work on a thread of its own, off Swift's cooperative threads and off
/// Dispatch's shared ones, which other tests' timers need.
func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}
