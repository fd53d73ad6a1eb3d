import Foundation
import IntakeCore

/// What was done to each machine and when (`maintenance.csv`:
/// `device_id,date,action,parts,notes`), so an order can say when the machine was last
/// serviced and notice a fault that comes back.
///
/// `action` names the procedure followed (its code, e.g. `MNT-BRG-01`) or the fault dealt
/// with (e.g. `outer_race`); `parts` is `|`-separated SKUs or models; `date` is `YYYY-MM-DD`.
public struct MaintenanceHistory: Sendable {
    public static let requiredColumns = ["device_id", "date", "action", "parts", "notes"]

    public struct Entry: Sendable, Equatable {
        public let deviceID: String
        public let date: Date
        public let day: String
        public let action: String
        public let parts: [String]
        public let notes: String
    }

    private let byDevice: [String: [Entry]]

    public init(entries: [Entry]) {
        byDevice = Dictionary(grouping: entries) { DeviceRegistry.key($0.deviceID) }.mapValues { $0.sorted { $0.date > $1.date } }
    }

    public static let empty = MaintenanceHistory(entries: [])

    /// How many entries there are, over all devices.
    public var count: Int { byDevice.values.reduce(0) { $0 + $1.count } }

    /// A device's entries, newest first.
    public func entries(for deviceID: String) -> [Entry] {
        byDevice[DeviceRegistry.key(deviceID)] ?? []
    }

    /// The newest entry before `date` whose action names `procedure` or `fault`, if within `days`.
    public func recurrence(of procedure: String, fault: String, device: String, before date: Date, within days: Double = 90) -> Entry? {
        entries(for: device).first { entry in
            let action = entry.action.lowercased()
            return entry.date <= date && date.timeIntervalSince(entry.date) <= days * 86_400
                && (action.contains(procedure.lowercased()) || action.contains(fault.lowercased()))
        }
    }

    public static func load(_ url: URL) throws -> MaintenanceHistory {
        try MaintenanceHistory(table: CSVTable.load(url, requiring: requiredColumns))
    }

    public static func parse(_ text: String, file: String) throws -> MaintenanceHistory {
        try MaintenanceHistory(table: CSVTable.parse(text, file: file, requiring: requiredColumns))
    }

    init(table: CSVTable) throws {
        let format = Date.ISO8601FormatStyle().year().month().day()
        self.init(entries: try table.rows.map { row in
            func field(_ column: String) -> String { row.fields[column] ?? "" }
            guard !field("device_id").isEmpty else {
                throw ConfigurationError(file: table.file, line: row.line, key: "device_id", reason: "empty; say which machine")
            }
            guard let date = try? format.parse(field("date")) else {
                throw ConfigurationError(file: table.file, line: row.line, key: "date", reason: "\(field("date")) is not a date like 2026-08-02")
            }
            return Entry(
                deviceID: field("device_id"), date: date, day: field("date"), action: field("action"),
                parts: field("parts").split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
                notes: field("notes"))
        })
    }
}
