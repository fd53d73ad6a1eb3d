import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import IntakeTestSupport
import Testing

/// `intake serve` as a real process: tokens from `intake tokens create`, an alert posted over
/// HTTP, stage latencies in /metrics, its events in the file `--events-file` names, and a clean
/// exit on SIGTERM.
@Suite struct ServeCommandTests {
    @Test func serveTakesAnAlertExposesStageMetricsAndStopsCleanlyOnSIGTERM() async throws {
        let folder = try makeTemporaryDirectory(prefix: "intake-serve")
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("intake.db").path
        let created = try IntakeBinary.run(["tokens", "create", "--db", db, "--role", "device", "--subject", "P-101", "--name", "box", "--actor", "test"])
        #expect(created.status == 0, "\(created.stderrText)")
        let token = created.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        let listed = try IntakeBinary.run(["tokens", "list", "--db", db])
        #expect(listed.stdoutText.contains("device"))
        #expect(!listed.stdoutText.contains(token))

        let portFile = folder.appendingPathComponent("port")
        let process = Process()
        process.executableURL = try IntakeBinary.executable()
        process.currentDirectoryURL = IntakeBinary.packageRoot
        let events = folder.appendingPathComponent("events.jsonl")
        process.arguments = ["serve", "--db", db, "--data", folder.appendingPathComponent("server").path,
                             "--port", "0", "--port-file", portFile.path, "--events-file", events.path, "--log-level", "warning"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        var port: Int?
        for _ in 0..<600 where port == nil {
            port = (try? String(contentsOf: portFile, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if port == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        let base = "http://127.0.0.1:\(try #require(port, "intake serve did not start"))"

        var post = URLRequest(url: URL(string: "\(base)/v1/alerts")!)
        post.httpMethod = "POST"
        post.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        post.setValue("application/json", forHTTPHeaderField: "Content-Type")
        post.httpBody = try Data(contentsOf: IntakeBinary.packageFile("samples/vibration/p101-outer-race.json"))
        let (_, response) = try await BlockingHTTP.send(post)
        #expect(response.statusCode == 202)

        var metrics = ""
        for _ in 0..<200 {
            metrics = String(decoding: try await BlockingHTTP.send(URLRequest(url: URL(string: "\(base)/metrics")!)).0, as: UTF8.self)
            if metrics.contains(#"intake_orders{sandbox="vibration/p-101",status="pending_review"} 1"#) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(metrics.contains(#"intake_orders{sandbox="vibration/p-101",status="pending_review"} 1"#))
        #expect(metrics.contains(#"intake_stage_latency_seconds_bucket{route="vibration",stage="vibration.diagnose""#))
        #expect(metrics.contains("intake_stage_queue_depth"))
        #expect(metrics.contains("hb_requests"))

        // The order's event is delivered to the file named.
        var delivered = ""
        for _ in 0..<200 where !delivered.contains(#""type":"order.created""#) {
            delivered = (try? String(contentsOf: events, encoding: .utf8)) ?? ""
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(delivered.contains(#""type":"order.created""#), "no order.created event in \(events.path)")

        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
    }

    @Test func aPortInUseEndsServeAtOnceWithExit1AndSaysSo() throws {
        let folder = try makeTemporaryDirectory(prefix: "intake-serve")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (socket, port) = try Self.listeningSocket()
        defer { close(socket) }

        // Before, the pipeline's thread waited on its feed for ever and the process never exited.
        let run = try IntakeBinary.run([
            "serve", "--db", folder.appendingPathComponent("intake.db").path, "--data", folder.appendingPathComponent("server").path,
            "--port", "\(port)", "--log-level", "warning",
        ], timeout: 60)
        #expect(run.status == 1, "\(run)")
        #expect(run.stderrText.contains("cannot listen on 127.0.0.1:\(port): the port is in use"), "\(run)")
    }

    /// A TCP socket listening on a free port of 127.0.0.1.
    static func listeningSocket() throws -> (Int32, Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && listen(descriptor, 1) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        try #require(descriptor >= 0 && bound, "cannot listen on 127.0.0.1: \(String(cString: strerror(errno)))")
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }
}
