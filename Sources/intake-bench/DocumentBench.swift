import ArgumentParser
import Dispatch
import Foundation
import IntakeAlignment
import IntakeCore
import IntakeDocuments

/// Scanned purchase orders: header and line-item accuracy on generated pages (clean and
/// degraded, English and Chinese, single and multi-page), and speed per page against the bare
/// Tesseract C API.
struct DocumentBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "documents",
        abstract: "Print generated purchase orders as scans (clean and degraded), read them back, and report field accuracy and pages/s.",
        discussion: """
            Orders are generated from the material master with a fixed seed in four layouts \
            (ruled grid, plain, the Nordic Bearings template with decimal commas, the Chinese \
            Huadong template) and four fonts; every sixth is long enough for two pages and is \
            saved as TIFF or PDF. Each order is printed clean and once degraded (1–3° rotation, \
            impulse noise, 150/200 dpi, JPEG quality 30–60, or blur with rotation at 200 dpi).

            Accuracy: header fields (PO number, order date, currency, total) exact; line items \
            exact when code, quantity and unit price all are; SKUs aligned. The same pages read \
            by bare Tesseract (no page preparation, no orientation or script retry) through the \
            same extractor show what preparation buys. Speed: intake's path (decode → prepare → \
            OCR → extract → align) per page on one worker, decoding timed apart; bare \
            Tesseract on the decoded pages, in the same languages (--language), against intake \
            from the decoded page; then --jobs workers.

            Pages are cached in --corpus and reused; delete the folder to render them again. \
            Needs imagemagick, libtiff-tools, poppler-utils, fonts-dejavu, fonts-liberation, \
            fonts-wqy-zenhei, tesseract-ocr-eng and tesseract-ocr-chi-sim.

            Examples:
              swift run -c release intake-bench documents
              swift run -c release intake-bench documents --orders 20 --show-errors 20
              .build/release/intake-bench documents --json
            """)

    @Option(help: "Orders to generate; each is printed clean and degraded.") var orders = 100
    @Option(help: "Random seed (same seed, same orders).") var seed: UInt64 = 2026
    @Option(help: ArgumentHelp("Folder for the rendered pages (kept between runs).", valueName: "dir"))
    var corpus = "intake-data/document-corpus"
    @Option(help: ArgumentHelp("Supplier templates folder.", valueName: "dir")) var templates = "models/templates"
    @Option(help: "Material master CSV.") var materials = "samples/master/materials.csv"
    @Option(help: "Workers for the parallel pass (compared with one).") var jobs = 2
    @Option(help: ArgumentHelp("Tesseract languages of every page's first reading, by intake and by bare Tesseract (default: the reader's).", valueName: "langs"))
    var language: String?
    @Option(help: "Print this many misread orders.") var showErrors = 10
    @Flag(help: "Skip the bare-Tesseract and parallel passes.") var accuracyOnly = false
    @Flag(help: "Print every page read again: script detected, each reading's confidence and time, the one kept.") var showRetries = false
    @Flag(help: "Print the figures as one JSON object.") var json = false

    func validate() throws {
        guard orders >= 1 else { throw ValidationError("--orders must be at least 1") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }

    struct Outcome {
        var sample: DocumentCorpus.Sample
        var score: DocumentScore
        /// From the file's bytes to the aligned orders.
        var seconds: Double
        /// Of `seconds`, decoding the file into page images (bare Tesseract is timed after it).
        var decodeSeconds = 0.0
        var timings = ReadDocument.Timings()
        var retries: [ReadDocument.Retry] = []
    }

    func run() throws {
        OpenMPThreadLimit.applyByRestarting()
        let master = try MaterialMaster.load(URL(fileURLWithPath: materials))
        let extractor = PurchaseOrderExtractor(templates: try TemplateLibrary.load(URL(fileURLWithPath: templates)))
        let aligner = PurchaseOrderAligner(master: master)
        let log: (String) -> Void = { message in
            if !json { FileHandle.standardError.write(Data("\(message)\n".utf8)) }
        }
        let folder = URL(fileURLWithPath: corpus)
        let samples = try DocumentCorpus.prepare(folder: folder, orders: orders, seed: seed, master: master, log: log)
        let pages = samples.map(\.pages).reduce(0, +)
        log("\(samples.count) files, \(pages) pages")
        let decoder = DocumentDecoder()

        let settings = {
            var settings = DocumentReader.Settings()
            if let language { settings.primaryLanguage = language }
            return settings
        }()
        log("first reading in \(settings.primaryLanguage)")

        // intake's path, one worker.
        let reader = try DocumentReader(settings: settings)
        var outcomes: [Outcome] = []
        for (index, sample) in samples.enumerated() {
            let start = DispatchTime.now()
            let bytes = try Data(contentsOf: folder.appendingPathComponent(sample.file))
            // As the pipeline reads it: a file split into several orders where one was printed
            // is scored on its first and the split is an error.
            let document = try decoder.decode(bytes)
            let decodeSeconds = elapsedSeconds(since: start)
            let read = try reader.read(document)
            let drafts = extractor.extractAll(read).map { aligner.align($0) }
            let seconds = elapsedSeconds(since: start)
            var score = DocumentScore.score(drafts[0], against: sample.spec)
            if drafts.count > 1 { score.errors.append("split into \(drafts.count) orders") }
            outcomes.append(Outcome(
                sample: sample, score: score, seconds: seconds, decodeSeconds: decodeSeconds, timings: read.timings, retries: read.retries))
            if index % 20 == 19 { log("read \(index + 1)/\(samples.count)") }
        }

        // Bare Tesseract on the decoded pages, read through the same extractor.
        var raw: [Outcome] = []
        var workerPagesPerSecond = 0.0
        if !accuracyOnly {
            let engine = try TesseractEngine(languages: settings.primaryLanguage)
            for sample in samples {
                let document = try decoder.decode(try Data(contentsOf: folder.appendingPathComponent(sample.file)))
                let start = DispatchTime.now()
                let read = document.pages.enumerated().map { index, page in
                    OCRPage(
                        number: index + 1, lines: OCRPage.rows(engine.read(page, resolution: page.resolution ?? 300)),
                        transform: PageTransform(originalWidth: page.width, originalHeight: page.height), languages: settings.primaryLanguage)
                }
                let seconds = elapsedSeconds(since: start)
                let draft = aligner.align(extractor.extract(ReadDocument(pages: read, blankPages: [], notes: [])))
                raw.append(Outcome(sample: sample, score: DocumentScore.score(draft, against: sample.spec), seconds: seconds))
            }
            // --jobs workers, each with its own reader, pulling files from a shared counter.
            let next = LockedCounter()
            let start = DispatchTime.now()
            DispatchQueue.concurrentPerform(iterations: jobs) { _ in
                guard let reader = try? DocumentReader(settings: settings) else { return }
                while let index = next.take(below: samples.count) {
                    guard let bytes = try? Data(contentsOf: folder.appendingPathComponent(samples[index].file)),
                        let document = try? decoder.decode(bytes), let read = try? reader.read(document)
                    else { continue }
                    _ = extractor.extractAll(read).map { aligner.align($0) }
                }
            }
            workerPagesPerSecond = Double(pages) / elapsedSeconds(since: start)
        }
        report(outcomes: outcomes, raw: raw, pages: pages, parallel: workerPagesPerSecond, languages: settings.primaryLanguage)
    }

    private func report(outcomes: [Outcome], raw: [Outcome], pages: Int, parallel: Double, languages: String) {
        func total(_ selection: [Outcome]) -> DocumentScore { selection.map(\.score).reduce(DocumentScore(), +) }
        let groups: [(String, (DocumentCorpus.Sample) -> Bool)] = [
            ("clean", { $0.condition == "clean" }), ("degraded", { $0.condition == "degraded" }),
            ("English", { $0.spec.layout != .chinese }), ("Chinese", { $0.spec.layout == .chinese }),
            ("multi-page", { $0.pages > 1 }),
        ]
        let perPage = { (selection: [Outcome]) in selection.map(\.seconds).reduce(0, +) / Double(max(1, selection.map(\.sample.pages).reduce(0, +))) }
        let decodePerPage = outcomes.map(\.decodeSeconds).reduce(0, +) / Double(max(pages, 1))
        // Like with like: bare Tesseract is handed decoded pages, so intake is timed from there too.
        let decodedPerPage = perPage(outcomes) - decodePerPage
        let latencies = outcomes.map { $0.seconds / Double($0.sample.pages) }.sorted()
        func share(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) * 100 }
        let split = outcomes.map(\.timings).reduce(into: ReadDocument.Timings()) {
            $0.preparation += $1.preparation
            $0.recognition += $1.recognition
            $0.retries += $1.retries
            $0.retriedPages += $1.retriedPages
        }
        if json {
            var figures: [String: Any] = ["files": outcomes.count, "pages": pages]
            for (name, filter) in groups + [("all", { _ in true })] {
                let score = total(outcomes.filter { filter($0.sample) })
                var entry: [String: Any] = [
                    "header_fields_exact_percent": share(score.headerCorrect, score.headerFields),
                    "items_exact_percent": share(score.itemsCorrect, score.items), "skus_percent": share(score.skusCorrect, score.items),
                    "items_exact_in_review": score.itemsCorrectInReview,
                ]
                if !raw.isEmpty {
                    let bare = total(raw.filter { filter($0.sample) })
                    entry["bare_tesseract_items_exact_percent"] = share(bare.itemsCorrect, bare.items)
                    entry["bare_tesseract_header_fields_exact_percent"] = share(bare.headerCorrect, bare.headerFields)
                }
                figures[name] = entry
            }
            figures["intake_seconds_per_page"] = perPage(outcomes)
            figures["decode_seconds_per_page"] = decodePerPage
            figures["intake_from_decoded_seconds_per_page"] = decodedPerPage
            figures["first_reading_languages"] = languages
            figures["page_latency_p50_ms"] = percentile(latencies, 0.5) * 1000
            figures["page_latency_p99_ms"] = percentile(latencies, 0.99) * 1000
            figures["preparation_seconds_per_page"] = split.preparation / Double(max(pages, 1))
            figures["first_reading_seconds_per_page"] = split.recognition / Double(max(pages, 1))
            figures["retry_seconds_per_page"] = split.retries / Double(max(pages, 1))
            figures["pages_read_again"] = split.retriedPages
            if !raw.isEmpty {
                figures["bare_tesseract_seconds_per_page"] = perPage(raw)
                figures["pages_per_second_\(jobs)_workers"] = parallel
            }
            if let data = try? JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys]) { print(String(decoding: data, as: UTF8.self)) }
            return
        }
        print("documents: \(outcomes.count) files, \(pages) pages")
        print("  accuracy                header fields   line items (code+qty+price)   SKUs" + (raw.isEmpty ? "" : "   bare Tesseract: header / items"))
        for (name, filter) in groups + [("all", { _ in true })] {
            let score = total(outcomes.filter { filter($0.sample) })
            var line = String(
                format: "    %-12@ %7.2f%% (%d/%d)   %7.2f%% (%d/%d)   %7.2f%%", name as NSString, share(score.headerCorrect, score.headerFields),
                score.headerCorrect, score.headerFields, share(score.itemsCorrect, score.items), score.itemsCorrect, score.items,
                share(score.skusCorrect, score.items))
            if !raw.isEmpty {
                let bare = total(raw.filter { filter($0.sample) })
                line += String(format: "   %6.2f%% / %6.2f%%", share(bare.headerCorrect, bare.headerFields), share(bare.itemsCorrect, bare.items))
            }
            print(line)
        }
        for (name, filter) in groups.prefix(2) {
            let score = total(outcomes.filter { filter($0.sample) })
            print(String(format: "  %@: %d of the %d exact lines are below confidence 0.9 (repaired or mended, so sent to review)",
                name as NSString, score.itemsCorrectInReview, score.itemsCorrect))
        }
        print(String(format: "  speed: intake %.3f s/page on one worker from the file (p50 %.0f ms, p99 %.0f ms per page), first reading in %@",
            perPage(outcomes), percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000, languages as NSString))
        let other = decodedPerPage - (split.preparation + split.recognition + split.retries) / Double(max(pages, 1))
        print(String(format: "         of which decoding %.3f, preparation %.3f, first reading %.3f, orientation/script retries %.3f (%d of %d pages read again), extract + align %.3f",
            decodePerPage, split.preparation / Double(max(pages, 1)), split.recognition / Double(max(pages, 1)), split.retries / Double(max(pages, 1)),
            split.retriedPages, pages, other))
        let retries = outcomes.flatMap(\.retries)
        let keptFirst = retries.filter { $0.kept == 0 }.count
        let turned = retries.filter { $0.readings[$0.kept].quarterTurns != 0 }.count
        let unused = retries.flatMap { retry in retry.readings.indices.filter { $0 != retry.kept }.map { retry.readings[$0] } }
        print(String(format: "         retried pages: %d kept their first reading, %d were turned, %d were read in other languages; %d readings not kept took %.1f s",
            keptFirst, turned, retries.count - keptFirst - turned, unused.count, unused.map(\.seconds).reduce(0, +)))
        if showRetries {
            for outcome in outcomes {
                for retry in outcome.retries {
                    print("    \(outcome.sample.file) [\(outcome.sample.condition)] page \(retry.page): \(retry.summary)")
                }
            }
        }
        if !raw.isEmpty {
            print(String(format: "         from the decoded page: intake %.3f s/page, bare Tesseract %.3f s/page (OCR only, same pages, same languages): %.2f×",
                decodedPerPage, perPage(raw), decodedPerPage / max(perPage(raw), 1e-9)))
            print(String(format: "         %d workers: %.2f pages/s", jobs, parallel))
        }
        let misread = outcomes.filter { !$0.score.errors.isEmpty }.sorted { $0.score.errors.count > $1.score.errors.count }
        if showErrors > 0, !misread.isEmpty {
            print("  misread (\(misread.count) files):")
            for outcome in misread.prefix(showErrors) {
                print("    \(outcome.sample.file) [\(outcome.sample.spec.layout.rawValue)], \(outcome.score.errors.count) errors: \(outcome.score.errors.prefix(4).joined(separator: "; "))")
            }
        }
    }
}
