import Foundation
import IntakeAlignment
import IntakeCore

/// `voice.decode`: audio bytes (WAV) → `SpeechAudio` at 16 kHz mono.
public struct AudioDecodeStage: Stage {
    public init() {}

    public func process(_ bytes: Data, context: StageContext) throws -> SpeechAudio {
        try WAVDecoder.decode(bytes)
    }
}

/// `voice.recognize`: `SpeechAudio` → `OrderText` with each word's audio span and confidence,
/// through PocketSphinx with a language model built from the master data at start-up.
///
/// Options: `model` (acoustic model directory; Debian's en-us), `dictionary` (the CMU
/// dictionary), `pronunciations` (a CMU-format file of local pronunciations that win),
/// `extra_words` (words couriers say that the master data lacks: street and shop names),
/// `cache` (where the language model and dictionary are kept, by a hash of the master data; sets
/// unused for 30 days are removed; default: the system temporary folder),
/// `split_pause` (0.8 s), `doubtful_share` (0.34), `language_weight` (8.5 for Debian's model, in every
/// search pass; 7.5 suits a model adapted with `intake adapt-voice --method map`), `insertion_penalty` (0.2),
/// `alternatives` (40: N-best readings per segment weighed by how well they read as an order;
/// 0 takes the best path as heard), `noise_suppression` (true: noisy recordings are filtered
/// before decoding, see `NoiseSuppressor`), `word_posteriors` (true: a number word is no surer
/// than the lattice's posterior of it, so a doubtful count sends its order to review),
/// `adaptation` (an MLLR transform made by `intake adapt-voice` from the site's own recordings;
/// none by default).
public struct RecognizeStage: Stage {
    public let vocabulary: SpeechVocabulary
    public let files: DomainRecognizerFiles
    public let configuration: PocketSphinxDecoder.Configuration
    public let settings: SpeechRecognizer.Settings
    /// Where pronunciations come from: the CMU dictionary and local additions.
    public let pronunciationFiles: (dictionary: URL, additions: [URL])
    private let reader: TextIntentParser?
    private let recognizers: WorkerLocal<SpeechRecognizer>

    /// `language_weight` when the pipeline does not say: tuned for Debian's acoustic model.
    public static let defaultLanguageWeight = 8.5
    /// `insertion_penalty` when the pipeline does not say (with the adapted model, 0.1 and 0.4
    /// gave the same totals on two corpora: docs/benchmarks.md).
    public static let defaultInsertionPenalty = 0.2

    public init(
        vocabulary: SpeechVocabulary, files: DomainRecognizerFiles,
        acousticModel: String = PocketSphinxDecoder.Configuration.debianModel, reader: TextIntentParser? = nil,
        settings: SpeechRecognizer.Settings = .init(), languageWeight: Double = defaultLanguageWeight, insertionPenalty: Double = defaultInsertionPenalty,
        adaptation: String? = nil,
        pronunciationFiles: (dictionary: URL, additions: [URL]) = (URL(fileURLWithPath: PocketSphinxDecoder.Configuration.debianDictionary), [])
    ) {
        self.vocabulary = vocabulary
        self.pronunciationFiles = pronunciationFiles
        self.reader = reader
        self.files = files
        self.settings = settings
        var configuration = PocketSphinxDecoder.Configuration(
            acousticModel: acousticModel, dictionary: files.dictionary.path, languageModel: files.languageModel.path)
        configuration.languageWeight = languageWeight
        // One weight for all three passes. PocketSphinx keeps 9.5 for the last one (which picks
        // the transcript and ranks the N-best readings); with a MAP-adapted model, 7.5 in every
        // pass heard 252 of 288 noisy orders against 245. Debian's model loses 3 of 144 at 10 dB
        // this way, the price of one knob (docs/benchmarks.md, "one language weight").
        configuration.laterPassLanguageWeights = (languageWeight, languageWeight)
        configuration.insertionPenalty = insertionPenalty
        configuration.adaptation = adaptation
        // Wider last-phone beams (where one word hands over to the next) keep more word endings
        // in the search: more exact orders in every flite condition, short words and spelled
        // codes mended, for 40% (adapted model) to 65% (Debian's) more decode time
        // (docs/benchmarks.md, "wider last-phone beams"). Wider still mended nothing more.
        configuration.beams.lpbeam = "1e-60"
        configuration.beams.lponlybeam = "1e-50"
        self.configuration = configuration
        // The decoder's own dictionary (written by `DomainRecognizerFiles`), read once for all
        // workers: it says which words sound like numbers.
        let heardAs = try? PronunciationDictionary(files: [files.dictionary])
        recognizers = WorkerLocal {
            SpeechRecognizer(
                decoder: try PocketSphinxDecoder(configuration), vocabulary: vocabulary, reader: reader,
                pronunciations: heardAs, settings: settings)
        }
    }

