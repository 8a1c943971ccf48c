import Foundation

/// The most memory one allocation of computed data may take: a decoded file, an image, a tensor.
///
/// Every allocation whose size comes from input (a file's header, a notebook's shapes) is
/// checked against the budget *before* it is made, so a corrupt header, a decompression
/// bomb or `onehot([1], 60000).T @ onehot([1], 60000)` fails with a message instead of
/// exhausting the machine. The default is half of the physical memory; `--memory-limit`
/// sets it (`RunSettings.memoryBudget`).
///
/// ```swift
/// try budget.check(count: rows * cols, elementSize: 8, for: "the tensor (\(rows)×\(cols))")
/// ```
public struct MemoryBudget: Sendable, Hashable, CustomStringConvertible {
    /// The limit in bytes.
    public var bytes: Int

    public init(bytes: Int) {
        self.bytes = max(0, bytes)
    }

    /// Half of this machine's physical memory.
    public static let `default` = MemoryBudget(bytes: physicalMemory / 2)

    /// A size as written on the command line: bytes (`1000000`), or a number with a unit:
    /// `K`, `M`, `G`, `T` (also `KB`, `MB`, …) are powers of 1000, `KiB`, `MiB`, `GiB`, `TiB`
    /// powers of 1024, e.g. `512M`, `1.5G`, `2GiB`. Nil for anything else, zero and sizes past `Int.max`.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [(suffix: String, factor: Double)] = [
            ("KIB", 0x1p10), ("MIB", 0x1p20), ("GIB", 0x1p30), ("TIB", 0x1p40),
            ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12),
            ("K", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("B", 1),
        ]
        var number = Substring(trimmed), factor = 1.0
        if let unit = units.first(where: { trimmed.hasSuffix($0.suffix) }) {
            number = trimmed.dropLast(unit.suffix.count)
            factor = unit.factor
        }
        guard let value = Double(number.trimmingCharacters(in: .whitespaces)), value.isFinite, value > 0,
              value * factor >= 1, value * factor < 0x1p63 else { return nil }
        self.init(bytes: Int(value * factor))
    }

    /// `512 MB`, `1.5 GB`.
    public var description: String { Self.describe(bytes: Double(bytes)) }

    /// Throws unless `bytes` fit in the budget. `what` names the data with its shape
    /// (`images file 'x.gz' declares 100 images of 4096×4096`); `hint` says how to need less.
    public func check(_ bytes: Int, for what: @autoclosure () -> String, hint: @autoclosure () -> String? = nil) throws {
        guard bytes > self.bytes else { return }
        throw exceeded(bytes, for: what(), hint: hint())
    }

    /// Whether `count` values of `stride` bytes each fit; false when the size overflows.
    public func allows(count: Int, stride: Int) -> Bool {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: stride)
        return !overflow && count >= 0 && bytes <= self.bytes
    }

    /// Throws unless `count` elements of `elementSize` bytes fit; a product that overflows
    /// does not fit.
    public func check(count: Int, elementSize: Int, for what: @autoclosure () -> String,
                      hint: @autoclosure () -> String? = nil) throws {
        guard let bytes = Self.byteCount([count], elementSize: elementSize) else {
            throw exceeded(nil, for: what(), hint: hint())
        }
        try check(bytes, for: what(), hint: hint())
    }

    /// The bytes of an array of `shape` with `elementSize`-byte elements; nil when the
    /// product overflows `Int` or a size is negative.
    public static func byteCount(_ shape: [Int], elementSize: Int) -> Int? {
        var total = elementSize
        for size in shape {
            guard size >= 0 else { return nil }
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            if overflow { return nil }
            total = product
        }
        return total
    }

    /// The error for `needed` bytes (nil: more than `Int` counts).
    private func exceeded(_ needed: Int?, for what: String, hint: String?) -> Diagnostic {
        let size = needed.map(Self.describeBytes) ?? "more than 2⁶³ bytes"
        var advice = "raise the budget with --memory-limit"
        if let needed, needed <= Self.physicalMemory {
            advice += " (e.g. --memory-limit \((needed + 999_999_999) / 1_000_000_000 + 1)G)"
        } else {
            advice += " only if the machine has that much memory (it has \(Self.describe(bytes: Double(Self.physicalMemory))))"
        }
        return Diagnostic.error("\(what) needs \(size), more than the memory budget of \(self)",
                                hint: (hint.map { $0 + "; or " } ?? "") + advice)
    }

    private static let physicalMemory = Int(clamping: ProcessInfo.processInfo.physicalMemory)

    /// `1,677,721,600 bytes (1.7 GB)`.
    public static func describeBytes(_ bytes: Int) -> String {
        "\(NumberText.grouped(bytes)) bytes (\(describe(bytes: Double(bytes))))"
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
