import Foundation
import IntakeCore

/// Inputs waiting in the store for `intake worker` processes, on one machine or many.
///
/// An input is enqueued once (its id is the order id it will get, so enqueuing the same bytes
/// twice is a no-op). A worker claims a few items with a lease; other workers skip them
/// (`FOR UPDATE SKIP LOCKED` on PostgreSQL). The item is finished in the same transaction that
/// stores its order (`ReviewQueue.submit`), so a worker killed at any instant leaves its items
/// leased; when the lease ends another worker claims them, and the idempotency key makes the
/// second run find or create exactly one order.
///
/// ```swift
/// let work = WorkQueue(store: store, pipeline: "default")
/// try work.enqueue([PipelineInput(uri: "po.png", bytes: data)])
/// let items = try work.claim(worker: "host-1:4711", limit: 4)
/// ```
public final class WorkQueue: Sendable {
    public let store: OrderStore
    /// The pipeline whose inputs this queue holds (part of each order id).
    public let pipeline: String
    /// Seconds a claim lasts unless renewed.
    public let lease: Double
    let clock: @Sendable () -> Date

    public init(store: OrderStore, pipeline: String, lease: Double = 120, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.pipeline = pipeline
        self.lease = lease
        self.clock = clock
    }

    /// A claimed input.
    public struct Item: Sendable {
        public var id: String
        public var idempotencyKey: String
        public var uri: String
        public var sender: String?
        public var sha256: String
        public var bytes: Data
        /// The files enqueued with the input (a sidecar's waveform), with their bytes.
        public var companions: [CompanionFile] = []
        /// How many times it has been claimed, this claim included (more than 1: a worker died or gave up).
        public var attempts: Int

        /// The item as a pipeline input, keyed so its order gets this item's id.
        public var input: PipelineInput {
            let bytes = bytes
            return PipelineInput(uri: uri, sender: sender, idempotencyKey: idempotencyKey, sha256: sha256, companions: companions, load: { bytes })
        }
    }

    /// How many items are in each state: `queued`, `leased` (being processed, or held by a dead
    /// worker until its lease ends) and `done`.
    public struct Counts: Codable, Sendable, Equatable {
        public var queued = 0
        public var leased = 0
        public var done = 0
        /// Items claimed more than once: a worker died or stopped holding them and another took over.
        public var takenOver = 0

        enum CodingKeys: String, CodingKey {
            case queued, leased, done
            case takenOver = "taken_over"
        }

        /// Items not yet finished.
        public var unfinished: Int { queued + leased }
    }

    /// Enqueues inputs in one transaction, reading each one's bytes; returns how many were new.
    @discardableResult
    public func enqueue(_ inputs: [PipelineInput]) throws -> Int {
        let rows = try inputs.map { input in
            let bytes = try input.load()
            // Its files are kept too (a worker may run it after they are moved or gone), read once
            // for the store and the identity.
            let files = try input.companions.map { ($0.name, try $0.load()) }
            let sha256 = try input.identity(of: bytes, companionBytes: files.map(\.1))
            let key = input.idempotencyKey ?? ContentHash.idempotencyKey(sha256: sha256, pipeline: pipeline, sender: input.sender)
            return (input, bytes, sha256, key, files)
        }
        let at = Timestamp.string(clock())
        return try store.write(serialized: false) { db in
            var added = 0
            for (position, (input, bytes, sha256, key, files)) in rows.enumerated() {
                let id = ContentHash.orderID(idempotencyKey: key)
                let exists = try db.value(Int.self, sql: "SELECT 1 FROM work_items WHERE id = ?", arguments: [id]) != nil
                    || db.value(Int.self, sql: "SELECT 1 FROM orders WHERE id = ? AND status <> 'failed'", arguments: [id]) != nil
                guard !exists else { continue }
                try db.execute(
                    sql: """
                        INSERT INTO work_items (id, idempotency_key, pipeline, uri, sender, sha256, bytes, state, enqueued_at, position)
                        VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?) ON CONFLICT (id) DO NOTHING
                        """,
                    // The key is kept as bytes: the default key separates its parts with NUL, which PostgreSQL text refuses.
                    arguments: [id, Data(key.utf8), pipeline, input.uri, input.sender, sha256, bytes, at, position])
                for (name, data) in files {
                    try db.execute(
                        sql: "INSERT INTO work_item_files (item_id, name, bytes) VALUES (?, ?, ?) ON CONFLICT (item_id, name) DO NOTHING", arguments: [id, name, data])
                }
                added += 1
            }
            return added
        }
    }

