import Foundation
import GRDB
import Testing
@testable import IntakeReview

@Suite("Audit trail")
struct AuditChainTests {
    /// A store with a few orders, reviews and a promotion.
    static func populated() throws -> (TemporaryStore, ReviewQueue) {
        let fixture = try TemporaryStore()
        let queue = fixture.queue(ReviewSettings(defaults: SandboxPolicyOverrides(promoteAfter: 2, auditRate: 0)))
        let ids = try queue.submit((1...4).map { makeRecord($0) }).map(\.record.id)
        try queue.approve(ids[0], actor: "alice")
        try queue.approve(ids[1], actor: "alice")
        try queue.reject(ids[2], actor: "bob", reason: "duplicate")
        return (fixture, queue)
    }

    @Test("Every change is recorded with actor, time, reason and a chained hash; an untouched trail verifies")
    func intactChainVerifies() throws {
        let (_, queue) = try Self.populated()
        let verification = try queue.verifyAudit()
        #expect(verification.valid, "\(verification.problems)")
        #expect(verification.orders == 4)
        // sandbox.created, 4 × order.created, 2 approvals, promotion, rejection, demotion
        #expect(verification.entries == 10)
    }

    @Test("Editing an audit entry in the database is detected")
    func editedEntryDetected() throws {
        let (fixture, queue) = try Self.populated()
        try DatabaseQueue(path: fixture.path).write { db in
            try db.execute(sql: "UPDATE audit_log SET actor = 'mallory' WHERE seq = 6")
        }
        let verification = try queue.verifyAudit()
        #expect(!verification.valid)
        #expect(verification.problems.map(\.seq) == [6])
    }

    @Test("Deleting an entry, or re-hashing an edited one, breaks the chain")
    func deletedOrRehashedEntryDetected() throws {
        let (fixture, queue) = try Self.populated()
        try DatabaseQueue(path: fixture.path).write { db in
            try db.execute(sql: "DELETE FROM audit_log WHERE seq = 3")
        }
        #expect(try queue.verifyAudit().problems.contains { $0.seq == 4 })

        let (fixture2, queue2) = try Self.populated()
        try DatabaseQueue(path: fixture2.path).write { db in
            let row = try #require(try Row.fetchOne(db, sql: "SELECT * FROM audit_log WHERE seq = 5"))
            var entry = ReviewQueue.auditEntry(row)
            entry.reason = "forged"
            entry.hash = entry.expectedHash
            try db.execute(sql: "UPDATE audit_log SET reason = ?, hash = ? WHERE seq = 5", arguments: [entry.reason, entry.hash])
        }
        #expect(try queue2.verifyAudit().problems.contains { $0.seq == 6 && $0.reason.contains("link") })
    }

    @Test("Editing an order's stored record outside intake is detected")
    func editedOrderDetected() throws {
        let (fixture, queue) = try Self.populated()
        let id = try #require(try queue.list(status: .approved).first?.id)
        try DatabaseQueue(path: fixture.path).write { db in
            try db.execute(sql: "UPDATE orders SET record = replace(record, '\"quantity\":3', '\"quantity\":30') WHERE id = ?", arguments: [id])
        }
        let problems = try queue.verifyAudit().problems
        #expect(problems.map(\.subject) == [id], "\(problems)")
    }
}
