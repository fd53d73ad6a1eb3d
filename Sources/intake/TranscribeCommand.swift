import ArgumentParser
import Foundation
import IntakeAlignment
import IntakeCore
import IntakeVoice

/// `intake transcribe FILE…`: what the recogniser hears, word by word with times; the tool for
/// tuning a vocabulary (aliases, `extra_words`, pronunciations) before couriers use it.
struct TranscribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcribe",
        abstract: "Print what the speech recogniser hears in audio files, with word timings and confidences.",
        discussion: """
            By default the recogniser uses the domain grammar built from the pipeline's master \
            data and its `voice.recognize` options, exactly as `intake process` does. --grammar, \
            --lm and --dict swap in your own search and dictionary (e.g. the general English model \
            with --lm /usr/share/pocketsphinx/model/en-us/en-us.lm.bin). Words whose \
            pronunciation was guessed are listed with --vocabulary.

            Exit status: 0 when every file was decoded, 1 when some could not be read.

            Examples:
              intake transcribe samples/voice/store12-oat-milk.wav
              intake transcribe --json report.wav
              intake transcribe --readings --order-text report.wav
              intake transcribe --sample-rate 16000 recording.raw
              intake transcribe --grammar cards.gram --dict cards.dic cards/001.wav
              intake transcribe --vocabulary
            """)

    @OptionGroup var master: MasterDataOptions

    @Argument(help: ArgumentHelp("WAV files (or raw s16le with --sample-rate).", valueName: "file"))
    var files: [String] = []

    @Option(name: .long, help: ArgumentHelp("A JSGF grammar to decode with instead of the domain grammar.", valueName: "jsgf"))
    var grammar: String?

    @Option(name: .long, help: ArgumentHelp("An n-gram language model (ARPA or .lm.bin) instead of the domain grammar.", valueName: "file"))
    var lm: String?

    @Option(name: .long, help: ArgumentHelp("Pronunciation dictionary for --grammar or --lm (default: the CMU dictionary).", valueName: "file"))
    var dict: String?

    @Option(name: .long, help: ArgumentHelp("Read files as headerless signed 16-bit little-endian mono at this rate.", valueName: "hz"))
    var sampleRate: Int?

    @Flag(name: .long, help: "Also print the order text handed to alignment, with spoken forms written back.")
    var orderText = false

    @Flag(name: .long, help: "Also print each segment's N-best readings as the aligner reads them, with how plausible each is as an order.")
    var readings = false

    @Flag(name: .long, help: "List the domain words whose pronunciation was guessed, and how.")
    var vocabulary = false

    @Flag(name: .long, help: "One JSON object per file.")
    var json = false

    func validate() throws {
        if grammar != nil && lm != nil { throw ValidationError("use --grammar or --lm, not both") }
        if files.isEmpty && !vocabulary { throw ValidationError("name at least one audio file (or pass --vocabulary)") }
    }

    func run() throws {
        let stage = try domainStage()
        if vocabulary, let stage {
            for (word, source) in stage.files.guessed.sorted(by: { $0.key < $1.key }) { print("\(word)\t\(source)") }
        }
        let custom = try customRecognizer()
        var failures = 0
        for file in files {
            do {
                let bytes = try InputCollector.read(file)
                let audio = try sampleRate.map { try WAVDecoder.decodeRaw(bytes, sampleRate: $0) } ?? WAVDecoder.decode(bytes)
                let started = DispatchTime.now()
                let transcript = try custom?.transcribe(audio) ?? stage!.transcribe(audio, worker: 0)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
                let text = stage.map { transcript.orderText(rewrites: $0.vocabulary.rewrites, doubtfulShare: $0.settings.doubtfulShare) }
                print(json ? try jsonLine(file, transcript, text, seconds) : humanReport(file, transcript, text, seconds))
            } catch {
                failures += 1
                FileHandle.standardError.write(Data("intake: \(file): \(error.intakeMessage) [\(error.intakeCode)]\n".utf8))
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }

    /// The pipeline's own recogniser, unless the user brought a search of their own.
    private func domainStage() throws -> RecognizeStage? {
        guard grammar == nil && lm == nil else { return nil }
        return try master.recognizeStage(master.loadConfiguration())
    }

    private func customRecognizer() throws -> SpeechRecognizer? {
        guard grammar != nil || lm != nil else { return nil }
        let configuration = PocketSphinxDecoder.Configuration(
            dictionary: dict ?? PocketSphinxDecoder.Configuration.debianDictionary, grammar: grammar, languageModel: lm)
        // An empty vocabulary: every word counts as in-domain for the user's own search.
        return SpeechRecognizer(decoder: try PocketSphinxDecoder(configuration), vocabulary: nil)
    }

    private func humanReport(_ file: String, _ transcript: Transcript, _ text: OrderText?, _ seconds: Double) -> String {
        var lines = [String(format: "%@: %@, %.2f s, decoded in %.2f s (RTF %.3f)", file, transcript.sourceFormat,
                            transcript.duration, seconds, transcript.duration > 0 ? seconds / transcript.duration : 0)]
        if transcript.segments.isEmpty { lines.append("  (no speech found)") }
        for segment in transcript.segments {
            lines.append(String(format: "  segment %.2f–%.2f s%@", segment.start, segment.end,
                                segment.outOfDomainShare > 0 ? String(format: " (%.0f%% outside the vocabulary)", segment.outOfDomainShare * 100) : ""))
            for word in segment.words {
                let posterior = word.posterior.map { String(format: "  (lattice posterior %.2f)", $0) } ?? ""
                lines.append(String(format: "    %6.2f %6.2f  %.2f  %@%@%@", word.start, word.end, word.confidence, word.text, word.inDomain ? "" : "  (other)", posterior))
            }
            if readings {
                for (rank, reading) in segment.readings.enumerated() {
                    let mark = rank == (segment.alternative ?? 0) ? "*" : " "
                    lines.append(String(format: "   %@ reading %2d  %6.2f  %7d  %@", mark, rank, reading.plausibility, reading.scoreBelowBest, reading.text))
                }
            }
        }
        lines.append("  heard: \(transcript.text)")
        if orderText, let text { lines.append("  order text: \(text.text)") }
        return lines.joined(separator: "\n")
    }

    private func jsonLine(_ file: String, _ transcript: Transcript, _ text: OrderText?, _ seconds: Double) throws -> String {
        struct Output: Encodable {
            struct Word: Encodable {
                var word: String; var start: Double; var end: Double; var confidence: Double; var in_domain: Bool; var posterior: Double?
            }
            struct Reading: Encodable { var text: String; var plausibility: Double; var chosen: Bool }
            struct Segment: Encodable {
                var start: Double; var end: Double; var out_of_domain_share: Double; var words: [Word]; var readings: [Reading]?
            }
            var file: String
            var format: String
            var duration: Double
            var decode_seconds: Double
            var text: String
            var order_text: String?
            var segments: [Segment]
        }
        func round(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
        let output = Output(
            file: file, format: transcript.sourceFormat, duration: round(transcript.duration), decode_seconds: round(seconds),
            text: transcript.text, order_text: text?.text,
            segments: transcript.segments.map { segment in
                .init(start: round(segment.start), end: round(segment.end), out_of_domain_share: round(segment.outOfDomainShare),
                      words: segment.words.map {
                          .init(word: $0.text, start: round($0.start), end: round($0.end), confidence: $0.confidence, in_domain: $0.inDomain,
                                posterior: $0.posterior.map(round))
                      },
                      readings: readings
                        ? segment.readings.enumerated().map { .init(text: $1.text, plausibility: round($1.plausibility), chosen: $0 == (segment.alternative ?? 0)) }
                        : nil)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(output), as: UTF8.self)
    }
}
