import Foundation
import IntakeCore

/// Deterministic mutations of seed inputs, for the in-process fuzz run `swift test` does:
/// bit flips, boundary values, truncation, cut-outs, duplicated and random chunks. The same
/// seed gives the same inputs, so a failure reproduces. libFuzzer (Fuzz/) goes much further,
/// guided by coverage; this keeps every CI run exercising the error paths a little.
public struct ByteMutator: Sendable {
    private var random: SeededRandom

    public init(seed: UInt64) { random = SeededRandom(seed: seed) }

    /// One mutant of `seed`, at most `maxLength` bytes.
    public mutating func mutate(_ seed: Data, maxLength: Int = 1 << 16) -> Data {
        var bytes = [UInt8](seed.prefix(maxLength))
        for _ in 0..<random.int(in: 1...4) {
            guard !bytes.isEmpty else {
                bytes = (0..<random.int(in: 1...64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                continue
            }
            let at = random.int(in: 0...(bytes.count - 1))
            switch random.int(in: 0...6) {
            case 0: bytes[at] ^= 1 << UInt8(random.int(in: 0...7))
            case 1: bytes[at] = [0x00, 0x01, 0x7F, 0x80, 0xFF][random.int(in: 0...4)]
            case 2:  // a 32-bit field (a chunk size, a count) set to a boundary value
                let value: UInt32 = [0, 1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF][random.int(in: 0...4)]
                for k in 0..<4 where at + k < bytes.count { bytes[at + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(k))) }
            case 3: bytes.removeSubrange(at...)  // truncated
            case 4: bytes.removeSubrange(at..<min(bytes.count, at + random.int(in: 1...256)))
            case 5:
                let chunk = bytes[at..<min(bytes.count, at + random.int(in: 1...64))]
                bytes.insert(contentsOf: chunk, at: random.int(in: 0...bytes.count))
            default:
                let noise = (0..<random.int(in: 1...32)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                bytes.insert(contentsOf: noise, at: at)
            }
        }
        return Data(bytes.prefix(maxLength))
    }
}

extension FuzzTarget {
    /// The seed files of this target, then its past findings (`Fuzz/Findings/<target>/`).
    public func seedFiles() -> [URL] {
        let folders = seedFolders + ["Fuzz/Findings/\(rawValue)"]
        return folders.flatMap { folder -> [URL] in
            let url = Self.packageRoot.appendingPathComponent(folder)
            guard let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
            return enumerator.compactMap { $0 as? URL }
                .filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
                .filter { !$0.lastPathComponent.hasPrefix(".") && $0.lastPathComponent != "README.md" }
                .sorted { $0.path < $1.path }
        }
    }
}
