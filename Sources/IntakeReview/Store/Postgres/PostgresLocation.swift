import Foundation

/// Where a PostgreSQL store lives, from a URL:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable]`. The password may also
/// come from `$PGPASSWORD`; a `host=/path` query names a Unix-socket folder instead of a host.
struct PostgresLocation: Sendable, Equatable {
    var host: String
    var port: Int
    var user: String
    var password: String?
    var database: String
    /// A Unix-socket folder (`?host=/run/postgresql`); nil: TCP to `host`.
    var socketFolder: String?

    static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    init(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard Self.isURL(text), let components = URLComponents(string: text) else {
            throw ReviewError.storeUnavailable(
                path: text, reason: "not a PostgreSQL URL; write postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        if let mode = query["sslmode"], !["disable", "allow", "prefer"].contains(mode) {
            throw ReviewError.storeUnavailable(
                path: text, reason: "sslmode=\(mode) is not supported yet; run PostgreSQL on a private network and use sslmode=disable")
        }
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        port = components.port ?? 5432
        user = components.user.flatMap { $0.isEmpty ? nil : $0 } ?? environment["PGUSER"] ?? environment["USER"] ?? "postgres"
        password = components.password ?? environment["PGPASSWORD"]
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? user : path
        socketFolder = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
    }

    /// The URL without its password, for logs and messages.
    var redacted: String {
        var text = "postgres://\(user)@\(socketFolder == nil ? "\(host):\(port)" : "")/\(database)"
        if let socketFolder { text += "?host=\(socketFolder)" }
        return text
    }
}
