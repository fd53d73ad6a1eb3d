import Foundation
import IntakeTestSupport
import IntakeCore
import Synchronization
import Testing
@testable import IntakeReview

@Suite("Work queue: inputs claimed by many workers, exactly one order each")
struct WorkQueueTests {
    static func inputs(_ range: ClosedRange<Int>) -> [PipelineInput] {
        range.map { PipelineInput(uri: "inbox/\($0).txt", bytes: Data("order \($0)".utf8)) }
    }

    @Test("Enqueuing the same input twice adds it once, under the id of the order it will become", arguments: StoreKind.available)
    func enqueueIsIdempotent(_ kind: StoreKind) throws {
        let fixture = try TemporaryStore(kind)
        let work = WorkQueue(store: fixture.store, pipeline: "default")
        #expect(try work.enqueue(Self.inputs(1...3)) == 3)
        #expect(try work.enqueue(Self.inputs(2...4)) == 1)
        #expect(try work.counts() == .init(queued: 4, leased: 0, done: 0, takenOver: 0))
        let items = try work.claim(worker: "a", limit: 10)
        let expected = ContentHash.orderID(sha256: ContentHash.sha256(Data("order 1".utf8)), pipeline: "default")
        #expect(items.first?.id == expected)
        #expect(items.map(\.uri) == (1...4).map { "inbox/\($0).txt" }, "oldest first")
    }

