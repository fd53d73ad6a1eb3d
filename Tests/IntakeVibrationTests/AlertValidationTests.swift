import Foundation
import IntakeCore
import IntakeSignal
import Testing
@testable import IntakeVibration

@Suite("Alerts no analyst would read are refused with the reason")
struct AlertValidationTests {
    static func refusal(_ alert: VibrationAlert, device: String = "P-101") -> VibrationError? {
        do {
            _ = try Demo.analyzer.analyze(alert, device: Demo.device(device))
            return nil
        } catch {
            return error as? VibrationError
        }
    }

    static var healthy: VibrationAlert { Demo.alert("P-101", .normal, duration: 2) }

    @Test("Too short: under a second, or under ten shaft revolutions")
    func tooShort() {
        var alert = Self.healthy
        alert.samples = Array(alert.samples.prefix(6_400))
        guard case .tooShort? = Self.refusal(alert) else { Issue.record("0.5 s accepted"); return }
        var slow = Demo.alert("F-202", .normal, duration: 1.2)  // 980 rpm: 1.2 s is under 20 revolutions, fine
        #expect(Self.refusal(slow, device: "F-202") == nil)
        slow.rpm = 300  // at 300 rpm, 1.2 s is 6 revolutions
        guard case .tooShort? = Self.refusal(slow, device: "F-202") else { Issue.record("6 revolutions accepted"); return }
    }

    @Test("Samples beyond any sensor are refused before their spectrum overflows into NaN")
    func outOfRange() {
        var alert = Self.healthy
        let scaled = alert.samples.map { $0 * 1e37 }
        alert.samples = scaled
        #expect(Self.refusal(alert) == .outOfRange(peak: Double(scaled.map(abs).max()!), limit: 1e6))
        alert.samples = Self.healthy.samples.map { $0 * 1e5 }  // 10^5 g: a shock sensor's range, analysed
        #expect(Self.refusal(alert) == nil)
    }

