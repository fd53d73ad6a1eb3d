import Foundation
import IntakeCore
import Testing

@testable import IntakeDocuments

/// Printed purchase orders read back through Leptonica and Tesseract: the header and every
/// line item come out as printed, from any page, upright or not, English or Chinese.
@Suite("Reading printed purchase orders")
struct PurchaseOrderReadingTests {
    @Test func aRuledPurchaseOrderBecomesAnOrderWithItsHeaderAndEveryLine() throws {
        let spec = DocumentFixture.spec(.ruled, items: 5)
        let (document, _, draft) = try DocumentFixture.read(try PurchaseOrderRenderer().render(spec, font: "DejaVu-Sans"))
        let intent = draft.intent
        #expect(intent.type == .purchase)
        #expect(intent.reference == spec.poNumber)
        #expect(intent.orderDate == spec.orderDate)
        #expect(intent.currency == spec.currency)
        #expect(intent.total == spec.total)
        #expect(intent.party?.name == spec.supplier)
        #expect(intent.lines.map(\.sku) == spec.items.map(\.code))
        #expect(intent.lines.map(\.quantity) == spec.items.map { Double($0.quantity) })
        #expect(intent.lines.map(\.unitPrice) == spec.items.map(\.unitPrice))
        #expect(intent.confidence > 0.8, "a clean page whose arithmetic checks out: \(intent.notes)")
        #expect(document.pages[0].preparation.steps.contains("remove ruling lines"))
        // The PO number's evidence points at the top right of the page, where it was printed.
        let box = try #require(draft.evidence.first { $0.field == "intent.reference" }?.box)
        #expect(box.page == 1 && box.x > 1400 && box.y < 600)
    }

    @Test func aPageFedSidewaysIsTurnedUprightAndItsBoxesPointAtTheScan() throws {
        let spec = DocumentFixture.spec(.plain, items: 3)
        var sideways = PurchaseOrderRenderer.Degradation()
        sideways.quarterTurns = 1
        let (document, _, draft) = try DocumentFixture.read(try PurchaseOrderRenderer().render(spec, font: "Liberation-Sans", degradation: sideways))
        #expect(draft.intent.reference == spec.poNumber)
        #expect(draft.intent.lines.map(\.sku) == spec.items.map(\.code))
        #expect(document.notes.contains { $0.contains("turned") })
        // On the sideways scan (3300 wide), the top of the page is its right edge.
        let box = try #require(draft.evidence.first { $0.field == "intent.reference" }?.box)
        #expect(box.x > 2600 && box.height > box.width)
    }