    @Test("A sidecar's waveform is enqueued with it: a worker gets its bytes after the file is gone; they go once the order is stored",
          arguments: StoreKind.available)
    func companionsAreQueuedWithTheirInput(_ kind: StoreKind) throws {
        let fixture = try TemporaryStore(kind)
        let folder = try makeTemporaryDirectory(prefix: "intake-work")
        defer { try? FileManager.default.removeItem(at: folder) }
        let waveform = folder.appendingPathComponent("capture.csv")
        let samples = Data("g\n0.1\n-0.2\n".utf8)
        try samples.write(to: waveform)
        let input = PipelineInput(
            uri: folder.appendingPathComponent("capture.json").path, companions: [CompanionFile(path: waveform.path)],
            bytes: Data(#"{"device_id":"P-101","sample_rate_hz":4000}"#.utf8))
        let work = WorkQueue(store: fixture.store, pipeline: "default")
        #expect(try work.enqueue([input]) == 1)
        try FileManager.default.removeItem(at: waveform)

        let item = try #require(try work.claim(worker: "a", limit: 1).first)
        let kept = try #require(item.input.companions.first)
        #expect(kept.path == waveform.path)
        #expect(try kept.load() == samples)
        #expect(try item.input.identity(of: item.bytes) == item.sha256)

        var stored = makeRecord(1)
        stored.id = item.id
        _ = try fixture.queue().submit([stored])
        let left = try fixture.store.read { try $0.value(Int.self, sql: "SELECT COUNT(*) FROM work_item_files") }
        #expect(left == 0)
    }

    @Test("Two workers never hold the same item; a dead worker's items are taken over when its lease ends", arguments: StoreKind.available)
    func leasesAndTakeover(_ kind: StoreKind) throws {
        let fixture = try TemporaryStore(kind)
        let work = WorkQueue(store: fixture.store, pipeline: "default", lease: 30, clock: { [clock = fixture.clock] in clock.now })
        try work.enqueue(Self.inputs(1...4))
        let first = try work.claim(worker: "a", limit: 2)
        let second = try work.claim(worker: "b", limit: 10)
        #expect(Set(first.map(\.id)).isDisjoint(with: second.map(\.id)))
        #expect(first.count + second.count == 4)
        #expect(try work.claim(worker: "c", limit: 10).isEmpty, "everything is leased")

        // Worker a dies; b keeps renewing. After the lease, c gets a's items only, on their second attempt.
        fixture.clock.advance(20)
        try work.renew(worker: "b", ids: second.map(\.id))
        fixture.clock.advance(15)
        let takenOver = try work.claim(worker: "c", limit: 10)
        #expect(Set(takenOver.map(\.id)) == Set(first.map(\.id)))
        #expect(takenOver.allSatisfy { $0.attempts == 2 })
        #expect(try work.counts().takenOver == 2)
    }

    @Test("A worker renews only the leases it knows it holds: items of a claim whose answer was lost are taken over",
          arguments: StoreKind.available)
    func renewalSkipsItemsTheWorkerNeverReceived(_ kind: StoreKind) throws {
        let fixture = try TemporaryStore(kind)
        let queue = fixture.queue()
        let work = WorkQueue(store: fixture.store, pipeline: "default", lease: 30, clock: { [clock = fixture.clock] in clock.now })
        try work.enqueue(Self.inputs(1...4))
        // The first claim committed but its answer never reached worker a (the connection dropped).
        let lost = try work.claim(worker: "a", limit: 2)
        let received = try work.claim(worker: "a", limit: 2)
        var finished = makeRecord(1)
        finished.id = received[0].id
        _ = try queue.submit([finished])

        fixture.clock.advance(20)
        let stillHeld = try work.renew(worker: "a", ids: received.map(\.id))
        #expect(stillHeld == [received[1].id], "the finished item is no longer held")
        fixture.clock.advance(15)
        #expect(try work.unfinished(excluding: stillHeld) == 2, "a draining worker waits for the items it never received")
        let takenOver = try work.claim(worker: "b", limit: 10)
        #expect(Set(takenOver.map(\.id)) == Set(lost.map(\.id)))
    }

    @Test("Storing an item's order finishes the item in the same transaction, and lets its bytes go", arguments: StoreKind.available)
    func submitFinishesItem(_ kind: StoreKind) throws {
        let fixture = try TemporaryStore(kind)
        let queue = fixture.queue()
        let work = WorkQueue(store: fixture.store, pipeline: "default")
        let record = makeRecord(1)
        try work.enqueue([PipelineInput(uri: "x", idempotencyKey: "key-1", bytes: Data("order 1".utf8))])
        let item = try #require(try work.claim(worker: "a", limit: 1).first)
        #expect(item.id == ContentHash.orderID(idempotencyKey: "key-1"))
        var stored = record
        stored.id = item.id
        _ = try queue.submit([stored])
        #expect(try work.counts() == .init(queued: 0, leased: 0, done: 1, takenOver: 0))
        #expect(try work.unfinished(excluding: [String]()) == 0)
        let kept = try fixture.store.read { try $0.value(Int.self, sql: "SELECT SUM(length(bytes)) FROM work_items") }
        #expect(kept == 0, "a finished item's bytes are not kept: its order is stored")
        #expect(try work.enqueue([PipelineInput(uri: "x", idempotencyKey: "key-1", bytes: Data("order 1".utf8))]) == 0,
                "an input whose order exists is not queued again")
    }

    @Test("An input that stopped every worker that claimed it is retired to the dead letters, not handed out again",
          arguments: StoreKind.available)
    func poisonInputIsRetired(_ kind: StoreKind) throws {
        let fixture = try TemporaryStore(kind)
        let queue = fixture.queue()
        let work = WorkQueue(store: fixture.store, pipeline: "default", lease: 10, clock: { [clock = fixture.clock] in clock.now })
        let poison = Data("order that kills workers".utf8)
        try work.enqueue([PipelineInput(uri: "inbox/poison.txt", sender: "app-1", bytes: poison)] + Self.inputs(1...1))
        // Two workers claim the poisonous item and die holding it (the healthy one is finished normally).
        for worker in ["a", "b"] {
            for item in try work.claim(worker: worker, limit: 2) where item.uri != "inbox/poison.txt" {
                var record = makeRecord(1)
                record.id = item.id
                _ = try queue.submit([record])
            }
            fixture.clock.advance(11)
        }

        let inputs = ClaimedInputs(queue: work, worker: "c", deadLetters: queue, maxAttempts: 2, poll: 0.01, untilEmpty: true)
        #expect(inputs.next() == nil, "the poisonous item is not handed to a third worker")
        try inputs.finish()
        #expect(inputs.retired == 1)
        #expect(try work.counts() == .init(queued: 0, leased: 0, done: 2, takenOver: 1))

        let letter = try #require(try queue.deadLetters().first)
        #expect(letter.code == "poison_input")
        #expect(letter.stage == "worker")
        #expect(letter.reason.contains("2 workers claimed this input"))
        #expect(try queue.deadLetter(letter.orderID).bytes == poison, "the original bytes are kept")
        let order = try #require(try queue.record(id: letter.orderID))
        #expect(order.status == .failed)
        #expect(order.error?.code == "poison_input")
        #expect(order.source.sender == "app-1")
        #expect(try queue.verifyAudit().valid)
    }

    @Test("Items claimed but never started go back to the queue at once", arguments: StoreKind.available)
    func releaseUnstarted(_ kind: StoreKind) throws {
        let fixture = try TemporaryStore(kind)
        let work = WorkQueue(store: fixture.store, pipeline: "default")
        try work.enqueue(Self.inputs(1...3))
        let items = try work.claim(worker: "a", limit: 3)
        try work.release(items.map(\.id), worker: "a")
        let again = try work.claim(worker: "b", limit: 3)
        #expect(again.count == 3)
        #expect(again.allSatisfy { $0.attempts == 1 }, "a released claim is not counted as an attempt")
    }

    @Test("Workers claiming at once from several threads split the queue without overlap", arguments: StoreKind.available)
    func concurrentClaims(_ kind: StoreKind) throws {
        let fixture = try TemporaryStore(kind)
        let work = WorkQueue(store: fixture.store, pipeline: "default")
        try work.enqueue(Self.inputs(1...120))
        let claimed = Mutex<[String: [String]]>([:])
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            let name = "w\(worker)"
            while let items = try? work.claim(worker: name, limit: 3), !items.isEmpty {
                claimed.withLock { $0[name, default: []] += items.map(\.id) }
            }
        }
        let all = claimed.withLock { $0.values.flatMap { $0 } }
        #expect(all.count == 120, "each item claimed once")
        #expect(Set(all).count == 120)
    }

    @Test("Reviewers approving at once lose no update: the streak counts every approval and the audit chain holds",
          arguments: StoreKind.available)
    func concurrentReviews(_ kind: StoreKind) throws {
        let fixture = try TemporaryStore(kind)
        let queue = fixture.queue(ReviewSettings(defaults: SandboxPolicyOverrides(promoteAfter: 1000, auditRate: 0)))
        let ids = try queue.submit((1...40).map { makeRecord($0) }).map(\.record.id)
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 4) { reviewer in
            for id in ids.enumerated().filter({ $0.offset % 4 == reviewer }).map(\.element) {
                do { try queue.approve(id, actor: "reviewer-\(reviewer)") } catch { failures.withLock { $0 += 1 } }
            }
        }
        #expect(failures.withLock { $0 } == 0)
        let sandbox = try #require(try queue.sandboxes().first)
        #expect(sandbox.streak == 40)
        #expect(sandbox.reviewed == 40)
        let verification = try queue.verifyAudit()
        #expect(verification.valid, "\(verification.problems)")
        #expect(verification.entries == 1 + 40 + 40)
    }
}
