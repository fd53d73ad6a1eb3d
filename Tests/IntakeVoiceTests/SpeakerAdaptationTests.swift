import Foundation
import IntakeTestSupport
import IntakeAlignment
import IntakeCore
import Testing
@testable import IntakeVoice

/// Adapting the acoustic model to a voice it hears badly: flite's slt pitched down and muffled
/// (sox `pitch -800 lowpass 2000`), as a deep voice on a poor phone line might be.
@Suite(.serialized) struct SpeakerAdaptationTests {
    static let training = [
        "please send, three green teas take away, and two croissant dough.",
        "forty blueberry muffins, three decaf coffee beans, please.",
        "can we get, eighteen scones, plus thirty sixteen ounce hot cup.",
        "store forty, nineteen gland packing, and also ten accelerometers, thanks.",
        "store five, four long blacks no froth, and seventeen cup sleeves, plus seven soy milk cartons, thanks.",
        "can we get, one black ballpoint.",
        "store twelve, twenty four fruit cups, and four mint teas.",
        "fourteen coolant filters, thanks.",
        "please send, seven iced americanos tall size, and eight ice lattes without lid extra froth, and also fifty eight ounce lid.",
        "eight page markers.",
        "store nineteen, two caramel syrups.",
        "can we get, fifteen ice cream tubs, and sixteen mint teas.",
        "hello, four temperature indicating labels, and also two soluble oils, eighteen gasket sheets, please.",
        "hi, seven brownies.",
        "store twenty two, nine heavy duty staplers, and sixteen spiral notebooks.",
    ]
    /// The recogniser before adaptation, as the pipeline builds it. Its own, not
    /// `VoiceRecognitionTests.stage`: that suite runs beside this one, and two threads in one
    /// worker's PocketSphinx decoder crashed the test run (`create_dag_nodes` assertion).
    static let unadapted = VoiceRecognitionTests.makeStage(alternatives: SpeechRecognizer.Settings().alternatives)
    /// Other sentences, never adapted on, with their order lines (SKU and quantity).
    static let heldOut = [
        ("we need twenty gasket sheets and six bearing seal kits", ["MRO-3065 20", "MRO-3055 6"]),
        ("hi, store nine, two hot chocolates and eleven disposable gloves", ["CAF-1020 2", "CAF-1114 11"]),
        ("can we get seventeen lemon drizzle and four tuna panini", ["CAF-1045 17", "CAF-1054 4"]),
    ]

    /// `text` spoken by slt through the deep, muffled channel. `-R`: sox dithers with a fixed
    /// seed, so every run hears the same audio (unseeded, the unadapted count moved between 1 and 2).
    static func distorted(_ text: String) throws -> SpeechAudio {
        let folder = try makeTemporaryDirectory(prefix: "intake-adapt-test")
        defer { try? FileManager.default.removeItem(at: folder) }
        let clean = folder.appendingPathComponent("clean.wav"), heard = folder.appendingPathComponent("heard.wav")
        try Data(VoiceRecognitionTests.speak(text)).write(to: clean)
        let sox = try #require(try ExternalCommand.run("/usr/bin/sox", ["-R", clean.path, heard.path, "pitch", "-800", "lowpass", "2000"]))
        #expect(sox.status == 0, "sox: \(sox.errors)")
        return try WAVDecoder.decode(Data(contentsOf: heard))
    }

    /// Held-out lines heard right (SKU and quantity) by `stage`.
    static func linesHeard(_ stage: RecognizeStage, _ audio: [SpeechAudio]) throws -> Int {
        var right = 0
        for (index, (_, expected)) in heldOut.enumerated() {
            let text = try stage.transcribe(audio[index], worker: 0)
                .orderText(rewrites: stage.vocabulary.rewrites, doubtfulShare: stage.settings.doubtfulShare)
            let lines = IntentAligner(master: VoiceRecognitionTests.master).align(text).intent.lines.map { "\($0.sku ?? "-") \(Int($0.quantity))" }
            right += expected.filter(lines.contains).count
        }
        return right
    }

    /// The training sentences through the channel, rendered once for the suite.
    static let trainingRecordings: [SpeakerAdaptation.Recording] = try! training.enumerated().map { index, text in
        SpeakerAdaptation.Recording(name: "training \(index)", audio: try distorted(text), transcript: text)
    }
    static let heldOutAudio: [SpeechAudio] = try! heldOut.map { try distorted($0.0) }

    /// `adapted` hears at least `margin` more held-out lines right than the unadapted recogniser.
    static func expectHeldOutHeardBetter(by adapted: RecognizeStage, margin: Int = 2) throws {
        let before = try linesHeard(Self.unadapted, heldOutAudio)
        let after = try linesHeard(adapted, heldOutAudio)
        #expect(after >= before + margin, "held-out lines heard right: \(before) unadapted, \(after) adapted, of \(heldOut.count * 2)")
    }

    @Test func aTransformFromTheVoiceItselfHearsItsOtherSentencesBetter() throws {
        let unadapted = Self.unadapted
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("intake-adapt-\(UUID().uuidString)/deep.mllr")
        defer { try? FileManager.default.removeItem(at: output.deletingLastPathComponent()) }
        let summary = try unadapted.speakerAdaptation().adapt(Self.trainingRecordings, writingTo: output)
        #expect(summary.recordings == Self.training.count)
        #expect(summary.skipped.isEmpty)
        #expect(summary.frames > 5_000)

        // One class, three feature streams of 13: a matrix, a bias and a variance scale each.
        let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n")
        #expect(lines.prefix(3) == ["1", "3", "13"])
        #expect(lines.count == 2 + 3 * 16)

        let adapted = unadapted.adapted(output, method: .mllr)
        #expect(adapted.configuration.arguments.suffix(2) == ["-mllr", output.path])
        #expect(adapted.configuration.acousticModel == unadapted.configuration.acousticModel)
        // MLLR from 15 sentences hears 3 of the 6 lines. The unadapted recogniser heard 0 of them
        // before the catalog's pronunciations were fixed (589639a, 38c79e4), 2 since.
        try Self.expectHeldOutHeardBetter(by: adapted, margin: 1)
    }

