import Foundation
import HTTPTypes
import Hummingbird
import IntakeReview

/// A vibration alert posted as raw little-endian float32 samples with its fields in headers
/// (`Alert-Device-Id`, `Alert-Sample-Rate-Hz`, optional `Alert-Captured-At`, `Alert-Rpm`,
/// `Alert-Unit`, `Alert-Axis`, `Alert-Location`): the body is spooled as it came, behind its
/// fields as a JSON object and one NUL byte, the binary alert form the vibration decoder reads.
/// Spooling the base64 JSON alert instead cost a quarter more bytes written and hashed, an
/// encoding on the way in and a decoding on the way out.
enum BinaryAlert {
    /// The media type the spooled form is kept under (the review page's "input").
    static let spooledType = "application/vnd.intake.alert+f32"

    /// What goes before the body.
    static func header(headers: HTTPFields, token: APIToken) throws -> Data {
        func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { headers[$0] } }
        guard let device = header("Alert-Device-Id"), !device.isEmpty else {
            throw APIError.badRequest("a binary alert needs the header Alert-Device-Id")
        }
        guard let rateText = header("Alert-Sample-Rate-Hz"), let rate = Double(rateText), rate > 0, rate.isFinite else {
            throw APIError.badRequest("a binary alert needs the header Alert-Sample-Rate-Hz (a positive number)")
        }
        if token.role == .device, token.subject != device {
            throw APIError.forbidden("this device token submits for \(token.subject ?? "?"), not device \(device)")
        }
        var fields: [String: JSONValue] = ["device_id": .string(device), "sample_rate_hz": .number(rate)]
        if let captured = header("Alert-Captured-At") { fields["captured_at"] = .string(captured) }
        if let rpmText = header("Alert-Rpm") {
            guard let rpm = Double(rpmText), rpm > 0, rpm.isFinite else { throw APIError.badRequest("Alert-Rpm must be a positive number") }
            fields["rpm"] = .number(rpm)
        }
        for (name, key) in [("Alert-Unit", "unit"), ("Alert-Axis", "axis"), ("Alert-Location", "location")] {
            if let value = header(name) { fields[key] = .string(value) }
        }
        // `{…fields…}` NUL float32…, the separator the vibration decoder's `binarySeparator`.
        // Written by `JSONValue` (sorted keys): `JSONSerialization` took 1% of a busy server's CPU
        // for these few fields.
        var header = Data(JSONValue.object(fields).description.utf8)
        header.append(0)
        return header
    }
}
