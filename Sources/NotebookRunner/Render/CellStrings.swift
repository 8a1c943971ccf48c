/// The fixed words cells write into their outputs — captions, table headers, summaries, chart
/// labels — in the page's language, like `ReportStrings` for the page's own words. Directives get
/// them from `ExecutionContext.words`; numbers and names inside them are the computed ones.
struct CellStrings: Sendable {
    /// Chinese for `lang: zh…`, else English.
    let chinese: Bool

    init(language: String) {
        chinese = language.lowercased().hasPrefix("zh")
    }

    func pick(_ english: String, _ chinese: String) -> String { self.chinese ? chinese : english }
    private func plural(_ count: Int, _ word: String) -> String { count == 1 ? "\(count) \(word)" : "\(count) \(word)s" }

    // MARK: {train}

    var trainingTable: String {
        pick("Training, epoch by epoch (loss and accuracy on the training rows are running values over each epoch's batches)",
             "逐轮训练（训练集上的损失和准确率是每轮各批次上的累计值）")
    }
    func everyKthEpoch(_ step: Int, of count: Int) -> String {
        pick("; rows for epoch 1, every \(step) epochs and the last of \(count) (the curves show all)",
             "；列出 \(count) 轮中的第一轮、每第 \(step) 轮和最后一轮（曲线显示全部）")
    }
    var epoch: String { pick("epoch", "轮次") }
    var trainLoss: String { pick("train loss", "训练损失") }
    var learningRate: String { pick("learning rate", "学习率") }
    var validationLoss: String { pick("validation loss", "验证损失") }
    var validationAccuracy: String { pick("validation accuracy", "验证准确率") }
    var validation: String { pick("validation", "验证集") }
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

