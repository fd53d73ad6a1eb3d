import Foundation
import IntakeAlignment

/// The defect frequencies of a rolling bearing at a shaft speed, from its geometry:
/// BPFO = N/2·f·(1 − d/D·cos φ), BPFI = N/2·f·(1 + d/D·cos φ),
/// BSF = D/(2d)·f·(1 − (d/D·cos φ)²), FTF = f/2·(1 − d/D·cos φ).
public struct BearingFrequencies: Sendable, Equatable {
    public let bpfo: Double
    public let bpfi: Double
    public let bsf: Double
    public let ftf: Double

    public init(bearing: Device.Bearing, shaftHz f: Double) {
        let ratio = bearing.ballDiameterMM / bearing.pitchDiameterMM * cos(bearing.contactAngleDegrees * .pi / 180)
        let n = Double(bearing.balls)
        bpfo = n / 2 * f * (1 - ratio)
        bpfi = n / 2 * f * (1 + ratio)
        bsf = bearing.pitchDiameterMM / (2 * bearing.ballDiameterMM) * f * (1 - ratio * ratio)
        ftf = f / 2 * (1 - ratio)
    }

    /// The frequency of a fault class's defect, or nil for shaft faults.
    public func frequency(of fault: FaultClass) -> Double? {
        switch fault {
        case .outerRace: bpfo
        case .innerRace: bpfi
        case .ball: bsf
        case .cage: ftf
        default: nil
        }
    }
}

/// The fault classes a diagnosis can name (`intent.diagnosis.fault`).
public enum FaultClass: String, Sendable, CaseIterable, Codable {
    case normal
    case innerRace = "inner_race"
    case outerRace = "outer_race"
    case ball, cage, imbalance, misalignment, looseness, unknown

    public static let bearingFaults: [FaultClass] = [.outerRace, .innerRace, .ball, .cage]
}
