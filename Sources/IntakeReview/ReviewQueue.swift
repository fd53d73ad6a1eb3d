import Foundation

import IntakeCore

/// Where every order lands: stored exactly once per idempotency key, put in its sandbox, given
/// its status by the sandbox's policy, and from then on changed only by reviewers (approve,
/// correct, reject) or by sandbox promotion and demotion. Every change is audited and emits an
/// outbox event in the same transaction.
///
/// ```swift
/// let queue = try ReviewQueue(store: OrderStore(path: "intake.db"))
/// let stored = try queue.submit([record])          // the existing order if already known
/// try queue.approve(stored[0].record.id, actor: "alice")
/// ```
public final class ReviewQueue: Sendable {
    public let store: OrderStore
    public let settings: ReviewSettings
    /// The SKUs corrections may set (the material master's); nil checks none.
    public let catalog: SKUCatalog?
    let clock: @Sendable () -> Date

    public init(
        store: OrderStore, settings: ReviewSettings = ReviewSettings(), catalog: SKUCatalog? = nil,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.settings = settings
        self.catalog = catalog
        self.clock = clock
    }

    /// The outcome of submitting one record.
    public struct Submission: Sendable {
        /// The order as stored (status decided by its sandbox), or the existing order.
        public var record: OrderRecord
        /// False when an order with this id already existed.
        public var created: Bool
    }

    // MARK: - Intake

    /// Stores `records` in one transaction (one fsync for the batch) and returns each as stored.
    /// A record whose id exists returns the existing order unchanged, except that a `failed`
    /// order is replaced by a successful retry (`order.recovered`).
    public func submit(_ records: [OrderRecord]) throws -> [Submission] {
        guard !records.isEmpty else { return [] }
        let now = clock()
        return try store.write { db in
            let log = ChangeLog(db: db, at: Timestamp.string(now))
            // Admitting an order does not change its sandbox: each is read once per batch.
            var sandboxes: [String: Sandbox] = [:]
            let submissions = try records.map { try submit($0, log: log, sandboxes: &sandboxes) }
            try WorkQueue.finish(db, orderIDs: records.map(\.id), at: log.at)
            return submissions
        }
    }

