import Foundation
import IntakeCore

/// Recordings of a site's own couriers with what they said → the acoustic model adapted to them,
/// with SphinxTrain's `bw` and then `mllr_solve` (a transform: `voice.recognize` option
/// `adaptation`) or `map_adapt` (a model directory: option `model`).
///
/// Why: the en-us model was trained on other voices and rooms. Adapting it to the people and
/// vans a deployment actually hears is PocketSphinx's documented way to close that gap, with
/// no retraining. Measured (docs/benchmarks.md): adapted on one set of synthetic reports and
/// tested on others in the same voices, exact orders at 10 dB SNR rose from 19 to 27 of 72
/// (MLLR) and to 37 (MAP); with three times the speech and two MAP passes, to 44. An MLLR
/// transform from two other voices lowered them to 16. It adapts to speakers, so adapt on
/// your own.
///
/// Each recording goes through the recogniser's own front end first (`NoiseSuppressor`), so
/// the transform is estimated on what the decoder will be given. Transcript words are written
/// as spoken ("12" → "twelve"); a word the recogniser's dictionary lacks gets its
/// pronunciation as the vocabulary's words do (CMU dictionary, else letter-to-sound).
public struct SpeakerAdaptation: Sendable {
    /// One recording and what was said in it.
    public struct Recording: Sendable {
        public var name: String
        public var audio: SpeechAudio
        public var transcript: String
        public init(name: String, audio: SpeechAudio, transcript: String) {
            self.name = name
            self.audio = audio
            self.transcript = transcript
        }
    }

    /// What an adaptation used.
    public struct Summary: Sendable, Equatable {
        public var recordings: Int
        /// Recordings `bw` could not align to their transcript (wrong transcript, or no speech)
        /// in the last pass.
        public var skipped: [String]
        public var seconds: Double
        /// Frames aligned in the last pass.
        public var frames: Int
        /// Statistics-and-estimate passes made (MAP can make several).
        public var passes: Int
        /// The transform file (MLLR) or model directory (MAP) written.
        public var output: URL
    }

    /// Where the Debian tools live (`sphinxtrain`, `sphinxbase-utils`, `pocketsphinx`).
    public struct Tools: Sendable {
        public var bw = "/usr/lib/sphinxtrain/bw"
        public var mllrSolve = "/usr/lib/sphinxtrain/mllr_solve"
        public var mapAdapt = "/usr/lib/sphinxtrain/map_adapt"
        public var featureExtractor = "/usr/bin/sphinx_fe"
        public var mdefConverter = "/usr/bin/pocketsphinx_mdef_convert"
        public init() {}

        var missing: [String] {
            [bw, mllrSolve, mapAdapt, featureExtractor, mdefConverter].filter { !FileManager.default.isExecutableFile(atPath: $0) }
        }
    }

    public var acousticModel: String
    /// The recogniser's dictionary (`DomainRecognizerFiles.dictionary`): its variants are the ones decoded.
    public var dictionary: URL
    /// Pronunciations of transcript words the recogniser's dictionary lacks.
    public var pronunciations: PronunciationDictionary
    public var noise: NoiseSuppressor.Settings
    public var tools: Tools

    public init(
        acousticModel: String = PocketSphinxDecoder.Configuration.debianModel, dictionary: URL,
        pronunciations: PronunciationDictionary, noise: NoiseSuppressor.Settings = .init(), tools: Tools = .init()
    ) {
        self.acousticModel = acousticModel
        self.dictionary = dictionary
        self.pronunciations = pronunciations
        self.noise = noise
        self.tools = tools
    }

    /// How the model is adapted.
    public enum Method: String, Sendable, CaseIterable {
        /// One linear transform of the means (a small file for `voice.recognize`'s `adaptation`):
        /// robust with a few minutes of speech.
        case mllr
        /// Every Gaussian moved towards the speech by its own evidence (MAP): a model directory
        /// for `voice.recognize`'s `model`. Needs more speech, and gains more from it.
        case map

        /// Passes made unless asked otherwise. MAP makes two: on four test corpora (two never
        /// used to choose anything) the second pass gained exact orders at 10 dB SNR on every
        /// one (36 → 44, 34 → 39, 30 → 34, 34 → 40 of 72) and lost nothing elsewhere.
        public var defaultPasses: Int { self == .map ? 2 : 1 }
    }

