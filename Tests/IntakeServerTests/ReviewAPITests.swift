import Foundation
import IntakeCore
import IntakeReview
import Testing

/// The review API as the page uses it: list, claim, correct, approve, reject, sandboxes.
@Suite struct ReviewAPITests {
    private func submit(_ text: String, to server: TestServer) async throws -> String {
        let reply = try await server.request("POST", "/v1/messages", token: server.device, body: Data(text.utf8), contentType: "text/plain")
        let id = try #require(reply.json["id"] as? String)
        _ = try await server.waitForOrder(id)
        return id
    }

    @Test func aReviewerClaimsCorrectsAndApprovesWithAnAuditTrail() async throws {
        let server = try await TestServer()
        let id = try await submit("store 12: 3 iced americano with oat milk", to: server)
        let list = try await server.request("GET", "/v1/orders?status=pending_review", token: server.reviewer)
        #expect((list.json["orders"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])

        let claimed = try await server.request("POST", "/v1/orders/\(id)/claim", token: server.reviewer)
        #expect(claimed.json["claimed_by"] as? String == "alice")
        let otherReviewer = try TokenRegistry(store: server.queue.store).create(name: "bob", role: .reviewer, subject: nil, actor: "test").secret
        let conflict = try await server.post("/v1/orders/\(id)/approve", token: otherReviewer, json: [:])
        #expect(conflict.status == 409)

        let corrected = try await server.post(
            "/v1/orders/\(id)/correct", token: server.reviewer, json: ["set": ["lines[0].quantity": 4], "reason": "courier said four"])
        #expect(corrected.status == 200, "\(corrected.text)")
        #expect(corrected.json["status"] as? String == "approved")
        let detail = try server.queue.detail(id)
        #expect(detail.record.intent.lines[0].quantity == 4)
        #expect(detail.reviews.first?.actor == "alice")
        #expect(detail.reviews.first?.action == "correct")
        #expect(try server.queue.verifyAudit().valid)
        try await server.stop()
    }

    @Test func aCorrectionToASKUTheMasterLacksIs422AndTheOrderWaits() async throws {
        let server = try await TestServer()
        let id = try await submit("store 12: 3 butter croissants", to: server)
        let typo = try await server.post("/v1/orders/\(id)/correct", token: server.reviewer, json: ["set": ["lines[0].sku": "CAF-10344"]])
        #expect(typo.status == 422, "\(typo.text)")
        #expect(typo.text.contains("CAF-10344 is not in the material master"))
        #expect(try server.queue.detail(id).record.status == .pendingReview)
        let right = try await server.post("/v1/orders/\(id)/correct", token: server.reviewer, json: ["set": ["lines[0].sku": "CAF-1004"]])
        #expect(right.status == 200, "\(right.text)")
        #expect(try server.queue.detail(id).record.intent.lines[0].name == "Iced Americano")
        try await server.stop()
    }

    @Test func aListLimitThatIsNotAWholeNumberFrom1To5000Is400() async throws {
        let server = try await TestServer()
        _ = try await submit("store 12: 3 iced americano", to: server)
        for limit in ["abc", "1e30", "99999999999999999999", "0", "5001"] {
            let reply = try await server.request("GET", "/v1/orders?status=all&limit=\(limit)", token: server.reviewer)
            #expect(reply.status == 400, "limit=\(limit)")
        }
        let one = try await server.request("GET", "/v1/orders?status=all&limit=1", token: server.reviewer)
        #expect((one.json["orders"] as? [Any])?.count == 1)
        try await server.stop()
    }

    @Test func nextClaimsTheOldestAndRejectNeedsAReason() async throws {
        let server = try await TestServer()
        let first = try await submit("store 12: 3 iced americano", to: server)
        _ = try await submit("store 7: 2 butter croissants", to: server)
        let next = try await server.request("POST", "/v1/review/next", token: server.reviewer)
        #expect((next.json["record"] as? [String: Any])?["id"] as? String == first)
        let noReason = try await server.post("/v1/orders/\(first)/reject", token: server.reviewer, json: [:])
        #expect(noReason.status == 400)
        let rejected = try await server.post("/v1/orders/\(first)/reject", token: server.reviewer, json: ["reason": "duplicate of a phone order"])
        #expect(rejected.json["status"] as? String == "rejected")
        let badField = try await server.post("/v1/orders/\(first)/approve", token: server.reviewer, json: ["reason": 5])
        #expect(badField.status == 400)
        #expect(badField.errorCode == "bad_request")
        let unknown = try await server.request("GET", "/v1/orders/ord_000000000000000000000000", token: server.reviewer)
        #expect(unknown.status == 404)
        try await server.stop()
    }

