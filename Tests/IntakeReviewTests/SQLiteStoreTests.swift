import Foundation
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
}
