import Foundation
import IntakeAlignment
import IntakeCore
import IntakeDocuments

/// The generated purchase-order corpus: orders from the material master in four layouts and
/// four fonts, each printed clean and once more degraded (rotation, noise, blur, 150–200 dpi,
/// JPEG), every sixth one long enough for two pages (TIFF or PDF). Files are cached in a folder
/// with a manifest and reused while the seed and size match.
struct DocumentCorpus {
    struct Sample: Codable {
        var file: String
        var spec: PurchaseOrderSpec
        var condition: String
        var pages: Int
        var degradation: PurchaseOrderRenderer.Degradation
    }

    static func prepare(folder: URL, orders: Int, seed: UInt64, master: MaterialMaster, log: (String) -> Void) throws -> [Sample] {
        let manifest = folder.appendingPathComponent("manifest-\(seed)-\(orders).json")
        if let data = try? Data(contentsOf: manifest), let samples = try? JSONDecoder().decode([Sample].self, from: data),
            samples.allSatisfy({ FileManager.default.fileExists(atPath: folder.appendingPathComponent($0.file).path) })
        {
            return samples
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var random = SeededRandom(seed: seed)
        let renderer = PurchaseOrderRenderer()
        var samples: [Sample] = []
        for index in 0..<orders {
            let layout = PurchaseOrderSpec.Layout.allCases[index % PurchaseOrderSpec.Layout.allCases.count]
            let long = index % 6 == 5
            let spec = PurchaseOrderSpec.random(master: master, layout: layout, itemCount: long ? random.int(in: 18...28) : random.int(in: 2...12), random: &random)
            let font = PurchaseOrderRenderer.fonts[(index / 4) % PurchaseOrderRenderer.fonts.count]
            var degraded = PurchaseOrderRenderer.Degradation()
            switch index % 5 {
            case 0: degraded.rotationDegrees = (random.chance(0.5) ? 1 : -1) * (1 + random.uniform() * 2)
            case 1: degraded.noise = 0.2 + random.uniform() * 0.2
            case 2: degraded.resolution = random.pick([150, 200])
            case 3: degraded.jpegQuality = random.int(in: 30...60)
            default:
                degraded.blurSigma = 0.8
                degraded.rotationDegrees = random.uniform() * 4 - 2
                degraded.resolution = 200
            }
            for (condition, degradation) in [("clean", PurchaseOrderRenderer.Degradation()), ("degraded", degraded)] {
                let container: PurchaseOrderRenderer.Container = long ? (index % 12 == 5 ? .pdf : .tiff) : .png
                let name = String(format: "po-%04d-%@.%@", index, condition, long ? container.rawValue : (degradation.jpegQuality == nil ? "png" : "jpg"))
                let bytes = try renderer.render(spec, font: font, degradation: degradation, container: container)
                try bytes.write(to: folder.appendingPathComponent(name))
                samples.append(Sample(
                    file: name, spec: spec, condition: condition,
                    pages: (spec.items.count + PurchaseOrderRenderer.itemsPerPage - 1) / PurchaseOrderRenderer.itemsPerPage, degradation: degradation))
            }
            if index % 10 == 9 { log("rendered \(index + 1)/\(orders) orders") }
        }
        try JSONEncoder().encode(samples).write(to: manifest)
        return samples
    }
}

/// How far a reading is from the printed truth.
struct DocumentScore {
    var headerFields = 0
    var headerCorrect = 0
    var items = 0
    /// Code, quantity and unit price all exact.
    var itemsCorrect = 0
    /// Of those, lines whose confidence still sends them to review (below 0.9: a repaired
    /// digit, a quantity from amount ÷ price, a mended code).
    var itemsCorrectInReview = 0
    var skusCorrect = 0
    var errors: [String] = []

    static func score(_ draft: OrderDraft, against spec: PurchaseOrderSpec) -> DocumentScore {
        var score = DocumentScore()
        let intent = draft.intent
        let header: [(String, String?, String)] = [
            ("po_number", intent.reference, spec.poNumber), ("order_date", intent.orderDate, spec.orderDate),
            ("currency", intent.currency, spec.currency),
            ("total", intent.total.map { String(format: "%.2f", $0) }, String(format: "%.2f", spec.total)),
        ]
        for (name, read, truth) in header {
            score.headerFields += 1
            if read == truth { score.headerCorrect += 1 } else { score.errors.append("\(name): read \(read ?? "nothing"), printed \(truth)") }
        }
        for (index, item) in spec.items.enumerated() {
            score.items += 1
            guard index < intent.lines.count else {
                score.errors.append("line \(index + 1) (\(item.code)) missing")
                continue
            }
            let line = intent.lines[index]
            let code = line.text.split(separator: " ").first.map(String.init)
            if code == item.code, line.quantity == Double(item.quantity), let price = line.unitPrice, abs(price - item.unitPrice) < 0.005 {
                score.itemsCorrect += 1
                if line.confidence < 0.9 { score.itemsCorrectInReview += 1 }
            } else {
                score.errors.append("line \(index + 1): read \(code ?? "?") × \(line.quantity) @ \(line.unitPrice.map { String($0) } ?? "?"), printed \(item.code) × \(item.quantity) @ \(item.unitPrice)")
            }
            if line.sku == item.code { score.skusCorrect += 1 }
        }
        if intent.lines.count > spec.items.count { score.errors.append("\(intent.lines.count - spec.items.count) extra line(s)") }
        return score
    }

    static func + (a: DocumentScore, b: DocumentScore) -> DocumentScore {
        DocumentScore(
            headerFields: a.headerFields + b.headerFields, headerCorrect: a.headerCorrect + b.headerCorrect, items: a.items + b.items,
            itemsCorrect: a.itemsCorrect + b.itemsCorrect, itemsCorrectInReview: a.itemsCorrectInReview + b.itemsCorrectInReview,
            skusCorrect: a.skusCorrect + b.skusCorrect, errors: a.errors + b.errors)
    }
}
