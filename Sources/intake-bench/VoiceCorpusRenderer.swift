import ArgumentParser
import Dispatch
import Foundation
import IntakeAlignment
import IntakeCore
import IntakeVoice

/// Renders each sentence in each condition (flite, espeak-ng, sox; noise mixed here), reusing
/// files already in the folder.
struct VoiceCorpusRenderer {
    struct Recording: Sendable {
        let sentence: Int
        let condition: VoiceCondition
        let file: URL
    }

    let folder: URL
    let whiteNoise: Bool

    func render(_ utterances: [VoiceUtterance], conditions: [VoiceCondition]) throws -> (recordings: [Recording], newFiles: Int) {
        for condition in conditions {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(folder(condition)), withIntermediateDirectories: true)
        }
        for voice in Set(conditions.map(\.voice.rawValue)) {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(voice), withIntermediateDirectories: true)
        }
        let recordings = utterances.flatMap { utterance in
            conditions.map { Recording(sentence: utterance.id, condition: $0, file: file(utterance, $0)) }
        }
        let missing = recordings.filter { !FileManager.default.fileExists(atPath: $0.file.path) }
        let errors = LockedResults<Bool>(count: missing.count)
        DispatchQueue.concurrentPerform(iterations: missing.count) { index in
            do { try make(missing[index], utterances[missing[index].sentence]) } catch { errors.fail(error) }
        }
        if let error = errors.error { throw error }
        return (recordings, missing.count)
    }

    private func name(_ utterance: VoiceUtterance) -> String {
        String(format: "%03d-", utterance.id) + String(ContentHash.sha256(Data(utterance.spoken.utf8)).prefix(10)) + ".wav"
    }

    private func file(_ utterance: VoiceUtterance, _ condition: VoiceCondition) -> URL {
        folder.appendingPathComponent(folder(condition)).appendingPathComponent(name(utterance))
    }

    private func folder(_ condition: VoiceCondition) -> String {
        condition.folder + (whiteNoise && condition.snr != nil ? "-white" : "")
    }

    /// The clean rendering of a voice (made on demand; shared by the noisy and tempo conditions).
    private func clean(_ utterance: VoiceUtterance, _ voice: VoiceCondition.Voice) throws -> URL {
        let url = folder.appendingPathComponent(voice.rawValue).appendingPathComponent(name(utterance))
        if FileManager.default.fileExists(atPath: url.path) { return url }
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(UUID().uuidString).wav")
        switch voice {
        case .slt, .rms: try Self.run("flite", ["-voice", voice.rawValue, "-t", utterance.spoken, "-o", temporary.path])
        case .espeak: try Self.run("espeak-ng", ["-v", "en-us", "-w", temporary.path, utterance.spoken])
        }
        try Self.move(temporary, to: url)
        return url
    }

    private func make(_ recording: Recording, _ utterance: VoiceUtterance) throws {
        let condition = recording.condition
        let source = try clean(utterance, condition.voice)
        if source.path == recording.file.path { return }
        let temporary = recording.file.deletingLastPathComponent().appendingPathComponent(".\(UUID().uuidString).wav")
        if let tempo = condition.tempo {
            // -R: sox dithers with a fixed seed, so the recording is the same on every machine.
            try Self.run("sox", ["-R", source.path, temporary.path, "tempo", "-s", String(tempo)])
        } else if let snr = condition.snr {
            let speech = try WAVDecoder.decode(Data(contentsOf: source)).samples
            let noiseSeed = UInt64(utterance.id) &* 1_000_003 &+ UInt64(snr) &* 7919 &+ UInt64(condition.voice.rawValue.count)
            try Self.wav(Self.mix(speech, snr: snr, seed: noiseSeed, white: whiteNoise)).write(to: temporary)
        } else {
            try FileManager.default.copyItem(at: source, to: temporary)
        }
        try Self.move(temporary, to: recording.file)
    }

    /// rename(2), which replaces `url` in one step: two conditions of one voice can render their
    /// shared clean recording at the same time (the same bytes), and checking for the file
    /// before moving lost that race ("A file with the same name already exists").
    private static func move(_ temporary: URL, to url: URL) throws {
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw ValidationError("cannot move \(temporary.path) to \(url.path): \(reason)")
        }
    }

    /// Runs `tool` from PATH (through `env`, which exits 127 when it is not installed).
    static func run(_ tool: String, _ arguments: [String]) throws {
        let result: ExternalCommand.Result?
        do { result = try ExternalCommand.run("/usr/bin/env", [tool] + arguments) } catch {
            throw ValidationError("cannot run \(tool): \(error); install it (apt-get install flite espeak-ng sox)")
        }
        guard let result else { throw ValidationError("cannot run \(tool): /usr/bin/env is missing") }
        guard result.status == 0 else {
            throw ValidationError("\(tool) \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.errors); install it if missing (apt-get install flite espeak-ng sox)")
        }
    }

    /// Speech plus pink noise (Kellet's filter over seeded Gaussian noise) whose RMS sits `snr` dB
    /// below the active speech level: the mean power of 10 ms frames within 35 dB of the loudest.
    /// The mix is scaled down as a whole if it would clip, which keeps the SNR.
    static func mix(_ speech: [Int16], snr: Double, seed: UInt64, white: Bool = false) -> [Int16] {
        let frame = 160
        var powers: [Double] = []
        var start = 0
        while start + frame <= speech.count {
            var sum = 0.0
            for i in start..<start + frame { sum += Double(speech[i]) * Double(speech[i]) }
            powers.append(sum / Double(frame))
            start += frame
        }
        let loudest = powers.max() ?? 0
        let active = powers.filter { $0 >= loudest * pow(10, -3.5) }
        let speechPower = active.isEmpty ? 0 : active.reduce(0, +) / Double(active.count)
        var random = SeededRandom(seed: seed)
        var b = [Double](repeating: 0, count: 7)
        let isWhite = white
        var noise = [Double](repeating: 0, count: speech.count)
        for i in noise.indices {
            let white = random.gaussian()
            b[0] = 0.99886 * b[0] + white * 0.0555179
            b[1] = 0.99332 * b[1] + white * 0.0750759
            b[2] = 0.96900 * b[2] + white * 0.1538520
            b[3] = 0.86650 * b[3] + white * 0.3104856
            b[4] = 0.55000 * b[4] + white * 0.5329522
            b[5] = -0.7616 * b[5] - white * 0.0168980
            noise[i] = isWhite ? white : b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + white * 0.5362
            b[6] = white * 0.115926
        }
        let noisePower = noise.reduce(0) { $0 + $1 * $1 } / Double(max(noise.count, 1))
        let gain = noisePower > 0 ? (speechPower / pow(10, snr / 10) / noisePower).squareRoot() : 0
        var mixed = zip(speech, noise).map { Double($0) + $1 * gain }
        let peak = mixed.map(abs).max() ?? 0
        if peak > 32767 { mixed = mixed.map { $0 * 32767 / peak } }
        return mixed.map { Int16(max(-32768, min(32767, $0.rounded()))) }
    }

    /// 16 kHz mono 16-bit PCM WAV bytes.
    static func wav(_ samples: [Int16]) -> Data {
        var data = Data()
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        let rate = UInt32(SpeechAudio.sampleRate)
        data.append(contentsOf: Array("RIFF".utf8))
        append(UInt32(36 + samples.count * 2))
        data.append(contentsOf: Array("WAVEfmt ".utf8))
        append(UInt32(16)); append(UInt16(1)); append(UInt16(1)); append(rate); append(rate * 2); append(UInt16(2)); append(UInt16(16))
        data.append(contentsOf: Array("data".utf8))
        append(UInt32(samples.count * 2))
        for sample in samples { append(sample) }
        return data
    }
}
