import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// The scale-out store: PostgreSQL through postgres-nio, for many intake workers on many
/// machines sharing one database.
///
/// Calls are synchronous (stage workers are Dispatch threads): each statement waits on its
/// event-loop future, never on an event loop itself. Connections are pooled, at most
/// `maxConnections`. Serialized writes take one transaction-scoped advisory lock, so they
/// commit one after another exactly as SQLite's IMMEDIATE transactions do: the audit chain
/// and the sandbox streaks see no lost updates. A transaction that loses its connection
/// (PostgreSQL restarted, network cut) is retried on a new one for up to `reconnectWindow`
/// seconds; it had not committed, or its retry finds the order already stored. One that
/// PostgreSQL chose as a deadlock or serialization victim was rolled back whole, so it is run
/// again too, up to `conflictRetries` times.
final class PostgresBackend: StoreBackend {
    let location: String
    private let target: PostgresLocation
    private let reconnectWindow: Double
    private let statementTimeout: TimeAmount
    private let idle = Mutex<[PostgresConnection]>([])
    private let slots: DispatchSemaphore
    private let nextID = Atomic<Int>(1)
    private let logger: Logger
    /// Connections given up on after a statement timed out: closing is asked for but not waited
    /// on (it may never finish either), and they are kept so that none is deallocated open.
    private let abandoned = Mutex<[PostgresConnection]>([])

    /// Runs of a transaction PostgreSQL rolled back to break a deadlock or a serialization conflict.
    static let conflictRetries = 8

    /// The advisory lock key serialized writes hold (any constant no other application uses).
    static let writeLock: Int64 = 0x696E_7461_6B65  // "intake"

    init(location target: PostgresLocation, maxConnections: Int = 8, reconnectWindow: Double = 60,
         statementTimeout: Double = 30, logger: Logger = Logger(label: "intake.postgres")) throws {
        self.target = target
        location = target.redacted
        self.reconnectWindow = reconnectWindow
        self.statementTimeout = .milliseconds(Int64(statementTimeout * 1000))
        slots = DispatchSemaphore(value: maxConnections)
        self.logger = logger
        try write(serialized: true) { transaction in
            try PostgresSchema.migrate(transaction, location: target.redacted)
        }
    }

    deinit {
        for connection in idle.withLock({ $0 }) { Self.discard(connection) }
    }

    func write<T>(serialized: Bool, _ body: (any StoreTransaction) throws -> T) throws -> T {
        try transaction(
            begin: "BEGIN ISOLATION LEVEL READ COMMITTED",
            lock: serialized ? "SELECT pg_advisory_xact_lock(\(Self.writeLock))" : nil, body)
    }

