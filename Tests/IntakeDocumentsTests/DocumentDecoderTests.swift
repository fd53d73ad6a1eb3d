import Foundation
import IntakeCore
import Testing

@testable import IntakeDocuments

@Suite("Documents are decoded, or refused with their reason before any OCR: too large (from their headers), broken")
struct DocumentDecoderTests {
    private func decoder(megapixels: Int) -> DocumentDecoder {
        var decoder = DocumentDecoder()
        decoder.maximumMegapixels = megapixels
        return decoder
    }

    @Test func anImageOverTheLimitIsRefusedAndOneUnderItIsDecoded() throws {
        let page = try DocumentFixture.imageMagick(["-size", "1200x1000", "xc:white", "png:-"])
        #expect(throws: DocumentError.pageTooLarge(page: 1, width: 1200, height: 1000, limitMegapixels: 1)) {
            try decoder(megapixels: 1).decode(page)
        }
        #expect(try decoder(megapixels: 2).decode(page).pages.map(\.width) == [1200])
    }

    @Test func theTIFFPageOverTheLimitIsNamed() throws {
        let tiff = try DocumentFixture.imageMagick(["-size", "800x600", "xc:white", "-size", "1200x1000", "xc:white", "tiff:-"])
        #expect(throws: DocumentError.pageTooLarge(page: 2, width: 1200, height: 1000, limitMegapixels: 1)) {
            try decoder(megapixels: 1).decode(tiff)
        }
        #expect(try decoder(megapixels: 2).decode(tiff).pages.map(\.width) == [800, 1200])
    }

    @Test func aPDFPageIsMeasuredAtTheRasterResolutionBeforeItIsRendered() throws {
        let pdf = try PurchaseOrderRenderer().render(DocumentFixture.spec(.plain, items: 1), font: "DejaVu-Sans", container: .pdf)
        // A letter page at 300 dpi, the size pdftoppm renders it at.
        #expect(throws: DocumentError.pageTooLarge(page: 1, width: 2551, height: 3301, limitMegapixels: 8)) {
            try decoder(megapixels: 8).decode(pdf)
        }
        let pages = try decoder(megapixels: 9).decode(pdf).pages
        #expect(pages.map(\.width) == [2551] && pages.map(\.height) == [3301])
    }

    @Test func tooManyPagesAreCountedBeforeAnyIsDecodedOrRendered() throws {
        var decoder = DocumentDecoder()
        decoder.maximumPages = 2
        let tiff = try DocumentFixture.imageMagick(["-size", "400x300", "xc:white", "-duplicate", "2", "tiff:-"])
        #expect(throws: DocumentError.tooManyPages(count: nil, limit: 2)) { try decoder.decode(tiff) }
        let pdf = try Data(contentsOf: DocumentFixture.repository.appendingPathComponent("samples/documents/stack-three-pos.pdf"))
        #expect(throws: DocumentError.tooManyPages(count: 3, limit: 2)) { try decoder.decode(pdf) }
        decoder.maximumPages = 3
        #expect(try decoder.decode(tiff).pages.count == 3)
    }

    @Test func aTruncatedPDFIsUnreadableAndPopplersReasonIsSaidOnce() throws {
        let pdf = try PurchaseOrderRenderer().render(DocumentFixture.spec(.plain, items: 1), font: "DejaVu-Sans", container: .pdf)
        let error = try #require(throws: DocumentError.self) { try DocumentDecoder().decode(pdf.prefix(pdf.count / 2)) }
        #expect(error.code == "unreadable_image")
        let reason = error.description
        #expect(reason.contains("not a readable PDF ("), "\(reason)")
        #expect(!reason.contains("\n"), "one line: \(reason)")
        let complaints = reason.components(separatedBy: "; ").filter { $0.contains("Error") }
        #expect(Set(complaints).count == complaints.count, "each complaint once: \(reason)")
    }

    @Test func theReasonSaysWhatToDo() {
        let error = DocumentError.pageTooLarge(page: 3, width: 60_000, height: 60_000, limitMegapixels: 80)
        #expect(error.code == "page_too_large")
        #expect(error.description.contains("page 3 is 60000×60000 pixels") && error.description.contains("`max_page_megapixels`"))
    }
}
