/// One row of the material master: a SKU, its names and how it is handled.
public struct Material: Sendable, Equatable {
    public let sku: String
    public let name: String
    public let aliases: [String]
    public let unit: String
    public let category: String
    public let handling: [String]
    public let unitPrice: Double?
    /// Columns beyond the required ones, kept as written.
    public let extra: [String: String]
}
