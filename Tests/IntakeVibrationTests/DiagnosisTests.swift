import Foundation
import Testing
@testable import IntakeVibration

@Suite("Diagnosing simulated machines")
struct DiagnosisTests {
    @Test("Each fault class is recognised on simulated alerts", arguments: [
        ("P-101", FaultClass.outerRace), ("F-201", .innerRace), ("C-501", .ball), ("M-301", .cage),
        ("F-202", .imbalance), ("M-302", .misalignment), ("P-103", .looseness), ("P-102", .normal),
    ])
    func faultClasses(device: String, fault: FaultClass) throws {
        for seed in [UInt64(11), 12] {
            let report = try Demo.analyzer.analyze(Demo.alert(device, fault, seed: seed), device: Demo.device(device))
            #expect(report.fault == fault, "seed \(seed): \(report.fault) (\(report.reasons))")
            #expect(report.confidence > 0.5)
        }
    }

    @Test("Bearing lines are reported at the defect frequency computed from the geometry")
    func defectLines() throws {
        let device = Demo.device("P-101")
        let report = try Demo.analyzer.analyze(Demo.alert("P-101", .outerRace, seed: 3), device: device)
        let bpfo = try #require(report.defects?.bpfo)
        // 6305-2RS: 8 balls, d 10.32 mm, D 44 mm: BPFO = 4 × f × (1 − 0.2345) ≈ 3.06 × f.
        #expect(abs(bpfo / report.speed.hz - 3.062) < 0.01)
        let first = try #require(report.matchedLines.first { $0.harmonic == 1 })
        #expect(abs(first.frequency - bpfo) < 0.02 * bpfo)
        #expect(first.label == "BPFO")
    }

    @Test("Running speed is estimated from the spectrum when the alert has none, and a 50 Hz mains line is not taken for it")
    func speedEstimateAvoidsMains() throws {
        // P-101 runs at 2950 rpm (49.17 Hz), right beside 50 Hz mains; make mains five times stronger than usual.
        let alert = Demo.alert("P-101", .normal, seed: 5, reportRPM: false, mainsLevel: 5)
        #expect(alert.rpm == nil)
        let report = try Demo.analyzer.analyze(alert, device: Demo.device("P-101"))
        #expect(report.speed.source == .spectrum)
        #expect(abs(report.speed.rpm - 2950) < 10, "\(report.speed.rpm) rpm")
        #expect(report.fault == .normal, "strong mains lines must not look like a fault: \(report.reasons)")
    }

    @Test("Overall velocity and ISO zone follow the device's machine group and foundation")
    func isoZones() throws {
        let imbalance = try Demo.analyzer.analyze(Demo.alert("F-202", .imbalance, severity: 1.3, seed: 9), device: Demo.device("F-202"))
        #expect(imbalance.zone == "D", "\(imbalance.velocityRMS) mm/s")
        let healthy = try Demo.analyzer.analyze(Demo.alert("F-202", .normal, seed: 9), device: Demo.device("F-202"))
        #expect(healthy.zone == "A")
        #expect(healthy.velocityRMS > 0.3 && healthy.velocityRMS < 1.4)
        let table = try SeverityZones.load(Demo.root.appendingPathComponent("models/iso-10816-3.yaml"))
        #expect(table == .standard)
        #expect(table.zone(velocityRMS: 3.0, group: 1, foundation: "rigid") == "B")
        #expect(table.zone(velocityRMS: 3.0, group: 2, foundation: "rigid") == "C")
    }

    @Test("Results do not depend on concurrency: two threads analysing the same alert agree")
    func concurrentAnalysisAgrees() throws {
        let alert = Demo.alert("F-201", .innerRace, seed: 21)
        let device = Demo.device("F-201")
        let results = ResultsBox()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            if let report = try? Demo.analyzer.analyze(alert, device: device) {
                results.append("\(report.fault) \(report.velocityRMS) \(report.matchedLines.map(\.frequency))")
            }
        }
        #expect(results.values.count == 4)
        #expect(Set(results.values).count == 1, "\(results.values)")
    }

    @Test("The FFT puts a sine's energy in its bin and its RMS in the power spectrum")
    func fftOfSine() {
        let n = 12_800, fs = 12_800.0
        let samples = (0..<n).map { Float(2 * sin(2 * Double.pi * 100 * Double($0) / fs)) }
        let power = PowerSpectrum(FFT().forward(samples), count: n, sampleRate: fs)
        let line = power.line(near: 100, tolerance: 5)
        #expect(abs((line?.frequency ?? 0) - 100) < 0.01)
        #expect(abs((line?.rms ?? 0) - 2 / 2.squareRoot()) < 0.001)
    }
}

final class ResultsBox: @unchecked Sendable {
    // @unchecked: every access holds `lock`.
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ value: String) { lock.withLock { stored.append(value) } }
    var values: [String] { lock.withLock { stored } }
}
