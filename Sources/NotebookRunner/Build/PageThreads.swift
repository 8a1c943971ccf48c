import Foundation
import Synchronization

/// Work on a course's pages, `jobs` at a time: parsing, running and rendering each page is
/// independent of the others. Threads of their own with a main-thread-sized stack (the parser
/// and the renderer recurse, deeper than a dispatch worker's stack allows), taking the next
/// page as each finishes; the results come back in the pages' order.
enum PageThreads {
    static let stackSize = 16 << 20

    static func map<Result: Sendable>(_ count: Int, jobs: Int, _ body: @escaping @Sendable (Int) -> Result) -> [Result] {
        guard count > 0 else { return [] }
        let next = Mutex(0)
        let results = Mutex([Int: Result]())
        let done = DispatchSemaphore(value: 0)
        let workers = max(1, min(jobs, count))
        for _ in 0 ..< workers {
            let thread = Thread {
                while true {
                    let index = next.withLock { value -> Int in defer { value += 1 }; return value }
                    guard index < count else { break }
                    let result = body(index)
                    results.withLock { $0[index] = result }
                }
                done.signal()
            }
            thread.stackSize = stackSize
            thread.start()
        }
        for _ in 0 ..< workers { done.wait() }
        return results.withLock { all in (0 ..< count).map { all[$0]! } }
    }
}
