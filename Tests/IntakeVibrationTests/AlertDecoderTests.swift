import Foundation
import Testing
@testable import IntakeVibration

@Suite("Decoding alert JSON")
struct AlertDecoderTests {
    static let samples: [Float] = [0.5, -1.25, 3.0e-3, 42, -0.0078125]

    @Test("samples_b64 (little-endian float32) and a number array decode to the same alert")
    func bothSampleForms() throws {
        let alert = VibrationAlert(deviceID: "P-101", sampleRate: 25_600, rpm: 2950, unit: .metresPerSecondSquared, axis: "x", samples: Self.samples)
        let fromBase64 = try AlertDecoder.decode(alert.jsonData(base64: true))
        let fromArray = try AlertDecoder.decode(alert.jsonData(base64: false))
        #expect(fromBase64.samples == Self.samples)
        #expect(fromArray.samples == Self.samples)
        #expect(fromBase64.deviceID == "P-101" && fromBase64.rpm == 2950 && fromBase64.unit == .metresPerSecondSquared && fromBase64.axis == "x")
    }

    @Test("The binary form (fields, NUL, raw float32) decodes like samples_b64; a torn body or samples given twice are refused")
    func binaryForm() throws {
        let fields = Data(#"{"device_id":"P-101","rpm":2950,"sample_rate_hz":25600}"#.utf8)
        let raw = Self.samples.withUnsafeBufferPointer { Data(buffer: $0) }
        let alert = try AlertDecoder.decode(fields + [AlertDecoder.binarySeparator] + raw)
        #expect(alert.samples == Self.samples && alert.deviceID == "P-101" && alert.rpm == 2950 && alert.sampleRate == 25_600)
        #expect(AlertSniffer().accepts(fields + [0] + raw))
        #expect(throws: VibrationError.self) { try AlertDecoder.decode(fields + [0] + raw.dropLast()) }
        let twice = Data(#"{"device_id":"P-101","sample_rate_hz":25600,"samples":[1,2]}"#.utf8) + [0] + raw
        #expect(throws: VibrationError.self) { try AlertDecoder.decode(twice) }
    }

    @Test("Base64 written with escaped slashes (\\/) decodes too")
    func escapedSlashes() throws {
        let samples = (0..<300).map { Float($0) * 0.37 - 20 }
        let encoded = samples.withUnsafeBufferPointer { Data(buffer: $0) }.base64EncodedString()
        #expect(encoded.contains("/"), "the test needs a / in the base64 text")
        let json = #"{"device_id":"P-101","sample_rate_hz":1000,"samples_b64":""# + encoded.replacingOccurrences(of: "/", with: #"\/"#) + #""}"#
        #expect(try AlertDecoder.decode(Data(json.utf8)).samples == samples)
    }

    @Test("Malformed alerts are refused with a reason naming the field")
    func malformedAlerts() throws {
        func reason(_ json: String) -> String {
            do {
                _ = try AlertDecoder.decode(Data(json.utf8))
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        #expect(reason(#"{"sample_rate_hz":1000,"samples":[1,2]}"#).contains("device_id"))
        #expect(reason(#"{"device_id":"P-101","samples":[1,2]}"#).contains("sample_rate_hz"))
        #expect(reason(#"{"device_id":"P-101","sample_rate_hz":-5,"samples":[1,2]}"#).contains("sample_rate_hz"))
        #expect(reason(#"{"device_id":"P-101","sample_rate_hz":1000}"#).contains("no samples"))
        #expect(reason(#"{"device_id":"P-101","sample_rate_hz":1000,"samples":[1,"x"]}"#).contains("samples[1]"))
        #expect(reason(#"{"device_id":"P-101","sample_rate_hz":1000,"samples":[1],"samples_b64":"AAAAAA=="}"#).contains("not both"))
        #expect(reason(#"{"device_id":"P-101","sample_rate_hz":1000,"samples_b64":"AAAAAAA="}"#).contains("float32"))
        #expect(reason(#"{"device_id":"P-101","sample_rate_hz":1000,"samples_b64":"AAA"}"#).contains("truncated"))
        #expect(reason(#"{"device_id":"P-101","sample_rate_hz":1000,"unit":"furlongs","samples":[1]}"#).contains("unit"))
        #expect(reason(#"{"device_id":"P-101","sample_rate_hz":1000,"samples":[1],"colour":"red"}"#).contains("colour"))
        #expect(reason(#"{"device_id":"P-101","sample_rate_hz":1000,"captured_at":"yesterday","samples":[1]}"#).contains("captured_at"))
        #expect(reason("[1, 2, 3]").contains("JSON object"))
        #expect(reason("{\"device_id\": ").contains("not valid JSON"))
    }

    @Test("The sniffer takes alert JSON and leaves other JSON and text alone")
    func sniffer() throws {
        let sniffer = AlertSniffer()
        #expect(sniffer.accepts(try VibrationAlert(deviceID: "P-1", sampleRate: 10, samples: [1]).jsonData()))
        #expect(!sniffer.accepts(Data(#"{"order": "3 lattes"}"#.utf8)))
        #expect(!sniffer.accepts(Data("store 12: 3 lattes, device_id samples".utf8)))
    }
}
