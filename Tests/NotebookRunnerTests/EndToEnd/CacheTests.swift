import Foundation
import Testing
@testable import NotebookRunner

/// The per-cell cache, through the built binary on generated IDX files.
@Suite struct CacheTests {
    struct Workspace {
        let folder: URL

        init() throws {
            folder = try DataFixtures.temporaryDirectory("cache")
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("d"), withIntermediateDirectories: true)
            try writeData(count: 40)
            try notebook(showCount: 4)
        }

        func writeData(count: Int) throws {
            _ = try DataFixtures.write(DataFixtures.imagesFile(count: count), to: folder.appendingPathComponent("d/images"))
            _ = try DataFixtures.write(DataFixtures.labelsFile((0..<count).map { UInt8($0 % 10) }), to: folder.appendingPathComponent("d/labels"))
        }

        func notebook(showCount: Int) throws {
            try """
            # Cached

            ```{load}
            :label: data
            :images: d/images
            :labels: d/labels
            ```

            ```{show}
            :label: first
            :count: \(showCount)
            ```

            ```{show}
            :label: second
            :per-class: 1
            ```
            """.write(to: folder.appendingPathComponent("nb.md"), atomically: true, encoding: .utf8)
        }

        @discardableResult
        func render(_ extra: [String] = []) throws -> NBRunProcess.Result {
            try NBRunProcess.run(["render", "nb.md", "-o", "out", "-q"] + extra, in: folder)
        }

