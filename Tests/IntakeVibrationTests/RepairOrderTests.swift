import Foundation
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
        #expect(record.status == .noAction)
    }
}
