import Foundation

/// WAV bytes → `SpeechAudio`: RIFF/WAVE with integer PCM (8, 16, 24, 32 bit), IEEE float (32,
/// 64 bit) or WAVE_FORMAT_EXTENSIBLE of either, any channel count (averaged to mono) and any
/// sample rate (resampled to 16 kHz). Raw headerless s16le is read with a stated rate.
///
/// Other containers and codecs are named in the error, so the sender knows what to convert.
public enum WAVDecoder {
    public static func decode(_ bytes: Data) throws -> SpeechAudio {
        guard AudioSniffer.isWAV(bytes) else {
            if let codec = AudioSniffer.container(of: bytes) { throw VoiceError.unsupportedCodec(codec) }
            if bytes.isEmpty { throw VoiceError.emptyAudio }
            throw VoiceError.malformedAudio("it does not start with a RIFF/WAVE header")
        }
        let data = Data(bytes)  // rebased: offsets below count from 0
        var format: Format?
        var offset = 12
        while offset + 8 <= data.count {
            let id = String(decoding: data[offset..<offset + 4], as: UTF8.self)
            let size = Int(data.littleEndian(UInt32.self, at: offset + 4))
            let body = offset + 8
            switch id {
            case "fmt ":
                guard size >= 16, body + 16 <= data.count else { throw VoiceError.malformedAudio("the fmt chunk is cut short") }
                format = try Format(data, at: body, size: size)
            case "data":
                guard let format else { throw VoiceError.malformedAudio("the data chunk comes before the fmt chunk") }
                let available = data.count - body
                // Streaming writers leave the size at 0 or 0xFFFFFFFF: take what is there.
                let streamed = size == 0 || size == 0xFFFF_FFFF
                if !streamed && size > available { throw VoiceError.truncatedAudio(expectedBytes: size, actualBytes: available) }
                let length = streamed ? available : size
                let frames = length / format.blockAlign
                guard frames > 0 else { throw VoiceError.emptyAudio }
                return SpeechAudio(mono: format.mono(data, at: body, frames: frames), sampleRate: format.sampleRate, sourceFormat: format.description)
            default:
                break
            }
            offset = body + size + (size & 1)  // chunks are padded to an even length
        }
        throw VoiceError.malformedAudio(format == nil ? "no fmt chunk" : "no data chunk")
    }

    /// Headerless signed 16-bit little-endian samples (mono, or interleaved `channels`).
    public static func decodeRaw(_ bytes: Data, sampleRate: Int, channels: Int = 1) throws -> SpeechAudio {
        guard sampleRate >= 4000 else { throw VoiceError.malformedAudio("a sample rate of \(sampleRate) Hz is too low for speech") }
        let format = Format(encoding: .integer, bits: 16, channels: channels, sampleRate: sampleRate)
        let frames = bytes.count / format.blockAlign
        guard frames > 0 else { throw VoiceError.emptyAudio }
        return SpeechAudio(mono: format.mono(Data(bytes), at: 0, frames: frames), sampleRate: sampleRate, sourceFormat: "raw \(format.description)")
    }

    struct Format: CustomStringConvertible {
        enum Encoding { case integer, float }
        var encoding: Encoding
        var bits: Int
        var channels: Int
        var sampleRate: Int
        var blockAlign: Int { channels * bits / 8 }

        init(encoding: Encoding, bits: Int, channels: Int, sampleRate: Int) {
            self.encoding = encoding
            self.bits = bits
            self.channels = channels
            self.sampleRate = sampleRate
        }

        init(_ data: Data, at offset: Int, size: Int) throws {
            var tag = Int(data.littleEndian(UInt16.self, at: offset))
            channels = Int(data.littleEndian(UInt16.self, at: offset + 2))
            sampleRate = Int(data.littleEndian(UInt32.self, at: offset + 4))
            bits = Int(data.littleEndian(UInt16.self, at: offset + 14))
            if tag == 0xFFFE {  // WAVE_FORMAT_EXTENSIBLE: the real tag opens the sub-format GUID
                guard size >= 40, offset + 26 <= data.count else { throw VoiceError.malformedAudio("the extensible fmt chunk is cut short") }
                tag = Int(data.littleEndian(UInt16.self, at: offset + 24))
            }
            switch tag {
            case 1: encoding = .integer
            case 3: encoding = .float
            default: throw VoiceError.unsupportedCodec(Self.codecName(tag))
            }
            // A header of 65,535 channels made its frames longer than the whole file ("no samples").
            guard (1...64).contains(channels) else { throw VoiceError.malformedAudio("the fmt chunk says \(channels) channels; a recording has 1 to 64") }
            guard (4000...384_000).contains(sampleRate) else { throw VoiceError.malformedAudio("a sample rate of \(sampleRate) Hz is not audio") }
            let supported = encoding == .integer ? [8, 16, 24, 32] : [32, 64]
            guard supported.contains(bits) else {
                throw VoiceError.unsupportedCodec("\(bits)-bit \(encoding == .integer ? "integer PCM" : "float") WAV")
            }
        }

        var description: String {
            "WAV \(encoding == .integer ? "PCM \(bits)-bit" : "float \(bits)-bit") \(sampleRate) Hz \(channels == 1 ? "mono" : channels == 2 ? "stereo" : "\(channels) channels")"
        }

        /// The frames averaged over channels, as floats in [-1, 1].
        func mono(_ data: Data, at offset: Int, frames: Int) -> [Float] {
            let width = bits / 8
            var output = [Float](repeating: 0, count: frames)
            data.withUnsafeBytes { raw in
                let base = raw.baseAddress!.advanced(by: offset)
                for frame in 0..<frames {
                    var sum: Float = 0
                    for channel in 0..<channels {
                        let p = base.advanced(by: (frame * channels + channel) * width)
                        sum += sample(p)
                    }
                    output[frame] = sum / Float(channels)
                }
            }
            return output
        }

        @inline(__always) private func sample(_ p: UnsafeRawPointer) -> Float {
            switch (encoding, bits) {
            case (.integer, 8): return (Float(p.load(as: UInt8.self)) - 128) / 128
            case (.integer, 16): return Float(Int16(littleEndian: p.loadUnaligned(as: Int16.self))) / 32768
            case (.integer, 24):
                let value = Int32(p.load(fromByteOffset: 0, as: UInt8.self)) | Int32(p.load(fromByteOffset: 1, as: UInt8.self)) << 8
                    | Int32(Int8(bitPattern: p.load(fromByteOffset: 2, as: UInt8.self))) << 16
                return Float(value) / 8_388_608
            case (.integer, _): return Float(Int32(littleEndian: p.loadUnaligned(as: Int32.self))) / 2_147_483_648
            case (.float, 32):
                let value = Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
                return value.isFinite ? max(-1, min(1, value)) : 0
            case (.float, _):
                let value = Float(Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))))
                return value.isFinite ? max(-1, min(1, value)) : 0
            }
        }

        static func codecName(_ tag: Int) -> String {
            let names = [
                2: "Microsoft ADPCM", 6: "A-law", 7: "µ-law", 0x11: "IMA ADPCM", 0x31: "GSM 6.10", 0x40: "G.721 ADPCM",
                0x50: "MPEG audio", 0x55: "MP3", 0x161: "Windows Media Audio", 0x1610: "AAC", 0xF1AC: "FLAC",
            ]
            return names[tag].map { "WAV with \($0) data" } ?? String(format: "WAV with codec tag 0x%04X", tag)
        }
    }
}

extension Data {
    /// A little-endian integer at a byte offset from the start (the data must start at index 0).
    func littleEndian<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }
}
