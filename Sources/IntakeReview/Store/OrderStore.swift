import Foundation
import GRDB

/// The embedded order store: one SQLite file in WAL mode, fsync on every commit
/// (`synchronous = FULL`), migrated on open. Every change runs in one IMMEDIATE transaction,
/// so a crash at any instant leaves either all of it or none.
public final class OrderStore: Sendable {
    public let path: String
    let pool: DatabasePool

    /// Opens (creating if needed) the store at `path`. A write waits up to `busyTimeout`
    /// seconds for a lock held by another process, then fails with `databaseLocked`.
    public init(path: String, busyTimeout: Double = 5) throws {
        self.path = path
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw ReviewError.storeUnavailable(path: path, reason: "cannot create \(folder.path): \(error.localizedDescription)")
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            let migrator = StoreSchema.migrator
            try pool.read { db in
                if try migrator.hasBeenSuperseded(db) {
                    throw ReviewError.newerSchema(path: path, version: try migrator.appliedMigrations(db).last ?? "?")
                }
            }
            try migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw Self.translate(error, path: path)
        }
    }

    /// Runs `body` in one IMMEDIATE transaction: committed whole, or rolled back whole.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch let error as DatabaseError {
            throw Self.translate(error, path: path)
        }
    }

    /// Runs `body` on a consistent snapshot.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch let error as DatabaseError {
            throw Self.translate(error, path: path)
        }
    }

    /// Turns SQLite's result codes into errors that say what happened and that nothing was written.
    static func translate(_ error: DatabaseError, path: String) -> any Error {
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: ReviewError.databaseLocked(path: path)
        case .SQLITE_FULL: ReviewError.storageFull(path: path)
        case .SQLITE_CANTOPEN, .SQLITE_NOTADB, .SQLITE_CORRUPT, .SQLITE_READONLY, .SQLITE_IOERR, .SQLITE_PERM:
            ReviewError.storeUnavailable(path: path, reason: error.message ?? "\(error.resultCode)")
        default: error
        }
    }
}

/// Times as the store writes them: ISO 8601 UTC with milliseconds (sortable as text).
enum Timestamp {
    static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    static func string(_ date: Date) -> String { date.formatted(style) }

    static func date(_ text: String) -> Date? { try? style.parse(text) }
}
