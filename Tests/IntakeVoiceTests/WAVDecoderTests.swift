import Foundation
import Testing
@testable import IntakeVoice

@Suite struct WAVDecoderTests {
    let tone: (Double) -> Double = { 0.5 * sin(2 * .pi * 440 * $0) }

    @Test(arguments: [WAVFixture.Encoding.pcm8, .pcm16, .pcm24, .pcm32, .float32])
    func everyEncodingDecodesToSixteenKilohertzMono(_ encoding: WAVFixture.Encoding) throws {
        let audio = try WAVDecoder.decode(WAVFixture.make(seconds: 1, rate: 44_100, channels: 2, encoding: encoding, signal: tone))
        #expect(audio.samples.count == 16_000)
        // A 0.5-amplitude sine has RMS 0.354; 8-bit quantisation and the filter edges allow a little slack.
        #expect(abs(WAVFixture.rms(audio.samples[1000..<15_000]) - 0.3536) < 0.01)
        #expect(audio.sourceFormat.contains("44100 Hz stereo"))
    }

    @Test func extensibleFormatIsReadByItsSubformat() throws {
        let audio = try WAVDecoder.decode(WAVFixture.make(seconds: 0.5, rate: 16_000, encoding: .float32, extensible: true, signal: tone))
        #expect(audio.samples.count == 8_000)
        #expect(audio.sourceFormat == "WAV float 32-bit 16000 Hz mono")
    }

    @Test func otherCodecsAreNamed() {
        #expect(throws: VoiceError.unsupportedCodec("WAV with A-law data")) {
            try WAVDecoder.decode(WAVFixture.make(seconds: 0.1, rate: 8_000, encoding: .aLaw, signal: tone))
        }
        #expect(throws: VoiceError.unsupportedCodec("Ogg (Vorbis or Opus)")) { try WAVDecoder.decode(Data("OggS\0\u{2}rest".utf8)) }
        #expect(throws: VoiceError.unsupportedCodec("FLAC")) { try WAVDecoder.decode(Data("fLaC\0\0\0\"".utf8)) }
    }

    @Test func truncatedZeroLengthAndForeignFilesGetReasons() throws {
        let whole = WAVFixture.make(seconds: 1, rate: 16_000, signal: tone)
        #expect(throws: VoiceError.truncatedAudio(expectedBytes: 32_000, actualBytes: 10_000 - 56)) {
            try WAVDecoder.decode(whole.prefix(10_000))
        }
        #expect(throws: VoiceError.emptyAudio) { try WAVDecoder.decode(WAVFixture.make(seconds: 0, rate: 16_000, signal: tone)) }
        #expect(throws: VoiceError.emptyAudio) { try WAVDecoder.decode(Data()) }
        #expect(throws: VoiceError.malformedAudio("it does not start with a RIFF/WAVE header")) {
            try WAVDecoder.decode(Data("store twelve, three lattes".utf8))
        }
        #expect(throws: VoiceError.malformedAudio("the fmt chunk is cut short")) { try WAVDecoder.decode(whole.prefix(30)) }
    }

    @Test func aChannelCountNoRecordingHasIsMalformed() {
        var wav = WAVFixture.make(seconds: 0.5, rate: 16_000, signal: tone)
        wav.replaceSubrange(22..<24, with: [0xFF, 0xFF])  // the fmt chunk's channel count
        #expect(throws: VoiceError.malformedAudio("the fmt chunk says 65535 channels; a recording has 1 to 64")) { try WAVDecoder.decode(wav) }
    }

    @Test func rawSamplesNeedTheirRate() throws {
        let raw = Data((0..<8_000).flatMap { n -> [UInt8] in
            let v = Int16(16_000 * sin(2 * .pi * 300 * Double(n) / 8_000)).littleEndian
            return [UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8)]
        })
        let audio = try WAVDecoder.decodeRaw(raw, sampleRate: 8_000)
        #expect(audio.samples.count == 16_000)
        #expect(throws: VoiceError.emptyAudio) { try WAVDecoder.decodeRaw(Data([1]), sampleRate: 16_000) }
    }

    @Test func audioSnifferTakesWAVAndNamedCodecsButNotText() {
        let sniffer = AudioSniffer()
        #expect(sniffer.accepts(WAVFixture.make(seconds: 0.1, rate: 16_000, signal: tone)))
        #expect(sniffer.accepts(Data("OggS\0\u{2}".utf8)))
        #expect(!sniffer.accepts(Data("store twelve".utf8)))
        #expect(!sniffer.accepts(Data("{\"device_id\": \"P-101\"}".utf8)))
        // An MP3 frame (MPEG-1 Layer III, 128 kbit/s, 44.1 kHz) is named; UTF-16 text's
        // byte-order mark, FF FE, has the frame's sync bits but no layer III.
        #expect(AudioSniffer.container(of: Data([0xFF, 0xFB, 0x90, 0x64, 0, 0])) == "MP3")
        #expect(AudioSniffer.container(of: Data([0xFF, 0xF3, 0x48, 0xC4, 0, 0])) == "MP3")  // MPEG-2, 16 kHz
        #expect(!sniffer.accepts(Data([0xFF, 0xFE]) + "3 butter croissants".data(using: .utf16LittleEndian)!))
    }
}
