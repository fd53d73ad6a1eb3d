import Foundation
import IntakeCore

/// A machine that can raise alerts or be named in a message (`devices.csv`).
public struct Device: Sendable, Equatable {
    public let id: String
    public let type: String
    public let site: String
    public let bearing: Bearing?
    public let nominalRPM: Double?
    /// ISO 10816-3 machine group (1: large, 2: medium), when it applies.
    public let machineGroup: Int?
    public let extra: [String: String]

    /// Rolling-bearing geometry, for bearing defect frequencies.
    public struct Bearing: Sendable, Equatable {
        public let model: String
        public let balls: Int
        public let ballDiameterMM: Double
        public let pitchDiameterMM: Double
        public let contactAngleDegrees: Double
    }
}

/// The device registry: columns
/// `device_id,type,site,bearing_model,n_balls,ball_diameter_mm,pitch_diameter_mm,contact_angle_deg,nominal_rpm,machine_group`.
/// Bearing fields may be empty (a transformer has none) but must then all be empty.
public struct DeviceRegistry: Sendable {
    public static let requiredColumns = [
        "device_id", "type", "site", "bearing_model", "n_balls", "ball_diameter_mm", "pitch_diameter_mm",
        "contact_angle_deg", "nominal_rpm", "machine_group",
    ]

    public let devices: [Device]
    private let byID: [String: Int]

    public init(devices: [Device]) {
        self.devices = devices
        self.byID = Dictionary(devices.enumerated().map { (Self.key($1.id), $0) }, uniquingKeysWith: { first, _ in first })
    }

    public static let empty = DeviceRegistry(devices: [])

    /// The device with this id, ignoring case and `-`/`_` ("p101" finds "P-101").
    public subscript(id: String) -> Device? {
        byID[Self.key(id)].map { devices[$0] }
    }

    static func key(_ id: String) -> String {
        String(id.uppercased().unicodeScalars.filter { $0 != "-" && $0 != "_" })
    }

    public static func load(_ url: URL) throws -> DeviceRegistry {
        try DeviceRegistry(table: CSVTable.load(url, requiring: requiredColumns))
    }

    public static func parse(_ text: String, file: String) throws -> DeviceRegistry {
        try DeviceRegistry(table: CSVTable.parse(text, file: file, requiring: requiredColumns))
    }

    init(table: CSVTable) throws {
        var devices: [Device] = []
        var lines: [String: Int] = [:]
        let known = Set(Self.requiredColumns)
        for row in table.rows {
            func error(_ column: String, _ reason: String) -> ConfigurationError {
                ConfigurationError(file: table.file, line: row.line, key: column, reason: reason)
            }
            func number(_ column: String, in range: ClosedRange<Double>) throws -> Double? {
                guard let text = row.fields[column], !text.isEmpty else { return nil }
                guard let value = Double(text), range.contains(value) else {
                    throw error(column, "\(text) is not a number between \(range.lowerBound) and \(range.upperBound)")
                }
                return value
            }
            guard let id = row.fields["device_id"], !id.isEmpty else { throw error("device_id", "empty; every device needs an id") }
            guard let type = row.fields["type"], !type.isEmpty else { throw error("type", "empty; say what kind of machine it is") }
            if let first = lines[Self.key(id)] { throw error("device_id", "duplicate device \(id) (first on line \(first))") }
            lines[Self.key(id)] = row.line

            let model = row.fields["bearing_model"] ?? ""
            let balls = try number("n_balls", in: 3...100)
            let ball = try number("ball_diameter_mm", in: 0.1...1000)
            let pitch = try number("pitch_diameter_mm", in: 0.1...5000)
            let angle = try number("contact_angle_deg", in: 0...60)
            var bearing: Device.Bearing? = nil
            let given = [model.isEmpty ? nil : 1.0, balls, ball, pitch]
            if given.allSatisfy({ $0 != nil }), let balls, let ball, let pitch {
                guard ball < pitch else { throw error("ball_diameter_mm", "must be smaller than pitch_diameter_mm") }
                bearing = Device.Bearing(
                    model: model, balls: Int(balls), ballDiameterMM: ball, pitchDiameterMM: pitch, contactAngleDegrees: angle ?? 0)
            } else if given.contains(where: { $0 != nil }) {
                throw error("bearing_model", "bearing data is incomplete; give bearing_model, n_balls, ball_diameter_mm and pitch_diameter_mm, or none")
            }
            let group = try number("machine_group", in: 1...4).map(Int.init)
            devices.append(Device(
                id: id, type: type, site: row.fields["site"] ?? "", bearing: bearing,
                nominalRPM: try number("nominal_rpm", in: 1...200_000), machineGroup: group,
                extra: row.fields.filter { !known.contains($0.key) }))
        }
        self.init(devices: devices)
    }
}
