import Crypto
import Foundation

/// Content identity: hashes of input bytes and the order id derived from them.
public enum ContentHash {
    /// Lower-case hex SHA-256 of `data`.
    public static func sha256(_ data: some DataProtocol) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex = [UInt8]()
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: data) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// The order id for an input: the same bytes through the same pipeline always get the
    /// same id, which is what makes re-submission idempotent.
    public static func orderID(sha256: String, pipeline: String) -> String {
        let digest = self.sha256(Data("\(pipeline)\u{0}\(sha256)".utf8))
        return "ord_" + digest.prefix(24)
    }
}
