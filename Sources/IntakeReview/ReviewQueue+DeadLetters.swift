import Foundation

import IntakeCore

/// A dead letter as stored: why the input failed, and its original bytes.
public struct StoredDeadLetter: Codable, Sendable {
    public var orderID: String
    public var stage: String
    public var code: String
    public var reason: String
    public var uri: String
    public var sender: String?
    public var sha256: String
    public var modality: String?
    public var size: Int
    /// How many times this input failed (a retry that fails again counts).
    public var failures: Int
    public var failedAt: String
    /// When a retry succeeded; nil while the input is still dead.
    public var resolvedAt: String?
    /// The names of the files kept with the input (a sidecar's waveform), when one dead letter
    /// is read; nil in lists.
    public var files: [String]?

    enum CodingKeys: String, CodingKey {
        case stage, code, reason, uri, sender, sha256, modality, size, failures, files
        case orderID = "order_id"
        case failedAt = "failed_at"
        case resolvedAt = "resolved_at"
    }
}

/// Dead letters live in the store with their original bytes, and the bytes of the files read
/// with them (a sidecar's waveform), so a failed input is never lost and can be retried
/// (`intake deadletters retry`) once the cause is fixed, even after its files are gone.
extension ReviewQueue: DeadLetterStore {
    public func store(_ letter: DeadLetter) throws {
        let at = Timestamp.string(letter.failedAt)
        // Read before the transaction; a companion that cannot be read (gone already, or over
        // the input size limit: an SQLite binding takes at most 2 GiB) is left out.
        let files = letter.input.companions.compactMap { file in (try? file.load()).map { (file.name, $0) } }
        try store.write { db in
            try db.execute(
                sql: """
                    INSERT INTO dead_letters (order_id, stage, code, reason, uri, sender, sha256, modality, bytes, failed_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (order_id) DO UPDATE SET stage = excluded.stage, code = excluded.code, reason = excluded.reason,
                      failures = dead_letters.failures + 1, failed_at = excluded.failed_at, resolved_at = NULL
                    """,
                arguments: [letter.orderID, letter.stage, letter.code, letter.reason, letter.input.uri, letter.input.sender,
                            letter.input.sha256, letter.input.modality?.rawValue, letter.input.bytes, at])
            try db.execute(sql: "DELETE FROM dead_letter_files WHERE order_id = ?", arguments: [letter.orderID])
            for (name, bytes) in files {
                try db.execute(
                    sql: "INSERT INTO dead_letter_files (order_id, name, bytes) VALUES (?, ?, ?)", arguments: [letter.orderID, name, bytes])
            }
            try ChangeLog(db: db, at: at).record(
                "deadletter.created", subject: letter.orderID, actor: "system",
                reason: "\(letter.stage): \(letter.code): \(letter.reason)",
                state: .object([
                    "order_id": .string(letter.orderID), "stage": .string(letter.stage), "code": .string(letter.code),
                    "uri": .string(letter.input.uri), "sha256": .string(letter.input.sha256),
                ]))
        }
    }

    /// Gives up on a queued input without running it: keeps it as a dead letter with its bytes
    /// and stores a `failed` order, which finishes its work item.
    func retire(_ item: WorkQueue.Item, pipeline: String, stage: String, failure: InputFailure) throws {
        let input = ReceivedInput(uri: item.uri, sender: item.sender, bytes: item.bytes, sha256: item.sha256, companions: item.companions)
        try store(DeadLetter(orderID: item.id, stage: stage, code: failure.code, reason: failure.message, input: input, failedAt: clock()))
        _ = try submit([OrderRecord(
            id: item.id, status: .failed, source: input.source, pipeline: pipeline, createdAt: clock(), intent: .none,
            error: OrderError(code: failure.code, message: failure.message, stage: stage))])
    }

    /// Dead letters, newest first, at most `limit`; resolved ones only when asked.
    public func deadLetters(includeResolved: Bool = false, limit: Int = 1000) throws -> [StoredDeadLetter] {
        let (sql, arguments) = Self.deadLetterQuery(includeResolved: includeResolved, limit: limit)
        return try store.read { db in try db.rows(sql: sql, arguments: arguments).map(Self.deadLetter) }
    }

    /// `deadLetters`' statement: everything but the bytes (a list must not read every original
    /// input), newest first from an index (schema v5). Unbounded and sorted, 100,000 open dead
    /// letters took 2.3 s and a 33 MB answer.
    static func deadLetterQuery(includeResolved: Bool, limit: Int) -> (sql: String, arguments: SQLArguments) {
        let filter = includeResolved ? "" : "WHERE resolved_at IS NULL"
        return ("SELECT \(listColumns) FROM dead_letters \(filter) ORDER BY failed_at DESC, order_id LIMIT ?", [limit])
    }

    /// Dead letters not yet resolved by a successful retry.
    public func openDeadLetterCount() throws -> Int {
        try store.read { db in
            try db.value(Int.self, sql: "SELECT COUNT(*) FROM dead_letters WHERE resolved_at IS NULL") ?? 0
        }
    }

