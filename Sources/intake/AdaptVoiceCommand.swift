import ArgumentParser
import Foundation
import IntakeCore
import IntakeReview
import IntakeServer
import IntakeVoice

extension SpeakerAdaptation.Method: ExpressibleByArgument {}

/// `intake adapt-voice INPUT… --output FILE`: adapts the speech recogniser's acoustic model to
/// a site's own speakers (MLLR), from recordings with what was said in them, or with what the
/// recogniser itself heard.
struct AdaptVoiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adapt-voice",
        abstract: "Adapt the speech recogniser to your couriers' voices, from their recordings.",
        discussion: """
            Inputs are transcripts files (.tsv) and recordings (WAV files or folders of them).

            Each line of a transcripts file is a WAV file (relative to the transcripts file) \
            and, after a tab, what was said in it; lines starting with # are ignored. Write \
            what was said, not the order: "hi, store 12, three iced americanos, no straw". \
            Numbers and codes may be written as digits; they are read as spoken.

            A recording named without a transcript is first heard by the recogniser, and what \
            it heard stands for what was said (self-adaptation: no one has to type anything). \
            Recordings it hears nothing in, or hears mostly outside the vocabulary, are left \
            out; so are files in a folder that are not audio. With --approved, the recordings \
            of voice orders reviewers approved without correction (the server's kept uploads, \
            or the files `intake process` read) are heard the same way: an approved order \
            vouches for what was heard. Measured on synthetic speech, \
            this did almost as well as true transcripts with --method mllr; it is refused with \
            --method map, which learnt a badly heard voice's mistakes (docs/benchmarks.md).

            The recordings pass through the recogniser's own front end (the pipeline's \
            `voice.recognize` options, noise suppression included), then SphinxTrain's `bw` \
            collects statistics. With --method mllr (the default) `mllr_solve` estimates one \
            linear transform of the model's means, a small file: point `voice.recognize`'s \
            `adaptation` option at it. A few minutes of speech is enough. With --method map \
            `map_adapt` moves every Gaussian towards the speech by its own evidence and \
            writes a whole model directory: point the `model` option at it. MAP needs more \
            speech (tens of minutes) and gains more from it. MAP makes two passes: the second \
            collects the statistics again through the model the first made and adapts it once \
            more (measured on 78 minutes of synthetic reports and four test corpora: exact \
            orders at 10 dB SNR rose on every corpus, by 4 to 8 of 72, over one pass). Adapt on \
            the people and places \
            the recogniser will hear: a transform made from other voices made it worse. Needs \
            Debian's sphinxtrain, sphinxbase-utils and pocketsphinx.

            Exit status: 0 when the adaptation was written, 1 when a listed recording could not \
            be read or the tools failed, 2 on usage errors.

            Examples:
              intake adapt-voice samples/voice-transcripts.tsv --output intake-data/voice/site.mllr
              intake adapt-voice recordings/ --output intake-data/voice/site.mllr --json
              intake adapt-voice --approved --output intake-data/voice/site.mllr
              intake adapt-voice a.tsv b.tsv extra.wav --output intake-data/voice/site.mllr
              intake adapt-voice --method map transcripts.tsv --output intake-data/voice/site-model
              intake adapt-voice --method map --passes 1 a.tsv b.tsv --output intake-data/voice/site-model
            """)

    @OptionGroup var master: MasterDataOptions

    @Argument(help: ArgumentHelp("Transcripts files (.tsv: WAV path, a tab, what was said), WAV files or folders.", valueName: "input"))
    var inputs: [String] = []

    @Flag(name: .long, help: "Also adapt on the recordings of voice orders approved without correction in the store (kept server uploads, or files processed by path).")
    var approved = false

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("Where to write the transform file (mllr) or model directory (map), replaced whole.", valueName: "path"))
    var output: String

    @Option(name: .long, help: ArgumentHelp("mllr: one transform, for a few minutes of speech; map: every Gaussian adapted, for more.", valueName: "method"))
    var method: SpeakerAdaptation.Method = .mllr

    @Option(name: .long, help: ArgumentHelp(
        "Statistics-and-estimate passes, each from the model the last one made (default: 2 for map; mllr makes 1).", valueName: "n"))
    var passes: Int?

    @Flag(name: .long, help: "Print the summary as one JSON object.")
    var json = false

    func validate() throws {
        if let passes {
            guard (1...5).contains(passes) else { throw ValidationError("--passes is 1 to 5") }
            if passes > 1 && method != .map { throw ValidationError("--passes is for --method map; MLLR makes one transform in one pass") }
        }
        if inputs.isEmpty && !approved { throw ValidationError("name at least one transcripts file, recording or folder, or pass --approved") }
        if method == .map && (approved || inputs.contains { !$0.hasSuffix(".tsv") }) {
            // Measured: MAP on what was heard learnt a badly heard voice's mistakes (espeak-ng 4 → 0 of 36 orders).
            throw ValidationError("--method map needs transcripts: it follows them closely, mistakes included; use --method mllr for recordings without them")
        }
    }

    func run() throws {
        let configuration = try master.loadConfiguration()
        let stage = try master.recognizeStage(configuration)

        var recordings: [SpeakerAdaptation.Recording] = []
        var notHeard: [String] = []
        var unreadable: [String] = []
        for input in inputs where input.hasSuffix(".tsv") {
            for (path, said) in try Self.entries(of: URL(fileURLWithPath: input)) {
                do {
                    recordings.append(.init(name: path.path, audio: try Self.decode(try? Data(contentsOf: path)), transcript: said))
                } catch { throw Self.failure(path.path, error) }
            }
        }
        // Recordings beside a JSON sidecar (a courier app's metadata) are its companions: heard too.
        let named = Set(inputs.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        var unlabelled = try InputCollector.collect(inputs.filter { !$0.hasSuffix(".tsv") })
            .flatMap { input in [(input.uri, input.load)] + input.companions.map { ($0.path, $0.load) } }
            .map { path, load in (name: path, bytes: try? load(), named: named.contains(path)) }
        var missing: [String] = []
        if approved {
            let (found, lost) = try approvedRecordings(configuration)
            unlabelled += found.map { (name: $0.order, bytes: $0.bytes, named: false) }
            missing = lost
        }
        for (index, (name, bytes, named)) in unlabelled.enumerated() {
            // In a folder, what is not audio is someone else's input; a file named on its own must be audio.
            if let bytes, !AudioSniffer().accepts(bytes), !named { continue }
            let audio: SpeechAudio
            do { audio = try Self.decode(bytes) } catch {
                // One bad file in a folder of kept inputs does not stop the rest.
                guard named else { unreadable.append("\(name): \(error.intakeMessage)"); continue }
                throw Self.failure(name, error)
            }
            let heard = try stage.transcribe(audio, worker: 0)
            if let transcript = SpeakerAdaptation.heardTranscript(heard, doubtfulShare: stage.settings.doubtfulShare) {
                recordings.append(.init(name: name, audio: audio, transcript: transcript))
            } else {
                notHeard.append(name)
            }
            if !json, (index + 1) % 50 == 0 { FileHandle.standardError.write(Data("heard \(index + 1) of \(unlabelled.count) recordings…\n".utf8)) }
        }
        guard !recordings.isEmpty else {
            FileHandle.standardError.write(Data("intake: no recording to adapt on (\(notHeard.count) heard as nothing or as speech outside the vocabulary)\n".utf8))
            throw ExitCode(1)
        }
        FileHandle.standardError.write(Data(String(format: "adapting on %d recordings (%.0f s of speech)…\n",
                                                   recordings.count, recordings.reduce(0) { $0 + $1.audio.duration }).utf8))
        let summary = try stage.speakerAdaptation().adapt(recordings, method: method, passes: passes, writingTo: URL(fileURLWithPath: output))
        let option = method == .mllr ? "adaptation" : "model"
        if json {
            let object: [String: Any] = [
                "recordings": summary.recordings, "skipped": summary.skipped, "not_heard": notHeard, "unreadable": unreadable, "recordings_gone": missing, "audio_seconds": summary.seconds,
                "aligned_frames": summary.frames, "method": method.rawValue, "passes": summary.passes, "output": summary.output.path, "option": option,
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print(String(format: "wrote %@ (%@%@): %d recordings, %.1f s of audio, %d frames aligned", summary.output.path, method.rawValue,
                         summary.passes > 1 ? ", \(summary.passes) passes" : "", summary.recordings, summary.seconds, summary.frames))
            for name in summary.skipped { print("  skipped (could not be aligned to its transcript): \(name)") }
            for name in notHeard { print("  left out (heard nothing, or mostly words outside the vocabulary): \(name)") }
            for reason in unreadable { print("  left out (not readable audio): \(reason)") }
            for order in missing { print("  left out (approved, but its recording is no longer kept): \(order)") }
            print("use it with voice.recognize's option `\(option): \(summary.output.path)`")
        }
    }

    /// The recordings of voice orders approved without correction: the server's kept upload, or
    /// the file the order was processed from if it still holds the same bytes. Orders whose
    /// recording is gone are returned apart.
    private func approvedRecordings(_ configuration: PipelineConfiguration) throws -> (found: [(order: String, bytes: Data)], missing: [String]) {
        let queue = try store.openQueue(configuration)
        let corrected = Set(try queue.corrections().map(\.orderID))
        let dataFolder = try ServerConfiguration(pipeline: configuration, storeFolder: queue.store.folder).dataFolder
        var found: [(order: String, bytes: Data)] = []
        var missing: [String] = []
        for order in try queue.list(status: .approved, limit: 1_000_000) where order.source.modality == .voice && !corrected.contains(order.id) {
            if let kept = Spool.keptInput(order.id, dataFolder: dataFolder) {
                found.append((order.id, kept.bytes))
            } else if let bytes = try? Data(contentsOf: URL(fileURLWithPath: order.source.uri)), ContentHash.sha256(bytes) == order.source.sha256 {
                found.append((order.id, bytes))
            } else {
                missing.append(order.id)
            }
        }
        return (found, missing)
    }

    /// The recording in `bytes` (nil: the file could not be read).
    static func decode(_ bytes: Data?) throws -> SpeechAudio {
        guard let bytes else { throw InputFailure(code: "input_unreadable", message: "cannot read the file") }
        return try WAVDecoder.decode(bytes)
    }

    /// Exit status 1, with why `name` could not be used on standard error.
    static func failure(_ name: String, _ error: any Error) -> ExitCode {
        FileHandle.standardError.write(Data("intake: \(name): \(error.intakeMessage) [\(error.intakeCode)]\n".utf8))
        return ExitCode(1)
    }

    /// The (recording, transcript) pairs of a transcripts file.
    static func entries(of file: URL) throws -> [(URL, String)] {
        let text: String
        do { text = try String(contentsOf: file, encoding: .utf8) } catch {
            throw ValidationError("cannot read \(file.path): \(error.localizedDescription)")
        }
        var entries: [(URL, String)] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let parts = line.split(separator: "\t", maxSplits: 1)
            guard parts.count == 2, !parts[1].trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("\(file.path):\(number + 1): expected a WAV path, a tab and what was said")
            }
            let path = String(parts[0])
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : file.deletingLastPathComponent().appendingPathComponent(path)
            entries.append((url, String(parts[1])))
        }
        return entries
    }
}
