import Foundation
import IntakeAlignment
import IntakeCore

/// Generates vibration alerts of healthy and faulty machines, for tests, samples and the
/// accuracy benchmark.
///
/// The waveform (acceleration in g) is the sum of: shaft-order lines (their levels set by the
/// fault: 1× for imbalance, 2× for misalignment, many harmonics and half orders for looseness);
/// for bearing defects, an impulse train at the defect frequency with random slip, each impulse
/// ringing a structural resonance, amplitude-modulated by the load zone at shaft rate (inner
/// race) or at cage rate (ball); mains lines at 1× and 2× line frequency; white noise.
public struct FaultSimulator: Sendable {
    public struct Scenario: Sendable {
        public var device: Device
        public var fault: FaultClass
        /// 0 (barely there) … 1 (severe).
        public var severity: Double
        public var rpm: Double
        public var sampleRate: Double
        public var duration: Double
        /// White-noise RMS in g.
        public var noise: Double
        /// 50 or 60.
        public var mainsHz: Double
        /// Multiplies the mains lines (1 = typical pickup).
        public var mainsLevel: Double = 1
        public var resonanceHz: Double
        public var seed: UInt64
        /// Whether the alert carries the rpm (else intake estimates it).
        public var reportRPM: Bool

        public init(
            device: Device, fault: FaultClass, severity: Double = 0.6, rpm: Double? = nil, sampleRate: Double = 25_600,
            duration: Double = 15, noise: Double = 0.02, mainsHz: Double = 50, resonanceHz: Double = 3_200, seed: UInt64 = 1,
            reportRPM: Bool = true
        ) {
            self.device = device
            self.fault = fault
            self.severity = severity
            self.rpm = rpm ?? device.nominalRPM ?? 1_500
            self.sampleRate = sampleRate
            self.duration = duration
            self.noise = noise
            self.mainsHz = mainsHz
            self.resonanceHz = resonanceHz
            self.seed = seed
            self.reportRPM = reportRPM
        }
    }

    public init() {}

    public func alert(_ scenario: Scenario) -> VibrationAlert {
        var random = SeededRandom(seed: scenario.seed)
        let fs = scenario.sampleRate
        let n = Int(scenario.duration * fs)
        let fr = scenario.rpm / 60
        var x = [Double](repeating: 0, count: n)

        // Shaft orders, as velocity RMS in mm/s.
        let s = scenario.severity
        var orders: [(order: Double, mmPerSecond: Double)] = [(1, 0.45 + 0.2 * random.uniform()), (2, 0.12), (3, 0.05)]
        switch scenario.fault {
        case .imbalance:
            orders = [(1, 3.0 + 4 * s), (2, 0.2 + 0.3 * random.uniform()), (3, 0.08)]
        case .misalignment:
            let first = 1.2 + 1.5 * s
            orders = [(1, first), (2, first * (0.8 + 0.7 * random.uniform())), (3, first * 0.3), (4, first * 0.1)]
        case .looseness:
            let first = 1.2 + 1.5 * s
            orders = [(1, first), (0.5, first * 0.3), (1.5, first * 0.25), (2.5, first * 0.2)]
            for harmonic in 2...9 {
                let share: Double = (0.55 - 0.04 * Double(harmonic)) * (0.8 + 0.4 * random.uniform())
                orders.append((Double(harmonic), first * share))
            }
        default:
            break
        }
        for (order, velocity) in orders {
            let f = order * fr
            let metresPerSecond: Double = velocity * 2.squareRoot() / 1_000
            let amplitude: Double = metresPerSecond * 2 * .pi * f / 9.80665  // g peak
            let phase = 2 * .pi * random.uniform()
            let w = 2 * .pi * f / fs
            for i in 0..<n { x[i] += amplitude * sin(w * Double(i) + phase) }
        }

        // Mains: 1× and 2× line frequency.
        for (harmonic, level) in [(1.0, 0.012), (2.0, 0.02)] {
            let amplitude = level * scenario.mainsLevel
            let w = 2 * .pi * harmonic * scenario.mainsHz / fs
            let phase = 2 * .pi * random.uniform()
            for i in 0..<n { x[i] += amplitude * sin(w * Double(i) + phase) }
        }

        // Bearing defect impulses ringing the resonance.
        if FaultClass.bearingFaults.contains(scenario.fault), let bearing = scenario.device.bearing {
            let defects = BearingFrequencies(bearing: bearing, shaftHz: fr)
            let rate = scenario.fault == .ball ? 2 * defects.bsf : defects.frequency(of: scenario.fault)!
            let strike = (0.15 + 0.6 * s) * (scenario.fault == .cage ? 1.6 : 1)
            let resonance = min(scenario.resonanceHz, 0.35 * fs)
            let damping = 0.04
            let decay = damping * 2 * .pi * resonance
            let kernel = (0..<Int(6 / decay * fs)).map { i -> Double in
                let t = Double(i) / fs
                return exp(-decay * t) * sin(2 * .pi * resonance * t)
            }
            var t = random.uniform() / rate
            let loadPhase = 2 * .pi * random.uniform()
            while t < scenario.duration {
                var gain = 1.0
                switch scenario.fault {
                case .innerRace: gain = 0.55 + 0.45 * cos(2 * .pi * fr * t + loadPhase)
                case .ball: gain = 0.6 + 0.4 * cos(2 * .pi * defects.ftf * t + loadPhase)
                default: break
                }
                let start = Int(t * fs)
                let a = strike * gain * (0.8 + 0.4 * random.uniform())
                for (j, value) in kernel.enumerated() where start + j < n { x[start + j] += a * value }
                t += (1 / rate) * (1 + 0.01 * random.gaussian())  // slip
            }
        }

        for i in 0..<n { x[i] += scenario.noise * random.gaussian() }
        let axis = scenario.fault == .misalignment ? "axial" : "radial"
        return VibrationAlert(
            deviceID: scenario.device.id, capturedAt: Date(timeIntervalSince1970: 1_795_161_600), sampleRate: fs,  // 2026-11-20T08:00:00Z
            rpm: scenario.reportRPM ? scenario.rpm : nil, unit: .g, axis: axis, location: "drive end",
            samples: x.map(Float.init))
    }
}
