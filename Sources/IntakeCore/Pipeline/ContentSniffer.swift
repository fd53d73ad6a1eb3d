import Foundation

/// Decides by content (magic bytes, structure), never by file name, whether an input belongs
/// to a modality. The pipeline asks each route's sniffer in configuration order.
public protocol ContentSniffer: Sendable {
    func accepts(_ bytes: Data) -> Bool
}
