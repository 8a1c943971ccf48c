/// The script that makes a previewed page reload itself when the notebook is rendered again.
///
/// It exists only in pages the preview server sends: reports written by `nbrun render` keep
/// their script-free page and the policy that forbids every fetch. Here the page's
/// Content-Security-Policy gains exactly what the hook needs — this one script (by nonce) and
/// requests to its own server — and the script asks `/version` four times a second, reloading
/// the page (keeping its scroll position) when the number differs from the one it was served with.
enum ReloadHook {
    static let policy = "default-src 'none';"

    /// `html` with the hook for page `version` before `</body>`, and its policy widened to allow it.
    static func install(in html: String, version: Int) -> String {
        let nonce = "nbrun-preview-\(version)"
        let script = """
            <script nonce="\(nonce)">
            (() => {
              const served = \(version);
              const key = "nbrun-preview-scroll";
              const saved = sessionStorage.getItem(key);
              if (saved !== null) { sessionStorage.removeItem(key); window.scrollTo(0, Number(saved)); }
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
        var page = html.replacingOccurrences(of: policy, with: "\(policy) script-src 'nonce-\(nonce)'; connect-src 'self';")
        if let end = page.range(of: "</body>", options: .backwards) {
            page.insert(contentsOf: script, at: end.lowerBound)
        } else {
            page += script
        }
        return page
    }
}
