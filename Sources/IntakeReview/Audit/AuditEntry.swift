import Foundation
import IntakeCore

/// One state change: who did what to which order or sandbox, when, why, and a hash of the
/// evidence at that moment. Entries are hash-chained: each `hash` covers the previous one.
public struct AuditEntry: Codable, Sendable, Equatable {
    public var seq: Int64
    public var at: String
    /// A person's name, or `system` for decisions the pipeline made.
    public var actor: String
    /// `order.created`, `order.approved`, `order.corrected`, `sandbox.promoted`, …
    public var action: String
    /// The order or sandbox id.
    public var subject: String
    public var fromStatus: String?
    public var toStatus: String?
    public var reason: String
    /// SHA-256 of the subject's state after the change (the order record with its evidence).
    public var evidenceHash: String
    public var prevHash: String
    public var hash: String

    /// The hash of the very first entry's predecessor.
    public static let genesis = String(repeating: "0", count: 64)

    /// The hash this entry must carry: SHA-256 over its predecessor's hash and every field.
    public var expectedHash: String {
        let fields = [prevHash, String(seq), at, actor, action, subject, fromStatus ?? "", toStatus ?? "", reason, evidenceHash]
        return ContentHash.sha256(Data(fields.joined(separator: "\u{1F}").utf8))
    }

    enum CodingKeys: String, CodingKey {
        case seq, at, actor, action, subject, reason, hash
        case fromStatus = "from_status"
        case toStatus = "to_status"
        case evidenceHash = "evidence_hash"
        case prevHash = "prev_hash"
    }
}

/// What `intake audit verify` found.
public struct AuditVerification: Encodable, Sendable {
    public struct Problem: Codable, Sendable, Equatable {
        public var seq: Int64?
        public var subject: String?
        public var reason: String
    }

    public var entries = 0
    public var orders = 0
    public var problems: [Problem] = []
    public var valid: Bool { problems.isEmpty }

    /// The chain's last entry checked so far: the next call of `check(chain:)` goes on from it.
    private var previous = AuditEntry.genesis
    private var lastSeq: Int64 = 0

    /// Checks the chain: every hash recomputes, links to the one before, and no entry is missing.
    /// A long chain can be checked in parts, in order: each call goes on where the last stopped.
    public mutating func check(chain entries: some Sequence<AuditEntry>) {
        for entry in entries {
            self.entries += 1
            if entry.seq != lastSeq + 1 {
                problems.append(Problem(seq: entry.seq, subject: entry.subject, reason: "entries \(lastSeq + 1)…\(entry.seq - 1) are missing"))
            }
            if entry.prevHash != previous {
                problems.append(Problem(seq: entry.seq, subject: entry.subject, reason: "does not link to the entry before it"))
            }
            if entry.hash != entry.expectedHash {
                problems.append(Problem(seq: entry.seq, subject: entry.subject, reason: "its contents were changed after it was written"))
            }
            previous = entry.hash
            lastSeq = entry.seq
        }
    }

    enum CodingKeys: String, CodingKey { case entries, orders, problems, valid }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(entries, forKey: .entries)
        try container.encode(orders, forKey: .orders)
        try container.encode(problems, forKey: .problems)
        try container.encode(valid, forKey: .valid)
    }
}
