import Foundation

/// Reads the line-item table of a page from word positions: finds the header row by its column
/// labels, then gives every word below it to the column whose span holds the word's centre.
/// A row with a quantity (or, when OCR lost it, a unit price and amount) starts an item; a row
/// with only description text continues the previous item's description; a Subtotal/Total row
/// or any other row ends the table. A page whose header row cannot be read at all is read by
/// the shape of its rows instead (`itemsByShape`).
struct LineItemTable {
    /// Column spans of a header row, in prepared-image pixels.
    struct Layout {
        var columns: [(column: PurchaseOrderTemplate.Column, left: Int, right: Int)]
        var headerBottom: Int

        func column(of word: OCRPage.Word) -> PurchaseOrderTemplate.Column? {
            let center = word.box.centerX
            return columns.first { center >= $0.left && center < $0.right }?.column
        }

        /// A row's words by column. Words go by their centre; then a number column keeps only
        /// its value (see `valueRange`), and the words around it (a long description running
        /// past the column boundary, "6305-2RS" or "45mm" among them; a unit printed beside its
        /// quantity) move to the nearest text column on their side.
        func cells(of words: [OCRPage.Word], decimalSeparator: Character) -> [PurchaseOrderTemplate.Column: [OCRPage.Word]] {
            var cells: [PurchaseOrderTemplate.Column: [OCRPage.Word]] = [:]
            for word in words {
                guard let column = column(of: word) else { continue }
                cells[column, default: []].append(word)
            }
            // A header label OCR could not read leaves its numbers with the column before it:
            // the last of two prices is the amount.
            if !columns.contains(where: { $0.column == .amount }), let prices = cells[.unitPrice], prices.count > 1,
                prices.allSatisfy({ $0.text.contains(where: \.isDigit) })
            {
                cells[.amount] = [prices.last!]
                cells[.unitPrice] = Array(prices.dropLast())
            }
            for (index, entry) in columns.enumerated() where entry.column.isNumeric {
                guard let inCell = cells[entry.column], let value = Self.valueRange(inCell, decimalSeparator: decimalSeparator) else { continue }
                let before = inCell[..<value.lowerBound], after = inCell[value.upperBound...]
                guard !before.isEmpty || !after.isEmpty else { continue }
                let left = columns[..<index].last { !$0.column.isNumeric }?.column
                let right = columns[(index + 1)...].first { !$0.column.isNumeric }?.column
                if let target = left ?? right, !before.isEmpty { cells[target, default: []].append(contentsOf: before) }
                if let target = right ?? left, !after.isEmpty { cells[target, default: []].append(contentsOf: after) }
                cells[entry.column] = Array(inCell[value])
            }
            for column in cells.keys { cells[column]!.sort { $0.box.x < $1.box.x } }
            return cells
        }

        /// Where the value of a number column lies among its words, left to right. Numbers
        /// stand right-aligned under their label, so the value is the rightmost word that reads
        /// as a number, with thousands groups printed apart before it ("2 310,00"). When no
        /// word reads as a number, the words from the first to the last with a digit (so the
        /// misread is reported, not dropped).
        static func valueRange(_ words: [OCRPage.Word], decimalSeparator: Character) -> Range<Int>? {
            if let last = words.lastIndex(where: { FieldValues.number($0.text, decimalSeparator: decimalSeparator) != nil }) {
                var first = last
                // A group is three digits; the word before it, one to three digits alone.
                while first > 0, words[first].text.prefix(while: \.isDigit).count == 3,
                    (1...3).contains(words[first - 1].text.count), words[first - 1].text.allSatisfy(\.isDigit),
                    FieldValues.number(words[(first - 1)...last].map(\.text).joined(), decimalSeparator: decimalSeparator) != nil
                {
                    first -= 1
                }
                return first..<(last + 1)
            }
            guard let first = words.firstIndex(where: { $0.text.contains(where: \.isDigit) }) else { return nil }
            return first..<(words.lastIndex(where: { $0.text.contains(where: \.isDigit) })! + 1)
        }
    }