    /// Adapts the model to `recordings` and writes the result to `output` (replaced whole): an
    /// MLLR transform file, or a MAP-adapted model directory.
    ///
    /// With MAP, each pass after the first collects the statistics again through the model the
    /// last pass made and adapts that model once more: the alignment improves and the speech
    /// counts for more against the original model. `passes` defaults to the method's
    /// `defaultPasses`; a third MAP pass did not add on both corpora it was tried on
    /// (docs/benchmarks.md).
    public func adapt(_ recordings: [Recording], method: Method = .mllr, passes: Int? = nil, writingTo output: URL) throws -> Summary {
        let passes = passes ?? method.defaultPasses
        guard passes >= 1 else { throw VoiceError.adaptationFailed("at least one pass is needed (asked for \(passes))") }
        guard method == .map || passes == 1 else {
            throw VoiceError.adaptationFailed("MLLR makes one pass; several passes are for MAP (asked for \(passes))")
        }
        if !tools.missing.isEmpty {
            throw VoiceError.adaptationFailed("\(tools.missing.joined(separator: ", ")) not found; install them with `apt-get install sphinxtrain sphinxbase-utils pocketsphinx`")
        }
        guard !recordings.isEmpty else { throw VoiceError.adaptationFailed("no recordings to adapt on") }
        let manager = FileManager.default
        let work = manager.temporaryDirectory.appendingPathComponent("intake-adapt-\(UUID().uuidString)")
        try manager.createDirectory(at: work.appendingPathComponent("audio"), withIntermediateDirectories: true)
        try manager.createDirectory(at: work.appendingPathComponent("features"), withIntermediateDirectories: true)
        defer { try? manager.removeItem(at: work) }
        let model = URL(fileURLWithPath: acousticModel)

        // Audio as the decoder gets it, and transcripts in the dictionary's words.
        let suppressor = NoiseSuppressor(settings: noise)
        var fileIDs: [String] = []
        var transcriptLines: [String] = []
        var words = Set<String>()
        var seconds = 0.0
        for (index, recording) in recordings.enumerated() {
            let spoken = Self.spokenWords(recording.transcript)
            guard !spoken.isEmpty else { throw VoiceError.adaptationFailed("\(recording.name): the transcript is empty") }
            let id = String(format: "u%05d", index)
            let samples = suppressor.suppress(recording.audio.samples)
            try samples.withUnsafeBufferPointer { try Data(buffer: $0).write(to: work.appendingPathComponent("audio/\(id).raw")) }
            fileIDs.append(id)
            transcriptLines.append("<s> \(spoken.joined(separator: " ")) </s> (\(id))")
            words.formUnion(spoken)
            seconds += recording.audio.duration
        }
        try write(fileIDs.joined(separator: "\n") + "\n", to: work.appendingPathComponent("fileids"))
        try write(transcriptLines.joined(separator: "\n") + "\n", to: work.appendingPathComponent("transcription"))
        try write(try adaptationDictionary(for: words), to: work.appendingPathComponent("dictionary"))

        // The model as SphinxTrain reads it: a text model definition and float mixture weights.
        let definition = work.appendingPathComponent("mdef.txt")
        try run(tools.mdefConverter, ["-text", model.appendingPathComponent("mdef").path, definition.path])
        let mixtureWeights = work.appendingPathComponent("mixture_weights")
        if manager.fileExists(atPath: model.appendingPathComponent("mixture_weights").path) {
            try manager.copyItem(at: model.appendingPathComponent("mixture_weights"), to: mixtureWeights)
        } else {
            let dump = try Data(contentsOf: model.appendingPathComponent("sendump"))
            try SenoneMixtureWeights(sendump: dump).sphinxTrainFile.write(to: mixtureWeights)
        }
        let features = try Self.featureParameters(model.appendingPathComponent("feat.params"))
        let base = Parameters(
            means: model.appendingPathComponent("means").path, variances: model.appendingPathComponent("variances").path,
            mixtureWeights: mixtureWeights.path, transitions: model.appendingPathComponent("transition_matrices").path)
        let tiedStates = ".\(features["model"] ?? "cont")."  // the model type: .ptm., .cont. or .semi.

        try run(tools.featureExtractor, [
            "-argfile", model.appendingPathComponent("feat.params").path, "-samprate", String(SpeechAudio.sampleRate),
            "-c", work.appendingPathComponent("fileids").path, "-di", work.appendingPathComponent("audio").path, "-ei", "raw",
            "-raw", "yes", "-input_endian", "little", "-do", work.appendingPathComponent("features").path, "-eo", "mfc",
        ])
        var current = base
        var skipped: [String] = []
        var frames = 0
        for pass in 1...passes {
            let accumulated = work.appendingPathComponent("counts-\(pass)")
            try manager.createDirectory(at: accumulated, withIntermediateDirectories: true)
            var statistics = [
                "-moddeffn", definition.path, "-ts2cbfn", tiedStates, "-meanfn", current.means, "-varfn", current.variances,
                "-mixwfn", current.mixtureWeights, "-tmatfn", current.transitions,
                "-dictfn", work.appendingPathComponent("dictionary").path, "-fdictfn", model.appendingPathComponent("noisedict").path,
                "-ctlfn", work.appendingPathComponent("fileids").path, "-lsnfn", work.appendingPathComponent("transcription").path,
                "-cepdir", work.appendingPathComponent("features").path, "-accumdir", accumulated.path,
            ]
            for key in ["feat", "svspec", "agc", "cmn", "varnorm"] { if let value = features[key] { statistics += ["-\(key)", value] } }
            let log = try run(tools.bw, statistics)
            skipped = Self.skippedUtterances(log, ids: fileIDs).compactMap { id in Int(id.dropFirst()).map { recordings[$0].name } }
            frames = Self.alignedFrames(log)
            guard frames > 0, skipped.count < recordings.count else {
                throw VoiceError.adaptationFailed("no recording could be aligned to its transcript (\(skipped.count) skipped); check that the transcripts say what the recordings do")
            }

            switch method {
            case .mllr:
                let transform = work.appendingPathComponent("mllr_matrix")
                try run(tools.mllrSolve, ["-meanfn", base.means, "-varfn", base.variances, "-outmllrfn", transform.path, "-accumdir", accumulated.path])
                try install(transform, at: output)
            case .map:
                // Each pass's model moves from the one before; the last becomes the output.
                let adapted = work.appendingPathComponent("model-\(pass)")
                try manager.createDirectory(at: adapted, withIntermediateDirectories: true)
                let next = Parameters(
                    means: adapted.appendingPathComponent("means").path, variances: adapted.appendingPathComponent("variances").path,
                    mixtureWeights: adapted.appendingPathComponent("mixture_weights").path,
                    transitions: adapted.appendingPathComponent("transition_matrices").path)
                try run(tools.mapAdapt, [
                    "-moddeffn", definition.path, "-ts2cbfn", tiedStates, "-meanfn", current.means, "-varfn", current.variances,
                    "-mixwfn", current.mixtureWeights, "-tmatfn", current.transitions, "-accumdir", accumulated.path,
                    "-mapmeanfn", next.means, "-mapvarfn", next.variances, "-mapmixwfn", next.mixtureWeights, "-maptmatfn", next.transitions,
                ])
                current = next
                guard pass == passes else { continue }
                // A whole model directory: the base model's definition and front end, the adapted
                // parameters, and no `sendump` (PocketSphinx would read it before `mixture_weights`).
                for name in ["mdef", "feat.params", "noisedict"] {
                    try manager.copyItem(at: model.appendingPathComponent(name), to: adapted.appendingPathComponent(name))
                }
                try install(adapted, at: output)
            }
        }
        return Summary(recordings: recordings.count, skipped: skipped, seconds: seconds, frames: frames, passes: passes, output: output)
    }

