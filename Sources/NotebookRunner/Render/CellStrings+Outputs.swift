/// The words of `{train}` and `{evaluate}` that depend on what a model predicts (`ModelOutput`).
extension CellStrings {
    /// The usual loss of the kind, naming the loss axis.
    func lossName(_ output: ModelOutput) -> String {
        switch output {
        case .classes: return crossEntropy
        case .binary: return pick("binary cross-entropy", "二元交叉熵")
        case .regression: return pick("mean squared error", "均方误差")
        }
    }

    func trainingCurves(epochs: Int, output: ModelOutput) -> String {
        switch output {
        case .classes: return trainingCurves(epochs: epochs)
        case .binary:
            return pick("Training curves: binary cross-entropy loss and accuracy over \(epochs) epoch\(epochs == 1 ? "" : "s")",
                        "训练曲线：\(epochs) 轮的二元交叉熵损失和准确率")
        case .regression:
            return pick("Training curves: mean squared error and the test split's RMSE over \(epochs) epoch\(epochs == 1 ? "" : "s")",
                        "训练曲线：\(epochs) 轮的均方误差和测试集上的 RMSE")
        }
    }

    var trainingTableOfValues: String {
        pick("Training, epoch by epoch (the loss on the training rows is a running value over each epoch's batches; RMSE and R² are measured on the test split after each epoch)",
             "逐轮训练（训练集上的损失是每轮各批次上的累计值；RMSE 和 R² 在每轮之后在测试集上测量）")
    }
    var testRMSE: String { pick("test RMSE", "测试 RMSE") }
    var testR2: String { pick("test R²", "测试 R²") }
    var rmsePanel: String { pick("Fit on the test split", "测试集上的拟合") }
    var rmse: String { pick("RMSE", "RMSE") }
    func finalTestFit(rmse: String, r2: String, rows: String) -> String {
        pick(", test RMSE \(rmse) and R² \(r2) on \(rows) test rows", "，在 \(rows) 行测试数据上 RMSE 为 \(rmse)、R² 为 \(r2)")
    }

    // MARK: {evaluate} of a binary model

    var precision: String { pick("precision", "精确率") }
    var recall: String { pick("recall", "召回率") }
    func binaryScores(positive: String, precision: String, recall: String) -> String {
        pick("Positive class \(positive): precision \(precision) (of the images predicted \(positive), the share that are), recall \(recall) (of the images that are \(positive), the share found).",
             "正类 \(positive)：精确率 \(precision)（预测为 \(positive) 的图片中真是 \(positive) 的比例），召回率 \(recall)（真是 \(positive) 的图片中被找出的比例）。")
    }

    // MARK: {evaluate} of a model of real values

    func fit(on split: String, rows: String, mse: String, rmse: String, r2: String) -> String {
        pick("Fit on the \(split) split (\(rows) rows): mean squared error \(mse), RMSE \(rmse), R² \(r2).",
             "\(splitName(split))上的拟合（\(rows) 行）：均方误差 \(mse)，RMSE \(rmse)，R² \(r2)。")
    }
    func predictedAgainstTrue(_ split: String) -> String {
        pick("Predicted against true values on the \(split) split (the diagonal is a perfect fit)",
             "\(splitName(split))上的预测值与真实值（对角线为完美拟合）")
    }
    func residualsPlot(_ split: String) -> String {
        pick("Residuals on the \(split) split: predicted − true, against the prediction",
             "\(splitName(split))上的残差：预测 − 真实，对预测值作图")
    }
    var predictedVsTruePanel: String { pick("Predicted vs true", "预测值与真实值") }
    var residualsPanel: String { pick("Residuals", "残差") }
    var trueValue: String { pick("true value", "真实值") }
    var predictedValue: String { pick("predicted value", "预测值") }
    var residual: String { pick("residual (predicted − true)", "残差（预测 − 真实）") }
    var rows: String { pick("rows", "行") }
    var perfectFit: String { pick("perfect fit", "完美拟合") }
}
