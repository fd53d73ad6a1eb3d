import Crypto
import Foundation

/// Content identity: hashes of input bytes and the order id derived from them.
public enum ContentHash {
    /// Lower-case hex SHA-256 of `data`.
    public static func sha256(_ data: some DataProtocol) -> String {
        hex(SHA256.hash(data: data))
    }

    /// SHA-256 of bytes that arrive in pieces (an upload streamed to disk), same hex as `sha256(_:)`.
    public struct Streaming {
        private var hasher = SHA256()
        public init() {}
        public mutating func update(_ bytes: UnsafeRawBufferPointer) { hasher.update(bufferPointer: bytes) }
        public func finalize() -> String { ContentHash.hex(hasher.finalize()) }
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex = [UInt8]()
        hex.reserveCapacity(64)
        for byte in digest {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// The order id for an input: the same bytes from the same sender through the same
    /// pipeline always get the same id, which is what makes re-submission idempotent.
    public static func orderID(sha256: String, pipeline: String, sender: String? = nil) -> String {
        orderID(idempotencyKey: idempotencyKey(sha256: sha256, pipeline: pipeline, sender: sender))
    }

    /// The order id for an idempotency key: one key, one order.
    public static func orderID(idempotencyKey: String) -> String {
        "ord_" + sha256(Data(idempotencyKey.utf8)).prefix(24)
    }

    /// The default idempotency key: the input's sha256, the pipeline and the sender.
    public static func idempotencyKey(sha256: String, pipeline: String, sender: String?) -> String {
        var key = "\(pipeline)\u{0}\(sha256)"
        if let sender { key += "\u{0}\(sender)" }
        return key
    }
}
