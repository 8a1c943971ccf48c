import FlyingFox
import Foundation

/// The preview's HTTP server: `GET /` is the latest page, `GET /version` its number (the reload
/// hook polls it). It listens on 127.0.0.1 unless told otherwise, and serves nothing else.
public final class PreviewServer: Sendable {
    private let server: HTTPServer
    private let session: PreviewSession

    /// - Parameter port: 0 picks a free port (see `port()`).
    public init(session: PreviewSession, host: String = "127.0.0.1", port: UInt16) throws {
        self.session = session
        server = HTTPServer(address: try .inet(ip4: host, port: port), logger: .disabled)
    }

    /// Serves until `stop()` (or the task is cancelled).
    public func run() async throws {
        let session = self.session
        await server.appendRoute("GET /version") { _ in
            HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain; charset=utf-8", .init("Cache-Control"): "no-store"],
                         body: Data(String(session.page.version).utf8))
        }
        await server.appendRoute("GET /") { _ in
            HTTPResponse(statusCode: .ok, headers: [.contentType: "text/html; charset=utf-8", .init("Cache-Control"): "no-store"],
                         body: Data(session.page.html.utf8))
        }
        try await server.run()
    }

    /// Waits until the server accepts connections, then returns its port.
    public func port() async throws -> UInt16 {
        try await server.waitUntilListening()
        guard case .ip4(_, let port)? = await server.listeningAddress else { throw URLError(.cannotConnectToHost) }
        return port
    }

    public func stop() async {
        await server.stop()
    }
}
