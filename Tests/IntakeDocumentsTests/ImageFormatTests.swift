import Foundation
import Testing

@testable import IntakeDocuments

@Suite("Telling scans apart by their first bytes")
struct ImageFormatTests {
    @Test func pageFormatsAreRecognisedByMagicBytes() {
        #expect(ImageFormat.of(Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0])) == .png)
        #expect(ImageFormat.of(Data([0xFF, 0xD8, 0xFF, 0xE0])) == .jpeg)
        #expect(ImageFormat.of(Data([0x49, 0x49, 0x2A, 0x00, 8, 0])) == .tiff)
        #expect(ImageFormat.of(Data([0x4D, 0x4D, 0x00, 0x2A, 0, 8])) == .tiff)
        #expect(ImageFormat.of(Data("%PDF-1.7\n".utf8)) == .pdf)
        #expect(ImageFormat.of(Data("P5\n2550 3300\n255\n".utf8)) == .pnm)
        #expect(ImageFormat.of(Data("Please send 3 boxes".utf8)) == nil)
    }

    @Test func officeFilesAreNamedSoTheErrorCanSayWhatArrived() {
        #expect(DocumentSniffer().accepts(Data([0x50, 0x4B, 0x03, 0x04, 20, 0])))
        #expect(throws: DocumentError.unsupportedFormat("a ZIP container (DOCX, XLSX or ODT)")) {
            try DocumentDecoder().decode(Data([0x50, 0x4B, 0x03, 0x04, 20, 0, 0, 0]))
        }
        #expect(throws: DocumentError.emptyDocument) { try DocumentDecoder().decode(Data()) }
    }
}
