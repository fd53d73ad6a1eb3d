import Foundation
import GRDB

/// The embedded store: one SQLite file in WAL mode, fsync on every commit (`synchronous = FULL`),
/// migrated on open. Every write is one IMMEDIATE transaction, so writes never overlap and a
/// crash at any instant leaves either all of one or none of it.
final class SQLiteBackend: StoreBackend {
    let location: String
    let pool: DatabasePool

    /// Opens (creating if needed) the file at `path`. A write waits up to `busyTimeout` seconds
    /// for a lock held by another process, then fails with `databaseLocked`.
    init(path: String, busyTimeout: Double) throws {
        location = path
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
            pool = try Self.openPool(path: path, configuration: configuration, busyTimeout: busyTimeout)
            let migrator = SQLiteSchema.migrator
            try pool.read { db in
                if try migrator.hasBeenSuperseded(db) {
                    throw ReviewError.newerSchema(path: path, version: try migrator.appliedMigrations(db).last ?? "?")
                }
            }
            try Self.migrate(pool, with: migrator)
        } catch let error as DatabaseError {
            throw Self.translate(error, path: path)
        }
    }

    /// Opens the pool, trying again while another process holds the lock: switching a new file
    /// to WAL mode answers SQLITE_BUSY at once, without waiting out the busy timeout.
    private static func openPool(path: String, configuration: Configuration, busyTimeout: Double) throws -> DatabasePool {
        let deadline = Date().addingTimeInterval(busyTimeout)
        while true {
            do {
                return try DatabasePool(path: path, configuration: configuration)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
    }

    /// Migrates, and runs again when another process migrated the same file at the same
    /// moment: GRDB picks the migrations to run before taking the write lock, so the second of
    /// two workers started together on a new store runs one the first has just committed
    /// ("table … already exists"). Its applied set has grown then; any other error is thrown.
    private static func migrate(_ pool: DatabasePool, with migrator: DatabaseMigrator) throws {
        while true {
            let before = try pool.read { try migrator.appliedIdentifiers($0) }
            do {
                return try migrator.migrate(pool)
            } catch let error as DatabaseError {
                let after = try pool.read { try migrator.appliedIdentifiers($0) }
                guard after.count > before.count else { throw error }
            }
        }
    }

    func write<T>(serialized: Bool, _ body: (any StoreTransaction) throws -> T) throws -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(SQLiteTransaction(db: db))
                    return .commit
                }
                return result!
            }
        } catch let error as DatabaseError {
            throw Self.translate(error, path: location)
        }
    }

    func read<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        do {
            return try pool.read { db in try body(SQLiteTransaction(db: db)) }
        } catch let error as DatabaseError {
            throw Self.translate(error, path: location)
        }
    }

    /// Turns SQLite's result codes into errors that say what happened and that nothing was written.
    static func translate(_ error: DatabaseError, path: String) -> any Error {
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: ReviewError.databaseLocked(path: path)
        case .SQLITE_FULL: ReviewError.storageFull(path: path)
        case .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_IOERR:
            ReviewError.storeUnavailable(
                path: path, reason: (error.message ?? "\(error.resultCode)") + (writeProblem(path).map { " (\($0))" } ?? ""))
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            ReviewError.storeUnavailable(path: path, reason: error.message ?? "\(error.resultCode)")
        default: error
        }
    }

    /// Why SQLite may not write `path` and the -wal and -shm files it keeps beside it, which
    /// "unable to open database file" or "disk I/O error" does not say: a read-only file system,
    /// a full one (the -shm file cannot grow), a folder or a file not writable. Nil when none holds.
    static func writeProblem(_ path: String) -> String? {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var system = statvfs()
        if statvfs(folder, &system) == 0, system.f_flag & UInt(ST_RDONLY) != 0 {
            return "its file system is read-only; the store needs a writable folder for its -wal and -shm files: copy it to one"
        }
        if statvfs(folder, &system) == 0, system.f_bavail == 0 {
            return "its disk is full: free space there"
        }
        if access(folder, W_OK) != 0 {
            return "its folder \(folder) is not writable: \(String(cString: strerror(errno)))"
        }
        if access(path, F_OK) == 0, access(path, R_OK | W_OK) != 0 {
            return "the file is not readable and writable: \(String(cString: strerror(errno)))"
        }
        return nil
    }
}

/// A GRDB connection inside a transaction, speaking `StoreTransaction`.
struct SQLiteTransaction: StoreTransaction {
    let db: Database

    var dialect: SQLDialect { .sqlite }

    // Statements are compiled once per connection and reused: the store runs the same few
    // dozen statements over and over.
    func execute(sql: String, arguments: SQLArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: Self.bind(arguments))
    }

    func rows(sql: String, arguments: SQLArguments) throws -> [StoreRow] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: Self.bind(arguments)).map { row in
            StoreRow(names: Array(row.columnNames), values: row.databaseValues.map(Self.value))
        }
    }

    private static func bind(_ arguments: SQLArguments) -> StatementArguments {
        StatementArguments(arguments.values.map { value -> (any DatabaseValueConvertible)? in
            switch value {
            case .null: nil
            case let .integer(number): number
            case let .real(number): number
            case let .text(text): text
            case let .blob(bytes): bytes
            }
        })
    }

    private static func value(_ value: DatabaseValue) -> SQLValue {
        switch value.storage {
        case .null: .null
        case let .int64(number): .integer(number)
        case let .double(number): .real(number)
        case let .string(text): .text(text)
        case let .blob(bytes): .blob(bytes)
        }
    }
}
