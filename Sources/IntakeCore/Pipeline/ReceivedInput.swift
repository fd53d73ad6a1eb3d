import Foundation

/// An input waiting to be read: where it is, who sent it, and how to get its bytes.
///
/// Reading is deferred so a batch of any size holds only the items in flight in memory.
public struct PipelineInput: Sendable {
    public let uri: String
    /// Who sent the input (an app, device or user id); part of its idempotency key and sandbox.
    public let sender: String?
    /// A caller-supplied idempotency key; nil: derived from the bytes, pipeline and sender.
    public let idempotencyKey: String?
    /// The input's identity hash (`identity(of:)`: the SHA-256 of what `load` returns, and of
    /// its companions), when the caller computed it (the server's spool while receiving, a watch
    /// folder); nil: the pipeline hashes what it reads.
    public let sha256: String?
    /// The order this input becomes when it already has one: a dead letter's retry, whose key
    /// (an HTTP `Idempotency-Key`, say) is not kept. Nil: named by the idempotency key.
    public let orderID: String?
    /// Files read with this input (a waveform beside its sidecar JSON): part of its identity,
    /// so two captures with the same sidecar are two orders, not one, and kept with its dead letter.
    public let companions: [CompanionFile]
    public let load: @Sendable () throws -> Data

    public init(
        uri: String, sender: String? = nil, idempotencyKey: String? = nil, sha256: String? = nil, orderID: String? = nil,
        companions: [CompanionFile] = [], load: @escaping @Sendable () throws -> Data
    ) {
        self.uri = uri
        self.sender = sender
        self.idempotencyKey = idempotencyKey
        self.sha256 = sha256
        self.orderID = orderID
        self.companions = companions
        self.load = load
    }

    /// The same input, sent by `sender`.
    public func sent(by sender: String?) -> PipelineInput {
        PipelineInput(uri: uri, sender: sender, idempotencyKey: idempotencyKey, sha256: sha256, orderID: orderID, companions: companions, load: load)
    }

    /// The hash that identifies this input, given the bytes `load` returned: `sha256` when the
    /// caller knew it, else the SHA-256 of the bytes, followed by each companion file's bytes
    /// (`companionBytes` when the caller already read them, in order; else read here).
    public func identity(of bytes: Data, companionBytes: [Data]? = nil) throws -> String {
        if let sha256 { return sha256 }
        let companionBytes = try companionBytes ?? companions.map { try $0.load() }
        guard !companionBytes.isEmpty else { return ContentHash.sha256(bytes) }
        var hash = ContentHash.Streaming()
        bytes.withUnsafeBytes { hash.update($0) }
        for companion in companionBytes { companion.withUnsafeBytes { hash.update($0) } }
        return hash.finalize()
    }

    /// An input with its bytes already in hand (stdin, HTTP bodies, a dead letter's, tests).
    public init(
        uri: String, sender: String? = nil, idempotencyKey: String? = nil, orderID: String? = nil, companions: [CompanionFile] = [], bytes: Data
    ) {
        self.init(uri: uri, sender: sender, idempotencyKey: idempotencyKey, orderID: orderID, companions: companions, load: { bytes })
    }
}

/// A file that belongs to an input without being it (the waveform beside a sidecar JSON): its
/// path, and how to read it. Stages read it through `load`, never from the disk themselves, so a
/// dead letter's retry can hand back the bytes it kept after the file itself is gone.
public struct CompanionFile: Sendable {
    public let path: String
    public let load: @Sendable () throws -> Data

    /// The file at `path`, read (memory-mapped) when asked for, up to `InputCollector.maximumInputBytes`.
    public init(path: String) {
        self.path = path
        self.load = {
            let url = URL(fileURLWithPath: path)
            try InputCollector.checkSize(url)
            return try Data(contentsOf: url, options: .alwaysMapped)
        }
    }

    /// A file whose bytes are already in hand (kept with a dead letter).
    public init(path: String, bytes: Data) {
        self.path = path
        self.load = { bytes }
    }

    /// The file's name (`alert-17.csv`).
    public var name: String { URL(fileURLWithPath: path).lastPathComponent }
}

/// An input that has been read: its original bytes, their hash and the modality sniffed from them.
public struct ReceivedInput: Sendable {
    public let uri: String
    public let sender: String?
    public let bytes: Data
    public let sha256: String
    public var modality: Modality?
    /// The files read with the input (`PipelineInput.companions`), not yet read.
    public let companions: [CompanionFile]

    /// `sha256`: the bytes' hash when already known; nil computes it.
    public init(
        uri: String, sender: String? = nil, bytes: Data, sha256: String? = nil, modality: Modality? = nil, companions: [CompanionFile] = []
    ) {
        self.uri = uri
        self.sender = sender
        self.bytes = bytes
        self.sha256 = sha256 ?? ContentHash.sha256(bytes)
        self.modality = modality
        self.companions = companions
    }

    public var source: OrderSource {
        OrderSource(modality: modality, uri: uri, sha256: sha256, bytes: bytes.count, sender: sender)
    }
}
