import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import IntakeAlignment
import IntakeCore
import IntakeReview
import IntakeVibration
import Synchronization

/// HTTP load: 15 s vibration alerts posted to a real `intake serve` on loopback, as an edge-box
/// fleet would. Reports accepted alerts/s and latency percentiles (time to `202`), the rate at
/// which orders are stored (end to end), and the server's resident memory over the run.
struct HTTPBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "Post 15 s vibration alerts to `intake serve` on loopback: alerts/s, p50/p99 latency, orders stored/s, server memory.",
        discussion: """
            Starts `intake serve` (the binary beside this one; build both with \
            `swift build -c release`) on a fresh store, data folder and events file and a free \
            port (the pipeline's event sinks get nothing), posts --alerts distinct \
            alerts from --connections concurrent clients, then waits until every order is stored. \
            The client runs on the same 2 cores as the server, as a load generator on loopback does. \
            With --client wrk (Debian's `wrk`) or --client sendfile (one thread per connection \
            handing each body to the kernel with sendfile(2), the least client CPU), posts for \
            --duration seconds instead, each post under its own Idempotency-Key.

            Examples:
              swift build -c release && .build/release/intake-bench http
              .build/release/intake-bench http --alerts 3000 --connections 16 --format json
              .build/release/intake-bench http --client wrk --duration 20
              .build/release/intake-bench http --client sendfile --duration 20
            """)

    @Option(help: "Alerts to post (--client urlsession).") var alerts = 1500
    @Option(help: "Seconds to post for (--client wrk or sendfile, which run for a time, not a count).") var duration = 10
    @Option(help: "Concurrent clients.") var connections = 8
    @Option(help: "Seconds of signal per alert.") var seconds = 15.0
    @Option(help: "Samples per second.") var sampleRate = 25_600.0
    @Option(help: ArgumentHelp("Body format: binary (float32 with Alert-* headers) or json (samples_b64).", valueName: "format"))
    var format = "binary"
    @Option(help: ArgumentHelp("Load generator: urlsession (in this process), wrk (Debian's wrk, far less CPU per post) or sendfile (in this process, least CPU per post).", valueName: "client"))
    var client = "urlsession"
    @Option(help: "Pipeline file.") var pipeline = "pipelines/default.yaml"
    @Flag(help: "Print the figures as one JSON object.") var json = false

    func validate() throws {
        guard ["binary", "json"].contains(format) else { throw ValidationError("--format is binary or json") }
        guard ["urlsession", "wrk", "sendfile"].contains(client) else { throw ValidationError("--client is urlsession, wrk or sendfile") }
        guard alerts > 0, connections > 0, duration > 0 else { throw ValidationError("--alerts, --duration and --connections must be positive") }
    }

    func run() async throws {
        let intake = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("intake")
        guard FileManager.default.isExecutableFile(atPath: intake.path) else {
            throw ValidationError("no intake binary at \(intake.path); build it first: swift build -c release")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("intake-http-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try OrderStore(path: folder.appendingPathComponent("intake.db").path)
        let token = try TokenRegistry(store: store).create(name: "bench P-101", role: .device, subject: "P-101", actor: "intake-bench").secret
        let alerts = try makeAlerts()
        let bodyBytes = try Self.body(alerts[0], index: 0, binary: format == "binary").count

        let server = try startServer(intake, folder: folder)
        defer { server.process.terminate(); server.process.waitUntilExit() }
        let memory = MemorySampler(pid: server.process.processIdentifier)
        let sampler = Task { await memory.run() }

        let clock = ContinuousClock()
        let started = clock.now
        let serverCPUBefore = processCPUSeconds(pid: server.process.processIdentifier)
        let url = URL(string: "http://127.0.0.1:\(server.port)/v1/alerts")!
        let posts = switch client {
        case "wrk": try postWithWrk(alerts, url: url, token: token, folder: folder.appendingPathComponent("wrk"))
        case "sendfile": try postWithSendfile(alerts, port: server.port, token: token, folder: folder.appendingPathComponent("sendfile"))
        default: try await postWithURLSession(alerts, url: url, token: token)
        }
        let posted = (clock.now - started) / .seconds(1)
        let accepted = posts.accepted
        // Figures per alert from a dead server or no accepted post would be noise, not a result.
        guard server.process.isRunning else {
            throw LoadGeneratorError("intake serve exited during the run (status \(server.process.terminationStatus)); its output is above")
        }
        guard accepted > 0 else {
            let answers = posts.failures.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            throw LoadGeneratorError("no post was answered 202 (\(answers.isEmpty ? "none was sent" : answers)); nothing to measure")
        }
        let queue = ReviewQueue(store: store, settings: ReviewSettings())
        while try queue.counts().values.reduce(0, +) < accepted {
            try await Task.sleep(for: .milliseconds(50))
        }
        let stored = (clock.now - started) / .seconds(1)
        let serverCPU = processCPUSeconds(pid: server.process.processIdentifier) - serverCPUBefore
        sampler.cancel()
        let rss = await memory.samples

        let figures = Figures(
            alerts: client != "urlsession" ? accepted + posts.failures.values.reduce(0, +) : self.alerts, accepted: accepted, failed: posts.failures,
            connections: connections, format: format, client: client, bodyBytes: bodyBytes,
            acceptedPerSecond: Double(accepted) / posted, p50Milliseconds: posts.p50 * 1000, p99Milliseconds: posts.p99 * 1000,
            maxMilliseconds: posts.max * 1000, storedPerSecond: Double(accepted) / stored, secondsToStoreAll: stored,
            serverRSSStartMB: rss.first ?? 0, serverRSSPeakMB: rss.max() ?? 0, serverRSSEndMB: rss.last ?? 0,
            serverCPUMillisecondsPerAlert: serverCPU * 1000 / Double(max(accepted, 1)),
            clientCPUMillisecondsPerAlert: posts.clientCPUSeconds * 1000 / Double(max(accepted, 1)),
            cpuCeilingPerSecond: Double(ProcessInfo.processInfo.activeProcessorCount) * Double(max(accepted, 1))
                / max(serverCPU + posts.clientCPUSeconds, 1e-9))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(figures), as: UTF8.self))
        } else {
            print(figures.report)
        }
    }

    /// What the clients got back: answers, time to an answer (seconds), their CPU.
    struct Posts {
        var accepted: Int
        var failures: [String: Int]
        var p50: Double, p99: Double, max: Double
        var clientCPUSeconds: Double
    }

    /// Posts from `connections` URLSession tasks in this process.
    private func postWithURLSession(_ alerts: [VibrationAlert], url: URL, token: String) async throws -> Posts {
        let clientCPUBefore = processCPUSeconds()
        let tally = Tally()
        let headers = self.headers
        let binary = format == "binary"
        let count = self.alerts
        let session = URLSession(configuration: .ephemeral)
        let clock = ContinuousClock()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<connections {
                group.addTask {
                    while case let index = tally.next.add(1, ordering: .relaxed).oldValue, index < count {
                        var request = URLRequest(url: url)
                        request.httpMethod = "POST"
                        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
                        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
                        let body = try Self.body(alerts[index % alerts.count], index: index, binary: binary)
                        let sent = clock.now
                        let (_, response) = try await session.upload(for: request, from: body)
                        let elapsed = (clock.now - sent) / .seconds(1)
                        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                        if status == 202 {
                            tally.latencies.withLock { $0.append(elapsed) }
                        } else {
                            tally.failures.withLock { $0["\(status)", default: 0] += 1 }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let sorted = tally.latencies.withLock { $0.sorted() }
        return Posts(
            accepted: sorted.count, failures: tally.failures.withLock { $0 },
            p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.last ?? 0,
            clientCPUSeconds: processCPUSeconds() - clientCPUBefore)
    }

    /// Posts with `wrk`: the eight base alerts in turn, each post under its own idempotency key
    /// (so each is its own order). wrk's latencies count every answer, not only 202s.
    private func postWithWrk(_ alerts: [VibrationAlert], url: URL, token: String, folder: URL) throws -> Posts {
        let result = try WrkClient(url: url, token: token, headers: headers, connections: connections)
            .post(bodies: try bodyFiles(alerts, in: folder), seconds: duration, folder: folder)
        var failures = result.statuses
        let accepted = failures.removeValue(forKey: "202") ?? 0
        return Posts(
            accepted: accepted, failures: failures, p50: result.p50Microseconds / 1e6, p99: result.p99Microseconds / 1e6,
            max: result.maxMicroseconds / 1e6, clientCPUSeconds: result.cpuSeconds)
    }

    /// Posts with `SendfileClient`: the eight base alerts in turn from files, each post under
    /// its own idempotency key (so each is its own order).
    private func postWithSendfile(_ alerts: [VibrationAlert], port: Int, token: String, folder: URL) throws -> Posts {
        let result = try SendfileClient(host: "127.0.0.1", port: port, path: "/v1/alerts", token: token, headers: headers, connections: connections)
            .post(bodies: try bodyFiles(alerts, in: folder), seconds: Double(duration))
        let sorted = result.latencies.sorted()
        var failures: [String: Int] = [:]
        for (status, count) in result.statuses where status != 202 { failures[status == 0 ? "dropped" : "\(status)"] = count }
        return Posts(
            accepted: result.statuses[202] ?? 0, failures: failures, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99),
            max: sorted.last ?? 0, clientCPUSeconds: result.cpuSeconds)
    }

    /// The base alerts' bodies as files in `folder`, for the clients that post from files.
    private func bodyFiles(_ alerts: [VibrationAlert], in folder: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try alerts.enumerated().map { index, alert in
            let file = folder.appendingPathComponent("body-\(index).bin")
            try Self.body(alert, index: index, binary: format == "binary").write(to: file)
            return file
        }
    }

    private var headers: [String: String] {
        format == "binary"
            ? ["Content-Type": "application/octet-stream", "Alert-Device-Id": "P-101", "Alert-Sample-Rate-Hz": "\(sampleRate)", "Alert-Rpm": "2950"]
            : ["Content-Type": "application/json"]
    }

    /// Eight base alerts of P-101 (healthy, bearing faults, shaft faults) at full length.
    private func makeAlerts() throws -> [VibrationAlert] {
        let pipeline = try PipelineConfiguration.load(URL(fileURLWithPath: pipeline))
        guard let devices = pipeline.devices, let device = try DeviceRegistry.load(devices)["P-101"] else {
            throw ValidationError("the pipeline's device registry has no P-101")
        }
        let faults: [FaultClass] = [.normal, .outerRace, .innerRace, .ball, .imbalance, .misalignment, .looseness, .normal]
        return faults.enumerated().map { index, fault in
            FaultSimulator().alert(.init(
                device: device, fault: fault, severity: 0.7, sampleRate: sampleRate, duration: seconds, seed: UInt64(500 + index)))
        }
    }

    /// The body for post `index`: its base alert with one sample nudged, so every post is a new order.
    private static func body(_ base: VibrationAlert, index: Int, binary: Bool) throws -> Data {
        var alert = base
        alert.samples[0] += Float(index) * 1e-6
        return binary ? alert.samples.withUnsafeMutableBytes { Data($0) } : try alert.jsonData()
    }

    private func startServer(_ intake: URL, folder: URL) throws -> (process: Process, port: Int) {
        let portFile = folder.appendingPathComponent("port")
        let process = Process()
        process.executableURL = intake
        process.arguments = [
            "serve", "--pipeline", pipeline, "--db", folder.appendingPathComponent("intake.db").path,
            "--data", folder.appendingPathComponent("server").path, "--port", "0", "--port-file", portFile.path,
            // The pipeline's own event sinks (a file in intake-data, an ERP webhook) get nothing from a benchmark.
            "--events-file", folder.appendingPathComponent("events.jsonl").path,
            "--log-level", "warning",
        ]
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return (process, port)
            }
            guard process.isRunning else { throw ValidationError("intake serve exited with status \(process.terminationStatus)") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.terminate()
        throw ValidationError("intake serve did not start listening within 60 s")
    }

    struct Figures: Encodable {
        var alerts: Int
        var accepted: Int
        var failed: [String: Int]
        var connections: Int
        var format: String
        var client: String
        var bodyBytes: Int
        var acceptedPerSecond: Double
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var maxMilliseconds: Double
        var storedPerSecond: Double
        var secondsToStoreAll: Double
        var serverRSSStartMB: Double
        var serverRSSPeakMB: Double
        var serverRSSEndMB: Double
        /// CPU (user + system) per accepted alert, from receiving to stored, and the client's:
        /// steadier than alerts/s on a shared VM.
        var serverCPUMillisecondsPerAlert: Double
        var clientCPUMillisecondsPerAlert: Double
        /// The most alerts/s this machine's cores could carry at these CPU costs (server and
        /// client together, every core busy): what a faster server must beat.
        var cpuCeilingPerSecond: Double

        var report: String {
            """
            HTTP intake: \(alerts) alerts of \(bodyBytes / 1024) KiB (\(format)), \(connections) connections (\(client)), loopback, 2 cores shared with the client
              accepted:  \(accepted) (\(failed.isEmpty ? "no failures" : "failed: \(failed)"))
              accepted/s \(String(format: "%.0f", acceptedPerSecond)); time to 202: p50 \(String(format: "%.1f", p50Milliseconds)) ms, p99 \(String(format: "%.1f", p99Milliseconds)) ms, max \(String(format: "%.1f", maxMilliseconds)) ms
              stored/s   \(String(format: "%.0f", storedPerSecond)) (every order stored after \(String(format: "%.1f", secondsToStoreAll)) s)
              server RSS start \(String(format: "%.0f", serverRSSStartMB)) MB, peak \(String(format: "%.0f", serverRSSPeakMB)) MB, end \(String(format: "%.0f", serverRSSEndMB)) MB
              CPU per alert: server \(String(format: "%.2f", serverCPUMillisecondsPerAlert)) ms, client \(String(format: "%.2f", clientCPUMillisecondsPerAlert)) ms; \
            at that cost \(ProcessInfo.processInfo.activeProcessorCount) cores carry at most \(String(format: "%.0f", cpuCeilingPerSecond)) alerts/s
            """
        }
    }
}

/// What the clients share: the next alert to post, and what came back.
private final class Tally: Sendable {
    let next = Atomic<Int>(0)
    let latencies = Mutex<[Double]>([])
    /// Answers other than 202, by HTTP status.
    let failures = Mutex<[String: Int]>([:])
}

/// Samples a process's resident memory (VmRSS, MB) every 250 ms.
actor MemorySampler {
    let pid: Int32
    private(set) var samples: [Double] = []

    init(pid: Int32) { self.pid = pid }

    func run() async {
        while !Task.isCancelled {
            if let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
               let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
               let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") {
                samples.append(kilobytes / 1024)
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }
}
