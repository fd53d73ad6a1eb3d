import Foundation

/// Standard base64 (RFC 4648) decoding straight from bytes: alerts carry megabytes of it, and
/// this is several times faster than going through `String` and Foundation.
///
/// Text in, bytes out: `decode(_:)` returns a new `Data`; `Text` and `decode(into:)` let a
/// caller decode into storage of its own (the alert decoder writes float32 samples straight
/// into the sample array, with no intermediate copy).
enum Base64 {
    /// Each character's 6 bits, already shifted to its place in a group's 24 bits (table 0
    /// holds the first character's, table 3 the last's); a foreign character sets bits 24–31.
    private static let tables: [[UInt32]] = (0..<4).map { position in
        var table = [UInt32](repeating: 0xFF00_0000, count: 256)
        for (index, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(character)] = UInt32(index) << (18 - 6 * position)
        }
        return table
    }

    /// Base64 text with trailing line breaks and spaces trimmed, measured: how many bytes it
    /// decodes to. Nil when its length is not a multiple of 4.
    struct Text {
        let characters: UnsafeBufferPointer<UInt8>
        let padding: Int
        var decodedCount: Int { characters.count / 4 * 3 - padding }

        init?(_ text: UnsafeBufferPointer<UInt8>) {
            var input = text
            while let last = input.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") || last == UInt8(ascii: " ") {
                input = UnsafeBufferPointer(rebasing: input.dropLast())
            }
            guard input.count % 4 == 0 else { return nil }
            var padding = 0
            if input.count >= 4 {
                if input[input.count - 1] == UInt8(ascii: "=") { padding += 1 }
                if input[input.count - 2] == UInt8(ascii: "=") { padding += 1 }
            }
            characters = input
            self.padding = padding
        }

        /// Writes the `decodedCount` bytes to `out` (at least that large); false when a
        /// character is not base64 (out is then partly written).
        func decode(into out: UnsafeMutableRawPointer) -> Bool {
            guard !characters.isEmpty else { return true }
            return tables[0].withUnsafeBufferPointer { t0 in
                tables[1].withUnsafeBufferPointer { t1 in
                    tables[2].withUnsafeBufferPointer { t2 in
                        tables[3].withUnsafeBufferPointer { t3 in
                            Base64.decodeGroups(characters, padding: padding, into: out, tables: (t0, t1, t2, t3))
                        }
                    }
                }
            }
        }
    }

    /// The decoded bytes, or nil when the text is not base64 (wrong length, a foreign character).
    static func decode(_ text: Data) -> Data? {
        text.withUnsafeBytes { raw -> Data? in
            guard let text = Text(raw.bindMemory(to: UInt8.self)) else { return nil }
            var output = Data(count: text.decodedCount)
            let valid = output.withUnsafeMutableBytes { out in
                text.decodedCount == 0 || text.decode(into: out.baseAddress!)
            }
            return valid ? output : nil
        }
    }

    /// Decodes every 4-character group. All but the last group write their 3 bytes as one
    /// 4-byte store (the spare byte is overwritten by the next group): far fewer stores than
    /// byte by byte, on text that is megabytes long. (Portable SIMD lanes were tried and were
    /// slower: Swift's `SIMD16<UInt8>` compares and masks did not compile to vector code.)
    private static func decodeGroups(
        _ input: UnsafeBufferPointer<UInt8>, padding: Int, into destination: UnsafeMutableRawPointer,
        tables: (UnsafeBufferPointer<UInt32>, UnsafeBufferPointer<UInt32>, UnsafeBufferPointer<UInt32>, UnsafeBufferPointer<UInt32>)
    ) -> Bool {
        let (t0, t1, t2, t3) = tables
        let groups = input.count / 4
        let text = input.baseAddress!
        var bad: UInt32 = 0
        var group = 0
        while group < groups - 1 {
            let i = 4 * group
            let bits = t0[Int(text[i])] | t1[Int(text[i + 1])] | t2[Int(text[i + 2])] | t3[Int(text[i + 3])]
            bad |= bits
            // 0x00AABBCC → bytes AA BB CC (and a spare 00) in memory order.
            destination.storeBytes(of: (bits.byteSwapped >> 8).littleEndian, toByteOffset: 3 * group, as: UInt32.self)
            group += 1
        }
        // The last group, byte by byte: it may be padded, and there is no room for a spare byte.
        let i = 4 * group
        let c = padding == 2 ? 0 : t2[Int(text[i + 2])]
        let d = padding >= 1 ? 0 : t3[Int(text[i + 3])]
        let last = t0[Int(text[i])] | t1[Int(text[i + 1])] | c | d
        bad |= last
        let o = 3 * group
        for k in 0..<(3 - padding) { destination.storeBytes(of: UInt8(truncatingIfNeeded: last >> (16 - 8 * k)), toByteOffset: o + k, as: UInt8.self) }
        return bad & 0xFF00_0000 == 0
    }
}
