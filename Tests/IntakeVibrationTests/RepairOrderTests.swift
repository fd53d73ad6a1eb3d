import Foundation
import IntakeAlignment
import IntakeCore
import Testing
@testable import IntakeVibration

@Suite("Diagnoses become orders through the knowledge graph")
struct RepairOrderTests {
    static let builder = RepairOrderBuilder(master: Demo.master)

    static func draft(_ device: String, _ fault: FaultClass, severity: Double = 0.6, seed: UInt64 = 31) throws -> OrderDraft {
        builder.draft(for: try Demo.analyzer.analyze(Demo.alert(device, fault, severity: severity, seed: seed), device: Demo.device(device)))
    }

    @Test("A bearing defect raises a repair order with the device's own bearing and the procedure's parts")
    func bearingRepair() throws {
        let draft = try Self.draft("P-101", .outerRace)
        #expect(draft.intent.type == .repair)
        #expect(draft.intent.procedure?.code == "MNT-BRG-01")
        #expect(draft.intent.lines.first?.sku == "MRO-3008", "6305-2RS is MRO-3008: \(draft.intent.lines)")
        #expect(draft.intent.lines.contains { $0.sku == "MRO-3044" } && draft.intent.lines.contains { $0.sku == "MRO-3055" })
        #expect(draft.intent.party == Party(kind: .device, id: "P-101", name: "pump P-101", site: "plant-1"))
        #expect(draft.intent.diagnosis?.fault == "outer_race")
        let peaks = draft.evidence.filter { $0.method == "envelope_spectrum" }
        #expect(!peaks.isEmpty && peaks.allSatisfy { $0.peak?.spectrum == "envelope" })
        #expect(draft.evidence.contains { $0.path == ["diagnosis:outer_race", "symptom:bearing_outer_race", "procedure:MNT-BRG-01"] })
    }

    @Test("Zone D makes the order urgent and says why")
    func zoneDIsUrgent() throws {
        let draft = try Self.draft("F-202", .imbalance, severity: 1.3, seed: 9)
        #expect(draft.intent.diagnosis?.isoZone == "D")
        #expect(draft.intent.procedure?.priority == "urgent")
        #expect(draft.intent.notes.contains { $0.hasPrefix("Zone D") })
    }

    @Test("A healthy machine gets no order, only its diagnosis")
    func healthyGetsNoOrder() throws {
        let draft = try Self.draft("P-102", .normal)
        #expect(draft.intent.type == .none)
        #expect(draft.intent.lines.isEmpty)
        #expect(draft.intent.diagnosis?.fault == "normal")
        #expect(draft.intent.diagnosis?.isoZone == "A")
        let record = try RecordStage(pipeline: "test").process(draft, context: StageContext(
            stage: "record", worker: 0, orderID: "ord_test", input: ReceivedInput(uri: "test", bytes: Data()),
            deadline: .distantFuture, logger: .init(label: "test")))
        #expect(record.records.map(\.status) == [.noAction])
    }

    @Test("The same fault back within 90 days raises the priority and says why; an older repair only shows as history")
    func repeatFaultEscalates() throws {
        func draft(history: String) throws -> OrderDraft {
            let maintenance = try MaintenanceHistory.parse(
                "device_id,date,action,parts,notes\n" + history, file: "maintenance.csv")
            let master = MasterData(
                materials: Demo.master.materials, devices: Demo.master.devices, graph: Demo.master.graph, maintenance: maintenance)
            var alert = Demo.alert("P-101", .outerRace, seed: 31)
            alert.capturedAt = try Date("2026-11-20T08:00:00Z", strategy: .iso8601)
            return RepairOrderBuilder(master: master).draft(for: try Demo.analyzer.analyze(alert, device: Demo.device("P-101")))
        }
        let recent = try draft(history: "P-101,2026-10-02,MNT-BRG-01,MRO-3008,bearing replaced\n")
        #expect(recent.intent.procedure?.priority == "urgent", "high, escalated once")
        #expect(recent.intent.notes.contains { $0.hasPrefix("Same fault again 49 days after MNT-BRG-01 on 2026-10-02") }, "\(recent.intent.notes)")
        #expect(recent.evidence.contains { $0.path?.contains("history:2026-10-02 MNT-BRG-01") == true })

        let old = try draft(history: "P-101,2026-05-02,MNT-BRG-01,MRO-3008,bearing replaced\nP-101,2026-10-02,MNT-VIB-00,,survey\n")
        #expect(old.intent.procedure?.priority == "high")
        #expect(old.intent.notes.contains("Last service 2026-10-02: MNT-VIB-00 (survey)."))
        #expect(old.intent.notes.contains("Last parts fitted 2026-05-02: MRO-3008."))

        #expect(throws: ConfigurationError.self) {
            _ = try MaintenanceHistory.parse("device_id,date,action,parts,notes\nP-101,yesterday,x,,\n", file: "m.csv")
        }
    }
}
