/// The fixed words cells write into their outputs — captions, table headers, summaries, chart
/// labels — in the page's language, like `ReportStrings` for the page's own words. Directives get
/// them from `ExecutionContext.words`; numbers and names inside them are the computed ones.
struct CellStrings: Sendable {
    /// Chinese for `lang: zh…`, else English.
    let chinese: Bool

    init(language: String) {
        chinese = language.lowercased().hasPrefix("zh")
    }

    private func pick(_ english: String, _ chinese: String) -> String { self.chinese ? chinese : english }
    private func plural(_ count: Int, _ word: String) -> String { count == 1 ? "\(count) \(word)" : "\(count) \(word)s" }

    // MARK: {train}

    var trainingTable: String {
        pick("Training, epoch by epoch (loss and accuracy on the training rows are running values over each epoch's batches)",
             "逐轮训练（训练集上的损失和准确率是每轮各批次上的累计值）")
    }
    var epoch: String { pick("epoch", "轮次") }
    var trainLoss: String { pick("train loss", "训练损失") }
    var trainAccuracy: String { pick("train accuracy", "训练准确率") }
    var testAccuracy: String { pick("test accuracy", "测试准确率") }
    var seconds: String { pick("seconds", "秒") }
    var loss: String { pick("Loss", "损失") }
    var accuracyPanel: String { pick("Accuracy", "准确率") }
    var crossEntropy: String { pick("cross-entropy", "交叉熵") }
    var accuracy: String { pick("accuracy", "准确率") }
    var train: String { pick("train", "训练集") }
    var test: String { pick("test", "测试集") }

    func trainingCurves(epochs: Int) -> String {
        pick("Training curves: cross-entropy loss and accuracy over \(plural(epochs, "epoch"))",
             "训练曲线：\(epochs) 轮的交叉熵损失和准确率")
    }

    /// The model's one-line description, e.g. `softmax regression (784 → 10)`.
    func model(_ summary: String) -> String {
        chinese ? summary.replacingOccurrences(of: "softmax regression", with: "softmax 回归") : summary
    }

    var fullBatch: String { pick("full-batch gradient descent", "全批量梯度下降") }
    func minibatch(_ size: Int) -> String { pick("minibatch SGD (batch \(size))", "小批量随机梯度下降（批大小 \(size)）") }
    func minibatchWholeSplit(rows: String, asked: String) -> String {
        pick("minibatch SGD (batch \(rows): the whole split, as :batch: \(asked) is larger)",
             "小批量随机梯度下降（批大小 \(rows)：:batch: \(asked) 比整个划分还大，所以用了整个划分）")
    }

    func trained(model: String, images: String, dataset: String) -> String {
        pick("Trained \(model) on \(images) \(dataset) images:\n", "在 \(images) 张 \(dataset) 图片上训练了\(model)：\n")
    }
    func schedule(epochs: Int, steps: Int, method: String, learningRate: String) -> String {
        pick("\(plural(epochs, "epoch")) (\(plural(steps, "step"))) of \(method), lr \(learningRate)",
             "\(method) \(epochs) 轮（\(steps) 步），学习率 \(learningRate)")
    }
    func took(_ seconds: String) -> String { pick(", in \(seconds) s", "，用时 \(seconds) 秒") }
    func finalLoss(_ loss: String) -> String { pick(".\nFinal train loss \(loss)", "。\n最终训练损失 \(loss)") }
    func finalTestAccuracy(_ accuracy: String, images: String) -> String {
        pick(", test accuracy \(accuracy) on \(images) test images", "，在 \(images) 张测试图片上的准确率 \(accuracy)")
    }
    var fullStop: String { pick(".", "。") }

    // MARK: {evaluate}

    func accuracy(on split: String, value: String, correct: String, total: String) -> String {
        pick("Accuracy on the \(split) split: \(value) (\(correct) of \(total) images).",
             "\(splitName(split))上的准确率：\(value)（\(total) 张图片中对了 \(correct) 张）。")
    }
    func accuracyByClass(_ split: String) -> String {
        pick("Accuracy by class (\(split) split)", "各类别的准确率（\(splitName(split))）")
    }
    var className: String { pick("class", "类别") }
    var images: String { pick("images", "图片数") }
    var correct: String { pick("correct", "正确数") }
    func confusionMatrix(_ split: String) -> String {
        pick("Confusion matrix on the \(split) split: rows are true classes, columns predicted classes, cells count images",
             "\(splitName(split))上的混淆矩阵：行是真实类别，列是预测类别，格子里是图片数")
    }
    var trueClass: String { pick("true class", "真实类别") }
    var predictedClass: String { pick("predicted class", "预测类别") }

    /// `train` → 训练集, `test` → 测试集 in Chinese; the split's name in English.
    func splitName(_ split: String) -> String {
        guard chinese else { return split }
        switch split {
        case "train": return "训练集"
        case "test": return "测试集"
        default: return split
        }
    }

    // MARK: {load}

    func splits(of dataset: String) -> String {
        pick("\(dataset): splits (pixels scaled to 0…1)", "\(dataset)：各划分（像素缩放到 0…1）")
    }
    var split: String { pick("split", "划分") }
    var shape: String { pick("shape", "形状") }
    var pixelMean: String { pick("pixel mean", "像素均值") }
    var pixelStd: String { pick("pixel std", "像素标准差") }
    func imagesPerClass(of dataset: String) -> String { pick("\(dataset): images per class", "\(dataset)：每类图片数") }
    var label: String { pick("label", "标签") }

    /// Where a data set was read: its folder under the place it was found, never a home path.
    func readFrom(_ folder: String, place: String) -> String {
        pick("Read from \(folder) in the \(place) folder.", "读自 \(place) 目录下的 \(folder)。")
    }
    func readFiles(_ images: String, _ labels: String) -> String {
        pick("Read \(images) and \(labels).", "读取了 \(images) 和 \(labels)。")
    }

    func keptRows(_ rows: String, of split: String?) -> String {
        guard let split else { return pick(" Kept rows \(rows) of each split.", "每个划分保留第 \(rows) 行。") }
        return pick(" Kept rows \(rows) of the \(split) split.", "\(splitName(split))保留第 \(rows) 行。")
    }
    func replaces(_ name: String, previous: String) -> String {
        name == previous
            ? pick("\nThis replaces the data set '\(name)' loaded before: later cells use these rows.",
                   "\n这替换了之前载入的数据集 '\(name)'：后面的单元格用这些行。")
            : pick("\nLater cells now use '\(name)' instead of '\(previous)' (still available with :dataset: \(previous)).",
                   "\n后面的单元格改用 '\(name)'，不再用 '\(previous)'（仍可用 :dataset: \(previous) 取到）。")
    }
    func fileAndLabels(_ file: String) -> String { pick("\(file) and its labels", "\(file) 及其标签") }
    var theseFiles: String { pick("these files", "这些文件") }
    var theSameFiles: String { pick("the same files", "同一批文件") }
    func cutSplit(_ split: String, rows: String, of files: String) -> String {
        pick("\n\(split.prefix(1).uppercased() + split.dropFirst()) split: rows \(rows) of \(files).",
             "\n\(splitName(split))：\(files)的第 \(rows) 行。")
    }
}
