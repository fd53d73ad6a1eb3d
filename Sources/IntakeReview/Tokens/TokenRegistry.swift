import Foundation

import IntakeCore

/// Creates, lists, revokes and checks API tokens kept in the order store.
///
/// A token is `itk_` and 32 random bytes (base64url); the store keeps only its SHA-256, so a
/// copy of the database does not let anyone in. Creations and revocations are audited.
public struct TokenRegistry: Sendable {
    public let store: OrderStore

    public init(store: OrderStore) {
        self.store = store
    }

    /// Creates a token and returns it with its secret, which is not kept and cannot be shown again.
    public func create(name: String, role: APIRole, subject: String?, actor: String) throws -> (token: APIToken, secret: String) {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw ReviewError.invalidToken("give the token a name (who or what holds it)") }
        if role == .device, (subject ?? "").isEmpty {
            throw ReviewError.invalidToken("a device token needs the device or app id it submits as (--subject)")
        }
        if role != .device, subject != nil {
            throw ReviewError.invalidToken("only device tokens are bound to a subject; leave --subject out for \(role.rawValue)")
        }
        let secret = "itk_" + Self.randomBase64URL(bytes: 32)
        let token = APIToken(
            id: "tok_" + Self.randomBase64URL(bytes: 9), name: trimmed, role: role, subject: subject,
            createdAt: Timestamp.string(Date()), createdBy: actor, revokedAt: nil)
        try store.write { db in
            try db.execute(
                sql: "INSERT INTO api_tokens (id, name, role, subject, secret_sha256, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [token.id, token.name, role.rawValue, subject, Self.digest(secret), token.createdAt, actor])
            try ChangeLog(db: db, at: token.createdAt).record(
                "token.created", subject: token.id, actor: actor,
                reason: "\(role.rawValue) token \(trimmed)" + (subject.map { " for \($0)" } ?? ""), state: try JSONValue(encoding: token))
        }
        return (token, secret)
    }

    /// Every token, newest first, revoked ones included.
    public func list() throws -> [APIToken] {
        try store.read { db in
            try db.rows(sql: "SELECT * FROM api_tokens ORDER BY created_at DESC, id").map(Self.token)
        }
    }

    /// Revokes `id` at once: requests with it get 401 from then on.
    @discardableResult
    public func revoke(_ id: String, actor: String) throws -> APIToken {
        try store.write { db in
            guard let row = try db.row(sql: "SELECT * FROM api_tokens WHERE id = ?", arguments: [id]) else {
                throw ReviewError.tokenNotFound(id)
            }
            var token = Self.token(row)
            guard !token.isRevoked else { return token }
            let now = Timestamp.string(Date())
            token.revokedAt = now
            try db.execute(sql: "UPDATE api_tokens SET revoked_at = ? WHERE id = ?", arguments: [now, id])
            try ChangeLog(db: db, at: now).record(
                "token.revoked", subject: id, actor: actor, reason: "revoked \(token.role.rawValue) token \(token.name)",
                state: try JSONValue(encoding: token))
            return token
        }
    }

    /// The live token whose secret is `secret`, or nil (unknown, revoked or malformed).
    public func authenticate(secret: String) throws -> APIToken? {
        guard secret.hasPrefix("itk_"), secret.utf8.count < 200 else { return nil }
        return try store.read { db in
            try db.row(sql: "SELECT * FROM api_tokens WHERE secret_sha256 = ? AND revoked_at IS NULL",
                arguments: [Self.digest(secret)]).map(Self.token)
        }
    }

    static func digest(_ secret: String) -> String {
        ContentHash.sha256(Data(secret.utf8))
    }

    private static func randomBase64URL(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    private static func token(_ row: StoreRow) -> APIToken {
        APIToken(
            id: row["id"], name: row["name"], role: APIRole(rawValue: row["role"]) ?? .device, subject: row["subject"],
            createdAt: row["created_at"], createdBy: row["created_by"], revokedAt: row["revoked_at"])
    }
}
