import Foundation
import GRDB
import Testing
@testable import IntakeReview

@Suite("Audit trail")
struct AuditChainTests {
    /// A store with a few orders, reviews and a promotion.
    static func populated(_ kind: StoreKind) throws -> (TemporaryStore, ReviewQueue) {
        let fixture = try TemporaryStore(kind)
        let queue = fixture.queue(ReviewSettings(defaults: SandboxPolicyOverrides(promoteAfter: 2, auditRate: 0)))
        let ids = try queue.submit((1...4).map { makeRecord($0) }).map(\.record.id)
        try queue.approve(ids[0], actor: "alice")
        try queue.approve(ids[1], actor: "alice")
        try queue.reject(ids[2], actor: "bob", reason: "duplicate")
        return (fixture, queue)
    }

    @Test("Every change is recorded with actor, time, reason and a chained hash; an untouched trail verifies", arguments: StoreKind.available)
    func intactChainVerifies(_ kind: StoreKind) throws {
        let (_, queue) = try Self.populated(kind)
        let verification = try queue.verifyAudit()
        #expect(verification.valid, "\(verification.problems)")
        #expect(verification.orders == 4)
        // sandbox.created, 4 × order.created, 2 approvals, promotion, rejection, demotion
        #expect(verification.entries == 10)
    }

    @Test("Editing an audit entry in the database is detected", arguments: StoreKind.available)
    func editedEntryDetected(_ kind: StoreKind) throws {
        let (fixture, queue) = try Self.populated(kind)
        try fixture.store.write { db in
            try db.execute(sql: "UPDATE audit_log SET actor = 'mallory' WHERE seq = 6")
        }
        let verification = try queue.verifyAudit()
        #expect(!verification.valid)
        #expect(verification.problems.map(\.seq) == [6])
    }

    @Test("Deleting an entry, or re-hashing an edited one, breaks the chain", arguments: StoreKind.available)
    func deletedOrRehashedEntryDetected(_ kind: StoreKind) throws {
        let (fixture, queue) = try Self.populated(kind)
        try fixture.store.write { db in
            try db.execute(sql: "DELETE FROM audit_log WHERE seq = 3")
        }
        #expect(try queue.verifyAudit().problems.contains { $0.seq == 4 })

        let (fixture2, queue2) = try Self.populated(kind)
        try fixture2.store.write { db in
            let row = try #require(try db.row(sql: "SELECT * FROM audit_log WHERE seq = 5"))
            var entry = ReviewQueue.auditEntry(row)
            entry.reason = "forged"
            entry.hash = entry.expectedHash
            try db.execute(sql: "UPDATE audit_log SET reason = ?, hash = ? WHERE seq = 5", arguments: [entry.reason, entry.hash])
        }
        #expect(try queue2.verifyAudit().problems.contains { $0.seq == 6 && $0.reason.contains("link") })
    }

    @Test("Editing an order's stored record outside intake is detected", arguments: StoreKind.available)
    func editedOrderDetected(_ kind: StoreKind) throws {
        let (fixture, queue) = try Self.populated(kind)
        let id = try #require(try queue.list(status: .approved).first?.id)
        try fixture.store.write { db in
            try db.execute(sql: "UPDATE orders SET record = replace(record, '\"quantity\":3', '\"quantity\":30') WHERE id = ?", arguments: [id])
        }
        let problems = try queue.verifyAudit().problems
        #expect(problems.map(\.subject) == [id], "\(problems)")
    }

    @Test("Verifying a page at a time finds what verifying at once finds, across page edges", arguments: StoreKind.available)
    func pagedVerificationMatches(_ kind: StoreKind) throws {
        let (fixture, queue) = try Self.populated(kind)
        let id = try #require(try queue.list(status: .approved).last?.id)
        try fixture.store.write { db in
            try db.execute(sql: "DELETE FROM audit_log WHERE seq = 4")  // entries 1–3 fill the first page of 3
            try db.execute(sql: "UPDATE orders SET record = replace(record, '\"quantity\":3', '\"quantity\":30') WHERE id = ?", arguments: [id])
        }
        let whole = try queue.verifyAudit()
        #expect(whole.entries == 9 && whole.orders == 4)
        #expect(whole.problems.contains { $0.seq == 5 && $0.reason.contains("missing") })
        #expect(whole.problems.contains { $0.subject == id })
        for pageSize in [2, 3] {
            let paged = try queue.verifyAudit(pageSize: pageSize)
            #expect(paged.entries == whole.entries && paged.orders == whole.orders, "page size \(pageSize)")
            #expect(paged.problems == whole.problems, "page size \(pageSize)")
        }
    }
}
