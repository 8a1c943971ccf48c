/// The content hash that names a cell's cache entry.
///
/// Each kind of cell declares its key's parts in one place, hashed in that order:
/// - an nbrun cell (`cell`): the nbrun build (`BuildIdentity`: a rebuilt binary gets fresh keys,
///   so a changed wording or computation is never hidden behind an old entry), the previous
///   cell's key (so a change to any earlier cell invalidates every later one), the cell's own
///   text (directive, arguments, options and body), every default in effect (front matter and
///   `-p` parameters, the seed among them), the page's language (cells write their fixed words
///   in it) and the digest of each input file the cell reads;
/// - a code cell run by a Jupyter kernel (`code`): the nbrun build, the previous code cell's key
///   (the kernel's state is what every earlier code cell of the page did, the injected `-p`
///   parameters among them), the kernelspec (name, command line, language, environment,
///   interrupt mode), the cell's text (options and tags included) and the digest of each file
///   its code names (`CodeInputs`);
/// - an nbrun cell that reads the kernel (`{gradcheck} :python:`, `:from-python:`): an nbrun
///   cell's parts and the kernel's state it reads (`kernelState`: the key of the last code cell
///   before it, `CodeCellRunner.stateKey`);
/// - an inline kernel value (`inline`, `` {py}`acc:.1%` ``): the nbrun build, the kernel's state
///   and the role's form and text.
enum CacheKey {
    static func compute(previous: String, cell: Cell, defaults: Defaults, language: String = "en",
                        inputDigests: [(path: String, digest: String)], kernelState: String? = nil) -> String {
        hash([("nbrun", build), ("previous", previous), ("source", cell.source)]
             + defaults.entries.keys.sorted().map { ("default:\($0)", defaults.entries[$0]!.value) }
             + [("language", language)]
             + inputDigests.map { ("input:\($0.path)", $0.digest) }
             + (kernelState.map { [("kernel", $0)] } ?? []))
    }

    static func inline(_ role: InlineRole, kernelState: String) -> String {
        hash([("nbrun", build), ("kernel", kernelState), ("form", role.kernel == .quarto ? "quarto" : "py"), ("expression", role.expression)])
    }

    static func code(previous: String, source: String, kernelspec: String,
                     inputDigests: [(path: String, digest: String)]) -> String {
        hash([("nbrun", build), ("previous", previous), ("kernelspec", kernelspec), ("code", source)]
             + inputDigests.map { ("input:\($0.path)", $0.digest) })
    }

    private static var build: String { NBRun.version + " " + BuildIdentity.current }

    /// SHA-256 of the fields, each framed by its name and length so no two lists collide.
    private static func hash(_ fields: [(name: String, value: String)]) -> String {
        var hasher = SHA256()
        for (name, value) in fields { hasher.update("\(name)\u{1F}\(value.utf8.count)\u{1F}\(value)\u{1E}") }
        return hasher.hexDigest()
    }
}