    let template: PurchaseOrderTemplate

    /// The header row of `page`: a line naming at least three columns, and the quantity
    /// column read or inferred (see `inferMissingColumns`).
    func layout(of page: OCRPage) -> (layout: Layout, line: Int)? {
        typealias Column = PurchaseOrderTemplate.Column
        for (index, line) in page.lines.enumerated() {
            var found: [(Column, PixelBox)] = []
            var unmatched: [[OCRPage.Word]] = []
            // Within one phrase only: "Item" and "Description" printed apart are two columns,
            // "Item Description" printed together is one.
            for phrase in PageLayout.phrases(line) {
                var position = 0
                var run: [OCRPage.Word] = []
                while position < phrase.count {
                    var best: (column: Column, length: Int)? = nil
                    for (column, labels) in template.columns {
                        if let hit = PageLayout.label(labels, at: phrase[position...], typoMinimumLength: 3), hit.length > best?.length ?? 0 {
                            best = (column, hit.length)
                        }
                    }
                    if let (column, length) = best {
                        if !run.isEmpty { unmatched.append(run) }
                        run = []
                        let words = phrase[position..<(position + length)]
                        if !found.contains(where: { $0.0 == column }) {
                            found.append((column, words.dropFirst().reduce(words.first!.box) { $0.union($1.box) }))
                        }
                        position += length
                    } else {
                        run.append(phrase[position])
                        position += 1
                    }
                }
                if !run.isEmpty { unmatched.append(run) }
            }
            guard found.count >= 3 else { continue }
            found.sort { $0.1.x < $1.1.x }
            Self.inferMissingColumns(&found, from: unmatched)
            guard found.contains(where: { $0.0 == .quantity }) else { continue }
            var columns: [(Column, Int, Int)] = []
            for (index, (column, box)) in found.enumerated() {
                let left = index == 0 ? 0 : (found[index - 1].1.right + box.x) / 2
                let right = index == found.count - 1 ? Int.max : (box.right + found[index + 1].1.x) / 2
                columns.append((column, left, right))
            }
            return (Layout(columns: columns, headerBottom: line.box.bottom), index)
        }
        return nil
    }

    /// A header label OCR garbled ("Ne" for 数量) still names its column when it stands where
    /// the usual column order (code, description, quantity, unit, unit price, amount) leaves
    /// exactly one column missing between the labels read on either side of it, or when it
    /// is the rightmost label and the amount is missing. `found` is sorted by position and
    /// stays so.
    static func inferMissingColumns(_ found: inout [(PurchaseOrderTemplate.Column, PixelBox)], from runs: [[OCRPage.Word]]) {
        let order = PurchaseOrderTemplate.Column.allCases
        for run in runs where run.contains(where: { $0.text.contains(where: \.isLetter) }) {
            let box = run.dropFirst().reduce(run[0].box) { $0.union($1.box) }
            let left = found.last { $0.1.right <= box.centerX }?.0
            let right = found.first { $0.1.x >= box.centerX }?.0
            let lower = left.map { order.firstIndex(of: $0)! + 1 } ?? 0
            let upper = right.map { order.firstIndex(of: $0)! } ?? order.count
            guard lower < upper else { continue }
            let missing = order[lower..<upper].filter { column in !found.contains { $0.0 == column } }
            // Right of every label read, the last column is the amount whatever else is lost
            // (Tesseract dropped a whole unit-price column, label and all, from one scan).
            guard let column = missing.count == 1 ? missing.first : right == nil && missing.last == .amount ? .amount : nil else { continue }
            found.append((column, box))
            found.sort { $0.1.x < $1.1.x }
        }
    }

