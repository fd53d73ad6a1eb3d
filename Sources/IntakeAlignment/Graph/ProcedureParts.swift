import IntakeCore

extension IntentGraph.Procedure {
    /// Adds the parts this procedure needs as order lines (those not already ordered and known
    /// to the material master), each with graph evidence. Text and vibration orders share it.
    public func addParts(to intent: inout OrderIntent, evidence: inout [Evidence], materials: MaterialMaster) {
        for part in parts where !intent.lines.contains(where: { $0.sku == part.sku }) {
            guard let material = materials[part.sku] else { continue }
            evidence.append(Evidence(
                field: "intent.lines[\(intent.lines.count)].sku", method: "graph", path: ["procedure:\(code)", "part:\(part.sku)"]))
            intent.lines.append(OrderLine(
                sku: material.sku, name: material.name, text: "part of \(code)", quantity: part.quantity,
                unit: material.unit, handling: material.handling, confidence: 0.95))
        }
    }
}