    @Test func adminsPromoteAndDemoteSandboxesByTheirEncodedId() async throws {
        let server = try await TestServer()
        _ = try await submit("store 12: 3 iced americano", to: server)
        let sandboxes = try await server.request("GET", "/v1/sandboxes", token: server.reviewer)
        let ids = (sandboxes.json["sandboxes"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
        #expect(ids == ["text/p-101"])
        let promoted = try await server.post("/v1/sandboxes/text%2Fp-101/promote", token: server.admin, json: ["reason": "trusted courier app"])
        #expect(promoted.json["mode"] as? String == "auto", "\(promoted.text)")
        let policy = try await server.post("/v1/sandboxes/text%2Fp-101/policy", token: server.admin, json: ["promote_after": 50])
        #expect(policy.status == 200, "\(policy.text)")
        let demoted = try await server.post("/v1/sandboxes/text%2Fp-101/demote", token: server.admin, json: ["reason": "audit found an error"])
        #expect(demoted.json["mode"] as? String == "review")
        let detail = try await server.request("GET", "/v1/sandboxes/text%2Fp-101", token: server.reviewer)
        let actions = (detail.json["history"] as? [[String: Any]])?.compactMap { $0["action"] as? String } ?? []
        #expect(actions.contains("sandbox.promoted"))
        #expect(actions.contains("sandbox.demoted"))
        try await server.stop()
    }

    @Test func deadLettersKeepTheRejectedUploadsBytes() async throws {
        let server = try await TestServer()
        let bad = try TestServer.sample("samples/vibration/bad-truncated-payload.json")
        let reply = try await server.request("POST", "/v1/alerts", token: server.admin, body: bad, contentType: "application/json")
        let id = try #require(reply.json["id"] as? String)
        #expect(try await server.waitForOrder(id).status == .failed)
        let letters = try await server.request("GET", "/v1/deadletters", token: server.reviewer)
        #expect((letters.json["dead_letters"] as? [[String: Any]])?.first?["order_id"] as? String == id)
        let bytes = try await server.request("GET", "/v1/deadletters/\(id)/bytes", token: server.reviewer)
        #expect(bytes.body == bad)

        // A list is at most `limit` long, newest first.
        let second = try await server.request("POST", "/v1/alerts", token: server.admin, body: bad + Data(" ".utf8), contentType: "application/json")
        let secondID = try #require(second.json["id"] as? String)
        #expect(try await server.waitForOrder(secondID).status == .failed)
        let both = try await server.request("GET", "/v1/deadletters", token: server.reviewer)
        #expect((both.json["dead_letters"] as? [[String: Any]])?.count == 2)
        let newest = try await server.request("GET", "/v1/deadletters?limit=1", token: server.reviewer)
        #expect((newest.json["dead_letters"] as? [[String: Any]])?.compactMap { $0["order_id"] as? String } == [secondID])
        #expect(try await server.request("GET", "/v1/deadletters?limit=0", token: server.reviewer).status == 400)
        try await server.stop()
    }

    @Test func aDeadLetterRetriedOverHTTPRunsAgainUnderItsOrdersID() async throws {
        let server = try await TestServer()
        let bad = try TestServer.sample("samples/vibration/bad-truncated-payload.json")
        // With an Idempotency-Key, which the dead letter does not keep: the retry must still find the order.
        let reply = try await server.request(
            "POST", "/v1/alerts", token: server.admin, body: bad, contentType: "application/json", headers: ["Idempotency-Key": "edge-7"])
        let id = try #require(reply.json["id"] as? String)
        #expect(try await server.waitForOrder(id).status == .failed)

        let denied = try await server.request("POST", "/v1/deadletters/\(id)/retry", token: server.device)
        #expect(denied.status == 403)
        let retried = try await server.request("POST", "/v1/deadletters/\(id)/retry", token: server.reviewer)
        #expect(retried.status == 202, "\(retried.text)")
        #expect(retried.json["id"] as? String == id)
        #expect(retried.headers["location"] == "/v1/orders/\(id)")
        // The bytes are still truncated: the retry fails again, under the same order, and is counted.
        var failures = 0
        try await server.wait(for: "the retry's failure to be counted") {
            failures = try await server.request("GET", "/v1/deadletters/\(id)", token: server.reviewer).json["failures"] as? Int ?? 0
            return failures >= 2
        }
        #expect(failures == 2)
        #expect(try server.queue.record(id: id)?.status == .failed)
        #expect(try server.queue.deadLetters().map(\.orderID) == [id], "one dead letter, not a second order")
        let missing = try await server.request("POST", "/v1/deadletters/ord_000000000000000000000000/retry", token: server.reviewer)
        #expect(missing.status == 404)

        // Another actor on the same store (`intake deadletters retry` after a fix) stores the
        // order: the letter is resolved, and a second retry over HTTP is refused, not run.
        let failed = try #require(try server.queue.record(id: id))
        _ = try server.queue.submit([OrderRecord(id: id, status: .noAction, source: failed.source, pipeline: failed.pipeline, intent: .none)])
        #expect(try server.queue.deadLetters().isEmpty)
        let again = try await server.request("POST", "/v1/deadletters/\(id)/retry", token: server.reviewer)
        #expect(again.status == 409)
        #expect((again.json["error"] as? [String: Any])?["code"] as? String == "already_resolved", "\(again.text)")
        try await server.stop()
    }
}
