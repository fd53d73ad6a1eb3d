import Foundation

import IntakeCore

/// What a reviewer did with an order.
public enum ReviewOutcome: String, Codable, Sendable {
    case approved, corrected, rejected
}

/// An order with everything needed to explain it: its record (with evidence), claim, and the
/// history of every change.
public struct OrderDetail: Codable, Sendable {
    public var record: OrderRecord
    public var auditSample: Bool
    public var claimedBy: String?
    public var claimExpires: String?
    public var history: [AuditEntry]
    public var reviews: [ReviewEntry]

    enum CodingKeys: String, CodingKey {
        case record, history, reviews
        case auditSample = "audit_sample"
        case claimedBy = "claimed_by"
        case claimExpires = "claim_expires"
    }
}

/// One reviewer decision; corrections carry the field-by-field diff.
public struct ReviewEntry: Codable, Sendable, Equatable {
    public var orderID: String
    public var sandbox: String
    public var actor: String
    public var action: String
    public var reason: String?
    public var changes: [IntentCorrection.Change]?
    public var at: String

    enum CodingKeys: String, CodingKey {
        case sandbox, actor, action, reason, changes, at
        case orderID = "order_id"
    }
}

/// Reviewer actions. Each takes the order's claim for its actor (refusing if someone else
/// holds a live one), changes the order, counts the review in its sandbox and releases the claim.
extension ReviewQueue {
    /// Claims `id`, or the oldest unclaimed order waiting for review, for `actor` until the
    /// lease ends. Nil when nothing is waiting.
    public func claim(_ id: String? = nil, actor: String, sandbox: String? = nil) throws -> OrderRecord? {
        let now = clock()
        return try store.write { db in
            let orderID: String
            if let id {
                orderID = id
            } else {
                let (sql, arguments) = Self.nextQuery(actor: actor, sandbox: sandbox, now: now)
                guard let next = try db.value(String.self, sql: sql, arguments: arguments) else { return nil }
                orderID = next
            }
            let record = try reviewable(db, id: orderID, actor: actor, now: now, allowing: [.pendingReview])
            try db.execute(
                sql: "UPDATE orders SET claimed_by = ?, claim_expires = ? WHERE id = ?",
                arguments: [actor, now.timeIntervalSince1970 + settings.lease, orderID])
            return record
        }
    }

    /// `claim`'s statement for the oldest order `actor` may take. It runs in a write
    /// transaction, so it reads an index (schema v5): sorting every waiting order took 0.4 s at
    /// 300,000 orders, and held up the pipeline's writes that long.
    static func nextQuery(actor: String, sandbox: String?, now: Date) -> (sql: String, arguments: SQLArguments) {
        var sql = "SELECT id FROM orders WHERE status = 'pending_review' AND (claimed_by IS NULL OR claim_expires <= ? OR claimed_by = ?)"
        var arguments: SQLArguments = [now.timeIntervalSince1970, actor]
        if let sandbox { sql += " AND sandbox_id = ?"; arguments += [sandbox] }
        return (sql + " ORDER BY created_at, id LIMIT 1", arguments)
    }

    /// Gives up `actor`'s claim on `id`.
    public func release(_ id: String, actor: String) throws {
        let now = clock()
        try store.write { db in
            _ = try reviewable(db, id: id, actor: actor, now: now, allowing: [.pendingReview])
            try db.execute(sql: "UPDATE orders SET claimed_by = NULL, claim_expires = NULL WHERE id = ?", arguments: [id])
        }
    }

    /// Approves the order as it is: a clean review that extends its sandbox's streak.
    @discardableResult
    public func approve(_ id: String, actor: String, reason: String? = nil) throws -> OrderRecord {
        try review(id, actor: actor, outcome: .approved, allowing: [.pendingReview], reason: reason ?? "approved as proposed") { record in
            record.status = .approved
            return nil
        }
    }

    /// Corrects and approves the order. The before/after diff is kept; the sandbox counts an error.
    @discardableResult
    public func correct(
        _ id: String, actor: String, reason: String? = nil, _ correction: (OrderIntent) throws -> IntentCorrection
    ) throws -> OrderRecord {
        try review(id, actor: actor, outcome: .corrected, allowing: [.pendingReview, .autoApproved], reason: reason ?? "corrected") { record in
            let corrected = try correction(record.intent)
            record.intent = corrected.after
            record.status = .approved
            for change in corrected.changes {
                record.evidence.append(Evidence(
                    field: "intent.\(change.path)", method: "review", text: change.after?.description,
                    confidence: 1, detail: "corrected by \(actor); was \(change.before?.description ?? "absent")"))
            }
            return corrected.changes
        }
    }

    /// Rejects the order with a reason; the sandbox counts an error.
    @discardableResult
    public func reject(_ id: String, actor: String, reason: String) throws -> OrderRecord {
        try review(id, actor: actor, outcome: .rejected, allowing: [.pendingReview, .autoApproved], reason: reason) { record in
            record.status = .rejected
            return nil
        }
    }

