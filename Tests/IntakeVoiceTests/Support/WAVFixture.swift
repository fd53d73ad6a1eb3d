import Foundation

/// WAV files built in memory: any encoding, rate and channel count, from a signal function.
enum WAVFixture {
    enum Encoding { case pcm8, pcm16, pcm24, pcm32, float32, aLaw }

    static func make(
        seconds: Double, rate: Int, channels: Int = 1, encoding: Encoding = .pcm16, extensible: Bool = false,
        signal: (Double) -> Double
    ) -> Data {
        let bits = switch encoding { case .pcm8, .aLaw: 8; case .pcm16: 16; case .pcm24: 24; case .pcm32, .float32: 32 }
        let tag: UInt16 = switch encoding { case .float32: 3; case .aLaw: 6; default: 1 }
        var body = Data()
        let frames = Int(seconds * Double(rate))
        for n in 0..<frames {
            let value = max(-1, min(1, signal(Double(n) / Double(rate))))
            for _ in 0..<channels {
                switch encoding {
                case .pcm8, .aLaw: body.append(UInt8(clamping: Int((value * 127).rounded()) + 128))
                case .pcm16: append(&body, Int16((value * 32767).rounded()).littleEndian)
                case .pcm24:
                    let v = Int32((value * 8_388_607).rounded())
                    body.append(contentsOf: [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF)])
                case .pcm32: append(&body, Int32((value * 2_147_483_647).rounded()).littleEndian)
                case .float32: append(&body, Float(value).bitPattern.littleEndian)
                }
            }
        }
        var fmt = Data()
        append(&fmt, extensible ? UInt16(0xFFFE).littleEndian : tag.littleEndian)
        append(&fmt, UInt16(channels).littleEndian)
        append(&fmt, UInt32(rate).littleEndian)
        append(&fmt, UInt32(rate * channels * bits / 8).littleEndian)
        append(&fmt, UInt16(channels * bits / 8).littleEndian)
        append(&fmt, UInt16(bits).littleEndian)
        if extensible {
            append(&fmt, UInt16(22).littleEndian)
            append(&fmt, UInt16(bits).littleEndian)
            append(&fmt, UInt32(channels == 1 ? 4 : 3).littleEndian)
            append(&fmt, tag.littleEndian)
            fmt.append(contentsOf: [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71])
        }
        var file = Data("RIFF".utf8)
        append(&file, UInt32(4 + 8 + fmt.count + 8 + body.count).littleEndian)
        file.append(contentsOf: Array("WAVE".utf8))
        file.append(contentsOf: Array("fmt ".utf8))
        append(&file, UInt32(fmt.count).littleEndian)
        file.append(fmt)
        file.append(contentsOf: Array("LIST".utf8))  // an unknown chunk to skip, odd length padded
        append(&file, UInt32(3).littleEndian)
        file.append(contentsOf: [0x61, 0x62, 0x63, 0x00])
        file.append(contentsOf: Array("data".utf8))
        append(&file, UInt32(body.count).littleEndian)
        file.append(body)
        return file
    }

    private static func append<T>(_ data: inout Data, _ value: T) {
        withUnsafeBytes(of: value) { data.append(contentsOf: $0) }
    }

    /// RMS of 16-bit samples in [-1, 1] units.
    static func rms(_ samples: ArraySlice<Int16>) -> Double {
        (samples.reduce(0.0) { $0 + pow(Double($1) / 32768, 2) } / Double(max(1, samples.count))).squareRoot()
    }
}
