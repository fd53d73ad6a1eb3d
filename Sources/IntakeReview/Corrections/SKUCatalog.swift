/// The SKUs an order line may name, with their names: what a reviewer's correction is checked
/// against. Filled from the material master by whoever opens the queue (the review queue knows
/// no master data); SKUs compare without regard to case, as the master's do.
public struct SKUCatalog: Sendable {
    private let entries: [String: (sku: String, name: String)]

    /// `materials`: (SKU, name) pairs as the master spells them.
    public init(_ materials: [(sku: String, name: String)]) {
        entries = Dictionary(materials.map { ($0.sku.uppercased(), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The master's spelling of `sku` and its name, or nil when the master has no such SKU.
    public func material(_ sku: String) -> (sku: String, name: String)? {
        entries[sku.uppercased()]
    }
}
