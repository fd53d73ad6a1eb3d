import Foundation

/// What Tesseract read on one page: words with boxes (in prepared-image pixels) and
/// confidences (0–1), grouped into text lines in reading order.
public struct OCRPage: Sendable {
    public struct Word: Sendable, Equatable {
        public var text: String
        public var box: PixelBox
        public var confidence: Double
    }

    public struct Line: Sendable, Equatable {
        public var words: [Word]
        public var box: PixelBox { words.dropFirst().reduce(words[0].box) { $0.union($1.box) } }
        public var text: String { words.map(\.text).joined(separator: " ") }
    }

    /// 1-based page number in the document.
    public var number: Int
    public var lines: [Line]
    public var transform: PageTransform
    public var preparation: PagePreparer.Report
    /// Tesseract languages used (`eng+chi_sim`, `chi_sim+eng`, `eng`).
    public var languages: String

    public init(number: Int, lines: [Line], transform: PageTransform, preparation: PagePreparer.Report = .unprepared, languages: String) {
        self.number = number
        self.lines = lines
        self.transform = transform
        self.preparation = preparation
        self.languages = languages
    }

    public var words: [Word] { lines.flatMap(\.words) }

    /// Words grouped into printed rows by position alone, top to bottom, each left to right.
    /// Tesseract's own lines follow its block segmentation, which sometimes reads a table
    /// column by column; rows rebuilt from boxes keep a table row together whatever the blocks.
    public static func rows(_ words: [Word]) -> [Line] {
        var rows: [(center: Double, height: Double, words: [Word])] = []
        for word in words.sorted(by: { $0.box.centerY < $1.box.centerY }) {
            let center = Double(word.box.y) + Double(word.box.height) / 2
            if let last = rows.last, abs(center - last.center) <= 0.5 * max(last.height, Double(word.box.height)) {
                let count = Double(last.words.count)
                rows[rows.count - 1].center = (last.center * count + center) / (count + 1)
                rows[rows.count - 1].height = max(last.height, Double(word.box.height) * 0.8)
                rows[rows.count - 1].words.append(word)
            } else {
                rows.append((center, Double(word.box.height), [word]))
            }
        }
        return rows.map { Line(words: $0.words.sorted { $0.box.x < $1.box.x }) }
    }
    public var text: String { lines.map(\.text).joined(separator: "\n") }
    public var meanConfidence: Double {
        let words = self.words
        return words.isEmpty ? 0 : words.map(\.confidence).reduce(0, +) / Double(words.count)
    }
}
