import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The ports and key a kernel listens with, written as a connection file the kernel reads.
public struct ConnectionInfo: Sendable, Equatable {
    public var ip = "127.0.0.1"
    public var shellPort: Int
    public var iopubPort: Int
    public var stdinPort: Int
    public var controlPort: Int
    public var heartbeatPort: Int
    /// The HMAC-SHA256 key (hex text, used as its UTF-8 bytes, as Jupyter does).
    public var key: String

    /// Five free ports on 127.0.0.1 and 32 random bytes of key.
    public static func fresh() throws -> ConnectionInfo {
        let ports = try FreePorts.take(5)
        var generator = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        return ConnectionInfo(shellPort: ports[0], iopubPort: ports[1], stdinPort: ports[2],
                              controlPort: ports[3], heartbeatPort: ports[4], key: key)
    }

    public func endpoint(_ port: Int) -> String { "tcp://\(ip):\(port)" }

    /// The connection file's JSON.
    public var json: JSONValue {
        [
            "ip": .string(ip), "transport": "tcp", "signature_scheme": "hmac-sha256", "key": .string(key),
            "shell_port": .number(Double(shellPort)), "iopub_port": .number(Double(iopubPort)),
            "stdin_port": .number(Double(stdinPort)), "control_port": .number(Double(controlPort)),
            "hb_port": .number(Double(heartbeatPort)),
        ]
    }

    /// Writes the connection file at `path`, readable by its owner only (mode 0600).
    public func write(to path: String) throws {
        let bytes = Data(try json.encoded())
        guard FileManager.default.createFile(atPath: path, contents: bytes,
                                             attributes: [.posixPermissions: 0o600]) else {
            throw KernelError.transport("cannot write the connection file \(path)")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }
}

/// Free TCP ports on 127.0.0.1, found by binding to port 0 and reading which port was given.
enum FreePorts {
    /// `count` distinct ports (all held open until each is chosen, then released for the kernel).
    static func take(_ count: Int) throws -> [Int] {
        var descriptors: [Int32] = []
        defer { descriptors.forEach { _ = close($0) } }
        var ports: [Int] = []
        for _ in 0..<count {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard descriptor >= 0 else { throw KernelError.transport("cannot open a socket to find a free port") }
            descriptors.append(descriptor)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
                }
            }
            guard bound else { throw KernelError.transport("cannot bind a socket on 127.0.0.1 to find a free port") }
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        return ports
    }
}