    func fullBatch(_ optimizer: Optimizer = Optimizer()) -> String {
        optimizer.method == .sgd ? pick("full-batch gradient descent", "全批量梯度下降")
            : pick("full-batch ", "全批量 ") + optimizerName(optimizer)
    }
    func minibatch(_ size: Int, _ optimizer: Optimizer = Optimizer()) -> String {
        optimizer.method == .sgd ? pick("minibatch SGD (batch \(size))", "小批量随机梯度下降（批大小 \(size)）")
            : pick("minibatch \(optimizerName(optimizer)) (batch \(size))", "小批量 \(optimizerName(optimizer))（批大小 \(size)）")
    }
    func minibatchWholeSplit(rows: String, asked: String, _ optimizer: Optimizer = Optimizer()) -> String {
        let name = optimizer.method == .sgd ? pick("SGD", "随机梯度下降") : optimizerName(optimizer)
        return pick("minibatch \(name) (batch \(rows): the whole split, as :batch: \(asked) is larger)",
                    "小批量\(name)（批大小 \(rows)：:batch: \(asked) 比整个划分还大，所以用了整个划分）")
    }
    /// The optimiser with its settings, e.g. `Adam (β₁ 0.9, β₂ 0.999, ε 1e-8)`.
    func optimizerName(_ optimizer: Optimizer) -> String {
        let n = NumberText.compact
        switch optimizer.method {
        case .sgd: return pick("SGD", "随机梯度下降")
        case .momentum: return pick("SGD with momentum \(n(optimizer.momentum))", "动量 \(n(optimizer.momentum)) 的随机梯度下降")
        case .nesterov: return pick("SGD with Nesterov momentum \(n(optimizer.momentum))", "Nesterov 动量 \(n(optimizer.momentum)) 的随机梯度下降")
        case .adam, .adamw:
            return (optimizer.method == .adam ? "Adam" : "AdamW") + " (β₁ \(n(optimizer.beta1)), β₂ \(n(optimizer.beta2)), ε \(n(optimizer.epsilon)))"
        case .rmsprop: return "RMSprop (α \(n(optimizer.alpha)), ε \(n(optimizer.epsilon)))"
        }
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
    func readTable(_ file: String) -> String { pick("Read \(file).", "读取了 \(file)。") }
    var rowsWord: String { pick("rows", "行数") }
    var featureRole: String { pick("feature (X)", "特征 (X)") }
    var targetRole: String { pick("target (t)", "目标 (t)") }
    var column: String { pick("column", "列") }
    var role: String { pick("role", "作用") }
    var mean: String { pick("mean", "均值") }
    var minimum: String { pick("min", "最小值") }
    var maximum: String { pick("max", "最大值") }
    func columns(of name: String) -> String { pick("Columns of \(name)", "\(name) 的列") }

    func readFiles(_ images: String, _ labels: String) -> String {
        pick("Read \(images) and \(labels).", "读取了 \(images) 和 \(labels)。")
    }

    func keptRows(_ rows: String, of split: String?) -> String {
        guard let split else { return pick(" Kept rows \(rows) of each split.", "每个划分保留第 \(rows) 行。") }
        return pick(" Kept rows \(rows) of the \(split) split.", "\(splitName(split))保留第 \(rows) 行。")
    }
    func keptClasses(_ names: [String]) -> String {
        let list = names.enumerated().map { "\($0.element) as \($0.offset)" }.joined(separator: ", ")
        let zh = names.enumerated().map { "\($0.element) 记为 \($0.offset)" }.joined(separator: "，")
        return pick(" Kept the classes \(list).", "只保留这些类别：\(zh)。")
    }
    /// The name of every class but `name` (`:positive:`).
    func notClass(_ name: String) -> String { pick("not \(name)", "非 \(name)") }
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

    // MARK: {idx-header}

    func idxHeader(_ file: String, gunzipped: Bool) -> String {
        pick("\(file)\(gunzipped ? " (after gunzip)" : ""): IDX header, big-endian", "\(file)\(gunzipped ? "（解压后）" : "")：IDX 文件头，大端序")
    }
    var offset: String { pick("offset", "偏移") }
    var bytes: String { pick("bytes", "字节") }
    var field: String { pick("field", "字段") }
    var value: String { pick("value", "值") }
    var magicNumber: String { pick("magic number", "魔数") }
    var alwaysZero: String { pick("· always zero", "· 恒为零") }
    var valueType: String { pick("· value type", "· 数值类型") }
    var unsignedByte: String { pick("0x08 = unsigned byte", "0x08 = 无符号字节") }
    var dimensions: String { pick("· dimensions", "· 维数") }
    var imageCount: String { pick("number of images", "图片数") }
    var rowsPerImage: String { pick("rows per image", "每张图的行数") }
    var columnsPerImage: String { pick("columns per image", "每张图的列数") }
    var labelCount: String { pick("number of labels", "标签数") }
    func firstPixels(last: Int, of total: String) -> String {
        pick("image 0: pixels 0–\(last) of \(total), row by row", "第 0 张图：\(total) 个像素中的第 0–\(last) 个，逐行")
    }
    func firstLabels(last: Int) -> String { pick("labels of items 0–\(last)", "第 0–\(last) 项的标签") }
    func fileLength(_ length: String, gunzipped: Bool, header: Int, sizes: String) -> String {
        pick("File length\(gunzipped ? " after gunzip" : ""): \(length) = \(header) + \(sizes) bytes, as the header says.",
             "文件长度\(gunzipped ? "（解压后）" : "")：\(length) = \(header) + \(sizes) 字节，与文件头所说一致。")
    }

    // MARK: {gradcheck}

    func gradientCheck(epsilon: String, tolerance: String) -> String {
        pick("a: the formula, n: central differences with ε = \(epsilon); relative error = ‖a − n‖ / max(‖a‖, ‖n‖, 1e-12) over the checked entries; pass when ≤ \(tolerance)",
             "a：公式的值，n：ε = \(epsilon) 的中心差分；相对误差 = ‖a − n‖ / max(‖a‖, ‖n‖, 1e-12)，在核对的各项上计算；≤ \(tolerance) 即通过")
    }
    var gradient: String { pick("gradient", "梯度") }
    var shapeWord: String { pick("shape", "形状") }
    var entriesCheckedHeader: String { pick("entries checked", "核对的项") }
    var relativeError: String { pick("relative error", "相对误差") }
    var result: String { pick("result", "结果") }
    var pass: String { pick("pass", "通过") }
    var fail: String { pick("FAIL", "未通过") }
    func entriesChecked(_ checked: Int, of total: Int, skipped: Int, oneSided: Int) -> String {
        var text = pick("\(checked) of \(total)", "\(total) 项中的 \(checked) 项")
        if oneSided > 0 {
            text += pick(" (\(oneSided) from one side: a kink within ε on the other)", "（\(oneSided) 项用单侧差分：另一侧 ε 内有折点）")
        }
        if skipped > 0 {
            text += pick(" (\(skipped) skipped: a kink within ε on both sides)", "（略去 \(skipped) 项：两侧 ε 内都有折点）")
        }
        return text
    }
    /// Where a parameter sitting on kinks was checked instead.
    func checkedElsewhere(_ name: String, _ move: FormulaGradientCheck.Move) -> String {
        let why: String
        switch move.reason {
        case .kinks(let skipped, let drawn):
            why = pick("\(NumberText.grouped(skipped)) of the \(NumberText.grouped(drawn)) entries drawn had a kink of the loss within ε on both sides",
                       "抽到的 \(NumberText.grouped(drawn)) 项中有 \(NumberText.grouped(skipped)) 项两侧 ε 内都有损失的折点")
        case .flat:
            why = pick("the loss did not change with \(name)", "损失不随 \(name) 变化")
        }
        let moved = move.moved.map { "\($0.name) (σ = \(TensorFormatter.significant($0.scale, 3)))" }.joined(separator: ", ")
        return pick("\(name): at the starting values \(why), so it was checked with normal noise added to \(moved)",
                    "\(name)：在起始值上\(why)，所以改为给 \(moved) 加上正态噪声后核对")
    }
    func worstEntries(_ name: String, count: Int) -> String {
        pick("\(name): the \(count) entries where formula and numbers disagree most", "\(name)：公式与数值差得最多的 \(count) 项")
    }
    var entry: String { pick("entry", "项") }
    var formulaA: String { pick("formula a", "公式 a") }
    var numericN: String { pick("numeric n", "数值 n") }

    // MARK: the names {gradcheck}, {derive} and {eval} bind

    /// "X, y, Y, N: 32 rows of mnist train (seed 0), pixels / 255"; `allOf` is the row count
    /// asked for when the split has fewer rows.
    func batchBinding(rows: Int, of dataset: String, split: String, allOf asked: String?, seed: UInt64, scale: Double) -> String {
        let pixels = scale == 1.0 / 255 ? pick("pixels / 255", "像素 / 255")
            : scale == 1 ? pick("raw pixel values 0…255, as the model was trained (:normalize: false)",
                                "原始像素值 0…255，与模型训练时一致（:normalize: false）")
            : pick("pixels × \(scale), the model's input scale", "像素 × \(scale)，即模型的输入缩放")
        let all = asked.map { pick(" — all of them: :samples: asked for \($0)", "（全部：:samples: 要的是 \($0) 行）") } ?? ""
        return pick("X, y, Y, N: \(rows) rows of \(dataset) \(split)\(all) (seed \(seed)), \(pixels)",
                    "X, y, Y, N：\(dataset) \(splitName(split))的 \(rows) 行\(all)（种子 \(seed)），\(pixels)")
    }
    func parameterBinding(_ names: String, model: String) -> String {
        pick("\(names): the values of \(model)", "\(names)：\(model)的当前值")
    }
    func randomParameters(sd: Double, seed: UInt64, shape: String) -> String {
        pick("W, b: random normal, standard deviation \(sd) (seed \(seed)), W is \(shape)",
             "W, b：随机正态分布，标准差 \(sd)（种子 \(seed)），W 是 \(shape)")
    }

    // MARK: {derive}

    /// The chain's caption: what it was checked on, and how.
    func derivationChecked(on values: String, tolerance: String) -> String {
        pick("checked on \(values); each line against the line above that held, within \(tolerance)",
             "在 \(values) 上核对；每行与上面最近一条成立的行比较，容差 \(tolerance)")
    }
    func seed(_ seed: UInt64) -> String { pick(" (seed \(seed))", "（种子 \(seed)）") }
    /// Between the descriptions of a caption's groups of values.
    var separator: String { pick("; ", "；") }
    var scalar: String { pick("scalar", "标量") }
    func normal(_ sd: String) -> String { pick("normal(σ = \(sd))", "正态分布（σ = \(sd)）") }
    func uniform(_ low: String, _ high: String) -> String { pick("uniform(\(low), \(high))", "均匀分布（\(low), \(high)）") }
    func labels(upTo last: Int) -> String { pick("labels 0…\(last)", "标签 0…\(last)") }
    func line(_ number: Int) -> String { pick("line \(number)", "第 \(number) 行") }
    var firstLineOfChain: String { pick("the first line of the chain", "推导链的第一行") }
    var centralDifferences: String { pick("central differences", "中心差分") }
    var theLineAbove: String { pick("the line above", "上一行") }
    func equals(_ reference: String, tolerance: String, error: String) -> String {
        pick("equals \(reference) within \(tolerance): relative error \(error)",
             "与\(reference)相等，容差 \(tolerance)：相对误差 \(error)")
    }
    /// After a `grad` line's verdict: how many entries were compared with central differences.
    func gradientEntries(compared: Int, of total: Int, skipped: Int) -> String {
        let drawn = compared + skipped
        let (shown, all) = (NumberText.grouped(compared), NumberText.grouped(total))
        var text = drawn < total ? pick(" (\(shown) of its \(all) entries, drawn at random", "（\(all) 项中随机抽取的 \(shown) 项")
            : pick(total == 1 ? " (its one entry" : " (all \(shown) entries", total == 1 ? "（唯一的一项" : "（全部 \(shown) 项")
        if skipped > 0 { text += pick("; \(skipped) skipped: a kink within ε on both sides", "；略去 \(skipped) 项：两侧 ε 内都有折点") }
        return text + pick(")", "）")
    }
    /// After the ✘ of the step a `:expect: fail` chain wanted to fail.
    var caught: String { pick("caught", "被查出") }
    func entriesDifferingMost(line: Int, from reference: String) -> String {
        pick("line \(line): the entries that differ most from \(reference)", "第 \(line) 行：与\(reference)差得最多的项")
    }
    var thisLine: String { pick("this line", "本行") }
    var difference: String { pick("difference", "差") }

    // MARK: {show}

    func wroteFiles(_ count: Int, kind: String, folder: String, example: String) -> String {
        pick("Wrote \(count) \(kind) file\(count == 1 ? "" : "s") to \(folder) (\(example)).",
             "写了 \(count) 个 \(kind) 文件到 \(folder)（\(example)）。")
    }
    func firstMistakes(_ count: Int, split: String) -> String {
        pick("The first \(count) \(split) images the model gets wrong, captioned true → predicted.",
             "模型在\(splitName(split))上认错的前 \(count) 张图，标注为 真实 → 预测。")
    }
    func mistakesShown(_ wrong: Int, of count: Int, split: String) -> String {
        pick("\(wrong) of \(count) \(split) images shown are wrong (outlined), captioned true → predicted.",
             "显示的 \(count) 张\(splitName(split))图片中有 \(wrong) 张认错（加了框），标注为 真实 → 预测。")
    }
    func noMistake(split: String) -> String {
        pick("The model gets every \(split) image from the start row right: no mistake to show.",
             "从起始行开始，模型把\(splitName(split))的每张图都认对了：没有错误可显示。")
    }
}
