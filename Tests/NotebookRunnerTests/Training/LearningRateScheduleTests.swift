import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

/// `:schedule:`: each schedule's rate per epoch, as PyTorch's schedulers stepped once per epoch give it.
@Suite struct LearningRateScheduleTests {
    static func rates(_ text: String, epochs: Int = 6, stepsPerEpoch: Int = 1) throws -> [Double] {
        let schedule = try LearningRateSchedule.parse(text)
        return (1...epochs).map { schedule.rate(0.1, step: $0 * stepsPerEpoch, epoch: $0, epochs: epochs) }
    }

    static func close(_ a: [Double], _ b: [Double]) -> Bool { a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < 1e-12 } }

    @Test func eachScheduleGivesItsRates() throws {
        #expect(try Self.rates("constant") == [0.1, 0.1, 0.1, 0.1, 0.1, 0.1])
        // StepLR(step_size=2, gamma=0.5)
        #expect(Self.close(try Self.rates("step(2, 0.5)"), [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]))
        // ExponentialLR(gamma=0.9)
        #expect(Self.close(try Self.rates("exponential(0.9)"), (0..<6).map { 0.1 * pow(0.9, Double($0)) }))
        // CosineAnnealingLR(T_max=6): 0.1 · (1 + cos(π k/6)) / 2 for k = 0…5
        #expect(Self.close(try Self.rates("cosine"), (0..<6).map { 0.1 * (1 + cos(Double.pi * Double($0) / 6)) / 2 }))
        // Linear warmup over 4 steps (2 per epoch: the rate at each epoch's last step), then cosine.
        let warm = try Self.rates("warmup(4, cosine)", epochs: 4, stepsPerEpoch: 2)
        #expect(Self.close(warm, [0.05, 0.1 * (1 + cos(Double.pi / 4)) / 2, 0.1 * (1 + cos(Double.pi / 2)) / 2, 0.1 * (1 + cos(3 * Double.pi / 4)) / 2]))
        #expect(Self.close(try Self.rates("warmup(3)", epochs: 4), [0.1 / 3, 0.2 / 3, 0.1, 0.1]))
        #expect(try LearningRateSchedule.parse(" Warmup( 10 , step(3,0.1) ) ") == .warmup(steps: 10, then: .step(epochs: 3, factor: 0.1)))
        #expect(try LearningRateSchedule.parse("warmup(10, step(3, 0.1))").text == "warmup(10, step(3, 0.1))")
    }

    @Test func badSchedulesSayWhatIsExpected() {
        for (text, message) in [("linear", "unknown schedule 'linear'"), ("step(2)", "step takes 2 arguments, got 1"),
                                ("step(0, 0.5)", "step's number of epochs must be a whole number ≥ 1, got '0'"),
                                ("exponential(1.5)", "exponential's gamma must be a number > 0 and ≤ 1, got '1.5'"),
                                ("warmup(5, warmup(2))", "warmup cannot follow warmup"), ("cosine(", "a ')' must end 'cosine('"),
                                ("step", "step needs its arguments in parentheses")] {
            #expect(throws: LearningRateSchedule.ParseError.self) { try LearningRateSchedule.parse(text) }
            do { _ = try LearningRateSchedule.parse(text) } catch let error as LearningRateSchedule.ParseError {
                #expect(error.message == message, "\(text)")
            } catch {}
        }
    }

    /// The cell shows each epoch's rate in its table and summary, records it per epoch, and
    /// trains with it: a schedule of factor 1 trains exactly as no schedule.
    @Test func theCellShowsAndRecordsEachEpochsRate() throws {
        let state = TrainDirectiveTests.state()
        let output = try DataFixtures.temporaryDirectory("schedule")
        let cell = DataFixtures.cell("train", ["softmax"], [("epochs", "4"), ("batch", "100"), ("schedule", "step(2, 0.5)")])
        let outputs = try DataFixtures.run(TrainDirective.self, cell, state: state, output: output)
        guard case .table(let table) = outputs.items[0] else { Issue.record("\(outputs.items)"); return }
        #expect(table.header.prefix(3) == ["epoch", "learning rate", "train loss"])
        #expect(table.rows.map { $0[1] } == ["0.1", "0.1", "0.05", "0.05"])
        #expect(outputs.metrics.first { $0.name == "history[3].learning_rate" }?.value == 0.05)
        let summary = outputs.items.compactMap { if case .text(let text) = $0 { return text } else { return nil } }.joined()
        #expect(summary.contains("lr 0.1 (:schedule: step(2, 0.5))"), "\(summary)")

        // Both on the engine: a schedule of factor 1, and momentum 0 (which is SGD) with none.
        let flat = try DataFixtures.run(TrainDirective.self, DataFixtures.cell("train", ["softmax"], [("epochs", "3"), ("batch", "100"), ("schedule", "exponential(1)")]),
                                        state: state, output: output)
        let plain = try DataFixtures.run(TrainDirective.self, DataFixtures.cell("train", ["softmax"], [("epochs", "3"), ("batch", "100"), ("optimizer", "momentum"), ("momentum", "0")]),
                                         state: state, output: output)
        let loss = { (outputs: CellOutputs) in outputs.metrics.first { $0.name == "train_loss" }?.value }
        #expect(loss(flat) != nil && loss(flat) == loss(plain))
    }

    @Test func aBadScheduleIsAnErrorAtItsValue() {
        let bad = DataFixtures.diagnostic {
            _ = try TrainDirective(cell: DataFixtures.cell("train", ["softmax"], [("schedule", "cosine(3)")]), defaults: Defaults())
        }
        #expect(bad?.message == "option :schedule: unknown schedule 'cosine'")
        #expect(bad?.hint?.contains("warmup(100, cosine)") == true)
    }
}