    @Test func aMAPAdaptedModelFromTheVoiceItselfHearsItsOtherSentencesBetter() throws {
        let unadapted = Self.unadapted
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("intake-adapt-\(UUID().uuidString)/model")
        defer { try? FileManager.default.removeItem(at: output.deletingLastPathComponent()) }
        // Written twice: the second replaces the first whole.
        _ = try unadapted.speakerAdaptation().adapt(Array(Self.trainingRecordings.prefix(3)), method: .map, writingTo: output)
        let summary = try unadapted.speakerAdaptation().adapt(Self.trainingRecordings, method: .map, writingTo: output)
        #expect(summary.skipped.isEmpty)
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: output.path))
        #expect(files == ["mdef", "feat.params", "noisedict", "means", "variances", "mixture_weights", "transition_matrices"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.deletingLastPathComponent().path) == ["model"])

        let adapted = unadapted.adapted(output, method: .map)
        #expect(adapted.configuration.acousticModel == output.path)
        #expect(adapted.configuration.adaptation == nil)
        try Self.expectHeldOutHeardBetter(by: adapted)
    }

    @Test func aSecondMAPPassAdaptsTheModelTheFirstPassMade() throws {
        let unadapted = Self.unadapted
        let folder = try makeTemporaryDirectory(prefix: "intake-adapt")
        defer { try? FileManager.default.removeItem(at: folder) }
        let once = folder.appendingPathComponent("once"), twice = folder.appendingPathComponent("twice")
        let first = try unadapted.speakerAdaptation().adapt(Self.trainingRecordings, method: .map, passes: 1, writingTo: once)
        let second = try unadapted.speakerAdaptation().adapt(Self.trainingRecordings, method: .map, writingTo: twice)  // two by default
        #expect(first.passes == 1)
        #expect(second.passes == 2)
        #expect(second.skipped.isEmpty)
        // Same speech, same start: only a second estimate from the first pass's model can differ.
        for file in ["means", "variances", "mixture_weights"] {
            #expect(try Data(contentsOf: once.appendingPathComponent(file)) != Data(contentsOf: twice.appendingPathComponent(file)), "\(file)")
        }
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder.path)) == ["once", "twice"])
        try Self.expectHeldOutHeardBetter(by: unadapted.adapted(twice, method: .map))

        // MLLR estimates one transform from the base model: a second pass is refused, not ignored.
        #expect(throws: VoiceError.self) {
            try unadapted.speakerAdaptation().adapt(Self.trainingRecordings, method: .mllr, passes: 2, writingTo: folder.appendingPathComponent("x.mllr"))
        }
    }

    @Test func bwsReportsAreReadEvenWhenAShortUtteranceRunsIntoTheSummary() {
        let log = """
            utt>     0                    u00000  412    0   160 18  7 7 2.850620e-102 -1.498028e+02 -6.171877e+04 utt 0.010x 1.000e
            WARN: "main.c", line 766: utt u00001 too short
            utt>     1                    u00001    0overall> stats 412 (-0) -1.498028e+02 -6.171877e+04 0.010x 1.000e
            """
        #expect(SpeakerAdaptation.skippedUtterances(log, ids: ["u00000", "u00001", "u00002"]) == ["u00001", "u00002"])
        #expect(SpeakerAdaptation.alignedFrames(log) == 412)
    }

    @Test func aRecordingThatDoesNotSayItsTranscriptIsReportedAsSkipped() throws {
        let stage = Self.unadapted
        let silence = SpeechAudio(samples: [Int16](repeating: 0, count: 16_000), sourceFormat: "test")
        let recordings = [
            SpeakerAdaptation.Recording(name: "spoken", audio: try Self.distorted(Self.training[1]), transcript: Self.training[1]),
            SpeakerAdaptation.Recording(name: "silent", audio: silence, transcript: "store twelve, fourteen blueberry muffins and forty sugar sticks"),
        ]
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("intake-adapt-\(UUID().uuidString).mllr")
        defer { try? FileManager.default.removeItem(at: output) }
        let summary = try stage.speakerAdaptation().adapt(recordings, writingTo: output)
        #expect(summary.skipped == ["silent"])
    }

    @Test func missingToolsNameThePackagesToInstall() throws {
        var adaptation = try Self.unadapted.speakerAdaptation()
        adaptation.tools.bw = "/nonexistent/bw"
        let recording = SpeakerAdaptation.Recording(name: "x", audio: SpeechAudio(samples: [0], sourceFormat: "test"), transcript: "hi")
        #expect(throws: VoiceError.adaptationFailed("/nonexistent/bw not found; install them with `apt-get install sphinxtrain sphinxbase-utils pocketsphinx`")) {
            try adaptation.adapt([recording], writingTo: URL(fileURLWithPath: "/tmp/never-written.mllr"))
        }
    }

    @Test func transcriptsAreReadAsSpoken() {
        #expect(SpeakerAdaptation.spokenWords("Store 12: 3 6205-2RS, no straw!") == "store twelve three sixty two oh five two r s no straw".split(separator: " ").map(String.init))
        #expect(SpeakerAdaptation.spokenWords("Store 12, three lattes.") == ["store", "twelve", "three", "lattes"])
    }
}
