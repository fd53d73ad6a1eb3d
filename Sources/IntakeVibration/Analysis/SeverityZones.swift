import Foundation
import IntakeCore

/// ISO 10816-3 / 20816-3 zone boundaries of overall velocity RMS (mm/s, 10–1000 Hz) by machine
/// group and foundation, read from `models/iso-10816-3.yaml`.
public struct SeverityZones: Sendable, Equatable {
    /// Upper limits of zones A, B and C for one group and foundation; above C is D.
    public struct Limits: Sendable, Equatable {
        public let a: Double, b: Double, c: Double
    }

    public let limits: [String: Limits]

    /// The standard's values, used when no table file is given.
    public static let standard = SeverityZones(limits: [
        "1/rigid": Limits(a: 2.3, b: 4.5, c: 7.1), "1/flexible": Limits(a: 3.5, b: 7.1, c: 11.0),
        "2/rigid": Limits(a: 1.4, b: 2.8, c: 4.5), "2/flexible": Limits(a: 2.3, b: 4.5, c: 7.1),
    ])

    public init(limits: [String: Limits]) {
        self.limits = limits
    }

    /// Reads `groups: { 1: { rigid: [2.3, 4.5, 7.1], flexible: [...] }, 2: {...} }`.
    public static func load(_ url: URL) throws -> SeverityZones {
        let root = try ConfigNode.load(url)
        try root.allowOnly(["groups", "description"])
        var limits: [String: Limits] = [:]
        let groups = try root.required("groups")
        for group in try groups.keys() {
            let node = try groups.required(group)
            try node.allowOnly(["rigid", "flexible"])
            for foundation in try node.keys() {
                let values = try node.required(foundation).elements().map { try $0.doubleValue() }
                guard values.count == 3, values[0] < values[1], values[1] < values[2] else {
                    throw try node.required(foundation).error("expected three increasing limits [A/B, B/C, C/D] in mm/s")
                }
                limits["\(group)/\(foundation)"] = Limits(a: values[0], b: values[1], c: values[2])
            }
        }
        return SeverityZones(limits: limits)
    }

    /// The limits for a machine group and foundation; group 2 rigid when unknown.
    public func limits(group: Int?, foundation: String?) -> Limits {
        limits["\(group ?? 2)/\(foundation ?? "rigid")"] ?? limits["2/rigid"] ?? Self.standard.limits["2/rigid"]!
    }

    /// Zone A, B, C or D of a velocity RMS.
    public func zone(velocityRMS v: Double, group: Int?, foundation: String?) -> String {
        let limits = limits(group: group, foundation: foundation)
        return v <= limits.a ? "A" : v <= limits.b ? "B" : v <= limits.c ? "C" : "D"
    }
}
