import Foundation
import IntakeAlignment
import IntakeCore
@testable import IntakeVibration

/// The demo master data, found from this file (tests must not depend on the working directory).
enum Demo {
    static let root: URL = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            folder = folder.deletingLastPathComponent()
        }
        return folder
    }()

    static let master: MasterData = {
        try! MasterData.load(
            materials: root.appendingPathComponent("samples/master/materials.csv"),
            devices: root.appendingPathComponent("samples/master/devices.csv"),
            graph: root.appendingPathComponent("models/intent-graph.yaml"))
    }()

    static func device(_ id: String) -> Device { master.devices[id]! }

    /// A short simulated alert (3 s at 12.8 kHz keeps debug-build tests quick).
    static func alert(
        _ device: String, _ fault: FaultClass, severity: Double = 0.6, seed: UInt64 = 1, reportRPM: Bool = true,
        duration: Double = 3, sampleRate: Double = 12_800, noise: Double = 0.015, mainsLevel: Double = 1
    ) -> VibrationAlert {
        var scenario = FaultSimulator.Scenario(
            device: self.device(device), fault: fault, severity: severity, sampleRate: sampleRate, duration: duration,
            noise: noise, seed: seed, reportRPM: reportRPM)
        scenario.mainsLevel = mainsLevel
        return FaultSimulator().alert(scenario)
    }

    static let analyzer = VibrationAnalyzer()
}