    /// Items of `page` from line `start` on, read with `layout`; `ended` says whether the
    /// table's end was seen (else it may continue on the next page).
    func items(on page: OCRPage, from start: Int, layout: Layout) -> (items: [PurchaseOrder.LineItem], lines: Range<Int>, ended: Bool) {
        var items: [PurchaseOrder.LineItem] = []
        var lastBottom: Int? = nil
        var pitch: Int? = nil
        // A code alone on its line, joined to the item above as its description's next line;
        // when the row below turns out to be an item without a code (or with a word of its
        // description in the code column, "Bag"), the code is that item's (a skewed row
        // Tesseract split in two) and the item above gets its description back.
        var loneCode: (item: Int, description: PurchaseOrder.Value?, code: PurchaseOrder.Value)? = nil
        // Numbers alone on a line (no code, no description): the amount of the row below, lifted
        // off it by skew, when that row lacks them; else the table ended at this line.
        var loneNumbers: (line: Int, values: [PurchaseOrderTemplate.Column: PurchaseOrder.Value])? = nil
        var index = start
        while index < page.lines.count {
            let line = page.lines[index]
            if PageLayout.findLabel(template.tableEnd, in: line.words) != nil { return (items, start..<(loneNumbers?.line ?? index), true) }
            let cells = layout.cells(of: Self.valueWords(line), decimalSeparator: template.decimalSeparator)
            var values = cells.compactMapValues { PageLayout.value($0[...], page: page, method: "column") }
            Self.mendCode(&values)
            if let lone = loneNumbers, Set(lone.values.keys).isDisjoint(with: values.keys), item(from: values) != nil {
                values.merge(lone.values) { own, _ in own }
            }
            if var item = item(from: values) {
                loneNumbers = nil
                if let bottom = lastBottom { pitch = pitch ?? max(1, line.box.y - bottom) }
                lastBottom = line.box.bottom
                if let lone = loneCode, !(item.code?.contains(where: \.isDigit) ?? false) {
                    items[lone.item].cells[.description] = lone.description
                    if let word = item.cells[.code] {
                        var description = item.cells[.description] ?? word
                        if item.cells[.description] != nil { description.text = word.text + " " + description.text }
                        item.cells[.description] = description
                    }
                    item.cells[.code] = lone.code
                }
                loneCode = nil
                items.append(item)
            } else if !items.isEmpty, let bottom = lastBottom, line.box.y - bottom <= max(2 * (pitch ?? line.box.height), line.box.height * 2),
                Set(values.keys).isSubset(of: [.description, .code]), let text = values[.description]?.text ?? values[.code]?.text
            {
                // A description that wraps onto the next row.
                loneNumbers = nil
                let last = items.count - 1
                if values[.description] == nil, let code = values[.code], code.text.contains(where: \.isDigit), code.text.contains(where: \.isLetter) {
                    loneCode = (last, items[last].cells[.description], code)
                } else {
                    loneCode = nil
                }
                if var description = items[last].cells[.description] {
                    description.text += " " + text
                    description.confidence = min(description.confidence, values[.description]?.confidence ?? 1)
                    items[last].cells[.description] = description
                } else {
                    items[last].cells[.description] = values[.description] ?? values[.code]
                }
                lastBottom = line.box.bottom
            } else if Set(values.keys).isDisjoint(with: [.code, .description]), !values.values.contains(where: { $0.text.contains(where: \.isDigit) })
                || Set(values.keys).isSubset(of: [.quantity, .unit])
            {
                // No code, no description, no digit: specks and rule remnants read as ":", "a" or
                // "oe"; or a quantity or unit Tesseract put on a line of its own (a skewed row
                // split in two: the row itself then takes its quantity from amount ÷ price).
                // Fragments, not the end of the table.
            } else if !items.isEmpty {
                if loneNumbers == nil, Set(values.keys).isDisjoint(with: [.code, .description]) {
                    loneNumbers = (index, values)
                } else {
                    // Neither an item nor a continuation: the table is over. (Before the first
                    // item such a line is a note between the header and the rows, or a page header.)
                    return (items, start..<(loneNumbers?.line ?? index), true)
                }
            }
            index += 1
        }
        return (items, start..<index, false)
    }