    private func submit(_ incoming: OrderRecord, log: ChangeLog, sandboxes: inout [String: Sandbox]) throws -> Submission {
        let db = log.db
        var replacing: OrderRecord?
        if let existing = try Self.fetchRecord(db, id: incoming.id) {
            guard existing.status == .failed, incoming.status != .failed else {
                return Submission(record: existing, created: false)
            }
            replacing = existing
        }
        let key = SandboxKey.of(incoming)
        let sandbox = try sandboxes[key.id] ?? sandbox(db, key: key, log: log)
        sandboxes[key.id] = sandbox
        var record = incoming
        let decision = sandbox.admit(record)
        record.status = decision.status
        record.sandbox = sandbox.id
        let state = try JSONValue(encoding: record)
        if let replacing {
            try db.execute(
                sql: """
                    UPDATE orders SET sandbox_id = ?, status = ?, modality = ?, intent_type = ?, confidence = ?,
                      audit_sample = ?, record = ?, updated_at = ?, claimed_by = NULL, claim_expires = NULL WHERE id = ?
                    """,
                arguments: [sandbox.id, record.status.rawValue, record.source.modality?.rawValue, record.intent.type.rawValue,
                            record.intent.confidence, decision.auditSample, state.description, log.at, record.id])
            try db.execute(sql: "UPDATE dead_letters SET resolved_at = ? WHERE order_id = ?", arguments: [log.at, record.id])
            try log.record(
                "order.recovered", subject: record.id, actor: "system", from: replacing.status.rawValue,
                to: record.status.rawValue, reason: "retry succeeded; \(decision.reason)", state: state)
        } else {
            try db.execute(
                sql: """
                    INSERT INTO orders (id, sandbox_id, status, modality, source_uri, source_sha256, sender, pipeline,
                      intent_type, confidence, audit_sample, record, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [record.id, sandbox.id, record.status.rawValue, record.source.modality?.rawValue, record.source.uri,
                            record.source.sha256, record.source.sender, record.pipeline, record.intent.type.rawValue,
                            record.intent.confidence, decision.auditSample, state.description, log.at, log.at])
            try log.record(
                "order.created", subject: record.id, actor: "system", to: record.status.rawValue,
                reason: decision.reason, state: state)
        }
        try Self.writeRows(db, record: record, state: state, isNew: replacing == nil)
        return Submission(record: record, created: true)
    }

    /// The stored order, or nil.
    public func record(id: String) throws -> OrderRecord? {
        try store.read { db in try Self.fetchRecord(db, id: id) }
    }

    /// Orders by status and sandbox, oldest first.
    public func list(status: OrderStatus? = .pendingReview, sandbox: String? = nil, limit: Int = 1000) throws -> [OrderRecord] {
        let (sql, arguments) = Self.listQuery(status: status, sandbox: sandbox, limit: limit)
        return try store.read { db in try db.values(String.self, sql: sql, arguments: arguments).map(Self.decodeRecord) }
    }

    /// `list`'s statement. Oldest first comes from an index (schema v5), not a sort of every order.
    static func listQuery(status: OrderStatus?, sandbox: String?, limit: Int) -> (sql: String, arguments: SQLArguments) {
        var sql = "SELECT record FROM orders WHERE 1 = 1"
        var arguments: SQLArguments = []
        if let status { sql += " AND status = ?"; arguments += [status.rawValue] }
        if let sandbox { sql += " AND sandbox_id = ?"; arguments += [sandbox] }
        arguments += [limit]
        return (sql + " ORDER BY created_at, id LIMIT ?", arguments)
    }

    /// How many orders the store holds, by status.
    public func counts() throws -> [String: Int] {
        try countsBySandbox().values.reduce(into: [:]) { total, statuses in
            total.merge(statuses, uniquingKeysWith: +)
        }
    }

    /// How many orders each sandbox holds, by status: `[sandbox: [status: count]]`.
    public func countsBySandbox() throws -> [String: [String: Int]] {
        try store.read { db in
            var counts: [String: [String: Int]] = [:]
            for row in try db.rows(sql: "SELECT sandbox_id, status, COUNT(*) AS n FROM orders GROUP BY sandbox_id, status") {
                counts[row["sandbox_id"], default: [:]][row["status"]] = row["n"]
            }
            return counts
        }
    }

    /// Events in the outbox not yet delivered to `sink`.
    public func outboxBacklog(sink: String) throws -> Int {
        try store.read { db in
            let through = try db.value(Int64.self, sql: "SELECT delivered_through FROM outbox_cursors WHERE sink = ?", arguments: [sink]) ?? 0
            return try db.value(Int.self, sql: "SELECT COUNT(*) FROM outbox WHERE seq > ?", arguments: [through]) ?? 0
        }
    }

    // MARK: - Rows

    static func fetchRecord(_ db: any StoreTransaction, id: String) throws -> OrderRecord? {
        try db.value(String.self, sql: "SELECT record FROM orders WHERE id = ?", arguments: [id]).map(decodeRecord)
    }

    static func decodeRecord(_ text: String) throws -> OrderRecord {
        try OrderRecordCoding.decoder().decode(OrderRecord.self, from: Data(text.utf8))
    }

    /// Writes the queryable copies of the record's lines and evidence, replacing any it had
    /// (`isNew`: it had none). `state` is the record as JSON: each evidence row is cut from it
    /// rather than encoded again (ten encoder runs per order were a tenth of storing it). Rows
    /// go in one statement per table, not one each: on PostgreSQL each statement is a round trip.
    static func writeRows(_ db: any StoreTransaction, record: OrderRecord, state: JSONValue, isNew: Bool = false) throws {
        if !isNew {
            try db.execute(sql: "DELETE FROM order_lines WHERE order_id = ?", arguments: [record.id])
            try db.execute(sql: "DELETE FROM order_evidence WHERE order_id = ?", arguments: [record.id])
        }
        try insertRows(
            db, into: "order_lines (order_id, position, sku, name, text, quantity, unit, confidence)",
            record.intent.lines.enumerated().map { position, line in
                [record.id, position, line.sku, line.name, line.text, line.quantity, line.unit, line.confidence]
            })
        let encoded: [JSONValue] = if case let .object(fields) = state, case let .array(items)? = fields["evidence"] { items } else { [] }
        try insertRows(
            db, into: "order_evidence (order_id, position, field, method, evidence)",
            try record.evidence.enumerated().map { position, evidence in
                let json = position < encoded.count ? encoded[position] : try JSONValue(encoding: evidence)
                return [record.id, position, evidence.field, evidence.method, json.description]
            })
    }

    /// `INSERT INTO table (columns) VALUES (…), (…)…`, at most 200 rows a statement (far below
    /// either database's limit on bound values).
    private static func insertRows(_ db: any StoreTransaction, into table: String, _ rows: [SQLArguments]) throws {
        for start in stride(from: 0, to: rows.count, by: 200) {
            let chunk = rows[start..<min(start + 200, rows.count)]
            let row = "(" + Array(repeating: "?", count: chunk.first?.values.count ?? 0).joined(separator: ", ") + ")"
            try db.execute(
                sql: "INSERT INTO \(table) VALUES " + Array(repeating: row, count: chunk.count).joined(separator: ", "),
                arguments: SQLArguments(values: chunk.flatMap(\.values)))
        }
    }

    /// Stores a changed record and its rows, audited as `action` by `actor`.
    static func update(
        _ record: OrderRecord, from: OrderStatus, action: String, actor: String, reason: String, log: ChangeLog
    ) throws {
        let state = try JSONValue(encoding: record)
        try log.db.execute(
            sql: """
                UPDATE orders SET status = ?, intent_type = ?, confidence = ?, record = ?, updated_at = ?,
                  claimed_by = NULL, claim_expires = NULL WHERE id = ?
                """,
            arguments: [record.status.rawValue, record.intent.type.rawValue, record.intent.confidence, state.description, log.at, record.id])
        try writeRows(log.db, record: record, state: state)
        try log.record(action, subject: record.id, actor: actor, from: from.rawValue, to: record.status.rawValue, reason: reason, state: state)
    }
}
