import Foundation
import GRDB
import IntakeCore
import Testing
@testable import IntakeReview

@Suite("Submitting orders to the store")
struct SubmissionTests {
    @Test("Re-submitting the same record returns the stored order and creates nothing", arguments: StoreKind.available)
    func resubmissionIsIdempotent(_ kind: StoreKind) throws {
        let fixture = try TemporaryStore(kind)
        let queue = fixture.queue()
        let first = try queue.submit([makeRecord(1), makeRecord(2)])
        #expect(first.allSatisfy { $0.created })
        #expect(first.map(\.record.status) == [.pendingReview, .pendingReview])
        #expect(first.map(\.record.sandbox) == ["text/default", "text/default"])

        var changed = makeRecord(1)
        changed.intent.lines[0].quantity = 99
        let second = try queue.submit([changed, makeRecord(2), makeRecord(2)])
        #expect(second.map(\.created) == [false, false, false])
        #expect(second[0].record == first[0].record, "the stored order wins over a re-submission")
        #expect(try queue.counts() == ["pending_review": 2])
    }

    @Test("A failed order is replaced when a retry of the same input succeeds, and its dead letter is resolved", arguments: StoreKind.available)
    func failedOrderIsRecovered(_ kind: StoreKind) throws {
        let fixture = try TemporaryStore(kind)
        let queue = fixture.queue()
        let failed = makeRecord(7, status: .failed)
        try queue.store(DeadLetter(
            orderID: failed.id, stage: "text.decode", code: "empty_message", reason: "the message is empty",
            input: ReceivedInput(uri: "test:7", bytes: Data("order 7".utf8))))
        _ = try queue.submit([failed])
        #expect(try queue.submit([failed])[0].created == false, "failing again changes nothing")
        #expect(try queue.finishedRecord(id: failed.id) == nil, "a failed order is worth processing again")

        let recovered = try queue.submit([makeRecord(7)])
        #expect(recovered[0].created)
        #expect(recovered[0].record.status == .pendingReview)
        #expect(try queue.deadLetters().isEmpty)
        #expect(try queue.deadLetters(includeResolved: true).first?.resolvedAt != nil)
        #expect(try queue.history(of: failed.id).map(\.action) == ["deadletter.created", "order.created", "order.recovered"])
    }

    @Test("Dead letters keep the original bytes and count repeated failures", arguments: StoreKind.available)
    func deadLettersKeepBytes(_ kind: StoreKind) throws {
        let fixture = try TemporaryStore(kind)
        let queue = fixture.queue()
        let bytes = Data([0x00, 0xFF, 0x10, 0x80])
        let letter = DeadLetter(
            orderID: "ord_000000000000000000000001", stage: "sniff", code: "unsupported_input", reason: "no route",
            input: ReceivedInput(uri: "/in/x.bin", sender: "scanner-2", bytes: bytes))
        try queue.store(letter)
        try queue.store(letter)
        let (stored, kept) = try queue.deadLetter(letter.orderID)
        #expect(kept == bytes)
        #expect(stored.failures == 2)
        #expect(stored.sender == "scanner-2")
        #expect(stored.size == 4)
    }

    @Test("A store locked by another process refuses the write with a clear error and writes nothing")
    func lockedDatabase() throws {
        let fixture = try TemporaryStore(busyTimeout: 0.2)
        let queue = fixture.queue()
        _ = try queue.submit([makeRecord(1)])

        let other = try DatabaseQueue(path: fixture.path)
        try other.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            #expect(throws: ReviewError.databaseLocked(path: fixture.path)) { try queue.submit([makeRecord(2)]) }
            try db.execute(sql: "ROLLBACK")
        }
        #expect(try queue.counts() == ["pending_review": 1])
        #expect(try queue.submit([makeRecord(2)])[0].created, "the write succeeds once the lock is gone")
    }

    @Test("A full database refuses a batch whole: no order is half written")
    func fullDatabase() throws {
        let fixture = try TemporaryStore()
        let queue = fixture.queue()
        _ = try queue.submit([makeRecord(0)])
        try (fixture.store.backend as! SQLiteBackend).pool.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(pages + 2)")
        }
        var stored = 1
        var failure: (any Error)?
        for batch in 0..<200 where failure == nil {
            do {
                stored += try queue.submit((1...20).map { makeRecord(batch * 20 + $0) }).count
            } catch {
                failure = error
            }
        }
        #expect(failure as? ReviewError == .storageFull(path: fixture.path), "\(String(describing: failure))")
        #expect(try queue.counts() == ["pending_review": stored])
        let lines = try fixture.store.read { try $0.value(Int.self, sql: "SELECT COUNT(*) FROM order_lines") }
        #expect(lines == stored, "every stored order has its line, and no line lacks its order")
        #expect(try queue.verifyAudit().valid)
    }
}
