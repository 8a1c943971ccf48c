import Foundation

/// Headless Chromium, for what a person looks at: screenshots of a page, and its DOM after
/// a test's script has measured it.
enum HeadlessChromium {
    static let path = "/usr/bin/chromium"
    static let dejaVuSans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// A fontconfig file in `folder` that offers Chromium one font, DejaVu Sans, which has no CJK
    /// glyph: Chinese on the page can only be drawn from a web font. (With no font at all,
    /// Chromium's headless shell fails to lay out its own text and writes no screenshot.)
    static func latinOnlyFontConfig(in folder: URL) throws -> URL {
        let fonts = folder.appendingPathComponent("fonts")
        try FileManager.default.createDirectory(at: fonts, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: dejaVuSans, toPath: fonts.appendingPathComponent("DejaVuSans.ttf").path)
        let config = folder.appendingPathComponent("fonts.conf")
        try """
            <?xml version="1.0"?>
            <!DOCTYPE fontconfig SYSTEM "fonts.dtd">
            <fontconfig><dir>\(fonts.path)</dir><cachedir>\(folder.path)/font-cache</cachedir></fontconfig>
            """.write(to: config, atomically: true, encoding: .utf8)
        return config
    }

    /// The PNG Chromium draws of `html` (written to `folder/name.html`) in a `width × height` window.
    /// `NBRUN_KEEP_SCREENSHOTS=DIR` keeps a copy for a person to look at.
    static func screenshot(_ html: String, name: String, in folder: URL, width: Int, height: Int,
                           fontConfig: URL? = nil) throws -> Data {
        let file = folder.appendingPathComponent("\(name).html")
        try html.write(to: file, atomically: true, encoding: .utf8)
        let png = folder.appendingPathComponent("\(name).png")
        _ = try run(["--hide-scrollbars", "--window-size=\(width),\(height)", "--screenshot=\(png.path)", file.absoluteString],
                    fontConfig: fontConfig)
        if let keep = ProcessInfo.processInfo.environment["NBRUN_KEEP_SCREENSHOTS"] {
            let copy = URL(fileURLWithPath: keep).appendingPathComponent("\(name).png")
            try? FileManager.default.removeItem(at: copy)
            try? FileManager.default.copyItem(at: png, to: copy)
        }
        return try Data(contentsOf: png)
    }

    /// The DOM of `html` (written to `folder/name.html`) once loaded in a `width × height` window,
    /// its scripts run.
    static func dumpDOM(_ html: String, name: String, in folder: URL, width: Int, height: Int) throws -> String {
        let file = folder.appendingPathComponent("\(name).html")
        try html.write(to: file, atomically: true, encoding: .utf8)
        return try run(["--window-size=\(width),\(height)", "--dump-dom", file.absoluteString], fontConfig: nil)
    }

    /// The DOM of the page at `url` (a server on loopback) once loaded, its scripts run. Chromium
    /// is kept off every other host.
    static func dumpDOM(url: String) throws -> String {
        try run(["--disable-background-networking", "--disable-component-update", "--no-first-run",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--virtual-time-budget=2000", "--dump-dom", url], fontConfig: nil)
    }

    /// The DOM of the local page `file` once loaded and its scripts have run (up to `budget` ms
    /// of virtual time). With `--allow-file-access-from-files`, so a page may look into a frame
    /// showing another local file (a test's driver walking a site).
    static func dumpDOM(file: URL, budget: Int = 20000) throws -> String {
        try run(["--allow-file-access-from-files", "--disable-background-networking", "--disable-component-update", "--no-first-run",
                 "--host-resolver-rules=MAP * ~NOTFOUND", "--virtual-time-budget=\(budget)", "--dump-dom", file.absoluteString], fontConfig: nil)
    }

    /// Chromium's standard output for `arguments`.
    private static func run(_ arguments: [String], fontConfig: URL?) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu"] + arguments
        var environment = ProcessInfo.processInfo.environment
        if let fontConfig { environment["FONTCONFIG_FILE"] = fontConfig.path }
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
