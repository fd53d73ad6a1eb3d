import Foundation

/// Analysis features → fault class, confidence and the reasons, in the order an analyst checks:
/// bearing defect lines in the envelope first (they show long before overall levels rise), then
/// the shaft-order patterns of a machine whose overall level is above zone A.
public struct FaultClassifier: Sendable {
    /// Envelope score a bearing defect needs (about one clearly prominent harmonic).
    public var bearingScore = 1.0
    /// Looseness: this many of 3×–10× at ≥ 20% of 1×, or a half order at ≥ 20% of 1×.
    public var loosenessHarmonics = 3
    public var halfOrderRatio = 0.2
    /// Misalignment: 2× at least this fraction of 1×.
    public var misalignmentRatio = 0.5
    /// Imbalance: 1× holds at least this share of the overall energy.
    public var imbalanceShare = 0.5
    /// 1× velocity RMS (mm/s) above which shaft patterns count in zones A and B.
    public var patternMinimum = 1.0
    /// Share of the energy in shaft-order lines that makes a pattern count in zone B.
    public var orderShareInZoneB = 0.5
    /// A bearing diagnosis beats a shaft pattern only with this much more than `bearingScore`.
    public var marginOverShaft = 0.5

    public init() {}

    public struct Decision: Sendable {
        public let fault: FaultClass
        public let confidence: Double
        public let reasons: [String]
    }

    public func classify(
        zone: String, shaft: ShaftFeatures, bearingScores: [DefectLineMatcher.Score], statistics: WaveformStatistics,
        axis: String?
    ) -> Decision {
        let shaftDecision = shaftPattern(zone: zone, shaft: shaft, axis: axis)
        // A clear shaft pattern outweighs a marginal bearing line (shaft faults modulate too).
        if let best = bearingScores.first, best.score >= bearingScore,
           shaftDecision == nil || best.score >= bearingScore + marginOverShaft {
            let runnerUp = bearingScores.dropFirst().first?.score ?? 0
            var confidence = 0.55 + 0.15 * min(best.score, 2.5)
            if runnerUp > 0.7 * best.score { confidence -= 0.2 }
            if statistics.kurtosis > 4 || statistics.crestFactor > 5 { confidence += 0.05 }
            let lines = best.lines.map { "\($0.label) at \(String(format: "%.1f", $0.frequency)) Hz (\(String(format: "%.0f", $0.prominence))× background)" }
            return Decision(
                fault: best.fault, confidence: Self.round(min(confidence, 0.98)),
                reasons: ["envelope lines: " + lines.joined(separator: ", ")]
                    + (runnerUp > 0.7 * best.score ? ["\(bearingScores[1].fault.rawValue) scores close (\(Self.round(runnerUp)) vs \(Self.round(best.score)))"] : []))
        }
        if let shaftDecision { return shaftDecision }
        if zone == "C" || zone == "D" {
            return Decision(fault: .unknown, confidence: 0.5, reasons: ["zone \(zone) without a known fault pattern"])
        }
        return Decision(fault: .normal, confidence: zone == "A" ? 0.95 : 0.8,
                        reasons: ["zone \(zone); no bearing defect lines and no shaft fault pattern"])
    }

    /// Imbalance, misalignment or looseness, when the shaft-order lines show one.
    func shaftPattern(zone: String, shaft: ShaftFeatures, axis: String?) -> Decision? {
        let first = shaft.first
        // Shaft patterns matter once the machine runs rough: in zone C or D, with a 1× line well
        // above a healthy machine's (`patternMinimum`), or in zone B when the shaft-order lines
        // carry most of the vibration. Zone B alone is not enough: healthy machines there show
        // 2×–4× and half orders beside a small 1× (the MFPT baseline recordings: 1× 0.53 mm/s,
        // 2× at 76% of it, four harmonics above 20%, the lines a fifth of the energy), and ratios
        // of small lines are no diagnosis.
        let elevated = zone != "A"
        let rough = zone == "C" || zone == "D" || first >= patternMinimum || (zone == "B" && shaft.orderShare >= orderShareInZoneB)
        if rough && first > 0 {
            let harmonics = shaft.strongHarmonics(fraction: 0.2)
            if harmonics >= loosenessHarmonics || shaft.halfOrderRatio >= halfOrderRatio {
                return Decision(fault: .looseness, confidence: Self.round(min(0.95, 0.6 + 0.08 * Double(harmonics) + shaft.halfOrderRatio)),
                                reasons: ["\(harmonics) harmonics of 3×–10× above 20% of 1×; half orders at \(Self.percent(shaft.halfOrderRatio)) of 1×; shaft orders hold \(Self.percent(shaft.orderShare)) of the vibration energy"])
            }
            let ratio = shaft.second / first
            if ratio >= misalignmentRatio {
                let axial = axis.map { ["axial", "a", "z"].contains($0.lowercased()) } ?? false
                return Decision(fault: .misalignment, confidence: Self.round(min(0.95, 0.65 + 0.15 * min(ratio, 2) + (axial ? 0.05 : 0))),
                                reasons: ["2× at \(Self.percent(ratio)) of 1×\(axial ? ", measured axially" : "")"])
            }
            if elevated && shaft.firstShare >= imbalanceShare {
                return Decision(fault: .imbalance, confidence: Self.round(min(0.95, 0.55 + 0.4 * shaft.firstShare)),
                                reasons: ["1× holds \(Self.percent(shaft.firstShare)) of the vibration energy; 2× at \(Self.percent(ratio)) of 1×"])
            }
        }
        return nil
    }

    static func round(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
    static func percent(_ value: Double) -> String { String(format: "%.0f%%", value * 100) }
}
