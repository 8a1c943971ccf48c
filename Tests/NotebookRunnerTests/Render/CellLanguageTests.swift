import Foundation
import Testing
@testable import NotebookRunner

/// Cells and the report's header write their fixed words in the page's language, and name data
/// by folder, not by path.
@Suite(.enabled(if: DataFixtures.hasMNIST))
struct CellLanguageTests {
    static func render(language: String) throws -> String {
        let folder = try DataFixtures.temporaryDirectory("cell-language")
        defer { try? FileManager.default.removeItem(at: folder) }
        let notebook = """
            ---
            title: Words
            lang: \(language)
            ---

            ```{load} mnist
            :label: data
            :limit: 300
            ```

            ```{train} softmax
            :epochs: 2
            ```

            ```{evaluate}
            ```
            """
        try notebook.write(to: folder.appendingPathComponent("words.md"), atomically: true, encoding: .utf8)
        let result = try NBRunProcess.run(["render", "words.md", "-o", "out", "--data-dir", DataFixtures.sharedData.path, "-p", "seed=7", "-q"],
                                          in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        return try String(contentsOf: folder.appendingPathComponent("out/words.html"), encoding: .utf8)
    }

    @Test func aChinesePageGetsChineseCellWords() throws {
        let page = try Self.render(language: "zh")
        for words in ["mnist：各划分", "像素均值", "每类图片数", "读自 --data-dir 目录下的 mnist/。", "逐轮训练", "训练损失",
                      "训练曲线：2 轮的交叉熵损失和准确率", "张 mnist 图片上训练了softmax 回归", "测试集上的准确率", "各类别的准确率（测试集）",
                      "测试集上的混淆矩阵", "真实类别", "3 个单元格 · 3 个成功", "<span class=\"nb-status\">成功</span>",
                      "aria-label=\"单元格 data\"", "参数：<code>seed=7</code>"] {
            #expect(page.contains(words), "missing: \(words)")
        }
        for english in ["Training, epoch by epoch", "Trained softmax", "Accuracy by class", "images per class", "Read from",
                        "3 cells", ">ok<", "Parameters:", "aria-label=\"cell "] {
            #expect(!page.contains(english), "still English: \(english)")
        }
        #expect(!page.contains(DataFixtures.sharedData.path))
    }

    @Test func anEnglishPageNamesTheDataFolderNotItsPath() throws {
        let page = try Self.render(language: "en")
        #expect(page.contains("Read from mnist/ in the --data-dir folder."))
        #expect(page.contains("Training, epoch by epoch"))
        #expect(page.contains("3 cells · 3 ok") && page.contains("Parameters: <code>seed=7</code>"))
        #expect(!page.contains(DataFixtures.sharedData.path))
    }
}
