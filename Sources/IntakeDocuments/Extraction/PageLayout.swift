import Foundation
import IntakeAlignment

/// Layout helpers over OCR lines: phrases (words separated by less than a column gap) and
/// labels found among a line's words.
enum PageLayout {
    /// The line's words split where the gap between two words is wider than `gapFactor` times
    /// the line's typical word height: "Ship To: Plant North" and "Currency: EUR" printed in
    /// two columns become two phrases even when Tesseract reads them as one line.
    static func phrases(_ line: OCRPage.Line, gapFactor: Double = 1.6) -> [[OCRPage.Word]] {
        let heights = line.words.map(\.box.height).sorted()
        let typical = Double(heights[heights.count / 2])
        var phrases: [[OCRPage.Word]] = []
        for word in line.words {
            if let last = phrases.last?.last, Double(word.box.x - last.box.right) <= gapFactor * typical {
                phrases[phrases.count - 1].append(word)
            } else {
                phrases.append([word])
            }
        }
        return phrases
    }

    /// Where one of `labels` is spelt out by consecutive `words`, anywhere in them (see
    /// `label(_:at:)`).
    static func findLabel(_ labels: [String], in words: [OCRPage.Word], typoMinimumLength: Int = 5) -> (range: Range<Int>, label: String)? {
        for first in words.indices {
            if let hit = label(labels, at: words[first...], typoMinimumLength: typoMinimumLength) {
                return (first..<first + hit.length, hit.label)
            }
        }
        return nil
    }

    /// The label of `labels` that `words` begin with, and how many words it takes (compared
    /// without case, spaces and punctuation; one typo allowed in labels of `typoMinimumLength`
    /// or more letters). Longer labels win, so "Unit Price" is not read as "Unit".
    /// Column headers allow the typo from three letters on ("Quy" for "Qty"): a header row
    /// needs three column labels, which keeps chance matches out.
    static func label(_ labels: [String], at words: ArraySlice<OCRPage.Word>, typoMinimumLength: Int = 5) -> (length: Int, label: String)? {
        let compactLabels = labels.map { ($0, LabelText.compact($0)) }.filter { !$0.1.isEmpty }.sorted { $0.1.count > $1.1.count }
        var joined = ""
        var candidates: [(length: Int, text: String)] = []
        for word in words.prefix(5) {
            joined += LabelText.compact(word.text)
            candidates.append((candidates.count + 1, joined))
        }
        for (label, compact) in compactLabels {
            for candidate in candidates where matches(candidate.text, compact, typoMinimumLength: typoMinimumLength) {
                return (candidate.length, label)
            }
        }
        return nil
    }

    static func matches(_ text: String, _ label: String, typoMinimumLength: Int = 5) -> Bool {
        if text == label { return true }
        guard label.count >= typoMinimumLength, label.allSatisfy(\.isASCII), text.allSatisfy(\.isASCII) else { return false }
        return EditDistance.distance(Array(text.utf8), Array(label.utf8), limit: 1) != nil
    }

    /// Words joined with spaces, except between two Chinese characters (Tesseract's `chi_sim`
    /// puts spaces between characters that are printed together).
    static func joined(_ words: [String]) -> String {
        var text = ""
        for word in words {
            if let last = text.unicodeScalars.last, let first = word.unicodeScalars.first, !(isCJK(last) && isCJK(first)) { text += " " }
            text += word
        }
        return text
    }

    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        (0x3000...0x303F).contains(scalar.value) || (0x4E00...0x9FFF).contains(scalar.value) || (0xFF00...0xFFEF).contains(scalar.value)
    }

    /// `words` joined as printed, with their union box and weakest confidence.
    static func value(_ words: ArraySlice<OCRPage.Word>, page: OCRPage, method: String) -> PurchaseOrder.Value? {
        var words = Array(words)
        // Separators left between a label and its value (OCR reads some colons as ";").
        while let first = words.first, first.text.allSatisfy({ ":：;；#.-".contains($0) }) { words.removeFirst() }
        guard let first = words.first else { return nil }
        var text = joined(words.map(\.text))
        while let head = text.first, ":：;；#".contains(head) { text = String(text.dropFirst()).trimmingCharacters(in: .whitespaces) }
        guard !text.isEmpty else { return nil }
        let box = words.dropFirst().reduce(first.box) { $0.union($1.box) }
        return PurchaseOrder.Value(
            text: text, box: page.transform.originalBox(box, page: page.number),
            confidence: words.map(\.confidence).min() ?? 0, method: method)
    }
}
