import Foundation
import IntakeAlignment

/// OCR pages → a `PurchaseOrder`: picks the supplier template by keywords, reads the line-item
/// table across pages (a table without its end on one page continues on the next), reads the
/// header fields outside the table, and cross-checks the arithmetic: quantity × unit price =
/// amount on every line, Σ amounts = subtotal (or total). A failed check usually means an OCR
/// digit error; the line or order keeps the reason and goes to review with low confidence.
public struct PurchaseOrderExtractor: Sendable {
    public let templates: TemplateLibrary

    public init(templates: TemplateLibrary) {
        self.templates = templates
    }

    /// The purchase orders of a document, one per PO: a stack of orders scanned into one PDF
    /// splits where a page names a PO number other than the order before it (by more than one
    /// OCR slip: "P0-2026-0417" is still PO-2026-0417). A page naming none, or the same, continues
    /// the order before it, so a multi-page PO stays one order.
    public func extractAll(_ document: ReadDocument) -> [PurchaseOrder] {
        var groups: [(number: String?, pages: [OCRPage])] = []
        for page in document.pages {
            let number = poNumber(on: page)
            if let current = groups.last, number == nil || current.number.map({ Self.samePONumber($0, number!) }) ?? true {
                groups[groups.count - 1].pages.append(page)
                if current.number == nil { groups[groups.count - 1].number = number }
            } else {
                groups.append((number, [page]))
            }
        }
        guard groups.count > 1 else { return [extract(document)] }
        return groups.map { extract(ReadDocument(pages: $0.pages, blankPages: document.blankPages, notes: document.notes)) }
    }

    /// The PO number a page names, by its label or, failing that, by its shape.
    private func poNumber(on page: OCRPage) -> String? {
        let template = templates.template(for: page.text)
        if let rule = template.fields[.poNumber], let value = find(.poNumber, rule: rule, template: template, in: [page], skipping: [:]) {
            return value.text
        }
        return findPattern(Self.poNumberPattern, in: [page], skipping: [:])?.text
    }

    /// Whether two PO numbers as read are the same number: equal once case, punctuation and the
    /// letter O / digit 0 confusion are set aside, or one character apart.
    static func samePONumber(_ a: String, _ b: String) -> Bool {
        func key(_ text: String) -> [UInt8] { LabelText.codeKey(text).map { $0 == UInt8(ascii: "O") ? UInt8(ascii: "0") : $0 } }
        return EditDistance.distance(key(a), key(b), limit: 1) != nil
    }

