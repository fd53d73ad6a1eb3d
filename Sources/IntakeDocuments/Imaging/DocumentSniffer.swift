import Foundation
import IntakeCore

/// Recognises scanned pages and PDFs by their first bytes, and the office formats intake does
/// not read (so they reach `document.decode` and fail with the format named).
public struct DocumentSniffer: ContentSniffer {
    public init() {}

    public func accepts(_ bytes: Data) -> Bool {
        ImageFormat.of(bytes) != nil || ImageFormat.foreign(bytes) != nil
    }
}
