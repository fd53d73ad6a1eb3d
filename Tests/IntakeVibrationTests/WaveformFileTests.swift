import Foundation
import IntakeTestSupport
import IntakeCore
import Testing
@testable import IntakeVibration

@Suite("Waveforms in WAV or CSV files beside a sidecar JSON")
struct WaveformFileTests {
    static let sidecar = Data(#"{"device_id":"P-101","sample_rate_hz":12800,"rpm":2950,"unit":"g","axis":"radial"}"#.utf8)

    /// A float32 mono WAV of `samples`.
    static func floatWAV(_ samples: [Float], rate: Int) -> Data {
        var data = Data("RIFF".utf8)
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { data.append(contentsOf: $0) } }
        func u16(_ v: Int) { withUnsafeBytes(of: UInt16(v).littleEndian) { data.append(contentsOf: $0) } }
        u32(36 + samples.count * 4)
        data.append(contentsOf: Array("WAVEfmt ".utf8))
        u32(16); u16(3); u16(1); u32(rate); u32(rate * 4); u16(4); u16(32)
        data.append(contentsOf: Array("data".utf8))
        u32(samples.count * 4)
        samples.withUnsafeBufferPointer { data.append(Data(buffer: $0)) }
        return data
    }

    @Test("A sidecar with a float32 WAV beside it decodes to the WAV's samples and is diagnosed like the JSON alert")
    func floatWAVSidecar() throws {
        let folder = try makeTemporaryDirectory(prefix: "intake-waveform")
        defer { try? FileManager.default.removeItem(at: folder) }
        let simulated = Demo.alert("P-101", .outerRace, seed: 41)
        try Self.sidecar.write(to: folder.appendingPathComponent("alert-1.json"))
        try Self.floatWAV(simulated.samples, rate: 12_800).write(to: folder.appendingPathComponent("alert-1.wav"))
        let alert = try AlertDecoder.decode(Self.sidecar, file: folder.appendingPathComponent("alert-1.json"))
        #expect(alert.samples == simulated.samples)
        #expect(try Demo.analyzer.analyze(alert, device: Demo.device("P-101")).fault == .outerRace)
    }

    @Test("A 24-bit WAV made by sox is read at full scale")
    func soxWAV() throws {
        let folder = try makeTemporaryDirectory(prefix: "intake-waveform")
        defer { try? FileManager.default.removeItem(at: folder) }
        let wav = folder.appendingPathComponent("tone.wav")
        let sox = Process()
        sox.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        sox.arguments = ["-n", "-r", "12800", "-b", "24", "-c", "1", wav.path, "synth", "2", "sine", "100", "vol", "0.5"]
        try sox.run()
        sox.waitUntilExit()
        try #require(sox.terminationStatus == 0)
        let (samples, rate) = try WaveformFile.read(CompanionFile(path: wav.path))
        #expect(rate == 12_800)
        #expect(samples.count == 25_600)
        let peak = samples.map(abs).max() ?? 0
        #expect(abs(peak - 0.5) < 0.01, "peak \(peak)")
    }

    @Test("A one-column CSV with a header is read; a bad number is reported with its line")
    func csvSidecar() throws {
        let folder = try makeTemporaryDirectory(prefix: "intake-waveform")
        defer { try? FileManager.default.removeItem(at: folder) }
        let simulated = Demo.alert("P-101", .normal, seed: 43)
        let text = "acceleration_g\n" + simulated.samples.map { "\($0)" }.joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: folder.appendingPathComponent("a.csv"))
        let alert = try AlertDecoder.decode(Self.sidecar, file: folder.appendingPathComponent("a.json"))
        #expect(alert.samples == simulated.samples)

        try Data("g\n0.1\n0.2\nabc\n".utf8).write(to: folder.appendingPathComponent("b.csv"))
        #expect(throws: VibrationError.malformedAlert("b.csv line 4: abc is not a number")) {
            try AlertDecoder.decode(Self.sidecar, file: folder.appendingPathComponent("b.json"))
        }
    }

    @Test("A time-and-sample CSV and a semicolon CSV with decimal commas give the samples; other shapes are refused")
    func csvLayouts() throws {
        let samples: [Float] = [0.125, -0.5, 0.75, 0.0625]
        func read(_ text: String) throws -> [Float] { try WaveformFile.csv(Data(text.utf8), name: "w.csv") }
        #expect(try read("time_s,accel_g\n" + samples.enumerated().map { "\(Double($0) / 12_800),\($1)" }.joined(separator: "\n")) == samples)
        #expect(try read("t;g\n" + samples.enumerated().map { "\($0);\("\($1)".replacingOccurrences(of: ".", with: ","))" }.joined(separator: "\n")) == samples)
        #expect(try read("g\r\n" + samples.map { "\($0)" }.joined(separator: "\r\n") + "\r\n\r\n") == samples)

        // Read as before, the first column: the integer parts ("0,125" → 0) or the time.
        #expect(throws: VibrationError.malformedAlert(
            "w.csv has 2 columns; send one column of samples, or time and sample; if a comma is the decimal mark, separate fields with semicolons")) {
            try read("0,125\n-0,5\n0,75\n0,0625\n")
        }
        #expect(throws: VibrationError.malformedAlert("w.csv has 3 columns; send one column of samples, or time and sample")) {
            try read("1;2;3\n4;5;6\n")
        }
        #expect(throws: VibrationError.malformedAlert("w.csv line 3: 1 fields, where the lines before have 2")) {
            try read("0,0.5\n1,0.25\n0.75\n")
        }
    }

    @Test("A missing waveform file, a truncated WAV or a rate that disagrees with the sidecar is refused")
    func badWaveformFiles() throws {
        let folder = try makeTemporaryDirectory(prefix: "intake-waveform")
        defer { try? FileManager.default.removeItem(at: folder) }
        func reason(_ name: String) -> String {
            do {
                _ = try AlertDecoder.decode(Self.sidecar, file: folder.appendingPathComponent("\(name).json"))
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        #expect(reason("none").contains("none.wav"))
        try Self.floatWAV([0.1, 0.2], rate: 8_000).write(to: folder.appendingPathComponent("rate.wav"))
        #expect(reason("rate").contains("8000 Hz"))
        try Self.floatWAV([0.1, 0.2], rate: 12_800).prefix(30).write(to: folder.appendingPathComponent("cut.wav"))
        #expect(reason("cut").contains("cut.wav"))
        try Data("not a wav".utf8).write(to: folder.appendingPathComponent("junk.wav"))
        #expect(reason("junk").contains("RIFF"))
    }

    @Test("In a folder, a waveform file with a sidecar is read through the sidecar, not on its own")
    func collectorPairsSidecars() throws {
        let folder = try makeTemporaryDirectory(prefix: "intake-waveform")
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["a.json", "a.wav", "b.csv", "c.txt"] { try Data().write(to: folder.appendingPathComponent(name)) }
        let names = try InputCollector.collect([folder.path]).map { URL(fileURLWithPath: $0.uri).lastPathComponent }
        #expect(names == ["a.json", "b.csv", "c.txt"])
    }
}
