import Foundation
import IntakeAlignment
import IntakeCore

/// A diagnosis → an order through the knowledge graph: the symptom for the fault and the
/// device's type, its procedure (order type, priority, parts), the device's own bearing as a
/// spare part, and evidence for every decision. A healthy machine gets no order (`none`: the
/// record is `no_action` and still carries the diagnosis).
public struct RepairOrderBuilder: Sendable {
    public let master: MasterData
    private let matcher: MaterialMatcher

    public init(master: MasterData) {
        self.master = master
        self.matcher = MaterialMatcher(master: master.materials)
    }

    public func draft(for report: VibrationReport) -> OrderDraft {
        let device = report.device
        var intent = OrderIntent(
            type: .none,
            party: Party(kind: .device, id: device.id, name: "\(device.type) \(device.id)", site: device.site.isEmpty ? nil : device.site),
            diagnosis: Diagnosis(
                fault: report.fault.rawValue, confidence: report.confidence, isoZone: report.zone,
                velocityRMSmmPerSecond: Self.round(report.velocityRMS), rpm: Self.round(report.speed.rpm)),
            confidence: report.confidence)
        var evidence = diagnosisEvidence(report)

        guard report.fault != .normal else {
            intent.notes.append(String(format: "Healthy: zone %@, %.2f mm/s; no order raised.", report.zone, report.velocityRMS))
            return OrderDraft(intent: intent, evidence: evidence)
        }
        let diagnosisName = report.fault == .unknown ? "vibration_high" : report.fault.rawValue
        guard let symptom = master.graph.symptom(forDiagnosis: diagnosisName, assetType: device.type),
              let procedure = master.graph.procedure(symptom.procedure) else {
            intent.type = .inspection
            intent.confidence = min(report.confidence, 0.5)
            intent.notes.append("The knowledge graph has no symptom for \(diagnosisName) on a \(device.type); a person decides the procedure.")
            return OrderDraft(intent: intent, evidence: evidence)
        }
        let urgent = report.zone == "D"
        var priority = urgent ? "urgent" : procedure.priority
        var path = ["diagnosis:\(diagnosisName)", "symptom:\(symptom.id)", "procedure:\(procedure.code)"]
        if urgent { path.append("priority:urgent (zone D)") }
        if urgent { intent.notes.append(String(format: "Zone D (%.1f mm/s): damage likely; act now.", report.velocityRMS)) }

        // The device's history: the same fault back within 90 days means the fix did not hold.
        let when = report.alert.capturedAt ?? Date()
        if let previous = master.maintenance.recurrence(of: procedure.code, fault: diagnosisName, device: device.id, before: when) {
            let days = Int(when.timeIntervalSince(previous.date) / 86_400)
            let escalated = Self.escalate(priority)
            intent.notes.append(
                "Same fault again \(days) days after \(previous.action) on \(previous.day) (\(previous.notes)): priority raised from \(priority) to \(escalated); look for the root cause (alignment, lubrication, fit, installation).")
            path.append("history:\(previous.day) \(previous.action)")
            path.append("priority:\(escalated) (repeat within 90 days)")
            priority = escalated
        }
        intent.type = procedure.orderType
        intent.procedure = ProcedureRef(code: procedure.code, title: procedure.title, priority: priority)
        evidence.append(Evidence(field: "intent.procedure", method: "graph", path: path, confidence: report.confidence))

        // The device's own bearing, for bearing faults.
        if FaultClass.bearingFaults.contains(report.fault), let bearing = device.bearing {
            if let match = matcher.match(bearing.model) {
                intent.lines.append(OrderLine(
                    sku: match.material.sku, name: match.material.name, text: "bearing \(bearing.model) of \(device.id)",
                    quantity: 1, unit: match.material.unit, handling: match.material.handling, confidence: Self.round(match.score)))
                evidence.append(Evidence(
                    field: "intent.lines[0].sku", method: match.method.rawValue, text: bearing.model,
                    path: ["device:\(device.id)", "bearing:\(bearing.model)"], confidence: Self.round(match.score),
                    detail: "the device registry names bearing \(bearing.model)"))
            } else {
                intent.notes.append("Bearing \(bearing.model) of \(device.id) is not in the material master; add it to order the spare.")
            }
        }
        procedure.addParts(to: &intent, evidence: &evidence, materials: master.materials)
        for line in intent.lines {
            if let stock = line.sku.flatMap({ master.materials[$0]?.extra["stock"] }), !stock.isEmpty {
                intent.notes.append("\(line.name ?? line.sku ?? ""): \(stock) in stock.")
            }
        }
        intent.notes += report.reasons
        intent.notes += portrait(of: device)
        return OrderDraft(intent: intent, evidence: evidence)
    }

