/// The few words the report writes itself, in the page's language (`lang` in the front
/// matter): English, or Chinese for `zh…`.
struct ReportStrings: Sendable {
    var contents: String
    var notRun: String
    /// Before the address of a remote image the page does not fetch.
    var remoteImage: String
    var renderedBy: @Sendable (_ version: String, _ file: String) -> String

    init(language: String) {
        if language.lowercased().hasPrefix("zh") {
            contents = "目录"
            notRun = "未运行：前面的单元格出错了。"
            remoteImage = "未载入的远程图片"
            renderedBy = { "由 nbrun \($0) 从 \($1) 生成。" }
        } else {
            contents = "Contents"
            notRun = "Not run: an earlier cell failed."
            remoteImage = "remote image, not fetched"
            renderedBy = { "Rendered by nbrun \($0) from \($1)." }
        }
    }
}
