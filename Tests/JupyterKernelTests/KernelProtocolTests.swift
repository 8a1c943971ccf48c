import Foundation
import Testing
@testable import JupyterKernel

/// The parts of the client that need no kernel: signatures, kernelspecs, connection files, outputs.
@Suite struct KernelProtocolTests {
    @Test func signedMessagesRoundTripAndTamperedOnesAreRejected() throws {
        let signer = MessageSigner(key: "a-secret-key")
        let message = KernelMessage(type: "execute_request", session: "s", content: ["code": "1+1"])
        let frames = try message.frames(signedBy: signer)
        let received = try KernelMessage(frames: [Array("identity".utf8)] + frames, verifiedBy: signer)
        #expect(received.content == message.content && received.type == "execute_request")

        var tampered = frames
        tampered[5] = Array(#"{"code":"import os"}"#.utf8)
        #expect(throws: KernelMessage.Rejected.self) { try KernelMessage(frames: tampered, verifiedBy: signer) }
        #expect(throws: KernelMessage.Rejected.self) {
            try KernelMessage(frames: frames, verifiedBy: MessageSigner(key: "another-key"))
        }
        var unsigned = frames
        unsigned[1] = []
        #expect(throws: KernelMessage.Rejected.self) { try KernelMessage(frames: unsigned, verifiedBy: signer) }
        #expect(throws: KernelMessage.Rejected.self) { try KernelMessage(frames: Array(frames.dropFirst()), verifiedBy: signer) }
    }

    @Test func theSignatureIsJupytersHexHMACSHA256() {
        // Python: hmac.new(b'key', b'abcd', hashlib.sha256).hexdigest()
        let signature = MessageSigner(key: "key").signature(of: [Array("ab".utf8), Array("cd".utf8)])
        #expect(signature == "2a31ec0ee8d878c9eece9fb0df79b3b90b2256240163aa5ee50d176d3d1121f8")
    }

    @Test func kernelspecsAreReadWithTheirEnvironmentAndInterruptMode() throws {
        let root = NSTemporaryDirectory() + "/nbrun-kernelspec-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let folder = root + "/kernels/toy"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try #"{"argv": ["toy", "-f", "{connection_file}", "{resource_dir}"], "display_name": "Toy", "language": "toy", "env": {"A": "1"}, "interrupt_mode": "message"}"#
            .write(toFile: folder + "/kernel.json", atomically: true, encoding: .utf8)
        let spec = try KernelSpec.find("toy", in: ["/nonexistent", root])
        #expect(spec.commandLine(connectionFile: "/c.json") == ["toy", "-f", "/c.json", folder])
        #expect(spec.environment == ["A": "1"] && spec.interruptMode == .message && spec.displayName == "Toy")

        try #"{"argv": [], "display_name": "Empty"}"#.write(toFile: folder + "/kernel.json", atomically: true, encoding: .utf8)
        #expect(throws: KernelError.self) { try KernelSpec.find("toy", in: [root]) }
    }

    @Test func theSearchPathFollowsJupyter() {
        let path = KernelSpec.searchPath(environment: [
            "JUPYTER_PATH": "/one:/two", "HOME": "/home/me", "VIRTUAL_ENV": "/venv", "PATH": "",
        ])
        #expect(path == ["/one", "/two", "/home/me/.local/share/jupyter", "/venv/share/jupyter",
                         "/usr/local/share/jupyter", "/usr/share/jupyter"])
    }

    @Test func theConnectionFileIsPrivateWithFreshPortsAndKey() throws {
        let first = try ConnectionInfo.fresh()
        let second = try ConnectionInfo.fresh()
        let ports = [first.shellPort, first.iopubPort, first.stdinPort, first.controlPort, first.heartbeatPort]
        #expect(Set(ports).count == 5 && ports.allSatisfy { $0 > 0 })
        #expect(first.key.count == 64 && first.key != second.key)
        let path = NSTemporaryDirectory() + "/nbrun-connection-" + UUID().uuidString + ".json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try first.write(to: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let json = try JSONValue.decode(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(json["signature_scheme"] == "hmac-sha256" && json["ip"] == "127.0.0.1")
        #expect(json["shell_port"]?.int == first.shellPort && json["key"]?.string == first.key)
    }

    @Test func streamTextBeyondTheLimitIsCountedAndDropped() {
        var collector = OutputCollector(limit: 10)
        for _ in 0..<3 {
            collector.take(KernelMessage(type: "stream", session: "s", content: ["name": "stdout", "text": "0123456"]))
        }
        #expect(collector.outputs == [.stream(.stdout, "0123456012")])
        #expect(collector.truncatedBytes == 11)
    }

    @Test func heartbeatSilenceIsNoticedAfterTheTimeout() {
        var watch = HeartbeatWatch()
        #expect(watch.check(at: 0, interval: 1, timeout: 3) == .ping)
        #expect(watch.check(at: 2, interval: 1, timeout: 3) == .fine)
        watch.answered(at: 2.5)
        #expect(watch.check(at: 3, interval: 1, timeout: 3) == .fine)
        #expect(watch.check(at: 3.5, interval: 1, timeout: 3) == .ping)
        #expect(watch.check(at: 6, interval: 1, timeout: 3) == .fine)
        #expect(watch.check(at: 7, interval: 1, timeout: 3) == .silent(3.5))
    }
}
