import ArgumentParser
import Foundation
import IntakeAlignment
import IntakeCore
import IntakeDocuments

/// `intake ocr FILE…`: what OCR reads on scanned pages and what the templates make of it; the
/// tool for writing a supplier template.
struct OCRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ocr",
        abstract: "Print what OCR reads on scanned purchase orders, line by line, and the order extracted from it.",
        discussion: """
            Pages are prepared and read exactly as `intake process` does, with the pipeline's \
            `document.read` and `document.extract` options. For each page: the preparation steps \
            chosen from its measurements; for a page whose first reading was weak, each reading \
            again (languages, turn, confidence, time; the kept one starred) and what orientation \
            detection said; then every text line (with --words, every word with its box and \
            confidence). Then the template chosen, the header fields and line items read, \
            and the notes (cross-check failures, missing fields), for each purchase order in the \
            file: a stack of POs scanned into one PDF splits where a page names a new PO number.

            Exit status: 0 when every file was read, 1 when some could not be.

            Examples:
              intake ocr samples/documents/acme-ruled.png
              intake ocr --words scan.tif
              intake ocr --language eng --json chinese-po.png
              intake ocr --json purchase-order.pdf
            """)

    @OptionGroup var master: MasterDataOptions

    @Argument(help: ArgumentHelp("Scans: PNG, JPEG, TIFF, PNM, BMP or PDF.", valueName: "file"))
    var files: [String]

    @Option(help: ArgumentHelp(
        "Tesseract languages of each page's first reading, instead of the pipeline's `document.read` `language` (e.g. eng, chi_sim+eng).",
        valueName: "langs"))
    var language: String?

    @Flag(name: .long, help: "Print every word with its box (x,y,width,height on the prepared page) and confidence.")
    var words = false

    @Flag(name: .long, help: "One JSON object per file: the pages' lines and, for a page read more than once, each reading (`readings`), the aligned order (`intent`) and every order of the file (`orders`).")
    var json = false

    func run() throws {
        let configuration = try master.loadConfiguration()
        let data = try master.loadMasterData(for: configuration)
        let stages = configuration.routes.flatMap(\.stages)
        let empty = ConfigNode.empty(file: configuration.file)
        let decode = try DocumentDecodeStage(options: stages.first { $0.uses == "document.decode" }?.options ?? empty)
        var read = try DocumentReadStage(options: stages.first { $0.uses == "document.read" }?.options ?? empty)
        if let language {
            var settings = read.settings
            settings.primaryLanguage = language
            read = DocumentReadStage(settings: settings)
        }
        guard let extractOptions = stages.first(where: { $0.uses == "document.extract" })?.options else {
            throw ValidationError("\(configuration.file) has no document.extract stage (it names the templates folder)")
        }
        let extract = try DocumentExtractStage(master: data, options: extractOptions)
        let reader = try read.reader(worker: 0)
        var failures = 0
        for file in files {
            do {
                let started = DispatchTime.now()
                let document = try reader.read(try decode.decoder.decode(try InputCollector.read(file)))
                let orders = extract.extractor.extractAll(document).map { ($0, extract.aligner.align($0, notes: document.notes)) }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
                print(json ? try jsonLine(file, document, orders.map(\.1)) : report(file, document, orders, seconds))
            } catch {
                failures += 1
                FileHandle.standardError.write(Data("intake: \(file): \(error.intakeMessage) [\(error.intakeCode)]\n".utf8))
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }

    private func report(_ file: String, _ document: ReadDocument, _ orders: [(PurchaseOrder, OrderDraft)], _ seconds: Double) -> String {
        var lines = [String(format: "%@: %d page(s) read in %.2f s", file, document.pages.count, seconds)]
        for page in document.pages {
            let steps = page.preparation.steps.isEmpty ? "none" : page.preparation.steps.joined(separator: ", ")
            lines.append(String(format: "page %d (%@, mean confidence %.2f; prepared: %@)", page.number, page.languages, page.meanConfidence, steps))
            if let retry = document.retries.first(where: { $0.page == page.number }) { lines.append("  read again: \(retry.summary)") }
            for line in page.lines {
                if words {
                    lines.append("  " + line.words.map { String(format: "%@[%d,%d %dx%d %.2f]", $0.text, $0.box.x, $0.box.y, $0.box.width, $0.box.height, $0.confidence) }
                        .joined(separator: " "))
                } else {
                    lines.append("  \(line.text)")
                }
            }
        }
        for (number, (order, draft)) in orders.enumerated() {
            if orders.count > 1 { lines.append("order \(number + 1) of \(orders.count) in this file") }
            lines += report(order, draft)
        }
        return lines.joined(separator: "\n")
    }

    /// The template, header fields, lines and notes of one order.
    private func report(_ order: PurchaseOrder, _ draft: OrderDraft) -> [String] {
        var lines = ["template: \(order.template)"]
        for field in PurchaseOrderTemplate.Field.allCases {
            guard let value = order.header[field] else { continue }
            lines.append(String(format: "  %@: %@ (%@, %.2f)", field.rawValue, value.text, value.method, value.confidence))
        }
        for (index, line) in draft.intent.lines.enumerated() {
            lines.append(String(
                format: "  line %d: %@ × %@ %@ @ %@ = %@ → %@ (%.2f)", index + 1, line.text, String(line.quantity), line.unit ?? "",
                line.unitPrice.map { String($0) } ?? "?", line.amount.map { String($0) } ?? "?", line.sku ?? "no SKU", line.confidence))
        }
        for note in draft.intent.notes { lines.append("  note: \(note)") }
        lines.append(String(format: "  confidence %.2f", draft.intent.confidence))
        return lines
    }

    private func jsonLine(_ file: String, _ document: ReadDocument, _ drafts: [OrderDraft]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let intents = try drafts.map { try JSONSerialization.jsonObject(with: encoder.encode($0.intent)) }
        let pages: [[String: Any]] = document.pages.map { page in
            [
                "page": page.number, "languages": page.languages, "prepared": page.preparation.steps,
                "readings": (document.retries.first { $0.page == page.number }?.readings ?? []).map { reading in
                    ["languages": reading.languages, "quarter_turns": reading.quarterTurns, "mean_confidence": reading.meanConfidence, "seconds": reading.seconds] as [String: Any]
                },
                "lines": page.lines.map { line in
                    line.words.map { ["text": $0.text, "box": [$0.box.x, $0.box.y, $0.box.width, $0.box.height], "confidence": $0.confidence] as [String: Any] }
                },
            ]
        }
        let object: [String: Any] = [
            "file": file, "pages": pages, "intent": intents[0], "orders": intents, "blank_pages": document.blankPages,
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}
