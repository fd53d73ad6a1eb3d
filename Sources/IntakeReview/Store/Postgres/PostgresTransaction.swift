import Foundation
import Logging
import NIOCore
import PostgresNIO

/// A PostgreSQL connection inside a transaction, speaking `StoreTransaction`: `?` placeholders
/// become `$1, $2, …`, and columns come back as integer, real, text or bytes as on SQLite.
///
/// Every statement has a deadline: after a PostgreSQL restart a query sent on a connection
/// that had just died was seen never to complete (its future neither succeeded nor failed),
/// which stalled a worker with its leases held. Past the deadline the statement fails with
/// `StatementTimedOut`, and the backend drops the connection and runs the transaction again.
struct PostgresTransaction: StoreTransaction {
    let connection: PostgresConnection
    let logger: Logger
    let statementTimeout: TimeAmount

    /// No answer to a statement within the deadline: the connection is presumed dead.
    struct StatementTimedOut: Error, CustomStringConvertible {
        let seconds: Int64
        var description: String { "no answer from PostgreSQL within \(seconds) s" }
    }

    var dialect: SQLDialect { .postgres }

    func execute(sql: String, arguments: SQLArguments) throws {
        _ = try run(sql, arguments)
    }

    func rows(sql: String, arguments: SQLArguments) throws -> [StoreRow] {
        try run(sql, arguments).map { row in
            StoreRow(names: row.map(\.columnName), values: try row.map(Self.value))
        }
    }

    private func run(_ sql: String, _ arguments: SQLArguments) throws -> PostgresQueryResult {
        var binds = PostgresBindings(capacity: arguments.values.count)
        for value in arguments.values {
            switch value {
            case .null: binds.appendNull()
            case let .integer(number): binds.append(number)
            case let .real(number): binds.append(number)
            case let .text(text): binds.append(text)
            case let .blob(bytes): binds.append(ByteBuffer(bytes: bytes))
            }
        }
        let query = connection.query(PostgresQuery(unsafeSQL: Self.numbered(sql), binds: binds), logger: logger)
        return try Self.wait(for: query, timeout: statementTimeout)
    }

    /// Waits for `future`, or fails with `StatementTimedOut` once `timeout` has passed.
    static func wait<Value: Sendable>(for future: EventLoopFuture<Value>, timeout: TimeAmount) throws -> Value {
        let answer = future.eventLoop.makePromise(of: Value.self)
        future.cascade(to: answer)  // a promise completes once: whichever of the two comes first
        let deadline = future.eventLoop.scheduleTask(in: timeout) {
            answer.fail(StatementTimedOut(seconds: timeout.nanoseconds / 1_000_000_000))
        }
        defer { deadline.cancel() }
        return try answer.futureResult.wait()
    }

    /// Rewrites `?` placeholders as `$1, $2, …`, leaving quoted text alone.
    static func numbered(_ sql: String) -> String {
        var output = ""
        output.reserveCapacity(sql.utf8.count + 16)
        var count = 0
        var quote: Character?
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
                output.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                output.append(character)
            } else if character == "?" {
                count += 1
                output += "$\(count)"
            } else {
                output.append(character)
            }
        }
        return output
    }

    private static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .numeric: return .real(NSDecimalNumber(decimal: try cell.decode(Decimal.self)).doubleValue)
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .bytea:
            let buffer = try cell.decode(ByteBuffer.self)
            return .blob(Data(buffer.readableBytesView))
        default: return .text(try cell.decode(String.self))
        }
    }
}
