import Foundation
import IntakeCore

/// Recognises audio by its first bytes: WAV, and the containers intake does not decode (so they
/// reach `voice.decode` and fail with the codec named instead of being taken for something else).
public struct AudioSniffer: ContentSniffer {
    public init() {}

    public func accepts(_ bytes: Data) -> Bool {
        Self.isWAV(bytes) || Self.container(of: bytes) != nil
    }

    /// A RIFF/WAVE header: what `WAVDecoder` reads.
    static func isWAV(_ bytes: Data) -> Bool {
        bytes.count >= 12 && bytes.starts(with: Array("RIFF".utf8)) && bytes.dropFirst(8).prefix(4).elementsEqual("WAVE".utf8)
    }

    /// The name of a compressed or foreign audio container, from its magic bytes.
    static func container(of bytes: Data) -> String? {
        let head = Array(bytes.prefix(12))
        func starts(_ text: String, at offset: Int = 0) -> Bool {
            let magic = Array(text.utf8)
            return head.count >= offset + magic.count && Array(head[offset..<offset + magic.count]) == magic
        }
        if starts("OggS") { return "Ogg (Vorbis or Opus)" }
        if starts("fLaC") { return "FLAC" }
        if starts("ID3") || isMP3Frame(head) { return "MP3" }
        if starts("ftyp", at: 4) { return "MP4/M4A (AAC)" }
        if starts("RIFX") { return "big-endian WAV (RIFX)" }
        if starts("FORM") && (starts("AIFF", at: 8) || starts("AIFC", at: 8)) { return "AIFF" }
        if starts("caff") { return "Core Audio (CAF)" }
        if starts("#!AMR") { return "AMR" }
        return nil
    }

    /// An MPEG Layer III frame header, which an MP3 without ID3 tags starts with: 11 sync bits,
    /// a version that is not reserved, layer III, a usable bitrate and sample rate. Sync bits
    /// alone also match `FF FE`, the byte-order mark of UTF-16 text (Windows' "Unicode").
    static func isMP3Frame(_ head: [UInt8]) -> Bool {
        guard head.count >= 3, head[0] == 0xFF, head[1] & 0xE0 == 0xE0 else { return false }
        let version = (head[1] >> 3) & 0b11, layer = (head[1] >> 1) & 0b11
        let bitrate = head[2] >> 4, sampleRate = (head[2] >> 2) & 0b11
        return version != 0b01 && layer == 0b01 && bitrate != 0 && bitrate != 0xF && sampleRate != 0b11
    }
}
