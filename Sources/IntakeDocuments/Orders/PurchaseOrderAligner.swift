import IntakeAlignment
import IntakeCore

/// A `PurchaseOrder` read from paper → an aligned `OrderDraft`: the item code or, failing
/// that, the description finds the SKU in the material master (exact SKU, then names and
/// aliases, which may list supplier codes, through `MaterialMatcher`); header fields become the
/// party, reference, date, currency and total. Every value keeps its page box as evidence.
public struct PurchaseOrderAligner: Sendable {
    public let matcher: MaterialMatcher
    /// SKUs by their letters and digits alone (`LabelText.codeKey`), for codes OCR read with a
    /// letter's case or a hyphen wrong ("oFF-2047", "OFF2016"); keys two SKUs share are left out.
    private let skusByCodeKey: [[UInt8]: Material]

    public init(master: MaterialMaster, settings: MaterialMatcher.Settings = .init()) {
        matcher = MaterialMatcher(master: master, settings: settings)
        let keyed = Dictionary(grouping: master.materials) { LabelText.codeKey($0.sku) }
        skusByCodeKey = keyed.compactMapValues { $0.count == 1 ? $0[0] : nil }
    }

    public func align(_ order: PurchaseOrder, notes readNotes: [String] = []) -> OrderDraft {
        var intent = OrderIntent(type: .purchase)
        var evidence: [Evidence] = []
        var confidences: [Double] = []

        func record(_ field: String, _ value: PurchaseOrder.Value?, detail: String? = nil) {
            guard let value else { return }
            evidence.append(Evidence(
                field: field, method: value.method, text: value.text, box: value.box, confidence: value.confidence, detail: detail))
        }
        if let number = order.header[.poNumber] {
            intent.reference = number.text
            record("intent.reference", number)
            confidences.append(number.confidence)
        } else {
            confidences.append(0.3)
        }
        if let supplier = order.header[.supplier] {
            intent.party = Party(kind: .supplier, name: supplier.text)
            record("intent.party", supplier)
        }
        if let date = order.orderDate {
            intent.orderDate = date
            record("intent.order_date", order.header[.orderDate])
        } else {
            confidences.append(0.5)
        }
        if let currency = order.header[.currency] {
            intent.currency = currency.text.uppercased()
            record("intent.currency", currency)
        }
        intent.deliverTo = order.header[.shipTo]?.text
        record("intent.deliver_to", order.header[.shipTo])
        intent.total = order.total
        record("intent.total", order.header[.total])
        if order.header[.total]?.method == "subtotal" { confidences.append(0.5) }

        for (index, item) in order.items.enumerated() {
            let field = "intent.lines[\(index)]"
            var line = OrderLine(
                sku: nil, text: [item.code, item.description].compactMap { $0 }.joined(separator: " "),
                quantity: item.quantity ?? 0, unit: item.cells[.unit]?.text, unitPrice: item.unitPrice, amount: item.amount,
                confidence: item.numbersConfidence)
            var problems = item.problems
            var codeDetail: String? = nil  // how a misread code was read, when it was mended
            if var (material, method, score) = material(for: item) {
                let byDescription = item.description.flatMap { matcher.match($0) }
                if method != "description", let byDescription, byDescription.material.sku != material.sku, byDescription.score >= 0.9 {
                    problems.append("the code reads \(material.sku) but the description reads like \(byDescription.material.sku) (\(byDescription.material.name))")
                    // A digit misread into another real SKU ("CAF-1014" for CAF-1011): a character
                    // from the SKU the description names beyond doubt, it is that SKU.
                    if let code = item.code, byDescription.score >= 0.95, !byDescription.isAmbiguous, Self.misread(code, of: byDescription.material.sku, limit: 1) {
                        codeDetail = "the code reads \"\(code)\", SKU of \(material.name); \(byDescription.material.sku) by the description, a character away"
                        material = byDescription.material
                        method = "description"
                        score = min(score, byDescription.score)
                        line.text = [material.sku, item.description].compactMap { $0 }.joined(separator: " ")
                    }
                }
                line.sku = material.sku
                line.name = material.name
                line.handling = material.handling
                line.confidence = min(line.confidence, score)
                // A code OCR garbled that is no SKU as read: the same letters and digits as a SKU
                // ("oFF-2047", "OFF2016"), or a character or two from the SKU its description also
                // names ("MRQ-3017"), is that SKU as printed.
                if codeDetail == nil, let code = item.code, code != material.sku, method == "item_code" || Self.misread(code, of: material.sku)
                    && (byDescription.map { $0.material.sku == material.sku && $0.score >= 0.9 } ?? false)
                {
                    line.text = [material.sku, item.description].compactMap { $0 }.joined(separator: " ")
                    line.confidence = min(line.confidence, 0.85)
                    codeDetail = "the code reads \"\(code)\"; \(material.sku) by the master" + (method == "item_code" ? "" : " and the description")
                }
                evidence.append(Evidence(
                    field: "\(field).sku", method: method, text: method == "description" ? item.description : item.code,
                    box: (method == "description" ? item.cells[.description] : item.cells[.code])?.box, confidence: score, detail: codeDetail))
            } else {
                line.confidence = min(line.confidence, 0.3)
                problems.append("no material in the master matches \"\(line.text)\"")
            }
            record("\(field).quantity", item.cells[.quantity])
            record("\(field).unit_price", item.cells[.unitPrice])
            record("\(field).amount", item.cells[.amount], detail: problems.isEmpty ? nil : problems.joined(separator: "; "))
            if !problems.isEmpty {
                line.confidence = min(line.confidence, 0.4)
                intent.notes.append("Line \(index + 1): \(problems.joined(separator: "; ")).")
            }
            confidences.append(line.confidence)
            intent.lines.append(line)
        }
        if order.items.isEmpty { confidences.append(0) }
        intent.notes += order.notes + readNotes
        if order.notes.contains(where: { $0.hasPrefix("The line amounts add up") }) { confidences.append(0.4) }
        intent.confidence = confidences.min() ?? 0
        return OrderDraft(intent: intent, evidence: evidence)
    }

    /// Whether `code` reads like `sku` misread: the same once case and punctuation are set aside,
    /// or at most `limit` letters or digits apart.
    static func misread(_ code: String, of sku: String, limit: Int = 2) -> Bool {
        let read = LabelText.codeKey(code), printed = LabelText.codeKey(sku)
        return read.count >= 3 && EditDistance.distance(read, printed, limit: limit) != nil
    }

    /// The material an item means, how it was found and how sure that is.
    private func material(for item: PurchaseOrder.LineItem) -> (Material, String, Double)? {
        if let code = item.code?.replacingOccurrences(of: " ", with: "") {
            let key = LabelText.codeKey(code)
            // A code misread into another real SKU is caught by the description check below.
            if let material = matcher.master[code] ?? skusByCodeKey[key] { return (material, "item_code", 0.99) }
            if let match = matcher.match(code), match.score >= 0.95, !match.isAmbiguous { return (match.material, "supplier_code", match.score) }
            // A code a character from exactly one SKU ("CAP-1063"): that SKU (the line says
            // what was read, and the description check below still applies).
            let near = key.count >= 5 ? skusByCodeKey.filter { EditDistance.distance($0.key, key, limit: 1) != nil } : [:]
            if near.count == 1, let material = near.first?.value { return (material, "item_code", 0.9) }
        }
        if let description = item.description, let match = matcher.match(description) {
            return (match.material, "description", match.isAmbiguous ? match.score * 0.7 : match.score)
        }
        return nil
    }
}
