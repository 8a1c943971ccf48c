/// How long `nbrun data fetch` waits, declared once (the README states the defaults; tests pass
/// smaller ones). How many bytes it takes is the catalog's: `KnownFile.largestGzip` and `bytes`.
public struct DownloadLimits: Sendable, Equatable {
    /// Seconds a whole fetch may take, every file from every mirror tried.
    public var overallSeconds: Double
    /// Seconds a mirror may send nothing (before its answer or within it) before it is given up.
    public var stallSeconds: Double

    public init(overallSeconds: Double = 900, stallSeconds: Double = 30) {
        self.overallSeconds = overallSeconds
        self.stallSeconds = stallSeconds
    }

    public static let standard = DownloadLimits()
}
