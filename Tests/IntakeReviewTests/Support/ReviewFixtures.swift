import Foundation
import Testing
import IntakeCore
import Synchronization
@testable import IntakeReview

/// A fresh store: a SQLite file in a temporary folder (removed when the fixture goes away), or
/// a new database in the test PostgreSQL cluster.
final class TemporaryStore {
    let folder: URL
    /// The SQLite file, or the PostgreSQL URL.
    let path: String
    let store: OrderStore
    let clock = TestClock()

    init(_ kind: StoreKind = .sqlite, busyTimeout: Double = 5) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("intake-review-\(UUID().uuidString)")
        switch kind {
        case .sqlite:
            path = folder.appendingPathComponent("intake.db").path
            store = try OrderStore(path: path, busyTimeout: busyTimeout)
        case .postgres:
            path = try #require(PostgresCluster.shared).createDatabase()
            store = try OrderStore.open(path)
        }
    }

    func queue(_ settings: ReviewSettings = ReviewSettings()) -> ReviewQueue {
        ReviewQueue(store: store, settings: settings, clock: { [clock] in clock.now })
    }

    deinit { try? FileManager.default.removeItem(at: folder) }
}

/// A clock tests move by hand (lease expiry, back-off).
final class TestClock: Sendable {
    private let seconds = Mutex(1_800_000_000.0)
    var now: Date { Date(timeIntervalSince1970: seconds.withLock { $0 }) }
    func advance(_ interval: Double) { seconds.withLock { $0 += interval } }
}

/// A text order record as the pipeline would emit it: `pending_review`, one line.
func makeRecord(
    _ n: Int, confidence: Double = 0.97, modality: Modality = .text, sender: String? = nil,
    status: OrderStatus = .pendingReview
) -> OrderRecord {
    let bytes = Data("order \(n)".utf8)
    let sha = ContentHash.sha256(bytes)
    return OrderRecord(
        id: ContentHash.orderID(sha256: sha, pipeline: "test", sender: sender), status: status,
        source: OrderSource(modality: modality, uri: "test:\(n)", sha256: sha, bytes: bytes.count, sender: sender),
        pipeline: "test", createdAt: Date(timeIntervalSince1970: 1_800_000_000),
        intent: status == .failed ? .none : OrderIntent(
            type: .delivery, party: Party(kind: .store, id: "12", name: "store 12"),
            lines: [OrderLine(sku: "CAF-1001", name: "Iced Americano", text: "iced americano", quantity: 3, unit: "cup", confidence: confidence)],
            confidence: confidence),
        evidence: status == .failed ? [] : [Evidence(field: "intent.lines[0].sku", method: "exact", text: "iced americano", span: TextSpan(start: 0, end: 14))],
        error: status == .failed ? OrderError(code: "empty_message", message: "the message is empty", stage: "text.decode") : nil)
}
