import ArgumentParser
import Foundation
import IntakeCore
import IntakeVoice

/// `intake adapt-voice TRANSCRIPTS.tsv --output FILE`: adapts the speech recogniser's acoustic
/// model to a site's own speakers (MLLR), from recordings and what was said in them.
struct AdaptVoiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adapt-voice",
        abstract: "Adapt the speech recogniser to your couriers' voices from recordings with transcripts.",
        discussion: """
            Each line of a transcripts file is a WAV file (relative to the transcripts file) \
            and, after a tab, what was said in it; lines starting with # are ignored. Write \
            what was said, not the order: "hi, store 12, three iced americanos, no straw". \
            Numbers and codes may be written as digits; they are read as spoken.

            The recordings pass through the recogniser's own front end (the pipeline's \
            `voice.recognize` options, noise suppression included), then SphinxTrain's `bw` \
            and `mllr_solve` estimate one linear transform of the model's means. Point \
            `voice.recognize`'s `adaptation` option at the output to use it. A few minutes of \
            speech is enough; adapt on the people and places the recogniser will hear, since a \
            transform made from other voices can make it worse. Needs Debian's sphinxtrain, \
            sphinxbase-utils and pocketsphinx.

            Exit status: 0 when the transform was written, 1 when a recording could not be \
            read or the tools failed, 2 on usage errors.

            Examples:
              intake adapt-voice recordings/transcripts.tsv --output models/voice/site.mllr
              intake adapt-voice a.tsv b.tsv --output models/voice/site.mllr --json
            """)

    @OptionGroup var master: MasterDataOptions

    @Argument(help: ArgumentHelp("Transcripts files: WAV path, a tab, what was said.", valueName: "tsv"))
    var transcripts: [String]

    @Option(name: .long, help: ArgumentHelp("Where to write the transform (replaced whole).", valueName: "file"))
    var output: String

    @Flag(name: .long, help: "Print the summary as one JSON object.")
    var json = false

    func validate() throws {
        if transcripts.isEmpty { throw ValidationError("name at least one transcripts file") }
    }

    func run() throws {
        let configuration = try master.loadConfiguration()
        let data = try master.loadMasterData(for: configuration)
        let options = configuration.routes.flatMap(\.stages).first { $0.uses == "voice.recognize" }?.options
        let stage = try RecognizeStage(master: data, options: options ?? ConfigNode.empty(file: configuration.file))

        var recordings: [SpeakerAdaptation.Recording] = []
        for file in transcripts {
            for (path, said) in try Self.entries(of: URL(fileURLWithPath: file)) {
                do {
                    let audio = try WAVDecoder.decode(Data(contentsOf: path))
                    recordings.append(.init(name: path.path, audio: audio, transcript: said))
                } catch {
                    FileHandle.standardError.write(Data("intake: \(path.path): \(error.intakeMessage) [\(error.intakeCode)]\n".utf8))
                    throw ExitCode(1)
                }
            }
        }
        FileHandle.standardError.write(Data(String(format: "adapting on %d recordings (%.0f s of speech)…\n",
                                                   recordings.count, recordings.reduce(0) { $0 + $1.audio.duration }).utf8))
        let summary = try stage.speakerAdaptation().adapt(recordings, writingTo: URL(fileURLWithPath: output))
        if json {
            let object: [String: Any] = [
                "recordings": summary.recordings, "skipped": summary.skipped, "audio_seconds": summary.seconds,
                "aligned_frames": summary.frames, "transform": summary.transform.path,
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print(String(format: "wrote %@: %d recordings, %.1f s of audio, %d frames aligned", summary.transform.path,
                         summary.recordings, summary.seconds, summary.frames))
            for name in summary.skipped { print("  skipped (could not be aligned to its transcript): \(name)") }
            print("use it with voice.recognize's option `adaptation: \(summary.transform.path)`")
        }
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
