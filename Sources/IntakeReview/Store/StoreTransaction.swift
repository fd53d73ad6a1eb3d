/// The store inside one transaction, on SQLite or PostgreSQL. Statements use `?` placeholders
/// and SQL both databases accept; the few differences are asked of `dialect`.
public protocol StoreTransaction {
    var dialect: SQLDialect { get }
    func execute(sql: String, arguments: SQLArguments) throws
    func rows(sql: String, arguments: SQLArguments) throws -> [StoreRow]
}

/// What differs between the two databases' SQL.
public enum SQLDialect: Sendable {
    case sqlite, postgres

    /// Appended to a SELECT that claims rows: other PostgreSQL workers skip them instead of
    /// waiting. SQLite needs nothing: its write transactions never overlap.
    public var skipLocked: String {
        switch self {
        case .sqlite: ""
        case .postgres: " FOR UPDATE SKIP LOCKED"
        }
    }
}

extension StoreTransaction {
    public func execute(sql: String) throws {
        try execute(sql: sql, arguments: [])
    }

    public func rows(sql: String) throws -> [StoreRow] {
        try rows(sql: sql, arguments: [])
    }

    /// The first row, or nil.
    public func row(sql: String, arguments: SQLArguments = []) throws -> StoreRow? {
        try rows(sql: sql, arguments: arguments).first
    }

    /// The first column of the first row; nil when there is no row or it is NULL.
    public func value<T: SQLValueConvertible>(_ type: T.Type, sql: String, arguments: SQLArguments = []) throws -> T? {
        try values(type, sql: sql, arguments: arguments).first
    }

    /// The first column of every row, NULLs left out.
    public func values<T: SQLValueConvertible>(_ type: T.Type, sql: String, arguments: SQLArguments = []) throws -> [T] {
        try rows(sql: sql, arguments: arguments).compactMap { row in row.firstValue.flatMap(T.init(sqlValue:)) }
    }
}
