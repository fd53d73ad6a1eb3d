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
    /// Tesseract languages used (`eng`, `chi_sim+eng`).
    public var languages: String

    public init(number: Int, lines: [Line], transform: PageTransform, preparation: PagePreparer.Report = .unprepared, languages: String) {
        self.number = number
        self.lines = lines
        self.transform = transform
        self.preparation = preparation
        self.languages = languages
    }

    public var words: [Word] { lines.flatMap(\.words) }
    public var text: String { lines.map(\.text).joined(separator: "\n") }
    public var meanConfidence: Double {
        let words = self.words
        return words.isEmpty ? 0 : words.map(\.confidence).reduce(0, +) / Double(words.count)
    }
}
