import Foundation

/// Bytes of a scan → its pages: images through Leptonica (every page of a TIFF), PDFs through
/// `PDFRasterizer`. Fails with a reason for empty, foreign, corrupt and too-small inputs.
public struct DocumentDecoder: Sendable {
    public var rasterizer = PDFRasterizer()
    public var maximumPages = 200
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
            pages = try rasterizer.pages(of: bytes, limit: maximumPages)
        case .tiff:
            pages = PageImage.decodeTIFFPages(bytes)
        default:
            pages = PageImage.decode(bytes).map { [$0] } ?? []
        }
        guard !pages.isEmpty else { throw DocumentError.unreadableImage("the \(format.rawValue.uppercased()) data is corrupt or truncated") }
        if pages.count > maximumPages { throw DocumentError.tooManyPages(pages.count, limit: maximumPages) }
        if let small = pages.first(where: { min($0.width, $0.height) < minimumSide }) {
            throw DocumentError.imageTooSmall(width: small.width, height: small.height)
        }
        return ScannedDocument(pages: pages, format: format.rawValue)
    }
}
