import Foundation
import Testing
@testable import JupyterKernel

/// Stopping running code the ways the kernelspec and the caller ask, and keeping a flood of
/// displayed output out of memory.
@Suite(.serialized, .enabled(if: KernelFixtures.hasPythonKernel, "needs python3-ipykernel"))
struct KernelStopTests {
    /// The python3 kernelspec copied into a folder of its own with `interrupt_mode: message`.
    static func messageInterruptedSpec() throws -> (KernelSpec, URL) {
        let python = try KernelSpec.find("python3")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nbrun-spec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let json: [String: Any] = ["argv": python.argv, "display_name": "Python (message interrupts)", "language": "python",
                                   "interrupt_mode": "message"]
        try JSONSerialization.data(withJSONObject: json).write(to: folder.appendingPathComponent("kernel.json"))
        return (try KernelSpec(name: "python3-message", directory: folder.path), folder)
    }

    @Test(.timeLimit(.minutes(2))) func aMessageModeKernelIsInterruptedByInterruptRequest() throws {
        let (spec, folder) = try Self.messageInterruptedSpec()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(spec.interruptMode == .message)
        let kernel = try KernelClient(spec: spec)
        defer { kernel.shutdown() }
        let pid = kernel.pid
        let result = try kernel.execute("kept = 41\nwhile True: pass", timeout: 1)
        #expect(result.status == .interrupted)
        #expect(result.error?.name == "KeyboardInterrupt")
        #expect(kernel.pid == pid)
        #expect(try kernel.execute("kept + 1").outputs.compactMap { $0.bundle?.text("text/plain") } == ["42"])
    }

    @Test(.timeLimit(.minutes(2))) func theCallersStopInterruptsTheCodeAndSaysSo() throws {
        let kernel = try KernelFixtures.python()
        defer { kernel.shutdown() }
        let asked = KernelFixtures.monotonicSeconds() + 1
        let result = try kernel.execute("while True: pass", stopRequested: { KernelFixtures.monotonicSeconds() > asked })
        #expect(result.status == .interrupted && result.cancelled)
        #expect(try kernel.execute("6 * 7").outputs.compactMap { $0.bundle?.text("text/plain") } == ["42"])
    }

    @Test(.timeLimit(.minutes(2))) func displaysBeyondTheDisplayLimitAreDroppedAndCounted() throws {
        var options = KernelClient.Options()
        options.displayLimit = 1 << 20
        let kernel = try KernelClient(kernel: "python3", options: options)
        defer { kernel.shutdown() }
        let result = try kernel.execute("""
            from IPython.display import HTML, display
            display(HTML('<p>small</p>'))
            display(HTML('<p>' + 'x' * 3_000_000 + '</p>'))
            """)
        let html = result.outputs.compactMap { $0.bundle?.text("text/html") }
        #expect(html == ["<p>small</p>"])
        #expect(result.droppedDisplayBytes == 3_000_007)
        // The dropped display keeps its other representations (its text/plain stand-in).
        #expect(result.outputs.count == 2)
    }
}
