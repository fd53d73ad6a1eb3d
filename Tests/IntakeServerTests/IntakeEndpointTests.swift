import Foundation
import IntakeCore
import IntakeReview
import IntakeVibration
@testable import IntakeServer
import Testing

/// `POST /v1/alerts|messages|…` on a real server: 202 with a Location, the order stored by the
/// pipeline, idempotency keys, body limits, content types, tokens and rate limits.
@Suite struct IntakeEndpointTests {
    @Test func alertJSONIsAcceptedThenStoredAsARepairOrder() async throws {
        let server = try await TestServer()
        let reply = try await server.request(
            "POST", "/v1/alerts", token: server.device, body: try TestServer.sample("samples/vibration/p101-outer-race.json"),
            contentType: "application/json")
        #expect(reply.status == 202)
        let id = try #require(reply.json["id"] as? String)
        #expect(reply.headers["location"] == "/v1/orders/\(id)")
        let record = try await server.waitForOrder(id)
        #expect(record.intent.diagnosis?.fault == "outer_race")
        #expect(record.source.sender == "P-101")
        #expect(record.sandbox == "vibration/p-101")

        let detail = try await server.request("GET", "/v1/orders/\(id)", token: server.reviewer)
        #expect(detail.status == 200)
        let evidence = try #require((detail.json["record"] as? [String: Any])?["evidence"] as? [[String: Any]])
        #expect(evidence.contains { ($0["peak"] as? [String: Any])?["spectrum"] as? String == "envelope" })
        let input = try await server.request("GET", "/v1/orders/\(id)/input", token: server.reviewer)
        #expect(input.status == 200)
        #expect(input.body == (try TestServer.sample("samples/vibration/p101-outer-race.json")))
        try await server.stop()
    }

