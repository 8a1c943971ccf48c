import Foundation
import Testing
@testable import JupyterKernel

/// A real IPython kernel, started, run and stopped through the messaging protocol. Serialized:
/// each test owns one kernel, and the process checks count this process's kernel children.
@Suite(.serialized, .enabled(if: KernelFixtures.hasPythonKernel, "needs python3-ipykernel"))
struct KernelClientTests {
    @Test(.timeLimit(.minutes(2))) func handshakeReportsTheKernelsLanguage() throws {
        let kernel = try KernelFixtures.python()
        defer { kernel.shutdown() }
        #expect(kernel.info["language_info"]?["name"]?.string == "python")
        #expect(kernel.info["protocol_version"]?.string?.hasPrefix("5.") == true)
        #expect(kernel.info["status"]?.string == "ok")
    }

    @Test(.timeLimit(.minutes(2))) func printIsAStreamAndAnExpressionIsAResult() throws {
        let kernel = try KernelFixtures.python()
        defer { kernel.shutdown() }
        let printed = try kernel.execute("print('hello'); print('world')")
        #expect(printed.status == .ok)
        #expect(printed.outputs == [.stream(.stdout, "hello\nworld\n")])
        let sum = try kernel.execute("1+1")
        #expect(sum.status == .ok)
        guard case .result(let bundle, let count)? = sum.outputs.first else {
            Issue.record("no execute_result: \(sum.outputs)")
            return
        }
        #expect(bundle.text("text/plain") == "2")
        #expect(count == sum.executionCount && count == 2)
        let stderr = try kernel.execute("import sys; sys.stderr.write('careful\\n')")
        #expect(stderr.outputs.contains(.stream(.stderr, "careful\n")))
    }

    @Test(.timeLimit(.minutes(2))) func aMatplotlibFigureIsAPNG() throws {
        let kernel = try KernelFixtures.python()
        defer { kernel.shutdown() }
        // ipykernel's inline backend draws with Agg (no display needed) and shows the figure at the cell's end.
        let result = try kernel.execute("""
            import matplotlib.pyplot as plt
            fig, ax = plt.subplots(figsize=(2, 2))
            ax.plot([0, 1, 2], [0, 1, 4])
            """)
        #expect(result.status == .ok)
        let png = result.outputs.compactMap { $0.bundle?.text("image/png") }.first
        let bytes = png.flatMap { Data(base64Encoded: $0, options: .ignoreUnknownCharacters) }
        #expect(bytes?.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
    }

    @Test(.timeLimit(.minutes(2))) func richDisplaysCarryTheirMIMETypes() throws {
        let kernel = try KernelFixtures.python()
        defer { kernel.shutdown() }
        let result = try kernel.execute("""
            from IPython.display import display, HTML, SVG, Markdown, Latex
            display(HTML('<b>bold</b>'))
            display(SVG('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'))
            display(Markdown('*emphasis*'))
            display(Latex(r'$x^2$'))
            """)
        #expect(result.status == .ok)
        let bundles = result.outputs.compactMap(\.bundle)
        #expect(bundles.count == 4)
        #expect(bundles.first?.text("text/html") == "<b>bold</b>")
        #expect(bundles.dropFirst().first?.text("image/svg+xml")?.contains("<rect") == true)
        #expect(bundles.dropFirst(2).first?.text("text/markdown") == "*emphasis*")
        #expect(bundles.dropFirst(3).first?.text("text/latex") == "$x^2$")
    }

    @Test(.timeLimit(.minutes(2))) func updateAndClearOutputAreApplied() throws {
        let kernel = try KernelFixtures.python()
        defer { kernel.shutdown() }
        let updated = try kernel.execute("""
            from IPython.display import display, clear_output
            handle = display('first', display_id=True)
            handle.update('second')
            """)
        #expect(updated.outputs.compactMap { $0.bundle?.text("text/plain") } == ["'second'"])
        let cleared = try kernel.execute("print('gone'); clear_output(wait=True); print('kept')")
        #expect(cleared.outputs == [.stream(.stdout, "kept\n")])
    }