    /// Claims up to `limit` items for `worker`, oldest first: queued ones, and leased ones whose
    /// lease has ended (their worker died). Empty when nothing is due.
    public func claim(worker: String, limit: Int) throws -> [Item] {
        let now = clock().timeIntervalSince1970
        return try store.write(serialized: false) { db in
            let rows = try db.rows(
                sql: """
                    SELECT id, idempotency_key, uri, sender, sha256, bytes, attempts FROM work_items
                    WHERE pipeline = ? AND (state = 'queued' OR (state = 'leased' AND lease_expires <= ?))
                    ORDER BY enqueued_at, position LIMIT ?
                    """ + db.dialect.skipLocked,
                arguments: [pipeline, now, limit])
            return try rows.map { row in
                var item = Item(
                    id: row["id"], idempotencyKey: String(decoding: row["idempotency_key"] as Data, as: UTF8.self),
                    uri: row["uri"], sender: row["sender"], sha256: row["sha256"], bytes: row["bytes"],
                    attempts: (row["attempts"] as Int) + 1)
                let folder = URL(fileURLWithPath: item.uri).deletingLastPathComponent()
                item.companions = try db.rows(
                    sql: "SELECT name, bytes FROM work_item_files WHERE item_id = ? ORDER BY name", arguments: [item.id]
                ).map { CompanionFile(path: folder.appendingPathComponent($0["name"]).path, bytes: $0["bytes"]) }
                try db.execute(
                    sql: "UPDATE work_items SET state = 'leased', leased_by = ?, lease_expires = ?, attempts = ? WHERE id = ?",
                    arguments: [worker, now + lease, item.attempts, item.id])
                return item
            }
        }
    }

    /// Extends the leases of `ids`, items `worker` claimed and is still working on, and returns
    /// those of them still leased to it (the others are done, or were taken over).
    ///
    /// Only the items the worker knows it holds are renewed, never "everything leased to me": a
    /// claim whose COMMIT reached the database but whose answer was lost (the connection
    /// dropped) leases items the worker never received, and renewing those would keep them
    /// from every worker for ever. Left alone, their lease ends and they are taken over.
    ///
    /// Rows another transaction has locked are skipped, not waited for: they are being
    /// finished by this worker's own sink (which locks them in another order, so waiting could
    /// deadlock with it) or taken over by a worker that saw the lease end.
    @discardableResult
    public func renew(worker: String, ids: some Collection<String>) throws -> Set<String> {
        let now = clock().timeIntervalSince1970
        return try store.write(serialized: false) { db in
            var held = Set<String>()
            try Self.inChunks(ids) { placeholders, values in
                var mine: SQLArguments = [worker]
                mine.values += values
                var renewal: SQLArguments = [now + lease]
                renewal += mine
                try db.execute(
                    sql: """
                        UPDATE work_items SET lease_expires = ? WHERE id IN (
                            SELECT id FROM work_items WHERE state = 'leased' AND leased_by = ? AND id IN (\(placeholders))
                        """ + db.dialect.skipLocked + ")",
                    arguments: renewal)
                held.formUnion(try db.values(
                    String.self, sql: "SELECT id FROM work_items WHERE state = 'leased' AND leased_by = ? AND id IN (\(placeholders))",
                    arguments: mine))
            }
            return held
        }
    }

    /// Ids bound in one statement (SQLite allows 32,766 parameters, PostgreSQL 65,535).
    static let idsPerStatement = 500

