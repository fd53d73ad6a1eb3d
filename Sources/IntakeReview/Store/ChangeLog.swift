import Foundation

import IntakeCore

/// Records one state change inside the transaction that makes it: an audit entry chained to
/// the one before, and the CloudEvent for the outbox. Both commit or vanish with the change.
struct ChangeLog {
    let db: any StoreTransaction
    let at: String
    /// The chain's last entry, once read: every entry of a (serialized) write transaction is
    /// appended here, so it is read from the table once per transaction, not once per entry.
    private let head = Head()

    private final class Head {
        var last: (seq: Int64, hash: String)?
    }

    init(db: any StoreTransaction, at: String) {
        self.db = db
        self.at = at
    }

    /// Appends an audit entry and an outbox event of type `action`.
    func record(
        _ action: String, subject: String, actor: String, from: String? = nil, to: String? = nil,
        reason: String, state: JSONValue
    ) throws {
        if head.last == nil {
            let row = try db.row(sql: "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            head.last = (row?["seq"] ?? 0, row?["hash"] ?? AuditEntry.genesis)
        }
        let previous = head.last?.hash ?? AuditEntry.genesis
        let seq = (head.last?.seq ?? 0) + 1
        var entry = AuditEntry(
            seq: seq, at: at, actor: actor, action: action, subject: subject, fromStatus: from, toStatus: to,
            reason: reason, evidenceHash: Self.hash(state), prevHash: previous, hash: "")
        entry.hash = entry.expectedHash
        try db.execute(
            sql: """
                INSERT INTO audit_log (seq, at, actor, action, subject, from_status, to_status, reason, evidence_hash, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [seq, at, actor, action, subject, from, to, reason, entry.evidenceHash, previous, entry.hash])
        head.last = (seq, entry.hash)

        let kind = action.split(separator: ".").first.map(String.init) ?? "intake"
        var data: [String: JSONValue] = ["actor": .string(actor), "reason": .string(reason), kind: state]
        if let from { data["from_status"] = .string(from) }
        if let to { data["to_status"] = .string(to) }
        let event = CloudEvent(
            id: "evt_" + UUID().uuidString.lowercased(), source: Self.source(of: kind), type: action,
            subject: subject, time: at, data: .object(data))
        try db.execute(sql: "INSERT INTO outbox (event, created_at) VALUES (?, ?)", arguments: [event.json.description, at])
    }

    /// The CloudEvents `source` of a change to a `kind` ("order", "sandbox", …): the collection
    /// it belongs to, `/intake/orders`, `/intake/sandboxes`.
    static func source(of kind: String) -> String {
        "/intake/" + (kind.hasSuffix("x") ? kind + "es" : kind + "s")
    }

    /// The evidence hash of a state: SHA-256 of its canonical JSON (sorted keys).
    static func hash(_ state: JSONValue) -> String {
        ContentHash.sha256(Data(state.description.utf8))
    }
}
