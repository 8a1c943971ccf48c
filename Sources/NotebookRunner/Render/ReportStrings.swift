/// The few words the report writes itself, in the page's language (`lang` in the front
/// matter): English, or Chinese for `zh…`.
struct ReportStrings: Sendable {
    var contents: String
    var notRun: String
    /// Before the address of a remote image the page does not fetch.
    var remoteImage: String
    var renderedBy: @Sendable (_ version: String, _ file: String) -> String
    /// "line 12" / "第 12 行": where a cell or a line of a `{derive}` chain is written.
    var line: @Sendable (_ number: Int) -> String
    /// The header's count of numbered equations: "12 equations, 7 checked, 0 failed".
    var equationSummary: @Sendable (_ total: Int, _ checked: Int, _ failed: Int) -> String
    /// An equation mark's tooltip: "checked by CELLS: relative error E", or that the check failed.
    var checkedBy: @Sendable (_ cells: String, _ error: String?) -> String
    var checkFailed: @Sendable (_ cells: String, _ error: String?) -> String
    /// A reference's tooltip: "Equation (3): " followed by the mark's tooltip, or `notChecked`.
    var equation: @Sendable (_ number: String) -> String
    var notChecked: String
    /// The header's cell count, "14 cells", and its counts by status, "13 ok", "1 failed".
    var cellCount: @Sendable (_ count: Int) -> String
    var statusCount: @Sendable (_ count: Int, _ status: CellStatus) -> String
    /// A cell's status as its header shows it: "ok", "cached", "skipped", "error".
    var status: @Sendable (_ status: CellStatus) -> String
    /// A cell's name for screen readers: "cell LABEL".
    var cell: @Sendable (_ label: String) -> String
    /// Before the parameters the run was given, "Parameters: ".
    var parameters: String
    /// The caption of the code cell `-p` injected after the page's `parameters` cell.
    var injectedParameters: String

    init(language: String) {
        if language.lowercased().hasPrefix("zh") {
            contents = "目录"
            notRun = "未运行：前面的单元格出错了。"
            remoteImage = "未载入的远程图片"
            renderedBy = { "由 nbrun \($0) 从 \($1) 生成。" }
            line = { "第 \($0) 行" }
            equationSummary = { "\($0) 个公式，\($1) 个已核对，\($2) 个未通过" }
            checkedBy = { "由 \($0) 核对" + ($1.map { "：相对误差 \($0)" } ?? "") }
            checkFailed = { "\($0) 的核对未通过" + ($1.map { "：相对误差 \($0)" } ?? "") }
            equation = { "公式 (\($0))：" }
            notChecked = "没有单元格核对它"
            cellCount = { "\($0) 个单元格" }
            statusCount = { count, status in
                switch status {
                case .ok: "\(count) 个成功"
                case .cached: "\(count) 个取自缓存"
                case .skipped: "\(count) 个未运行"
                case .error: "\(count) 个出错"
                }
            }
            status = { status in
                switch status {
                case .ok: "成功"
                case .cached: "取自缓存"
                case .skipped: "未运行"
                case .error: "出错"
                }
            }
            cell = { "单元格 \($0)" }
            parameters = "参数："
            injectedParameters = "由 -p 注入的参数"
        } else {
            contents = "Contents"
            notRun = "Not run: an earlier cell failed."
            remoteImage = "remote image, not fetched"
            renderedBy = { "Rendered by nbrun \($0) from \($1)." }
            line = { "line \($0)" }
            equationSummary = { "\($0) equation\($0 == 1 ? "" : "s"), \($1) checked, \($2) failed" }
            checkedBy = { "checked by \($0)" + ($1.map { ": relative error \($0)" } ?? "") }
            checkFailed = { "the check by \($0) failed" + ($1.map { ": relative error \($0)" } ?? "") }
            equation = { "Equation (\($0)): " }
            notChecked = "not checked by any cell"
            cellCount = { "\($0) cell\($0 == 1 ? "" : "s")" }
            statusCount = { count, status in "\(count) \(status == .error ? "failed" : status.rawValue)" }
            status = { $0.rawValue }
            cell = { "cell \($0)" }
            parameters = "Parameters: "
            injectedParameters = "Injected parameters (-p)"
        }
    }
}
