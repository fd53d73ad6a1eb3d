import Foundation
import IntakeAlignment
import IntakeCore
import Testing
@testable import IntakeVoice

/// End to end with real speech: flite renders a courier report, PocketSphinx hears it through
/// the domain model built from the demo master data, and alignment turns it into order lines.
@Suite(.serialized) struct VoiceRecognitionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let master: MasterData = try! MasterData.load(
        materials: root.appendingPathComponent("samples/master/materials.csv"),
        devices: root.appendingPathComponent("samples/master/devices.csv"),
        graph: root.appendingPathComponent("models/intent-graph.yaml"))

    /// As the pipeline builds it: readings chosen from the N-best list by the order parser.
    static let stage = makeStage(alternatives: SpeechRecognizer.Settings().alternatives)

    static func makeStage(alternatives: Int, languageWeight: Double = RecognizeStage.defaultLanguageWeight) -> RecognizeStage {
        let vocabulary = SpeechVocabulary(master: master)
        let cache = testCache
        let files = try! DomainRecognizerFiles.prepare(
            vocabulary: vocabulary, baseDictionary: URL(fileURLWithPath: PocketSphinxDecoder.Configuration.debianDictionary),
            additions: [root.appendingPathComponent("models/voice/pronunciations.dict")], cache: cache)
        var settings = SpeechRecognizer.Settings()
        settings.alternatives = alternatives
        return RecognizeStage(
            vocabulary: vocabulary, files: files, reader: IntentAligner(master: master).parser, settings: settings,
            languageWeight: languageWeight)
    }

    /// The recogniser files the tests build, for this test process only (removed when it exits).
    static let testCache: URL = {
        atexit { try? FileManager.default.removeItem(at: VoiceRecognitionTests.testCache) }
        return FileManager.default.temporaryDirectory.appendingPathComponent("intake-voice-tests-\(getpid())")
    }()

    /// A WAV of `text` spoken by flite's `voice`, optionally followed by more speech after a pause.
    static func speak(_ text: String, voice: String = "slt") throws -> Data {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("intake-say-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: file) }
        let flite = Process()
        flite.executableURL = URL(fileURLWithPath: "/usr/bin/flite")
        flite.arguments = ["-voice", voice, "-t", text, "-o", file.path]
        try flite.run()
        flite.waitUntilExit()
        return try Data(contentsOf: file)
    }

    func order(_ wav: Data, worker: Int = 0) throws -> (OrderDraft, Transcript) {
        let transcript = try Self.stage.transcribe(WAVDecoder.decode(wav), worker: worker)
        let text = transcript.orderText(rewrites: Self.stage.vocabulary.rewrites, doubtfulShare: Self.stage.settings.doubtfulShare)
        return (IntentAligner(master: Self.master).align(text), transcript)
    }

    @Test func theStageTimeoutCoversEachMinuteOfAudio() {
        func audio(seconds: Int) -> SpeechAudio { SpeechAudio(samples: Array(repeating: 0, count: seconds * SpeechAudio.sampleRate), sourceFormat: "") }
        #expect(Self.stage.timeout(for: audio(seconds: 8), configured: 30) == 30)
        #expect(Self.stage.timeout(for: audio(seconds: 150), configured: 30) == 75)
    }

    @Test func pastItsDeadlineTheRecognizerStopsBeforeTheNextSegment() throws {
        let audio = try WAVDecoder.decode(try Self.speak("three lattes"))
        #expect(throws: VoiceError.pastDeadline(decoded: 0, segments: 1)) { try Self.stage.transcribe(audio, worker: 0, until: .now()) }
        #expect(try Self.stage.transcribe(audio, worker: 0, until: .now() + 60).text.contains("lattes"))
    }

    @Test func courierReportBecomesAlignedLinesWithAudioEvidence() throws {
        let wav = try Self.speak("store three, six chai lattes with almond milk")
        let (draft, transcript) = try order(wav)
        let lines = draft.intent.lines.map { "\($0.sku ?? "-") \(Int($0.quantity)) \($0.modifiers.joined(separator: ","))" }
        #expect(lines == ["CAF-1021 6 almond_milk"])
        #expect(draft.intent.party?.name == "store 3")
        let lineEvidence = draft.evidence.filter { $0.field.hasPrefix("intent.lines[0]") }
        #expect(lineEvidence.count >= 3)  // sku, quantity, modifier
        for evidence in lineEvidence {
            let audio = try #require(evidence.audio)
            #expect(audio.start >= 0 && audio.end <= transcript.duration && audio.start < audio.end)
        }
        #expect(draft.intent.lines.allSatisfy { $0.confidence > 0.5 })
    }

    @Test func aCountCarriesTheLatticesPosteriorAndItsLineIsNoSurerThanIt() throws {
        let (draft, transcript) = try order(try Self.speak("store three, six chai lattes with almond milk"))
        let words = transcript.segments.flatMap(\.words)
        let six = try #require(words.first { $0.text == "six" })
        let posterior = try #require(six.posterior, "a number word from the n-gram search has a lattice posterior")
        #expect(posterior > 0 && posterior <= 1)
        #expect(words.filter { !SpeechVocabulary.numberWords.contains($0.text) }.allSatisfy { $0.posterior == nil })
        let line = try #require(draft.intent.lines.first)
        #expect(line.quantity == 6)
        #expect(line.confidence <= (posterior * 1000).rounded(.up) / 1000)
        #expect(draft.intent.confidence >= 0.9, "a count said clearly still passes auto mode's 0.9")
    }

    @Test func everySearchPassWeighsTheDomainLanguageModelAlike() throws {
        // PocketSphinx keeps its own weights (8.5, 9.5) for the second and third passes unless told.
        let arguments = Self.makeStage(alternatives: 0, languageWeight: 6.25).configuration.arguments
        for flag in ["-lw", "-fwdflatlw", "-bestpathlw"] {
            let at = try #require(arguments.firstIndex(of: flag), "\(flag) missing from \(arguments)")
            #expect(arguments[at + 1] == "6.25", "\(flag)")
        }
    }

    @Test func numbersThatSoundAlikeAreToldApartInContext() throws {
        let (draft, _) = try order(try Self.speak("kiosk four. fourteen blueberry muffins and forty sugar sticks", voice: "rms"))
        #expect(draft.intent.lines.map { "\($0.sku ?? "-") \(Int($0.quantity))" } == ["CAF-1037 14", "CAF-1086 40"])
    }

    @Test func codesAreHeardInTheirSpokenFormsAndWrittenBack() throws {
        let transcript = try Self.stage.transcribe(WAVDecoder.decode(try Self.speak("ten reams of a four copy paper")), worker: 0)
        let text = transcript.orderText(rewrites: Self.stage.vocabulary.rewrites, doubtfulShare: Self.stage.settings.doubtfulShare)
        #expect(transcript.text == "ten reams of a four copy paper")
        #expect(text.text == "ten reams of a4 copy paper")
        let draft = IntentAligner(master: Self.master).align(text)
        #expect(draft.intent.lines.map { "\($0.sku ?? "-") \(Int($0.quantity))" } == ["OFF-2001 10"])
    }

    @Test func theReadingThatMakesAnOrderIsChosenFromTheAlternatives() throws {
        // slt's toner code "c e five oh five a" is not on the decoder's best path ("c b fifty five").
        let wav = try Self.speak("twenty c e five oh five a and five tape dispensers please")
        let heard = try Self.makeStage(alternatives: 0).transcribe(WAVDecoder.decode(wav), worker: 0)
        #expect(!heard.text.contains("c e five oh five a"))
        #expect(heard.segments.allSatisfy { $0.readings.isEmpty && $0.alternative == nil })

        let (draft, transcript) = try order(wav)
        #expect(draft.intent.lines.map { "\($0.sku ?? "-") \(Int($0.quantity))" } == ["OFF-2016 20", "OFF-2061 5"])
        let segment = try #require(transcript.segments.first)
        let chosen = try #require(segment.alternative)
        #expect(segment.readings.count > chosen)
        #expect(segment.readings[chosen].plausibility > segment.readings[0].plausibility)
        #expect(segment.words.map(\.text).joined(separator: " ").contains("c e five oh five a and five"))
    }

    @Test func aNumberThatSoundsLikeANumberAndAWordIsReadAsTheOrderNamesIt() throws {
        // "six tea" and "sixty" are the same phones; the decoder's best path says "sixty bags".
        // (For "please send six tea bags" it has said "six tea" itself since the language
        // model stopped preferring teens to tens as counts.)
        let (draft, transcript) = try order(try Self.speak("we need six tea bags"))
        let segment = try #require(transcript.segments.first)
        #expect(segment.readings.first?.text.contains("six tea") == false)
        #expect(transcript.text == "we need six tea bags")
        #expect(draft.intent.lines.map { "\($0.sku ?? "-") \(Int($0.quantity))" } == ["CAF-1080 6"])
    }

    @Test func outOfDomainSpeechGoesToReviewWithANoteNotIntoProducts() throws {
        let (draft, transcript) = try order(try Self.speak("the weather is lovely today, shall we go to the beach and swim", voice: "rms"))
        #expect(draft.intent.lines.isEmpty)
        #expect(draft.intent.type == .none)
        #expect(transcript.segments.contains { $0.outOfDomainShare >= Self.stage.settings.doubtfulShare })
        #expect(draft.intent.notes.contains { $0.contains("outside the order vocabulary") })
    }

    @Test func silenceIsNoActionWithAReason() throws {
        let silence = WAVFixture.make(seconds: 2, rate: 16_000) { _ in 0 }
        let (draft, transcript) = try order(silence)
        #expect(transcript.segments.isEmpty)
        #expect(draft.intent.type == .none)
        #expect(draft.intent.notes == ["No speech found in 2.0 s of audio."])
    }

    @Test func resultsDoNotDependOnOrderOrWorker() throws {
        let a = try Self.speak("kiosk four, fourteen blueberry muffins")
        let b = try Self.speak("ten reams of a four copy paper", voice: "rms")
        let first = try [a, b, a].map { try Self.stage.transcribe(WAVDecoder.decode($0), worker: 0).text }
        let second = try [b, a].map { try Self.stage.transcribe(WAVDecoder.decode($0), worker: 1).text }
        #expect(first[0] == first[2])
        #expect(first[0] == second[1])
        #expect(first[1] == second[0])
    }
}