    @Test(.timeLimit(.minutes(2))) func aFloodOfPrintedTextIsCappedAtTheOutputLimit() throws {
        var options = KernelClient.Options()
        options.outputLimit = 1 << 20
        let kernel = try KernelClient(kernel: "python3", options: options)
        defer { kernel.shutdown() }
        let result = try kernel.execute("for _ in range(200): print('x' * 99_999)")
        #expect(result.status == .ok)
        #expect(KernelFixtures.streamText(result).utf8.count == 1 << 20)
        #expect(result.truncatedBytes == 20_000_000 - (1 << 20))
    }

    @Test(.timeLimit(.minutes(2))) func anExceptionIsAnErrorWithItsTraceback() throws {
        let kernel = try KernelFixtures.python()
        defer { kernel.shutdown() }
        let result = try kernel.execute("def f():\n    return 1/0\nf()")
        #expect(result.status == .error)
        let error = try #require(result.error)
        #expect(error.name == "ZeroDivisionError")
        #expect(error.value == "division by zero")
        #expect(KernelFixtures.withoutColours(error.traceback.joined(separator: "\n")).contains("return 1/0"))
        #expect(try kernel.execute("2*3").outputs.first?.bundle?.text("text/plain") == "6")
    }

    @Test(.timeLimit(.minutes(2))) func anEndlessLoopIsInterruptedAndTheKernelLivesOn() throws {
        let kernel = try KernelFixtures.python()
        defer { kernel.shutdown() }
        _ = try kernel.execute("kept = 41")
        let pid = kernel.pid
        let start = KernelFixtures.monotonicSeconds()
        let result = try kernel.execute("while True: pass", timeout: 1)
        #expect(KernelFixtures.monotonicSeconds() - start < 10)
        #expect(result.status == .interrupted)
        #expect(result.error?.name == "KeyboardInterrupt")
        #expect(kernel.pid == pid)
        let after = try kernel.execute("kept + 1")
        let texts = after.outputs.compactMap { $0.bundle?.text("text/plain") }
        #expect(texts.contains("42"), "\(after.outputs)")
    }

    @Test(.timeLimit(.minutes(2))) func codeThatIgnoresTheInterruptGetsAFreshKernel() throws {
        let kernel = try KernelFixtures.python()
        defer { kernel.shutdown() }
        _ = try kernel.execute("kept = 41")
        let pid = kernel.pid
        let result = try kernel.execute("""
            import signal, time
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            while True: time.sleep(0.05)
            """, timeout: 1)
        #expect(result.status == .restarted)
        #expect(kernel.pid != pid)
        #expect(!KernelFixtures.processExists(pid))
        let after = try kernel.execute("'kept' in globals()")
        #expect(after.outputs.first?.bundle?.text("text/plain") == "False")
    }

    @Test(.timeLimit(.minutes(2))) func aKernelThatExitsIsAClearErrorNotAHang() throws {
        let kernel = try KernelFixtures.python()
        defer { kernel.shutdown() }
        let start = KernelFixtures.monotonicSeconds()
        #expect {
            _ = try kernel.execute("import os; os._exit(1)")
        } throws: { error in
            guard case KernelError.died(let reason, _) = error else { return false }
            return reason.contains("exited with status 1")
        }
        #expect(KernelFixtures.monotonicSeconds() - start < 5)
    }

    @Test(.timeLimit(.minutes(2))) func shutdownLeavesNoProcessAndNoConnectionFile() throws {
        // Other suites start kernels of their own meanwhile: look at this kernel's process only.
        let kernel = try KernelFixtures.python()
        let pid = kernel.pid
        #expect(KernelFixtures.kernelChildren().contains(pid))
        let connectionFile = kernel.connectionFile
        let mode = try FileManager.default.attributesOfItem(atPath: connectionFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        kernel.shutdown()
        #expect(!KernelFixtures.kernelChildren().contains(pid))
        #expect(!KernelFixtures.processExists(pid))
        #expect(!FileManager.default.fileExists(atPath: connectionFile))
    }

    @Test func aMissingKernelspecNamesItAndHowToInstall() throws {
        let folder = NSTemporaryDirectory() + "/nbrun-empty-jupyter-" + UUID().uuidString
        #expect {
            _ = try KernelSpec.find("python3", in: [folder])
        } throws: { error in
            guard let error = error as? KernelError, case .kernelspecNotFound(let name, let searched) = error else { return false }
            return name == "python3" && searched == [folder + "/kernels"]
                && error.description.contains("'python3'")
                && error.hint?.contains("apt-get install python3-ipykernel") == true
                && error.hint?.contains("pip install ipykernel") == true
        }
    }
}
