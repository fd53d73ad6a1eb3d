import Foundation
import IntakeAlignment
import IntakeCore

/// A purchase order to print, and the truth to score a reading against: generated from the
/// material master for tests, samples and the accuracy benchmark.
public struct PurchaseOrderSpec: Sendable, Codable, Equatable {
    public struct Item: Sendable, Codable, Equatable {
        public var code: String
        public var description: String
        public var quantity: Int
        public var unit: String
        public var unitPrice: Double
        public var amount: Double { (Double(quantity) * unitPrice * 100).rounded() / 100 }
    }

    /// Page designs the renderer knows: `ruled` (grid table, "PO Number", dd/MM/yyyy),
    /// `plain` (no rules, "Order No", ISO dates), `nordic` (the Nordic Bearings template:
    /// "Order Ref", dd.MM.yyyy, decimal comma), `chinese` (the Huadong template, Chinese labels).
    public enum Layout: String, Sendable, Codable, CaseIterable {
        case ruled, plain, nordic, chinese
    }

    public var layout: Layout
    public var supplier: String
    public var poNumber: String
    /// ISO 8601 day.
    public var orderDate: String
    public var currency: String
    public var shipTo: String
    public var items: [Item]
    public var total: Double { (items.reduce(0) { $0 + $1.amount } * 100).rounded() / 100 }

    /// A random order of `itemCount` lines from `master` (materials with a price), seeded.
    public static func random(master: MaterialMaster, layout: Layout, itemCount: Int, random: inout SeededRandom) -> PurchaseOrderSpec {
        let priced = master.materials.filter { $0.unitPrice != nil && $0.name.count <= 34 }
        var chosen: [Material] = []
        while chosen.count < min(itemCount, priced.count) {
            let material = random.pick(priced)
            if !chosen.contains(where: { $0.sku == material.sku }) { chosen.append(material) }
        }
        let items = chosen.map { material in
            Item(
                code: material.sku, description: material.name, quantity: random.int(in: 1...48), unit: material.unit,
                unitPrice: material.unitPrice! * (layout == .chinese ? 7 : 1))
        }
        let suppliers: [Layout: [String]] = [
            .ruled: ["Acme Industrial Supply", "Bluebird Office Co.", "Harbour Cafe Wholesale"],
            .plain: ["Riverside Trading Ltd", "Northwind Catering Supplies", "Summit MRO Partners"],
            .nordic: ["Nordic Bearings AB"],
            .chinese: ["华东工业供应有限公司"],
        ]
        let names = suppliers[layout]!
        let day = random.int(in: 1...28), month = random.int(in: 1...12)
        let sites = ["Plant North, Dock 3", "Store 12, 4 Harbour Road", "Depot South, Gate 2", "Riverside Kiosk"]
        return PurchaseOrderSpec(
            layout: layout, supplier: random.pick(names),
            poNumber: "PO-2026-\(String(format: "%05d", random.int(in: 1...99_999)))",
            orderDate: String(format: "2026-%02d-%02d", month, day),
            currency: layout == .chinese ? "CNY" : layout == .nordic ? "EUR" : random.pick(["USD", "EUR", "GBP"]),
            shipTo: layout == .chinese ? "北区工厂 3号码头" : random.pick(sites), items: items)
    }
}
