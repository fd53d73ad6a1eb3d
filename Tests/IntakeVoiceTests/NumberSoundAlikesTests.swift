import Foundation
import Testing
@testable import IntakeVoice

@Suite struct NumberSoundAlikesTests {
    /// The demo catalog's vocabulary with the Debian dictionary's pronunciations.
    static let soundAlikes = NumberSoundAlikes(
        vocabulary: SpeechVocabulary(master: VoiceRecognitionTests.master),
        pronunciations: try! PronunciationDictionary(files: [URL(fileURLWithPath: PocketSphinxDecoder.Configuration.debianDictionary)]))

    @Test func tensThatSoundLikeANumberAndTeaSplit() {
        let sixty = Self.soundAlikes.splits["sixty"] ?? []
        #expect(sixty.contains { $0.number == "six" && $0.word == "tea" })
        #expect(Self.soundAlikes.splits["forty"]?.contains { $0.number == "four" && $0.word == "tea" } == true)
        #expect(Self.soundAlikes.splits["seventy"]?.contains { $0.number == "seven" && $0.word == "tea" } == true)
        // S IH K S T IY: "six" is four of its six phones.
        #expect(sixty.first { $0.word == "tea" }?.share == 4.0 / 6.0)
    }

    @Test func numbersWithNoSoundAlikeWordAndLettersDoNotSplit() {
        #expect(Self.soundAlikes.splits["sixteen"] == nil)
        #expect(Self.soundAlikes.splits["twelve"] == nil)
        #expect(Self.soundAlikes.splits.values.joined().allSatisfy { $0.word.count > 1 })
    }

    @Test func aVariantSplitsTheWordsTimeByItsPhones() {
        let words: [PocketSphinxDecoder.Word] = [
            .init(text: "sixty", startFrame: 100, endFrame: 160, acousticScore: -600),
            .init(text: "bags", startFrame: 160, endFrame: 200, acousticScore: -300),
        ]
        let variant = Self.soundAlikes.variants(of: words).first { $0.map(\.text) == ["six", "tea", "bags"] }
        #expect(variant?.map(\.startFrame) == [100, 140, 160])
        #expect(variant?.map(\.endFrame) == [140, 160, 200])
        #expect(variant?.map(\.acousticScore) == [-400, -200, -300])
        #expect(Self.soundAlikes.variants(of: [words[1]]).isEmpty)
    }

    @Test func aSplitOffWordMustBeginAPhraseTheNextWordsComplete() {
        func heard(_ text: String) -> [PocketSphinxDecoder.Word] {
            text.split(separator: " ").enumerated().map { .init(text: String($1), startFrame: 10 * $0, endFrame: 10 * $0 + 10, acousticScore: -100) }
        }
        #expect(Self.soundAlikes.variants(of: heard("forty bags please")).map { $0.map(\.text).joined(separator: " ") } == ["four tea bags please"])
        // "tea" alone names a product, but nothing after "forty" continues it: no split.
        #expect(Self.soundAlikes.variants(of: heard("a forty a four ring")).isEmpty)
        #expect(Self.soundAlikes.variants(of: heard("sixty")).isEmpty)
    }

    @Test func wordsSaidLikeANumberAreAlsoReadAsIt() {
        #expect(Self.soundAlikes.numbersSaidAlike == ["for": "four", "to": "two", "too": "two"])
        let words: [PocketSphinxDecoder.Word] = ["store", "two", "for", "c", "h"].enumerated().map {
            .init(text: $1, startFrame: 10 * $0, endFrame: 10 * $0 + 10, acousticScore: -100)
        }
        #expect(Self.soundAlikes.variants(of: words).map { $0.map(\.text).joined(separator: " ") } == ["store two four c h"])
    }
}
