/// The start of every HTML page nbrun writes — a notebook's report, a course site's page, a
/// course in one file — up to and including `<body>`: the language, the content security
/// policy, the generator, the title, and the page's stylesheets (inline and linked).
struct DocumentHead {
    var language: String
    /// The Content-Security-Policy, as the `content` of its meta tag.
    var policy: String
    /// nbrun's version, for the generator tag.
    var version: String
    var title: String
    /// Stylesheets linked by URL, in order, before the inline one.
    var stylesheetLinks: [String] = []
    /// The inline stylesheet; none when empty.
    var css: String = ""

    var html: String {
        var html = """
        <!DOCTYPE html>
        <html lang="\(HTML.escape(language))">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="\(policy)">
        <meta name="generator" content="nbrun \(HTML.escape(version))">
        <title>\(HTML.escape(title))</title>

        """
        for link in stylesheetLinks { html += "<link rel=\"stylesheet\" href=\"\(link)\">\n" }
        if !css.isEmpty { html += "<style>\n\(css)</style>\n" }
        return html + "</head>\n<body>\n"
    }
}
