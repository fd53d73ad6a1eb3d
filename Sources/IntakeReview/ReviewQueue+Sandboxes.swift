import Foundation

import IntakeCore

/// Sandboxes: created on their first order, promoted when they have earned it, demoted on an
/// audit finding or by hand; policy knobs layered built-in ← pipeline file ← `sandbox set`.
extension ReviewQueue {
    public func sandboxes() throws -> [Sandbox] {
        try store.read { db in
            try db.values(String.self, sql: "SELECT id FROM sandboxes ORDER BY id").map { try loadSandbox(db, id: $0) }
        }
    }

    public func sandbox(id: String) throws -> Sandbox {
        try store.read { db in try loadSandbox(db, id: id) }
    }

    /// The effective default policy: built-in, then the pipeline file, then `intake sandbox set --default`.
    public func defaultPolicy() throws -> SandboxPolicy {
        try store.read { db in try storedDefaults(db).applied(to: settings.defaults.applied(to: SandboxPolicy())) }
    }

    /// Puts a sandbox in auto mode by hand.
    @discardableResult
    public func promote(_ id: String, actor: String, reason: String) throws -> Sandbox {
        try setMode(id, to: .auto, actor: actor, reason: reason)
    }

    /// Puts a sandbox back in review mode by hand; its streak starts again.
    @discardableResult
    public func demote(_ id: String, actor: String, reason: String) throws -> Sandbox {
        try setMode(id, to: .review, actor: actor, reason: reason)
    }

    private func setMode(_ id: String, to mode: SandboxMode, actor: String, reason: String) throws -> Sandbox {
        try store.write { db in
            var sandbox = try loadSandbox(db, id: id)
            try changeMode(&sandbox, to: mode, actor: actor, reason: reason, log: ChangeLog(db: db, at: Timestamp.string(clock())))
            return sandbox
        }
    }

