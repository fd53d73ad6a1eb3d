import Foundation

/// An input waiting to be read: where it is and how to get its bytes.
///
/// Reading is deferred so a batch of any size holds only the items in flight in memory.
public struct PipelineInput: Sendable {
    public let uri: String
    public let load: @Sendable () throws -> Data

    public init(uri: String, load: @escaping @Sendable () throws -> Data) {
        self.uri = uri
        self.load = load
    }

    /// An input with its bytes already in hand (stdin, HTTP bodies, tests).
    public init(uri: String, bytes: Data) {
        self.init(uri: uri, load: { bytes })
    }
}

/// An input that has been read: its original bytes, their hash and the modality sniffed from them.
public struct ReceivedInput: Sendable {
    public let uri: String
    public let bytes: Data
    public let sha256: String
    public var modality: Modality?

    public init(uri: String, bytes: Data, modality: Modality? = nil) {
        self.uri = uri
        self.bytes = bytes
        self.sha256 = ContentHash.sha256(bytes)
        self.modality = modality
    }

    public var source: OrderSource {
        OrderSource(modality: modality, uri: uri, sha256: sha256, bytes: bytes.count)
    }
}
