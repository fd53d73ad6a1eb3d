import Foundation
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
}
