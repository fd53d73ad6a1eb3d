import IntakeCore

/// Why a scan cannot be read, with what the sender should do.
public enum DocumentError: IntakeError, Equatable {
    case unsupportedFormat(String)
    case unreadableImage(String)
    case emptyDocument
    case blankDocument(pages: Int)
    case imageTooSmall(width: Int, height: Int)
    /// More pages than `max_pages`; `count` nil when reading stopped one past the limit.
    case tooManyPages(count: Int?, limit: Int)
    /// A page larger than the decoder takes (a decompression bomb or a poster-sized PDF page).
    case pageTooLarge(page: Int, width: Int, height: Int, limitMegapixels: Int)
    case rasterizerFailed(String)
    case ocrUnavailable(String)
    /// The stage's deadline passed with pages still to read (`read` of `pages`).
    case pastDeadline(read: Int, pages: Int)
    case noOrderFound(pages: Int, words: Int)

    public var code: String {
        switch self {
        case .unsupportedFormat: "unsupported_document_format"
        case .unreadableImage: "unreadable_image"
        case .emptyDocument: "empty_document"
        case .blankDocument: "blank_document"
        case .imageTooSmall: "image_too_small"
        case .tooManyPages: "too_many_pages"
        case .pageTooLarge: "page_too_large"
        case .rasterizerFailed: "pdf_rasterizer_failed"
        case .ocrUnavailable: "ocr_unavailable"
        case .pastDeadline: "timeout"
        case .noOrderFound: "no_order_found"
        }
    }

    public var description: String {
        switch self {
        case let .unsupportedFormat(format):
            "the file is \(format), which intake does not read; scan to PNG, JPEG, TIFF, PNM, BMP or PDF"
        case let .unreadableImage(reason): "the image cannot be decoded: \(reason); scan the page again"
        case .emptyDocument: "the file is empty (zero bytes); scan again"
        case let .blankDocument(pages):
            "all \(pages) page(s) are blank (no ink found); check the scanner's feed side and scan again"
        case let .imageTooSmall(width, height):
            "the page is \(width)×\(height) pixels, too small to read; scan at 200–300 dpi"
        case let .tooManyPages(count?, limit):
            "the document has \(count) pages, more than the limit of \(limit); split the batch or raise `max_pages`"
        case let .tooManyPages(nil, limit):
            "the document has more than \(limit) pages, the limit; split the batch or raise `max_pages`"
        case let .pageTooLarge(page, width, height, limit):
            "page \(page) is \(width)×\(height) pixels, more than the limit of \(limit) megapixels; scan at 200–300 dpi or raise `max_page_megapixels`"
        case let .rasterizerFailed(reason):
            "the PDF could not be rasterised: \(reason); install poppler-utils or send the scan as TIFF"
        case let .ocrUnavailable(reason): "the OCR engine could not start: \(reason)"
        case let .noOrderFound(pages, words):
            "no purchase order was read: no header field and no line item on \(pages) page(s), \(words) word(s) read in all; scan it again upright, in focus, at 200–300 dpi"
        case let .pastDeadline(read, pages):
            "reading stopped after \(read) of \(pages) pages: the stage's time ran out; raise document.read's `timeout` (per page)"
        }
    }
}

extension DocumentError {
    /// `pageTooLarge` for the first of `sizes` (in page order, pixels) over `limitMegapixels`, or nil.
    static func firstPageTooLarge(_ sizes: [(width: Int, height: Int)], limitMegapixels: Int) -> DocumentError? {
        guard let index = sizes.firstIndex(where: { $0.width * $0.height > limitMegapixels * 1_000_000 }) else { return nil }
        return .pageTooLarge(page: index + 1, width: sizes[index].width, height: sizes[index].height, limitMegapixels: limitMegapixels)
    }
}
