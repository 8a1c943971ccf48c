/// Terminal text with ANSI SGR colour codes (IPython's tracebacks, coloured prints) as HTML:
/// escaped text in `<span style>`s. Other escape sequences (cursor moves, titles) are dropped.
enum ANSIText {
    /// The 16 standard colours (normal, then bright), as the report shows them.
    static let palette = ["#000000", "#b22222", "#00803b", "#8a6d00", "#1f55b8", "#9b2fa3", "#007c8a", "#aaaaaa",
                          "#555555", "#e0403a", "#2aa84a", "#b58900", "#3b7ddd", "#c05ac8", "#1aa3b3", "#ffffff"]

    static func html(_ text: String) -> String {
        var result = ""
        var style = Style()
        var scalars = Array(text.unicodeScalars)[...]
        var run = ""
        func flush() {
            guard !run.isEmpty else { return }
            let css = style.css
            result += css.isEmpty ? HTML.escape(run) : "<span style=\"\(css)\">\(HTML.escape(run))</span>"
            run = ""
        }
        while let scalar = scalars.first {
            scalars = scalars.dropFirst()
            guard scalar == "\u{1B}" else {
                if scalar.value >= 0x20 || scalar == "\n" || scalar == "\t" { run.unicodeScalars.append(scalar) }
                continue
            }
            if scalars.first == "[" {
                let body = scalars.dropFirst().prefix { !(0x40...0x7E).contains($0.value) }
                let final = scalars.dropFirst(1 + body.count).first
                scalars = scalars.dropFirst(2 + body.count)
                if final == "m" {
                    flush()
                    style.apply(String(String.UnicodeScalarView(body)))
                }
            } else if scalars.first == "]" {
                // Operating-system command (a window title): up to BEL or ST.
                let body = scalars.prefix { $0 != "\u{07}" && $0 != "\u{1B}" }
                scalars = scalars.dropFirst(body.count + 1)
                if scalars.first == "\\" { scalars = scalars.dropFirst() }
            } else {
                scalars = scalars.dropFirst()
            }
        }
        flush()
        return result
    }

    struct Style {
        var foreground: String?
        var background: String?
        var bold = false
        var underline = false

        var css: String {
            var parts: [String] = []
            if let foreground { parts.append("color:\(foreground)") }
            if let background { parts.append("background-color:\(background)") }
            if bold { parts.append("font-weight:bold") }
            if underline { parts.append("text-decoration:underline") }
            return parts.joined(separator: ";")
        }

        mutating func apply(_ parameters: String) {
            var codes = parameters.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) ?? 0 }[...]
            if codes.isEmpty { codes = [0] }
            while let code = codes.popFirst() {
                switch code {
                case 0: self = Style()
                case 1: bold = true
                case 4: underline = true
                case 22: bold = false
                case 24: underline = false
                case 30...37: foreground = ANSIText.palette[code - 30]
                case 90...97: foreground = ANSIText.palette[code - 90 + 8]
                case 40...47: background = ANSIText.palette[code - 40]
                case 100...107: background = ANSIText.palette[code - 100 + 8]
                case 39: foreground = nil
                case 49: background = nil
                case 38, 48:
                    let colour = Self.extendedColour(&codes)
                    if code == 38 { foreground = colour } else { background = colour }
                default: break
                }
            }
        }

        /// `5;n` (the 256-colour table) or `2;r;g;b` after 38 or 48.
        static func extendedColour(_ codes: inout ArraySlice<Int>) -> String? {
            switch codes.popFirst() {
            case 5:
                guard let index = codes.popFirst() else { return nil }
                return colour256(index)
            case 2:
                let rgb = [codes.popFirst() ?? 0, codes.popFirst() ?? 0, codes.popFirst() ?? 0].map { min(max($0, 0), 255) }
                return hex(rgb[0], rgb[1], rgb[2])
            default:
                return nil
            }
        }

        static func colour256(_ index: Int) -> String? {
            switch index {
            case 0..<16: return ANSIText.palette[index]
            case 16..<232:
                let steps = [0, 95, 135, 175, 215, 255]
                let value = index - 16
                return hex(steps[value / 36], steps[(value / 6) % 6], steps[value % 6])
            case 232..<256:
                let grey = 8 + (index - 232) * 10
                return hex(grey, grey, grey)
            default: return nil
            }
        }

        static func hex(_ red: Int, _ green: Int, _ blue: Int) -> String {
            "#" + [red, green, blue].map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        }
    }
}
