import Foundation
import Testing
@testable import NotebookRunner

/// Reports weigh what they show: a large heat map is a PNG of one pixel per cell inside its SVG,
/// the record says what the page and each cell weigh, and a page past its budget is a warning
/// naming the heaviest cells.
@Suite struct PageWeightTests {
    /// A `rows × columns` map whose value at (r, c) is `value(r, c)`.
    static func map(rows: Int, columns: Int, cellSize: Double = 1, _ value: (Int, Int) -> Double?) -> HeatMap {
        var map = HeatMap(title: "differences", values: (0..<rows).map { r in (0..<columns).map { c in value(r, c) } }, scale: .orangeRed)
        map.cellSize = cellSize
        map.legend = HeatMap.Legend(low: "0", high: "1", missing: "not checked")
        return map
    }

    /// The PNG inside a raster map's SVG, decoded.
    static func raster(of svg: String) throws -> Bitmap {
        let start = try #require(svg.range(of: "href=\"data:image/png;base64,")).upperBound
        let encoded = svg[start...].prefix { $0 != "\"" }
        return try IndependentPNGDecoder.decode([UInt8](try #require(Data(base64Encoded: String(encoded)))))
    }

    @Test(.enabled(if: IndependentPNGDecoder.isAvailable, "\(IndependentPNGDecoder.skipMessage)"))
    func smallMapsStayVectorAndLargeOnesAreOnePixelPerCell() throws {
        let small = Self.map(rows: 64, columns: 64) { r, c in Double(r + c) / 126 }
        #expect(!small.isRaster && small.svg.contains("<path fill=") && !small.svg.contains("<image"))

        let large = Self.map(rows: 65, columns: 64, cellSize: 3) { r, c in r == 5 && c == 7 ? nil : Double(r + c) / 127 }
        #expect(large.isRaster)
        let svg = large.svg
        #expect(!svg.contains("<path fill="))
        #expect(svg.contains("<title>differences</title>") && svg.contains(">not checked</text>") && svg.contains("role=\"img\""))
        #expect(svg.contains("width=\"192\" height=\"195\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\""))
        let bitmap = try Self.raster(of: svg)
        #expect(bitmap.width == 64 && bitmap.height == 65 && bitmap.channels == .rgba)
        for (r, c) in [(0, 0), (64, 63), (30, 10), (5, 7)] {
            let offset = (r * 64 + c) * 4
            let expected = r == 5 && c == 7 ? "#d9d9d9" : HeatMap.Scale.orangeRed.color(Double(r + c) / 127)
            #expect(ColorMap.RGB(bitmap.pixels[offset], bitmap.pixels[offset + 1], bitmap.pixels[offset + 2]).hex == expected)
            #expect(bitmap.pixels[offset + 3] == 255)
        }
    }

    /// Tiles keep their gaps transparent and each class's image in its place.
    @Test(.enabled(if: IndependentPNGDecoder.isAvailable, "\(IndependentPNGDecoder.skipMessage)"))
    func tiledRasterMapsLeaveTheGapsTransparent() throws {
        var map = HeatMap(title: "W", values: (0..<(28 * 28)).map { p in (0..<10).map { c in Double((p + c) % 9) / 8 } }, scale: .orangeRed)
        map.layout = .tiles(rows: 28, cols: 28, gap: 2)
        map.columnLabels = (0..<10).map(String.init)
        let bitmap = try Self.raster(of: map.svg)
        #expect(bitmap.width == 10 * 30 - 2 && bitmap.height == 28)
        #expect(bitmap.pixels[(0 * bitmap.width + 28) * 4 + 3] == 0, "the gap after the first tile")
        // Class 3's pixel 28 (row 1, column 0 of its tile).
        let offset = (1 * bitmap.width + 3 * 30) * 4
        #expect(ColorMap.RGB(bitmap.pixels[offset], bitmap.pixels[offset + 1], bitmap.pixels[offset + 2]).hex
                == HeatMap.Scale.orangeRed.color(Double((28 + 3) % 9) / 8))
    }

    /// A 2,000 × 2,000 heat map (4 M cells) renders in under 2 s (of processor time, in a debug
    /// build) and adds under 1 MB to the page.
    @Test func aTwoThousandSquareHeatMapIsQuickAndSmall() {
        let map = Self.map(rows: 2_000, columns: 2_000) { r, c in
            let dx = Double(c - 1_000), dy = Double(r - 1_000)
            return (dx * dx + dy * dy).squareRoot() / 1_415
        }
        // The processor time of this thread: what rendering costs, whatever else the machine runs.
        func cpuSeconds() -> Double {
            var time = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
            return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
        }
        let start = cpuSeconds()
        let svg = map.svg
        let elapsed = cpuSeconds() - start
        #expect(elapsed < 2, "\(elapsed) s")
        #expect(svg.utf8.count < 1_000_000, "\(svg.utf8.count) bytes")
    }

    /// Chromium draws a raster map with the data's colours at known cells, its squares unsmoothed.
    @Test(.enabled(if: HeadlessChromium.isAvailable && IndependentPNGDecoder.isAvailable))
    func chromiumDrawsTheDatasColoursAtKnownCells() throws {
        let folder = try DataFixtures.temporaryDirectory("heat-map-pixels")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cell = 5
        let map = Self.map(rows: 70, columns: 80, cellSize: Double(cell)) { r, c in
            r == 3 && c == 4 ? nil : Double((r * 7 + c * 3) % 9) / 8
        }
        #expect(map.isRaster)
        let page = """
            <!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
            <style>body{margin:0;background:#fff}svg{display:block}</style></head><body>\(map.svg)</body></html>
            """
        let shot = try IndependentPNGDecoder.decode([UInt8](try HeadlessChromium.screenshot(page, name: "heat-map", in: folder, width: 500, height: 420)))
        func pixel(x: Int, y: Int) -> [Int] {
            let offset = (y * shot.width + x) * shot.bytesPerPixel
            return (0..<3).map { Int(shot.pixels[offset + $0]) }
        }
        for (r, c) in [(0, 0), (3, 4), (10, 20), (69, 79), (35, 41), (50, 2)] {
            let hex = r == 3 && c == 4 ? "#d9d9d9" : HeatMap.Scale.orangeRed.color(Double((r * 7 + c * 3) % 9) / 8)
            let expected = ColorMap.RGB(hex: hex)!
            // Every pixel of the cell (but its edges) is the cell's colour: no smoothing across cells.
            for (dx, dy) in [(1, 1), (2, 2), (3, 3), (1, 3)] {
                let got = pixel(x: c * cell + dx, y: r * cell + dy)
                #expect(zip(got, [Int(expected.red), Int(expected.green), Int(expected.blue)]).allSatisfy { abs($0 - $1) <= 2 },
                        "cell (\(r), \(c)) at +\(dx),+\(dy): \(got), expected \(hex)")
            }
        }
    }

