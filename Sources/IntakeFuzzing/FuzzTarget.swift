import Foundation
import IntakeAlignment
import IntakeCore
import IntakeText
import IntakeVibration
import IntakeVoice
import Logging

/// The parsers that read bytes from outside, each as one fuzz target: arbitrary bytes in,
/// nothing out. A thrown error is the expected answer to bad bytes; a trap (index out of
/// range, overflow, force unwrap), a hang or unbounded memory is a finding.
///
/// The same bodies run under libFuzzer (`Fuzz/`, `scripts/fuzz`) and in `swift test`
/// (`Tests/IntakeFuzzingTests`: the seed corpus, every past finding, and seeded mutations).
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// `voice.decode`: WAV bytes → 16 kHz mono speech (RIFF chunks, formats, resampling).
    case wav
    /// `vibration.decode` then `vibration.diagnose`: alert JSON (number arrays and base64
    /// float32) → validation (rates, lengths, NaN, clipping) → FFT and diagnosis.
    case alert
    /// The master-data CSV loaders: materials, devices, maintenance history.
    case csv
    /// The YAML loaders: pipeline configuration and intent graph.
    case yaml
    /// `text.decode` then alignment: message bytes → the text intent parser and matchers.
    case text

    /// Runs the target once on `bytes`; returns normally for any input that does not trap.
    public func run(_ bytes: Data) {
        switch self {
        case .wav:
            _ = try? AudioDecodeStage().process(bytes, context: Self.context(bytes))
        case .alert:
            guard let alert = try? AlertDecodeStage().process(bytes, context: Self.context(bytes)) else { return }
            // Diagnosis is FFT work proportional to the waveform; the fuzzer looks for logic bugs, not big inputs.
            guard alert.samples.count <= 1 << 16 else { return }
            _ = try? Self.diagnose.process(alert, context: Self.context(bytes))
        case .csv:
            guard let text = String(validating: bytes, as: UTF8.self) else { return }
            _ = try? MaterialMaster.parse(text, file: "fuzz.csv")
            _ = try? DeviceRegistry.parse(text, file: "fuzz.csv")
            _ = try? MaintenanceHistory.parse(text, file: "fuzz.csv")
        case .yaml:
            guard let text = String(validating: bytes, as: UTF8.self) else { return }
            _ = try? PipelineConfiguration.parse(text, file: "fuzz.yaml", directory: URL(fileURLWithPath: "/nonexistent"))
            _ = try? IntentGraph.parse(text, file: "fuzz.yaml", materials: Self.master.materials)
        case .text:
            guard let message = try? TextDecodeStage().process(bytes, context: Self.context(bytes)) else { return }
            _ = Self.aligner.align(message)
        }
    }

    /// The demo master data in samples/ and models/ (the fuzzer runs from a checkout).
    static let master: MasterData = {
        let root = packageRoot
        do {
            return try MasterData.load(
                materials: root.appendingPathComponent("samples/master/materials.csv"),
                devices: root.appendingPathComponent("samples/master/devices.csv"),
                graph: root.appendingPathComponent("models/intent-graph.yaml"),
                maintenance: root.appendingPathComponent("samples/master/maintenance.csv"))
        } catch {
            fatalError("fuzz targets need the demo master data in \(root.path): \(error)")
        }
    }()

    static let aligner = IntentAligner(master: master)
    static let diagnose = DiagnoseStage(devices: master.devices, analyzer: VibrationAnalyzer())

    /// The checkout this file was compiled from.
    public static let packageRoot: URL = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/", !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            folder = folder.deletingLastPathComponent()
        }
        return folder
    }()

    /// Seed inputs for this target: the samples a user would send, broken ones included.
    public var seedFolders: [String] {
        switch self {
        case .wav: ["samples/voice", "samples/malformed/voice"]
        case .alert: ["samples/vibration", "samples/malformed/vibration"]
        case .csv: ["samples/master"]
        case .yaml: ["pipelines", "models"]
        case .text: ["samples/messages", "samples/malformed/text"]
        }
    }

    private static func context(_ bytes: Data) -> StageContext {
        StageContext(
            stage: "fuzz", worker: 0, orderID: "fuzz", input: ReceivedInput(uri: "fuzz", bytes: bytes, sha256: "fuzz"),
            deadline: .distantFuture, logger: logger)
    }

    private static let logger = Logger(label: "intake.fuzz")
}
