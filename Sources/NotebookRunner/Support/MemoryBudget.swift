import Foundation

/// The most memory one allocation of computed data may take, in bytes.
///
/// Every tensor, image and decoded file is checked against it before it is allocated, so an
/// expression such as `onehot([1], 60000).T @ onehot([1], 60000)` fails with a located
/// message instead of exhausting the machine. The default is half of physical memory.
public struct MemoryBudget: Sendable, Hashable {
    public var bytes: Int

    public init(bytes: Int) {
        self.bytes = max(0, bytes)
    }

    /// Half of this machine's physical memory.
    public static let `default` = MemoryBudget(bytes: Int(clamping: ProcessInfo.processInfo.physicalMemory / 2))

    /// Whether `count` values of `stride` bytes each fit; false when the size overflows.
    public func allows(count: Int, stride: Int) -> Bool {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: stride)
        return !overflow && count >= 0 && bytes <= self.bytes
    }

    /// A byte count for people: `28.8 GB`, `512 MB`, `3.1 KB`.
    public static func describe(bytes: Double) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB", "PB", "EB"]
        var value = bytes
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        if unit == 0 { return "\(Int(value)) bytes" }
        return String(format: value >= 100 ? "%.0f" : "%.1f", value) + " " + units[unit]
    }
}