        func statuses() throws -> [String] {
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("out/nb.json"))) as? [String: Any]
            return (json?["cells"] as? [[String: Any]])?.compactMap { $0["status"] as? String } ?? []
        }
    }

    @Test func unchangedNotebookComesFromTheCache() throws {
        let workspace = try Workspace()
        #expect(try workspace.render().status == 0)
        #expect(try workspace.statuses() == ["ok", "ok", "ok"])
        let first = try String(contentsOf: workspace.folder.appendingPathComponent("out/nb.html"), encoding: .utf8)
        #expect(try workspace.render().status == 0)
        #expect(try workspace.statuses() == ["cached", "cached", "cached"])
        let second = try String(contentsOf: workspace.folder.appendingPathComponent("out/nb.html"), encoding: .utf8)
        // The same outputs come back: the same embedded images.
        let images = { (html: String) in html.components(separatedBy: "data:image/png;base64,").count }
        #expect(images(first) == images(second))
        #expect(second.contains("nb-cell-cached"))
    }

    @Test func editingAnOptionRerunsThatCellAndLaterOnes() throws {
        let workspace = try Workspace()
        try workspace.render()
        try workspace.notebook(showCount: 5)
        try workspace.render()
        #expect(try workspace.statuses() == ["cached", "ok", "ok"])
    }

    @Test func changedInputFilesInvalidateTheCell() throws {
        let workspace = try Workspace()
        try workspace.render()
        try workspace.writeData(count: 30)
        try workspace.render()
        #expect(try workspace.statuses() == ["ok", "ok", "ok"])
    }

    /// A data file rewritten in place with its size and modification time put back (as
    /// `cp -p`, `rsync -t` and `touch -r` do) is read again, not served from the cache.
    @Test func aFileRewrittenWithItsSizeAndTimeKeptIsReadAgain() throws {
        let workspace = try Workspace()
        try workspace.render()
        let labels = workspace.folder.appendingPathComponent("d/labels")
        let reference = workspace.folder.appendingPathComponent("labels-times")
        try FileManager.default.copyItem(at: labels, to: reference)
        #expect(try Self.touch(["-r", labels.path, reference.path]) == 0)
        let before = try FileManager.default.attributesOfItem(atPath: labels.path)
        let firstRecord = try Data(contentsOf: workspace.folder.appendingPathComponent("out/nb.json"))
        // Same size, other bytes: every label shifted by one class.
        _ = try DataFixtures.write(DataFixtures.labelsFile((0..<40).map { UInt8(($0 + 1) % 10) }), to: labels)
        #expect(try Self.touch(["-r", reference.path, labels.path]) == 0)
        let after = try FileManager.default.attributesOfItem(atPath: labels.path)
        #expect(after[.size] as? Int == before[.size] as? Int)
        #expect(after[.modificationDate] as? Date == before[.modificationDate] as? Date)

        try workspace.render()
        #expect(try workspace.statuses() == ["ok", "ok", "ok"])
        let record = try String(contentsOf: workspace.folder.appendingPathComponent("out/nb.json"), encoding: .utf8)
        #expect(record != String(decoding: firstRecord, as: UTF8.self))
        #expect(record.contains("\"train_first_label\" : 1") || record.contains("\"train_first_label\":1"), "\(record)")
    }

    /// Runs `touch` (which copies times to the nanosecond with `-r`).
    static func touch(_ arguments: [String]) throws -> Int32 {
        let process = try Process.run(URL(fileURLWithPath: "/usr/bin/touch"), arguments: arguments)
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func noCacheAndRefresh() throws {
        let workspace = try Workspace()
        try workspace.render()
        try workspace.render(["--no-cache"])
        #expect(try workspace.statuses() == ["ok", "ok", "ok"])
        try workspace.render(["--refresh"])
        #expect(try workspace.statuses() == ["ok", "ok", "ok"])
        try workspace.render()
        #expect(try workspace.statuses() == ["cached", "cached", "cached"])
    }

    @Test func damagedEntriesAreReportedOnceAndRecomputed() throws {
        let workspace = try Workspace()
        try workspace.render()
        let folder = workspace.folder.appendingPathComponent("out/.nbrun-cache/nb")
        let entries = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".entry") }
        #expect(entries.count == 3)
        for entry in entries {
            let url = folder.appendingPathComponent(entry)
            let data = try Data(contentsOf: url)
            try data.prefix(data.count / 2).write(to: url)  // truncated
        }
        let damaged = try workspace.render()
        #expect(damaged.status == 0)
        #expect(damaged.stderr.components(separatedBy: "is damaged").count - 1 == 3)
        #expect(try workspace.statuses() == ["ok", "ok", "ok"])
        let again = try workspace.render()
        #expect(!again.stderr.contains("damaged"))
        #expect(try workspace.statuses() == ["cached", "cached", "cached"])
    }

    /// The build id read from nbrun's program headers is the one `readelf` shows.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/readelf")))
    func theBuildIdIsTheLinkersNote() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/readelf")
        process.arguments = ["-n", NBRunProcess.binary.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let notes = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let shown = try #require(notes.split(separator: "\n").first { $0.contains("Build ID:") }?.split(separator: " ").last)
        let id = try #require(BuildIdentity.buildID(ofExecutable: NBRunProcess.binary.path))
        #expect(SHA256.lowercaseHex(id) == shown)
    }

    /// A rebuilt nbrun (here: the same binary with another build id, as a relink after any
    /// change gives) runs every cell again instead of showing what the old build computed.
    @Test func aRebuiltBinaryDoesNotReuseTheOldBuildsEntries() throws {
        let workspace = try Workspace()
        let binary = try Data(contentsOf: NBRunProcess.binary)
        let id = try #require(BuildIdentity.buildID(ofExecutable: NBRunProcess.binary.path))
        let at = try #require(binary.firstRange(of: Data(id)))
        #expect(binary[at.upperBound...].firstRange(of: Data(id)) == nil)
        var rebuilt = binary
        rebuilt.replaceSubrange(at, with: id.map { ~$0 })
        let copy = workspace.folder.appendingPathComponent("nbrun-rebuilt")
        try rebuilt.write(to: copy)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: copy.path)
        try workspace.render()
        try workspace.render()
        #expect(try workspace.statuses() == ["cached", "cached", "cached"])
        for expected in [["ok", "ok", "ok"], ["cached", "cached", "cached"]] {
            let process = Process()
            process.executableURL = copy
            process.arguments = ["render", "nb.md", "-o", "out", "-q"]
            process.currentDirectoryURL = workspace.folder
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            #expect(try workspace.statuses() == expected)
        }
    }

    @Test func entriesRoundTripTheStateTheyChanged() throws {
        let split = DataSplit(name: "train", images: [1, 2, 3, 4, 5, 6], labels: [0, 1], count: 2, rows: 1, cols: 3, sources: ["x"])
        let dataset = Dataset(name: "tiny", classNames: ["a", "b"], train: split, test: nil)
        let state = NotebookState()
        state.datasets["tiny"] = dataset
        state.dataset = dataset
        state.setModel(SoftmaxModel(inputs: 3, classes: 2, weights: [0.5, -1, 2, 0, .infinity, 3], bias: [0.25, -0.25]), named: "train")
        state[.bindings, "z"] = Tensor(shape: [2], data: [1000, -.infinity])
        let entry = CacheEntry(result: .init(outputs: [.text("hi"), .error(.error("bad", at: SourceLocation(file: "f", line: 2)))],
                                             metrics: [Metric(name: "m", value: .nan)], seconds: 1.5),
                               effect: StateEffect(capturing: state))
        let data = try entry.encoded(key: "k")
        let decoded = try CacheEntry.decode(data, key: "k")
        #expect(decoded.result.outputs == entry.result.outputs)
        #expect(decoded.result.metrics.first?.value.isNaN == true)
        let restored = NotebookState()
        decoded.effect.apply(to: restored)
        #expect(restored.dataset?.train?.images == [1, 2, 3, 4, 5, 6])
        #expect(restored.datasets["tiny"]?.classNames == ["a", "b"])
        #expect(restored.softmaxModel == state.softmaxModel && restored.latestModelName == "train")
        #expect(restored.expressionBindings == state.expressionBindings)
        #expect(throws: CacheEntry.Corrupt.self) { try CacheEntry.decode(data, key: "other") }
        var flipped = [UInt8](data)
        flipped[40] ^= 1
        #expect(throws: CacheEntry.Corrupt.self) { try CacheEntry.decode(Data(flipped), key: "k") }
    }
}
