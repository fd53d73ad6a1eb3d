import Foundation

/// Standard base64 (RFC 4648) decoding straight from bytes: alerts carry megabytes of it, and
/// this is several times faster than going through `String` and Foundation.
enum Base64 {
    private static let table: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(character)] = UInt8(index)
        }
        return table
    }()

    /// The decoded bytes, or nil when the text is not base64 (wrong length, a foreign character).
    static func decode(_ text: Data) -> Data? {
        text.withUnsafeBytes { raw -> Data? in
            var input = raw.bindMemory(to: UInt8.self)
            while let last = input.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") || last == UInt8(ascii: " ") {
                input = UnsafeBufferPointer(rebasing: input.dropLast())
            }
            guard input.count % 4 == 0 else { return nil }
            if input.isEmpty { return Data() }
            var padding = 0
            if input[input.count - 1] == UInt8(ascii: "=") { padding += 1 }
            if input[input.count - 2] == UInt8(ascii: "=") { padding += 1 }
            let length = input.count / 4 * 3 - padding
            var output = Data(count: length)
            let valid = output.withUnsafeMutableBytes { destination -> Bool in
                let out = destination.bindMemory(to: UInt8.self)
                var o = 0
                var i = 0
                let full = (input.count / 4) - (padding > 0 ? 1 : 0)
                var bad: UInt8 = 0
                table.withUnsafeBufferPointer { table in
                    for _ in 0..<full {
                        let a = table[Int(input[i])], b = table[Int(input[i + 1])], c = table[Int(input[i + 2])], d = table[Int(input[i + 3])]
                        bad |= a | b | c | d
                        out[o] = a << 2 | b >> 4
                        out[o + 1] = b << 4 | c >> 2
                        out[o + 2] = c << 6 | d
                        i += 4
                        o += 3
                    }
                    if padding > 0 {
                        let a = table[Int(input[i])], b = table[Int(input[i + 1])]
                        let c = padding == 2 ? 0 : table[Int(input[i + 2])]
                        bad |= a | b | c
                        out[o] = a << 2 | b >> 4
                        if padding == 1 { out[o + 1] = b << 4 | c >> 2 }
                    }
                }
                return bad & 0xC0 == 0
            }
            return valid ? output : nil
        }
    }
}