    func read<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", lock: nil, body)
    }

    // MARK: - Transactions

    private func transaction<T>(begin: String, lock: String?, _ body: (any StoreTransaction) throws -> T) throws -> T {
        let deadline = Date().addingTimeInterval(reconnectWindow)
        var attempt = 0
        var conflicts = 0
        while true {
            do {
                return try once(begin: begin, lock: lock, body)
            } catch let error as PSQLError where Self.isConflict(error) {
                conflicts += 1
                guard conflicts <= Self.conflictRetries else { throw Self.translate(error, location: location) }
                logger.info("transaction rolled back by PostgreSQL to resolve a conflict; running it again",
                            metadata: ["attempt": "\(conflicts)", "error": "\(Self.describe(error))"])
                // A random pause, so the two sides of a deadlock do not meet again in step.
                Thread.sleep(forTimeInterval: Double.random(in: 0.001...0.02) * Double(conflicts))
            } catch let error where Self.isConnectionLoss(error) {
                attempt += 1
                guard Date() < deadline else {
                    throw ReviewError.storeUnavailable(
                        path: location, reason: "PostgreSQL unreachable for \(Int(reconnectWindow)) s: \(Self.describe(error))")
                }
                let pause = min(0.05 * pow(2, Double(min(attempt, 6))), 2)
                logger.warning("PostgreSQL connection lost; retrying the transaction on a new one",
                               metadata: ["attempt": "\(attempt)", "error": "\(Self.describe(error))"])
                Thread.sleep(forTimeInterval: pause)
            }
        }
    }

    private func once<T>(begin: String, lock: String?, _ body: (any StoreTransaction) throws -> T) throws -> T {
        slots.wait()
        defer { slots.signal() }
        let connection = try checkout()
        let transaction = PostgresTransaction(connection: connection, logger: logger, statementTimeout: statementTimeout)
        do {
            try transaction.execute(sql: begin)
            if let lock { try transaction.execute(sql: lock) }
            let result = try body(transaction)
            try transaction.execute(sql: "COMMIT")
            checkin(connection)
            return result
        } catch let error as PostgresTransaction.StatementTimedOut {
            logger.warning("PostgreSQL did not answer a statement; dropping its connection", metadata: ["error": "\(error.intakeMessage)"])
            let _: EventLoopFuture<Void> = connection.close()
            abandoned.withLock { $0.append(connection) }
            throw error
        } catch let error where Self.isConnectionLoss(error) {
            Self.discard(connection)
            throw error
        } catch {
            do {
                try transaction.execute(sql: "ROLLBACK")
                checkin(connection)
            } catch {
                Self.discard(connection)
            }
            if let error = error as? PSQLError, !Self.isConflict(error) { throw Self.translate(error, location: location) }
            throw error
        }
    }

    private func checkout() throws -> PostgresConnection {
        while let connection = idle.withLock({ $0.popLast() }) {
            if !connection.isClosed { return connection }
        }
        var configuration: PostgresConnection.Configuration
        if let folder = target.socketFolder {
            configuration = .init(
                unixSocketPath: "\(folder)/.s.PGSQL.\(target.port)", username: target.user, password: target.password,
                database: target.database)
        } else {
            configuration = .init(
                host: target.host, port: target.port, username: target.user, password: target.password,
                database: target.database, tls: .disable)
        }
        configuration.options.connectTimeout = .seconds(10)
        let id = nextID.add(1, ordering: .relaxed).oldValue
        return try PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: id, logger: logger
        ).wait()
    }

    /// Closes a connection (it may already be dead) and waits: postgres-nio traps if an open
    /// connection is deallocated.
    private static func discard(_ connection: PostgresConnection) {
        let closing: EventLoopFuture<Void> = connection.close()
        try? closing.wait()
    }

    private func checkin(_ connection: PostgresConnection) {
        guard !connection.isClosed else { return }
        idle.withLock { $0.append(connection) }
    }

    // MARK: - Errors

    /// True when the connection, not the statement, failed: the transaction can run again on another.
    static func isConnectionLoss(_ error: any Error) -> Bool {
        if error is PostgresTransaction.StatementTimedOut { return true }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .serverClosedConnection, .connectionError, .uncleanShutdown, .clientClosedConnection: return true
        case .server:
            // 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up).
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state)
        default: return false
        }
    }

    /// True when PostgreSQL rolled the transaction back to break a deadlock (40P01) or a
    /// serialization conflict (40001): running it again is expected to succeed.
    static func isConflict(_ error: PSQLError) -> Bool {
        error.code == .server && ["40P01", "40001"].contains(error.serverInfo?[.sqlState] ?? "")
    }

    static func translate(_ error: PSQLError, location: String) -> any Error {
        let state = error.serverInfo?[.sqlState] ?? ""
        switch state {
        case "53100": return ReviewError.storageFull(path: location)
        case "55P03", "40P01", "40001": return ReviewError.databaseLocked(path: location)
        default: return ReviewError.storeUnavailable(path: location, reason: describe(error))
        }
    }

    /// The server's message and SQLSTATE, or the client-side reason.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            return "\(message) (SQLSTATE \(error.serverInfo?[.sqlState] ?? "?"))"
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }
}