    @Test("A shaft faster than any machine's is refused where the alert is read")
    func rpmBeyondAnyMachine() throws {
        var alert = Self.healthy
        alert.rpm = 1e300
        #expect(throws: VibrationError.malformedAlert("rpm must be a positive number up to 1000000")) {
            _ = try AlertDecoder.decode(try alert.jsonData())
        }
        alert.rpm = 1e6
        #expect(try AlertDecoder.decode(try alert.jsonData()).rpm == 1e6)
    }

    @Test("NaN or infinite samples name the first bad index")
    func notFinite() {
        var alert = Self.healthy
        alert.samples[1234] = .nan
        #expect(Self.refusal(alert) == .notFinite(index: 1234))
        alert.samples[1234] = 0
        alert.samples[99] = .infinity
        #expect(Self.refusal(alert) == .notFinite(index: 99))
    }

    @Test("A constant waveform is a dead sensor")
    func deadSensor() {
        var alert = Self.healthy
        alert.samples = [Float](repeating: 0.981, count: alert.samples.count)
        #expect(Self.refusal(alert) == .deadSensor)
    }

    @Test("Flat tops at full scale are clipping")
    func clipping() {
        var alert = Self.healthy
        let limit = (alert.samples.map(abs).max() ?? 1) * 0.3
        alert.samples = alert.samples.map { min(max($0, -limit), limit) }
        guard case let .clipped(fraction)? = Self.refusal(alert) else { Issue.record("clipped waveform accepted"); return }
        #expect(fraction > 0.005)
    }

    @Test("A sample rate too low for the bearing's defect frequencies says what it needs")
    func sampleRateTooLow() {
        let alert = Demo.alert("P-101", .normal, duration: 2, sampleRate: 2_048)
        guard case let .sampleRateTooLow(_, needed, reason)? = Self.refusal(alert) else { Issue.record("2 kHz accepted"); return }
        #expect(needed > 2_048)
        #expect(reason.contains("6305-2RS"))
    }

    @Test("An unknown device is refused by the diagnose stage with a code and a fix")
    func unknownDevice() throws {
        let stage = DiagnoseStage(devices: Demo.master.devices, analyzer: Demo.analyzer)
        var alert = Self.healthy
        alert.deviceID = "P-999"
        let context = StageContext(
            stage: "vibration.diagnose", worker: 0, orderID: "ord_test", input: ReceivedInput(uri: "test", bytes: Data()),
            deadline: .distantFuture, logger: .init(label: "test"))
        #expect(throws: VibrationError.unknownDevice("P-999")) { try stage.process(alert, context: context) }
        #expect(VibrationError.unknownDevice("P-999").code == "unknown_device")
    }

    @Test("An alert sent by one registered device for another is refused; other senders may name any device")
    func anotherDevicesAlert() throws {
        let stage = DiagnoseStage(devices: Demo.master.devices, analyzer: Demo.analyzer)
        func context(sender: String?) -> StageContext {
            StageContext(
                stage: "vibration.diagnose", worker: 0, orderID: "ord_test", input: ReceivedInput(uri: "test", sender: sender, bytes: Data()),
                deadline: .distantFuture, logger: .init(label: "test"))
        }
        var alert = Self.healthy
        alert.deviceID = "F-201"
        #expect(throws: VibrationError.sentByAnotherDevice(sender: "P-101", device: "F-201")) {
            try stage.process(alert, context: context(sender: "p-101"))
        }
        #expect(VibrationError.sentByAnotherDevice(sender: "P-101", device: "F-201").code == "device_mismatch")
        alert = Demo.alert("F-201", .normal, duration: 2)
        for sender in [nil, "F-201", "plant-1-gateway"] {
            #expect(try stage.process(alert, context: context(sender: sender)).device.id == "F-201", "sender \(sender ?? "none")")
        }
    }

    @Test("The diagnose stage takes the three FFT plannings by name and refuses another, naming them")
    func fftPlanningOption() throws {
        for rigor in FFT.Rigor.allCases {
            let options = try ConfigNode.parse("fft_planning: \(rigor.rawValue)\nfft_wisdom: /tmp/intake-test-wisdom\n", file: "/tmp/p.yaml")
            #expect(try DiagnoseStage(devices: Demo.master.devices, options: options).analyzer.fft.rigor == rigor)
        }
        let wrong = try ConfigNode.parse("fft_planning: patient\n", file: "/tmp/p.yaml")
        #expect {
            try DiagnoseStage(devices: Demo.master.devices, options: wrong)
        } throws: { error in
            let text = "\(error)"
            return text.contains("fft_planning") && FFT.Rigor.allCases.allSatisfy { text.contains($0.rawValue) }
        }
    }
}

@Suite("Waveform moments")
struct WaveformMomentsTests {
    @Test("The eight-lane moments agree with a plain Double loop, remainder samples included")
    func lanesAgreeWithPlainLoop() throws {
        var generator = SystemRandomNumberGenerator()
        // 2,501 samples: two whole blocks of 1,024, then groups of eight and 5 left over.
        var samples = (0..<2_501).map { _ in Float.random(in: -1...1, using: &generator) + 0.25 }
        samples[2_500] = 3  // the peak sits in the remainder
        samples[7] = -2
        let moments = try WaveformMoments(samples)

        let mean = samples.reduce(0.0) { $0 + Double($1) } / Double(samples.count)
        let variance = samples.reduce(0.0) { $0 + pow(Double($1) - mean, 2) } / Double(samples.count)
        let fourth = samples.reduce(0.0) { $0 + pow(Double($1) - mean, 4) } / Double(samples.count)
        #expect(abs(moments.mean - mean) < 1e-6)
        #expect(abs(moments.variance - variance) / variance < 1e-5)
        #expect(abs(moments.fourth - fourth) / fourth < 1e-5)
        #expect(abs(moments.peak - (3 - mean)) < 1e-5)
        #expect(moments.high == 3 && moments.low == -2)
        #expect(moments.atHigh == 1 && moments.atLow == 1)
    }
}
