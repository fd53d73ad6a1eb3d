import Foundation

/// The pages of one scanned input, in order, as decoded from its file.
public struct ScannedDocument: Sendable {
    public var pages: [PageImage]
    /// The container it came in: `png`, `jpeg`, `tiff`, `pdf`, …
    public var format: String

    public init(pages: [PageImage], format: String) {
        self.pages = pages
        self.format = format
    }
}
