import Foundation
import IntakeAlignment
import IntakeCore

/// `document.decode`: file bytes (PNG, JPEG, TIFF, PNM, BMP, PDF) → `ScannedDocument`, every
/// page decoded by Leptonica (PDFs rasterised by poppler at `pdf_resolution` dpi).
///
/// Options: `max_pages` (200), `max_page_megapixels` (80: larger pages are refused from their
/// header, before decoding), `pdf_resolution` (300).
public struct DocumentDecodeStage: Stage {
    public let decoder: DocumentDecoder

    public init(decoder: DocumentDecoder = DocumentDecoder()) {
        self.decoder = decoder
    }

    public init(options: ConfigNode) throws {
        try options.allowOnly(["max_pages", "max_page_megapixels", "pdf_resolution"])
        var decoder = DocumentDecoder()
        decoder.maximumPages = try options.int("max_pages", default: decoder.maximumPages, in: 1...10_000)
        decoder.maximumMegapixels = try options.int("max_page_megapixels", default: decoder.maximumMegapixels, in: 1...2_000)
        decoder.rasterizer.resolution = try options.int("pdf_resolution", default: decoder.rasterizer.resolution, in: 72...600)
        self.init(decoder: decoder)
    }

    public func process(_ bytes: Data, context: StageContext) throws -> ScannedDocument {
        try decoder.decode(bytes)
    }
}

/// `document.read`: `ScannedDocument` → `ReadDocument`, each page prepared (Leptonica) and read
/// by Tesseract with word boxes, one engine set per worker.
///
/// Options: `language` (`eng+chi_sim`), `script_languages` (`{Han: chi_sim+eng}`), `tessdata` (folder),
/// `retry_confidence` (0.85: weaker pages get orientation and script detection).
public struct DocumentReadStage: Stage {
    public let settings: DocumentReader.Settings
    private let readers: WorkerLocal<DocumentReader>

    public init(settings: DocumentReader.Settings = .init()) {
        self.settings = settings
        readers = WorkerLocal { try DocumentReader(settings: settings) }
    }

    public init(options: ConfigNode) throws {
        try options.allowOnly(["language", "script_languages", "tessdata", "retry_confidence"])
        var settings = DocumentReader.Settings()
        settings.primaryLanguage = try options.string("language", default: settings.primaryLanguage)
        if let scripts = try options.optional("script_languages") {
            settings.scriptLanguages = [:]
            for script in try scripts.keys() { settings.scriptLanguages[script] = try scripts.string(script) }
        }
        settings.dataPath = try options.optionalPath("tessdata")?.path
        settings.retryConfidence = try options.double("retry_confidence", default: settings.retryConfidence, in: 0...1)
        self.init(settings: settings)
    }

    public func process(_ document: ScannedDocument, context: StageContext) throws -> ReadDocument {
        try reader(worker: context.worker).read(document, until: context.deadline)
    }

    /// The pipeline's `timeout` for each page: reading time grows with the scan (about a second
    /// a page here), and a batch of a hundred pages is no hung one.
    public func timeout(for document: ScannedDocument, configured: Double) -> Double {
        configured * Double(max(1, document.pages.count))
    }

    /// The reader of `worker` (also used by `intake ocr`).
    public func reader(worker: Int) throws -> DocumentReader {
        try readers.value(for: worker)
    }
}

/// `document.extract`: `ReadDocument` → `OrderDraft` (one per purchase order: a scanned stack
/// splits on a new PO number), through the supplier templates
/// (`templates`: a folder with `generic.yaml`) and the material master.
///
/// Options: `templates` (required), `min_score` (0.6).
public struct DocumentExtractStage: Stage {
    public let extractor: PurchaseOrderExtractor
    public let aligner: PurchaseOrderAligner

    public init(extractor: PurchaseOrderExtractor, aligner: PurchaseOrderAligner) {
        self.extractor = extractor
        self.aligner = aligner
    }

    public init(master: MasterData, options: ConfigNode) throws {
        try options.allowOnly(["templates", "min_score"])
        guard let folder = try options.optionalPath("templates") else { throw options.error("name the folder of supplier templates", key: "templates") }
        var settings = MaterialMatcher.Settings()
        settings.minimumScore = try options.double("min_score", default: settings.minimumScore, in: 0...1)
        self.init(
            extractor: PurchaseOrderExtractor(templates: try TemplateLibrary.load(folder)),
            aligner: PurchaseOrderAligner(master: master.materials, settings: settings))
    }

    /// One draft per purchase order in the document; a stack of several makes the first draft
    /// carry the others (`otherOrders`), each recorded as an order of its own.
    public func process(_ document: ReadDocument, context: StageContext) throws -> OrderDraft {
        let orders = extractor.extractAll(document)
        // Nothing of an order anywhere (a blurred, tiny or wrong page): in review it would be an
        // empty order; failed, its reason reaches whoever scanned it (a watch folder's failed/).
        guard orders.contains(where: { !$0.header.isEmpty || !$0.items.isEmpty }) else {
            throw DocumentError.noOrderFound(pages: document.pages.count, words: document.pages.map(\.words.count).reduce(0, +))
        }
        var drafts = orders.map { aligner.align($0, notes: document.notes) }
        var first = drafts.removeFirst()
        first.otherOrders = drafts
        return first
    }
}
