import Foundation
import IntakeCore

/// The material master (`materials.csv`): columns `sku,name,aliases,unit,category,handling`
/// at least; `aliases` and `handling` are `|`-separated, `unit_price` is optional, any other
/// column is kept in `Material.extra`.
public struct MaterialMaster: Sendable {
    public static let requiredColumns = ["sku", "name", "aliases", "unit", "category", "handling"]

    public let materials: [Material]
    private let bySKU: [String: Int]

    public init(materials: [Material]) {
        self.materials = materials
        self.bySKU = Dictionary(materials.enumerated().map { ($1.sku.uppercased(), $0) }, uniquingKeysWith: { first, _ in first })
    }

    public subscript(sku: String) -> Material? {
        bySKU[sku.uppercased()].map { materials[$0] }
    }

    /// Loads and validates a materials file: every row needs a SKU, a name and a unit; SKUs are unique.
    public static func load(_ url: URL) throws -> MaterialMaster {
        try MaterialMaster(table: CSVTable.load(url, requiring: requiredColumns))
    }

    public static func parse(_ text: String, file: String) throws -> MaterialMaster {
        try MaterialMaster(table: CSVTable.parse(text, file: file, requiring: requiredColumns))
    }

    init(table: CSVTable) throws {
        var materials: [Material] = []
        var lines: [String: Int] = [:]
        let known = Set(Self.requiredColumns + ["unit_price"])
        for row in table.rows {
            func required(_ column: String) throws -> String {
                guard let value = row.fields[column], !value.isEmpty else {
                    throw ConfigurationError(file: table.file, line: row.line, key: column, reason: "empty; every material needs one")
                }
                return value
            }
            let sku = try required("sku")
            if let first = lines[sku.uppercased()] {
                throw ConfigurationError(file: table.file, line: row.line, key: "sku", reason: "duplicate SKU \(sku) (first on line \(first))")
            }
            lines[sku.uppercased()] = row.line
            var price: Double? = nil
            if let text = row.fields["unit_price"], !text.isEmpty {
                guard let value = Double(text), value >= 0 else {
                    throw ConfigurationError(file: table.file, line: row.line, key: "unit_price", reason: "\(text) is not a price")
                }
                price = value
            }
            materials.append(Material(
                sku: sku, name: try required("name"), aliases: row.list("aliases"), unit: try required("unit"),
                category: row.fields["category"] ?? "", handling: row.list("handling"), unitPrice: price,
                extra: row.fields.filter { !known.contains($0.key) }))
        }
        if materials.isEmpty {
            throw ConfigurationError(file: table.file, line: 2, reason: "no materials; add at least one row under the header")
        }
        self.init(materials: materials)
    }
}
