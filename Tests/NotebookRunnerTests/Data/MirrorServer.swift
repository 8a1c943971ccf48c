import FlyingFox
import Foundation

/// A local HTTP server standing in for a data set's mirrors, on 127.0.0.1 and a free port.
///
/// `/good/NAME` serves the file NAME from `folder`; `/corrupt/NAME` serves another real file
/// (`impostor`) under that name, so its checksum is wrong; every other path is 404.
final class MirrorServer: Sendable {
    let server: HTTPServer
    let task: Task<Void, any Error>
    let port: UInt16

    init(folder: URL, impostor: URL) async throws {
        server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: 0), logger: .disabled)
        await server.appendRoute("GET /good/*") { request in
            let name = String(request.path.split(separator: "/").last ?? "")
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else {
                return HTTPResponse(statusCode: .notFound)
            }
            return HTTPResponse(statusCode: .ok, headers: [.contentType: "application/gzip"], body: data)
        }
        await server.appendRoute("GET /corrupt/*") { _ in
            HTTPResponse(statusCode: .ok, body: FileManager.default.contents(atPath: impostor.path) ?? Data())
        }
        let server = self.server
        task = Task { try await server.run() }
        try await server.waitUntilListening()
        guard case .ip4(_, let port)? = await server.listeningAddress else { throw URLError(.cannotConnectToHost) }
        self.port = port
    }

    func url(_ path: String) -> URL { URL(string: "http://127.0.0.1:\(port)/\(path)/")! }

    func stop() async {
        await server.stop()
        task.cancel()
    }
}

/// Runs blocking work on a thread of its own: off Swift's cooperative threads, so the in-process
/// server can answer meanwhile, and off Dispatch's shared ones, which other tests' timers need.
func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}