    public init(master: MasterData, options: ConfigNode) throws {
        try options.allowOnly([
            "model", "dictionary", "pronunciations", "extra_words", "cache", "split_pause", "doubtful_share", "language_weight", "insertion_penalty",
            "alternatives", "noise_suppression", "word_posteriors", "adaptation",
        ])
        let model = try options.optionalPath("model")?.path ?? PocketSphinxDecoder.Configuration.debianModel
        let dictionary = try options.optionalPath("dictionary") ?? URL(fileURLWithPath: PocketSphinxDecoder.Configuration.debianDictionary)
        let additions = try options.optionalPath("pronunciations").map { [$0] } ?? []
        let cache = try options.optionalPath("cache") ?? FileManager.default.temporaryDirectory.appendingPathComponent("intake-voice")
        var settings = SpeechRecognizer.Settings()
        if let pause = try options.optional("split_pause") {
            settings.segmenter.splitPause = try pause.durationValue()
            guard (0.1...10).contains(settings.segmenter.splitPause) else { throw pause.error("use a pause between 0.1s and 10s") }
        }
        settings.doubtfulShare = try options.double("doubtful_share", default: settings.doubtfulShare, in: 0...1)
        settings.alternatives = try options.int("alternatives", default: settings.alternatives, in: 0...200)
        settings.noise.enabled = try options.bool("noise_suppression", default: settings.noise.enabled)
        settings.wordPosteriors = try options.bool("word_posteriors", default: settings.wordPosteriors)
        for path in [dictionary] + additions where !FileManager.default.fileExists(atPath: path.path) {
            throw options.error("\(path.path) does not exist; install pocketsphinx-en-us or fix the path")
        }
        let adaptation = try options.optionalPath("adaptation")
        if let adaptation, !FileManager.default.fileExists(atPath: adaptation.path) {
            throw options.error("\(adaptation.path) does not exist; make it with `intake adapt-voice` or remove `adaptation`")
        }
        let vocabulary = SpeechVocabulary(master: master, extraWords: try options.stringList("extra_words"))
        let files = try DomainRecognizerFiles.prepare(vocabulary: vocabulary, baseDictionary: dictionary, additions: additions, cache: cache)
        self.init(
            vocabulary: vocabulary, files: files, acousticModel: model, reader: IntentAligner(master: master).parser, settings: settings,
            languageWeight: try options.double("language_weight", default: Self.defaultLanguageWeight, in: 1...30),
            insertionPenalty: try options.double("insertion_penalty", default: Self.defaultInsertionPenalty, in: 1e-6...10), adaptation: adaptation?.path,
            pronunciationFiles: (dictionary, additions))
    }

    public func process(_ audio: SpeechAudio, context: StageContext) throws -> OrderText {
        try transcribe(audio, worker: context.worker, until: context.deadline)
            .orderText(rewrites: vocabulary.rewrites, doubtfulShare: settings.doubtfulShare)
    }

    /// The pipeline's `timeout` for each minute of audio: decoding time grows with the recording
    /// (a 108 s report of 24 deliveries took about 30 s here and failed at the 30 s default).
    public func timeout(for audio: SpeechAudio, configured: Double) -> Double {
        configured * max(1, audio.duration / 60)
    }

    /// An adaptation of this stage's acoustic model, through its dictionary and noise suppression
    /// (`intake adapt-voice`).
    public func speakerAdaptation() throws -> SpeakerAdaptation {
        SpeakerAdaptation(
            acousticModel: configuration.acousticModel, dictionary: files.dictionary,
            pronunciations: try PronunciationDictionary(files: [pronunciationFiles.dictionary], additions: pronunciationFiles.additions),
            noise: settings.noise)
    }

    /// This stage with what `speakerAdaptation()` wrote to `output` in use: the transform (MLLR)
    /// or the model directory (MAP).
    public func adapted(_ output: URL, method: SpeakerAdaptation.Method) -> RecognizeStage {
        RecognizeStage(
            vocabulary: vocabulary, files: files, acousticModel: method == .map ? output.path : configuration.acousticModel,
            reader: reader, settings: settings, languageWeight: configuration.languageWeight,
            insertionPenalty: configuration.insertionPenalty, adaptation: method == .mllr ? output.path : configuration.adaptation,
            pronunciationFiles: pronunciationFiles)
    }

    /// What `worker`'s recogniser hears in `audio` (also used by `intake transcribe`).
    public func transcribe(_ audio: SpeechAudio, worker: Int, until deadline: DispatchTime = .distantFuture) throws -> Transcript {
        try recognizers.value(for: worker).transcribe(audio, until: deadline)
    }
}
