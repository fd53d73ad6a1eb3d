/// One result row: values by column name, read as the Swift type the caller asks for.
///
/// ```swift
/// let id: String = row["id"]              // traps if NULL: use an optional for nullable columns
/// let expires: Double? = row["claim_expires"]
/// ```
public struct StoreRow: Sendable {
    private let names: [String]
    private let values: [SQLValue]

    /// A row of `values` under column `names`, in select order.
    public init(names: [String], values: [SQLValue]) {
        self.names = names
        self.values = values
    }

    /// The raw value of `column` (NULL when the row has no such column).
    public func value(_ column: String) -> SQLValue {
        names.firstIndex(of: column).map { values[$0] } ?? .null
    }

    /// The first column's value (for single-value queries).
    var firstValue: SQLValue? {
        values.first
    }

    /// The value of a NOT NULL column. A NULL or a value of another kind is a schema bug, so it traps.
    public subscript<T: SQLValueConvertible>(_ column: String) -> T {
        guard let value = T(sqlValue: value(column)) else {
            preconditionFailure("column \(column) holds \(value(column)), not a \(T.self)")
        }
        return value
    }

    /// The value of a nullable column: nil when NULL.
    public subscript<T: SQLValueConvertible>(_ column: String) -> T? {
        let raw = value(column)
        if raw == .null { return nil }
        guard let value = T(sqlValue: raw) else {
            preconditionFailure("column \(column) holds \(raw), not a \(T.self)")
        }
        return value
    }
}
