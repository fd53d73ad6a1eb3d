import Foundation
import IntakeCore

/// Alert JSON → `VibrationAlert`, with reasons a sender can act on.
///
/// Fields: `device_id`, `sample_rate_hz`, optional `captured_at` (ISO 8601), `rpm`, `unit`
/// (`g`, `m/s2`, `mm/s`; default `g`), `axis`, `location`, and the samples as a number array
/// (`samples`) or base64 little-endian float32 (`samples_b64`, fast: no number parsing).
///
/// The binary form: the JSON object without samples, one NUL byte (never in JSON text), then
/// the samples as raw little-endian float32. It is what the server spools for an alert posted
/// as a float32 body: nothing to encode on the way in or decode on the way out.
public enum AlertDecoder {
    /// Ends the fields of the binary form; the samples follow.
    public static let binarySeparator: UInt8 = 0
    /// `file`: where the JSON was read from, so a sidecar without samples finds its waveform
    /// (`<name>.wav` or `<name>.csv`) among the input's `companions`, else beside it on disk.
    public static func decode(_ data: Data, file: URL? = nil, companions: [CompanionFile] = []) throws -> VibrationAlert {
        let waveform = { try waveformFile(beside: file, among: companions) }
        if let separator = binarySeparatorOffset(in: data) {
            let fields = data[data.startIndex..<(data.startIndex + separator)]
            let samples = data[(data.startIndex + separator + 1)...]
            return try decodeFields(fields, waveform: waveform, binarySamples: samples) { _ in [] }
        }
        // Fast path: find the (large) base64 string without parsing and leave it out of the
        // small rest, so the JSON parser never copies megabytes of text.
        if let lifted = liftBase64(from: data) {
            var rest = Data(capacity: data.count - lifted.value.count + 2)
            rest.append(data[data.startIndex..<lifted.value.lowerBound])
            rest.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: "\"")])
            rest.append(data[lifted.value.upperBound...])
            return try decodeFields(rest, waveform: waveform) { _ in try Self.floats(base64: data, content: lifted.content) }
        }
        return try decodeFields(data, waveform: waveform) { encoded in
            guard let string = encoded as? String else { throw VibrationError.malformedAlert("samples_b64 must be base64 text") }
            let text = Data(string.utf8)
            return try Self.floats(base64: text, content: text.startIndex..<text.endIndex)
        }
    }

    /// Where the binary form's separator is (memchr: the samples follow it), or nil for JSON.
    static func binarySeparatorOffset(in data: Data) -> Int? {
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, let hit = memchr(base, Int32(binarySeparator), raw.count) else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
    }

    /// The waveform file of a sidecar at `file`: `<name>.wav`, else `<name>.csv`, taken from
    /// `companions` when there, else from the disk.
    static func waveformFile(beside file: URL?, among companions: [CompanionFile]) throws -> CompanionFile {
        let stem = file?.deletingPathExtension()
        let names = ["wav", "csv"].compactMap { stem?.appendingPathExtension($0) }
        if let kept = names.lazy.compactMap({ name in companions.first { $0.name == name.lastPathComponent } }).first { return kept }
        guard let found = names.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw VibrationError.malformedAlert(
                "the alert has no samples; send samples (numbers) or samples_b64 (base64 float32), or put \(stem?.lastPathComponent ?? "<name>").wav or .csv beside this sidecar")
        }
        return CompanionFile(path: found.path)
    }

    /// The alert's fields from `data`; `base64Samples` turns the value of `samples_b64` (or
    /// the lifted text it stands for) into samples, `waveform` finds a sidecar's waveform file.
    private static func decodeFields(
        _ data: Data, waveform: () throws -> CompanionFile, binarySamples: Data? = nil, base64Samples: (_ value: Any) throws -> [Float]
    ) throws -> VibrationAlert {
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
            guard let parsed = number(value), parsed > 0, parsed <= VibrationAlert.maximumRPM else {
                throw VibrationError.malformedAlert("rpm must be a positive number up to \(Int(VibrationAlert.maximumRPM))")
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
        case (nil, nil) where binarySamples != nil:
            samples = try floats(littleEndian: binarySamples!)
        case _ where binarySamples != nil:
            throw VibrationError.malformedAlert("send the samples after the fields, or in samples or samples_b64, not both")
        case (nil, let encoded?):
            samples = try base64Samples(encoded)
        case (let array?, nil):
            guard let numbers = array as? [Any] else { throw VibrationError.malformedAlert("samples must be an array of numbers") }
            samples = try numbers.enumerated().map { index, value in
                guard let number = number(value) else { throw VibrationError.malformedAlert("samples[\(index)] is not a number") }
                return Float(number)
            }
        case (nil, nil):
            let waveform = try waveform()
            let read = try WaveformFile.read(waveform)
            if let rate = read.sampleRate, abs(rate - sampleRate) > 0.5 {
                throw VibrationError.malformedAlert("\(waveform.name) is sampled at \(Int(rate)) Hz but the sidecar says \(sampleRate) Hz")
            }
            samples = read.samples
        default:
            throw VibrationError.malformedAlert("send samples or samples_b64, not both")
        }
        return VibrationAlert(
            deviceID: deviceID, capturedAt: capturedAt, sampleRate: sampleRate, rpm: rpm, unit: unit,
            axis: object["axis"] as? String, location: object["location"] as? String, samples: samples)
    }

    /// Where `"samples_b64": "…"` holds its text, found without parsing: `value` is the quoted
    /// string (quotes included), `content` the text between the quotes. Base64 text has no
    /// quotes, so the next quote ends it. Scans raw bytes (`memchr`), as indexing `Data` byte
    /// by byte costs milliseconds per megabyte.
    static func liftBase64(from data: Data) -> (value: Range<Data.Index>, content: Range<Data.Index>)? {
        let key = "\"samples_b64\""
        return data.withUnsafeBytes { raw -> (Range<Data.Index>, Range<Data.Index>)? in
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
            let end = base.distance(to: UnsafeRawPointer(close))
            let origin = data.startIndex
            return ((origin + index)..<(origin + end + 1), (origin + start)..<(origin + end))
        }
    }

    /// Base64 little-endian float32 (`data[content]`) → samples, decoded straight into the
    /// sample array. Some encoders write "/" as "\/" (the only escape base64 text can need):
    /// text that fails for a backslash is unescaped and decoded again.
    static func floats(base64 data: Data, content: Range<Data.Index>) throws -> [Float] {
        let decoded = data.withUnsafeBytes { raw -> Result<[Float], VibrationError>? in
            let offset = content.lowerBound - data.startIndex
            let characters = UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[offset..<(offset + content.count)])
            // A backslash means escaped slashes: unescape (below) rather than refuse.
            func refuse(_ reason: String) -> Result<[Float], VibrationError>? {
                characters.contains(UInt8(ascii: "\\")) ? nil : .failure(.malformedAlert(reason))
            }
            let notBase64 = "samples_b64 is not valid base64 (\(content.count) characters; truncated?)"
            guard let text = Base64.Text(characters) else { return refuse(notBase64) }
            guard text.decodedCount % 4 == 0 else {
                return refuse("samples_b64 holds \(text.decodedCount) bytes, not a whole number of float32 samples (truncated?)")
            }
            var valid = true
            let samples = [Float](unsafeUninitializedCapacity: text.decodedCount / 4) { buffer, initialized in
                valid = buffer.baseAddress.map { text.decode(into: UnsafeMutableRawPointer($0)) } ?? true
                initialized = valid ? buffer.count : 0
            }
            return valid ? .success(samples) : refuse(notBase64)
        }
        guard let decoded else {
            var unescaped = Data(capacity: content.count)
            var escaped = false
            for byte in data[content] {
                if escaped {
                    guard byte == UInt8(ascii: "/") else {
                        throw VibrationError.malformedAlert("samples_b64 is not valid base64 (an escape other than \\/ in it)")
                    }
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                    continue
                }
                unescaped.append(byte)
            }
            return try floats(base64: unescaped, content: unescaped.startIndex..<unescaped.endIndex)
        }
        #if _endian(big)
        return try decoded.get().map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) }
        #else
        return try decoded.get()
        #endif
    }

    /// Raw little-endian float32 samples.
    static func floats(littleEndian bytes: Data) throws -> [Float] {
        guard bytes.count % 4 == 0 else {
            throw VibrationError.malformedAlert("the samples after the fields are \(bytes.count) bytes, not a whole number of float32 samples (truncated?)")
        }
        let samples = [Float](unsafeUninitializedCapacity: bytes.count / 4) { buffer, initialized in
            bytes.withUnsafeBytes { raw in
                if let base = raw.baseAddress, let target = buffer.baseAddress { UnsafeMutableRawPointer(target).copyMemory(from: base, byteCount: raw.count) }
            }
            initialized = bytes.count / 4
        }
        #if _endian(big)
        return samples.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) }
        #else
        return samples
        #endif
    }

    private static func number(_ value: Any?) -> Double? {
        (value as? NSNumber)?.doubleValue
    }
}

/// Recognises vibration alert JSON (or a waveform file's sidecar, or the binary form): an object
/// with `device_id` and `sample_rate_hz`.
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
