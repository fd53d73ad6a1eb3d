/// A database that runs the store's transactions: SQLite (`SQLiteBackend`) or PostgreSQL
/// (`PostgresBackend`). Each is migrated to the same schema version when it opens.
protocol StoreBackend: Sendable {
    /// Where the data lives, safe to print (no password).
    var location: String { get }

    /// Runs `body` in one transaction: committed whole, or rolled back whole. A `serialized`
    /// write starts only after every other serialized write has committed: the audit chain and
    /// the sandbox counters rely on it. Claims of work items need not be serialized.
    func write<T>(serialized: Bool, _ body: (any StoreTransaction) throws -> T) throws -> T

    /// Runs `body` on a consistent snapshot.
    func read<T>(_ body: (any StoreTransaction) throws -> T) throws -> T
}
