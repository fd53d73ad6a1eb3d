import Foundation

/// Bytes of a scan → its pages: images through Leptonica (every page of a TIFF), PDFs through
/// `PDFRasterizer`. Fails with a reason for empty, foreign, corrupt, too-small and too-large inputs.
public struct DocumentDecoder: Sendable {
    public var rasterizer = PDFRasterizer()
    public var maximumPages = 200
    /// Pages above it are refused from their header, before decoding: A3 at 600 dpi is 70
    /// megapixels, and a page takes 1–4 bytes per pixel in memory (a 1.6-gigapixel PNG of
    /// 1.5 MB took 3.6 GB and 32 s to find blank).
    public var maximumMegapixels = 80
    /// Smaller pages cannot hold readable text at any sensible resolution.
    public var minimumSide = 200

    public init() {}

    public func decode(_ bytes: Data) throws -> ScannedDocument {
        guard !bytes.isEmpty else { throw DocumentError.emptyDocument }
        guard let format = ImageFormat.of(bytes) else {
            throw DocumentError.unsupportedFormat(ImageFormat.foreign(bytes) ?? "not an image or PDF")
        }
        let pages: [PageImage]
        switch format {
        case .pdf:
            pages = try rasterizer.pages(of: bytes, limit: maximumPages, maximumMegapixels: maximumMegapixels)
        case .tiff:
            // Counted from the headers: decoding first, 3,000 blank pages of a 12 MB file would be 12 GB.
            let sizes = PageImage.tiffPageSizes(bytes, upTo: maximumPages + 1)
            if sizes.count > maximumPages { throw DocumentError.tooManyPages(count: nil, limit: maximumPages) }
            if let error = DocumentError.firstPageTooLarge(sizes, limitMegapixels: maximumMegapixels) { throw error }
            pages = PageImage.decodeTIFFPages(bytes)
        default:
            let size = PageImage.headerSize(bytes).map { [$0] } ?? []
            if let error = DocumentError.firstPageTooLarge(size, limitMegapixels: maximumMegapixels) { throw error }
            pages = PageImage.decode(bytes).map { [$0] } ?? []
        }
        guard !pages.isEmpty else { throw DocumentError.unreadableImage("the \(format.rawValue.uppercased()) data is corrupt or truncated") }
        if pages.count > maximumPages { throw DocumentError.tooManyPages(count: pages.count, limit: maximumPages) }
        if let small = pages.first(where: { min($0.width, $0.height) < minimumSide }) {
            throw DocumentError.imageTooSmall(width: small.width, height: small.height)
        }
        return ScannedDocument(pages: pages, format: format.rawValue)
    }
}
