import ArgumentParser
import Foundation
import IntakeAlignment
import IntakeCore
import IntakeReview
import IntakeText

/// `intake-bench`: speed and accuracy figures, printed, never asserted in unit tests.
@main
struct IntakeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intake-bench",
        abstract: "Measure intake's speed and accuracy on generated inputs.",
        discussion: """
            Build in release mode for meaningful figures:
              swift build -c release && .build/release/intake-bench all   # every figure, side by side
              swift run -c release intake-bench text
              swift run -c release intake-bench text --messages 5000 --jobs 2 --json
              swift run -c release intake-bench store --orders 20000
              swift build -c release && .build/release/intake-bench http
            """,
        subcommands: [AllBench.self, TextBench.self, StoreBench.self, VibrationBench.self, VoiceBench.self, DocumentBench.self, DocumentSamples.self, HTTPBench.self])
}

/// Text orders: alignment accuracy and end-to-end pipeline throughput.
struct TextBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text",
        abstract: "Generate order messages with typos and aliases, run them through the text pipeline, and report accuracy and orders/s.")

    @Option(help: "Messages to generate.") var messages = 2_000
    @Option(help: "Random seed (same seed, same messages).") var seed: UInt64 = 42
    @Option(help: "Workers for the align stage.") var jobs = 2
    @Option(help: "Material master CSV.") var materials = "samples/master/materials.csv"
    @Option(help: "Device registry CSV.") var devices = "samples/master/devices.csv"
    @Option(help: "Intent graph YAML.") var graph = "models/intent-graph.yaml"
    @Option(help: "Print this many misread lines, and as many exact orders held for review.") var showErrors = 10
    @Flag(help: "Print the figures as one JSON object.") var json = false

    func run() throws {
        let master = try MasterData.load(
            materials: URL(fileURLWithPath: materials), devices: URL(fileURLWithPath: devices), graph: URL(fileURLWithPath: graph))
        var corpus = TextOrderCorpus(materials: master.materials, seed: seed)
        let generated = corpus.messages(messages)
        let aligner = IntentAligner(master: master)

        // Accuracy: a line is right when the order has a line with the same SKU and quantity.
        var expectedLines = 0
        var rightLines = 0
        var extraLines = 0
        var misread: [String] = []
        // Orders: exact when every line is right and none is extra. Against review: what auto
        // mode would approve wrongly, and what it would hold although right.
        let minConfidence = SandboxPolicy().minConfidence
        var exactOrders = 0, wrongAboveMinConfidence = 0, exactBelowMinConfidence = 0
        var held: [String] = []
        for message in generated {
            let intent = aligner.align(OrderText(text: message.text)).intent
            let lines = intent.lines
            var produced = lines.map { TextOrderCorpus.Expected(sku: $0.sku ?? "-", quantity: $0.quantity) }
            expectedLines += message.expected.count
            var right = 0
            for expected in message.expected {
                if let index = produced.firstIndex(of: expected) {
                    right += 1
                    produced.remove(at: index)
                } else if misread.count < showErrors {
                    let got = lines.map { "\($0.quantity)×\($0.sku ?? "-")" }.joined(separator: ", ")
                    misread.append("\(message.text.debugDescription) want \(expected.quantity)×\(expected.sku) got [\(got)]")
                }
            }
            rightLines += right
            extraLines += produced.count
            let exact = right == message.expected.count && produced.isEmpty
            if exact { exactOrders += 1 }
            if exact, intent.confidence < minConfidence {
                exactBelowMinConfidence += 1
                if held.count < showErrors {
                    let least = intent.lines.min { $0.confidence < $1.confidence }
                    held.append("\(message.text.debugDescription) confidence \(intent.confidence)"
                        + (least.map { ", least sure line \($0.text ?? $0.sku ?? "-") \($0.confidence)" } ?? ""))
                }
            }
            if !exact, intent.confidence >= minConfidence { wrongAboveMinConfidence += 1 }
        }

        // Throughput: the real pipeline (decode → align → record → JSON Lines), output discarded.
        let sink = try JSONLinesSink(url: URL(fileURLWithPath: "/dev/null"))
        let settings = StageSettings(concurrency: 1, buffer: 64, timeout: 30)
        let route = Route(modality: .text, sniffer: PlainTextSniffer(), stages: [
            (stage: AnyStage(TextDecodeStage(), name: "text.decode"), settings: settings),
            (stage: AnyStage(AlignStage(aligner: aligner), name: "align"), settings: StageSettings(concurrency: jobs, buffer: 64, timeout: 30)),
            (stage: AnyStage(RecordStage(pipeline: "bench"), name: "record"), settings: settings),
        ])
        let pipeline = try Pipeline(name: "bench", routes: [route], sink: sink, deadLetters: DiscardedDeadLetters())
        let inputs = generated.enumerated().map { PipelineInput(uri: "bench:\($0.offset)", bytes: Data($0.element.text.utf8)) }
        let summary = pipeline.run(inputs)
        let rate = Double(summary.written) / summary.seconds

        let accuracy = Double(rightLines) / Double(max(expectedLines, 1))
        if json {
            let figures: [String: Any] = [
                "messages": messages, "lines": expectedLines, "right_lines": rightLines, "line_accuracy": accuracy,
                "extra_lines": extraLines, "exact_orders": exactOrders, "min_confidence": minConfidence,
                "wrong_above_min_confidence": wrongAboveMinConfidence, "exact_below_min_confidence": exactBelowMinConfidence,
                "orders_per_second": rate, "seconds": summary.seconds, "jobs": jobs,
                "cores": ProcessInfo.processInfo.activeProcessorCount, "failed": summary.failed,
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print("text orders: \(messages) messages, \(expectedLines) lines, seed \(seed)")
            print(String(format: "  line accuracy (right SKU and quantity): %.2f%% (%d/%d), extra lines: %d", accuracy * 100, rightLines, expectedLines, extraLines))
            print(String(format: "  orders exact (every line right, none extra): %.2f%% (%d/%d)", Double(exactOrders) * 100 / Double(max(messages, 1)), exactOrders, messages))
            print(String(format: "  against review (auto mode approves at confidence ≥ %.2f): %d of %d wrong orders at or above it, %d of %d exact below it",
                minConfidence, wrongAboveMinConfidence, messages - exactOrders, exactBelowMinConfidence, exactOrders))
            print(String(format: "  pipeline: %.0f orders/s end to end (%d records in %.3f s, align jobs %d, %d cores)",
                rate, summary.written, summary.seconds, jobs, ProcessInfo.processInfo.activeProcessorCount))
            if !misread.isEmpty {
                print("  first misread lines:")
                misread.forEach { print("    \($0)") }
            }
            if !held.isEmpty {
                print("  first exact orders below min_confidence:")
                held.forEach { print("    \($0)") }
            }
        }
    }
}

/// The text corpus has no bad inputs; the count is enough to notice if that ever changes.
final class DiscardedDeadLetters: DeadLetterStore {
    func store(_ letter: DeadLetter) throws {}
}
