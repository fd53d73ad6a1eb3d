import Foundation
import IntakeCore
import IntakeTestSupport
import Synchronization
import Testing
@testable import IntakeReview

@Suite("SQLite store")
struct SQLiteStoreTests {
    @Test("Two processes opening a new store at the same moment both migrate it and open it")
    func concurrentFirstOpen() throws {
        let folder = try makeTemporaryDirectory(prefix: "intake-sqlite")
        defer { try? FileManager.default.removeItem(at: folder) }
        let failures = Mutex<[String]>([])
        // Separate pools behave as separate processes would: each decides what to migrate, then races.
        for round in 0..<8 {
            let path = folder.appendingPathComponent("\(round).db").path
            DispatchQueue.concurrentPerform(iterations: 3) { _ in
                do { _ = try OrderStore(path: path) } catch { failures.withLock { $0.append("round \(round): \(error)") } }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
    }

    @Test("The review queue's and the dead-letter list's reads walk an index instead of sorting every row")
    func oldestFirstReadsUseAnIndex() throws {
        let fixture = try TemporaryStore()
        _ = try fixture.queue().submit((1...3).map { makeRecord($0) })
        var queries = [
            ReviewQueue.nextQuery(actor: "alice", sandbox: nil, now: Date()),
            ReviewQueue.nextQuery(actor: "alice", sandbox: "text/default", now: Date()),
        ]
        for status in [OrderStatus.pendingReview, nil] {
            for sandbox in ["text/default", nil] { queries.append(ReviewQueue.listQuery(status: status, sandbox: sandbox, limit: 200)) }
        }
        queries += [true, false].map { ReviewQueue.deadLetterQuery(includeResolved: $0, limit: 200) }
        for (sql, arguments) in queries {
            let plan = try fixture.store.read { db in
                try db.rows(sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
            }
            // "…FOR RIGHT PART OF ORDER BY" (ties on created_at put in id order) is fine; a sort of the whole result is not.
            #expect(!plan.contains("USE TEMP B-TREE FOR ORDER BY"), "\(sql): \(plan)")
        }
    }

    @Test("The readiness check reads the orders table, and fails when it cannot")
    func readinessCheck() throws {
        let fixture = try TemporaryStore()
        try fixture.store.checkReadable()
        try fixture.store.write { db in try db.execute(sql: "ALTER TABLE orders RENAME TO orders_elsewhere") }
        #expect(throws: (any Error).self) { try fixture.store.checkReadable() }
    }
}
