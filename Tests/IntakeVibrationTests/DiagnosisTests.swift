import Foundation
import Testing
import IntakeCore
@testable import IntakeVibration
import IntakeSignal

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

    @Test("In zone B, shaft harmonics beside a small 1× are normal; the same pattern holding most of the energy is looseness")
    func zoneBShaftPatternsNeedTheEnergy() throws {
        let device = Demo.device("P-102")  // a group 2 pump on a rigid foundation: zone B is 1.4–2.8 mm/s
        let f = 2950.0 / 60
        // Like the MFPT test rig's healthy recordings: 1× 0.53 mm/s, 2× at 76% of it, 3×–6× and
        // a half order above 20% of 1×, and lines off the shaft orders (vane pass, structure)
        // carrying most of the energy.
        let healthy = try Demo.analyzer.analyze(Self.machine(lines: [
            (f, 0.53), (2 * f, 0.40), (3 * f, 0.17), (4 * f, 0.12), (5 * f, 0.12), (6 * f, 0.11), (0.5 * f, 0.22),
            (137.3, 0.8), (233.9, 0.7), (311.4, 0.6), (417.7, 0.5),
        ]), device: device)
        #expect(healthy.zone == "B", "\(healthy.velocityRMS) mm/s")
        #expect(healthy.fault == .normal, "\(healthy.fault): \(healthy.reasons)")
        // 1× still under 1 mm/s, but harmonics and half orders are most of the vibration.
        let loose = try Demo.analyzer.analyze(Self.machine(lines: [
            (f, 0.95), (2 * f, 0.7), (3 * f, 0.45), (4 * f, 0.4), (5 * f, 0.35), (6 * f, 0.3), (7 * f, 0.25),
            (0.5 * f, 0.3), (1.5 * f, 0.25), (137.3, 0.4),
        ]), device: device)
        #expect(loose.zone == "B", "\(loose.velocityRMS) mm/s")
        #expect(loose.fault == .looseness, "\(loose.fault): \(loose.reasons)")
    }

    /// 4 s of a P-102 pump at 2950 rpm: sines at the given frequencies with the given velocity
    /// RMS (mm/s), plus a little sensor noise.
    static func machine(lines: [(hz: Double, mmPerSecond: Double)], seed: UInt64 = 7) -> VibrationAlert {
        let fs = 12_800.0
        var random = SeededRandom(seed: seed)
        let phases = lines.map { _ in 2 * Double.pi * random.uniform() }
        let samples = (0..<Int(4 * fs)).map { i -> Float in
            let t = Double(i) / fs
            var g = 0.01 * random.gaussian()
            for (line, phase) in zip(lines, phases) {
                // Velocity RMS → acceleration peak in g at that frequency.
                g += line.mmPerSecond * 2.squareRoot() / 1_000 * 2 * .pi * line.hz / 9.80665 * sin(2 * .pi * line.hz * t + phase)
            }
            return Float(g)
        }
        return VibrationAlert(deviceID: "P-102", sampleRate: fs, rpm: 2950, unit: .g, axis: "radial", samples: samples)
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