    /// Calls `body` for each run of at most `idsPerStatement` ids, with the `?, ?, …` list
    /// for their `IN (…)` and the ids as values to bind there.
    static func inChunks(_ ids: some Collection<String>, _ body: (_ placeholders: String, _ values: [SQLValue]) throws -> Void) rethrows {
        let ids = Array(ids)
        for start in stride(from: 0, to: ids.count, by: idsPerStatement) {
            let chunk = ids[start..<min(start + idsPerStatement, ids.count)]
            try body(Array(repeating: "?", count: chunk.count).joined(separator: ", "), chunk.map(SQLValue.text))
        }
    }

    /// Items of this pipeline by state.
    public func counts() throws -> Counts {
        try store.read { db in
            var counts = Counts()
            for row in try db.rows(
                sql: "SELECT state, COUNT(*) AS n FROM work_items WHERE pipeline = ? GROUP BY state", arguments: [pipeline]) {
                let n: Int = row["n"]
                switch row["state"] as String {
                case "queued": counts.queued = n
                case "leased": counts.leased = n
                default: counts.done = n
                }
            }
            counts.takenOver = try db.value(
                Int.self, sql: "SELECT COUNT(*) FROM work_items WHERE pipeline = ? AND attempts > 1", arguments: [pipeline]) ?? 0
            return counts
        }
    }

    /// Marks the items of stored orders done; runs inside `ReviewQueue.submit`'s transaction.
    static func finish(_ db: any StoreTransaction, orderIDs: [String], at: String) throws {
        try inChunks(orderIDs) { placeholders, ids in
            var arguments: SQLArguments = [at, Data()]
            arguments.values += ids
            // The order keeps what it needs (a failed one's dead letter keeps the bytes and the
            // files); the row stays, so the same input queued again is known, but its bytes go:
            // kept, 102 finished samples held 7.5 MB, and every input ever queued stayed stored.
            try db.execute(
                sql: """
                    UPDATE work_items SET state = 'done', finished_at = ?, bytes = ?, leased_by = NULL, lease_expires = NULL
                    WHERE id IN (\(placeholders)) AND state <> 'done'
                    """,
                arguments: arguments)
            try db.execute(sql: "DELETE FROM work_item_files WHERE item_id IN (\(placeholders))", arguments: SQLArguments(values: ids))
        }
    }
}

extension WorkQueue {
    /// Items not done, other than `held` (the ones the asking worker is working on): zero means
    /// a draining worker may stop. Items leased to it that it never received count as unfinished.
    public func unfinished(excluding held: some Collection<String>) throws -> Int {
        try store.read { db in
            var count = try db.value(
                Int.self, sql: "SELECT COUNT(*) FROM work_items WHERE pipeline = ? AND state <> 'done'", arguments: [pipeline]) ?? 0
            try Self.inChunks(held) { placeholders, values in
                var arguments: SQLArguments = [pipeline]
                arguments.values += values
                count -= try db.value(
                    Int.self,
                    sql: "SELECT COUNT(*) FROM work_items WHERE pipeline = ? AND state <> 'done' AND id IN (\(placeholders))",
                    arguments: arguments) ?? 0
            }
            return count
        }
    }

    /// Live leases by worker: who is processing how many items right now.
    public func leaseHolders() throws -> [String: Int] {
        let now = clock().timeIntervalSince1970
        return try store.read { db in
            var holders: [String: Int] = [:]
            for row in try db.rows(
                sql: """
                    SELECT leased_by, COUNT(*) AS n FROM work_items
                    WHERE pipeline = ? AND state = 'leased' AND lease_expires > ? GROUP BY leased_by
                    """,
                arguments: [pipeline, now]) {
                holders[row["leased_by"]] = row["n"]
            }
            return holders
        }
    }

    /// Puts items `worker` claimed but did not start back in the queue, at once.
    public func release(_ ids: [String], worker: String) throws {
        guard !ids.isEmpty else { return }
        try store.write(serialized: false) { db in
            for id in ids {
                try db.execute(
                    sql: """
                        UPDATE work_items SET state = 'queued', leased_by = NULL, lease_expires = NULL, attempts = attempts - 1
                        WHERE id = ? AND state = 'leased' AND leased_by = ?
                        """,
                    arguments: [id, worker])
            }
        }
    }
}
