import Foundation
import IntakeAlignment

/// The analysis of one alert: what is wrong, how sure, how severe, and the lines that say so.
public struct VibrationReport: Sendable {
    public let device: Device
    public let alert: AlertSummary
    public let fault: FaultClass
    public let confidence: Double
    public let reasons: [String]
    public let zone: String
    public let zoneLimits: SeverityZones.Limits
    /// Overall velocity RMS, mm/s, 10–1000 Hz.
    public let velocityRMS: Double
    public let speed: SpeedEstimate
    public let shaft: ShaftFeatures
    public let statistics: WaveformStatistics
    public let defects: BearingFrequencies?
    public let envelopeBand: ClosedRange<Double>?
    public let bearingScores: [DefectLineMatcher.Score]

    /// The envelope lines behind a bearing diagnosis.
    public var matchedLines: [DefectLineMatcher.Line] {
        bearingScores.first { $0.fault == fault }?.lines ?? []
    }
}

/// What is kept of the alert once analysed (not the samples).
public struct AlertSummary: Sendable {
    public let deviceID: String
    public let capturedAt: Date?
    public let sampleRate: Double
    public let samples: Int
    public let unit: VibrationAlert.Unit
    public let axis: String?
    public let location: String?

    init(_ alert: VibrationAlert) {
        deviceID = alert.deviceID
        capturedAt = alert.capturedAt
        sampleRate = alert.sampleRate
        samples = alert.samples.count
        unit = alert.unit
        axis = alert.axis
        location = alert.location
    }
}
