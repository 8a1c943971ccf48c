/// The content hash that names a cell's cache entry.
///
/// It covers the nbrun build (`BuildIdentity`: a rebuilt binary gets fresh keys, so a changed
/// wording or computation is never hidden behind an old entry), the previous cell's key (so a change to any earlier cell
/// invalidates every later one), the cell's own text (directive, arguments, options and
/// body), every default in effect (front matter and `-p` parameters, the seed among
/// them), the page's language (cells write their fixed words in it) and the digest of each
/// input file the cell reads.
enum CacheKey {
    static func compute(previous: String, cell: Cell, defaults: Defaults, language: String = "en",
                        inputDigests: [(path: String, digest: String)]) -> String {
        var hasher = SHA256()
        func field(_ name: String, _ value: String) {
            hasher.update("\(name)\u{1F}\(value.utf8.count)\u{1F}\(value)\u{1E}")
        }
        field("nbrun", NBRun.version + " " + BuildIdentity.current)
        field("previous", previous)
        field("source", cell.source)
        for key in defaults.entries.keys.sorted() { field("default:\(key)", defaults.entries[key]!.value) }
        field("language", language)
        for input in inputDigests { field("input:\(input.path)", input.digest) }
        return hasher.hexDigest()
    }
}
