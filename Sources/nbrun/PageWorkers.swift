import Foundation
import Synchronization

/// Renders several notebooks at once on up to `jobs` threads (`render -j N`), each page with
/// its own run (and its own Jupyter kernel), and hands back each outcome in the order the
/// notebooks were given, as soon as it and every one before it are done: what the command
/// prints and its exit status read the same as one page after the other.
struct PageWorkers<Outcome: Sendable>: Sendable {
    let jobs: Int

    /// Calls `render(i)` for every `i` in `0..<count` (nil: not started, e.g. after a signal),
    /// at most `jobs` at a time, and `take(i, outcome)` on the calling thread in order of `i`.
    func run(count: Int, render: @escaping @Sendable (Int) -> Outcome?, take: (Int, Outcome?) throws -> Void) rethrows {
        let next = Mutex(0)
        let done = Mutex([Int: Outcome?]())
        let finished = DispatchSemaphore(value: 0)
        for _ in 0 ..< min(jobs, count) {
            // Foundation threads get a main-thread-sized stack (the parser and renderer recurse).
            let thread = Thread {
                while true {
                    let index = next.withLock { value -> Int in
                        defer { value += 1 }
                        return value
                    }
                    guard index < count else { return }
                    let outcome = render(index)
                    done.withLock { $0[index] = .some(outcome) }
                    finished.signal()
                }
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
        var taken = 0
        while taken < count {
            finished.wait()
            while let ready = done.withLock({ $0.removeValue(forKey: taken) }) {
                try take(taken, ready)
                taken += 1
            }
        }
    }
}
