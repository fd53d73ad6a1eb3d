import Foundation

/// The pages of a scan as read by OCR, plus what a reviewer should know (blank pages skipped,
/// pages turned upright, pages read as Chinese).
public struct ReadDocument: Sendable {
    public var pages: [OCRPage]
    public var blankPages: [Int]
    public var notes: [String]
    /// Where the reading time went (for benchmarks and `intake ocr`).
    public var timings = Timings()
    /// The pages read again, what orientation detection said and what each reading gave.
    public var retries: [Retry] = []

    /// One weak page read again: the evidence for which reading was kept.
    public struct Retry: Sendable, Equatable {
        public struct Reading: Sendable, Equatable {
            public var languages: String
            public var quarterTurns: Int
            public var meanConfidence: Double
            public var seconds: Double
        }
        public var page: Int
        /// What orientation and script detection said (nil when it was not needed or found too
        /// little text).
        public var script: String?
        public var scriptConfidence: Double
        public var quarterTurns: Int
        public var orientationConfidence: Double
        /// The first reading, then each reading again, in order.
        public var readings: [Reading]
        /// Index into `readings` of the one kept.
        public var kept: Int

        /// `eng 0.72 (0.55 s), *chi_sim+eng 0.90 (0.80 s); OSD not run`: each reading, the kept one starred.
        public var summary: String {
            let readings = readings.enumerated().map { index, reading in
                (index == kept ? "*" : "") + reading.languages + (reading.quarterTurns == 0 ? "" : " turned \(reading.quarterTurns * 90)°")
                    + String(format: " %.2f (%.2f s)", reading.meanConfidence, reading.seconds)
            }
            let osd = script.map { "OSD \($0) " + String(format: "%.2f, turn %d (%.2f)", scriptConfidence, quarterTurns, orientationConfidence) } ?? "OSD not run"
            return readings.joined(separator: ", ") + "; " + osd
        }
    }

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
/// when the result is weak reads it again in the other languages and, if that does not help,
/// asks orientation and script detection whether the page is turned (`retry`). Owns one engine per language set;
/// one `DocumentReader` per worker thread.
public final class DocumentReader {
    public struct Settings: Sendable, Equatable {
        /// Tesseract languages of every page's first reading: English first, Chinese for the
        /// words English reads badly. A Chinese PO is then read once, where with `eng` alone its
        /// first page was read again as `chi_sim+eng` (54 of 232 corpus pages were); English pages
        /// took 8% longer (15 pages), and accuracy on four corpora stayed or improved.
        public var primaryLanguage = "eng+chi_sim"
        /// Language sets by OSD script name, for pages in another script.
        public var scriptLanguages = ["Han": "chi_sim+eng"]
        /// Below this mean word confidence (or with fewer than `minimumWords`), a page gets OSD.
        public var retryConfidence = 0.85
        public var minimumWords = 8
        /// A weak first reading at least this confident is read in the other languages before
        /// orientation detection runs (an upside-down page read 0.30–0.40 here).
        public var uprightConfidence = 0.5
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