    /// A model's parameter files, as `bw` and `map_adapt` read them.
    private struct Parameters {
        var means: String, variances: String, mixtureWeights: String, transitions: String
    }

    /// Moves `item` (a file or a directory) to `url`, replacing what is there only once the new
    /// one is complete: a reader sees the old or the new, never half of either.
    private func install(_ item: URL, at url: URL) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let staged = url.appendingPathExtension("tmp-\(UUID().uuidString)")
        try manager.moveItem(at: item, to: staged)
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            // rename(2) does not replace a non-empty directory: move the old one aside first.
            let old = url.appendingPathExtension("old-\(UUID().uuidString)")
            try manager.moveItem(at: url, to: old)
            defer { try? manager.removeItem(at: old) }
            try manager.moveItem(at: staged, to: url)
            return
        }
        guard rename(staged.path, url.path) == 0 else {
            let code = errno
            try? manager.removeItem(at: staged)
            throw VoiceError.adaptationFailed("cannot write \(url.path) (errno \(code))")
        }
    }

    /// What the recogniser heard in a recording, to adapt on when no one wrote down what was said;
    /// nil when it heard nothing, or a segment mostly outside the vocabulary (`doubtfulShare`), as
    /// adapting on a wrong transcript teaches the model the mistake.
    public static func heardTranscript(_ heard: Transcript, doubtfulShare: Double) -> String? {
        guard !heard.text.isEmpty, !heard.segments.contains(where: { $0.outOfDomainShare >= doubtfulShare }) else { return nil }
        return heard.text
    }

    /// A transcript as the words a speaker says: lowercase, no punctuation, digits and codes
    /// spoken ("Store 12: 3 x 6205-2RS" → store twelve three x sixty two oh five two r s).
    public static func spokenWords(_ transcript: String) -> [String] {
        SpokenForms.variants(of: transcript, limit: 1).first ?? []
    }

    /// The recogniser's own entries for the words it knows, and a pronunciation for the others.
    private func adaptationDictionary(for words: Set<String>) throws -> String {
        var known: [String: [String]] = [:]
        for line in try String(contentsOf: dictionary, encoding: .utf8).split(whereSeparator: \.isNewline) {
            guard let space = line.firstIndex(of: " ") else { continue }
            var word = String(line[..<space])
            if let open = word.firstIndex(of: "("), word.hasSuffix(")") { word = String(word[..<open]) }
            known[word, default: []].append(String(line))
        }
        var lines: [String] = []
        for word in words.sorted() {
            if let entries = known[word] {
                lines += entries
            } else {
                for (index, phones) in pronunciations.pronunciations(of: word).phones.enumerated() {
                    lines.append((index == 0 ? word : "\(word)(\(index + 1))") + " " + phones)
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `feat.params` as option → value (`-feat 1s_c_d_dd` → feat: 1s_c_d_dd).
    static func featureParameters(_ file: URL) throws -> [String: String] {
        var parameters: [String: String] = [:]
        for line in try String(contentsOf: file, encoding: .utf8).split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count == 2, parts[0].hasPrefix("-") { parameters[String(parts[0].dropFirst())] = String(parts[1]) }
        }
        return parameters
    }

    /// The utterance ids `bw` did not align: its per-utterance line ("utt> 0 u00000 426 0 0 utt …")
    /// counts no states, or the utterance has no line at all.
    static func skippedUtterances(_ log: String, ids: [String]) -> [String] {
        var aligned = Set<String>()
        for line in log.split(whereSeparator: \.isNewline) where line.hasPrefix("utt>") {
            // An utterance too short to align has no newline before the next report.
            let report = line.range(of: "overall>").map { line[..<$0.lowerBound] } ?? line[...]
            let fields = report.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count > 6, fields[5] != "0", fields[6] != "utt" { aligned.insert(String(fields[2])) }
        }
        return ids.filter { !aligned.contains($0) }
    }

    /// Frames `bw` aligned in all ("overall> stats 137188 (-0) …").
    static func alignedFrames(_ log: String) -> Int {
        guard let stats = log.range(of: "overall> stats ") else { return 0 }
        return Int(log[stats.upperBound...].prefix { $0.isNumber }) ?? 0
    }

    private func write(_ text: String, to url: URL) throws { try Data(text.utf8).write(to: url) }

    /// Runs a tool; its output and errors together, or `adaptationFailed` with the tail of them.
    @discardableResult
    private func run(_ tool: String, _ arguments: [String]) throws -> String {
        guard let result = try ExternalCommand.run(tool, arguments) else {
            throw VoiceError.adaptationFailed("\(tool) is not installed")
        }
        let log = String(decoding: result.output, as: UTF8.self) + "\n" + result.errors
        guard result.status == 0 else {
            let tail = log.split(whereSeparator: \.isNewline).filter { $0.contains("ERROR") || $0.contains("FATAL") }.suffix(3).joined(separator: "; ")
            throw VoiceError.adaptationFailed("\((tool as NSString).lastPathComponent) failed (status \(result.status)): \(tail.isEmpty ? String(log.suffix(300)) : tail)")
        }
        return log
    }
}
