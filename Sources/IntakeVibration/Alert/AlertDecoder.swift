import Foundation
import IntakeCore

/// Alert JSON → `VibrationAlert`, with reasons a sender can act on.
///
/// Fields: `device_id`, `sample_rate_hz`, optional `captured_at` (ISO 8601), `rpm`, `unit`
/// (`g`, `m/s2`, `mm/s`; default `g`), `axis`, `location`, and the samples as a number array
/// (`samples`) or base64 little-endian float32 (`samples_b64`, fast: no number parsing).
public enum AlertDecoder {
    public static func decode(_ data: Data) throws -> VibrationAlert {
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw VibrationError.malformedAlert("the alert must be a JSON object")
            }
            object = parsed
        } catch let error as VibrationError {
            throw error
        } catch {
            throw VibrationError.malformedAlert("not valid JSON: \(error.localizedDescription)")
        }
        let known: Set<String> = [
            "device_id", "captured_at", "sample_rate_hz", "rpm", "unit", "axis", "location", "samples", "samples_b64",
        ]
        if let unknown = object.keys.filter({ !known.contains($0) }).sorted().first {
            throw VibrationError.malformedAlert("unknown field \(unknown); known fields: \(known.sorted().joined(separator: ", "))")
        }
        guard let deviceID = object["device_id"] as? String, !deviceID.isEmpty else {
            throw VibrationError.malformedAlert("device_id is required and must be a string")
        }
        guard let sampleRate = number(object["sample_rate_hz"]), sampleRate > 0, sampleRate.isFinite else {
            throw VibrationError.malformedAlert("sample_rate_hz is required and must be a positive number")
        }
        var rpm: Double?
        if let value = object["rpm"], !(value is NSNull) {
            guard let parsed = number(value), parsed > 0, parsed.isFinite else {
                throw VibrationError.malformedAlert("rpm must be a positive number")
            }
            rpm = parsed
        }
        var unit = VibrationAlert.Unit.g
        if let value = object["unit"] {
            guard let text = value as? String, let parsed = VibrationAlert.Unit(rawValue: text) else {
                throw VibrationError.malformedAlert("unit must be one of \(VibrationAlert.Unit.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            unit = parsed
        }
        var capturedAt: Date?
        if let value = object["captured_at"] {
            guard let text = value as? String, let date = try? Date(text, strategy: .iso8601) else {
                throw VibrationError.malformedAlert("captured_at must be an ISO 8601 time such as 2026-11-21T09:15:00Z")
            }
            capturedAt = date
        }
        let samples: [Float]
        switch (object["samples"], object["samples_b64"]) {
        case (nil, let encoded?):
            guard let text = encoded as? String, let bytes = Data(base64Encoded: text) else {
                throw VibrationError.malformedAlert("samples_b64 must be base64 text")
            }
            guard bytes.count % 4 == 0 else {
                throw VibrationError.malformedAlert("samples_b64 holds \(bytes.count) bytes, not a whole number of float32 samples (truncated?)")
            }
            samples = bytes.withUnsafeBytes { raw in
                (0..<(bytes.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
            }
        case (let array?, nil):
            guard let numbers = array as? [Any] else { throw VibrationError.malformedAlert("samples must be an array of numbers") }
            samples = try numbers.enumerated().map { index, value in
                guard let number = number(value) else { throw VibrationError.malformedAlert("samples[\(index)] is not a number") }
                return Float(number)
            }
        case (nil, nil):
            throw VibrationError.malformedAlert("the alert has no samples; send samples (numbers) or samples_b64 (base64 float32)")
        default:
            throw VibrationError.malformedAlert("send samples or samples_b64, not both")
        }
        return VibrationAlert(
            deviceID: deviceID, capturedAt: capturedAt, sampleRate: sampleRate, rpm: rpm, unit: unit,
            axis: object["axis"] as? String, location: object["location"] as? String, samples: samples)
    }

    private static func number(_ value: Any?) -> Double? {
        (value as? NSNumber)?.doubleValue
    }
}

/// Recognises vibration alert JSON: an object with `device_id` and samples.
public struct AlertSniffer: ContentSniffer {
    public init() {}

    public func accepts(_ bytes: Data) -> Bool {
        guard let first = bytes.first(where: { !$0.isWhitespace }), first == UInt8(ascii: "{") else { return false }
        let head = bytes.prefix(4096)
        return head.range(of: Data("\"device_id\"".utf8)) != nil
            && (bytes.range(of: Data("\"samples\"".utf8)) != nil || bytes.range(of: Data("\"samples_b64\"".utf8)) != nil)
    }
}

private extension UInt8 {
    var isWhitespace: Bool { self == 0x20 || self == 0x0A || self == 0x0D || self == 0x09 }
}
