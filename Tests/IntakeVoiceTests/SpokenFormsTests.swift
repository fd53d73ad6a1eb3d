import Foundation
import Testing
@testable import IntakeVoice

@Suite struct SpokenFormsTests {
    func said(_ written: String) -> [String] { SpokenForms.variants(of: written).map { $0.joined(separator: " ") } }

    @Test func codesAreSaidAsPeopleSayThem() {
        #expect(said("6205-2RS").contains("sixty two oh five two r s"))
        #expect(said("6205-2RS").contains("six two oh five two r s"))
        #expect(said("NU208").first == "n u two oh eight")
        #expect(said("A4 paper").first == "a four paper")
        #expect(said("HP 59A").contains("h p fifty nine a"))
    }

    @Test func unitsAfterNumbersAreSpelledOut() {
        #expect(said("12oz cups").first == "twelve ounce cups")
        #expect(said("500ml").first == "five hundred milliliter")
        #expect(said("Oil Seal 25x47x7").first == "oil seal twenty five by forty seven by seven")
    }

    /// "200l" is "two hundred liter": a count of a unit is said as a number. Said digit by digit
    /// ("two oh oh l") it sounds like "two oh l", another drum size.
    @Test func measuresAreNeverSaidDigitByDigit() {
        #expect(said("insulating oil 200l") == ["insulating oil two hundred liter", "insulating oil two hundred l"])
        #expect(said("12oz cup") == ["twelve ounce cup", "twelve oz cup"])
        #expect(said("8 oz cup") == ["eight ounce cup", "eight oz cup"])
        #expect(!said("Mech Seal 25mm").contains { $0.contains("two five") })
        #expect(!said("10x38 fuse").contains { $0.contains("one oh") })
        // Codes still are.
        #expect(said("6205-2RS").contains("six two oh five two r s"))
        #expect(said("8PK1200").contains("eight p k one two oh oh"))
    }

    /// "cf226a" is a toner, not a current: the letter after its digits is spelled.
    @Test func aLetterAfterDigitsInACodeIsSpelledNotAUnit() {
        #expect(said("cf226a").contains("c f two two six a"))
        #expect(!said("cf226a").contains { $0.contains("amp") })
        #expect(!said("ce505a").contains { $0.contains("amp") })
        #expect(said("m12x50").first == "m twelve by fifty")
        #expect(said("32a fuse").first == "thirty two amp fuse")
    }

    @Test func plainWordsStayAsWritten() {
        #expect(said("Iced Americano") == ["iced americano"])
        #expect(SpokenForms.words(2026) == ["two", "thousand", "twenty", "six"])
    }

    @Test("Short words are said as words, short letter groups are spelled")
    func shortWordsAreNotSpelled() {
        #expect(said("no ice") == ["no ice"])
        #expect(said("to go") == ["to go"])
        #expect(said("OJ") == ["o j"])
        #expect(said("CE 505A").first == "c e five oh five amp")
    }
}
