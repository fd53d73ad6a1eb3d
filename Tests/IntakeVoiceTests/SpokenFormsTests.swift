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
