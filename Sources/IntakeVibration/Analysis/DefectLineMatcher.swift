import Foundation

/// Scores each bearing defect frequency against an envelope spectrum: how many of its
/// harmonics stand out of the local background (allowing for slip), plus the shaft-rate
/// sidebands an inner-race defect carries. Lines on mains frequencies are not counted.
public struct DefectLineMatcher: Sendable {
    /// A line must stand this many times above the local median power to count.
    public var prominence = 5.0
    /// Allowed slip: rolling elements skid, so lines sit up to this fraction off their nominal place.
    public var slip = 0.015

    /// One matched line: the evidence of a defect.
    public struct Line: Sendable {
        public let fault: FaultClass
        public let harmonic: Double
        public let expectedHz: Double
        public let frequency: Double
        public let amplitude: Double
        public let prominence: Double
        public let label: String
    }

    public struct Score: Sendable {
        public let fault: FaultClass
        public let score: Double
        public let lines: [Line]
    }

    public init() {}

    func score(_ envelope: PowerSpectrum, defects: BearingFrequencies, shaftHz: Double) -> [Score] {
        FaultClass.bearingFaults.compactMap { fault in
            guard let base = defects.frequency(of: fault) else { return nil }
            // Ball defects strike both races once per ball revolution: 2×BSF leads.
            let harmonics: [(Double, Double)] = fault == .ball
                ? [(1, 0.5), (2, 1.0), (4, 0.6)]
                : [(1, 1.0), (2, 0.7), (3, 0.5)]
            var lines: [Line] = []
            var score = 0.0
            for (h, weight) in harmonics {
                guard let line = match(envelope, at: h * base, fault: fault, harmonic: h, shaftHz: shaftHz) else { continue }
                lines.append(line)
                score += weight * min(log10(line.prominence / prominence) + 1, 2.5)
            }
            if fault == .innerRace, lines.contains(where: { $0.harmonic == 1 }) {
                for side in [-1.0, 1.0] {
                    if let line = match(envelope, at: base + side * shaftHz, fault: fault, harmonic: 1, shaftHz: shaftHz, sideband: side) {
                        lines.append(line)
                        score += 0.3
                    }
                }
            }
            return Score(fault: fault, score: score, lines: lines)
        }
        .sorted { $0.score > $1.score }
    }

    private func match(
        _ envelope: PowerSpectrum, at expected: Double, fault: FaultClass, harmonic: Double, shaftHz: Double, sideband: Double = 0
    ) -> Line? {
        let tolerance = max(2.5 * envelope.resolution, slip * expected)
        guard expected + tolerance < envelope.frequency(envelope.power.count - 1) else { return nil }
        guard let line = envelope.line(near: expected, tolerance: tolerance, excluding: { Mains.isMainsLine($0) }) else { return nil }
        let span = max(8.0, 0.15 * expected)
        let background = envelope.medianPower(from: expected - span, to: expected + span) * 5  // the line's 5 bins
        guard background > 0 else { return nil }
        let prominence = line.rms * line.rms / background
        guard prominence >= self.prominence else { return nil }
        // A line that is also a whole order of running speed may be the shaft, not the bearing.
        let order = line.frequency / shaftHz
        let isShaftOrder = abs(order - order.rounded()) * shaftHz < max(2 * envelope.resolution, 0.003 * line.frequency)
        let effective = isShaftOrder && sideband == 0 ? prominence / 4 : prominence
        guard effective >= self.prominence else { return nil }
        let name = fault == .innerRace ? "BPFI" : fault == .outerRace ? "BPFO" : fault == .ball ? "BSF" : "FTF"
        let label = sideband == 0
            ? (harmonic == 1 ? name : "\(Int(harmonic))×\(name)")
            : "\(name) \(sideband < 0 ? "−" : "+") 1× sideband"
        return Line(fault: fault, harmonic: harmonic, expectedHz: expected, frequency: line.frequency, amplitude: line.rms,
                    prominence: effective, label: label)
    }
}
