import Foundation
import Synchronization
import IntakeCore
import Testing
@testable import IntakeReview

@Suite("Outbox: CloudEvents written with each change and relayed at least once")
struct OutboxRelayTests {
    @Test("Each change writes a CloudEvent in the same transaction", arguments: StoreKind.available)
    func eventsWritten(_ kind: StoreKind) throws {
        let fixture = try TemporaryStore(kind)
        let queue = fixture.queue()
        let id = try queue.submit([makeRecord(1)])[0].record.id
        try queue.approve(id, actor: "alice")
        let file = fixture.folder.appendingPathComponent("events.jsonl")
        let relay = OutboxRelay(store: fixture.store, sinks: [JSONLinesEventSink(name: "file", url: file)])
        #expect(try relay.deliverDue() == ["file": .init(delivered: 3, failed: 0, pending: 0)])
        let events = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(CloudEvent.self, from: Data($0.utf8)) }
        #expect(events.map(\.type) == ["sandbox.created", "order.created", "order.approved"])
        #expect(events.map(\.source) == ["/intake/sandboxes", "/intake/orders", "/intake/orders"])
        #expect(events.allSatisfy { $0.specversion == "1.0" && !$0.id.isEmpty && !$0.time.isEmpty })
        #expect(events[2].subject == id)
        guard case let .object(data) = events[2].data, case let .object(order)? = data["order"] else {
            Issue.record("order.approved carries the order: \(events[2].data)")
            return
        }
        #expect(order["status"] == .string("approved"))
        #expect(data["actor"] == .string("alice"))
        #expect(try relay.deliverDue() == ["file": .init()], "nothing is delivered twice")
    }

    /// A sink that takes as many events as it is allowed, and refuses the rest.
    final class GatedSink: EventSink, Sendable {
        let name = "erp"
        let maxAttempts = 2
        let backoff = 0.0
        private let allowed = Mutex(0)
        func allow(_ count: Int) { allowed.withLock { $0 = count } }
        func deliver(_ event: CloudEvent) throws {
            try allowed.withLock { left in
                guard left > 0 else { throw EventDeliveryError(reason: "refused") }
                left -= 1
            }
        }
    }

    @Test("A delivered event leaves the outbox after the retention: not before, not while one of the relay's sinks lacks it, not if a sink gave up on it",
          arguments: StoreKind.available)
    func deliveredEventsExpire(_ kind: StoreKind) throws {
        let fixture = try TemporaryStore(kind)
        let queue = fixture.queue()
        let ids = try queue.submit([makeRecord(1), makeRecord(2)]).map(\.record.id)  // events 1–3
        func left() throws -> [Int64] {
            try fixture.store.read { try $0.values(Int64.self, sql: "SELECT seq FROM outbox ORDER BY seq", arguments: []) }
        }
        // A sink taken out of the pipeline file long ago keeps its cursor: it holds nothing back.
        try fixture.store.write { db in
            try db.execute(sql: "INSERT INTO outbox_cursors (sink, delivered_through) VALUES ('retired-webhook', 0)")
        }
        let file = fixture.folder.appendingPathComponent("events.jsonl")
        let erp = GatedSink()
        let relay = OutboxRelay(
            store: fixture.store, sinks: [JSONLinesEventSink(name: "file", url: file), erp], retention: 3600,
            clock: { [clock = fixture.clock] in clock.now })

        erp.allow(1)
        #expect(try relay.deliverDue() == ["file": .init(delivered: 3), "erp": .init(delivered: 1, pending: 2)])
        #expect(try left() == [1, 2, 3], "delivered, but within the retention")
        fixture.clock.advance(3601)
        // erp refuses event 2 a second time and gives up on it (its max attempts), then refuses 3.
        #expect(try relay.deliverDue()["erp"] == .init(delivered: 0, failed: 1, pending: 1))
        #expect(try left() == [2, 3], "erp has not had event 3; it gave up on event 2, which stays")
        erp.allow(10)
        #expect(try relay.deliverDue()["erp"]?.delivered == 1)
        #expect(try left() == [2, 3], "event 3 is the newest: it stays")

        try queue.approve(ids[0], actor: "alice")  // event 4, now
        #expect(try relay.deliverDue() == ["file": .init(delivered: 1), "erp": .init(delivered: 1)],
                "a new event gets a number past every cursor")
        #expect(try left() == [2, 4], "event 3 went once it was not the newest; event 4 is within the retention")
        fixture.clock.advance(3601)
        _ = try relay.deliverDue()
        #expect(try left() == [2, 4])
        #expect(try String(contentsOf: file, encoding: .utf8).split(separator: "\n").count == 4, "each event was delivered once")
    }

    @Test("A failing webhook is retried with back-off and, once it recovers, gets every event in order")
    func failingWebhookRecovers() throws {
        let server = try ScriptedHTTPServer(statuses: [503, 500])
        defer { server.stop() }
        let fixture = try TemporaryStore()
        let queue = fixture.queue()
        _ = try queue.submit([makeRecord(1), makeRecord(2)])
        let sink = WebhookEventSink(name: "erp", url: server.url, maxAttempts: 5, backoff: 10, timeout: 5)
        let relay = OutboxRelay(store: fixture.store, sinks: [sink], clock: { [clock = fixture.clock] in clock.now })

        #expect(try relay.deliverDue()["erp"] == .init(delivered: 0, failed: 0, pending: 3))
        #expect(try relay.deliverDue()["erp"] == .init(delivered: 0, failed: 0, pending: 3), "backing off: no attempt yet")
        #expect(server.requests.count == 1)
        fixture.clock.advance(10)
        #expect(try relay.deliverDue()["erp"]?.delivered == 0, "second failure")
        fixture.clock.advance(10)
        #expect(try relay.deliverDue()["erp"]?.delivered == 0, "back-off doubled to 20 s")
        fixture.clock.advance(10)
        #expect(try relay.deliverDue()["erp"] == .init(delivered: 3, failed: 0, pending: 0))

        let requests = server.requests
        #expect(requests.count == 5)
        #expect(requests.allSatisfy { $0.headers["content-type"]?.hasPrefix("application/cloudevents+json") == true })
        let delivered = try requests.suffix(3).map { try JSONDecoder().decode(CloudEvent.self, from: $0.body) }
        #expect(delivered.map(\.type) == ["sandbox.created", "order.created", "order.created"])
        let first = try JSONDecoder().decode(CloudEvent.self, from: requests[0].body)
        #expect(first.id == delivered[0].id, "a retried event keeps its id, so consumers can dedupe")
    }

    @Test("An event the webhook never accepts is recorded as undeliverable after max_attempts, and the rest flow on")
    func undeliverableEventIsSkipped() throws {
        let server = try ScriptedHTTPServer(statuses: [500, 500])
        defer { server.stop() }
        let fixture = try TemporaryStore()
        let queue = fixture.queue()
        _ = try queue.submit([makeRecord(1)])
        let relay = OutboxRelay(
            store: fixture.store, sinks: [WebhookEventSink(name: "erp", url: server.url, maxAttempts: 2, backoff: 0)],
            clock: { [clock = fixture.clock] in clock.now })
        _ = try relay.deliverDue()
        let report = try relay.deliverDue()["erp"]
        #expect(report == .init(delivered: 1, failed: 1, pending: 0))
        let failures = try fixture.store.read { try $0.value(Int.self, sql: "SELECT COUNT(*) FROM outbox_failures WHERE sink = 'erp'") }
        #expect(failures == 1)
    }

    @Test("An outbox row that cannot be read back is recorded as undeliverable, and the events around it reach the file")
    func unreadableEventIsSkipped() throws {
        let fixture = try TemporaryStore()
        let queue = fixture.queue()
        _ = try queue.submit([makeRecord(1), makeRecord(2)])
        try fixture.store.write { try $0.execute(sql: "UPDATE outbox SET event = '{\"id\": 7' WHERE seq = 2", arguments: []) }
        let file = fixture.folder.appendingPathComponent("events.jsonl")
        let relay = OutboxRelay(
            store: fixture.store, sinks: [JSONLinesEventSink(name: "file", url: file, maxAttempts: 1)],
            clock: { [clock = fixture.clock] in clock.now })
        #expect(try relay.deliverDue()["file"] == .init(delivered: 2, failed: 1, pending: 0))
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        #expect(try lines.map { try JSONDecoder().decode(CloudEvent.self, from: Data($0.utf8)).type } == ["sandbox.created", "order.created"])
        let failed = try fixture.store.read { try $0.value(Int.self, sql: "SELECT seq FROM outbox_failures WHERE sink = 'file'") }
        #expect(failed == 2)
        #expect(try relay.deliverDue()["file"] == .init(), "nothing is delivered twice")
    }

    @Test("An event read back from the outbox's JSON text equals the event written")
    func storedEventRoundTrips() throws {
        let event = CloudEvent(
            id: "evt_1", source: "/intake/orders", type: "order.created", subject: "ord_1", time: "2026-12-05T09:00:00Z",
            data: .object(["lines": .array([.number(2), .string("CAF-1001"), .null, .bool(true)]), "note": .string("oat \"milk\"")]))
        #expect(try CloudEvent(storedJSON: event.json.description) == event)
        #expect(throws: (any Error).self) { try CloudEvent(storedJSON: #"{"id": "evt_1"}"#) }
    }

    @Test("Event sinks are read from the pipeline file's events section, with clear errors")
    func sinksFromConfiguration() throws {
        let yaml = """
            events:
              - { name: file, type: jsonl, path: events.jsonl }
              - { name: erp, type: webhook, url: "http://127.0.0.1:9/x", max_attempts: 3, backoff: 2s }
            """
        let node = try ConfigNode.parse(yaml, file: "/tmp/p.yaml").required("events")
        let sinks = try EventSinkConfiguration.sinks(from: node)
        #expect(sinks.map(\.name) == ["file", "erp"])
        #expect((sinks[0] as? JSONLinesEventSink)?.url.path == "/tmp/events.jsonl")
        #expect(sinks[1].maxAttempts == 3 && sinks[1].backoff == 2)

        let bad = try ConfigNode.parse("events:\n  - { type: carrier-pigeon }\n", file: "p.yaml").required("events")
        #expect(throws: ConfigurationError.self) { try EventSinkConfiguration.sinks(from: bad) }
    }
}