    /// The order with its claim, history and reviews.
    public func detail(_ id: String) throws -> OrderDetail {
        try store.read { db in
            guard let row = try db.row(sql: "SELECT record, audit_sample, claimed_by, claim_expires FROM orders WHERE id = ?", arguments: [id]) else {
                throw ReviewError.orderNotFound(id)
            }
            let expires: Double? = row["claim_expires"]
            let live = expires.map { $0 > clock().timeIntervalSince1970 } ?? false
            return OrderDetail(
                record: try Self.decodeRecord(row["record"]), auditSample: row["audit_sample"],
                claimedBy: live ? row["claimed_by"] : nil,
                claimExpires: live ? expires.map { Timestamp.string(Date(timeIntervalSince1970: $0)) } : nil,
                history: try Self.auditEntries(db, subject: id),
                reviews: try Self.reviews(db, sql: "WHERE order_id = ?", arguments: [id]))
        }
    }

    /// The audit entries about an order or sandbox, oldest first.
    public func history(of subject: String) throws -> [AuditEntry] {
        try store.read { db in try Self.auditEntries(db, subject: subject) }
    }

    /// Every correction, oldest first: what reviewers changed, to improve master data and aliases.
    public func corrections() throws -> [ReviewEntry] {
        try store.read { db in try Self.reviews(db, sql: "WHERE action = 'correct'", arguments: []) }
    }

    // MARK: - Inside a transaction

    private func review(
        _ id: String, actor: String, outcome: ReviewOutcome, allowing: Set<OrderStatus>, reason: String,
        change: (inout OrderRecord) throws -> [IntentCorrection.Change]?
    ) throws -> OrderRecord {
        let now = clock()
        return try store.write { db in
            let log = ChangeLog(db: db, at: Timestamp.string(now))
            var record = try reviewable(db, id: id, actor: actor, now: now, allowing: allowing)
            let from = record.status
            let changes = try change(&record)
            try Self.update(record, from: from, action: "order.\(outcome.rawValue)", actor: actor, reason: reason, log: log)
            try db.execute(
                sql: "INSERT INTO reviews (order_id, sandbox_id, actor, action, reason, changes, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [id, record.sandbox ?? "", actor, Self.verb(outcome), reason,
                            try changes.map { try JSONValue(encoding: $0).description }, log.at])
            try countReview(sandbox: record.sandbox ?? "", outcome: outcome, order: id, actor: actor, log: log)
            return record
        }
    }

    private static func verb(_ outcome: ReviewOutcome) -> String {
        switch outcome {
        case .approved: "approve"
        case .corrected: "correct"
        case .rejected: "reject"
        }
    }

    /// The order if `actor` may review it now: it exists, is in an allowed status, and nobody
    /// else holds a live claim on it.
    private func reviewable(_ db: any StoreTransaction, id: String, actor: String, now: Date, allowing: Set<OrderStatus>) throws -> OrderRecord {
        guard let row = try db.row(sql: "SELECT record, claimed_by, claim_expires FROM orders WHERE id = ?", arguments: [id]) else {
            throw ReviewError.orderNotFound(id)
        }
        let record = try Self.decodeRecord(row["record"])
        guard allowing.contains(record.status) else { throw ReviewError.notReviewable(order: id, status: record.status) }
        if let holder: String = row["claimed_by"], holder != actor, let expires: Double = row["claim_expires"],
           expires > now.timeIntervalSince1970 {
            throw ReviewError.claimedByOther(order: id, actor: holder, until: Timestamp.string(Date(timeIntervalSince1970: expires)))
        }
        return record
    }

    static func auditEntries(_ db: any StoreTransaction, subject: String) throws -> [AuditEntry] {
        try db.rows(sql: "SELECT * FROM audit_log WHERE subject = ? ORDER BY seq", arguments: [subject]).map(auditEntry)
    }

    static func auditEntry(_ row: StoreRow) -> AuditEntry {
        AuditEntry(
            seq: row["seq"], at: row["at"], actor: row["actor"], action: row["action"], subject: row["subject"],
            fromStatus: row["from_status"], toStatus: row["to_status"], reason: row["reason"],
            evidenceHash: row["evidence_hash"], prevHash: row["prev_hash"], hash: row["hash"])
    }

    private static func reviews(_ db: any StoreTransaction, sql filter: String, arguments: SQLArguments) throws -> [ReviewEntry] {
        try db.rows(sql: "SELECT * FROM reviews \(filter) ORDER BY id", arguments: arguments).map { row in
            let changes: String? = row["changes"]
            return ReviewEntry(
                orderID: row["order_id"], sandbox: row["sandbox_id"], actor: row["actor"], action: row["action"],
                reason: row["reason"],
                changes: try changes.map { try JSONDecoder().decode([IntentCorrection.Change].self, from: Data($0.utf8)) },
                at: row["at"])
        }
    }
}