    @Test func binaryAlertWithHeadersBecomesTheSameKindOfOrder() async throws {
        let server = try await TestServer()
        // 2 s of a healthy P-101 at 25.6 kHz, as raw little-endian float32.
        let device = try #require(try TestServer.masterData().devices["P-101"])
        var samples = FaultSimulator().alert(.init(device: device, fault: .normal, duration: 2)).samples
        let body = samples.withUnsafeMutableBytes { Data($0) }
        let reply = try await server.request(
            "POST", "/v1/alerts", token: server.device, body: body, contentType: "application/octet-stream",
            headers: ["Alert-Device-Id": "P-101", "Alert-Sample-Rate-Hz": "25600", "Alert-Rpm": "2950", "Alert-Unit": "g"])
        #expect(reply.status == 202, "\(reply.text)")
        let record = try await server.waitForOrder(try #require(reply.json["id"] as? String))
        #expect(record.status == .noAction)
        #expect(record.intent.diagnosis?.fault == "normal")

        let other = try await server.request(
            "POST", "/v1/alerts", token: server.device, body: body, contentType: "application/octet-stream",
            headers: ["Alert-Device-Id": "F-201", "Alert-Sample-Rate-Hz": "25600"])
        #expect(other.status == 403)
        let missing = try await server.request(
            "POST", "/v1/alerts", token: server.device, body: body, contentType: "application/octet-stream",
            headers: ["Alert-Device-Id": "P-101"])
        #expect(missing.status == 400)
        try await server.stop()
    }

    @Test func sameIdempotencyKeyAndBodyGiveTheSameOrderAndAnotherBodyIs422() async throws {
        let server = try await TestServer()
        let headers = ["Idempotency-Key": "report-0001"]
        let first = try await server.request(
            "POST", "/v1/messages", token: server.device, body: Data("store 12: 3 iced americano".utf8), contentType: "text/plain", headers: headers)
        #expect(first.status == 202)
        let id = try #require(first.json["id"] as? String)
        _ = try await server.waitForOrder(id)
        let again = try await server.request(
            "POST", "/v1/messages", token: server.device, body: Data("store 12: 3 iced americano".utf8), contentType: "text/plain", headers: headers)
        #expect(again.status == 202)
        #expect(again.json["id"] as? String == id)
        #expect(again.json["replayed"] as? Bool == true)
        let changed = try await server.request(
            "POST", "/v1/messages", token: server.device, body: Data("store 12: 4 iced americano".utf8), contentType: "text/plain", headers: headers)
        #expect(changed.status == 422)
        #expect(changed.errorCode == "idempotency_key_reused")
        #expect(try server.queue.list(status: nil).count == 1)
        try await server.stop()
    }

    @Test func bodiesOverTheLimitAre413AndWrongTypes415AndEmpty400() async throws {
        let server = try await TestServer { $0.limits.messages = 1024 }
        let big = try await server.request(
            "POST", "/v1/messages", token: server.device, body: Data(repeating: 0x61, count: 4096), contentType: "text/plain")
        #expect(big.status == 413)
        let wrongType = try await server.request(
            "POST", "/v1/messages", token: server.device, body: Data("3 croissants".utf8), contentType: "image/png")
        #expect(wrongType.status == 415)
        let empty = try await server.request("POST", "/v1/messages", token: server.device, body: Data(), contentType: "text/plain")
        #expect(empty.status == 400)
        #expect(try server.queue.list(status: nil).isEmpty)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: server.configuration.dataFolder.appendingPathComponent("spool/incoming").path)
        #expect(leftovers.isEmpty)
        try await server.stop()
    }

    @Test func missingOrRevokedTokensAre401AndWrongRoles403() async throws {
        let server = try await TestServer()
        let anonymous = try await server.request("POST", "/v1/messages", body: Data("3 croissants".utf8), contentType: "text/plain")
        #expect(anonymous.status == 401)
        #expect(anonymous.headers["www-authenticate"] == "Bearer")
        let forged = try await server.request("GET", "/v1/orders", token: "itk_not-a-real-token")
        #expect(forged.status == 401)
        let deviceReading = try await server.request("GET", "/v1/orders", token: server.device)
        #expect(deviceReading.status == 403)
        let reviewerPromoting = try await server.post("/v1/sandboxes/text%2Fdefault/promote", token: server.reviewer, json: ["reason": "x"])
        #expect(reviewerPromoting.status == 403)
        let impersonating = try await server.request(
            "POST", "/v1/messages", token: server.device, body: Data("3 croissants".utf8), contentType: "text/plain",
            headers: ["Intake-Sender": "someone-else"])
        #expect(impersonating.status == 403)

        let registry = TokenRegistry(store: server.queue.store)
        let id = try #require(try registry.list().first { $0.name == "alice" }?.id)
        #expect(try await server.request("GET", "/v1/me", token: server.reviewer).status == 200)
        try registry.revoke(id, actor: "test")
        #expect(try await server.request("GET", "/v1/me", token: server.reviewer).status == 401)
        try await server.stop()
    }

    @Test func aTokenOverItsRateLimitGets429WithRetryAfter() async throws {
        let server = try await TestServer {
            $0.ratePerSecond = 0.001  // no refill during the test, however slow the machine
            $0.rateBurst = 3
        }
        var statuses: [Int] = []
        for _ in 0..<5 { statuses.append(try await server.request("GET", "/v1/me", token: server.reviewer).status) }
        #expect(statuses.prefix(3).allSatisfy { $0 == 200 })
        let limited = try await server.request("GET", "/v1/me", token: server.reviewer)
        #expect(limited.status == 429)
        #expect(limited.headers["retry-after"] != nil)
        // Another token has its own bucket.
        #expect(try await server.request("GET", "/v1/me", token: server.admin).status == 200)
        try await server.stop()
    }

    @Test func aModalityWithoutARouteIs501() async throws {
        let server = try await TestServer(withoutRoutes: [.document])
        let reply = try await server.request(
            "POST", "/v1/documents", token: server.device, body: Data([0x89, 0x50, 0x4E, 0x47]), contentType: "image/png")
        #expect(reply.status == 501)
        #expect(reply.errorCode == "modality_not_configured")
        try await server.stop()
    }

    @Test func aCorruptScanIsAcceptedThenFailsWithItsReason() async throws {
        let server = try await TestServer()
        let reply = try await server.request(
            "POST", "/v1/documents", token: server.device, body: Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]),
            contentType: "image/png")
        #expect(reply.status == 202)
        let id = try #require(reply.json["id"] as? String)
        let order = try await server.waitForOrder(id)
        #expect(order.status == .failed)
        #expect(order.error?.code == "unreadable_image")
        try await server.stop()
    }

    @Test func aFilePartSentAsHTMLIsKeptAndServedAsBytesNeverAsAPage() async throws {
        let server = try await TestServer()
        let boundary = "intake-test-boundary"
        let page = Data("<html><script>alert(document.domain)</script> store 3: 2 iced americano</html>".utf8)
        var form = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.html\"\r\nContent-Type: text/html\r\n\r\n".utf8)
        form += page + Data("\r\n--\(boundary)--\r\n".utf8)
        let reply = try await server.request(
            "POST", "/v1/audio", token: server.device, body: form, contentType: "multipart/form-data; boundary=\(boundary)")
        #expect(reply.status == 202, "\(reply.text)")
        let id = try #require(reply.json["id"] as? String)
        _ = try await server.waitForOrder(id)

        let input = try await server.request("GET", "/v1/orders/\(id)/input", token: server.reviewer)
        #expect(input.status == 200)
        #expect(input.body == page)
        // Served as text/html, the upload would run as a page in the review page's origin.
        #expect(input.headers["content-type"] == "application/octet-stream")
        #expect(input.headers["x-content-type-options"] == "nosniff")
        #expect(input.headers["content-security-policy"]?.hasPrefix("sandbox") == true)
        try await server.stop()
    }

    @Test func aBodyTricklingInPastTheUploadTimeoutIsRefusedWith408AndLeavesNothing() async throws {
        let server = try await TestServer { $0.uploadTimeout = 1 }
        // 20 bytes every 0.1 s never goes silent (the idle timeout is 30 s) but would take 20 s.
        let answer = try await RawHTTP.trickle(
            port: server.port, path: "/v1/messages", token: server.device, contentType: "text/plain",
            length: 4_000, chunk: 20, every: 0.1)
        #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer)")
        #expect(try server.queue.list(status: nil).isEmpty)
        let incoming = server.configuration.dataFolder.appendingPathComponent("spool/incoming")
        #expect(try FileManager.default.contentsOfDirectory(atPath: incoming.path).isEmpty, "the partial body is removed")
        try await server.stop()
    }

    @Test func aBrokenChunkedBodyIs400AndLeavesNothing() async throws {
        let server = try await TestServer()
        let answer = try await RawHTTP.send(port: server.port, """
            POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(server.device)\r\n\
            Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n
            """)
        #expect(answer.hasPrefix("HTTP/1.1 400"), "\(answer)")
        #expect(answer.contains("chunked"), "the message names the cause")
        #expect(try server.queue.list(status: nil).isEmpty)
        let incoming = server.configuration.dataFolder.appendingPathComponent("spool/incoming")
        #expect(try FileManager.default.contentsOfDirectory(atPath: incoming.path).isEmpty)
        try await server.stop()
    }

    @Test func anIdempotencyKeySenderOrFilenameOver255BytesIs400() async throws {
        let server = try await TestServer()
        for name in ["Idempotency-Key", "Intake-Sender", "Intake-Filename"] {
            let long = try await server.request(
                "POST", "/v1/messages", token: server.reviewer, body: Data("3 croissants".utf8), contentType: "text/plain",
                headers: [name: String(repeating: "k", count: 256)])
            #expect(long.status == 400, "\(name)")
            #expect(long.text.contains(name), "the message names the field")
        }
        #expect(try server.queue.list(status: nil).isEmpty)
        let fits = try await server.request(
            "POST", "/v1/messages", token: server.reviewer, body: Data("3 croissants".utf8), contentType: "text/plain",
            headers: ["Idempotency-Key": String(repeating: "k", count: 255)])
        #expect(fits.status == 202)
        try await server.stop()
    }
}
