import IntakeAlignment
import Testing

/// Readings of the same speech, as a recogniser's N-best list gives them: the one that reads as
/// an order must score higher than its near misses.
@Suite struct OrderPlausibilityTests {
    let parser: TextIntentParser

    init() throws {
        parser = try DemoMaster.aligner().parser
    }

    func score(_ text: String) -> Double { parser.plausibility(of: text).score }

    @Test func aCodeThatMatchesBeatsOneWithAStrayLetter() {
        let heard = parser.plausibility(of: "twelve 6205 l bearing thank you")
        let meant = parser.plausibility(of: "twelve 6205 bearing thank you")
        #expect(meant.lines == 1)
        #expect(meant.unexplainedWords == 0)
        #expect(meant.score > heard.score)
    }

    @Test func aSaidQuantityBeatsAnImplicitOneAndAnA() {
        let said = score("store seven, eight butter croissants and one latte please")
        #expect(said > score("store seven, butter croissants and one latte please"))
        #expect(said > score("store seven, a butter croissants and one latte please"))
    }

    @Test func moreLinesMadeOfStrayWordsDoNotReadBetter() {
        // "five" misheard at the end must not become a third line of its own.
        let meant = score("two lattes and three americanos with oat milk")
        let stray = score("two lattes and three americanos and five staples")
        #expect(meant >= stray)
    }

    @Test func wordsThatMeanNothingToAnOrderCostPlausibility() {
        let clean = parser.plausibility(of: "three cappuccinos please")
        let noisy = parser.plausibility(of: "weather beach, three cappuccinos please")
        #expect(noisy.unexplainedWords == 2)
        #expect(clean.score > noisy.score)
    }

    @Test func aPhraseWithAQuantityButNoProductIsUnmatched() {
        let reading = parser.plausibility(of: "four flux capacitors and two lattes")
        #expect(reading.unmatchedPhrases == 1)
        #expect(reading.lines == 1)
        #expect(reading.score < score("four flat whites and two lattes"))
    }

    @Test func aPartyHeardInsideALineEarnsNothing() {
        // "twenty four clear tapes" heard as "one t4 clear tapes": device T3 between a count
        // and its product is a misreading, not a named party.
        let meant = score("two lattes and one cappuccino")
        #expect(meant >= score("two lattes and one t3 cappuccino"))
        // Named where parties are named, it still reads better.
        #expect(score("store seven, two lattes and one cappuccino") > meant)
    }

    @Test func aCountOfOneBeforeAPluralReadsWorseThanTheCountMeant() {
        // "nine lattes" heard in 10 dB of noise as "and one lattes".
        let meant = score("two flat whites nine lattes thanks")
        #expect(meant > score("two flat whites and one lattes thanks"))
        #expect(score("one latte") == score("nine lattes"))
        // A plural the catalogue's own name has, or one after a unit, is what people say.
        #expect(score("one staples") == score("two staples"))
        #expect(score("one carton of oat milk cartons") == score("two cartons of oat milk cartons"))
    }
}
