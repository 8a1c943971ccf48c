import Foundation

/// A mirror on 127.0.0.1 that answers every GET by a script written against the raw socket: a
/// body larger than it says, a body that never ends, one byte a second, a `Content-Length` of
/// 10¹⁵. Scripts stop when the client leaves or the mirror is stopped (`isStopped`), and each
/// test bounds their time; `bytesSent` counts what they wrote.
final class MisbehavingMirror: @unchecked Sendable {
    typealias Script = @Sendable (_ path: String, _ client: RawConnection, _ mirror: MisbehavingMirror) -> Void

    let port: UInt16
    private let listener: Int32
    private let script: Script
    private let lock = NSLock()
    private var stopped = false
    private var sent = 0

    init(script: @escaping Script) throws {
        self.script = script
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && listen(listener, 16) == 0 && getsockname(listener, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        port = UInt16(bigEndian: address.sin_port)
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    var isStopped: Bool { lock.withLock { stopped } }
    var bytesSent: Int { lock.withLock { sent } }

    /// `http://127.0.0.1:PORT/` (add a folder as the tests do).
    var url: URL { URL(string: "http://127.0.0.1:\(port)/data/")! }

    func stop() {
        lock.withLock { stopped = true }
        shutdown(listener, Int32(SHUT_RDWR))
    }

    /// Sends `bytes` and counts them; false when the client has gone or the mirror stopped.
    @discardableResult
    func send(_ bytes: [UInt8], to client: RawConnection) -> Bool {
        guard !isStopped, client.send(bytes) else { return false }
        lock.withLock { sent += bytes.count }
        return true
    }

    private func acceptLoop() {
        while !isStopped {
            let client = accept(listener, nil, nil)
            if client < 0 { if isStopped { break } else { continue } }
            let connection = RawConnection(descriptor: client)
            Thread.detachNewThread { [self] in
                let head = connection.read(through: Array("\r\n\r\n".utf8), within: 5)
                let text = String(decoding: head, as: UTF8.self)
                let path = text.split(separator: " ").dropFirst().first.map(String.init) ?? ""
                script(path, connection, self)
                connection.close()
            }
        }
        Glibc.close(listener)
    }
}
