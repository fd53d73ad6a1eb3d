import Foundation

/// Reads the line-item table of a page from word positions: finds the header row by its column
/// labels, then gives every word below it to the column whose span holds the word's centre.
/// A row with a quantity starts an item; a row with only description text continues the
/// previous item's description; a Subtotal/Total row or a wide vertical gap ends the table.
struct LineItemTable {
    /// Column spans of a header row, in prepared-image pixels.
    struct Layout {
        var columns: [(column: PurchaseOrderTemplate.Column, left: Int, right: Int)]
        var headerBottom: Int

        func column(of word: OCRPage.Word) -> PurchaseOrderTemplate.Column? {
            let center = word.box.centerX
            return columns.first { center >= $0.left && center < $0.right }?.column
        }

        /// A row's words by column. Words go by their centre; then words without digits that
        /// landed in a number column (a long description running past the column boundary, a
        /// unit printed beside its quantity) move to the nearest text column on their side.
        func cells(of words: [OCRPage.Word]) -> [PurchaseOrderTemplate.Column: [OCRPage.Word]] {
            var cells: [PurchaseOrderTemplate.Column: [OCRPage.Word]] = [:]
            for word in words {
                guard let column = column(of: word) else { continue }
                cells[column, default: []].append(word)
            }
            for (index, entry) in columns.enumerated() where entry.column.isNumeric {
                guard let inCell = cells[entry.column], let firstNumber = inCell.firstIndex(where: { $0.text.contains(where: \.isNumber) }) else { continue }
                let lastNumber = inCell.lastIndex(where: { $0.text.contains(where: \.isNumber) })!
                let before = inCell[..<firstNumber], after = inCell[(lastNumber + 1)...]
                guard !before.isEmpty || !after.isEmpty else { continue }
                let left = columns[..<index].last { !$0.column.isNumeric }?.column
                let right = columns[(index + 1)...].first { !$0.column.isNumeric }?.column
                if let target = left ?? right, !before.isEmpty { cells[target, default: []].append(contentsOf: before) }
                if let target = right ?? left, !after.isEmpty { cells[target, default: []].append(contentsOf: after) }
                cells[entry.column] = Array(inCell[firstNumber...lastNumber])
            }
            // A header label OCR could not read leaves its numbers with the column before it:
            // the last of two prices is the amount.
            if !columns.contains(where: { $0.column == .amount }), let prices = cells[.unitPrice], prices.count > 1,
                prices.allSatisfy({ $0.text.contains(where: \.isNumber) })
            {
                cells[.amount] = [prices.last!]
                cells[.unitPrice] = Array(prices.dropLast())
            }
            for column in cells.keys { cells[column]!.sort { $0.box.x < $1.box.x } }
            return cells
        }
    }

    let template: PurchaseOrderTemplate

    /// The header row of `page`: a line naming at least three columns including the quantity.
    func layout(of page: OCRPage) -> (layout: Layout, line: Int)? {
        for (index, line) in page.lines.enumerated() {
            var found: [(PurchaseOrderTemplate.Column, PixelBox)] = []
            // Within one phrase only: "Item" and "Description" printed apart are two columns,
            // "Item Description" printed together is one.
            for phrase in PageLayout.phrases(line) {
                var position = 0
                while position < phrase.count {
                    var best: (column: PurchaseOrderTemplate.Column, length: Int)? = nil
                    for (column, labels) in template.columns {
                        if let hit = PageLayout.label(labels, at: phrase[position...], typoMinimumLength: 3), hit.length > best?.length ?? 0 {
                            best = (column, hit.length)
                        }
                    }
                    if let (column, length) = best {
                        let words = phrase[position..<(position + length)]
                        if !found.contains(where: { $0.0 == column }) {
                            found.append((column, words.dropFirst().reduce(words.first!.box) { $0.union($1.box) }))
                        }
                        position += length
                    } else {
                        position += 1
                    }
                }
            }
            guard found.count >= 3, found.contains(where: { $0.0 == .quantity }) else { continue }
            found.sort { $0.1.x < $1.1.x }
            var columns: [(PurchaseOrderTemplate.Column, Int, Int)] = []
            for (index, (column, box)) in found.enumerated() {
                let left = index == 0 ? 0 : (found[index - 1].1.right + box.x) / 2
                let right = index == found.count - 1 ? Int.max : (box.right + found[index + 1].1.x) / 2
                columns.append((column, left, right))
            }
            return (Layout(columns: columns, headerBottom: line.box.bottom), index)
        }
        return nil
    }

    /// Items of `page` from line `start` on, read with `layout`; `ended` says whether the
    /// table's end was seen (else it may continue on the next page).
    func items(on page: OCRPage, from start: Int, layout: Layout) -> (items: [PurchaseOrder.LineItem], lines: Range<Int>, ended: Bool) {
        var items: [PurchaseOrder.LineItem] = []
        var lastBottom: Int? = nil
        var pitch: Int? = nil
        var index = start
        while index < page.lines.count {
            let line = page.lines[index]
            if PageLayout.findLabel(template.tableEnd, in: line.words) != nil { return (items, start..<index, true) }
            let cells = layout.cells(of: line.words.filter { $0.text.contains(where: { $0.isLetter || $0.isNumber }) })
            var values = cells.compactMapValues { PageLayout.value($0[...], page: page, method: "column") }
            // Remnants of ruling lines stick to codes as "_" or "|".
            if let code = values[.code] {
                values[.code]?.text = code.text.trimmingCharacters(in: CharacterSet.alphanumerics.inverted)
            }
            let quantity = values[.quantity].flatMap { FieldValues.number($0.text, decimalSeparator: template.decimalSeparator) }
            if let quantity, quantity.value > 0 {
                var item = PurchaseOrder.LineItem(cells: values, quantity: quantity.value, unitPrice: nil, amount: nil, problems: [])
                if quantity.repaired { item.cells[.quantity]?.confidence *= 0.7 }
                for column in [PurchaseOrderTemplate.Column.unitPrice, .amount] {
                    guard let cell = values[column] else { continue }
                    if let number = FieldValues.number(cell.text, decimalSeparator: template.decimalSeparator) {
                        if column == .unitPrice { item.unitPrice = number.value } else { item.amount = number.value }
                        if number.repaired { item.cells[column]?.confidence *= 0.7 }
                    } else {
                        item.problems.append("the \(column == .unitPrice ? "unit price" : "amount") \"\(cell.text)\" is not a number")
                    }
                }
                if let bottom = lastBottom { pitch = pitch ?? max(1, line.box.y - bottom) }
                lastBottom = line.box.bottom
                items.append(item)
            } else if !items.isEmpty, let bottom = lastBottom, line.box.y - bottom <= max(2 * (pitch ?? line.box.height), line.box.height * 2),
                Set(values.keys).isSubset(of: [.description, .code]), let text = values[.description]?.text ?? values[.code]?.text
            {
                // A description that wraps onto the next row.
                let last = items.count - 1
                if var description = items[last].cells[.description] {
                    description.text += " " + text
                    description.confidence = min(description.confidence, values[.description]?.confidence ?? 1)
                    items[last].cells[.description] = description
                } else {
                    items[last].cells[.description] = values[.description] ?? values[.code]
                }
                lastBottom = line.box.bottom
            } else if !items.isEmpty {
                // Neither an item nor a continuation: the table is over. (Before the first item
                // such a line is a note between the header and the rows, or a page header.)
                return (items, start..<index, true)
            }
            index += 1
        }
        return (items, start..<index, false)
    }
}