    /// Last service and last part replacement, from the maintenance history.
    private func portrait(of device: Device) -> [String] {
        let entries = master.maintenance.entries(for: device.id)
        var notes: [String] = []
        if let last = entries.first {
            notes.append("Last service \(last.day): \(last.action)\(last.notes.isEmpty ? "" : " (\(last.notes))").")
        }
        if let replaced = entries.first(where: { !$0.parts.isEmpty }), replaced.day != entries.first?.day {
            notes.append("Last parts fitted \(replaced.day): \(replaced.parts.joined(separator: ", ")).")
        }
        return notes
    }

    /// One priority step up: low → normal → high → urgent.
    static func escalate(_ priority: String) -> String {
        let levels = ["low", "normal", "high", "urgent"]
        guard let index = levels.firstIndex(of: priority) else { return "high" }
        return levels[min(index + 1, levels.count - 1)]
    }

    /// Severity, speed and the spectrum lines behind the fault.
    private func diagnosisEvidence(_ report: VibrationReport) -> [Evidence] {
        let limits = report.zoneLimits
        var evidence = [
            Evidence(
                field: "intent.diagnosis.iso_zone", method: "iso_10816_3", text: report.zone,
                detail: String(format: "velocity RMS %.2f mm/s (10–1000 Hz); zone limits A/B %.1f, B/C %.1f, C/D %.1f mm/s",
                               report.velocityRMS, limits.a, limits.b, limits.c)),
            Evidence(
                field: "intent.diagnosis.rpm", method: "speed_\(report.speed.source.rawValue)",
                peak: SpectrumPeak(frequencyHz: Self.round(report.speed.hz), amplitude: Self.round(report.shaft.first), spectrum: "velocity_mm_s"),
                detail: String(format: "%.0f rpm", report.speed.rpm)),
        ]
        for line in report.matchedLines {
            evidence.append(Evidence(
                field: "intent.diagnosis.fault", method: "envelope_spectrum", text: line.label,
                peak: SpectrumPeak(frequencyHz: Self.round(line.frequency), amplitude: Double(Float(line.amplitude)), spectrum: "envelope"),
                confidence: report.confidence,
                detail: String(format: "expected %.2f Hz; %.0f× the local background; band %.0f–%.0f Hz",
                               line.expectedHz, line.prominence, report.envelopeBand?.lowerBound ?? 0, report.envelopeBand?.upperBound ?? 0)))
        }
        if [.imbalance, .misalignment, .looseness].contains(report.fault) {
            for (index, amplitude) in report.shaft.harmonics.prefix(4).enumerated() where amplitude > 0 {
                evidence.append(Evidence(
                    field: "intent.diagnosis.fault", method: "velocity_spectrum", text: "\(index + 1)×",
                    peak: SpectrumPeak(frequencyHz: Self.round(report.shaft.harmonicFrequencies[index]), amplitude: Self.round(amplitude), spectrum: "velocity_mm_s")))
            }
        }
        evidence.append(Evidence(
            field: "intent.diagnosis.fault", method: "waveform", detail: String(
                format: "kurtosis %.1f, crest factor %.1f", report.statistics.kurtosis, report.statistics.crestFactor)))
        return evidence
    }

    static func round(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}
