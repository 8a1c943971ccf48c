// Times the softmax-regression kernel on Fashion-MNIST outside any notebook.
//
//   nbrun-bench [DATA_DIR] [--reps N] [--threads N]
//
// Prints one line per repetition of the standard recipe (batch 256, lr 0.1, 10 epochs,
// normal(0.01) init, seed 0) and the time of one full-batch gradient step.
import Foundation
import NotebookRunner

func readIDX(_ path: String) throws -> (dims: [Int], bytes: [UInt8]) {
    let gzip = Process()
    gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
    gzip.arguments = ["-c", "gzip -dc \"$0\"", path]
    let pipe = Pipe()
    gzip.standardOutput = pipe
    try gzip.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    gzip.waitUntilExit()
    let bytes = [UInt8](data)
    guard bytes.count >= 4, gzip.terminationStatus == 0 else { throw CocoaError(.fileReadCorruptFile) }
    let rank = Int(bytes[3])
    var dims: [Int] = []
    for d in 0..<rank {
        let o = 4 + 4 * d
        dims.append(Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3]))
    }
    return (dims, Array(bytes[(4 + 4 * rank)...]))
}

func split(_ dir: String, _ prefix: String) throws -> DataSplit {
    let images = try readIDX("\(dir)/\(prefix)-images-idx3-ubyte.gz")
    let labels = try readIDX("\(dir)/\(prefix)-labels-idx1-ubyte.gz")
    return DataSplit(name: prefix, images: images.bytes, labels: labels.bytes, count: images.dims[0],
                     rows: images.dims[1], cols: images.dims[2], sources: [dir])
}

var arguments = Array(CommandLine.arguments.dropFirst())
@MainActor func option(_ name: String, _ fallback: Int) -> Int {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count, let v = Int(arguments[i + 1]) else { return fallback }
    arguments.removeSubrange(i...(i + 1))
    return v
}
let reps = option("--reps", 3)
let threads = option("--threads", TrainingConfiguration.defaultThreads)
let dir = arguments.first ?? "/usr/share/datasets/fashion-mnist"

let train = try split(dir, "train")
let test = try split(dir, "t10k")
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}
var trainSeconds: [Double] = []
for rep in 1...reps {
    let trainer = SoftmaxTrainer(configuration: TrainingConfiguration(threads: threads))
    let cpuStart = cpuSeconds()
    let result = try trainer.train(on: train, test: test, classes: 10)
    let cpu = cpuSeconds() - cpuStart
    trainSeconds.append(result.trainingSeconds)
    print(String(format: "rep %d  train %.3f s  cpu %.3f s  eval %.3f s  loss %.4f  train_acc %.4f  test_acc %.4f", rep,
                 result.trainingSeconds, cpu, result.epochs.reduce(0) { $0 + $1.evaluationSeconds },
                 result.epochs.last!.trainLoss, result.epochs.last!.trainAccuracy, result.finalTestAccuracy ?? .nan))
}
let full = SoftmaxTrainer(configuration: TrainingConfiguration(batchSize: .full, length: .steps(1), threads: threads))
_ = try full.train(on: train, classes: 10)
var stepTimes: [Double] = []
for _ in 0..<5 {
    let run = try SoftmaxTrainer(configuration: TrainingConfiguration(batchSize: .full, length: .steps(4), threads: threads))
        .train(on: train, classes: 10)
    stepTimes.append(run.trainingSeconds / 4)
}
func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
print(String(format: "median_train_seconds %.3f", median(trainSeconds)))
print(String(format: "full_batch_step_ms %.2f", median(stepTimes) * 1000))
print("threads \(threads)")
