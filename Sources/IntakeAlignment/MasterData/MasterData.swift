import Foundation
import IntakeCore

/// Everything alignment reads: the material master, the device registry, the machines'
/// maintenance history and the intent graph.
public struct MasterData: Sendable {
    public let materials: MaterialMaster
    public let devices: DeviceRegistry
    public let graph: IntentGraph
    public let maintenance: MaintenanceHistory

    public init(
        materials: MaterialMaster, devices: DeviceRegistry = .empty, graph: IntentGraph = .empty,
        maintenance: MaintenanceHistory = .empty
    ) {
        self.materials = materials
        self.devices = devices
        self.graph = graph
        self.maintenance = maintenance
    }

    /// Loads the files; the graph's part SKUs are checked against the materials.
    public static func load(materials: URL, devices: URL?, graph: URL?, maintenance: URL? = nil) throws -> MasterData {
        let master = try MaterialMaster.load(materials)
        let registry = try devices.map(DeviceRegistry.load) ?? .empty
        let intentGraph = try graph.map { try IntentGraph.load($0, materials: master) } ?? .empty
        let history = try maintenance.map(MaintenanceHistory.load) ?? .empty
        return MasterData(materials: master, devices: registry, graph: intentGraph, maintenance: history)
    }
}
