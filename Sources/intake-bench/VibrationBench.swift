import ArgumentParser
import Foundation
import IntakeAlignment
import IntakeCore
import IntakeReview
import IntakeSignal
import IntakeVibration

/// Vibration alerts: fault-class accuracy on simulated alerts, and speed from bytes to order.
struct VibrationBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vibration",
        abstract: "Classify simulated alerts across devices, speeds, noise and sample rates; time bytes → order against the raw FFT.",
        discussion: """
            The evaluation set uses seeds, noise levels, speeds and resonances apart from the \
            tuning set (--set tuning).

            Examples:
              swift run -c release intake-bench vibration
              swift run -c release intake-bench vibration --per-class 40 --set tuning --show-errors 20
            """)

    @Option(help: "Alerts per fault class.") var perClass = 30
    @Option(help: "tuning or evaluation.") var set = "evaluation"
    @Option(help: "Alerts for the speed measurement.") var speedAlerts = 200
    @Option(help: "Device registry CSV.") var devices = "samples/master/devices.csv"
    @Option(help: "Material master CSV.") var materials = "samples/master/materials.csv"
    @Option(help: "Intent graph YAML.") var graph = "models/intent-graph.yaml"
    @Option(help: "Print this many misclassified alerts.") var showErrors = 10
    @Flag(help: "Skip the speed measurement.") var accuracyOnly = false
    @Option(help: ArgumentHelp(
        "FFTW planning: estimate, measure (tuned plans, kept in --fft-wisdom) or background (tuned patiently while estimated plans serve; the timing waits for the tuning, minutes per size the wisdom file does not know yet).",
        valueName: "rigor"))
    var fftPlanning: FFT.Rigor = .estimate
    @Option(help: ArgumentHelp("FFTW wisdom file for --fft-planning measure or background.", valueName: "file"))
    var fftWisdom = "intake-data/fftw-wisdom"
    @Option(help: ArgumentHelp("Write the sample alerts (samples/vibration) to this folder and exit.", valueName: "dir"))
    var writeSamples: String?
    @Flag(help: "Print the figures as one JSON object.") var json = false

    func run() throws {
        let master = try MasterData.load(
            materials: URL(fileURLWithPath: materials), devices: URL(fileURLWithPath: devices), graph: URL(fileURLWithPath: graph))
        let machines = master.devices.devices.filter { $0.bearing != nil && $0.nominalRPM != nil }
        let fft = FFT(rigor: fftPlanning, wisdom: fftPlanning == .estimate ? nil : URL(fileURLWithPath: fftWisdom))
        let analyzer = VibrationAnalyzer(fft: fft)
        let simulator = FaultSimulator()
        if let writeSamples { return try Self.writeSamples(to: URL(fileURLWithPath: writeSamples), master: master) }
        let tuning = set == "tuning"

        // Accuracy.
        var confusion: [FaultClass: [FaultClass: Int]] = [:]
        var errors: [String] = []
        var correct = 0, total = 0
        for (classIndex, fault) in FaultClass.allCases.filter({ $0 != .unknown }).enumerated() {
            for i in 0..<perClass {
                var random = SeededRandom(seed: UInt64((tuning ? 0 : 1_000_000) + classIndex * 10_000 + i))
                let device = machines[Int(random.next() % UInt64(machines.count))]
                let rates: [Double] = tuning ? [25_600, 20_480] : [25_600, 20_000, 16_384, 51_200]
                let noises: [Double] = tuning ? [0.01, 0.03] : [0.005, 0.02, 0.04, 0.06]
                let scenario = FaultSimulator.Scenario(
                    device: device, fault: fault, severity: 0.2 + 0.8 * random.uniform(),
                    rpm: (device.nominalRPM ?? 1500) * (0.97 + 0.05 * random.uniform()),
                    sampleRate: rates[Int(random.next() % UInt64(rates.count))],
                    duration: tuning ? 10 : 5 + 10 * random.uniform(),
                    noise: noises[Int(random.next() % UInt64(noises.count))],
                    mainsHz: random.uniform() < 0.5 ? 50 : 60,
                    resonanceHz: tuning ? 2_500 + 1_500 * random.uniform() : 1_800 + 4_000 * random.uniform(),
                    seed: random.next(), reportRPM: random.uniform() < (tuning ? 0.5 : 0.7))
                let alert = simulator.alert(scenario)
                let predicted: FaultClass
                var detail = ""
                do {
                    let report = try analyzer.analyze(alert, device: device)
                    predicted = report.fault
                    let scores = report.bearingScores.prefix(2).map { "\($0.fault.rawValue) \(String(format: "%.2f", $0.score))" }
                    detail = " [zone \(report.zone) " + String(format: "%.2f mm/s, %.1f rpm, band %.0f–%.0f Hz", report.velocityRMS,
                                    report.speed.rpm, report.envelopeBand?.lowerBound ?? 0, report.envelopeBand?.upperBound ?? 0)
                        + ", \(scores.joined(separator: ", "))]"
                } catch {
                    predicted = .unknown
                    errors.append("\(fault.rawValue) on \(device.id): refused: \(error)")
                    confusion[fault, default: [:]][predicted, default: 0] += 1
                    total += 1
                    continue
                }
                confusion[fault, default: [:]][predicted, default: 0] += 1
                total += 1
                if predicted == fault { correct += 1 } else {
                    errors.append(String(
                        format: "%@ on %@ (%@, %.0f rpm%@, %.0f Hz, noise %.3f g, severity %.2f, resonance %.0f Hz) → %@",
                        fault.rawValue, device.id, device.bearing?.model ?? "-", scenario.rpm, scenario.reportRPM ? "" : " estimated",
                        scenario.sampleRate, scenario.noise, scenario.severity, scenario.resonanceHz, predicted.rawValue) + detail)
                }
            }
        }
        let accuracy = Double(correct) / Double(max(total, 1))

        // Speed: a 15 s alert at 25.6 kHz, from bytes to an order queued in the store.
        var latencies: [Double] = []
        var rawFFT: [Double] = []
        var decoding: [Double] = []
        var throughput = 0.0
        var cpuPerAlert = 0.0, stolen = 0.0
        if !accuracyOnly {
            let device = machines[0]
            let builder = RepairOrderBuilder(master: master)
            let bytes = try simulator.alert(FaultSimulator.Scenario(device: device, fault: .outerRace, seed: 7)).jsonData()
            let decoded = try AlertDecoder.decode(bytes)
            for _ in 0..<10 { _ = try builder.draft(for: analyzer.analyze(decoded, device: device)) }  // warm up plans
            fft.waitUntilTuned()
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("intake-bench-vibration-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let queue = ReviewQueue(store: try OrderStore(path: folder.appendingPathComponent("latency.db").path))
            for index in 0..<speedAlerts {
                let start = DispatchTime.now()
                let alert = try AlertDecoder.decode(bytes)
                decoding.append(Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6)
                let draft = builder.draft(for: try analyzer.analyze(alert, device: device))
                let input = ReceivedInput(uri: "bench:\(index)", bytes: bytes, modality: .vibration)
                _ = try queue.submit([OrderRecord(
                    id: ContentHash.orderID(idempotencyKey: "latency-\(index)"), status: .pendingReview, source: input.source,
                    pipeline: "bench", intent: draft.intent, evidence: draft.evidence)])
                latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6)
                let fftStart = DispatchTime.now()
                _ = analyzer.fft.forward(decoded.samples)
                rawFFT.append(Double(DispatchTime.now().uptimeNanoseconds - fftStart.uptimeNanoseconds) / 1e6)
            }
            // The real pipeline: decode → diagnose (2 workers) → order → record → review queue.
            let settings = StageSettings(concurrency: 1, buffer: 8, timeout: 30)
            let route = Route(modality: .vibration, sniffer: AlertSniffer(), stages: [
                (stage: AnyStage(AlertDecodeStage(), name: "vibration.decode"), settings: settings),
                (stage: AnyStage(DiagnoseStage(devices: master.devices, analyzer: analyzer), name: "vibration.diagnose"),
                 settings: StageSettings(concurrency: 2, buffer: 8, timeout: 30)),
                (stage: AnyStage(RepairOrderStage(master: master), name: "vibration.order"), settings: settings),
                (stage: AnyStage(RecordStage(pipeline: "bench"), name: "record"), settings: settings),
            ])
            let throughputQueue = ReviewQueue(store: try OrderStore(path: folder.appendingPathComponent("throughput.db").path))
            let sink = ReviewQueueSink(queue: throughputQueue, next: try JSONLinesSink(url: URL(fileURLWithPath: "/dev/null")))
            let pipeline = try Pipeline(name: "bench", routes: [route], sink: sink, deadLetters: throughputQueue)
            let inputs = (0..<speedAlerts).map {
                PipelineInput(uri: "bench:\($0)", idempotencyKey: "throughput-\($0)", bytes: bytes)
            }
            let cpuBefore = processCPUSeconds(), stealBefore = machineStealTicks()
            let summary = pipeline.run(inputs)
            throughput = Double(sink.created) / summary.seconds
            cpuPerAlert = (processCPUSeconds() - cpuBefore) * 1_000 / Double(max(sink.created, 1))
            if let before = stealBefore, let after = machineStealTicks(), after.total > before.total {
                stolen = (after.steal - before.steal) / (after.total - before.total)
            }
        }
        latencies.sort()
        rawFFT.sort()
        decoding.sort()

        if json {
            let figures: [String: Any] = [
                "set": set, "alerts": total, "correct": correct, "accuracy": accuracy,
                "p50_ms": percentile(latencies, 0.5), "p99_ms": percentile(latencies, 0.99),
                "raw_fft_p50_ms": percentile(rawFFT, 0.5), "pipeline_alerts_per_second": throughput,
                "pipeline_cpu_ms_per_alert": cpuPerAlert, "pipeline_steal_share": stolen,
                "cores": ProcessInfo.processInfo.activeProcessorCount,
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys]), as: UTF8.self))
            return
        }
        print("vibration alerts (\(set) set): \(total) simulated, \(perClass) per class, \(machines.count) devices")
        print(String(format: "  fault class accuracy: %.2f%% (%d/%d)", accuracy * 100, correct, total))
        let classes = FaultClass.allCases
        print("  confusion (rows: true, columns: predicted): " + classes.map { String($0.rawValue.prefix(5)) }.joined(separator: " "))
        for fault in classes where confusion[fault] != nil {
            let row = classes.map { String(format: "%5d", confusion[fault]?[$0] ?? 0) }.joined(separator: " ")
            print("    \(fault.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(row)")
        }
        if !accuracyOnly {
            print(String(format: "  15 s at 25.6 kHz, bytes → order stored: p50 %.2f ms, p99 %.2f ms (one core); of which decoding p50 %.2f ms; raw FFT of 384,000 points: p50 %.2f ms",
                         percentile(latencies, 0.5), percentile(latencies, 0.99), percentile(decoding, 0.5), percentile(rawFFT, 0.5)))
            print(String(format: "  pipeline with 2 diagnose workers, into the store: %.0f alerts/s (%d cores); %.2f ms CPU per alert; %.1f%% of the machine stolen by the hypervisor meanwhile",
                         throughput, ProcessInfo.processInfo.activeProcessorCount, cpuPerAlert, stolen * 100))
        }
        if !errors.isEmpty && showErrors > 0 {
            print("  misclassified:")
            errors.prefix(showErrors).forEach { print("    \($0)") }
        }
    }

    /// The sample alerts: 2 s at 12.8 kHz (small enough to keep in the repository), one per
    /// fault class plus a healthy machine, a zone-D emergency and two bad alerts.
    static func writeSamples(to folder: URL, master: MasterData) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let simulator = FaultSimulator()
        let cases: [(file: String, device: String, fault: FaultClass, severity: Double, reportRPM: Bool)] = [
            ("p101-outer-race", "P-101", .outerRace, 0.7, true),
            ("f201-inner-race", "F-201", .innerRace, 0.8, true),
            ("c501-ball", "C-501", .ball, 0.8, false),
            ("m301-cage", "M-301", .cage, 0.8, true),
            ("f202-imbalance-zone-d", "F-202", .imbalance, 1.3, true),
            ("m302-misalignment", "M-302", .misalignment, 0.6, true),
            ("p103-looseness", "P-103", .looseness, 0.6, false),
            ("p102-healthy", "P-102", .normal, 0, true),
        ]
        for (index, item) in cases.enumerated() {
            guard let device = master.devices[item.device] else { throw ValidationError("no device \(item.device) in the registry") }
            let alert = simulator.alert(FaultSimulator.Scenario(
                device: device, fault: item.fault, severity: item.severity, sampleRate: 12_800, duration: 2, noise: 0.015,
                seed: UInt64(100 + index), reportRPM: item.reportRPM))
            try alert.jsonData().write(to: folder.appendingPathComponent("\(item.file).json"))
        }
        // Bad input: a base64 payload cut short in transit, and a box the registry does not know.
        var truncated = try simulator.alert(FaultSimulator.Scenario(
            device: master.devices["P-104"]!, fault: .normal, sampleRate: 12_800, duration: 2, seed: 200)).jsonData()
        truncated = truncated.prefix(truncated.count / 2) + Data("\"}".utf8)
        try truncated.write(to: folder.appendingPathComponent("bad-truncated-payload.json"))
        var unknown = simulator.alert(FaultSimulator.Scenario(
            device: master.devices["P-104"]!, fault: .normal, sampleRate: 12_800, duration: 2, seed: 201))
        unknown.deviceID = "P-999"
        try unknown.jsonData().write(to: folder.appendingPathComponent("bad-unknown-device.json"))
        print("wrote \(cases.count + 2) alerts to \(folder.path)")
    }
}

extension FFT.Rigor: ExpressibleByArgument {}
