import IntakeCore

/// Why an alert cannot be analysed, with what the sender should do.
public enum VibrationError: IntakeError, Equatable {
    case malformedAlert(String)
    case unknownDevice(String)
    /// A registered device (the sender) sent an alert naming another device.
    case sentByAnotherDevice(sender: String, device: String)
    case tooShort(seconds: Double, revolutions: Double?)
    case notFinite(index: Int)
    /// A sample beyond any vibration sensor's range (a unit or scaling fault), in the alert's unit.
    case outOfRange(peak: Double, limit: Double)
    case deadSensor
    case clipped(fraction: Double)
    case sampleRateTooLow(rate: Double, needed: Double, reason: String)

    public var code: String {
        switch self {
        case .malformedAlert: "malformed_alert"
        case .unknownDevice: "unknown_device"
        case .sentByAnotherDevice: "device_mismatch"
        case .tooShort: "waveform_too_short"
        case .notFinite: "waveform_not_finite"
        case .outOfRange: "waveform_out_of_range"
        case .deadSensor: "dead_sensor"
        case .clipped: "waveform_clipped"
        case .sampleRateTooLow: "sample_rate_too_low"
        }
    }

    public var description: String {
        switch self {
        case let .malformedAlert(reason): "malformed alert: \(reason)"
        case let .unknownDevice(id): "unknown device \(id); add it to the device registry (devices.csv) or fix the box's device_id"
        case let .sentByAnotherDevice(sender, device):
            "the alert names device \(device) but was sent by device \(sender), which reports for itself only; send it with \(device)'s token, or fix the box's device_id"
        case let .tooShort(seconds, revolutions):
            "the waveform is \(String(format: "%.2f", seconds)) s\(revolutions.map { String(format: " (%.1f shaft revolutions)", $0) } ?? ""); send at least 1 s and 10 revolutions"
        case let .notFinite(index): "sample \(index) is NaN or infinite; check the sensor and the encoder"
        case let .outOfRange(peak, limit):
            String(format: "a sample reaches %.3g, beyond any vibration sensor's range (±%.0f in the alert's unit); check the unit and the scaling", peak, limit)
        case .deadSensor: "the waveform is constant (a dead sensor, a loose cable or DC only); check the sensor"
        case let .clipped(fraction):
            String(format: "%.1f%% of samples sit at full scale (clipping); lower the sensor range gain", fraction * 100)
        case let .sampleRateTooLow(rate, needed, reason):
            String(format: "a sample rate of %.0f Hz is too low: %@ needs at least %.0f Hz", rate, reason, needed)
        }
    }
}
