import Foundation
import Testing

/// `/healthz`, `/readyz`, `/metrics` and the review page's files.
@Suite struct OperationsTests {
    @Test func healthReadinessAndPrometheusMetrics() async throws {
        let server = try await TestServer()
        #expect(try await server.request("GET", "/healthz").text == "ok\n")
        let ready = try await server.request("GET", "/readyz")
        #expect(ready.status == 200)
        #expect(ready.json["pipeline"] as? String == "running")

        let reply = try await server.request(
            "POST", "/v1/alerts", token: server.device, body: try TestServer.sample("samples/vibration/p101-outer-race.json"),
            contentType: "application/json")
        _ = try await server.waitForOrder(try #require(reply.json["id"] as? String))
        // The store's gauges; what swift-metrics records (stage latencies…) reaches /metrics once
        // the process bootstraps it, which `intake serve` does (ServeCommandTests checks that).
        let metrics = try await server.request("GET", "/metrics").text
        #expect(metrics.contains(#"intake_orders{sandbox="vibration/p-101",status="pending_review"} 1"#))
        #expect(metrics.contains(#"intake_sandbox_streak{sandbox="vibration/p-101"} 0"#))
        #expect(metrics.contains(#"intake_sandbox_auto{sandbox="vibration/p-101"} 0"#))
        #expect(metrics.contains("intake_dead_letters_open 0"))
        #expect(metrics.contains("intake_server_queued_inputs 0"))
        try await server.stop()
    }

    @Test func aGracefulStopDeliversTheEventsOfTheOrdersStoredWhileDraining() async throws {
        let events = FileManager.default.temporaryDirectory.appendingPathComponent("intake-events-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: events) }
        let server = try await TestServer(eventsFile: events)
        let reply = try await server.request(
            "POST", "/v1/messages", token: server.admin, body: Data("store 12: 3 butter croissants".utf8), contentType: "text/plain")
        let id = try #require(reply.json["id"] as? String, "\(reply.status) \(reply.text)")
        _ = try await server.waitForOrder(id)
        // Stopped at once: the relay's next pass (every second) has not come yet.
        try await server.stop()
        let delivered = (try? String(contentsOf: events, encoding: .utf8)) ?? ""
        #expect(delivered.contains(#""type":"order.created""#) && delivered.contains(id), "\(delivered)")
    }

    @Test func theReviewPageIsServedWithoutAToken() async throws {
        let server = try await TestServer()
        let page = try await server.request("GET", "/")
        #expect(page.status == 200)
        #expect(page.headers["content-type"]?.hasPrefix("text/html") == true)
        #expect(page.text.contains("review.js"))
        #expect(try await server.request("GET", "/review.js").status == 200)
        #expect(try await server.request("GET", "/review.css").status == 200)
        #expect(try await server.request("GET", "/../Package.swift").status == 404)
        try await server.stop()
    }
}
