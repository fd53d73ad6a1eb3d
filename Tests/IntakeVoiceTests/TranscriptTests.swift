import Foundation
import IntakeAlignment
import Testing
@testable import IntakeVoice

@Suite("Transcript → order text: spoken forms written back as the catalog writes them")
struct TranscriptTests {
    static let rewrites: [[String]: String] = [
        ["d", "r", "twenty", "four", "hundred"]: "dr-2400",
        ["h", "p", "eight", "five", "a"]: "hp 85a",
    ]

    static func transcript(_ heard: String) -> Transcript {
        let words = heard.split(separator: " ").enumerated().map { index, word in
            Transcript.Word(text: String(word), start: Double(index) * 0.3, end: Double(index) * 0.3 + 0.25, confidence: 0.9, inDomain: true)
        }
        return Transcript(segments: [.init(start: 0, end: 3, words: words, outOfDomainShare: 0)], duration: 3, sourceFormat: "test")
    }

    @Test func aCodeHeardWithOneSoundAlikeLetterIsTheOnlyCodeItCouldBeAndGoesToReview() throws {
        let text = Self.transcript("five c r twenty four hundred and two h t eight five a").orderText(rewrites: Self.rewrites, doubtfulShare: 0.5)
        #expect(text.text == "five dr-2400 and two hp 85a")
        let code = try #require(text.origins.first { $0.span.start == 5 })
        #expect(code.confidence == Transcript.eSetConfidence)
        #expect(code.audio?.start == 0.3 && code.audio?.end == 1.75, "the span covers the five words heard")
        #expect(text.notes.contains { $0.contains("Heard \"c r twenty four hundred\"; read as dr-2400") })
    }

    @Test func aSoundAlikeLetterThatCouldNameTwoCodesIsLeftAsHeard() {
        var rewrites = Self.rewrites
        rewrites[["b", "r", "twenty", "four", "hundred"]] = "br-2400"
        let text = Self.transcript("five c r twenty four hundred").orderText(rewrites: rewrites, doubtfulShare: 0.5)
        #expect(text.text == "five c r twenty four hundred")
        #expect(text.notes.isEmpty)
    }

    @Test func aCodeHeardRightIsWrittenBackWithItsOwnConfidence() {
        let text = Self.transcript("five d r twenty four hundred").orderText(rewrites: Self.rewrites, doubtfulShare: 0.5)
        #expect(text.text == "five dr-2400")
        #expect(text.origins.allSatisfy { $0.confidence == 0.9 })
        #expect(text.notes.isEmpty)
    }

    @Test func aCountIsNoSurerThanTheLatticesPosteriorOfIt() throws {
        var transcript = Self.transcript("forty dry wipe markers")
        transcript.segments[0].words[0].posterior = 0.62
        let text = transcript.orderText(rewrites: Self.rewrites, doubtfulShare: 0.5)
        #expect(text.origins.map(\.confidence) == [0.62, 0.9, 0.9, 0.9])
    }

    @Test func aCodeKeepsItsConfidenceHoweverItsSpellingsSplitTheLattice() throws {
        // "d r twenty four hundred" and "d r two four oh oh" name one code: the lattice divides
        // its belief between the spellings, so a word's share says nothing of the code.
        var transcript = Self.transcript("five d r twenty four hundred")
        for index in 1...5 { transcript.segments[0].words[index].posterior = 0.3 }
        transcript.segments[0].words[0].posterior = 0.97
        let text = transcript.orderText(rewrites: Self.rewrites, doubtfulShare: 0.5)
        #expect(text.text == "five dr-2400")
        #expect(text.origins.map(\.confidence) == [0.9, 0.9])
    }
}
