import Foundation
import IntakeAlignment

/// One OCR digit error on a line item, found by its arithmetic: when quantity × unit price ≠
/// amount, each of the three is recomputed from the other two, and a recomputed value that
/// differs from what was read by a single digit (one changed, lost or extra: "392" for 39,
/// "3.90" for 5.90) or only by its decimal point ("040" for 0.40) is a candidate for the truth. The extractor repairs a line only when one
/// candidate is left (the order's subtotal can vouch for the amounts as read); the line still
/// goes to review, with what was read and what it became.
enum ArithmeticRepair {
    struct Repair: Equatable {
        var column: PurchaseOrderTemplate.Column
        var value: Double

        /// As printed on an order: a whole quantity, prices and amounts in cents.
        var printed: String { column == .quantity ? String(format: "%.0f", value) : String(format: "%.2f", value) }
    }

    /// `value` as a whole number of at least 1 (a quantity), allowing floating-point dust.
    static func whole(_ value: Double) -> Double? {
        let rounded = value.rounded()
        return rounded >= 1 && abs(value - rounded) < 0.0005 ? rounded : nil
    }

    /// The values that make the line add up and differ from what was read by at most
    /// `digitsOff` digits (nil: any number), in column order.
    static func candidates(
        quantity: Double, unitPrice: Double, amount: Double, texts: [PurchaseOrderTemplate.Column: String], digitsOff: Int? = 1
    ) -> [Repair] {
        var candidates: [Repair] = []
        if unitPrice > 0, let value = whole(amount / unitPrice) { candidates.append(Repair(column: .quantity, value: value)) }
        if let value = cents(amount / quantity) { candidates.append(Repair(column: .unitPrice, value: value)) }
        if let value = cents(quantity * unitPrice) { candidates.append(Repair(column: .amount, value: value)) }
        return candidates.filter { candidate in
            guard let read = texts[candidate.column] else { return false }
            let digits = { (text: String) in Array(text.utf8.filter { (48...57).contains($0) }) }
            let readDigits = digits(read), printedDigits = digits(candidate.printed)
            // The same digits count too: a decimal point OCR lost ("040" for 0.40).
            return digitsOff.map { EditDistance.distance(readDigits, printedDigits, limit: $0) != nil } ?? true
        }
    }

    /// `value` when it is a whole number of cents.
    static func cents(_ value: Double) -> Double? {
        let hundredths = (value * 100).rounded()
        return value > 0 && abs(value * 100 - hundredths) < 0.005 ? hundredths / 100 : nil
    }
}
