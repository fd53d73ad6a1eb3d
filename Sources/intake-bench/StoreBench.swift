import ArgumentParser
import Foundation
import IntakeCore
import IntakeReview

/// Order store: orders/s stored on SQLite with fsync on every commit (`synchronous = FULL`, WAL),
/// or on PostgreSQL (`--db postgres://…`), in the batches the pipeline's sink hands over, and
/// one order per transaction for comparison.
struct StoreBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Measure orders/s stored in the review queue (SQLite with fsync on every commit, or PostgreSQL).",
        discussion: """
            Each order is a typical text order (3 lines, 7 evidence entries) stored with its lines, \
            evidence, sandbox decision, audit entry and outbox event.

            Examples:
              swift run -c release intake-bench store --orders 20000 --batch 256
              swift run -c release intake-bench store --db postgres://intake@127.0.0.1/bench   # an empty database
            """)

    @Option(help: "Orders to store.") var orders = 20_000
    @Option(help: "Orders per transaction (the pipeline's sink writes up to 256 at once).") var batch = 256
    @Option(help: "Orders for the one-per-transaction comparison (0: skip).") var single = 1_000
    @Option(help: "Folder for the database (default: a temporary folder, removed afterwards).") var folder: String?
    @Option(help: ArgumentHelp("Measure PostgreSQL instead: the URL of an empty database.", valueName: "url")) var db: String?
    @Flag(help: "Print the figures as one JSON object.") var json = false

    func validate() throws {
        if orders < 1 || batch < 1 || single < 0 { throw ValidationError("--orders and --batch must be at least 1") }
    }

    func run() throws {
        let base = folder.map(URL.init(fileURLWithPath:))
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("intake-bench-store-\(UUID().uuidString)")
        defer { if folder == nil { try? FileManager.default.removeItem(at: base) } }

        let batchedStore = try db.map { try OrderStore.open($0) } ?? OrderStore(path: base.appendingPathComponent("batched.db").path)
        let singleStore = try db.map { try OrderStore.open($0) } ?? OrderStore(path: base.appendingPathComponent("single.db").path)
        let batched = try measure(count: orders, batch: batch, store: batchedStore)
        let resubmitted = try measure(count: orders, batch: batch, store: batchedStore)
        // On PostgreSQL both runs share the database: the single-order run stores other orders.
        let one = single > 0 ? try measure(count: single, batch: 1, store: singleStore, first: db == nil ? 0 : orders) : nil
        // The figures are only what they say if the first run created every order and the second none.
        guard batched.created == orders, resubmitted.created == 0, one.map({ $0.created == single }) ?? true else {
            throw ValidationError("""
                the store already held some of these orders (created \(batched.created) of \(orders), then \(resubmitted.created) again): \
                give an empty database
                """)
        }
        let backend = db == nil ? "SQLite, WAL, synchronous=FULL (fsync on every commit)" : "PostgreSQL \(batchedStore.location)"

        if json {
            var figures: [String: Any] = [
                "orders": orders, "batch": batch, "orders_per_second": batched.rate, "seconds": batched.seconds,
                "resubmitted_per_second": resubmitted.rate, "store": backend,
            ]
            if let one { figures["single_orders"] = single; figures["single_orders_per_second"] = one.rate }
            print(String(decoding: try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print("order store: \(backend)")
            print(String(format: "  %d new orders in batches of %d: %.0f orders/s (%.2f s)", orders, batch, batched.rate, batched.seconds))
            print(String(format: "  the same %d again (idempotent, nothing created): %.0f orders/s", orders, resubmitted.rate))
            if let one { print(String(format: "  %d orders, one per transaction: %.0f orders/s", single, one.rate)) }
        }
    }

    /// Submits orders `first..<first + count`; `created` counts those the store did not hold yet.
    private func measure(count: Int, batch: Int, store: OrderStore, first: Int = 0) throws -> (rate: Double, seconds: Double, created: Int) {
        let queue = ReviewQueue(store: store)
        let records = (first..<first + count).map(Self.record)
        let start = DispatchTime.now()
        var created = 0
        for chunk in stride(from: 0, to: count, by: batch) {
            created += try queue.submit(Array(records[chunk..<min(chunk + batch, count)])).count(where: \.created)
        }
        let seconds = elapsedSeconds(since: start)
        return (Double(count) / seconds, seconds, created)
    }

    /// A text order of typical size: three lines, party, modifiers, seven pieces of evidence.
    /// Its text names `n`, so each `n` is a different order (a different content hash and id).
    static func record(_ n: Int) -> OrderRecord {
        let text = "order \(n), store \(n % 40 + 1): \(n % 5 + 1) iced americano with oat milk, 2 butter croissants, 1 cold brew, no straw"
        let bytes = Data(text.utf8)
        let sha = ContentHash.sha256(bytes)
        let lines = [
            OrderLine(sku: "CAF-1003", name: "Iced Americano", text: "iced americano", quantity: Double(n % 5 + 1), unit: "cup",
                      modifiers: ["oat_milk"], handling: ["chilled"], confidence: 0.97),
            OrderLine(sku: "CAF-2001", name: "Butter Croissant", text: "butter croissants", quantity: 2, unit: "piece", confidence: 1),
            OrderLine(sku: "CAF-1006", name: "Cold Brew", text: "cold brew", quantity: 1, unit: "cup", confidence: 1),
        ]
        let evidence = [
            Evidence(field: "intent.party", method: "store_number", text: "store \(n % 40 + 1)", span: TextSpan(start: 0, end: 8)),
            Evidence(field: "intent.lines[0].quantity", method: "digits", text: "\(n % 5 + 1)", span: TextSpan(start: 10, end: 11)),
            Evidence(field: "intent.lines[0].sku", method: "exact", text: "iced americano", span: TextSpan(start: 12, end: 26), confidence: 1),
            Evidence(field: "intent.lines[0].modifiers", method: "graph", text: "oat milk", path: ["modifier:oat_milk", "handling:chilled"]),
            Evidence(field: "intent.lines[1].sku", method: "alias", text: "butter croissants", confidence: 1),
            Evidence(field: "intent.lines[2].sku", method: "exact", text: "cold brew", confidence: 1),
            Evidence(field: "intent.notes", method: "graph", text: "no straw"),
        ]
        return OrderRecord(
            id: ContentHash.orderID(sha256: sha, pipeline: "bench"), status: .pendingReview,
            source: OrderSource(modality: .text, uri: "bench:\(n)", sha256: sha, bytes: bytes.count), pipeline: "bench",
            intent: OrderIntent(type: .delivery, party: Party(kind: .store, id: "\(n % 40 + 1)", name: "store \(n % 40 + 1)"),
                                lines: lines, notes: ["no straw"], confidence: 0.97),
            evidence: evidence)
    }
}