    /// The record has `report_bytes` (the file's size) and each cell's `output_bytes`; past the
    /// budget `render` warns at the heaviest cell and names it.
    @Test func theRecordWeighsThePageAndABudgetWarnsAtTheHeaviestCell() throws {
        let folder = try DataFixtures.temporaryDirectory("page-weight")
        defer { try? FileManager.default.removeItem(at: folder) }
        let notebook = folder.appendingPathComponent("nb.md")
        let lines = (0..<60).map { "softmax([1, 2, 3, \($0)])" }.joined(separator: "\n")
        try "# Weights\n\n```{eval}\n:label: small\n1 + 1\n```\n\n```{eval}\n:label: big\n\(lines)\n```\n"
            .write(to: notebook, atomically: true, encoding: .utf8)
        var settings = RunSettings(outputDirectory: folder.appendingPathComponent("out"), reproducible: true)
        let quiet = Pipeline(settings: settings, progress: ProgressReporter(mode: .silent)).render(notebook, file: "nb.md")
        #expect(quiet.diagnostics.isEmpty, "\(quiet.diagnostics)")
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: #require(quiet.record))) as? [String: Any]
        let size = try #require(try FileManager.default.attributesOfItem(atPath: quiet.report.path)[.size] as? Int)
        #expect(record?["report_bytes"] as? Int == size)
        let cells = try #require(record?["cells"] as? [[String: Any]])
        let bytes = cells.map { $0["output_bytes"] as? Int ?? -1 }
        #expect(bytes.count == 2 && bytes[0] > 0 && bytes[1] > bytes[0] && bytes[0] + bytes[1] < size)

        settings.pageBudget = MemoryBudget(bytes: size / 2)
        let heavy = Pipeline(settings: settings, progress: ProgressReporter(mode: .silent)).render(notebook, file: "nb.md")
        let warning = try #require(heavy.diagnostics.first { $0.message.contains("page budget") })
        let heavySize = try #require(try FileManager.default.attributesOfItem(atPath: heavy.report.path)[.size] as? Int)
        #expect(warning.description.hasPrefix("nb.md:8:1: warning: the report is \(MemoryBudget.describeBytes(heavySize)), more than the page budget of \(MemoryBudget.describe(bytes: Double(size / 2))); the cells that weigh most: big (line 8) "))
        #expect(warning.hint?.contains("--page-budget") == true)
        #expect(!heavy.failed)
    }

    /// `--page-budget` takes a size, and a bad one is a usage error naming it.
    @Test func pageBudgetOnTheCommandLine() throws {
        let folder = try DataFixtures.temporaryDirectory("page-budget-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        try "# Small\n\n```{eval}\nsoftmax([1, 2, 3])\n```\n".write(to: folder.appendingPathComponent("nb.md"), atomically: true, encoding: .utf8)
        let tight = try NBRunProcess.run(["render", "nb.md", "-q", "--page-budget", "1K"], in: folder)
        #expect(tight.status == 0)
        #expect(tight.stderr.contains("nb.md:3:1: warning: the report is ") && tight.stderr.contains("more than the page budget of 1.0 KB"))
        let roomy = try NBRunProcess.run(["render", "nb.md", "-q"], in: folder)
        #expect(roomy.status == 0 && roomy.stderr.isEmpty, "\(roomy.stderr)")
        let bad = try NBRunProcess.run(["render", "nb.md", "--page-budget", "lots"], in: folder)
        #expect(bad.status == 2 && bad.stderr.contains("--page-budget expects a size such as 2M, 500K or 1000000 (bytes), got 'lots'"))
    }
}
