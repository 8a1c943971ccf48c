import Dispatch
import Foundation
import NotebookRunner

/// The process's signal handling while notebooks run: SIGINT, SIGTERM and SIGHUP become
/// cancellation requests, which cells notice at their next checkpoint.
///
/// Installed once per `nbrun render`; `restore()` puts the default handlers back before
/// the process exits. A signal that was ignored when nbrun started (`nohup`) stays ignored.
final class SignalForwarder: Sendable {
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    nonisolated(unsafe) private var sources: [any DispatchSourceSignal] = []
    private let lock = NSLock()

    init(to cancellation: Cancellation) {
        for number in Self.signals {
            let previous = signal(number, SIG_IGN)
            if Self.isIgnore(previous) { continue }
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { cancellation.interrupt(signal: number) }
            source.resume()
            sources.append(source)
        }
    }

    /// Stops forwarding and restores the default action of every signal this forwarder took.
    func restore() {
        lock.lock()
        defer { lock.unlock() }
        for source in sources {
            source.cancel()
            signal(Int32(source.handle), SIG_DFL)
        }
        sources.removeAll()
    }

    private static func isIgnore(_ handler: sighandler_t?) -> Bool {
        guard let handler else { return false }
        return unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }
}
