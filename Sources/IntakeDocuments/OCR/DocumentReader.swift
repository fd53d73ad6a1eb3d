import Foundation

/// The pages of a scan as read by OCR, plus what a reviewer should know (blank pages skipped,
/// pages turned upright, pages read as Chinese).
public struct ReadDocument: Sendable {
    public var pages: [OCRPage]
    public var blankPages: [Int]
    public var notes: [String]
    /// Where the reading time went (for benchmarks and `intake ocr`).
    public var timings = Timings()

    /// Seconds spent on each part of reading, over all pages.
    public struct Timings: Sendable, Equatable {
        /// Gray conversion, deskew, denoise, binarisation, upscaling (`PagePreparer`).
        public var preparation = 0.0
        /// The first Tesseract reading of each page.
        public var recognition = 0.0
        /// Orientation detection and the readings again of weak pages.
        public var retries = 0.0
        /// Pages that were read again.
        public var retriedPages = 0
        public init() {}
    }

    public init(pages: [OCRPage], blankPages: [Int] = [], notes: [String] = []) {
        self.pages = pages
        self.blankPages = blankPages
        self.notes = notes
    }
}

/// Reads every page of a `ScannedDocument`: prepares it (`PagePreparer`), runs Tesseract, and
/// when the result is weak asks orientation and script detection whether the page is turned
/// or in another script, then reads it again the right way. Owns one engine per language set;
/// one `DocumentReader` per worker thread.
public final class DocumentReader {
    public struct Settings: Sendable, Equatable {
        /// Tesseract language of ordinary pages.
        public var primaryLanguage = "eng"
        /// Language sets by OSD script name, for pages in another script.
        public var scriptLanguages = ["Han": "chi_sim+eng"]
        /// Below this mean word confidence (or with fewer than `minimumWords`), a page gets OSD.
        public var retryConfidence = 0.85
        public var minimumWords = 8
        public var dataPath: String? = nil
        /// Resolution assumed when the file does not say (scanners write it; renderers may not).
        public var assumedResolution = 300
        public var preparer = PagePreparer.Settings()
        public init() {}
    }

    public let settings: Settings
    private let preparer: PagePreparer
    private var engines: [String: TesseractEngine] = [:]

    public init(settings: Settings = Settings()) throws {
        self.settings = settings
        self.preparer = PagePreparer(settings: settings.preparer)
        _ = try engine(settings.primaryLanguage)
    }

    public func read(_ document: ScannedDocument) throws -> ReadDocument {
        var pages: [OCRPage] = []
        var blank: [Int] = []
        var notes: [String] = []
        var timings = ReadDocument.Timings()
        var clock = DispatchTime.now()
        func lap() -> Double {
            let now = DispatchTime.now()
            defer { clock = now }
            return Double(now.uptimeNanoseconds - clock.uptimeNanoseconds) / 1e9
        }
        var languages = settings.primaryLanguage
        for (index, image) in document.pages.enumerated() {
            let number = index + 1
            let resolution = image.resolution ?? settings.assumedResolution
            let prepared = try preparer.prepare(image)
            timings.preparation += lap()
            if prepared.isBlank {
                blank.append(number)
                continue
            }
            var page = try read(prepared, number: number, resolution: resolution, languages: languages)
            timings.recognition += lap()
            if page.meanConfidence < settings.retryConfidence || page.words.count < settings.minimumWords {
                page = try retry(image, prepared: prepared, first: page, resolution: resolution, notes: &notes)
                timings.retries += lap()
                timings.retriedPages += 1
            }
            if page.languages != settings.primaryLanguage { notes.append("Page \(number) was read as \(page.languages).") }
            // The next page of the same document is most likely printed in the same script:
            // a Chinese PO's second page is read as Chinese first, not in English and again.
            languages = page.languages
            pages.append(page)
        }
        if pages.isEmpty { throw DocumentError.blankDocument(pages: document.pages.count) }
        if !blank.isEmpty { notes.append("Blank page(s) \(blank.map(String.init).joined(separator: ", ")) skipped.") }
        var read = ReadDocument(pages: pages, blankPages: blank, notes: notes)
        read.timings = timings
        return read
    }

    /// A weak first reading: orientation detection says whether the page is turned, then the
    /// page is read again upright and in each other script's languages (the script OSD names
    /// first; a Chinese PO full of Latin item codes often reads as Latin). The most confident
    /// reading wins.
    private func retry(_ image: PageImage, prepared: PagePreparer.PreparedPage, first: OCRPage, resolution: Int, notes: inout [String]) throws -> OCRPage {
        let detected = (try? engine("osd"))?.detectOrientation(prepared.image, resolution: resolution)
        let turns = detected.map { $0.confidence >= 2 ? $0.quarterTurns : 0 } ?? 0
        let upright = turns == 0 ? prepared : try preparer.prepare(image, quarterTurns: turns)
        var languages = [settings.primaryLanguage] + settings.scriptLanguages.values.sorted()
        if let script = detected?.script, let preferred = settings.scriptLanguages[script] {
            languages.removeAll { $0 == preferred }
            languages.insert(preferred, at: 0)
        }
        var best = first
        for set in languages where turns != 0 || set != first.languages {
            let page = try read(upright, number: first.number, resolution: resolution, languages: set)
            if page.meanConfidence > best.meanConfidence { best = page }
            if best.meanConfidence >= settings.retryConfidence { break }
        }
        if best.transform.quarterTurns != 0 { notes.append("Page \(first.number) was turned \(best.transform.quarterTurns * 90)° to read it upright.") }
        return best
    }

    private func read(_ prepared: PagePreparer.PreparedPage, number: Int, resolution: Int, languages: String) throws -> OCRPage {
        let words = try engine(languages).read(prepared.image, resolution: Int(Double(resolution) * prepared.transform.scale))
        let lines = OCRPage.rows(words)
        return OCRPage(number: number, lines: lines, transform: prepared.transform, preparation: prepared.report, languages: languages)
    }

    private func engine(_ languages: String) throws -> TesseractEngine {
        if let engine = engines[languages] { return engine }
        let engine = try TesseractEngine(languages: languages, dataPath: settings.dataPath)
        engines[languages] = engine
        return engine
    }
}