    @Test func aNegativeScanIsInvertedAndReadLikeThePrint() throws {
        let spec = DocumentFixture.spec(.ruled, items: 6)
        let printed = try PurchaseOrderRenderer().render(spec, font: "DejaVu-Sans")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("intake-negative-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: file) }
        try printed.write(to: file)
        let negative = try DocumentFixture.imageMagick([file.path, "-negate", "png:-"])
        let (document, _, draft) = try DocumentFixture.read(negative)
        #expect(document.pages[0].preparation.steps.first == "invert (light text on dark)")
        #expect(draft.intent.reference == spec.poNumber)
        #expect(draft.intent.lines.map(\.sku) == spec.items.map(\.code))
        #expect(draft.intent.lines.map(\.quantity) == spec.items.map { Double($0.quantity) })
        let (print, _, _) = try DocumentFixture.read(printed)
        #expect(!print.pages[0].preparation.steps.contains { $0.hasPrefix("invert") })
    }

    @Test func aTwoPageTIFFIsOneOrderWhoseTableContinuesOnThe2ndPage() throws {
        let spec = DocumentFixture.spec(.ruled, items: 19, seed: 5)
        let bytes = try PurchaseOrderRenderer().render(spec, font: "Liberation-Serif", container: .tiff)
        let (document, _, draft) = try DocumentFixture.read(bytes)
        #expect(document.pages.count == 2)
        #expect(draft.intent.lines.count == 19)
        let correct = zip(draft.intent.lines, spec.items).filter { $0.sku == $1.code && $0.quantity == Double($1.quantity) && $0.unitPrice == $1.unitPrice }
        #expect(correct.count >= 18, "lines: \(draft.intent.notes)")
        #expect(draft.evidence.contains { $0.field == "intent.lines[18].quantity" && $0.box?.page == 2 })
        #expect(draft.intent.total == spec.total)
    }

    @Test func aStackOfPurchaseOrdersScannedIntoOnePDFBecomesOneOrderPerPO() throws {
        // Three POs fed as one stack: the second runs over two pages (its second page repeats
        // only the PO number), the third is another supplier's layout.
        let specs = [
            DocumentFixture.spec(.plain, items: 4, seed: 21), DocumentFixture.spec(.ruled, items: 18, seed: 22),
            DocumentFixture.spec(.nordic, items: 3, seed: 23),
        ]
        #expect(Set(specs.map(\.poNumber)).count == 3)
        let bytes = try PurchaseOrderRenderer().renderStack(specs, font: "DejaVu-Sans")
        let document = try DocumentReader().read(try DocumentDecoder().decode(bytes))
        #expect(document.pages.count == 4)
        let stage = DocumentExtractStage(
            extractor: PurchaseOrderExtractor(templates: DocumentFixture.templates), aligner: PurchaseOrderAligner(master: DocumentFixture.master))
        let draft = try stage.process(document, context: StageContext(
            stage: "document.extract", worker: 0, orderID: "ord_test", input: ReceivedInput(uri: "stack.pdf", bytes: bytes),
            deadline: .distantFuture, logger: .init(label: "test")))
        let orders = [draft] + draft.otherOrders
        #expect(orders.map(\.intent.reference) == specs.map(\.poNumber))
        #expect(orders.map(\.intent.lines.count) == [4, 18, 3])
        #expect(orders.map(\.intent.total) == specs.map(\.total))
        #expect(orders[2].intent.lines.map(\.sku) == specs[2].items.map(\.code))
        // Evidence keeps the page of the whole file: the third order is on page 4.
        #expect(orders[2].evidence.first { $0.field == "intent.reference" }?.box?.page == 4)
        #expect(orders[1].evidence.contains { $0.field == "intent.lines[17].quantity" && $0.box?.page == 3 })
    }

    @Test func aChinesePurchaseOrderIsReadWithTheHuadongTemplate() throws {
        let spec = DocumentFixture.spec(.chinese, items: 3, seed: 3)
        let (document, order, draft) = try DocumentFixture.read(try PurchaseOrderRenderer().render(spec, font: "DejaVu-Sans"))
        #expect(order.template == "huadong-industrial")
        // Read once: the first reading already knows both scripts.
        #expect(document.pages[0].languages == "eng+chi_sim" && document.retries.isEmpty, "\(document.retries.map(\.summary))")
        #expect(draft.intent.reference == spec.poNumber)
        #expect(draft.intent.orderDate == spec.orderDate)
        #expect(draft.intent.currency == "CNY")
        #expect(draft.intent.lines.map(\.sku) == spec.items.map(\.code))
    }

    @Test func readInEnglishOnlyAChinesePurchaseOrdersFirstPageIsReadAgainAsChineseAndItsSecondPageStartsAsChinese() throws {
        let spec = DocumentFixture.spec(.chinese, items: PurchaseOrderRenderer.itemsPerPage + 3, seed: 5)
        var englishFirst = DocumentReader.Settings()
        englishFirst.primaryLanguage = "eng"
        let (document, _, draft) = try DocumentFixture.read(
            try PurchaseOrderRenderer().render(spec, font: "DejaVu-Sans", container: .tiff), settings: englishFirst)
        #expect(document.pages.count == 2)
        #expect(document.pages.allSatisfy { $0.languages.contains("chi_sim") })
        // Page 1 is read in English, found weak and read again as Chinese, which is good enough
        // that orientation detection is not asked; page 2 starts as Chinese.
        #expect(document.timings.retriedPages == 1)
        let retry = try #require(document.retries.first)
        #expect(retry.page == 1 && retry.readings.map(\.languages) == ["eng", "chi_sim+eng"] && retry.kept == 1, "\(retry.summary)")
        #expect(retry.script == nil, "orientation detection ran: \(retry.summary)")
        #expect(document.notes.filter { $0.contains("was read as chi_sim") }.count == 2)
        #expect(draft.intent.lines.map(\.sku) == spec.items.map(\.code))
    }

    @Test func theStageAllowsItsTimeoutPerPageAndTheReaderStopsPastItsDeadline() throws {
        let tiff = try DocumentFixture.imageMagick(["-size", "400x300", "xc:white", "-duplicate", "2", "tiff:-"])
        let document = try DocumentDecoder().decode(tiff)
        #expect(DocumentReadStage().timeout(for: document, configured: 60) == 180)
        #expect(throws: DocumentError.pastDeadline(read: 0, pages: 3)) { try DocumentReader().read(document, until: .now()) }
    }

    @Test func aScanWithNothingOfAnOrderOnItFailsAtExtractionWithItsReason() throws {
        let printed = try PurchaseOrderRenderer().render(DocumentFixture.spec(.plain, items: 3), font: "DejaVu-Sans")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("intake-unreadable-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: file) }
        try printed.write(to: file)
        let stage = DocumentExtractStage(
            extractor: PurchaseOrderExtractor(templates: DocumentFixture.templates), aligner: PurchaseOrderAligner(master: DocumentFixture.master))
        func extract(_ bytes: Data) throws -> OrderDraft {
            try stage.process(try DocumentReader().read(try DocumentDecoder().decode(bytes)), context: StageContext(
                stage: "document.extract", worker: 0, orderID: "ord_test", input: ReceivedInput(uri: "scan.png", bytes: bytes),
                deadline: .distantFuture, logger: .init(label: "test")))
        }
        // Out of focus, and shrunk to 255 pixels wide (about 30 dpi): each was an empty order
        // sent to review at confidence 0.
        for arguments in [["-blur", "0x12"], ["-resize", "10%"]] {
            let unreadable = try DocumentFixture.imageMagick([file.path] + arguments + ["png:-"])
            let error = #expect(throws: DocumentError.self, "\(arguments)") { try extract(unreadable) }
            #expect(error?.code == "no_order_found")
            #expect(error?.description.contains("in focus, at 200–300 dpi") == true)
        }
        #expect(try extract(printed).intent.lines.count == 3)
    }

    @Test func aBlankScanFailsWithItsReason() throws {
        let white = try PurchaseOrderRenderer().blankPage()
        #expect(throws: DocumentError.blankDocument(pages: 1)) { try DocumentFixture.read(white) }
    }

    @Test func corruptTinyAndForeignFilesFailWithTheirReasons() throws {
        let page = try PurchaseOrderRenderer().render(DocumentFixture.spec(.plain, items: 1), font: "DejaVu-Sans")
        #expect(throws: DocumentError.unreadableImage("the PNG data is corrupt or truncated")) {
            try DocumentDecoder().decode(page.prefix(page.count / 3))
        }
        let tiny = try DocumentFixture.imageMagick(["-size", "120x60", "xc:white", "png:-"])
        #expect(throws: DocumentError.imageTooSmall(width: 120, height: 60)) { try DocumentDecoder().decode(tiny) }
        let notPDF = #expect(throws: DocumentError.self) { try DocumentDecoder().decode(Data("%PDF-1.4\nnot really".utf8)) }
        #expect(notPDF?.code == "unreadable_image")
    }
}