    /// The item a row's cells make: a row with a positive quantity and more (a code, a
    /// description or a price: a quantity alone is a fragment of a row), or one whose quantity OCR
    /// could not read ("A2" for 42) while its unit price and amount both read. Such a row is
    /// kept, its quantity taken from amount ÷ unit price when that is whole, and the line says
    /// so: dropped, it would also end the table and lose every row after it. Nil for rows that
    /// are not items.
    private func item(from values: [PurchaseOrderTemplate.Column: PurchaseOrder.Value]) -> PurchaseOrder.LineItem? {
        func number(_ column: PurchaseOrderTemplate.Column) -> (value: Double, repaired: Bool)? {
            values[column].flatMap { FieldValues.number($0.text, decimalSeparator: template.decimalSeparator) }
        }
        let quantity = number(.quantity).flatMap { $0.value > 0 ? $0 : nil }
        let price = number(.unitPrice), amount = number(.amount)
        let named = values[.code] != nil || values[.description] != nil
        guard quantity != nil && (named || price != nil || amount != nil) || price != nil && amount != nil && named else { return nil }
        var item = PurchaseOrder.LineItem(cells: values, quantity: quantity?.value, unitPrice: price?.value, amount: amount?.value, problems: [])
        for (column, read) in [(PurchaseOrderTemplate.Column.quantity, quantity), (.unitPrice, price), (.amount, amount)] where read?.repaired == true {
            item.cells[column]?.confidence *= 0.7
        }
        // A unit price OCR could not read ("raoo" for 973.00) is amount ÷ quantity when that is
        // whole cents; the line says so and goes to review.
        if price == nil, let quantity, let amount, let cents = ArithmeticRepair.cents(amount.value / quantity.value) {
            item.unitPrice = cents
            let read = values[.unitPrice].map { "reads \"\($0.text)\"" } ?? "is empty"
            if let confidence = item.cells[.unitPrice]?.confidence { item.cells[.unitPrice]?.confidence = min(confidence, 0.5) }
            item.problems.append(String(format: "the unit price %@; %.2f from amount ÷ quantity", read, cents))
        }
        for (column, name) in [(PurchaseOrderTemplate.Column.unitPrice, "unit price"), (.amount, "amount")] where number(column) == nil && !(column == .unitPrice && item.unitPrice != nil) {
            if let cell = values[column] { item.problems.append("the \(name) \"\(cell.text)\" is not a number") }
        }
        if quantity == nil {
            let read = values[.quantity].map { "reads \"\($0.text)\"" } ?? "is empty"
            if let price, let amount, price.value > 0, let whole = ArithmeticRepair.whole(amount.value / price.value) {
                item.quantity = whole
                if let confidence = item.cells[.quantity]?.confidence { item.cells[.quantity]?.confidence = min(confidence, 0.5) }
                item.problems.append(String(format: "the quantity %@; %.0f from amount ÷ unit price", read, whole))
            } else {
                item.problems.append("no quantity: the quantity cell \(read)")
            }
        }
        return item
    }

    /// Items read from the shape of their rows, for a page whose header row could not be read
    /// (a noisy scan garbles it past recognition). A row is an item when it ends in quantity,
    /// an optional unit, unit price and amount, and quantity × unit price = amount: the
    /// arithmetic stands in for the header. Its first word is the code when it has a digit, the
    /// words between are the description. The table runs from the first to the last row whose
    /// arithmetic holds or is one digit from holding (the cross-check repairs it); rows of that
    /// shape between them are kept whatever their arithmetic (the cross-check reports them).
    func itemsByShape(on page: OCRPage) -> (items: [PurchaseOrder.LineItem], lines: Range<Int>)? {
        var rows: [(line: Int, item: PurchaseOrder.LineItem)] = []
        for (index, line) in page.lines.enumerated() {
            if PageLayout.findLabel(template.tableEnd, in: line.words) != nil, !rows.isEmpty { break }
            if let item = itemByShape(Self.valueWords(line), page: page) {
                rows.append((index, item))
            }
        }
        func vouched(_ item: PurchaseOrder.LineItem) -> Bool {
            guard let holds = item.arithmeticHolds, let quantity = item.quantity, let price = item.unitPrice, let amount = item.amount else { return false }
            return holds || !ArithmeticRepair.candidates(quantity: quantity, unitPrice: price, amount: amount, texts: item.cells.compactMapValues(\.text)).isEmpty
        }
        guard let first = rows.firstIndex(where: { vouched($0.item) }), let last = rows.lastIndex(where: { vouched($0.item) }) else { return nil }
        return (rows[first...last].map(\.item), rows[first].line..<(rows[last].line + 1))
    }

