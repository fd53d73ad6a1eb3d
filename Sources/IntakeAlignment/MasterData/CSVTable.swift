import Foundation
import IntakeCore

/// A CSV file (RFC 4180: quoted fields, doubled quotes, CRLF or LF) read into rows that
/// remember their line, so master-data errors point at the right place.
struct CSVTable {
    struct Row {
        let line: Int
        let fields: [String: String]
    }

    let file: String
    let header: [String]
    let rows: [Row]

    /// Reads `url`, requiring `columns` in the header.
    static func load(_ url: URL, requiring columns: [String]) throws -> CSVTable {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigurationError(file: url.path, reason: "cannot read the file as UTF-8: \(error.localizedDescription)")
        }
        return try parse(text, file: url.path, requiring: columns)
    }

    static func parse(_ text: String, file: String, requiring columns: [String]) throws -> CSVTable {
        let records = try records(of: text, file: file)
        guard let (_, rawHeader) = records.first else {
            throw ConfigurationError(file: file, line: 1, reason: "the file is empty; expected a header row")
        }
        let header = rawHeader.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for column in columns where !header.contains(column) {
            throw ConfigurationError(
                file: file, line: 1, key: column, reason: "missing column; the header needs: \(columns.joined(separator: ","))")
        }
        var seen: Set<String> = []
        for column in header where !seen.insert(column).inserted {
            throw ConfigurationError(file: file, line: 1, key: column, reason: "column appears twice in the header")
        }
        var rows: [Row] = []
        for (line, values) in records.dropFirst() {
            if values.count == 1 && values[0].trimmingCharacters(in: .whitespaces).isEmpty { continue }
            guard values.count == header.count else {
                throw ConfigurationError(
                    file: file, line: line, reason: "expected \(header.count) fields, found \(values.count); quote fields that contain commas")
            }
            rows.append(Row(line: line, fields: Dictionary(uniqueKeysWithValues: zip(header, values.map {
                $0.trimmingCharacters(in: .whitespaces)
            }))))
        }
        return CSVTable(file: file, header: header, rows: rows)
    }

    /// Splits text into records, each with the line it starts on.
    private static func records(of text: String, file: String) throws -> [(Int, [String])] {
        var records: [(Int, [String])] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func nextScalar() -> Unicode.Scalar? {
            if let scalar = pending {
                pending = nil
                return scalar
            }
            return iterator.next()
        }
        while let scalar = nextScalar() {
            if inQuotes {
                if scalar == "\"" {
                    if let following = nextScalar() {
                        if following == "\"" { field.unicodeScalars.append("\"") } else {
                            inQuotes = false
                            pending = following
                        }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty:
                inQuotes = true
            case ",":
                fields.append(field)
                field = ""
            case "\r":
                continue
            case "\n":
                fields.append(field)
                records.append((recordLine, fields))
                fields = []
                field = ""
                line += 1
                recordLine = line
            default:
                field.unicodeScalars.append(scalar)
            }
        }
        if inQuotes {
            throw ConfigurationError(file: file, line: recordLine, reason: "a quoted field is never closed")
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            records.append((recordLine, fields))
        }
        return records
    }
}

extension CSVTable.Row {
    /// `|`-separated list in a column.
    func list(_ column: String) -> [String] {
        (fields[column] ?? "").split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
