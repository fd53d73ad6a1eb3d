import Foundation

/// What an edge box posts when it sees something odd: which machine, when, and a waveform.
public struct VibrationAlert: Sendable {
    /// The quantity the samples measure.
    public enum Unit: String, Sendable, CaseIterable {
        /// Acceleration in standard gravities.
        case g
        /// Acceleration in m/s².
        case metresPerSecondSquared = "m/s2"
        /// Velocity in mm/s.
        case millimetresPerSecond = "mm/s"

        /// Factor to SI (m/s² for acceleration, mm/s for velocity).
        var toSI: Float {
            switch self {
            case .g: 9.80665
            case .metresPerSecondSquared, .millimetresPerSecond: 1
            }
        }

        var isVelocity: Bool { self == .millimetresPerSecond }
    }

    public var deviceID: String
    public var capturedAt: Date?
    public var sampleRate: Double
    /// Running speed reported by the box; nil: estimated from the spectrum.
    public var rpm: Double?
    public var unit: Unit
    /// `x`, `y`, `z`, `axial`, `radial`, `horizontal`, `vertical`, …
    public var axis: String?
    public var location: String?
    public var samples: [Float]

    public init(
        deviceID: String, capturedAt: Date? = nil, sampleRate: Double, rpm: Double? = nil, unit: Unit = .g,
        axis: String? = nil, location: String? = nil, samples: [Float]
    ) {
        self.deviceID = deviceID
        self.capturedAt = capturedAt
        self.sampleRate = sampleRate
        self.rpm = rpm
        self.unit = unit
        self.axis = axis
        self.location = location
        self.samples = samples
    }

    public var duration: Double { Double(samples.count) / sampleRate }

    /// The fastest shaft an alert may report (ultracentrifuges and dental drills stay below it);
    /// faster speeds overflowed the defect-frequency arithmetic and crashed the analysis.
    public static let maximumRPM = 1_000_000.0
    /// The largest sample magnitude in any unit: 10^6 g, m/s² or mm/s is beyond every sensor,
    /// and far larger samples overflow the spectrum's `Float` sums into NaN.
    public static let largestSample: Float = 1_000_000

    /// The alert as JSON with the samples as base64 little-endian float32 (`samples_b64`), the
    /// compact form edge boxes should post.
    public func jsonData(base64: Bool = true) throws -> Data {
        var object: [String: Any] = [
            "device_id": deviceID, "sample_rate_hz": sampleRate, "unit": unit.rawValue,
        ]
        if let capturedAt { object["captured_at"] = capturedAt.formatted(.iso8601) }
        if let rpm { object["rpm"] = rpm }
        if let axis { object["axis"] = axis }
        if let location { object["location"] = location }
        guard base64 else {
            object["samples"] = samples.map(Double.init)
            return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        }
        // The base64 text goes in after the other fields, not through JSONSerialization: it needs
        // no escaping, and serializing a 2 MB string took tens of milliseconds per alert.
        var json = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        json.removeLast()  // the closing brace
        json.append(contentsOf: #","samples_b64":""#.utf8)
        json.append(samples.withUnsafeBufferPointer { Data(buffer: $0) }.base64EncodedData())
        json.append(contentsOf: #""}"#.utf8)
        return json
    }
}
