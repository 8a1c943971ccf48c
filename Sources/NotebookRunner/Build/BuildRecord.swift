import Foundation

/// The build's record, `build.json` beside the site: the course, how the build ended, and for
/// each page and each cell its status and the seconds it took, with the slowest pages and cells
/// first in `slowest` — the same table `nbrun build` prints on standard error. A reproducible
/// build leaves out times, the number of workers and where results came from, so its record is
/// the same bytes every time.
public struct BuildRecord: Sendable, Codable {
    public struct Cell: Sendable, Codable {
        public var label: String
        public var directive: String
        public var status: String
        public var seconds: Double?
    }

    public struct Page: Sendable, Codable {
        public var file: String
        public var html: String
        public var chapter: Int?
        public var status: String
        public var seconds: Double?
        /// The page was as the last build left it: not run, not rendered (absent from a reproducible record).
        public var unchanged: Bool?
        public var cells: [Cell]
    }

    /// A row of the timing table.
    public struct Timing: Sendable, Codable {
        public var page: String
        public var cell: String?
        public var seconds: Double
    }

    public var course: String
    public var manifest: String
    public var numbering: String
    public var stop: String
    public var seconds: Double?
    public var jobs: Int?
    public var pages: [Page]
    /// Pages, then cells, slowest first (absent from a reproducible record).
    public var slowestPages: [Timing]?
    public var slowestCells: [Timing]?
    /// Equations of the course: checked, failed, unchecked.
    public var equations: [String: Int]
    /// Each data set the pages loaded: how often its files were read (once per build) and how
    /// often its bytes were used (by `{load}` cells that ran; cached cells read nothing). Absent
    /// from a reproducible record: like times, it says what this build had to do, not what it made.
    public var dataReads: [DataReads.Count]?
    /// How many pages this build parsed: none when nothing changed since the last build (absent
    /// from a reproducible record).
    public var pagesParsed: Int?

    init(manifest: CourseManifest, files: [String], paths: [String], runs: [(run: RunResult?, seconds: Double, unchanged: Bool, notStarted: Bool)], stop: StopReason,
         seconds: Double, jobs: Int, reproducible: Bool, checked: (checked: Int, failed: Int, unchecked: Int), dataReads: [DataReads.Count] = [],
         pagesParsed: Int = 0) {
        self.dataReads = reproducible ? nil : dataReads
        self.pagesParsed = reproducible ? nil : pagesParsed
        course = manifest.title
        self.manifest = manifest.file
        numbering = manifest.numbering.rawValue
        self.stop = stop.recordName
        self.seconds = reproducible ? nil : seconds
        self.jobs = reproducible ? nil : jobs
        equations = ["checked": checked.checked, "failed": checked.failed, "unchecked": checked.unchecked]
        pages = manifest.pages.indices.map { index in
            let run = runs[index].run
            let cells = (run?.cells ?? []).map { result in
                Cell(label: result.cell.label, directive: result.cell.directive,
                     status: reproducible && result.status == .cached ? CellStatus.ok.rawValue : result.status.rawValue,
                     seconds: reproducible ? nil : result.seconds)
            }
            return Page(file: files[index], html: paths[index], chapter: manifest.pages[index].chapter,
                        status: run?.stopReason.recordName ?? (runs[index].notStarted ? "not-started" : StopReason.notebookInvalid.recordName),
                        seconds: reproducible ? nil : runs[index].seconds, unchanged: reproducible ? nil : runs[index].unchanged, cells: cells)
        }
        guard !reproducible else { return }
        sortTimings()
    }

    /// The record of a rebuild that found nothing changed since the build this record is of, which
    /// took `seconds` with `jobs` workers: every page unchanged, every cell that ran or came from
    /// the cache now cached, nothing parsed or read. A reproducible record stays as it is.
    func unchanged(seconds: Double, jobs: Int) -> BuildRecord {
        guard self.seconds != nil else { return self }
        var record = self
        record.seconds = seconds
        record.jobs = jobs
        record.dataReads = []
        record.pagesParsed = 0
        for index in record.pages.indices {
            record.pages[index].unchanged = true
            record.pages[index].seconds = 0
            for cell in record.pages[index].cells.indices where record.pages[index].cells[cell].status == CellStatus.ok.rawValue {
                record.pages[index].cells[cell].status = CellStatus.cached.rawValue
            }
        }
        record.sortTimings()
        return record
    }

    private mutating func sortTimings() {
        slowestPages = pages.map { Timing(page: $0.file, seconds: $0.seconds ?? 0) }.sorted { $0.seconds > $1.seconds }
        slowestCells = pages.flatMap { page in page.cells.map { Timing(page: page.file, cell: $0.label, seconds: $0.seconds ?? 0) } }
            .sorted { $0.seconds > $1.seconds }
    }

    /// The record as JSON (keys sorted, so equal records are equal bytes).
    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self) + "\n"
    }

    /// The timing table for standard error: the `limit` slowest pages and cells, with their share of the time.
    public func timingTable(limit: Int = 10) -> String {
        guard let slowestPages, let slowestCells else { return "" }
        var lines = ["slowest pages:"]
        for row in slowestPages.prefix(limit) { lines.append(String(format: "  %8.2fs  %@", row.seconds, row.page)) }
        let cells = slowestCells.filter { $0.seconds > 0 }
        if !cells.isEmpty {
            lines.append("slowest cells:")
            for row in cells.prefix(limit) { lines.append(String(format: "  %8.2fs  %@ %@", row.seconds, row.page, row.cell ?? "")) }
        }
        for read in dataReads ?? [] {
            if read == dataReads?.first { lines.append("data sets read:") }
            lines.append("  \(read.files): read \(read.reads)×, used by \(read.uses) cell\(read.uses == 1 ? "" : "s")")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
