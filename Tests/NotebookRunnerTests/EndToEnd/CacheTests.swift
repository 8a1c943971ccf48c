import Foundation
import Testing
@testable import NotebookRunner
import ZlibBindings

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
        let folder = try DataFixtures.temporaryDirectory("seal")
        defer { try? FileManager.default.removeItem(at: folder) }
        let seal = CacheSeal(folder: folder, inside: folder)
        let data = [UInt8](try entry.encoded(key: "k", seal: seal))
        let decoded = try CacheEntry.decode(data, key: "k", seal: seal)
        #expect(decoded.result.outputs == entry.result.outputs)
        #expect(decoded.result.metrics.first?.value.isNaN == true)
        let restored = NotebookState()
        decoded.effect.apply(to: restored)
        #expect(restored.dataset?.train?.images == [1, 2, 3, 4, 5, 6])
        #expect(restored.datasets["tiny"]?.classNames == ["a", "b"])
        #expect(restored.softmaxModel == state.softmaxModel && restored.latestModelName == "train")
        #expect(restored.expressionBindings == state.expressionBindings)
        #expect(throws: CacheEntry.Corrupt.self) { try CacheEntry.decode(data, key: "other", seal: seal) }
        var flipped = data
        flipped[40] ^= 1
        #expect(throws: CacheEntry.Corrupt.self) { try CacheEntry.decode(flipped, key: "k", seal: seal) }
        // The key file is the user's alone; another key (another user, machine or cache) refuses the entry.
        let key = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(".key").path)
        #expect((key[.posixPermissions] as? Int).map { $0 & 0o777 } == 0o600)
        #expect(!CacheSeal(folder: folder, inside: folder).isNew)
        #expect(throws: CacheEntry.Corrupt.self) {
            try CacheEntry.decode(data, key: "k", seal: CacheSeal(folder: folder, inside: folder, persistent: false))
        }
    }

    /// The JSON of a sealed entry, edited by `edit` and sealed again with `seal` — what only
    /// someone holding the key could write: every field is still checked.
    static func reforged(_ bytes: [UInt8], seal: CacheSeal, _ edit: (inout [String: Any]) -> Void) throws -> [UInt8] {
        let body = try #require(seal.opened(bytes))
        let start = CacheEntry.magic.count + 8
        let length = Int(body[CacheEntry.magic.count ..< start].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        var json = try #require(JSONSerialization.jsonObject(with: Data(body[start ..< start + length])) as? [String: Any])
        let original = json as NSDictionary
        edit(&json)
        if original.isEqual(to: json) { return bytes }
        let header = [UInt8](try JSONSerialization.data(withJSONObject: json))
        var out = CacheEntry.magic
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        return seal.sealed(out + header + body[(start + length)...])
    }

    /// Edits the first changed state value's stored fields (or its archived header, as JSON).
    static func editValue(_ json: inout [String: Any], _ edit: (inout [String: Any]) -> Void) {
        var changes = json["changes"] as? [[String: Any]] ?? []
        guard !changes.isEmpty else { return }
        edit(&changes[0])
        json["changes"] = changes
    }

    static func editValueHeader(_ json: inout [String: Any], _ edit: @escaping (inout [String: Any]) -> Void) {
        editValue(&json) { stored in
            guard let text = stored["header"] as? String,
                  var header = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else { return }
            edit(&header)
            stored["header"] = String(decoding: (try? JSONSerialization.data(withJSONObject: header)) ?? Data(), as: UTF8.self)
        }
    }

    /// Entries holding fields no cell could have written, sealed with the right key: each is
    /// refused as damaged (never a trap, never used).
    @Test func sealedEntriesWithForgedFieldsAreRefused() throws {
        let folder = try DataFixtures.temporaryDirectory("forged")
        defer { try? FileManager.default.removeItem(at: folder) }
        let seal = CacheSeal(folder: folder, inside: folder)
        let state = NotebookState()
        let split = DataSplit(name: "train", images: [1, 2, 3, 4, 5, 6], labels: [0, 1], count: 2, rows: 1, cols: 3, sources: ["x"])
        let values: [(String, any StateValue)] = [
            ("tensor", Tensor(shape: [2], data: [1, 2])),
            ("model", SoftmaxModel(inputs: 3, classes: 2, weights: [1, 2, 3, 4, 5, 6], bias: [0, 0])),
            ("dataset", Dataset(name: "tiny", classNames: ["a", "b"], train: split, test: nil)),
        ]
        let edits: [(String, String, (inout [String: Any]) -> Void)] = [
            ("tensor", "payload offset 2^62", { Self.editValue(&$0) { $0["payloadOffset"] = 1 << 62 } }),
            ("tensor", "payload length Int.max", { Self.editValue(&$0) { $0["payloadLength"] = Int.max } }),
            ("tensor", "negative payload offset", { Self.editValue(&$0) { $0["payloadOffset"] = -8 } }),
            ("tensor", "300×300 with one value", { Self.editValueHeader(&$0) { $0["shape"] = [300, 300]; $0["data"] = [1.0] } }),
            ("tensor", "rank 5", { Self.editValueHeader(&$0) { $0["shape"] = [1, 1, 1, 1, 2] } }),
            ("tensor", "shape overflowing Int", { Self.editValueHeader(&$0) { $0["shape"] = [1 << 62, 4] } }),
            ("model", "weights that do not fit", { Self.editValueHeader(&$0) { $0["inputs"] = 300 } }),
            ("model", "no classes", { Self.editValueHeader(&$0) { $0["classes"] = 0; $0["bias"] = [Double]() } }),
            ("dataset", "images at offset 2^62", { Self.editValueHeader(&$0) { header in
                var splits = header["splits"] as! [[String: Any]]
                splits[0]["imagesOffset"] = 1 << 62
                header["splits"] = splits
            } }),
            ("dataset", "rows × cols overflowing Int", { Self.editValueHeader(&$0) { header in
                var splits = header["splits"] as! [[String: Any]]
                splits[0]["rows"] = 1 << 40
                splits[0]["cols"] = 1 << 40
                header["splits"] = splits
            } }),
            ("tensor", "a figure's PNG as numbers", { json in
                json["result"] = ["outputs": [["images": ["_0": [["png": [1], "width": 3, "height": 3, "displayScale": 1,
                                                                  "caption": "c", "alt": "a", "flagged": false]]]]],
                                  "metrics": [Any](), "seconds": 0]
            }),
            ("tensor", "a time of -1 s", { $0["result"] = ["outputs": [Any](), "metrics": [Any](), "seconds": -1] }),
            ("tensor", "a figure shown Int.max times larger", { json in
                json["result"] = ["outputs": [["images": ["_0": [["png": "AQ==", "width": 3, "height": 3, "displayScale": Int.max,
                                                                  "caption": "c", "alt": "a", "flagged": false]]]]],
                                  "metrics": [Any](), "seconds": 0]
            }),
        ]
        for (kind, name, edit) in edits {
            let value = try #require(values.first { $0.0 == kind }?.1)
            state.resetChanges()
            state.set(value, at: NotebookState.Key(space: "bindings", name: "x"))
            let entry = CacheEntry(result: .init(outputs: [.text("x")], metrics: [], seconds: 0.5), effect: StateEffect(capturing: state))
            let genuine = [UInt8](try entry.encoded(key: "k", seal: seal))
            #expect((try? CacheEntry.decode(genuine, key: "k", seal: seal)) != nil, "\(name): the genuine entry")
            let forged = try Self.reforged(genuine, seal: seal, edit)
            #expect(forged != genuine, "\(name): nothing was edited")
            #expect(throws: CacheEntry.Corrupt.self, "\(name)") { try CacheEntry.decode(forged, key: "k", seal: seal) }
        }
        // A header length past the end (and one that would overflow Int), sealed.
        let genuine = [UInt8](try CacheEntry(result: .init(outputs: [], metrics: [], seconds: 0), effect: StateEffect(changes: [:]))
            .encoded(key: "k", seal: seal))
        for length in [UInt64(1) << 62, UInt64.max, UInt64(genuine.count)] {
            var body = Array(try #require(seal.opened(genuine)))
            withUnsafeBytes(of: length.littleEndian) { body.replaceSubrange(CacheEntry.magic.count ..< CacheEntry.magic.count + 8, with: $0) }
            #expect(throws: CacheEntry.Corrupt.self) { try CacheEntry.decode(seal.sealed(body), key: "k", seal: seal) }
        }
    }

    /// Entries rewritten on disk between two renders — forged with a recomputed CRC-32 (what
    /// the format once trusted), or sealed under the right key with impossible fields — are
    /// reported as damaged and recomputed: exit 0, the report and the record rewritten with
    /// the numbers this run computed.
    @Test func forgedEntriesOnDiskAreRecomputed() throws {
        let folder = try DataFixtures.temporaryDirectory("forged-disk")
        defer { try? FileManager.default.removeItem(at: folder) }
        try "# Forged\n\n```{eval}\n:label: first\nt = onehot([0, 1], 3)\n```\n\n```{eval}\n:label: second\nsum(t)\n```\n"
            .write(to: folder.appendingPathComponent("nb.md"), atomically: true, encoding: .utf8)
        let render = { try NBRunProcess.run(["render", "nb.md", "-o", "out"], in: folder) }
        #expect(try render().status == 0)
        let cache = folder.appendingPathComponent("out/.nbrun-cache")
        let entries = try FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("nb").path)
            .map { cache.appendingPathComponent("nb/\($0)") }
        #expect(entries.count == 2)
        let seal = CacheSeal(folder: cache, inside: folder.appendingPathComponent("out"))
        let forgeries: [(String, (URL, [UInt8]) throws -> [UInt8])] = [
            ("the shown sum changed to 5, a CRC-32 appended", { _, bytes in
                var text = Array(try #require(seal.opened(bytes)))
                let needle = Array("= 2".utf8)
                if let at = text.firstRange(of: needle) { text.replaceSubrange(at, with: Array("= 5".utf8)) }
                let crc = ZlibBindings.Zlib.crc32(text)
                return text + withUnsafeBytes(of: crc.littleEndian) { Array($0) }
            }),
            ("a payload offset of 2^62, sealed", { _, bytes in try Self.reforged(bytes, seal: seal) { Self.editValue(&$0) { $0["payloadOffset"] = 1 << 62 } } }),
            ("a 300×300 tensor with one value, sealed", { _, bytes in
                try Self.reforged(bytes, seal: seal) { Self.editValueHeader(&$0) { $0["shape"] = [300, 300]; $0["data"] = [1.0] } }
            }),
        ]
        for (name, forge) in forgeries {
            #expect(try render().status == 0)
            var forged: [String] = []
            for url in entries {
                let genuine = [UInt8](try Data(contentsOf: url))
                let bytes = try forge(url, genuine)
                if bytes != genuine { forged.append(genuine.firstRange(of: Array("sum(t)".utf8)) != nil ? "second" : "first") }
                try Data(bytes).write(to: url)
            }
            #expect(!forged.isEmpty, "\(name)")
            let again = try render()
            #expect(again.status == 0, "\(name): \(again.stderr)")
            #expect(again.stderr.components(separatedBy: "is damaged").count - 1 == forged.count, "\(name): \(again.stderr)")
            let record = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("out/nb.json"))) as? [String: Any]
            let cells = record?["cells"] as? [[String: Any]] ?? []
            #expect(cells.filter { forged.contains($0["label"] as? String ?? "") }.allSatisfy { $0["status"] as? String == "ok" }, "\(name)")
            let html = try String(contentsOf: folder.appendingPathComponent("out/nb.html"), encoding: .utf8)
            #expect(html.contains("sum(t) = 2</pre>") && !html.contains("= 5"), "\(name)")
        }
    }
}