    private func itemByShape(_ words: [OCRPage.Word], page: OCRPage) -> PurchaseOrder.LineItem? {
        let separator = template.decimalSeparator
        func number(_ index: Int) -> (value: Double, repaired: Bool)? { FieldValues.number(words[index].text, decimalSeparator: separator) }
        func isSpeck(_ index: Int) -> Bool { words[index].text.count <= 2 && !words[index].text.contains(where: \.isDigit) }
        guard words.count >= 4, let amount = number(words.count - 1)?.value else { return nil }
        // Specks between the price and the amount ("oe", "iL": rule remnants read as letters).
        var priceIndex = words.count - 2
        while priceIndex > 2, number(priceIndex) == nil, isSpeck(priceIndex) { priceIndex -= 1 }
        // A unit price OCR could not read ("raoo" for 973.00) is amount ÷ quantity (below), in a
        // row that ends in an amount in cents.
        let price = number(priceIndex)?.value
        let amountText = words[words.count - 1].text
        guard price != nil || words[priceIndex].text.count >= 3 && amountText.suffix(2).allSatisfy(\.isDigit)
            && amountText.dropLast(2).last.map({ ".,".contains($0) }) == true
        else { return nil }
        var quantityIndex = priceIndex - 1
        var unitIndex: Int? = nil
        if number(quantityIndex).flatMap({ ArithmeticRepair.whole($0.value) }) == nil, !words[quantityIndex].text.contains(where: \.isDigit) {
            unitIndex = quantityIndex
            quantityIndex -= 1
        }
        // A quantity has a digit, or is one character OCR made of a digit ("了" for 7), or
        // stands before the unit whatever OCR made of it ("ad" for 42 before "each").
        let quantityWord = words[quantityIndex].text
        guard quantityIndex >= 1, quantityWord.contains(where: \.isDigit) || quantityWord.count == 1 || unitIndex != nil else { return nil }
        let read = number(quantityIndex)
        var quantity = read.flatMap { ArithmeticRepair.whole($0.value) }
        var problems: [String] = []
        // A quantity OCR could not read ("J2" for 42), or read only by repairing it ("1g" for
        // 18) into a number that does not add up, is amount ÷ unit price when that is whole.
        if let price, quantity == nil || read?.repaired == true && abs(quantity! * price - amount) > 0.011,
            price > 0, let whole = ArithmeticRepair.whole(amount / price)
        {
            problems.append(String(format: "the quantity reads \"%@\"; %.0f from amount ÷ unit price", words[quantityIndex].text, whole))
            quantity = whole
        }
        guard let quantity else { return nil }
        var unitPrice = price ?? 0
        if price == nil {
            guard read?.repaired == false, let cents = ArithmeticRepair.cents(amount / quantity) else { return nil }
            problems.append(String(format: "the unit price reads \"%@\"; %.2f from amount ÷ quantity", words[priceIndex].text, cents))
            unitPrice = cents
        }
        // The code: a first word with letters and digits, or the head of one OCR split at its
        // hyphen or read with a space for it (`mendCode` joins the digits that follow).
        let head = Self.codeText(words[0].text)
        let codeWords = head.contains(where: \.isDigit) && head.contains(where: \.isLetter)
            || quantityIndex > 2 && Self.isSplitCode(head, digits: words[1].text[...]) ? 1 : 0
        let descriptionWords = words[codeWords..<quantityIndex]
        var cells: [PurchaseOrderTemplate.Column: PurchaseOrder.Value] = [:]
        func cell(_ column: PurchaseOrderTemplate.Column, _ slice: ArraySlice<OCRPage.Word>) {
            if let value = PageLayout.value(slice, page: page, method: "row_shape") { cells[column] = value }
        }
        if codeWords > 0 { cell(.code, words[0..<codeWords]) }
        cell(.description, descriptionWords)
        cell(.quantity, words[quantityIndex...quantityIndex])
        if let unitIndex { cell(.unit, words[unitIndex...unitIndex]) }
        cell(.unitPrice, words[priceIndex...priceIndex])
        cell(.amount, words[(words.count - 1)...])
        // The derived number's cell goes to review.
        let derived: PurchaseOrderTemplate.Column = price == nil ? .unitPrice : .quantity
        if !problems.isEmpty, let confidence = cells[derived]?.confidence { cells[derived]?.confidence = min(confidence, 0.5) }
        Self.mendCode(&cells)
        return PurchaseOrder.LineItem(cells: cells, quantity: quantity, unitPrice: unitPrice, amount: amount, problems: problems)
    }

