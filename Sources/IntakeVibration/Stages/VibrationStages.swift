import Foundation
import IntakeAlignment
import IntakeCore
import IntakeSignal

/// `vibration.decode`: alert bytes (JSON) → `VibrationAlert`. A sidecar JSON without samples
/// reads its waveform from the `.wav` or `.csv` file of the same name: the input's companion
/// (kept with a dead letter too), else the file beside it.
public struct AlertDecodeStage: Stage {
    public init() {}

    public func process(_ bytes: Data, context: StageContext) throws -> VibrationAlert {
        let uri = context.input.uri
        return try AlertDecoder.decode(bytes, file: uri.hasPrefix("/") ? URL(fileURLWithPath: uri) : nil, companions: context.input.companions)
    }
}

/// `vibration.diagnose`: `VibrationAlert` → `VibrationReport`, for a device in the registry.
///
/// Options: `severity_table` (path relative to the pipeline file; default: the ISO 10816-3
/// values built in), `fft_planning` (`estimate`, default; `measure`, tuned plans with
/// `fft_wisdom`, a file where FFTW keeps its tuning; or `background`, the same tuning without
/// making an alert wait for it), `bearing_score` (1.0): the envelope score a bearing defect needs.
public struct DiagnoseStage: Stage {
    public let devices: DeviceRegistry
    public let analyzer: VibrationAnalyzer

    public init(devices: DeviceRegistry, analyzer: VibrationAnalyzer) {
        self.devices = devices
        self.analyzer = analyzer
    }

    public init(devices: DeviceRegistry, options: ConfigNode) throws {
        try options.allowOnly(["severity_table", "fft_planning", "fft_wisdom", "bearing_score"])
        let zones = try options.optionalPath("severity_table").map(SeverityZones.load) ?? .standard
        guard let rigor = FFT.Rigor(rawValue: try options.string("fft_planning", default: "estimate")) else {
            throw options.error("use one of \(FFT.Rigor.allCases.map(\.rawValue).joined(separator: ", "))", key: "fft_planning")
        }
        var analyzer = VibrationAnalyzer(fft: FFT(rigor: rigor, wisdom: try options.optionalPath("fft_wisdom")), zones: zones)
        analyzer.classifier.bearingScore = try options.double("bearing_score", default: analyzer.classifier.bearingScore, in: 0...10)
        self.init(devices: devices, analyzer: analyzer)
    }

    public func process(_ alert: VibrationAlert, context: StageContext) throws -> VibrationReport {
        guard let device = devices[alert.deviceID] else { throw VibrationError.unknownDevice(alert.deviceID) }
        // A registered device reports for itself only: an edge box's device token makes it the
        // sender (the binary form is refused with 403 for the same reason), and its alerts must
        // not raise orders for another machine. Other senders (a gateway, a reviewer) may name any.
        if let sender = context.input.sender, let sending = devices[sender], sending.id != device.id {
            throw VibrationError.sentByAnotherDevice(sender: sending.id, device: device.id)
        }
        return try analyzer.analyze(alert, device: device)
    }
}

/// `vibration.order`: `VibrationReport` → `OrderDraft` through the knowledge graph.
public struct RepairOrderStage: Stage {
    public let builder: RepairOrderBuilder

    public init(master: MasterData) {
        builder = RepairOrderBuilder(master: master)
    }

    public func process(_ report: VibrationReport, context: StageContext) throws -> OrderDraft {
        builder.draft(for: report)
    }
}
