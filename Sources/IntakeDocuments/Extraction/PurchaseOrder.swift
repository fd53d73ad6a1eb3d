import IntakeCore

/// A purchase order as read from its pages, before alignment: header fields and line items,
/// each value with where it was on the page and how sure the OCR was.
public struct PurchaseOrder: Sendable {
    /// One value read from the page.
    public struct Value: Sendable, Equatable {
        public var text: String
        /// Where on the original page (nil for values that were derived, not read).
        public var box: ImageBox?
        /// The OCR's word confidence (0–1), lowered when a value needed repair or a fallback.
        public var confidence: Double
        /// `label` (after its label), `pattern` (found by its shape alone), `column` (a table cell).
        public var method: String
    }

    public struct LineItem: Sendable {
        public var cells: [PurchaseOrderTemplate.Column: Value]
        public var quantity: Double?
        public var unitPrice: Double?
        public var amount: Double?
        /// Why the line cannot be trusted as read (cross-check failures, missing cells).
        public var problems: [String]

        public var code: String? { cells[.code]?.text }
        public var description: String? { cells[.description]?.text }
        /// Whether quantity × unit price = amount (to the cent, with rounding slack); nil when
        /// one of the three was not read.
        public var arithmeticHolds: Bool? {
            guard let quantity, let unitPrice, let amount else { return nil }
            return abs(quantity * unitPrice - amount) <= 0.011
        }

        /// How sure the numbers are. Tesseract's word confidence is unreliable for short
        /// numbers (a correct "11" scored 0.18), so when quantity × unit price = amount holds the
        /// three numbers vouch for each other (a misread that keeps the product is very unlikely);
        /// otherwise the weakest OCR confidence of the number cells.
        public var numbersConfidence: Double {
            if arithmeticHolds == true { return 0.98 }
            let read = [PurchaseOrderTemplate.Column.quantity, .unitPrice, .amount].compactMap { cells[$0]?.confidence }
            return read.min() ?? 0.5
        }
    }

    public var template: String
    public var header: [PurchaseOrderTemplate.Field: Value]
    /// The order date as ISO 8601 (`2026-11-03`), when the date field could be read.
    public var orderDate: String?
    public var total: Double?
    public var subtotal: Double?
    public var items: [LineItem]
    public var notes: [String]
}