    /// The words of a table row that can hold a value: those with a letter or digit, less the
    /// remnants of ruling lines read as text, which would otherwise make a row of nothing end
    /// the table: a "word" at most 3 px tall (a rule read as "7"), and a letter or two read at
    /// no confidence at all ("f", "-_" beside a skewed row; longer words at no confidence are
    /// kept: "CAF-" of a code came out so).
    static func valueWords(_ line: OCRPage.Line) -> [OCRPage.Word] {
        line.words.filter { word in
            word.text.contains(where: { $0.isLetter || $0.isNumber }) && word.box.height > 3
                && (word.confidence >= 0.05 || word.text.count > 2 || word.text.contains(where: \.isDigit))
        }
    }

    /// A code as printed: remnants of ruling lines ("_", "|") trimmed, and a code OCR split at
    /// its hyphen ("MRO-" then "3106") or read with a space for it ("CAB:" then "1064"), both
    /// halves in the code cell or the digits left at the head of the description, joined.
    static func mendCode(_ cells: inout [PurchaseOrderTemplate.Column: PurchaseOrder.Value]) {
        guard var code = cells[.code] else { return }
        let parts = code.text.split(separator: " ").map { codeText(String($0)) }
        code.text = parts.count == 2 && isSplitCode(parts[0], digits: parts[1][...])
            ? joined(parts[0], parts[1][...]) : codeText(code.text).replacingOccurrences(of: "- ", with: "-")
        if var description = cells[.description], let head = description.text.split(separator: " ", maxSplits: 1).first,
            isSplitCode(code.text, digits: head)
        {
            code.text = joined(code.text, head)
            description.text = String(description.text.dropFirst(head.count)).trimmingCharacters(in: .whitespaces)
            cells[.description] = description.text.isEmpty ? nil : description
        }
        code.text = code.text.trimmingCharacters(in: CharacterSet.alphanumerics.inverted)
        cells[.code] = code
    }

    /// A code cell's text without the ruling-line remnants around it (a hyphen stays).
    private static func codeText(_ text: String) -> String {
        text.trimmingCharacters(in: CharacterSet.alphanumerics.inverted.subtracting(CharacterSet(charactersIn: "-")))
    }

    /// The two halves of a split code as one, with one hyphen between them.
    private static func joined(_ prefix: String, _ digits: Substring) -> String {
        prefix + (prefix.hasSuffix("-") ? "" : "-") + digits.drop { $0 == "-" }
    }

    /// Whether `prefix` then `digits` is one code OCR split in two: a prefix ending in its
    /// hyphen, or two to four capitals before three digits or more (the hyphen lost, or
    /// split off with the digits: "MRO -3108").
    private static func isSplitCode(_ prefix: String, digits: Substring) -> Bool {
        let digits = digits.hasPrefix("-") && !prefix.hasSuffix("-") ? digits.dropFirst() : digits
        guard !digits.isEmpty, digits.allSatisfy(\.isDigit) else { return false }
        return prefix.hasSuffix("-") || digits.count >= 3 && (2...4).contains(prefix.count) && prefix.allSatisfy { $0.isUppercase && $0.isLetter }
    }
}
