import Crypto
import Foundation

/// Which auto-approvable orders stay in review as an audit sample: a pseudo-random draw seeded
/// by the order id, so the same order is always sampled the same way (re-runs, several workers).
public enum AuditSample {
    public static func includes(orderID: String, rate: Double) -> Bool {
        guard rate > 0 else { return false }
        guard rate < 1 else { return true }
        return draw(orderID) < rate
    }

    /// A uniform value in [0, 1) from the first 8 bytes of SHA-256("audit:" + id).
    static func draw(_ orderID: String) -> Double {
        let digest = Array(SHA256.hash(data: Data("audit:\(orderID)".utf8)))
        let value = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Double(value >> 11) / Double(1 << 53)
    }
}
