import Testing
@testable import IntakeVoice

@Suite struct SpeechVocabularyTests {
    @Test func headNounsTakeThePluralCouriersSay() {
        #expect(SpeechVocabulary.plural(of: "battery") == "batteries")
        #expect(SpeechVocabulary.plural(of: "diary") == "diaries")
        #expect(SpeechVocabulary.plural(of: "tray") == "trays")
        #expect(SpeechVocabulary.plural(of: "box") == "boxes")
        #expect(SpeechVocabulary.plural(of: "brush") == "brushes")
        #expect(SpeechVocabulary.plural(of: "latte") == "lattes")
    }

    @Test func theDemoCatalogsPluralsAreWords() {
        let vocabulary = SpeechVocabulary(master: VoiceRecognitionTests.master)
        #expect(vocabulary.products.contains(["desk", "diaries"]))
        #expect(vocabulary.products.contains(["aaa", "batteries"]))
        #expect(!vocabulary.products.contains { $0.contains("diarys") || $0.contains("batterys") })
    }

    @Test func aNameEndingInAnAttributeTakesThePluralOnItsNoun() {
        let vocabulary = SpeechVocabulary(master: VoiceRecognitionTests.master)
        #expect(vocabulary.products.contains(["kraft", "paper", "bags", "large"]))
        #expect(vocabulary.products.contains(["paper", "bags", "small"]))
        #expect(!vocabulary.allWords.contains("larges") && !vocabulary.allWords.contains("smalls"))
        #expect(SpeechVocabulary.plural(ofName: ["decaf"], attributes: ["decaf"]) == nil)
    }
}