    /// A PO number whose letter prefix OCR read with a digit in it ("P0-2026-47129"): digits
    /// that look like letters become those letters, up to the first hyphen, when the rest of
    /// that prefix is letters. Hyphens a noisy scan made into stops ("P0.2026.33653",
    /// "PO-2026.15202") are hyphens again.
    static func mendedPONumber(_ text: String) -> String {
        let text = text.replacingOccurrences(of: #"(?<=[0-9A-Z])\.(?=[0-9])"#, with: "-", options: .regularExpression)
        guard let hyphen = text.firstIndex(of: "-") else { return text }
        let prefix = text[..<hyphen]
        let lookAlikes: [Character: Character] = ["0": "O", "1": "I", "5": "S", "8": "B"]
        guard prefix.count >= 2, prefix.contains(where: \.isLetter), prefix.allSatisfy({ $0.isLetter || lookAlikes[$0] != nil }) else { return text }
        return String(prefix.map { lookAlikes[$0] ?? $0 }) + text[hyphen...]
    }

    private static let poNumberPattern = #"\bP[O0][-.]?[0-9][A-Z0-9/.-]{3,}"#

    public func extract(_ document: ReadDocument) -> PurchaseOrder {
        let template = templates.template(for: document.pages.first?.text ?? "")
        let table = LineItemTable(template: template)
        var items: [PurchaseOrder.LineItem] = []
        var tableLines: [Int: Range<Int>] = [:]
        var layout: LineItemTable.Layout? = nil
        var tableOpen = false
        var shapeNotes: [String] = []
        for (pageIndex, page) in document.pages.enumerated() {
            var start = 0
            var first = 0
            if let found = table.layout(of: page) {
                layout = found.layout
                start = found.line + 1
                first = found.line
            } else if !tableOpen {
                if layout == nil, let read = table.itemsByShape(on: page) {
                    items += read.items
                    tableLines[pageIndex] = read.lines
                    shapeNotes.append("No table header read on page \(page.number); its \(read.items.count) rows were read by their shape (quantity, unit, unit price, amount).")
                }
                continue
            }
            guard let layout else { continue }
            let read = table.items(on: page, from: start, layout: layout)
            items += read.items
            tableLines[pageIndex] = first..<read.lines.upperBound
            tableOpen = !read.ended
        }

        var order = PurchaseOrder(template: template.name, header: [:], items: items, notes: shapeNotes)
        for field in PurchaseOrderTemplate.Field.allCases {
            guard let rule = template.fields[field] else { continue }
            if let value = find(field, rule: rule, template: template, in: document.pages, skipping: tableLines) {
                order.header[field] = value
            }
        }
        if order.header[.poNumber] == nil, let value = findPattern(Self.poNumberPattern, in: document.pages, skipping: tableLines) {
            order.header[.poNumber] = value
        }
        if let number = order.header[.poNumber] { order.header[.poNumber]?.text = Self.mendedPONumber(number.text) }
        if order.header[.supplier] == nil, let supplier = template.supplier {
            order.header[.supplier] = PurchaseOrder.Value(text: supplier, box: nil, confidence: 0.9, method: "template")
        }
        if order.header[.currency] == nil, let currency = template.currency {
            order.header[.currency] = PurchaseOrder.Value(text: currency, box: nil, confidence: 0.9, method: "template")
        }
        if order.header[.orderDate] == nil, let date = findDate(template: template, in: document.pages, skipping: tableLines) {
            order.header[.orderDate] = date
        }
        if let date = order.header[.orderDate] {
            order.orderDate = dateCandidates(date.text).lazy.compactMap { FieldValues.isoDate($0, formats: template.dateFormats) }.first
        }
        if order.header[.total] == nil, let total = findTotalBelowSubtotal(template: template, in: document.pages, skipping: tableLines) {
            order.header[.total] = total
        }
        order.total = order.header[.total].flatMap { amount(in: $0.text, template: template) }
        order.subtotal = order.header[.subtotal].flatMap { amount(in: $0.text, template: template) }
        crossCheck(&order)
        if let subtotal = order.subtotal, let subtotalValue = order.header[.subtotal], order.total.map({ abs($0 - subtotal) > 0.011 }) ?? true,
            abs(Self.amountsSum(order.items) - subtotal) <= 0.011, totalFollowsSubtotal(template: template, in: document.pages)
        {
            // The total's amount lost or misread ("$16,60" for 516,60): with no tax or shipping
            // line between, the total is the subtotal the line amounts vouch for.
            let read = order.header[.total].map { "reads \"\($0.text)\"" } ?? "was not read"
            order.header[.total] = PurchaseOrder.Value(text: subtotalValue.text, box: order.header[.total]?.box ?? subtotalValue.box, confidence: 0.5, method: "subtotal")
            order.total = subtotal
            order.notes.append(String(
                format: "The total %@; with nothing between the subtotal and the total, and the line amounts adding up to the subtotal, it is the subtotal %.2f.",
                read, subtotal))
        }
        for field in [PurchaseOrderTemplate.Field.poNumber, .orderDate] where order.header[field] == nil {
            order.notes.append("No \(field == .poNumber ? "PO number" : "order date") found on the page.")
        }
        if order.header[.orderDate] != nil, order.orderDate == nil {
            order.notes.append("The order date \"\(order.header[.orderDate]!.text)\" matches none of the template's date formats.")
        }
        if items.isEmpty { order.notes.append("No line-item table found (no row with the column labels of template \(template.name)).") }
        return order
    }

    // MARK: Header fields

    private func find(
        _ field: PurchaseOrderTemplate.Field, rule: PurchaseOrderTemplate.FieldRule, template: PurchaseOrderTemplate,
        in pages: [OCRPage], skipping tableLines: [Int: Range<Int>]
    ) -> PurchaseOrder.Value? {
        for (pageIndex, page) in pages.enumerated() {
            for (lineIndex, line) in page.lines.enumerated() where !(tableLines[pageIndex]?.contains(lineIndex) ?? false) {
                let phrases = PageLayout.phrases(line)
                for (phraseIndex, phrase) in phrases.enumerated() {
                    guard let hit = PageLayout.label(rule.labels, at: phrase[...]) else { continue }
                    let candidates = [PageLayout.value(phrase[hit.length...], page: page, method: "label")]
                        + (phraseIndex + 1 < phrases.count ? [PageLayout.value(phrases[phraseIndex + 1][...], page: page, method: "label")] : [])
                    for case let value? in candidates {
                        if let accepted = accept(value, field: field, rule: rule, template: template) { return accepted }
                    }
                }
            }
        }
        return nil
    }

    /// The value if it has the field's shape; narrowed to the pattern's match when there is one.
    private func accept(_ value: PurchaseOrder.Value, field: PurchaseOrderTemplate.Field, rule: PurchaseOrderTemplate.FieldRule, template: PurchaseOrderTemplate) -> PurchaseOrder.Value? {
        var value = value
        // A PO number is one word: a space before one of its digits is OCR's ("PO-2026-02 155",
        // "PO-2026- 13745"), and so is a bracket between two ("87(044") and a stop for a hyphen
        // (all mended before the pattern cuts the number there). A bar between its digits, with
        // specks around it, is a 1 ("7 |] 797" for 71797).
        if field == .poNumber {
            value.text = Self.mendedPONumber(value.text
                .replacingOccurrences(of: #"(?<=[0-9])[ ()\[\]{}]*\|[ ()\[\]{}]*(?=[0-9])"#, with: "1", options: .regularExpression)
                .replacingOccurrences(of: #"(?<=[0-9-]) (?=[0-9])"#, with: "", options: .regularExpression)
                .replacingOccurrences(of: #"(?<=[0-9])[()\[\]{}](?=[0-9])"#, with: "", options: .regularExpression))
        }
        if let pattern = rule.pattern {
            guard let regex = try? NSRegularExpression(pattern: pattern),
                let match = regex.firstMatch(in: value.text, range: NSRange(value.text.startIndex..., in: value.text)),
                let range = Range(match.range, in: value.text)
            else { return nil }
            value.text = String(value.text[range])
        }
        switch field {
        case .total, .subtotal: return amount(in: value.text, template: template) == nil ? nil : value
        case .poNumber: return value.text.contains(where: \.isNumber) ? value : nil
        default: return value
        }
    }

    private func findPattern(_ pattern: String, in pages: [OCRPage], skipping tableLines: [Int: Range<Int>]) -> PurchaseOrder.Value? {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return nil }
        for (pageIndex, page) in pages.enumerated() {
            for (lineIndex, line) in page.lines.enumerated() where !(tableLines[pageIndex]?.contains(lineIndex) ?? false) {
                for word in line.words {
                    let text = word.text
                    guard let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), let range = Range(match.range, in: text) else { continue }
                    return PurchaseOrder.Value(
                        text: String(text[range]), box: page.transform.originalBox(word.box, page: page.number),
                        confidence: word.confidence * 0.8, method: "pattern")
                }
            }
        }
        return nil
    }

    /// A date found by its shape alone when its label was misread ("AHH: 2026 年 08 月 11 日"):
    /// the first phrase outside the table, or its part after a colon, in one of the template's
    /// date formats.
    private func findDate(template: PurchaseOrderTemplate, in pages: [OCRPage], skipping tableLines: [Int: Range<Int>]) -> PurchaseOrder.Value? {
        for (pageIndex, page) in pages.enumerated() {
            for (lineIndex, line) in page.lines.enumerated() where !(tableLines[pageIndex]?.contains(lineIndex) ?? false) {
                for phrase in PageLayout.phrases(line) {
                    let afterColon = phrase.firstIndex { $0.text.hasSuffix(":") || $0.text.hasSuffix("：") }.map { phrase[($0 + 1)...] }
                    for words in [phrase[...], afterColon].compactMap({ $0 }) where !words.isEmpty {
                        guard var value = PageLayout.value(words, page: page, method: "pattern"),
                            FieldValues.isoDate(value.text, formats: template.dateFormats) != nil
                        else { continue }
                        value.confidence *= 0.8
                        return value
                    }
                }
            }
        }
        return nil
    }

    /// The total when its label was misread ("ait" for 合计): the last of the short lines
    /// ending in an amount that follow the subtotal's line (Subtotal, then perhaps tax, then the
    /// total), or, when the subtotal's label was misread as well, that follow the table.
    private func findTotalBelowSubtotal(template: PurchaseOrderTemplate, in pages: [OCRPage], skipping tableLines: [Int: Range<Int>]) -> PurchaseOrder.Value? {
        let labels = template.fields[.subtotal]?.labels ?? []
        for (pageIndex, page) in pages.enumerated() {
            let subtotalLine = page.lines.firstIndex { PageLayout.findLabel(labels, in: $0.words) != nil }
            let tableEnd = pageIndex == tableLines.keys.max() ? tableLines[pageIndex]?.upperBound : nil
            guard let first = subtotalLine.map({ $0 + 1 }) ?? tableEnd, first < page.lines.count else { continue }
            var found: PurchaseOrder.Value? = nil
            for line in page.lines[first...] {
                guard line.words.count <= 4, let last = line.words.last, amount(in: last.text, template: template) != nil,
                    var value = PageLayout.value([last][...], page: page, method: "position")
                else { break }
                value.confidence *= 0.7
                found = value
            }
            if let found { return found }
        }
        return nil
    }

    /// Whether a page prints the total's label on the line right after the subtotal's, with no
    /// tax or shipping line between them.
    private func totalFollowsSubtotal(template: PurchaseOrderTemplate, in pages: [OCRPage]) -> Bool {
        guard let subtotalLabels = template.fields[.subtotal]?.labels, let totalLabels = template.fields[.total]?.labels else { return false }
        return pages.contains { page in
            guard let line = page.lines.firstIndex(where: { PageLayout.findLabel(subtotalLabels, in: $0.words) != nil }), line + 1 < page.lines.count
            else { return false }
            return PageLayout.findLabel(totalLabels, in: page.lines[line + 1].words) != nil
        }
    }

    /// The last number in a value ("EUR 1,234.50" → 1234.5). A space OCR put after the decimal
    /// separator ("5.168, 10" for 5.168,10) is dropped first: cents are never printed apart.
    private func amount(in text: String, template: PurchaseOrderTemplate) -> Double? {
        let separator = NSRegularExpression.escapedPattern(for: String(template.decimalSeparator))
        let joined = text.replacingOccurrences(of: "(?<=[0-9]\(separator)) (?=[0-9]{2}$)", with: "", options: .regularExpression)
        return joined.split(separator: " ").reversed().lazy.compactMap { FieldValues.number(String($0), decimalSeparator: template.decimalSeparator)?.value }.first
    }

    /// The whole value, then its first one, two and three words ("03 Nov 2026 (Tue)").
    private func dateCandidates(_ text: String) -> [String] {
        let words = text.split(separator: " ").map(String.init)
        return [text] + (1...3).reversed().filter { $0 <= words.count }.map { words.prefix($0).joined(separator: " ") }
    }

    // MARK: Cross-checks

    /// Whether a number cell's text holds a character no printed number has: not a digit, a
    /// separator, a space or a currency sign ("1!", "4l", "3O").
    static func hasStrayGlyph(_ text: String) -> Bool {
        text.contains { !($0.isDigit || " .,'$€£¥￥".contains($0)) }
    }

    /// A line whose amount OCR read without its decimal point ("23940" for 239.40, with "630"
    /// for 6.30 beside it, so the line's own arithmetic holds): when the amounts miss the stated
    /// subtotal and exactly one such line, divided by 100, makes them meet it, that amount (and
    /// a unit price read the same way) is a hundredth of what was read.
    static func restoreLostDecimalPoint(_ order: inout PurchaseOrder, stated: Double) {
        let sum = amountsSum(order.items)
        guard abs(sum - stated) > 0.011 else { return }
        func pointless(_ text: String) -> Bool { !text.contains { $0 == "." || $0 == "," } }
        let lost = order.items.indices.filter { index in
            let item = order.items[index]
            guard let amount = item.amount, let text = item.cells[.amount]?.text, pointless(text) else { return false }
            return abs(sum - amount + amount / 100 - stated) <= 0.011
        }
        guard lost.count == 1, let index = lost.first, let amount = order.items[index].amount else { return }
        var item = order.items[index]
        var restored = [String(format: "the amount reads \"%@\"", item.cells[.amount]?.text ?? "")]
        let priceText = item.cells[.unitPrice]?.text ?? ""
        if item.arithmeticHolds == true, let price = item.unitPrice, pointless(priceText) {
            item.unitPrice = price / 100
            if let confidence = item.cells[.unitPrice]?.confidence { item.cells[.unitPrice]?.confidence = min(confidence, 0.5) }
            restored.append(String(format: "the unit price \"%@\"", priceText))
        }
        item.amount = amount / 100
        if let confidence = item.cells[.amount]?.confidence { item.cells[.amount]?.confidence = min(confidence, 0.5) }
        item.problems.append(String(
            format: "%@ without a decimal point; %.2f makes the lines add up to %.2f (an OCR misread)",
            restored.joined(separator: " and "), amount / 100, stated))
        order.items[index] = item
    }

    /// The line amounts added up (quantity × unit price where no amount was read).
    private static func amountsSum(_ items: [PurchaseOrder.LineItem]) -> Double {
        items.reduce(0.0) { $0 + ($1.amount ?? ($1.quantity ?? 0) * ($1.unitPrice ?? 0)) }
    }

    private func crossCheck(_ order: inout PurchaseOrder) {
        let stated = order.subtotal ?? order.total
        if let stated { Self.restoreLostDecimalPoint(&order, stated: stated) }
        let sum = Self.amountsSum(order.items)
        // A stated subtotal that the amounts as read add up to vouches for every amount.
        let amountsAddUp = stated.map { abs(sum - $0) <= 0.011 } ?? false
        for index in order.items.indices {
            let item = order.items[index]
            guard let quantity = item.quantity else { continue }
            guard let price = item.unitPrice else {
                order.items[index].problems.append("no unit price read")
                continue
            }
            guard let amount = item.amount, item.arithmeticHolds == false else { continue }
            let texts = item.cells.compactMapValues(\.text)
            var candidates = ArithmeticRepair.candidates(quantity: quantity, unitPrice: price, amount: amount, texts: texts)
            if amountsAddUp {
                candidates.removeAll { $0.column == .amount }
                // With the amount vouched for, a misread worse than one digit ("4141" for 11)
                // is still found when only one of quantity and price can make the line add up.
                if candidates.isEmpty { candidates = ArithmeticRepair.candidates(quantity: quantity, unitPrice: price, amount: amount, texts: texts, digitsOff: nil).filter { $0.column != .amount } }
            }
            if candidates.count > 1 {
                // A cell holding a glyph no number has ("1!" for 11) is the one OCR misread.
                let garbled = candidates.filter { texts[$0.column].map(Self.hasStrayGlyph) ?? false }
                if garbled.count == 1 { candidates = garbled }
            }
            guard candidates.count == 1, let repair = candidates.first else {
                order.items[index].problems.append(String(
                    format: "quantity × unit price = %.2f but the amount reads %.2f (an OCR digit error?)", quantity * price, amount))
                continue
            }
            switch repair.column {
            case .quantity: order.items[index].quantity = repair.value
            case .unitPrice: order.items[index].unitPrice = repair.value
            default: order.items[index].amount = repair.value
            }
            if let confidence = item.cells[repair.column]?.confidence { order.items[index].cells[repair.column]?.confidence = min(confidence, 0.5) }
            let name = [.quantity: "quantity", .unitPrice: "unit price"][repair.column] ?? "amount"
            order.items[index].problems.append(
                "the \(name) reads \"\(texts[repair.column] ?? "")\"; \(repair.printed) makes quantity × unit price = amount (an OCR digit error)")
        }
        let repairedSum = Self.amountsSum(order.items)
        if let stated, !order.items.isEmpty, abs(repairedSum - stated) > 0.011 {
            order.notes.append(String(
                format: "The line amounts add up to %.2f but the %@ reads %.2f: a line may be misread or missing.",
                repairedSum, order.subtotal == nil ? "total" : "subtotal", stated))
        }
    }
}