    private static let listColumns =
        "order_id, stage, code, reason, uri, sender, sha256, modality, length(bytes) AS size, failures, failed_at, resolved_at"

    /// One dead letter and its original bytes.
    public func deadLetter(_ orderID: String) throws -> (letter: StoredDeadLetter, bytes: Data) {
        try store.read { db in
            guard let row = try db.row(sql: "SELECT *, length(bytes) AS size FROM dead_letters WHERE order_id = ?", arguments: [orderID]) else {
                throw ReviewError.deadLetterNotFound(orderID)
            }
            var letter = Self.deadLetter(row)
            letter.files = try db.values(String.self, sql: "SELECT name FROM dead_letter_files WHERE order_id = ? ORDER BY name", arguments: [orderID])
            return (letter, row["bytes"])
        }
    }

    /// What a retry of dead letter `orderID` runs: its kept bytes and files (the originals may
    /// have moved, to a watch folder's failed/ say), under the failed order's id, since its
    /// idempotency key (an HTTP one, say) is not kept.
    public func retryInput(_ orderID: String) throws -> (letter: StoredDeadLetter, input: PipelineInput) {
        let (letter, bytes) = try deadLetter(orderID)
        let input = PipelineInput(
            uri: letter.uri, sender: letter.sender, orderID: letter.orderID, companions: try deadLetterFiles(of: letter), bytes: bytes)
        return (letter, input)
    }

    /// What a retry of `letter` runs, as `retryInput(_:)`, but its bytes are read from the store
    /// only when the pipeline reads the input: retrying every dead letter must not hold every
    /// input in memory at once.
    public func retryInput(of letter: StoredDeadLetter) throws -> PipelineInput {
        PipelineInput(
            uri: letter.uri, sender: letter.sender, orderID: letter.orderID, companions: try deadLetterFiles(of: letter),
            load: { [self] in try deadLetter(letter.orderID).bytes })
    }

    /// The files kept with `letter`, at the paths they had beside its input (`uri`), with their
    /// kept bytes: what a retry hands the pipeline as the input's companions.
    public func deadLetterFiles(of letter: StoredDeadLetter) throws -> [CompanionFile] {
        let folder = URL(fileURLWithPath: letter.uri).deletingLastPathComponent()
        return try store.read { db in
            try db.rows(sql: "SELECT name, bytes FROM dead_letter_files WHERE order_id = ? ORDER BY name", arguments: [letter.orderID]).map { row in
                CompanionFile(path: folder.appendingPathComponent(row["name"]).path, bytes: row["bytes"])
            }
        }
    }

    private static func deadLetter(_ row: StoreRow) -> StoredDeadLetter {
        StoredDeadLetter(
            orderID: row["order_id"], stage: row["stage"], code: row["code"], reason: row["reason"], uri: row["uri"],
            sender: row["sender"], sha256: row["sha256"], modality: row["modality"], size: row["size"],
            failures: row["failures"], failedAt: row["failed_at"], resolvedAt: row["resolved_at"])
    }
}

/// Lets a pipeline skip inputs whose orders are already stored (a re-run after a crash).
extension ReviewQueue: OrderLookup {
    public func finishedRecord(id orderID: String) throws -> OrderRecord? {
        guard let record = try record(id: orderID), record.status != .failed else { return nil }
        return record
    }
}

/// Audit verification.
extension ReviewQueue {
    /// Checks the hash chain, and that every order's stored record is the one its last audit
    /// entry hashed (so an edited order is caught too). Reads a page at a time, in one read
    /// transaction, so memory does not grow with the store (all at once, 300,000 orders took 714 MB).
    public func verifyAudit(pageSize: Int = 5_000) throws -> AuditVerification {
        try store.read { db in
            var verification = AuditVerification()
            var lastSeq: Int64 = 0
            while true {
                let page = try db.rows(
                    sql: "SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [lastSeq, pageSize]
                ).map(Self.auditEntry)
                verification.check(chain: page)
                guard let last = page.last, page.count == pageSize else { break }
                lastSeq = last.seq
            }
            var lastID = ""
            while true {
                let page = try db.rows(sql: """
                    SELECT o.id, o.record, a.evidence_hash FROM orders o
                    LEFT JOIN audit_log a ON a.seq = (SELECT MAX(seq) FROM audit_log WHERE subject = o.id AND action LIKE 'order.%')
                    WHERE o.id > ? ORDER BY o.id LIMIT ?
                    """, arguments: [lastID, pageSize])
                for row in page {
                    verification.orders += 1
                    let id: String = row["id"]
                    let stored: String = row["record"]
                    let hash: String? = row["evidence_hash"]
                    if hash != ContentHash.sha256(Data(stored.utf8)) {
                        verification.problems.append(.init(
                            seq: nil, subject: id, reason: hash == nil ? "order has no audit entry" : "order was changed outside intake (its record no longer matches the audit trail)"))
                    }
                    lastID = id
                }
                if page.count < pageSize { break }
            }
            return verification
        }
    }
}
