import Foundation

/// The script that makes a previewed page reload itself when the notebook is rendered again.
///
/// It exists only in pages the preview server sends: reports written by `nbrun render` keep
/// their script-free page and the policy that forbids every fetch. Here the page's
/// Content-Security-Policy gains exactly what the hook needs — this one script, by a nonce
/// drawn afresh for every response, and requests to its own server — and the script asks
/// `/version` four times a second, reloading the page (keeping its scroll position) when the
/// number differs from the one it was served with.
///
/// The script goes into the head right after the policy, before any of the notebook's text, so
/// markup in the notebook (an unclosed tag or attribute) cannot swallow the script's start tag
/// and take its nonce; and the nonce is never a string that occurs in the page, so a notebook
/// cannot name it in advance.
enum ReloadHook {
    /// The start of the policy `HTMLRenderer` writes: the first occurrence is in the head.
    static let policyTag = #"<meta http-equiv="Content-Security-Policy" content="default-src 'none';"#

    /// The page, in pieces to be joined by the response's nonce.
    struct Template: Sendable, Equatable {
        /// The pieces as UTF-8, made once and shared by every response.
        let pieces: [[UInt8]]

        init(pieces: [String]) {
            self.pieces = pieces.map { Array($0.utf8) }
        }

        /// The page with `nonce` in the policy and on the script.
        func page(nonce: String) -> String {
            String(decoding: pieces(nonce: nonce).joined(), as: UTF8.self)
        }

        /// The page's UTF-8 in the order sent: the pieces with `nonce` between them.
        func pieces(nonce: String) -> [[UInt8]] {
            let nonce = Array(nonce.utf8)
            return pieces.enumerated().flatMap { index, piece in index == 0 ? [piece] : [nonce, piece] }
        }
    }

    /// `html` with the hook for page `version` in its head and its policy widened to allow it
    /// (and the page's own scripts, by `scriptSources` such as `'sha256-…'`: the first
    /// `script-src` of a policy is the one that counts).
    /// A page without the renderer's policy (none could be read) gets a policy of its own.
    static func install(in html: String, version: Int, scriptSources: [String] = []) -> Template {
        let script = """
            <script nonce="\u{0}">
            (() => {
              const served = \(version);
              const key = "nbrun-preview-scroll";
              addEventListener("load", () => {
                const saved = sessionStorage.getItem(key);
                if (saved !== null) { sessionStorage.removeItem(key); window.scrollTo(0, Number(saved)); }
              });
              async function poll() {
                try {
                  const response = await fetch("/version", { cache: "no-store" });
                  const current = Number(await response.text());
                  if (current !== served) { sessionStorage.setItem(key, String(window.scrollY)); location.reload(); return; }
                } catch (error) { /* the server is restarting or gone: keep trying */ }
                setTimeout(poll, 250);
              }
              setTimeout(poll, 250);
            })();
            </script>
            """
        // The nonce's places are marked by NUL in the text written here, and only there: a NUL in
        // the notebook's own text stays as it is and never becomes a nonce.
        let widened = "\(policyTag) script-src 'nonce-\u{0}'\(scriptSources.map { " " + $0 }.joined()); connect-src 'self';"
        let before: Substring, ours: String, after: Substring
        if let policy = html.range(of: policyTag), let tagEnd = html[policy.upperBound...].range(of: ">") {
            before = html[..<policy.lowerBound]
            ours = widened + html[policy.upperBound ..< tagEnd.upperBound] + "\n" + script
            after = html[tagEnd.upperBound...]
        } else {
            before = ""
            ours = widened + " style-src 'unsafe-inline'; img-src data:\">\n" + script + "\n"
            after = html[...]
        }
        var pieces = ours.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
        pieces[0] = before + pieces[0]
        pieces[pieces.count - 1] += after
        return Template(pieces: pieces)
    }
}