    /// Sets policy knobs for one sandbox, or for every sandbox when `sandbox` is nil. A
    /// sandbox in review mode whose streak already meets the new policy is promoted.
    @discardableResult
    public func setPolicy(_ overrides: SandboxPolicyOverrides, sandbox id: String?, actor: String) throws -> SandboxPolicy {
        try overrides.validate()
        return try store.write { db in
            let log = ChangeLog(db: db, at: Timestamp.string(clock()))
            if let id {
                var sandbox = try loadSandbox(db, id: id)
                let merged = sandbox.overrides.merging(overrides)
                try db.execute(
                    sql: "UPDATE sandboxes SET overrides = ?, updated_at = ? WHERE id = ?",
                    arguments: [try JSONValue(encoding: merged).description, log.at, id])
                sandbox = try loadSandbox(db, id: id)
                try log.record(
                    "sandbox.policy_changed", subject: id, actor: actor, reason: "set \(try JSONValue(encoding: overrides))",
                    state: try JSONValue(encoding: sandbox))
                try promoteIfEarned(&sandbox, log: log)
                return sandbox.policy
            }
            let merged = try storedDefaults(db).merging(overrides)
            try db.execute(
                sql: "INSERT INTO settings (key, value) VALUES ('policy_defaults', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                arguments: [try JSONValue(encoding: merged).description])
            let policy = merged.applied(to: settings.defaults.applied(to: SandboxPolicy()))
            try log.record(
                "sandbox.policy_changed", subject: "default", actor: actor, reason: "set \(try JSONValue(encoding: overrides))",
                state: try JSONValue(encoding: policy))
            for sandboxID in try db.values(String.self, sql: "SELECT id FROM sandboxes ORDER BY id") {
                var sandbox = try loadSandbox(db, id: sandboxID)
                try promoteIfEarned(&sandbox, log: log)
            }
            return policy
        }
    }

    // MARK: - Inside a transaction

    /// The sandbox for `key`, created in review mode (and audited) on first use.
    func sandbox(_ db: any StoreTransaction, key: SandboxKey, log: ChangeLog) throws -> Sandbox {
        if try db.value(Bool.self, sql: "SELECT 1 FROM sandboxes WHERE id = ?", arguments: [key.id]) == nil {
            try db.execute(
                sql: "INSERT INTO sandboxes (id, modality, source, mode, created_at, updated_at) VALUES (?, ?, ?, 'review', ?, ?)",
                arguments: [key.id, key.modality, key.source, log.at, log.at])
            let sandbox = try loadSandbox(db, id: key.id)
            try log.record(
                "sandbox.created", subject: key.id, actor: "system", to: SandboxMode.review.rawValue,
                reason: "first order from \(key.source) by \(key.modality); new sandboxes start in review mode",
                state: try JSONValue(encoding: sandbox))
            return sandbox
        }
        return try loadSandbox(db, id: key.id)
    }

    func loadSandbox(_ db: any StoreTransaction, id: String) throws -> Sandbox {
        guard let row = try db.row(sql: "SELECT * FROM sandboxes WHERE id = ?", arguments: [id]) else {
            throw ReviewError.sandboxNotFound(id)
        }
        let overrides = try JSONDecoder().decode(SandboxPolicyOverrides.self, from: Data((row["overrides"] as String).utf8))
        let policy = overrides.applied(to: (settings.sandboxes[id] ?? .init()).applied(
            to: try storedDefaults(db).applied(to: settings.defaults.applied(to: SandboxPolicy()))))
        return Sandbox(
            id: row["id"], modality: row["modality"], source: row["source"],
            mode: SandboxMode(rawValue: row["mode"]) ?? .review, streak: row["streak"], reviewed: row["reviewed"],
            errors: row["errors"], policy: policy, overrides: overrides,
            createdAt: Timestamp.date(row["created_at"]) ?? Date(timeIntervalSince1970: 0),
            updatedAt: Timestamp.date(row["updated_at"]) ?? Date(timeIntervalSince1970: 0))
    }

    private func storedDefaults(_ db: any StoreTransaction) throws -> SandboxPolicyOverrides {
        guard let text = try db.value(String.self, sql: "SELECT value FROM settings WHERE key = 'policy_defaults'") else { return .init() }
        return try JSONDecoder().decode(SandboxPolicyOverrides.self, from: Data(text.utf8))
    }

    /// Counts one review in the sandbox: a clean approval extends the streak (and may promote);
    /// a correction or rejection is an error, resets the streak and demotes an auto sandbox.
    func countReview(sandbox id: String, outcome: ReviewOutcome, order: String, actor: String, log: ChangeLog) throws {
        var sandbox = try loadSandbox(log.db, id: id)
        let clean = outcome == .approved
        sandbox.reviewed += 1
        if clean {
            sandbox.streak += 1
        } else {
            sandbox.errors += 1
            sandbox.streak = 0
        }
        try saveCounters(sandbox, log: log)
        if clean {
            try promoteIfEarned(&sandbox, log: log)
        } else if sandbox.mode == .auto {
            try changeMode(
                &sandbox, to: .review, actor: "system",
                reason: "audit finding: order \(order) was \(outcome.rawValue) by \(actor)", log: log)
        }
    }

    private func promoteIfEarned(_ sandbox: inout Sandbox, log: ChangeLog) throws {
        if let reason = sandbox.promotionReason {
            try changeMode(&sandbox, to: .auto, actor: "system", reason: reason, log: log)
        }
    }

    private func changeMode(_ sandbox: inout Sandbox, to mode: SandboxMode, actor: String, reason: String, log: ChangeLog) throws {
        let from = sandbox.mode
        sandbox.mode = mode
        if mode == .review { sandbox.streak = 0 }
        try saveCounters(sandbox, log: log)
        try log.record(
            mode == .auto ? "sandbox.promoted" : "sandbox.demoted", subject: sandbox.id, actor: actor,
            from: from.rawValue, to: mode.rawValue, reason: reason, state: try JSONValue(encoding: sandbox))
    }

    private func saveCounters(_ sandbox: Sandbox, log: ChangeLog) throws {
        try log.db.execute(
            sql: "UPDATE sandboxes SET mode = ?, streak = ?, reviewed = ?, errors = ?, updated_at = ? WHERE id = ?",
            arguments: [sandbox.mode.rawValue, sandbox.streak, sandbox.reviewed, sandbox.errors, log.at, sandbox.id])
    }
}
