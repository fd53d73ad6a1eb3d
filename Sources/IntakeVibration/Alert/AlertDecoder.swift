import Foundation
import IntakeCore

/// Alert JSON → `VibrationAlert`, with reasons a sender can act on.
///
/// Fields: `device_id`, `sample_rate_hz`, optional `captured_at` (ISO 8601), `rpm`, `unit`
/// (`g`, `m/s2`, `mm/s`; default `g`), `axis`, `location`, and the samples as a number array
/// (`samples`) or base64 little-endian float32 (`samples_b64`, fast: no number parsing).
public enum AlertDecoder {
    /// `file`: where the JSON was read from, so a sidecar without samples finds its waveform
    /// file beside it (`<name>.wav` or `<name>.csv`).
    public static func decode(_ data: Data, file: URL? = nil) throws -> VibrationAlert {
        // Fast path: lift the (large) base64 string out before parsing the small rest, so the
        // JSON parser never copies megabytes of text.
        var data = data
        var lifted: Data?
        if let (range, value) = liftBase64(from: data) {
            lifted = value
            var rest = Data(capacity: data.count - range.count + 2)
            rest.append(data[data.startIndex..<range.lowerBound])
            rest.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: "\"")])
            rest.append(data[range.upperBound...])
            data = rest
        }
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
            let text: Data
            if let lifted { text = lifted } else if let string = encoded as? String { text = Data(string.utf8) } else {
                throw VibrationError.malformedAlert("samples_b64 must be base64 text")
            }
            guard let bytes = Base64.decode(text) else {
                throw VibrationError.malformedAlert("samples_b64 is not valid base64 (\(text.count) characters; truncated?)")
            }
            guard bytes.count % 4 == 0 else {
                throw VibrationError.malformedAlert("samples_b64 holds \(bytes.count) bytes, not a whole number of float32 samples (truncated?)")
            }
            samples = Self.floats(littleEndian: bytes)
        case (let array?, nil):
            guard let numbers = array as? [Any] else { throw VibrationError.malformedAlert("samples must be an array of numbers") }
            samples = try numbers.enumerated().map { index, value in
                guard let number = number(value) else { throw VibrationError.malformedAlert("samples[\(index)] is not a number") }
                return Float(number)
            }
        case (nil, nil):
            let stem = file?.deletingPathExtension()
            guard let waveform = ["wav", "csv"].compactMap({ stem?.appendingPathExtension($0) })
                .first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
                throw VibrationError.malformedAlert(
                    "the alert has no samples; send samples (numbers) or samples_b64 (base64 float32), or put \(stem?.lastPathComponent ?? "<name>").wav or .csv beside this sidecar")
            }
            let read = try WaveformFile.read(waveform)
            if let rate = read.sampleRate, abs(rate - sampleRate) > 0.5 {
                throw VibrationError.malformedAlert("\(waveform.lastPathComponent) is sampled at \(Int(rate)) Hz but the sidecar says \(sampleRate) Hz")
            }
            samples = read.samples
        default:
            throw VibrationError.malformedAlert("send samples or samples_b64, not both")
        }
        return VibrationAlert(
            deviceID: deviceID, capturedAt: capturedAt, sampleRate: sampleRate, rpm: rpm, unit: unit,
            axis: object["axis"] as? String, location: object["location"] as? String, samples: samples)
    }

    /// The value of `"samples_b64": "…"` (and the range of its quoted string), found without
    /// parsing: base64 text has no quotes or escapes, so the closing quote ends it. Scans raw
    /// bytes (`memchr`), as indexing `Data` byte by byte costs milliseconds per megabyte.
    static func liftBase64(from data: Data) -> (Range<Data.Index>, Data)? {
        let key = "\"samples_b64\""
        return data.withUnsafeBytes { raw -> (Range<Data.Index>, Data)? in
            guard let base = raw.baseAddress else { return nil }
            let bytes = raw.bindMemory(to: UInt8.self)
            guard let keyStart = AlertSniffer.offset(of: key, in: raw) else { return nil }
            var index = keyStart + key.utf8.count
            func skipSpace() { while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 } }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            let start = index + 1
            guard start <= bytes.count,
                  let close = memchr(base + start, Int32(UInt8(ascii: "\"")), bytes.count - start) else { return nil }
            var end = base.distance(to: UnsafeRawPointer(close))
            var text = Data(bytes: base + start, count: end - start)
            if memchr(base + start, Int32(UInt8(ascii: "\\")), end - start) != nil {
                // Some encoders write "/" as "\/"; that is the only escape base64 text can need.
                var unescaped = [UInt8]()
                unescaped.reserveCapacity(end - start)
                var i = start
                while i < bytes.count {
                    let byte = bytes[i]
                    if byte == UInt8(ascii: "\"") { break }
                    if byte == UInt8(ascii: "\\") {
                        guard i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "/") else { return nil }
                        i += 1
                    }
                    unescaped.append(bytes[i])
                    i += 1
                }
                guard i < bytes.count else { return nil }
                end = i
                text = Data(unescaped)
            }
            let lower = data.startIndex + index, upper = data.startIndex + end + 1
            return (lower..<upper, text)
        }
    }

    /// Little-endian float32 bytes → samples, copied in one go on little-endian hosts.
    static func floats(littleEndian bytes: Data) -> [Float] {
        let count = bytes.count / 4
        var samples = [Float](repeating: 0, count: count)
        samples.withUnsafeMutableBytes { destination in
            bytes.withUnsafeBytes { source in destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[0..<(count * 4)])) }
        }
        #if _endian(big)
        for i in samples.indices { samples[i] = Float(bitPattern: UInt32(littleEndian: samples[i].bitPattern)) }
        #endif
        return samples
    }

    private static func number(_ value: Any?) -> Double? {
        (value as? NSNumber)?.doubleValue
    }
}

/// Recognises vibration alert JSON (or a waveform file's sidecar): an object with `device_id`
/// and `sample_rate_hz`.
public struct AlertSniffer: ContentSniffer {
    public init() {}

    public func accepts(_ bytes: Data) -> Bool {
        guard let first = bytes.prefix(64).first(where: { !$0.isWhitespace }), first == UInt8(ascii: "{") else { return false }
        return bytes.withUnsafeBytes { raw in
            Self.contains(raw, "\"device_id\"") && Self.contains(raw, "\"sample_rate_hz\"")
        }
    }

    static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: String) -> Bool {
        offset(of: needle, in: haystack) != nil
    }

    /// Where `needle` first starts, found with memchr on its first byte and memcmp: alerts are
    /// megabytes, and `Data.range(of:)` walks them byte by byte.
    static func offset(of needle: String, in haystack: UnsafeRawBufferPointer) -> Int? {
        guard let base = haystack.baseAddress else { return nil }
        let key = Array(needle.utf8)
        var position = 0
        while position + key.count <= haystack.count,
              let hit = memchr(base + position, Int32(key[0]), haystack.count - position - key.count + 1) {
            let offset = base.distance(to: UnsafeRawPointer(hit))
            if memcmp(base + offset, key, key.count) == 0 { return offset }
            position = offset + 1
        }
        return nil
    }
}

private extension UInt8 {
    var isWhitespace: Bool { self == 0x20 || self == 0x0A || self == 0x0D || self == 0x09 }
}
