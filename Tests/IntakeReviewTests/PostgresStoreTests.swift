import Foundation
import NIOPosix
import IntakeCore
import Synchronization
import Testing
@testable import IntakeReview

@Suite("PostgreSQL store")
struct PostgresStoreTests {
    @Test("A postgres:// URL gives host, port, user, password and database; the printed form hides the password")
    func locationFromURL() throws {
        let location = try PostgresLocation(url: "postgres://intake:s3cret@db.internal:6543/orders", environment: [:])
        #expect(location.host == "db.internal" && location.port == 6543 && location.socketFolder == nil)
        #expect(location.user == "intake" && location.password == "s3cret" && location.database == "orders")
        #expect(location.redacted == "postgres://intake@db.internal:6543/orders")
        let socket = try PostgresLocation(url: "postgresql://intake@/intake?host=/run/postgresql", environment: ["PGPASSWORD": "p"])
        #expect(socket.socketFolder == "/run/postgresql")
        #expect(socket.password == "p")
        #expect(throws: ReviewError.self) { try PostgresLocation(url: "postgres://x@h/db?sslmode=require", environment: [:]) }
    }

    @Test("Placeholders become numbered parameters; question marks inside quotes stay")
    func numberedPlaceholders() {
        #expect(PostgresTransaction.numbered("SELECT ? , '?' , \"a?\" , ?") == "SELECT $1 , '?' , \"a?\" , $2")
    }

    @Test("A store from a newer intake is refused with the migration it does not know")
    func newerSchemaRefused() throws {
        let cluster = try #require(PostgresCluster.shared)
        let url = try cluster.createDatabase()
        let store = try OrderStore.open(url)
        try store.write { db in
            try db.execute(sql: "INSERT INTO intake_migrations (name, applied_at) VALUES ('v99', 'now')")
        }
        #expect(throws: ReviewError.newerSchema(path: store.location, version: "v99")) { try OrderStore.open(url) }
    }

    @Test("PostgreSQL restarted mid-batch: writers reconnect and finish, nothing lost or doubled",
          .enabled(if: PostgresCluster.shared != nil))
    func restartMidBatch() throws {
        let cluster = try PostgresCluster.makePrivate()
        defer { cluster.stop() }
        let queue = ReviewQueue(store: try OrderStore.open(try cluster.createDatabase()))
        let failures = Mutex<[String]>([])
        let writer = DispatchGroup()
        DispatchQueue.global().async(group: writer) {
            for n in 1...300 {
                do { _ = try queue.submit([makeRecord(n)]) } catch { failures.withLock { $0.append("\(n): \(error)") } }
                if n == 100 {
                    DispatchQueue.global().async {
                        try? cluster.crash()
                        Thread.sleep(forTimeInterval: 1)
                        try? cluster.start()
                    }
                }
            }
        }
        writer.wait()
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        #expect(try queue.counts() == ["pending_review": 300])
        #expect(try queue.verifyAudit().valid)
    }

    @Test("Two transactions that deadlock both commit: the one PostgreSQL rolls back is run again",
          .enabled(if: PostgresCluster.shared != nil))
    func deadlockVictimIsRunAgain() throws {
        let store = try OrderStore.open(try #require(PostgresCluster.shared).createDatabase())
        try store.write { db in
            try db.execute(sql: "CREATE TABLE pair (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
            try db.execute(sql: "INSERT INTO pair (id, n) VALUES (1, 0), (2, 0)")
        }
        // Each side locks its first row, waits until the other has too, then asks for the other's row.
        let bothLocked = DispatchGroup()
        bothLocked.enter()
        bothLocked.enter()
        let runs = Mutex(0)
        let errors = Mutex<[String]>([])
        let done = DispatchGroup()
        for (first, second) in [(1, 2), (2, 1)] {
            DispatchQueue.global().async(group: done) {
                do {
                    try store.write(serialized: false) { db in
                        try db.execute(sql: "UPDATE pair SET n = n + 1 WHERE id = ?", arguments: [first])
                        if runs.withLock({ $0 += 1; return $0 }) <= 2 {
                            bothLocked.leave()
                            bothLocked.wait()
                        }
                        try db.execute(sql: "UPDATE pair SET n = n + 1 WHERE id = ?", arguments: [second])
                    }
                } catch {
                    errors.withLock { $0.append("\(error)") }
                }
            }
        }
        done.wait()
        #expect(errors.withLock { $0 }.isEmpty, "\(errors.withLock { $0 })")
        #expect(runs.withLock { $0 } == 3, "one side was rolled back and ran again")
        let totals = try store.read { db in try db.values(Int.self, sql: "SELECT n FROM pair ORDER BY id") }
        #expect(totals == [2, 2], "each committed run counted once")
    }

    @Test("A statement that never gets an answer fails after its deadline instead of waiting for ever")
    func statementDeadline() throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let silent = loop.makePromise(of: Int.self)
        defer { silent.succeed(0) }  // NIO asserts that no promise is left unfulfilled
        let started = Date()
        #expect(throws: PostgresTransaction.StatementTimedOut.self) {
            try PostgresTransaction.wait(for: silent.futureResult, timeout: .milliseconds(200))
        }
        #expect(Date().timeIntervalSince(started) >= 0.2)
        #expect(PostgresBackend.isConnectionLoss(PostgresTransaction.StatementTimedOut(seconds: 30)),
                "the transaction is run again on a new connection")
    }
}