    /// Every page of `document` read. Past `deadline` it stops before the next page and throws:
    /// the pipeline has given up on the item, and its worker should not read on.
    public func read(_ document: ScannedDocument, until deadline: DispatchTime = .distantFuture) throws -> ReadDocument {
        var pages: [OCRPage] = []
        var blank: [Int] = []
        var notes: [String] = []
        var timings = ReadDocument.Timings()
        var retries: [ReadDocument.Retry] = []
        var clock = DispatchTime.now()
        func lap() -> Double {
            let now = DispatchTime.now()
            defer { clock = now }
            return Double(now.uptimeNanoseconds - clock.uptimeNanoseconds) / 1e9
        }
        var languages = settings.primaryLanguage
        for (index, image) in document.pages.enumerated() {
            guard DispatchTime.now() < deadline else { throw DocumentError.pastDeadline(read: index, pages: document.pages.count) }
            let number = index + 1
            let resolution = image.resolution ?? settings.assumedResolution
            let prepared = try preparer.prepare(image)
            timings.preparation += lap()
            if prepared.isBlank {
                blank.append(number)
                continue
            }
            var page = try read(prepared, number: number, resolution: resolution, languages: languages)
            let firstSeconds = lap()
            timings.recognition += firstSeconds
            if page.meanConfidence < settings.retryConfidence || page.words.count < settings.minimumWords {
                let retried = try retry(image, prepared: prepared, first: page, firstSeconds: firstSeconds, resolution: resolution, notes: &notes)
                page = retried.page
                retries.append(retried.record)
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
        read.retries = retries
        return read
    }

    /// A weak first reading. A page that read as text at all (`uprightConfidence`) is most
    /// likely upright in another script, so it is first read again as it is in the other
    /// languages; only when none of those is good does orientation and script detection (a
    /// third of a reading; it named Latin for 50 of 54 Chinese first pages in the benchmark, the
    /// Latin item codes outvoting the Han) say whether the page is turned, and the page is read
    /// again upright in each language, the script OSD names first. The most confident reading
    /// wins (also for English pages: a weak one read as `chi_sim+eng` sometimes kept rows that
    /// `eng` lost; requiring a margin for a language switch cost 11 degraded lines).
    private func retry(
        _ image: PageImage, prepared: PagePreparer.PreparedPage, first: OCRPage, firstSeconds: Double, resolution: Int,
        notes: inout [String]
    ) throws -> (page: OCRPage, record: ReadDocument.Retry) {
        let firstReading = ReadDocument.Retry.Reading(languages: first.languages, quarterTurns: 0, meanConfidence: first.meanConfidence, seconds: firstSeconds)
        var record = ReadDocument.Retry(page: first.number, script: nil, scriptConfidence: 0, quarterTurns: 0, orientationConfidence: 0, readings: [firstReading], kept: 0)
        var best = first
        func attempt(_ page: PagePreparer.PreparedPage, turns: Int, languages set: String) throws {
            let start = DispatchTime.now()
            let reading = try read(page, number: first.number, resolution: resolution, languages: set)
            record.readings.append(.init(
                languages: set, quarterTurns: turns, meanConfidence: reading.meanConfidence,
                seconds: Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9))
            if reading.meanConfidence > best.meanConfidence {
                best = reading
                record.kept = record.readings.count - 1
            }
        }
        // `chi_sim+eng` after `eng+chi_sim` is not the same reading: skipping it lost 0.7 and
        // 1.1 points of degraded items on two corpora (continuation pages of Chinese POs).
        let allLanguages = [settings.primaryLanguage] + settings.scriptLanguages.values.sorted()
        if first.meanConfidence >= settings.uprightConfidence && first.words.count >= settings.minimumWords {
            for set in allLanguages where set != first.languages && best.meanConfidence < settings.retryConfidence {
                try attempt(prepared, turns: 0, languages: set)
            }
            if best.meanConfidence >= settings.retryConfidence { return (best, record) }
        }
        let detected = (try? engine("osd"))?.detectOrientation(prepared.image, resolution: resolution)
        let turns = detected.map { $0.confidence >= 2 ? $0.quarterTurns : 0 } ?? 0
        record.script = detected?.script
        record.scriptConfidence = detected?.scriptConfidence ?? 0
        record.quarterTurns = turns
        record.orientationConfidence = detected?.confidence ?? 0
        let upright = turns == 0 ? prepared : try preparer.prepare(image, quarterTurns: turns)
        var languages = allLanguages
        if let script = detected?.script, let preferred = settings.scriptLanguages[script] {
            languages.removeAll { $0 == preferred }
            languages.insert(preferred, at: 0)
        }
        for set in languages where best.meanConfidence < settings.retryConfidence
            && !record.readings.contains(where: { $0.languages == set && $0.quarterTurns == turns }) {
            try attempt(upright, turns: turns, languages: set)
        }
        if best.transform.quarterTurns != 0 { notes.append("Page \(first.number) was turned \(best.transform.quarterTurns * 90)° to read it upright.") }
        return (best, record)
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
